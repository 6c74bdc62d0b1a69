/*
 * Guest CPUID policy (see lares/cpuid_policy.h). Bit positions from the
 * Intel SDM vol. 2 (CPUID) and AMD APM vol. 3 appendix E; the Xen leaves
 * from Xen's public/arch-x86/cpuid.h.
 */
#include <lares/compiler.h>
#include <lares/cpuid_policy.h>
#include <lares/errno.h>
#include <lares/string.h>
#include <lares/vcpu_topology.h>

#define BIT(n) (1u << (n))

#define GUEST_MAX_BASIC 0xdu
#define GUEST_MAX_EXT 0x80000008u
#define XEN_MAX_LEAF (XEN_CPUID_BASE + 5)
#define XEN_LEAF_RANGE 0x100u

/* ---- leaf 1 ---- */
#define L1_ECX_OSXSAVE BIT(27)
#define L1_ECX_XSAVE BIT(26)
#define L1_ECX_X2APIC BIT(21)
#define L1_ECX_HYPERVISOR BIT(31)
#define L1_ECX_AVX_DEPS (BIT(12) /* FMA */ | BIT(28) /* AVX */ | BIT(29) /* F16C */)
#define L1_ECX_KEEP                                                                                \
    (BIT(0) /* SSE3 */ | BIT(1) /* PCLMULQDQ */ | BIT(9) /* SSSE3 */ | BIT(13) /* CX16 */ |        \
     BIT(19) /* SSE4.1 */ | BIT(20) /* SSE4.2 */ | BIT(22) /* MOVBE */ | BIT(23) /* POPCNT */ |    \
     BIT(25) /* AES */ | BIT(30) /* RDRAND */ | L1_ECX_XSAVE | L1_ECX_AVX_DEPS)
#define L1_EDX_APIC BIT(9)
#define L1_EDX_MTRR BIT(12)
#define L1_EDX_HTT BIT(28)
#define L1_EDX_KEEP                                                                                \
    (BIT(0) /* FPU */ | BIT(1) /* VME */ | BIT(2) /* DE */ | BIT(3) /* PSE */ | BIT(4) /* TSC */ | \
     BIT(5) /* MSR */ | BIT(6) /* PAE */ | BIT(8) /* CX8 */ | L1_EDX_APIC | BIT(11) /* SEP */ |    \
     L1_EDX_MTRR | BIT(13) /* PGE */ | BIT(15) /* CMOV */ | BIT(16) /* PAT */ |                    \
     BIT(17) /* PSE36 */ | BIT(19) /* CLFSH */ | BIT(23) /* MMX */ | BIT(24) /* FXSR */ |          \
     BIT(25) /* SSE */ | BIT(26) /* SSE2 */)

/* ---- leaf 6 ---- */
#define L6_EAX_ARAT BIT(2) /* the emulated LAPIC timer never stops */

/* ---- leaf 7.0 ---- */
#define L7_EBX_AVX2 BIT(5)
#define L7_EBX_AVX512                                                                              \
    (BIT(16) /* F */ | BIT(17) /* DQ */ | BIT(21) /* IFMA */ | BIT(26) /* PF */ |                  \
     BIT(27) /* ER */ | BIT(28) /* CD */ | BIT(30) /* BW */ | BIT(31) /* VL */)
#define L7_EBX_KEEP                                                                                \
    (BIT(0) /* FSGSBASE */ | BIT(3) /* BMI1 */ | L7_EBX_AVX2 | BIT(6) /* FDP_EXCPTN_ONLY */ |      \
     BIT(7) /* SMEP */ | BIT(8) /* BMI2 */ | BIT(9) /* ERMS */ |                                   \
     BIT(13) /* FPU CS/DS deprecated */ | BIT(18) /* RDSEED */ | BIT(19) /* ADX */ |               \
     BIT(20) /* SMAP */ | BIT(23) /* CLFLUSHOPT */ | BIT(24) /* CLWB */ | BIT(29) /* SHA */ |      \
     L7_EBX_AVX512)
#define L7_ECX_AVX_DEPS (BIT(9) /* VAES */ | BIT(10) /* VPCLMULQDQ */)
#define L7_ECX_AVX512                                                                              \
    (BIT(1) /* VBMI */ | BIT(6) /* VBMI2 */ | BIT(11) /* VNNI */ | BIT(12) /* BITALG */ |          \
     BIT(14) /* VPOPCNTDQ */)
#define L7_ECX_KEEP                                                                                \
    (BIT(0) /* PREFETCHWT1 */ | BIT(2) /* UMIP */ | BIT(8) /* GFNI */ | L7_ECX_AVX_DEPS |          \
     BIT(25) /* CLDEMOTE */ | BIT(27) /* MOVDIRI */ | BIT(28) /* MOVDIR64B */ | L7_ECX_AVX512)
#define L7_EDX_AVX512 (BIT(2) /* 4VNNIW */ | BIT(3) /* 4FMAPS */)
#define L7_EDX_KEEP (L7_EDX_AVX512 | BIT(4) /* FSRM */ | BIT(14) /* SERIALIZE */)

/* ---- leaf 0xd.1 ---- */
#define LD1_EAX_KEEP (BIT(0) /* XSAVEOPT */ | BIT(1) /* XSAVEC */ | BIT(2) /* XGETBV1 */)

/* ---- 0x80000001 ---- */
#define E1_ECX_AVX_DEPS (BIT(11) /* XOP */ | BIT(16) /* FMA4 */)
#define E1_ECX_KEEP                                                                                \
    (BIT(0) /* LAHF_LM */ | BIT(4) /* AltMovCr8 */ | BIT(5) /* ABM */ | BIT(6) /* SSE4A */ |       \
     BIT(7) /* MisAlignSse */ | BIT(8) /* 3DNowPrefetch */ | BIT(21) /* TBM */ | E1_ECX_AVX_DEPS)
#define E1_EDX_PAGE1GB BIT(26)
#define E1_EDX_KEEP                                                                                \
    (BIT(11) /* SYSCALL */ | BIT(20) /* NX */ | BIT(22) /* MMXEXT */ | BIT(25) /* FFXSR */ |       \
     E1_EDX_PAGE1GB | BIT(29) /* LM */ | BIT(30) /* 3DNowExt */ | BIT(31) /* 3DNow */)
/* AMD repeats these leaf 1 EDX bits in 0x80000001 EDX. */
#define E1_EDX_AMD_MIRROR                                                                          \
    (0x3ffu | BIT(12) | BIT(13) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(23) | BIT(24))

/* ---- 0x80000007 / 0x80000008 ---- */
#define E7_EDX_INVARIANT_TSC BIT(8)
#define E8_EBX_KEEP (BIT(0) /* CLZERO */ | BIT(2) /* RSTR_FP_ERR_PTRS */ | BIT(9) /* WBNOINVD */)
#define VIRT_ADDR_BITS 48 /* 4-level paging: LA57 is hidden */

#define XSAVE_LEGACY_SIZE 576 /* legacy area + header */
#define XCR0_SUPPORTED (XCR0_X87 | XCR0_SSE | XCR0_YMM | XCR0_AVX512)

static const struct cpuid_leaf *host_leaf(const struct cpuid_table *h, u32 leaf, u32 sub,
                                          u32 max_basic, u32 max_ext)
{
    if (leaf < XEN_CPUID_BASE ? leaf > max_basic : leaf > max_ext)
        return NULL;
    return cpuid_table_find(h, leaf, sub);
}

static struct cpuid_leaf *add(struct cpuid_policy *p, u32 leaf, u32 sub)
{
    struct cpuid_leaf *e;

    if (p->nr == CPUID_POLICY_MAX) {
        /* Cannot happen (at most ~45 leaves); fail init rather than write past l[]. */
        p->overflow = true;
        e = &p->spare;
    } else {
        e = &p->l[p->nr++];
    }
    memset(e, 0, sizeof(*e));
    e->leaf = leaf;
    e->subleaf = sub;
    return e;
}

static unsigned int log2_ceil(u32 v)
{
    unsigned int n = 0;

    while ((1u << n) < v)
        n++;
    return n;
}

/* Topology: APIC IDs 2n, packed into packages of at most 128 ID slots. */
static void compute_topology(struct cpuid_policy *p)
{
    u32 slots = 1u << log2_ceil(2 * p->cfg.nr_vcpus);

    p->lppp = slots > 128 ? 128 : slots;
}

static u64 compute_xcr0_max(const struct cpuid_table *h, const struct cpuid_leaf *l1, u32 max_basic,
                            u64 mask)
{
    const struct cpuid_leaf *d0 = host_leaf(h, 0xd, 0, max_basic, 0);
    const struct cpuid_leaf *l7 = host_leaf(h, 7, 0, max_basic, 0);
    u64 x;

    if (!(l1->c & L1_ECX_XSAVE) || !d0)
        return 0;
    x = ((u64)d0->d << 32 | d0->a) & mask & XCR0_SUPPORTED;
    if ((x & (XCR0_X87 | XCR0_SSE)) != (XCR0_X87 | XCR0_SSE))
        return 0;
    /* A component only with its instructions: YMM with AVX, AVX-512 with AVX512F. */
    if (!(l1->c & BIT(28)))
        x &= ~XCR0_YMM;
    if (!l7 || !(l7->b & BIT(16)))
        x &= ~XCR0_AVX512;
    if ((x & XCR0_AVX512) != XCR0_AVX512 || !(x & XCR0_YMM))
        x &= ~XCR0_AVX512; /* all three components or none, on top of YMM */
    return x;
}

static const struct cpuid_leaf *policy_find(const struct cpuid_policy *p, u32 leaf, u32 sub)
{
    /* Xen's TSC and HVM leaves have sub-leaves too. */
    if (!cpuid_leaf_has_subleaves(leaf) && leaf != XEN_CPUID_BASE + 3 && leaf != XEN_CPUID_BASE + 4)
        sub = 0;
    for (unsigned int i = 0; i < p->nr && i < CPUID_POLICY_MAX; i++)
        if (p->l[i].leaf == leaf && p->l[i].subleaf == sub)
            return &p->l[i];
    return NULL;
}

/* XSAVE area size for the components in xcr0: standard or compacted format. */
static u32 xsave_size(const struct cpuid_policy *p, u64 xcr0, bool compacted)
{
    u32 size = XSAVE_LEGACY_SIZE;

    xcr0 &= p->xcr0_max;
    for (unsigned int i = 2; i < 64; i++) {
        const struct cpuid_leaf *c;

        if (!((xcr0 >> i) & 1))
            continue;
        c = policy_find(p, 0xd, i);
        if (!c)
            continue;
        if (compacted) {
            if (c->c & BIT(1)) /* 64-byte aligned in the compacted format */
                size = ROUNDUP(size, 64);
            size += c->a;
        } else if (c->b + c->a > size) {
            size = c->b + c->a;
        }
    }
    return size;
}

static void basic_leaves(struct cpuid_policy *p, const struct cpuid_table *h,
                         const struct cpuid_leaf *l0, const struct cpuid_leaf *l1)
{
    const bool avx = p->xcr0_max & XCR0_YMM, avx512 = p->xcr0_max & XCR0_AVX512;
    const struct cpuid_leaf *hl;
    struct cpuid_leaf *e;

    e = add(p, 0, 0);
    e->a = p->max_basic;
    e->b = l0->b;
    e->c = l0->c;
    e->d = l0->d;

    e = add(p, 1, 0);
    e->a = l1->a;
    /* EBX: brand index and CLFLUSH size from the host; [23:16] ID slots; [31:24] per vCPU. */
    e->b = (l1->b & 0xffff) | (p->lppp & 0xff) << 16;
    e->c = (l1->c & L1_ECX_KEEP) | L1_ECX_X2APIC | L1_ECX_HYPERVISOR;
    if (!p->xcr0_max)
        e->c &= ~L1_ECX_XSAVE;
    if (!avx)
        e->c &= ~L1_ECX_AVX_DEPS;
    e->d = (l1->d & L1_EDX_KEEP) | L1_EDX_HTT;
    if (!p->cfg.mtrr)
        e->d &= ~L1_EDX_MTRR;

    /* Leaf 2 (Intel cache descriptors) is informational. */
    if (p->max_basic >= 2 && (hl = host_leaf(h, 2, 0, p->max_basic, 0)) != NULL) {
        e = add(p, 2, 0);
        e->a = hl->a;
        e->b = hl->b;
        e->c = hl->c;
        e->d = hl->d;
    }

    /* Leaf 4 (Intel deterministic caches), with our topology. */
    for (u32 sub = 0; p->vendor == CPUID_VENDOR_INTEL && p->max_basic >= 4 && sub < 16; sub++) {
        hl = host_leaf(h, 4, sub, p->max_basic, 0);
        if (!hl || (hl->a & 0x1f) == 0)
            break;
        e = add(p, 4, sub);
        /* [31:26] core ID slots - 1; [25:14] IDs sharing the cache - 1 (L1/L2: one core). */
        u32 level = (hl->a >> 5) & 7, sharing = level <= 2 ? 1 : p->lppp - 1;
        e->a = (hl->a & 0x3fff) | (sharing & 0xfff) << 14 | ((p->lppp / 2 - 1) & 0x3f) << 26;
        e->b = hl->b;
        e->c = hl->c;
        e->d = hl->d;
    }

    if (p->max_basic >= 6) {
        e = add(p, 6, 0);
        e->a = L6_EAX_ARAT;
    }

    if (p->max_basic >= 7 && (hl = host_leaf(h, 7, 0, p->max_basic, 0)) != NULL) {
        e = add(p, 7, 0);
        e->a = 0; /* only sub-leaf 0 */
        e->b = hl->b & L7_EBX_KEEP;
        e->c = hl->c & L7_ECX_KEEP;
        e->d = hl->d & L7_EDX_KEEP;
        if (!avx) {
            e->b &= ~L7_EBX_AVX2;
            e->c &= ~L7_ECX_AVX_DEPS;
        }
        if (!avx512) {
            e->b &= ~L7_EBX_AVX512;
            e->c &= ~L7_ECX_AVX512;
            e->d &= ~L7_EDX_AVX512;
        }
    }

    if (p->max_basic >= 0xb) {
        /* x2APIC topology: SMT level (1 ID bit, 1 thread), then the core level. */
        e = add(p, 0xb, 0);
        e->a = 1;
        e->b = 1;
        e->c = 0 | 1u << 8;
        e = add(p, 0xb, 1);
        e->a = log2_ceil(p->lppp);
        e->b = MIN(p->cfg.nr_vcpus, p->lppp / 2);
        e->c = 1 | 2u << 8;
    }

    if (p->max_basic >= 0xd && p->xcr0_max) {
        for (u32 i = 2; i < 64; i++) {
            if (!((p->xcr0_max >> i) & 1) || !(hl = host_leaf(h, 0xd, i, p->max_basic, 0)))
                continue;
            e = add(p, 0xd, i);
            e->a = hl->a;          /* size */
            e->b = hl->b;          /* offset in the standard format */
            e->c = hl->c & BIT(1); /* aligned in the compacted format; never XSS */
        }
        e = add(p, 0xd, 0);
        e->a = (u32)p->xcr0_max;
        e->d = (u32)(p->xcr0_max >> 32);
        e->c = xsave_size(p, p->xcr0_max, false);
        hl = host_leaf(h, 0xd, 1, p->max_basic, 0);
        e = add(p, 0xd, 1);
        e->a = hl ? hl->a & LD1_EAX_KEEP : 0; /* no XSAVES: IA32_XSS is not emulated */
    }
}

static void extended_leaves(struct cpuid_policy *p, const struct cpuid_table *h,
                            const struct cpuid_leaf *guest_l1)
{
    const bool avx = p->xcr0_max & XCR0_YMM;
    const struct cpuid_leaf *hl;
    struct cpuid_leaf *e;

    if (!p->max_ext)
        return;
    hl = host_leaf(h, 0x80000000, 0, 0, p->max_ext);
    e = add(p, 0x80000000, 0);
    e->a = p->max_ext;
    e->b = hl->b;
    e->c = hl->c;
    e->d = hl->d;

    if (p->max_ext >= 0x80000001 && (hl = host_leaf(h, 0x80000001, 0, 0, p->max_ext))) {
        e = add(p, 0x80000001, 0);
        e->a = hl->a;
        e->b = hl->b;
        e->c = hl->c & E1_ECX_KEEP;
        if (!avx)
            e->c &= ~E1_ECX_AVX_DEPS;
        /* AMD mirrors leaf 1 EDX here: follow the guest's leaf 1. */
        e->d = (hl->d & E1_EDX_KEEP) | (hl->d & guest_l1->d & E1_EDX_AMD_MIRROR);
        p->gbpages = e->d & E1_EDX_PAGE1GB;
    }

    for (u32 leaf = 0x80000002; leaf <= MIN(p->max_ext, 0x80000006u); leaf++) {
        /* Brand string, L1/L2/L3 cache and TLB descriptions. */
        if (!(hl = host_leaf(h, leaf, 0, 0, p->max_ext)))
            continue;
        e = add(p, leaf, 0);
        e->a = hl->a;
        e->b = hl->b;
        e->c = hl->c;
        e->d = hl->d;
    }

    if (p->max_ext >= 0x80000007 && (hl = host_leaf(h, 0x80000007, 0, 0, p->max_ext))) {
        e = add(p, 0x80000007, 0);
        e->d = hl->d & E7_EDX_INVARIANT_TSC;
        p->invariant_tsc = e->d;
    }

    if (p->max_ext >= 0x80000008 && (hl = host_leaf(h, 0x80000008, 0, 0, p->max_ext))) {
        e = add(p, 0x80000008, 0);
        /* Physical bits as the host (a sane range), linear bits for 4-level paging. */
        u32 phys = hl->a & 0xff;
        phys = phys < 32 ? 36 : phys > 52 ? 52 : phys;
        e->a = phys | VIRT_ADDR_BITS << 8;
        e->b = hl->b & E8_EBX_KEEP;
        /* [15:12] APIC ID bits per package, [7:0] ID slots - 1 (Xen: cores doubled). */
        e->c = log2_ceil(p->lppp) << 12 | ((p->lppp - 1) & 0xff);
        p->maxphyaddr = e->a & 0xff;
    }
}

static void xen_leaves(struct cpuid_policy *p)
{
    struct cpuid_leaf *e;

    e = add(p, XEN_CPUID_BASE, 0);
    e->a = XEN_MAX_LEAF;
    e->b = 0x566e6558; /* "XenV" */
    e->c = 0x65584d4d; /* "MMXe" */
    e->d = 0x4d4d566e; /* "nVMM" */

    e = add(p, XEN_CPUID_BASE + 1, 0);
    e->a = XEN_CPUID_VERSION;

    e = add(p, XEN_CPUID_BASE + 2, 0);
    e->a = 1; /* hypercall pages */
    e->b = XEN_HYPERCALL_MSR;

    /* TSC: mode 0 (native), guest kHz; bit 1 = host TSC reliable (invariant). */
    e = add(p, XEN_CPUID_BASE + 3, 0);
    e->a = p->invariant_tsc ? BIT(1) : 0;
    e->c = p->cfg.tsc_khz;
    e = add(p, XEN_CPUID_BASE + 3, 2);
    e->a = p->cfg.tsc_khz; /* host cpu_khz: the guest TSC runs at the host rate */

    e = add(p, XEN_CPUID_BASE + 4, 0);
    e->a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
    e->c = p->cfg.domid;
}

static enum cpuid_vendor vendor_of(const struct cpuid_leaf *l0)
{
    /* EBX, EDX, ECX spell the vendor. */
    if ((l0->b == 0x68747541 && l0->d == 0x69746e65 && l0->c == 0x444d4163) || /* AuthenticAMD */
        (l0->b == 0x6f677948 && l0->d == 0x6e65476e && l0->c == 0x656e6975))   /* HygonGenuine */
        return CPUID_VENDOR_AMD;
    if (l0->b == 0x756e6547 && l0->d == 0x49656e69 && l0->c == 0x6c65746e) /* GenuineIntel */
        return CPUID_VENDOR_INTEL;
    return CPUID_VENDOR_OTHER;
}

int cpuid_policy_init(struct cpuid_policy *p, const struct cpuid_table *host,
                      const struct cpuid_policy_config *cfg)
{
    const struct cpuid_leaf *l0 = cpuid_table_find(host, 0, 0);
    const struct cpuid_leaf *l1 = cpuid_table_find(host, 1, 0);
    const struct cpuid_leaf *e0 = cpuid_table_find(host, 0x80000000, 0);

    memset(p, 0, sizeof(*p));
    if (!l0 || !l1 || l0->a < 1)
        return -EINVAL;
    if (cfg->nr_vcpus == 0 || cfg->nr_vcpus > GUEST_MAX_VCPUS)
        return -EINVAL;

    p->cfg = *cfg;
    p->vendor = vendor_of(l0);
    p->max_basic = MIN(l0->a, GUEST_MAX_BASIC);
    if (e0 && e0->a > 0x80000000 && e0->a <= 0x800000ff)
        p->max_ext = MIN(e0->a, GUEST_MAX_EXT);
    else if (e0 && e0->a == 0x80000000)
        p->max_ext = 0x80000000;
    p->maxphyaddr = 36; /* architectural default without 0x80000008 */
    p->x2apic = true;
    compute_topology(p);
    p->xcr0_max = compute_xcr0_max(host, l1, p->max_basic, cfg->xcr0_mask);

    basic_leaves(p, host, l0, l1);
    extended_leaves(p, host, policy_find(p, 1, 0));
    xen_leaves(p);
    return p->overflow ? -ENOSPC : 0;
}

static bool leaf_in_range(const struct cpuid_policy *p, u32 leaf)
{
    if (leaf < XEN_CPUID_BASE)
        return leaf <= p->max_basic;
    if (leaf < XEN_CPUID_BASE + XEN_LEAF_RANGE)
        return leaf <= XEN_MAX_LEAF;
    if (leaf >= 0x80000000 && leaf <= 0x8000ffff)
        return p->max_ext && leaf <= p->max_ext;
    return false;
}

void cpuid_policy_lookup(const struct cpuid_policy *p, const struct cpuid_vcpu_state *v, u32 leaf,
                         u32 subleaf, u32 regs[4])
{
    const struct cpuid_leaf *e;
    const u32 apic_id = vcpu_apic_id(v->vcpu_id);

    regs[0] = regs[1] = regs[2] = regs[3] = 0;
    if (!leaf_in_range(p, leaf))
        return;
    e = policy_find(p, leaf, subleaf);
    if (e) {
        regs[0] = e->a;
        regs[1] = e->b;
        regs[2] = e->c;
        regs[3] = e->d;
    }

    switch (leaf) {
    case 1:
        regs[1] = (regs[1] & 0x00ffffff) | (apic_id & 0xff) << 24;
        if ((regs[2] & L1_ECX_XSAVE) && v->cr4_osxsave)
            regs[2] |= L1_ECX_OSXSAVE;
        if (!v->apic_enabled)
            regs[3] &= ~L1_EDX_APIC;
        break;
    case 0xb:
        if (!e)
            regs[2] = subleaf & 0xff; /* level type 0: past the last level */
        regs[3] = apic_id;
        break;
    case 0xd:
        if (subleaf == 0 && e)
            regs[1] = xsave_size(p, v->xcr0, false);
        else if (subleaf == 1 && e)
            regs[1] = xsave_size(p, v->xcr0, true);
        break;
    case 0x80000001:
        if (!v->apic_enabled)
            regs[3] &= ~L1_EDX_APIC; /* AMD's mirror of leaf 1 EDX[9] */
        break;
    case XEN_CPUID_BASE + 4:
        if (subleaf == 0)
            regs[1] = v->vcpu_id;
        break;
    default:
        break;
    }
}
