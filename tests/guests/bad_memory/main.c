/*
 * bad_memory: touch guest-physical memory far outside the domain's RAM
 * (GPA 0x7f0000000, mapped through the guest's own page tables).
 *
 * The hypervisor must neither crash nor hang, and must never let the
 * access reach memory that is not the domain's. Two outcomes are
 * acceptable: it crashes the domain with a message (the harness checks;
 * no result line then), or, as Xen does for unclaimed addresses, reads
 * return all-ones and writes are dropped (SUCCESS here). Any other value
 * read, or an exception injected into the guest, is a FAILURE.
 */
#include <guest.h>

const char test_title[] = "bad_memory: access to a GPA far beyond RAM";

#define BAD_GPA 0x7f0000000ull
#define BAD_VA (TEST_WINDOW_BASE + 0x300000)

static u64 value;

static void read_it(void *arg)
{
    value = *(volatile u64 *)(BAD_VA + 0x100);
}

static void write_it(void *arg)
{
    *(volatile u64 *)(BAD_VA + 0x100) = 0x1234567887654321ull;
}

static bool access(const char *what, void (*fn)(void *))
{
    char buf[32];
    exinfo_t f = exec_expect_fault(fn, NULL);

    return check(!f, "%s of GPA %#llx raised %s", what, BAD_GPA + 0x100,
                 exinfo_str(f, buf, sizeof(buf)));
}

void test_main(void)
{
    if (!test_needs_xen())
        return;
    if (phys_addr_bits() < 36) {
        test_skip("physical address width %u cannot name GPA %#llx", phys_addr_bits(), BAD_GPA);
        return;
    }
    if (map_page(BAD_VA, BAD_GPA, PTE_WRITE)) {
        test_error("map_page failed");
        return;
    }
    printk("reading GPA %#llx\n", BAD_GPA + 0x100);
    if (!access("read", read_it))
        return;
    printk("  read %#lx\n", value);
    check(value == ~0ull, "read %#lx, expected all-ones", value);
    printk("writing it and reading again\n");
    if (!access("write", write_it) || !access("read", read_it))
        return;
    check(value == ~0ull, "read %#lx after a write, expected all-ones (write dropped)", value);
    test_success();
}
