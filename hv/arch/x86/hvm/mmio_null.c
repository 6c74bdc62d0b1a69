/*
 * Unclaimed platform MMIO: the chipset window below 4 GiB behaves like an
 * empty bus, as Xen's default ("null") I/O handler makes it for a guest
 * without a device model: reads return all ones, writes are dropped.
 *
 * Why [0xfec00000, 0xff000000): on a PC this is where the platform devices
 * a kernel probes at fixed addresses live -- IO-APICs (0xfec00000), the
 * HPET (0xfed00000), the local APIC's xAPIC page and the MSI window
 * (0xfee00000) -- up to the firmware flash at 0xff000000. Lares emulates
 * none of them (the vLAPIC is reached through its x2APIC MSRs only), so
 * XTF's drivers and Linux-style probes must find "nothing there" instead
 * of crashing. Lares' own pages in the window (console and xenstore
 * special pages, lares/pvh_layout.h) are mapped and never reach here; the
 * rest of the guest-physical space outside RAM still crashes the domain:
 * a stray access there is a guest bug worth a report.
 *
 * Nested paging gives the faulting address and the direction but not the
 * instruction, so it is read back and decoded (lares/insn_decode.h: MOV,
 * MOVZX, MOVSX, MOVSXD, MOVS, STOS). Anything else crashes the domain with
 * the instruction's bytes in the report.
 */
#include <lares/console.h>
#include <lares/domain.h>
#include <lares/guest_access.h>
#include <lares/insn_decode.h>
#include <lares/mm.h>
#include <lares/string.h>
#include <asm/hvm/hvm.h>
#include <asm/p2m.h>

#define NULL_MMIO_START 0xfec00000ull
#define NULL_MMIO_END 0xff000000ull
/* REP MOVS/STOS elements per exit; the instruction restarts for the rest. */
#define NULL_MMIO_STRING_MAX 4096
#define X86_EFLAGS_DF (1ull << 10)

bool hvm_mmio_null_window(u64 gpa)
{
    return gpa >= NULL_MMIO_START && gpa < NULL_MMIO_END;
}

static const char *bytes_str(const u8 *b, size_t n, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    for (size_t i = 0; i < n && o + 4 <= size; i++) {
        if (i)
            buf[o++] = ' ';
        buf[o++] = hex[b[i] >> 4];
        buf[o++] = hex[b[i] & 15];
    }
    buf[o] = '\0';
    return !b ? "(not fetched)" : n ? buf : "(unreadable)";
}

static enum hvm_disposition not_emulated(struct vcpu *v, u64 gpa, bool write, const u8 *insn,
                                         size_t n, const char *why)
{
    char bytes[15 * 3 + 1];

    pr_err("d%u v%u: instruction at rip %#llx: %s\n", v->domain->domid, v->vcpu_id,
           (unsigned long long)v->hvm.regs.rip, bytes_str(insn, n, bytes, sizeof(bytes)));
    domain_crash(v->domain, "v%u: %s unclaimed MMIO at guest-physical %#llx (rip %#llx): %s",
                 v->vcpu_id, write ? "write to" : "read of", (unsigned long long)gpa,
                 (unsigned long long)v->hvm.regs.rip, why);
    return HVM_CRASH;
}

static void inject_fault(struct vcpu *v, const struct guest_fault *f)
{
    if (f->page_fault)
        hvm_ops->inject_exception(v, X86_EXC_PF, (int)f->pfec, f->addr);
    else
        hvm_inject_gp(v);
}

enum element_rc { ELEMENT_DONE, ELEMENT_FAULT, ELEMENT_OUTSIDE };

/*
 * One element of a string move at a guest-linear address, page by page:
 * RAM is copied, the null window reads as ones and drops writes. A guest
 * page fault is left in *f; any other address outside RAM stops the move
 * (ELEMENT_OUTSIDE, its address in *outside). Each page is walked once:
 * the copy goes to the guest-physical address the walk found.
 */
static enum element_rc element_access(struct vcpu *v, u64 linear, u8 *buf, unsigned size,
                                      bool write, struct guest_fault *f, u64 *outside)
{
    unsigned done = 0;

    while (done < size) {
        u64 lin = linear + done, gpa;
        enum p2m_type type;
        unsigned chunk = PAGE_SIZE - (unsigned)(lin & (PAGE_SIZE - 1));

        if (chunk > size - done)
            chunk = size - done;
        if (guest_linear_translate(v, lin, write, &gpa, f))
            return ELEMENT_FAULT;
        type = p2m_lookup(v->domain, gpa >> PAGE_SHIFT).type;
        if (p2m_is_ram(type) || type == P2M_XEN_PAGE) {
            int rc = write ? copy_to_guest_phys(v->domain, gpa, buf + done, chunk)
                           : copy_from_guest_phys(v->domain, buf + done, gpa, chunk);

            if (rc) { /* the frame went away since the lookup (another vCPU changed the p2m) */
                *f = (struct guest_fault){.page_fault = false, .addr = lin};
                return ELEMENT_FAULT;
            }
        } else if (type == P2M_HOLE && hvm_mmio_null_window(gpa)) {
            if (!write)
                memset(buf + done, 0xff, chunk);
        } else {
            *outside = gpa;
            return ELEMENT_OUTSIDE;
        }
        done += chunk;
    }
    return ELEMENT_DONE;
}

/* Add step to an index register as wide as the address size, leaving the bits above alone. */
static void index_step(u64 *reg, s64 step, u64 amask)
{
    *reg = (*reg & ~amask) | ((*reg + (u64)step) & amask);
}

/*
 * (REP) MOVS or STOS with at least one operand in the window: element by
 * element, each operand translated as the CPU would, so a move that
 * starts in the window and runs into RAM (or the reverse) does both.
 */
static enum hvm_disposition null_string(struct vcpu *v, const struct mem_insn *m, unsigned *len)
{
    struct guest_regs *r = &v->hvm.regs;
    u64 amask = m->addr_bits == 64 ? ~0ull : (1ull << m->addr_bits) - 1;
    u64 count = m->rep ? (r->rcx & amask) : 1;
    s64 step = (r->rflags & X86_EFLAGS_DF) ? -(s64)m->size : (s64)m->size;
    u64 src_base = hvm_ops->seg_base(v, m->seg), dst_base = hvm_ops->seg_base(v, IO_SEG_ES);
    unsigned done = 0;

    while (count && done < NULL_MMIO_STRING_MAX) {
        struct guest_fault f;
        enum element_rc rc = ELEMENT_DONE;
        u64 outside = 0;
        u8 buf[8];

        if (m->kind == MEM_MOVS)
            rc = element_access(v, src_base + (r->rsi & amask), buf, m->size, false, &f, &outside);
        else
            memcpy(buf, &r->rax, sizeof(buf)); /* little-endian: the low size bytes */
        if (rc == ELEMENT_DONE)
            rc = element_access(v, dst_base + (r->rdi & amask), buf, m->size, true, &f, &outside);
        if (rc == ELEMENT_FAULT) {
            inject_fault(v, &f);
            return HVM_INJECT;
        }
        if (rc == ELEMENT_OUTSIDE) {
            domain_crash(v->domain,
                         "v%u: string move at rip %#llx reaches guest-physical %#llx, outside "
                         "the domain's memory",
                         v->vcpu_id, (unsigned long long)r->rip, (unsigned long long)outside);
            return HVM_CRASH;
        }
        if (m->kind == MEM_MOVS)
            index_step(&r->rsi, step, amask);
        index_step(&r->rdi, step, amask);
        count--;
        done++;
        if (m->rep)
            r->rcx = (r->rcx & ~amask) | count;
    }
    if (count)
        return HVM_RESUME; /* the rest after the guest's next entry: interrupts can come in */
    *len = m->len;
    return HVM_ADVANCE;
}

enum hvm_disposition hvm_mmio_null(struct vcpu *v, u64 gpa, bool write, unsigned *len)
{
    struct hvm_dump_state ds;
    unsigned mode_bits;
    struct mem_insn m;
    u8 insn[15];
    size_t n;
    u64 *reg;

    /* The CPU was delivering an event (its stack or tables in the window), not running RIP. */
    hvm_ops->get_dump_state(v, &ds);
    if (ds.pending_event)
        return not_emulated(v, gpa, write, NULL, 0, "hit while delivering an event");
    n = hvm_fetch_insn(v, insn, sizeof(insn), &mode_bits);
    if (!n || mem_insn_decode(insn, n, mode_bits, &m))
        return not_emulated(v, gpa, write, insn, n, "instruction not emulated");
    switch (m.kind) {
    case MEM_LOAD:
        if (write)
            break;
        reg = hvm_gpr(v, m.reg);
        *reg = mem_insn_load_result(&m, *reg, ~0ull);
        *len = m.len;
        return HVM_ADVANCE;
    case MEM_STORE:
        if (!write)
            break;
        *len = m.len; /* dropped */
        return HVM_ADVANCE;
    case MEM_MOVS:
    case MEM_STOS:
        return null_string(v, &m, len);
    }
    /* The bytes changed since the exit (another vCPU rewrote them). */
    return not_emulated(v, gpa, write, insn, n, "the instruction does not match the access");
}
