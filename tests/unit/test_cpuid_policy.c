/*
 * Guest CPUID policy over host CPUID captured from QEMU TCG CPU models
 * (tests/unit/data, scripts/capture-cpuid.sh): hidden features stay hidden,
 * topology agrees with the MADT APIC IDs, XSAVE follows the context-switched
 * components, Xen leaves as linux-pvh.md §2.1, zeros past the maxima; and
 * the host-table collector, including a hostile CPU.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <lares/cpuid_policy.h>
#include <lares/cpuid_table.h>
#include <lares/errno.h>
#include <lares/vcpu_topology.h>

#include "data/cpuid_qemu_max.h"
#include "data/cpuid_qemu64_svm_npt.h"
#include "data/cpuid_qemu_epyc.h"
#include "data/cpuid_qemu_skylake.h"

#define BIT(n) (1u << (n))
#define N(a) (sizeof(a) / sizeof((a)[0]))

struct host {
    const char *name;
    const struct cpuid_leaf *l;
    unsigned nr;
};

static const struct host hosts[] = {
    {"max", cpuid_qemu_max, N(cpuid_qemu_max)},
    {"qemu64,+svm,+npt", cpuid_qemu64_svm_npt, N(cpuid_qemu64_svm_npt)},
    {"EPYC", cpuid_qemu_epyc, N(cpuid_qemu_epyc)},
    {"Skylake-Client", cpuid_qemu_skylake, N(cpuid_qemu_skylake)},
};

static struct cpuid_table table;
static struct cpuid_policy pol;

static void load(const struct host *h)
{
    assert_true(h->nr <= CPUID_TABLE_MAX);
    table.nr = h->nr;
    memcpy(table.l, h->l, h->nr * sizeof(h->l[0]));
}

static struct cpuid_policy_config config(unsigned nr_vcpus)
{
    return (struct cpuid_policy_config){
        .domid = 7,
        .nr_vcpus = nr_vcpus,
        .tsc_khz = 2596133,
        .xcr0_mask = XCR0_X87 | XCR0_SSE | XCR0_YMM,
    };
}

static void init(const struct host *h, struct cpuid_policy_config cfg)
{
    load(h);
    assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), 0);
}

struct regs {
    u32 a, b, c, d;
};

static struct regs q(u32 vcpu, u32 leaf, u32 sub)
{
    struct cpuid_vcpu_state v = {.vcpu_id = vcpu, .apic_enabled = true, .xcr0 = 3};
    u32 r[4];

    cpuid_policy_lookup(&pol, &v, leaf, sub, r);
    return (struct regs){r[0], r[1], r[2], r[3]};
}

static const struct cpuid_leaf *host_leaf(u32 leaf, u32 sub)
{
    return cpuid_table_find(&table, leaf, sub);
}

static void assert_zero(struct regs r)
{
    assert_int_equal(r.a | r.b | r.c | r.d, 0);
}

/* ---------------------------------------------------------------- invariants */

/* Properties every policy must have, whatever the host. */
static void check_invariants(unsigned nr_vcpus)
{
    const struct cpuid_leaf *h0 = host_leaf(0, 0);
    struct regs r;

    r = q(0, 0, 0);
    assert_true(r.a >= 1 && r.a <= 0xd);
    assert_int_equal(r.b, h0->b); /* the host's vendor string */
    assert_int_equal(r.c, h0->c);
    assert_int_equal(r.d, h0->d);

    r = q(0, 1, 0);
    assert_int_equal(r.a, host_leaf(1, 0)->a); /* family/model/stepping */
    assert_true(r.c & BIT(31));                /* hypervisor */
    assert_true(r.c & BIT(21));                /* x2APIC */
    assert_false(r.c & BIT(3));                /* MONITOR */
    assert_false(r.c & BIT(5));                /* VMX */
    assert_false(r.c & BIT(17));               /* PCID */
    assert_false(r.c & BIT(24));               /* TSC-deadline */
    assert_false(r.c & BIT(27));               /* OSXSAVE: CR4.OSXSAVE is clear */
    assert_false(r.d & BIT(7));                /* MCE */
    assert_false(r.d & BIT(14));               /* MCA */
    assert_false(r.d & BIT(12));               /* MTRR (not emulated here) */
    assert_true(r.d & BIT(28));                /* HTT: topology below is valid */
    assert_true(r.d & BIT(9));                 /* APIC */
    /* verify_cpu's baseline: FPU PSE MSR PAE CX8 PGE FXSR CMOV SSE SSE2 */
    u32 base = BIT(0) | BIT(3) | BIT(5) | BIT(6) | BIT(8) | BIT(13) | BIT(24) | BIT(15) | BIT(25) |
               BIT(26);
    assert_int_equal(r.d & base, base);

    bool avx = r.c & BIT(28), xsave = r.c & BIT(26);
    assert_true(!avx || xsave);
    assert_int_equal(xsave, pol.xcr0_max != 0);
    assert_int_equal(avx, (pol.xcr0_max & XCR0_YMM) != 0);

    r = q(0, 5, 0);
    assert_zero(r); /* MONITOR/MWAIT leaf */

    r = q(0, 7, 0);
    assert_int_equal(r.a, 0);
    assert_false(r.b & BIT(1));                                       /* TSC_ADJUST */
    assert_false(r.b & (BIT(4) | BIT(11)));                           /* HLE, RTM */
    assert_false(r.b & BIT(10));                                      /* INVPCID */
    assert_false(r.c & (BIT(3) | BIT(4)));                            /* PKU, OSPKE */
    assert_false(r.c & BIT(5));                                       /* WAITPKG */
    assert_false(r.c & BIT(16));                                      /* LA57 */
    assert_false(r.c & BIT(22));                                      /* RDPID */
    assert_int_equal(r.d & ~(BIT(2) | BIT(3) | BIT(4) | BIT(14)), 0); /* no spec-ctrl */
    if (!avx)
        assert_false(r.b & BIT(5)); /* AVX2 */
    assert_zero(q(0, 7, 1));

    assert_int_equal(q(0, 6, 0).a, BIT(2)); /* ARAT only */
    assert_zero(q(0, 0xa, 0));              /* no PMU */

    r = q(0, 0x80000000, 0);
    assert_true(r.a >= 0x80000001 && r.a <= 0x80000008);
    r = q(0, 0x80000001, 0);
    assert_false(r.c & BIT(1));  /* CMP_LEGACY */
    assert_false(r.c & BIT(2));  /* SVM */
    assert_false(r.c & BIT(3));  /* ExtApicSpace */
    assert_false(r.c & BIT(9));  /* OSVW */
    assert_false(r.c & BIT(10)); /* IBS */
    assert_false(r.c & BIT(19)); /* NodeId */
    assert_false(r.c & BIT(22)); /* TOPOEXT */
    assert_false(r.c & BIT(29)); /* MONITORX */
    assert_false(r.d & BIT(27)); /* RDTSCP */
    assert_true(r.d & BIT(29));  /* LM */
    assert_true(r.d & BIT(20));  /* NX */

    r = q(0, 0x80000008, 0);
    assert_int_equal((r.a >> 8) & 0xff, 48); /* linear address bits: no LA57 */
    assert_in_range(r.a & 0xff, 32, 52);
    assert_int_equal(r.b & ~(BIT(0) | BIT(2) | BIT(9)), 0); /* no IBPB/IBRS/STIBP/SSBD... */
    assert_int_equal(r.d, 0);
    assert_int_equal(pol.maxphyaddr, r.a & 0xff);

    /* Past the maxima: zeros, including SVM and SEV leaves. */
    assert_zero(q(0, 0xe, 0));
    assert_zero(q(0, 0x14, 0));
    assert_zero(q(0, 0x1f, 0));
    assert_zero(q(0, 0x80000009, 0));
    assert_zero(q(0, 0x8000000a, 0));
    assert_zero(q(0, 0x8000001e, 0));
    assert_zero(q(0, 0x8000001f, 0));
    assert_zero(q(0, 0xc0000000, 0));
    assert_zero(q(0, 0x7fffffff, 0));
    assert_zero(q(0, 0xffffffff, 0));

    /* Topology: every vCPU's APIC ID matches the MADT rule everywhere. */
    u32 lppp = (q(0, 1, 0).b >> 16) & 0xff;
    assert_true(lppp >= 2 && (lppp & (lppp - 1)) == 0);
    r = q(0, 0x80000008, 0);
    assert_int_equal((r.c & 0xff) + 1, lppp);
    assert_int_equal(1u << ((r.c >> 12) & 0xf), lppp);
    for (unsigned v = 0; v < nr_vcpus; v++) {
        u32 id = vcpu_apic_id(v);
        assert_int_equal(q(v, 1, 0).b >> 24, id);
        assert_int_equal(q(v, 0xb, 0).d, id);
        assert_int_equal(q(v, 0xb, 1).d, id);
        assert_int_equal(q(v, 0xb, 5).d, id);
        assert_int_equal(q(v, 0x40000004, 0).b, v);
    }
}

static void invariants_hold_on_every_captured_host(void **state)
{
    static const unsigned counts[] = {1, 2, 3, 64, 65, GUEST_MAX_VCPUS};

    for (unsigned h = 0; h < N(hosts); h++)
        for (unsigned c = 0; c < N(counts); c++) {
            init(&hosts[h], config(counts[c]));
            check_invariants(counts[c]);
        }
}

/* ---------------------------------------------------------------- specifics */

static void qemu_max_hides_la57_and_shrinks_linear_width(void **state)
{
    init(&hosts[0], config(1));
    assert_true(host_leaf(7, 0)->c & BIT(16)); /* host has LA57 */
    assert_int_equal((host_leaf(0x80000008, 0)->a >> 8) & 0xff, 57);
    assert_false(q(0, 7, 0).c & BIT(16));
    assert_int_equal((q(0, 0x80000008, 0).a >> 8) & 0xff, 48);
    assert_true(host_leaf(0x80000001, 0)->d & BIT(27)); /* host RDTSCP */
    assert_true(host_leaf(0x80000001, 0)->c & BIT(2));  /* host SVM */
    assert_true(host_leaf(1, 0)->c & BIT(3));           /* host MONITOR */
    assert_true(pol.vendor == CPUID_VENDOR_AMD);
    assert_true(pol.gbpages);
    assert_int_equal(pol.maxphyaddr, 40);
}

static void xsave_follows_context_switched_components(void **state)
{
    struct cpuid_policy_config cfg = config(1);
    struct cpuid_vcpu_state v = {.vcpu_id = 0, .apic_enabled = true};
    u32 r[4];

    /* QEMU max: host XCR0 = x87|SSE|YMM|BNDREGS|BNDCSR|PKRU (0x21f). */
    init(&hosts[0], cfg);
    assert_int_equal(host_leaf(0xd, 0)->a, 0x21f);
    assert_int_equal(pol.xcr0_max, 7);
    assert_int_equal(q(0, 0xd, 0).a, 7);
    assert_int_equal(q(0, 0xd, 0).d, 0);
    assert_int_equal(q(0, 0xd, 0).c, 0x240 + 0x100); /* all of x87|SSE|YMM */
    v.xcr0 = 3;
    cpuid_policy_lookup(&pol, &v, 0xd, 0, r);
    assert_int_equal(r[1], 576); /* legacy + header */
    v.xcr0 = 7;
    cpuid_policy_lookup(&pol, &v, 0xd, 0, r);
    assert_int_equal(r[1], 832);
    cpuid_policy_lookup(&pol, &v, 0xd, 1, r);
    assert_int_equal(r[0], host_leaf(0xd, 1)->a & 7); /* no XSAVES */
    assert_false(r[0] & BIT(3));
    assert_int_equal(r[1], 832);      /* compacted, YMM unaligned */
    assert_int_equal(r[2] | r[3], 0); /* no XSS components */
    assert_int_equal(q(0, 0xd, 2).a, 0x100);
    assert_int_equal(q(0, 0xd, 2).b, 0x240);
    assert_zero(q(0, 0xd, 3));           /* MPX: hidden */
    assert_zero(q(0, 0xd, 9));           /* PKRU: hidden */
    assert_true(q(0, 1, 0).c & BIT(28)); /* AVX */

    /* OSXSAVE mirrors CR4. */
    v.cr4_osxsave = true;
    cpuid_policy_lookup(&pol, &v, 1, 0, r);
    assert_true(r[2] & BIT(27));

    /* Only x87/SSE switched: no AVX family. */
    cfg.xcr0_mask = XCR0_X87 | XCR0_SSE;
    init(&hosts[0], cfg);
    assert_int_equal(pol.xcr0_max, 3);
    assert_false(q(0, 1, 0).c & (BIT(28) | BIT(29) | BIT(12)));
    assert_false(q(0, 7, 0).b & BIT(5));
    assert_true(q(0, 1, 0).c & BIT(26));

    /* Nothing switched: no XSAVE at all, leaf 0xd empty. */
    cfg.xcr0_mask = 0;
    init(&hosts[0], cfg);
    assert_int_equal(pol.xcr0_max, 0);
    assert_false(q(0, 1, 0).c & BIT(26));
    v.cr4_osxsave = true;
    cpuid_policy_lookup(&pol, &v, 1, 0, r);
    assert_false(r[2] & BIT(27));
    assert_zero(q(0, 0xd, 0));
    assert_zero(q(0, 0xd, 1));

    /* qemu64 has no XSAVE whatever we allow. */
    cfg.xcr0_mask = ~0ull;
    init(&hosts[1], cfg);
    assert_int_equal(pol.xcr0_max, 0);
}

static void avx512_needs_all_three_components(void **state)
{
    struct cpuid_policy_config cfg = config(1);

    /* A synthetic AVX-512 host built on the Skylake capture. */
    load(&hosts[3]);
    struct cpuid_leaf *l1 = (struct cpuid_leaf *)cpuid_table_find(&table, 1, 0);
    struct cpuid_leaf *l7 = (struct cpuid_leaf *)cpuid_table_find(&table, 7, 0);
    struct cpuid_leaf *d0 = (struct cpuid_leaf *)cpuid_table_find(&table, 0xd, 0);
    assert_non_null(d0);
    l1->c |= BIT(26) | BIT(28);
    l7->b |= BIT(16) | BIT(17) | BIT(30) | BIT(31);
    d0->a = 0xe7;
    for (u32 i = 5; i <= 7; i++) {
        struct cpuid_leaf *e = &table.l[table.nr++];
        *e = (struct cpuid_leaf){
            0xd, i, i == 5 ? 64 : i == 6 ? 512 : 1024, i == 5 ? 0x440 : i == 6 ? 0x480 : 0x680,
            0,   0};
    }
    cfg.xcr0_mask = ~0ull;
    assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), 0);
    assert_int_equal(pol.xcr0_max, 0xe7);
    assert_true(q(0, 7, 0).b & BIT(16));
    assert_int_equal(q(0, 0xd, 0).c, 0x680 + 1024);

    cfg.xcr0_mask = ~XCR0_ZMM_HI256;
    assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), 0);
    assert_int_equal(pol.xcr0_max, 7);
    assert_false(q(0, 7, 0).b & (BIT(16) | BIT(17) | BIT(30) | BIT(31)));
    assert_zero(q(0, 0xd, 5));
}

static void mtrr_only_when_emulated(void **state)
{
    struct cpuid_policy_config cfg = config(1);

    cfg.mtrr = true;
    init(&hosts[2], cfg);
    assert_true(q(0, 1, 0).d & BIT(12));
    assert_true(q(0, 0x80000001, 0).d & BIT(12)); /* AMD mirror follows */
    cfg.mtrr = false;
    init(&hosts[2], cfg);
    assert_false(q(0, 1, 0).d & BIT(12));
    assert_false(q(0, 0x80000001, 0).d & BIT(12));
}

static void apic_bit_follows_apic_base(void **state)
{
    struct cpuid_vcpu_state v = {.vcpu_id = 1, .apic_enabled = false};
    u32 r[4];

    init(&hosts[2], config(2));
    cpuid_policy_lookup(&pol, &v, 1, 0, r);
    assert_false(r[3] & BIT(9));
    cpuid_policy_lookup(&pol, &v, 0x80000001, 0, r);
    assert_false(r[3] & BIT(9));
    v.apic_enabled = true;
    cpuid_policy_lookup(&pol, &v, 0x80000001, 0, r);
    assert_true(r[3] & BIT(9));
}

static void invariant_tsc_only_if_host_has_it(void **state)
{
    for (unsigned h = 0; h < N(hosts); h++) {
        init(&hosts[h], config(1));
        assert_false(pol.invariant_tsc); /* TCG never has it */
        assert_int_equal(q(0, 0x80000007, 0).d, 0);
        assert_int_equal(q(0, 0x40000003, 0).a, 0);
    }
    load(&hosts[2]);
    struct cpuid_leaf *e7 = (struct cpuid_leaf *)cpuid_table_find(&table, 0x80000007, 0);
    e7->d = 0xffffffff; /* everything, including power-management bits we hide */
    struct cpuid_policy_config cfg = config(1);
    assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), 0);
    assert_true(pol.invariant_tsc);
    assert_int_equal(q(0, 0x80000007, 0).d, BIT(8));
    assert_int_equal(q(0, 0x40000003, 0).a, BIT(1));
}

static void xen_leaves(void **state)
{
    init(&hosts[2], config(2));
    struct regs r = q(1, 0x40000000, 0);
    assert_int_equal(r.a, 0x40000005);
    assert_memory_equal(&r.b, "XenV", 4);
    assert_memory_equal(&r.c, "MMXe", 4);
    assert_memory_equal(&r.d, "nVMM", 4);
    r = q(1, 0x40000001, 0);
    assert_int_equal(r.a, 0x00040011);
    assert_int_equal(r.b | r.c | r.d, 0);
    r = q(1, 0x40000002, 0);
    assert_int_equal(r.a, 1);
    assert_int_equal(r.b, 0x40000000);
    assert_int_equal(r.c | r.d, 0);
    r = q(1, 0x40000003, 0);
    assert_int_equal(r.b, 0);       /* tsc_mode: native */
    assert_int_equal(r.c, 2596133); /* guest TSC kHz */
    assert_int_equal(r.d, 0);
    assert_zero(q(1, 0x40000003, 1));
    assert_int_equal(q(1, 0x40000003, 2).a, 2596133);
    r = q(1, 0x40000004, 0);
    assert_int_equal(r.a, 0x18); /* VCPU_ID_PRESENT | DOMID_PRESENT only */
    assert_int_equal(r.b, 1);
    assert_int_equal(r.c, 7);
    assert_int_equal(r.d, 0);
    assert_zero(q(1, 0x40000004, 1));
    assert_zero(q(1, 0x40000005, 0));
    assert_zero(q(1, 0x40000006, 0));
    /* Linux scans 0x40000100, 0x40000200...: no second signature. */
    for (u32 base = 0x40000100; base < 0x40010000; base += 0x100)
        assert_zero(q(0, base, 0));
}

static void topology_of_large_domains(void **state)
{
    /* 128 vCPUs: APIC IDs up to 254 need 8 bits; packages of 128 ID slots. */
    init(&hosts[0], config(GUEST_MAX_VCPUS));
    assert_int_equal((q(0, 1, 0).b >> 16) & 0xff, 128);
    struct regs s0 = q(0, 0xb, 0), s1 = q(0, 0xb, 1), s2 = q(0, 0xb, 2);
    assert_int_equal(s0.a, 1);               /* one APIC ID bit below the core level */
    assert_int_equal(s0.b, 1);               /* one thread per core */
    assert_int_equal((s0.c >> 8) & 0xff, 1); /* SMT */
    assert_int_equal(s1.a, 7);
    assert_int_equal(s1.b, 64);
    assert_int_equal((s1.c >> 8) & 0xff, 2); /* core */
    assert_int_equal(s1.c & 0xff, 1);
    assert_int_equal(s2.a | s2.b, 0);
    assert_int_equal(s2.c, 2); /* level type 0, number echoed */
    /* Distinct (package, core) for every vCPU. */
    static unsigned char seen[256];
    memset(seen, 0, sizeof(seen));
    for (unsigned v = 0; v < GUEST_MAX_VCPUS; v++) {
        u32 id = q(v, 0xb, 0).d;
        assert_int_equal(seen[id]++, 0);
        assert_true(id <= 254);
    }

    init(&hosts[0], config(3));
    assert_int_equal((q(0, 1, 0).b >> 16) & 0xff, 8);
    assert_int_equal(q(0, 0xb, 1).a, 3);
    assert_int_equal(q(0, 0xb, 1).b, 3);
}

static void intel_cache_leaf_topology(void **state)
{
    init(&hosts[3], config(4));
    assert_true(pol.vendor == CPUID_VENDOR_INTEL);
    u32 lppp = (q(0, 1, 0).b >> 16) & 0xff;
    assert_int_equal(lppp, 8);
    for (u32 sub = 0; sub < 4; sub++) {
        struct regs r = q(0, 4, sub);
        const struct cpuid_leaf *h = host_leaf(4, sub);
        assert_int_equal(r.a & 0x3fff, h->a & 0x3fff); /* type, level */
        assert_int_equal(r.a >> 26, lppp / 2 - 1);
        assert_int_equal(r.b, h->b);
    }
    assert_zero(q(0, 4, 4));
    /* AMD has no leaf 4. */
    init(&hosts[2], config(4));
    assert_zero(q(0, 4, 0));
}

static void bad_configuration(void **state)
{
    struct cpuid_policy_config cfg = config(0);

    load(&hosts[0]);
    assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), -EINVAL);
    cfg.nr_vcpus = GUEST_MAX_VCPUS + 1;
    assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), -EINVAL);
    cfg.nr_vcpus = 1;
    table.nr = 0;
    assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), -EINVAL);
}

/* ---------------------------------------------------------------- random hosts */

static u64 rng_state = 0xfeedface12345678ull;

static u32 rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (u32)(rng_state >> 16);
}

static void random_hosts_keep_the_invariants(void **state)
{
    for (unsigned round = 0; round < 3000; round++) {
        const struct host *h = &hosts[round % N(hosts)];
        load(h);
        /* Randomise everything but the vendor and the maxima. */
        for (unsigned i = 0; i < table.nr; i++) {
            struct cpuid_leaf *e = &table.l[i];
            if (e->leaf == 0 || e->leaf == 0x80000000)
                continue;
            e->a = rng();
            e->b = rng();
            e->c = rng();
            e->d = rng();
            if (e->leaf == 1 || e->leaf == 0x80000001)
                e->d |= 0x0781fbff | BIT(20) | BIT(29); /* keep verify_cpu's baseline */
        }
        struct cpuid_policy_config cfg = config(1 + rng() % GUEST_MAX_VCPUS);
        cfg.xcr0_mask = ((u64)rng() << 32) | rng();
        assert_int_equal(cpuid_policy_init(&pol, &table, &cfg), 0);
        check_invariants(cfg.nr_vcpus < 4 ? cfg.nr_vcpus : 4);
        assert_int_equal(pol.xcr0_max & ~0xe7ull, 0);
        if (pol.xcr0_max)
            assert_int_equal(pol.xcr0_max & 3, 3);
    }
}

/* ---------------------------------------------------------------- collector */

static const struct cpuid_table *fake_cpu;

static void fake_cpuid(u32 leaf, u32 sub, u32 r[4])
{
    const struct cpuid_leaf *e = cpuid_table_find(fake_cpu, leaf, sub);

    r[0] = e ? e->a : 0;
    r[1] = e ? e->b : 0;
    r[2] = e ? e->c : 0;
    r[3] = e ? e->d : 0;
}

static void collector_reproduces_the_captures(void **state)
{
    static struct cpuid_table src, got;

    for (unsigned h = 0; h < N(hosts); h++) {
        src.nr = hosts[h].nr;
        memcpy(src.l, hosts[h].l, src.nr * sizeof(src.l[0]));
        fake_cpu = &src;
        assert_int_equal(cpuid_table_collect(&got, fake_cpuid), 0);
        assert_int_equal(got.nr, src.nr);
        assert_memory_equal(got.l, src.l, src.nr * sizeof(src.l[0]));
    }
}

/* A CPU that reports absurd maxima and endless sub-leaves. */
static u32 hostile_max_ext;

static void hostile_cpuid(u32 leaf, u32 sub, u32 r[4])
{
    r[0] = r[1] = r[2] = r[3] = 0xffffffff;
    if (leaf == 0x80000000)
        r[0] = hostile_max_ext;
}

static void collector_is_bounded(void **state)
{
    static struct cpuid_table t;

    hostile_max_ext = 0x800000ff;
    assert_int_equal(cpuid_table_collect(&t, hostile_cpuid), -ENOSPC);
    assert_int_equal(t.nr, CPUID_TABLE_MAX);
    for (unsigned i = 0; i < t.nr; i++)
        assert_true(t.l[i].leaf <= 0x20 ||
                    (t.l[i].leaf >= 0x80000000 && t.l[i].leaf <= 0x80000028));
    /* An out-of-range extended maximum means no extended leaves. */
    hostile_max_ext = 0x8fffffff;
    assert_int_equal(cpuid_table_collect(&t, hostile_cpuid), 0);
    for (unsigned i = 0; i < t.nr; i++)
        assert_true(t.l[i].leaf <= 0x20 || t.l[i].leaf == 0x80000000);
}

static void find_ignores_subleaf_where_unused(void **state)
{
    load(&hosts[0]);
    assert_ptr_equal(cpuid_table_find(&table, 1, 5), cpuid_table_find(&table, 1, 0));
    assert_null(cpuid_table_find(&table, 0xd, 5));
    assert_non_null(cpuid_table_find(&table, 0xd, 2));
    assert_null(cpuid_table_find(&table, 0x12345678, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invariants_hold_on_every_captured_host),
        cmocka_unit_test(qemu_max_hides_la57_and_shrinks_linear_width),
        cmocka_unit_test(xsave_follows_context_switched_components),
        cmocka_unit_test(avx512_needs_all_three_components),
        cmocka_unit_test(mtrr_only_when_emulated),
        cmocka_unit_test(apic_bit_follows_apic_base),
        cmocka_unit_test(invariant_tsc_only_if_host_has_it),
        cmocka_unit_test(xen_leaves),
        cmocka_unit_test(topology_of_large_domains),
        cmocka_unit_test(intel_cache_leaf_topology),
        cmocka_unit_test(bad_configuration),
        cmocka_unit_test(random_hosts_keep_the_invariants),
        cmocka_unit_test(collector_reproduces_the_captures),
        cmocka_unit_test(collector_is_bounded),
        cmocka_unit_test(find_ignores_subleaf_where_unused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
