/*
 * Hypercalls from 32-bit compatibility mode. compat_init() adds a 32-bit
 * code segment to the GDT; hypercall32() switches to it, issues VMMCALL
 * with Xen's 32-bit convention (number in EAX, arguments in EBX, ECX, EDX,
 * ESI, EDI; result in EAX) and comes back. The registers' upper halves
 * hold garbage during the call: a 32-bit caller cannot control them, so
 * the hypervisor must ignore them.
 */
#ifndef GUEST_COMPAT_H
#define GUEST_COMPAT_H

#include <lares/types.h>

#define COMPAT_CS 0x38 /* 32-bit code, DPL 0, flat */

void compat_init(void);
u32 hypercall32(u32 nr, u32 a1, u32 a2, u32 a3, u32 a4, u32 a5);

#endif
