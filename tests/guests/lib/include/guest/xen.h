/*
 * Finding the hypervisor: the Xen CPUID leaves (arch-x86/cpuid.h) and the
 * PVH start info the loader passed in EBX.
 */
#ifndef GUEST_XEN_H
#define GUEST_XEN_H

#include <lares/types.h>

/* True when the Xen CPUID leaves were found (running under Xen/Lares);
 * false on bare QEMU. */
bool running_on_xen(void);

/* Base leaf of the Xen CPUID leaves (0x40000000 + k * 0x100), 0 if none. */
u32 xen_cpuid_base(void);

/* CPU vendor from CPUID leaf 0 (e.g. "AuthenticAMD"), NUL-terminated. */
const char *cpu_vendor(void);
bool cpu_is_amd(void); /* AMD or Hygon: hypercalls use VMMCALL */

/* Physical address of the hvm_start_info the loader gave us (0 if none),
 * and its command line ("" if none). */
u64 start_info_paddr(void);
const char *guest_cmdline(void);
/* Value of "key=value" on the command line into buf; false if absent. */
bool cmdline_option(const char *key, char *buf, size_t size);
/* The number given as "key=<number>" (decimal or 0x hex), or def if absent or not a number. */
u64 cmdline_number(const char *key, u64 def);

/* For tests that only make sense under Xen/Lares: true if running on it;
 * otherwise reports SKIP with the reason and returns false. */
bool test_needs_xen(void);

void xen_detect(void);

#endif
