/*
 * Interrupts for guests: what a vCPU has pending, and injecting it at VM
 * entry.
 */
#include <lares/domain.h>
#include <asm/hvm/hvm.h>

bool hvm_vcpu_has_pending_intr(struct vcpu *v)
{
    return false; /* no interrupt sources yet */
}
