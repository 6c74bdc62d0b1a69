/*
 * hypercall_fuzz: hostile hypercall arguments.
 *
 * First, directed checks: every kind of bad guest pointer (unmapped,
 * read-only, straddling into an unmapped page, behind a page table outside
 * RAM or with reserved bits, beyond RAM, NULL, non-canonical, the kernel
 * half, the top of the address space) given to a hypercall that reads and
 * to one that writes, from 64-bit and from 32-bit code: -EFAULT, nothing
 * written. Then a CONSOLEIO_write of 2 GiB from an aliased mapping (XTF's
 * xsa-consoleio-write): it must return. Then sub-op numbers with garbage
 * in the bits Xen's handlers do not look at, and calls with several bad
 * arguments (Xen's errno is that of the check it makes first).
 *
 * Then a deterministic pseudo-random run (seed=, iterations= on the
 * command line): every hypercall number 0-63 and some huge ones, random
 * sub-ops, and arguments drawn from the bad pointers, small numbers,
 * boundary values, domain ids and random words; structures the hypervisor
 * reads point into a scratch area refilled with such values before every
 * call. A quarter of the calls come from compatibility mode.
 *
 * The hypervisor must answer every call (with a value >= 0 or an errno in
 * Xen's range), never write through a read-only mapping, and leave this
 * guest able to go on. Calls that legitimately stop or block the caller
 * (SCHEDOP_shutdown, _block, _poll, _watchdog, _shutdown_code,
 * _remote_shutdown, VCPUOP_down) are not made. The summary shows what
 * each hypercall number answered.
 */
#include <guest.h>
#include <guest/compat.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

const char test_title[] = "hypercall_fuzz: hostile hypercall arguments, every call answered";

#define XEN_ERRNO_MAX 133 /* the largest errno in Xen's public errno.h */

/* ---- the guest's memory for bad pointers ----------------------------------------------------- */

#define W TEST_WINDOW_BASE
#define SCRATCH_PAGES 4
#define SCRATCH_VA (W + 0x100000) /* RW; the page after it is unmapped */
#define SCRATCH_END (SCRATCH_VA + SCRATCH_PAGES * XEN_PAGE_SIZE)
#define USER_VA (W + 0x110000)      /* scratch page 0 again, user-accessible */
#define RO_ZERO_VA (W + 0x120000)   /* a zero page, read-only */
#define RO_TEXT_VA (W + 0x130000)   /* this guest's first code page, read-only */
#define BEYOND_VA (W + 0x140000)    /* a GPA far beyond RAM */
#define BAD_TABLE_VA (W + 0x400000) /* its page table is beyond RAM */
#define RSVD_VA (W + 0x600000)      /* its PDE has a reserved bit set */
#define UNMAPPED_VA (W + 0x800000)
#define ALIAS_VA 0x0000008000000000ull /* 2 GiB of the zero page, read-only */
#define BEYOND_GPA 0x7f0000000ull

static u8 scratch[SCRATCH_PAGES][XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);
static u8 zero_frame[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);
static u64 alias_l3[512] __aligned(XEN_PAGE_SIZE);
static u64 alias_l2[512] __aligned(XEN_PAGE_SIZE);
static u64 alias_l1[512] __aligned(XEN_PAGE_SIZE);

#define ADDR_MASK 0x000ffffffffff000ull
#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)

/* The PDE that maps va (its tables exist: map_page() made them). */
static u64 *pde_of(u64 va)
{
    u64 *t = (u64 *)(read_cr3() & ADDR_MASK);

    t = (u64 *)(t[(va >> 39) & 511] & ADDR_MASK);
    t = (u64 *)(t[(va >> 30) & 511] & ADDR_MASK);
    return &t[(va >> 21) & 511];
}

static void flush_tlb(void)
{
    __asm__ __volatile__("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
}

static u64 text_sum;

static u64 checksum(const void *p, size_t n)
{
    const u64 *w = p;
    u64 s = 0;

    for (size_t i = 0; i < n / 8; i++)
        s = s * 31 + w[i];
    return s;
}

static bool set_up_memory(void)
{
    u64 *l4 = (u64 *)(read_cr3() & ADDR_MASK);
    bool ok = true;

    for (unsigned int i = 0; i < SCRATCH_PAGES; i++)
        ok &= !map_page(SCRATCH_VA + i * XEN_PAGE_SIZE, (u64)scratch[i], PTE_WRITE);
    ok &= !map_page(USER_VA, (u64)scratch[0], PTE_WRITE | PTE_USER);
    ok &= !map_page(RO_ZERO_VA, (u64)zero_frame, 0);
    ok &= !map_page(RO_TEXT_VA, GUEST_LOAD_ADDR, 0);
    ok &= !map_page(BEYOND_VA, BEYOND_GPA, PTE_WRITE);
    ok &= !map_page(BAD_TABLE_VA, (u64)scratch[0], PTE_WRITE);
    ok &= !map_page(RSVD_VA, (u64)scratch[0], PTE_WRITE);
    if (!ok)
        return false;
    /* A "page table" beyond RAM, and a PDE with address bit 51 set (reserved: MAXPHYADDR < 52). */
    *pde_of(BAD_TABLE_VA) = BEYOND_GPA | TABLE_FLAGS;
    *pde_of(RSVD_VA) |= 1ull << 51;

    /* 2 GiB at ALIAS_VA, every page the zero frame: two tables for all of it. */
    for (unsigned int i = 0; i < 512; i++) {
        alias_l1[i] = (u64)zero_frame | PTE_PRESENT;
        alias_l2[i] = (u64)alias_l1 | TABLE_FLAGS;
    }
    alias_l3[0] = alias_l3[1] = (u64)alias_l2 | TABLE_FLAGS;
    l4[(ALIAS_VA >> 39) & 511] = (u64)alias_l3 | TABLE_FLAGS;
    flush_tlb();
    text_sum = checksum((const void *)GUEST_LOAD_ADDR, XEN_PAGE_SIZE);
    return phys_addr_bits() < 52 && phys_addr_bits() >= 36;
}

/* Nothing may have been written through the read-only mappings. */
static bool memory_intact(void)
{
    for (unsigned int i = 0; i < XEN_PAGE_SIZE; i++)
        if (zero_frame[i])
            return check(false, "the read-only zero page has %#x at offset %u", zero_frame[i], i);
    return check(checksum((const void *)GUEST_LOAD_ADDR, XEN_PAGE_SIZE) == text_sum,
                 "the read-only code page changed");
}

/* ---- kinds of pointers -------------------------------------------------------------------------
 */

enum ptr_kind {
    P_SCRATCH,
    P_USER,
    P_STRADDLE,
    P_RO_ZERO,
    P_RO_TEXT,
    P_ALIAS,
    P_BEYOND_RAM,
    P_BAD_TABLE,
    P_RSVD_PDE,
    P_UNMAPPED,
    P_NULL,
    P_NONCANONICAL,
    P_KERNEL_HALF,
    P_TOP,
    P_NR,
};

static const struct {
    const char *name;
    bool readable, writable; /* for 8 bytes */
    bool zeros;              /* reads give zero bytes (quiet for the console) */
    u64 va, va32;            /* the address from 64-bit and from 32-bit code */
} ptrs[P_NR] = {
    [P_SCRATCH] = {"scratch", true, true, false, SCRATCH_VA, SCRATCH_VA},
    [P_USER] = {"user page", true, true, false, USER_VA, USER_VA},
    [P_STRADDLE] = {"straddling", false, false, false, SCRATCH_END - 4, SCRATCH_END - 4},
    [P_RO_ZERO] = {"read-only", true, false, true, RO_ZERO_VA, RO_ZERO_VA},
    [P_RO_TEXT] = {"read-only code", true, false, false, RO_TEXT_VA, RO_TEXT_VA},
    [P_ALIAS] = {"read-only alias", true, false, true, ALIAS_VA, RO_ZERO_VA + 8},
    [P_BEYOND_RAM] = {"beyond RAM", false, false, false, BEYOND_VA, BEYOND_VA},
    [P_BAD_TABLE] = {"table beyond RAM", false, false, false, BAD_TABLE_VA, BAD_TABLE_VA},
    [P_RSVD_PDE] = {"reserved PDE bit", false, false, false, RSVD_VA, RSVD_VA},
    [P_UNMAPPED] = {"unmapped", false, false, false, UNMAPPED_VA, UNMAPPED_VA},
    [P_NULL] = {"NULL", false, false, false, 0, 0},
    [P_NONCANONICAL] = {"non-canonical", false, false, false, 0x0000800000000000ull, 0xfffff000},
    [P_KERNEL_HALF] = {"kernel half", false, false, false, 0xffff800000000000ull, 0xc0000000},
    [P_TOP] = {"top of memory", false, false, false, ~0ull - 3, 0xfffffffc},
};

/* ---- directed checks ---------------------------------------------------------------------------
 */

static long call(bool compat, u64 nr, u64 a1, u64 a2, u64 a3)
{
    if (compat)
        return (s32)hypercall32((u32)nr, (u32)a1, (u32)a2, (u32)a3, 0, 0);
    return hypercall6(nr, a1, a2, a3, 0, 0);
}

static void bad_pointers(bool compat)
{
    const char *mode = compat ? "32-bit" : "64-bit";

    for (unsigned int k = 0; k < P_NR; k++) {
        u64 p = compat ? ptrs[k].va32 : ptrs[k].va;
        long rc;

        /* Reads 8 bytes: CONSOLEIO_write prints them (zeros are dropped). */
        if (ptrs[k].zeros || !ptrs[k].readable) {
            rc = call(compat, __HYPERVISOR_console_io, CONSOLEIO_write, 8, p);
            check(rc == (ptrs[k].readable ? 0 : -EFAULT), "%s console_io write from %s %#lx: %ld",
                  mode, ptrs[k].name, p, rc);
        }
        /* Writes 16 bytes. */
        rc = call(compat, __HYPERVISOR_xen_version, XENVER_extraversion, p, 0);
        check(rc == (ptrs[k].writable ? 0 : -EFAULT),
              "%s xen_version(extraversion) to %s %#lx: %ld", mode, ptrs[k].name, p, rc);
        /* Reads, then writes 8 bytes (a zero submap index is valid). */
        memset(scratch, 0, sizeof(scratch));
        if (ptrs[k].zeros || !ptrs[k].readable || ptrs[k].writable) {
            rc = call(compat, __HYPERVISOR_xen_version, XENVER_get_features, p, 0);
            check(rc == (ptrs[k].writable ? 0 : -EFAULT), "%s get_features at %s %#lx: %ld", mode,
                  ptrs[k].name, p, rc);
        }
    }
    memory_intact();
    printk("  bad pointers from %s code: -EFAULT, nothing written\n", mode);
}

static void huge_console_write(void)
{
    static const u64 counts[] = {0x80000000ull, 0xffffffffull, 0x7fffffffull};

    for (unsigned int i = 0; i < ARRAY_SIZE(counts); i++) {
        long rc = hypercall_console_io(CONSOLEIO_write, (u32)counts[i], (void *)ALIAS_VA);

        check(rc == 0, "console_io write of %#lx bytes from the alias: %ld", counts[i], rc);
    }
    printk("  console_io write of 2-4 GiB from an aliased zero page: returned\n");
}

/*
 * Xen's handlers take their sub-op as int or unsigned int (xen_version,
 * sched_op, console_io; and console_io's count): a 64-bit caller's upper
 * bits are not looked at.
 */
static void wide_subops(void)
{
    const u64 garbage = 0xabcd000100000000ull;
    long version = hypercall_xen_version(XENVER_version, NULL), rc;

    rc = hypercall6(__HYPERVISOR_xen_version, garbage | XENVER_version, 0, 0, 0, 0);
    check(rc == version, "xen_version(%#lx): %ld, expected %ld", garbage | XENVER_version, rc,
          version);
    rc = hypercall6(__HYPERVISOR_sched_op, garbage | SCHEDOP_yield, 0, 0, 0, 0);
    check(rc == 0, "sched_op(%#lx): %ld", garbage | SCHEDOP_yield, rc);
    rc = hypercall6(__HYPERVISOR_console_io, garbage | CONSOLEIO_write, garbage | 8, RO_ZERO_VA, 0,
                    0);
    check(rc == 0, "console_io(%#lx, count %#lx): %ld", garbage | CONSOLEIO_write, garbage | 8, rc);
    printk("  sub-op numbers: only the bits Xen's handlers take count\n");
}

/*
 * When several arguments are wrong, the errno is the one of the check Xen
 * makes first: an HVM parameter index before the domain id.
 */
static void check_order(void)
{
    struct xen_hvm_param p = {.domid = 0x7fef, .index = HVM_NR_PARAMS};
    long rc;

    rc = hypercall_hvm_op(HVMOP_get_param, &p);
    check(rc == -EINVAL, "get_param(no such domain, index %u): %ld, expected -EINVAL", p.index,
          rc);
    rc = hypercall_hvm_op(HVMOP_set_param, &p);
    check(rc == -EINVAL, "set_param(no such domain, index %u): %ld, expected -EINVAL", p.index,
          rc);
    p.index = HVM_PARAM_CALLBACK_IRQ;
    rc = hypercall_hvm_op(HVMOP_get_param, &p);
    check(rc == -ESRCH, "get_param(no such domain): %ld, expected -ESRCH", rc);
    printk("  several bad arguments: Xen's errno\n");
}

/* ---- the random run -----------------------------------------------------------------------------
 */

static u64 rng;

static u64 rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static u64 pick(const u64 *v, unsigned int n)
{
    return v[rnd() % n];
}

static u64 pointer(bool compat, bool quiet)
{
    for (;;) {
        unsigned int k = rnd() % P_NR;
        u64 base = compat ? ptrs[k].va32 : ptrs[k].va;

        if (quiet && (ptrs[k].readable || k == P_STRADDLE) && !ptrs[k].zeros)
            continue; /* the console would print it */
        if (k == P_SCRATCH || k == P_USER || k == P_RO_ZERO || k == P_RO_TEXT || k == P_ALIAS)
            return base + rnd() % (XEN_PAGE_SIZE - 64);
        if (k == P_STRADDLE)
            return SCRATCH_END - 1 - rnd() % 64;
        return base + (rnd() % 2 ? 0 : rnd() % XEN_PAGE_SIZE);
    }
}

/*
 * An argument or structure field. Pointers and frame numbers it makes
 * reach at most this guest's first megabyte (small numbers and domain ids
 * used as addresses), which the guest no longer needs; never its image
 * (random 32-bit words get bit 30 set).
 */
static u64 value(bool compat)
{
    static const u64 bounds[] = {0x7f,       0x80,        0xff,
                                 0x7fff,     0x8000,      0xffff,
                                 0x7fffffff, 0x80000000,  0xffffffff,
                                 1ull << 32, 1ull << 36,  0x7fffffffffffffffull,
                                 1ull << 63, ~0ull - 0xf, 0x100000000ull | 0x40000000};
    static const u64 domids[] = {DOMID_SELF, 0x7ff1, 0x7ff2, 0x7ff3, 0x7ff4, 0x7ff5, 0, 1, 2, 3};
    u64 v;

    switch (rnd() % 10) {
    case 0:
    case 1:
    case 2:
        v = pointer(compat, false);
        break;
    case 3:
    case 4:
        v = rnd() % 16;
        break;
    case 5:
        v = -(s64)(rnd() % 16) - 1;
        break;
    case 6:
        v = pick(bounds, ARRAY_SIZE(bounds));
        break;
    case 7:
        v = pick(domids, ARRAY_SIZE(domids));
        break;
    default:
        v = compat ? (u32)rnd() | 0x40000000 : rnd();
        break;
    }
    return compat ? (u32)v : v;
}

static void fill_scratch(bool compat)
{
    if (compat) {
        u32 *w = (u32 *)scratch;

        for (unsigned int i = 0; i < sizeof(scratch) / 4; i++)
            w[i] = (u32)value(true);
    } else {
        u64 *w = (u64 *)scratch;

        for (unsigned int i = 0; i < sizeof(scratch) / 8; i++)
            w[i] = value(false);
    }
}

#define NR_OTHER 64 /* statistics slot for numbers >= 64 */

static const u64 huge_numbers[] = {64,         65,         0xff,           0x1000,     0x7fffffff,
                                   0x80000000, 0xffffffff, 0x10000000cull, 1ull << 63, ~0ull};

struct call_args {
    u64 nr, a[5];
    bool compat;
};

/* The hypercall number the hypervisor sees (0xffffffff for the huge ones). */
static u32 number(const struct call_args *c)
{
    return c->compat ? (u32)c->nr : c->nr < 64 ? (u32)c->nr : 0xffffffffu;
}

/*
 * Leave out what would legitimately stop or block this vCPU, and keep the
 * console quiet: its buffer is always a pointer that reads zeros or faults.
 */
static void defuse(struct call_args *c)
{
    u32 nr = number(c), cmd = (u32)c->a[0];

    if (nr == __HYPERVISOR_console_io)
        c->a[2] = pointer(c->compat, true);

    if (nr == __HYPERVISOR_sched_op && cmd >= SCHEDOP_block && cmd <= SCHEDOP_watchdog)
        c->a[0] = SCHEDOP_yield;
    if (nr == __HYPERVISOR_vcpu_op && cmd == VCPUOP_down)
        c->a[0] = VCPUOP_is_up;
}

/* The hypercalls Xen offers HVM guests: most calls go to these. */
static const u64 hvm_numbers[] = {
    __HYPERVISOR_platform_op,      __HYPERVISOR_memory_op,   __HYPERVISOR_multicall,
    __HYPERVISOR_set_timer_op,     __HYPERVISOR_xen_version, __HYPERVISOR_console_io,
    __HYPERVISOR_grant_table_op,   __HYPERVISOR_vm_assist,   __HYPERVISOR_vcpu_op,
    __HYPERVISOR_mmuext_op,        __HYPERVISOR_xsm_op,      __HYPERVISOR_sched_op,
    __HYPERVISOR_event_channel_op, __HYPERVISOR_physdev_op,  __HYPERVISOR_hvm_op,
    __HYPERVISOR_sysctl,           __HYPERVISOR_domctl,      __HYPERVISOR_argo_op,
    __HYPERVISOR_xenpmu_op,        __HYPERVISOR_dm_op,       __HYPERVISOR_hypfs_op,
};

static void generate(struct call_args *c, bool compat)
{
    unsigned int r = rnd() % 10;

    c->compat = compat;
    c->nr = r < 6   ? pick(hvm_numbers, ARRAY_SIZE(hvm_numbers))
            : r < 9 ? rnd() % 64
                    : pick(huge_numbers, ARRAY_SIZE(huge_numbers));
    r = rnd() % 10;
    c->a[0] = r < 6 ? rnd() % 16 : r < 8 ? rnd() % 64 : value(compat);
    for (unsigned int i = 1; i < 5; i++)
        c->a[i] = value(compat);
    defuse(c);
}

static long issue(const struct call_args *c)
{
    if (c->compat)
        return (s32)hypercall32((u32)c->nr, (u32)c->a[0], (u32)c->a[1], (u32)c->a[2], (u32)c->a[3],
                                (u32)c->a[4]);
    return hypercall6(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4]);
}

/* Per hypercall number: calls, successes, and each errno. */
static struct {
    u32 calls, ok;
    u32 err[XEN_ERRNO_MAX + 1];
} stats[NR_OTHER + 1];

static bool record(const struct call_args *c, long rc)
{
    u32 nr = number(c);
    unsigned int slot = nr < 64 ? nr : NR_OTHER;

    stats[slot].calls++;
    if (rc >= 0) {
        stats[slot].ok++;
        return true;
    }
    if (-rc <= XEN_ERRNO_MAX) {
        stats[slot].err[-rc]++;
        return true;
    }
    return check(false, "%s hypercall %#lx (%#lx, %#lx, %#lx, %#lx, %#lx) returned %ld",
                 c->compat ? "32-bit" : "64-bit", c->nr, c->a[0], c->a[1], c->a[2], c->a[3],
                 c->a[4], rc);
}

static const char *errno_name(unsigned int e)
{
    static const char *const names[XEN_ERRNO_MAX + 1] = {
        [EPERM] = "EPERM",         [ENOENT] = "ENOENT",   [ESRCH] = "ESRCH",
        [EINTR] = "EINTR",         [EIO] = "EIO",         [ENXIO] = "ENXIO",
        [E2BIG] = "E2BIG",         [ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF",
        [ECHILD] = "ECHILD",       [EAGAIN] = "EAGAIN",   [ENOMEM] = "ENOMEM",
        [EACCES] = "EACCES",       [EFAULT] = "EFAULT",   [EBUSY] = "EBUSY",
        [EEXIST] = "EEXIST",       [EXDEV] = "EXDEV",     [ENODEV] = "ENODEV",
        [EINVAL] = "EINVAL",       [ENOSPC] = "ENOSPC",   [ERANGE] = "ERANGE",
        [ENOSYS] = "ENOSYS",       [ENODATA] = "ENODATA", [EOPNOTSUPP] = "EOPNOTSUPP",
        [EOVERFLOW] = "EOVERFLOW",
    };

    return e <= XEN_ERRNO_MAX && names[e] ? names[e] : NULL;
}

/* Only -ENOSYS answered: this number is not implemented (or not for HVM guests). */
static bool only_enosys(unsigned int nr)
{
    return stats[nr].calls && stats[nr].err[ENOSYS] == stats[nr].calls;
}

static void summary(void)
{
    char line[160];
    size_t n;

    printk("  answers per hypercall number (ok = a value >= 0):\n");
    for (unsigned int nr = 0; nr <= NR_OTHER; nr++) {
        if (!stats[nr].calls || only_enosys(nr))
            continue;
        n = format(line, sizeof(line), "%s%2u: %4u calls, ok %u", nr == NR_OTHER ? ">=" : "  ", nr,
                   stats[nr].calls, stats[nr].ok);
        for (unsigned int e = 1; e <= XEN_ERRNO_MAX && n < sizeof(line) - 24; e++) {
            if (!stats[nr].err[e])
                continue;
            if (errno_name(e))
                n += format(line + n, sizeof(line) - n, ", %s %u", errno_name(e), stats[nr].err[e]);
            else
                n += format(line + n, sizeof(line) - n, ", -%u %u", e, stats[nr].err[e]);
        }
        printk("    %s\n", line);
    }
    /* The rest as ranges: "0-11 13-16 ...". */
    n = 0;
    for (unsigned int nr = 0; nr <= NR_OTHER && n < sizeof(line) - 12;) {
        unsigned int end = nr;

        if (!only_enosys(nr)) {
            nr++;
            continue;
        }
        while (end + 1 <= NR_OTHER && only_enosys(end + 1))
            end++;
        if (end == NR_OTHER)
            n += format(line + n, sizeof(line) - n, " %u-", nr);
        else if (end > nr)
            n += format(line + n, sizeof(line) - n, " %u-%u", nr, end);
        else
            n += format(line + n, sizeof(line) - n, " %u", nr);
        nr = end + 1;
    }
    if (n)
        printk("    only ENOSYS:%s\n", line);
}

static void random_run(unsigned long iterations)
{
    long version = hypercall_xen_version(XENVER_version, NULL);
    unsigned long done = 0;

    for (unsigned long i = 0; i < iterations; i++) {
        struct call_args c;
        long rc;

        generate(&c, i % 4 == 3);
        fill_scratch(c.compat);
        rc = issue(&c);
        if (!record(&c, rc))
            break;
        done++;
        if (i % 256 == 255 || i == iterations - 1) {
            if (!memory_intact())
                break;
            rc = hypercall_xen_version(XENVER_version, NULL);
            if (!check(rc == version, "after %lu calls xen_version gives %ld", i + 1, rc))
                break;
        }
    }
    printk("  %lu random calls (a quarter from 32-bit code), every one answered\n", done);
    summary();
}

void test_main(void)
{
    unsigned long iterations;

    if (!test_needs_xen())
        return;
    rng = cmdline_number("seed", 0x2545f4914f6cdd1dull) | 1;
    iterations = cmdline_number("iterations", 10000);
    printk("seed %#lx, %lu iterations\n", rng, iterations);
    if (!set_up_memory()) {
        test_error("cannot build the test mappings (MAXPHYADDR %u)", phys_addr_bits());
        return;
    }
    compat_init();
    bad_pointers(false);
    bad_pointers(true);
    if (cmdline_number("huge_console", 1)) /* Xen prints the 2 GiB of NULs: hours under TCG */
        huge_console_write();
    wide_subops();
    check_order();
    random_run(iterations);
    memory_intact();
    test_success();
}
