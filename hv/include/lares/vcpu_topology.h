/*
 * How guest vCPUs appear to the guest: one place for the APIC ID rule so
 * the MADT, CPUID (leaf 1 EBX[31:24], leaf 0xB) and the virtual LAPIC ID
 * register always agree.
 *
 * Like libxl, vCPU n has APIC ID 2n: the guest sees cores without SMT
 * siblings. MADT type-0 entries carry 8-bit APIC IDs and 0xff is the
 * broadcast ID, so 2n <= 254 caps a domain at 128 vCPUs (Xen's
 * HVM_MAX_VCPUS is also 128).
 */
#ifndef LARES_VCPU_TOPOLOGY_H
#define LARES_VCPU_TOPOLOGY_H

#include <lares/types.h>

#define GUEST_MAX_VCPUS 128

static inline u32 vcpu_apic_id(unsigned int vcpu_id)
{
    return 2 * vcpu_id;
}

#endif
