/* Exception reporting helpers shared by the trap handlers and debug code. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <lares/types.h>
#include <asm/regs.h>

#define X86_EXC_DE 0  /* divide error */
#define X86_EXC_DB 1
#define X86_EXC_NMI 2
#define X86_EXC_BP 3
#define X86_EXC_OF 4
#define X86_EXC_BR 5
#define X86_EXC_UD 6
#define X86_EXC_NM 7
#define X86_EXC_DF 8
#define X86_EXC_TS 10
#define X86_EXC_NP 11
#define X86_EXC_SS 12
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_MF 16
#define X86_EXC_AC 17
#define X86_EXC_MC 18
#define X86_EXC_XM 19
#define X86_EXC_VE 20
#define X86_EXC_CP 21
#define X86_EXC_HV 28
#define X86_EXC_VC 29
#define X86_EXC_SX 30

/* "page fault", "general protection", ... ("reserved" for unused vectors). */
const char *exception_name(unsigned int vector);

/*
 * Print "  [<addr>] name+off/size" lines: rip, then the callers found from
 * the frame pointer rbp upwards (rsp finds the caller of a function that
 * has no frame of its own).
 */
void show_backtrace(u64 rip, u64 rsp, u64 rbp);

/* "name+0x12/0x40" for addr in buf (returned), or "?" if no function contains it. */
const char *symbol_string(u64 addr, char *buf, size_t size);

/*
 * Test hook for debug_fault=nested: when set, the next fatal-exception
 * report faults part-way through, to exercise the nested-fault path.
 */
extern bool fault_report_self_test;

#endif
