/*
 * The hypervisor CPUID leaves a Xen guest looks for. A guest scans
 * base = 0x40000000, 0x40000100, ... for the signature "XenVMMXenVMM"
 * with EAX >= base + 2; leaf numbers below are relative to that base
 * (Lares always uses 0x40000000).
 *
 *   base + 0  EAX: largest Xen leaf; EBX/ECX/EDX: signature
 *   base + 1  EAX: version, (major << 16) | minor
 *   base + 2  EAX: number of hypercall pages (1); EBX: MSR that installs
 *             the hypercall page; ECX: XEN_CPUID_FEAT1_*
 *   base + 3  TSC information, sub-leaves 0..2 (XEN_CPUID_TSC_*)
 *   base + 4  EAX: XEN_HVM_CPUID_*; EBX: vCPU id; ECX: domain id
 *   base + 5  EBX: machine address width (PV only)
 */
#ifndef XEN_PUBLIC_ARCH_X86_CPUID_H
#define XEN_PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(i)    (XEN_CPUID_FIRST_LEAF + (i))
#define XEN_CPUID_BASE_STEP  0x100 /* distance between candidate bases */
#define XEN_CPUID_MAX_NUM_LEAVES 5 /* Xen answers leaves base + 0 .. base + 5 */

#define XEN_CPUID_SIGNATURE_EBX 0x566e6558 /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e /* "nVMM" */

/* Leaf 2 ECX */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (1 << 0) /* PV */

/*
 * The MSR index Lares reports in leaf 2 EBX. Writing it with the GPA of a
 * guest page (bits 11:0 = page index, must be 0) makes the hypervisor fill
 * that page with XEN_HYPERCALL_PAGE_ENTRIES stubs of
 * XEN_HYPERCALL_PAGE_ENTRY_SIZE bytes (xen.h); reading it returns 0.
 */
#define XEN_HYPERCALL_MSR 0x40000000

/* Leaf 3 sub-leaf 0 EAX */
#define XEN_CPUID_TSC_EMULATED       (1 << 0)
#define XEN_CPUID_HOST_TSC_RELIABLE  (1 << 1)
#define XEN_CPUID_RDTSCP_INSTR_AVAIL (1 << 2)
/* Leaf 3 sub-leaf 0 EBX: TSC mode */
#define XEN_CPUID_TSC_MODE_DEFAULT        0
#define XEN_CPUID_TSC_MODE_ALWAYS_EMULATE 1
#define XEN_CPUID_TSC_MODE_NEVER_EMULATE  2
#define XEN_CPUID_TSC_MODE_PVRDTSCP       3

/* Leaf 4 sub-leaf 0 EAX */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1 << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT      (1 << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1 << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1 << 3) /* EBX = vCPU id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1 << 4) /* ECX = domain id */
#define XEN_HVM_CPUID_EXT_DEST_ID      (1 << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1 << 6) /* HVMOP_set_evtchn_upcall_vector works */

/* Leaf 5 EBX */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK 0xff

#endif /* XEN_PUBLIC_ARCH_X86_CPUID_H */
