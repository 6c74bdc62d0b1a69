/*
 * QEMU TCG's EVENTINJ can deliver an interrupt twice; this keeps it from
 * doing so (docs/svm-under-qemu-notes.md, "EVENTINJ delivered twice").
 *
 * What QEMU does (7.2, and upstream's svm_helper.c as of 2025): VMRUN
 * delivers a type-INTR EVENTINJ at once but also leaves its vector behind
 * as the CPU's pending exception number. The guest takes the interrupt.
 * If QEMU's execution loop is then left for an exit request -- another
 * vCPU thread's kick, the round-robin switch of `-accel tcg,thread=single`
 * -- before a VM exit or an exception has replaced that number, the vector
 * is delivered again, as an exception: at the first instruction of the
 * guest's handler, with RFLAGS.IF clear. The guest runs its handler twice
 * for one interrupt (and a Linux guest interrupted in user mode would
 * enter the kernel a second time without SWAPGS). Exceptions and NMIs are
 * injected another way in QEMU and are not affected.
 *
 * The way around it: make a VM exit the first thing that happens after
 * such a VMRUN. A physical interrupt pending at VMRUN does that -- QEMU
 * looks at pending interrupts before exit requests, and with
 * V_INTR_MASKING and the host's IF set at VMRUN it exits (INTR intercept)
 * whatever the guest's IF -- after the injected interrupt was delivered
 * (EXITINTINFO is clear). So while the quirk is on, every VMRUN that
 * injects an interrupt has a self-IPI (the scheduler's event-check vector,
 * whose handler only EOIs) pending. That costs one extra exit per injected
 * interrupt, so it is only on where it is needed.
 *
 * svm_inject_exit=on|off|auto (default auto: on under QEMU TCG, which
 * says "TCGTCGTCGTCG" in CPUID 0x40000000).
 */
#include <lares/cmdline.h>
#include <lares/console.h>
#include <lares/errno.h>
#include <lares/lib.h>
#include <lares/param.h>
#include <lares/string.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/percpu.h>
#include "svm.h"

enum quirk_setting { QUIRK_AUTO, QUIRK_ON, QUIRK_OFF };

static enum quirk_setting opt_inject_exit = QUIRK_AUTO;
static bool inject_exit;

static int parse_inject_exit(const char *value)
{
    bool on;

    if (!strcmp(value, "auto")) {
        opt_inject_exit = QUIRK_AUTO;
        return 0;
    }
    if (parse_bool(value, &on))
        return -EINVAL;
    opt_inject_exit = on ? QUIRK_ON : QUIRK_OFF;
    return 0;
}
custom_param("svm_inject_exit", parse_inject_exit);

static bool running_under_qemu_tcg(void)
{
    struct cpuid_regs r;
    char sig[12];

    cpuid(1, &r);
    if (!(r.ecx & (1u << 31))) /* no hypervisor: real hardware */
        return false;
    cpuid(0x40000000, &r);
    memcpy(sig, &r.ebx, 4);
    memcpy(sig + 4, &r.ecx, 4);
    memcpy(sig + 8, &r.edx, 4);
    return !memcmp(sig, "TCGTCGTCGTCG", sizeof(sig));
}

void svm_inject_quirk_init(void)
{
    inject_exit =
        opt_inject_exit == QUIRK_ON || (opt_inject_exit == QUIRK_AUTO && running_under_qemu_tcg());
    if (inject_exit)
        printk("svm: an exit follows each injected interrupt (QEMU EVENTINJ quirk)\n");
}

void svm_inject_quirk_before_vmrun(const struct vmcb *vmcb)
{
    u64 ev = vmcb->eventinj;

    if (!inject_exit || !(ev & SVM_EVT_V) || (ev & SVM_EVT_TYPE_MASK) != SVM_EVT_TYPE_INTR)
        return;
    /*
     * Host IF is clear here (hvm_run), and GIF from the CLGI in svm_vmrun on:
     * the IPI stays pending until VMRUN sets GIF, then forces the exit.
     */
    apic_send_ipi(this_cpu()->apic_id, APIC_DM_FIXED, EVENT_CHECK_VECTOR);
}
