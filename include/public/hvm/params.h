/*
 * HVM parameters read and written with HVMOP_get_param / HVMOP_set_param
 * (hvm/hvm_op.h), and the encoding of the event-channel callback.
 */
#ifndef XEN_PUBLIC_HVM_PARAMS_H
#define XEN_PUBLIC_HVM_PARAMS_H

#include "../xen.h"

/*
 * How vCPU 0's event-channel upcall is delivered. 0 = not at all;
 * otherwise bits 63:56 give the type and the low bits its argument.
 * PVH Linux uses TYPE_VECTOR: the hypervisor injects that vector directly
 * (not through the local APIC, no EOI) whenever evtchn_upcall_pending is
 * set and the vCPU can take interrupts.
 */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK  XEN_MK_ULL(0xFF00000000000000)
#define HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT 56
#define HVM_PARAM_CALLBACK_TYPE_GSI      0 /* bits 55:0: GSI (not 0) */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1 /* segment 47:32, bus 31:16, devfn 15:8, INTx 1:0 */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR   2 /* bits 7:0: vector */

/* Build / take apart a CALLBACK_IRQ value. */
#define HVM_PARAM_CALLBACK_VAL(type, arg)                                      \
    (((XEN_MK_ULL(0) + (type)) << HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) | (arg))
#define HVM_PARAM_CALLBACK_TYPE(val) ((val) >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT)
#define HVM_PARAM_CALLBACK_VECTOR(val) ((val) & 0xff)

/* Ring pages and their event channels, set up by the domain builder. */
#define HVM_PARAM_STORE_PFN      1  /* xenstore page GFN; ~0 = "not yet" */
#define HVM_PARAM_STORE_EVTCHN   2
#define HVM_PARAM_IOREQ_PFN      5
#define HVM_PARAM_BUFIOREQ_PFN   6
#define HVM_PARAM_VIRIDIAN       9
#define HVM_PARAM_TIMER_MODE     10
#define HVM_PARAM_HPET_ENABLED   11
#define HVM_PARAM_IDENT_PT       12
#define HVM_PARAM_DM_DOMAIN      13
#define HVM_PARAM_ACPI_S_STATE   14
#define HVM_PARAM_VM86_TSS       15
#define HVM_PARAM_VPT_ALIGN      16
#define HVM_PARAM_CONSOLE_PFN    17 /* console ring GFN (struct xencons_interface) */
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19
#define HVM_PARAM_NESTEDHVM      24
#define HVM_PARAM_BUFIOREQ_EVTCHN 26
#define HVM_PARAM_PAGING_RING_PFN  27
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_PARAM_SHARING_RING_PFN 29
#define HVM_PARAM_TRIPLE_FAULT_REASON 31
#define HVM_PARAM_IOREQ_SERVER_PFN 32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES 33
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34
#define HVM_PARAM_ALTP2M         35
#define HVM_PARAM_X87_FIP_WIDTH  36
#define HVM_PARAM_VM86_TSS_SIZED 37
#define HVM_PARAM_MCA_CAP        38
#define HVM_NR_PARAMS            39

/* HVM_PARAM_TIMER_MODE values */
#define HVMPTM_delay_for_missed_ticks    0
#define HVMPTM_no_delay_for_missed_ticks 1
#define HVMPTM_no_missed_ticks_pending   2
#define HVMPTM_one_missed_tick_pending   3

#endif /* XEN_PUBLIC_HVM_PARAMS_H */
