/*
 * Part of mm_selftest: the x86 interfaces other CPUs and drivers build on.
 * ioremap() of a device (the local APIC's version register) and of
 * firmware memory that the direct map already covers; the AP trampoline's
 * identity mapping (mapped, readable at its own address, gone after
 * unmapping); which low pages low_memory_is_free() offers; and a CPU
 * switched to allocated descriptor tables, as an AP would be, taking an
 * NMI on its allocated IST stack.
 */
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/mm.h>
#include <asm/debug.h>
#include <asm/desc.h>
#include <asm/e820.h>
#include <asm/extable.h>
#include <asm/page.h>
#include <asm/percpu.h>

#define LAPIC_DEFAULT_BASE 0xfee00000ULL
#define LAPIC_VERSION 0x30
#define BIOS_AREA 0xf0000ULL
#define TEST_LOW_PAGE 0x7000ULL

static bool fail(const char *what, u64 value)
{
    pr_err("arch_selftest: FAILED: %s (%#llx)\n", what, (unsigned long long)value);
    return false;
}

static bool check_ioremap(void)
{
    volatile u32 *lapic = ioremap(LAPIC_DEFAULT_BASE, PAGE_SIZE);
    void *bios = ioremap(BIOS_AREA + 0x10, 16);

    if (!lapic)
        return fail("ioremap of the local APIC", LAPIC_DEFAULT_BASE);
    if ((u64)lapic < IOREMAP_BASE || (u64)lapic >= IOREMAP_BASE + IOREMAP_SIZE)
        return fail("ioremap outside its window", (u64)lapic);
    if (bios != phys_to_virt(BIOS_AREA + 0x10))
        return fail("ioremap of the BIOS area is not its direct-map address", (u64)bios);
    if (ioremap(0x1000, 0))
        return fail("ioremap of zero bytes succeeded", 0);
    printk("arch_selftest: local APIC version register %#x (via ioremap at %p)\n",
           lapic[LAPIC_VERSION / 4], (void *)lapic);
    return true;
}

static bool check_identity_map(void)
{
    u64 direct, identity;
    int rc = paging_map_identity_low(TEST_LOW_PAGE);

    if (rc)
        return fail("paging_map_identity_low", (u64)(s64)rc);
    *(volatile u64 *)phys_to_virt(TEST_LOW_PAGE) = 0x1dea1dea5eed5eedULL;
    if (probe_read_u64((const void *)TEST_LOW_PAGE, &identity))
        return fail("identity-mapped page not readable", TEST_LOW_PAGE);
    direct = *(volatile u64 *)phys_to_virt(TEST_LOW_PAGE);
    if (identity != direct)
        return fail("identity and direct map disagree", identity);
    if (paging_map_identity_low(TEST_LOW_PAGE) != -EINVAL)
        return fail("mapping the same page twice was accepted", TEST_LOW_PAGE);
    paging_unmap_identity_low(TEST_LOW_PAGE);
    if (!probe_read_u64((const void *)TEST_LOW_PAGE, &identity))
        return fail("page still mapped after unmapping", TEST_LOW_PAGE);
    if (paging_root_pa() >= (1ULL << 32))
        return fail("page-table root above 4 GiB", paging_root_pa());
    return true;
}

static void report_low_memory(void)
{
    printk("arch_selftest: low_memory_is_free: page 0 %d, %#llx %d, 0x9f000 %d, 0xa0000 %d\n",
           low_memory_is_free(0, PAGE_SIZE), (unsigned long long)TEST_LOW_PAGE,
           low_memory_is_free(TEST_LOW_PAGE, PAGE_SIZE), low_memory_is_free(0x9f000, PAGE_SIZE),
           low_memory_is_free(0xa0000, PAGE_SIZE));
}

/* Run the boot CPU on freshly allocated tables, as cpu_init_tables() sets up an AP, then go back.
 */
static bool check_allocated_cpu_tables(void)
{
    struct cpu_info *boot = this_cpu(), *ci = xzalloc_obj(struct cpu_info);
    struct cpu_tables *t;
    u64 rsp;

    if (!ci)
        return fail("xzalloc of a cpu_info", 0);
    *ci = *boot;
    ci->tables = NULL;
    if (cpu_tables_alloc(ci))
        return fail("cpu_tables_alloc", 0);
    t = ci->tables;
    cpu_init_tables(ci);
    if (this_cpu() != ci)
        return fail("GS base does not point at the new cpu_info", (u64)this_cpu());
    /* An NMI runs on IST_NMI: the handler's frame must land in the new stack. */
    __asm__ __volatile__("int $2");
    if (probe_read_u64((u8 *)t->ist_stack[IST_NMI - 1] + IST_STACK_SIZE - 8, &rsp) ||
        rsp != HYPERVISOR_DS)
        return fail("NMI frame not on the allocated IST stack (saved SS)", rsp);
    cpu_init_tables(boot);
    if (this_cpu() != boot)
        return fail("GS base not restored", (u64)this_cpu());
    cpu_tables_free(ci);
    xfree(ci);
    return true;
}

bool arch_selftest_run(void)
{
    if (!check_ioremap() || !check_identity_map() || !check_allocated_cpu_tables())
        return false;
    report_low_memory();
    printk("arch_selftest: passed\n");
    return true;
}
