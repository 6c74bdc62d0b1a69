/* Start states of vCPUs (see lares/hvm_start.h). Checks follow Xen's arch_set_info_hvm_guest(). */
#include <lares/errno.h>
#include <lares/hvm_start.h>
#include <lares/string.h>

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define RFLAGS_FIXED (1ull << 1)
/* CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF VIP ID */
#define RFLAGS_VALID 0x003f7fd5ull

#define TYPE_CODE 0x8
#define TYPE_WRITE_READ 0x2 /* writable data / readable code */
#define TYPE_ACCESSED 0x1
#define TYPE_TSS_BUSY 0xb

static struct hvm_seg seg(u16 sel, u16 attr, u32 limit, u64 base)
{
    return (struct hvm_seg){.sel = sel, .attr = attr, .limit = limit, .base = base};
}

void hvm_start_state_sipi(struct hvm_start_state *st, u8 vector)
{
    memset(st, 0, sizeof(*st));
    st->rflags = RFLAGS_FIXED;
    st->cr0 = CR0_ET;
    st->rip = 0;
    st->cs = seg((u16)(vector << 8), 0x9b, 0xffff, (u64)vector << 12);
    st->ds = st->es = st->fs = st->gs = st->ss = seg(0, 0x93, 0xffff, 0);
    st->ldtr = seg(0, 0x82, 0xffff, 0);
    st->tr = seg(0, 0x8b, 0xffff, 0);
    st->gdtr = seg(0, 0, 0xffff, 0);
    st->idtr = seg(0, 0, 0xffff, 0);
}

static unsigned dpl(const struct hvm_seg *s)
{
    return (s->attr >> 5) & 3;
}

/*
 * A segment from the 32-bit context. The limit is in bytes already (as
 * Xen takes it: ~0 with G set for a flat segment); present segments get
 * their accessed bit.
 */
static int seg32(struct hvm_seg *out, u32 base, u32 limit, u16 ar, const char **why)
{
    if (ar & 0xf000) {
        *why = "segment attributes with bits 15:12 set";
        return -EINVAL;
    }
    *out = seg(0, ar, limit, base);
    if (ar & HVM_SEG_P)
        out->attr |= TYPE_ACCESSED;
    return 0;
}

static int check_seg(const struct hvm_seg *s, char which, const char **why)
{
    unsigned type = s->attr & 0xf;

    if (!(s->attr & HVM_SEG_P)) {
        /* Null data segments are fine; CS, SS and TR must be there. */
        if (which == 'd')
            return 0;
        *why = "CS, SS or TR not present";
        return -EINVAL;
    }
    switch (which) {
    case 'c':
        if (!(s->attr & HVM_SEG_S) || !(type & TYPE_CODE)) {
            *why = "CS is not a code segment";
            return -EINVAL;
        }
        break;
    case 's':
        if (!(s->attr & HVM_SEG_S) || (type & TYPE_CODE) || !(type & TYPE_WRITE_READ)) {
            *why = "SS is not a writable data segment";
            return -EINVAL;
        }
        break;
    case 'd':
        if (!(s->attr & HVM_SEG_S) || ((type & TYPE_CODE) && !(type & TYPE_WRITE_READ))) {
            *why = "DS or ES is not readable";
            return -EINVAL;
        }
        break;
    case 't':
        if ((s->attr & HVM_SEG_S) || type != TYPE_TSS_BUSY) {
            *why = "TR is not a 32-bit TSS";
            return -EINVAL;
        }
        break;
    }
    return 0;
}

static int from_32(const struct vcpu_hvm_x86_32 *r, struct hvm_start_state *st, const char **why)
{
    u32 limit;
    int rc;

    if (r->pad1 || r->pad2[0] || r->pad2[1] || r->pad2[2]) {
        *why = "padding is not zero";
        return -EINVAL;
    }
    rc = seg32(&st->cs, r->cs_base, r->cs_limit, r->cs_ar, why);
    rc = rc ?: seg32(&st->ds, r->ds_base, r->ds_limit, r->ds_ar, why);
    rc = rc ?: seg32(&st->ss, r->ss_base, r->ss_limit, r->ss_ar, why);
    rc = rc ?: seg32(&st->es, r->es_base, r->es_limit, r->es_ar, why);
    rc = rc ?: seg32(&st->tr, r->tr_base, r->tr_limit, r->tr_ar | 2 /* busy */, why);
    rc = rc ?: check_seg(&st->cs, 'c', why);
    rc = rc ?: check_seg(&st->ss, 's', why);
    rc = rc ?: check_seg(&st->ds, 'd', why);
    rc = rc ?: check_seg(&st->es, 'd', why);
    rc = rc ?: check_seg(&st->tr, 't', why);
    if (rc)
        return rc;
    limit = st->cs.limit;
    if (st->cs.attr & HVM_SEG_G)
        limit = (limit << 12) | 0xfff; /* as Xen checks it */
    if (r->eip > limit) {
        *why = "EIP beyond the CS limit";
        return -EINVAL;
    }
    if (dpl(&st->ss) != dpl(&st->cs)) {
        *why = "SS.DPL differs from CS.DPL";
        return -EINVAL;
    }
    if (((st->ds.attr & HVM_SEG_P) && dpl(&st->ds) > dpl(&st->cs)) ||
        ((st->es.attr & HVM_SEG_P) && dpl(&st->es) > dpl(&st->cs))) {
        *why = "DS.DPL or ES.DPL above CS.DPL";
        return -EINVAL;
    }
    if ((r->efer & EFER_LMA) && !(r->efer & EFER_LME)) {
        *why = "EFER.LMA without EFER.LME";
        return -EINVAL;
    }
    st->fs = st->gs = seg(0, 0, 0xffff, 0);
    st->rax = r->eax, st->rcx = r->ecx, st->rdx = r->edx, st->rbx = r->ebx;
    st->rsp = r->esp, st->rbp = r->ebp, st->rsi = r->esi, st->rdi = r->edi;
    st->rip = r->eip;
    st->rflags = r->eflags;
    st->cr0 = r->cr0, st->cr3 = r->cr3, st->cr4 = r->cr4, st->efer = r->efer;
    return 0;
}

static int from_64(const struct vcpu_hvm_x86_64 *r, struct hvm_start_state *st, const char **why)
{
    /* Canonical with 48 address bits: bits 63:47 all equal. */
    if ((u64)((s64)(r->rip << 16) >> 16) != r->rip) {
        *why = "RIP is not canonical";
        return -EINVAL;
    }
    if (!(r->cr0 & CR0_PG) || !(r->cr0 & CR0_PE)) {
        *why = "CR0 has no paging";
        return -EINVAL;
    }
    if (!(r->cr4 & CR4_PAE)) {
        *why = "CR4 has no PAE";
        return -EINVAL;
    }
    if (!(r->efer & EFER_LME)) {
        *why = "EFER has no LME";
        return -EINVAL;
    }
    st->rax = r->rax, st->rcx = r->rcx, st->rdx = r->rdx, st->rbx = r->rbx;
    st->rsp = r->rsp, st->rbp = r->rbp, st->rsi = r->rsi, st->rdi = r->rdi;
    st->rip = r->rip;
    st->rflags = r->rflags;
    st->cr0 = r->cr0, st->cr3 = r->cr3, st->cr4 = r->cr4, st->efer = r->efer;
    st->cs = seg(0, 0xa9b, 0xffffffff, 0); /* 64-bit code, accessed */
    st->ds = st->es = st->ss = seg(0, 0xc93, 0xffffffff, 0);
    st->fs = st->gs = seg(0, 0, 0xffff, 0);
    st->tr = seg(0, 0x8b, 0x67, 0);
    return 0;
}

int hvm_start_state_from_context(const struct vcpu_hvm_context *ctx,
                                 const struct hvm_start_limits *lim, struct hvm_start_state *st,
                                 const char **why)
{
    int rc;

    memset(st, 0, sizeof(*st));
    *why = "";
    if (ctx->pad) {
        *why = "padding is not zero";
        return -EINVAL;
    }
    if (ctx->mode == VCPU_HVM_MODE_32B)
        rc = from_32(&ctx->cpu_regs.x86_32, st, why);
    else if (ctx->mode == VCPU_HVM_MODE_64B)
        rc = from_64(&ctx->cpu_regs.x86_64, st, why);
    else {
        *why = "unknown mode";
        rc = -EINVAL;
    }
    if (rc)
        return rc;

    st->rflags = (st->rflags & RFLAGS_VALID) | RFLAGS_FIXED;
    st->ldtr = seg(0, 0x82, 0xffff, 0);
    st->gdtr = seg(0, 0, 0xffff, 0);
    st->idtr = seg(0, 0, 0xffff, 0);
    /* Long mode is active exactly when LME and paging are both on. */
    st->efer &= ~EFER_LMA;
    if ((st->efer & EFER_LME) && (st->cr0 & CR0_PG))
        st->efer |= EFER_LMA;

    if (st->cr0 >> 32 || ((st->cr0 & CR0_NW) && !(st->cr0 & CR0_CD)) ||
        ((st->cr0 & CR0_PG) && !(st->cr0 & CR0_PE))) {
        *why = "invalid CR0";
        return -EINVAL;
    }
    if (st->cr4 & ~lim->cr4_valid) {
        *why = "CR4 has bits this guest cannot set";
        return -EINVAL;
    }
    if (st->efer & ~(lim->efer_valid | EFER_LMA)) {
        *why = "EFER has bits this guest cannot set";
        return -EINVAL;
    }
    if ((st->efer & EFER_LME) && (st->cr0 & CR0_PG) && !(st->cr4 & CR4_PAE)) {
        *why = "long mode without CR4.PAE";
        return -EINVAL;
    }
    st->cr0 |= CR0_ET;
    return 0;
}
