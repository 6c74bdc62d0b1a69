/*
 * A small per-vCPU ring of the most recent exits and hypercalls, printed
 * when the vCPU's domain dies, so a crash report says what led up to it.
 */
#ifndef ASM_HVM_TRACE_H
#define ASM_HVM_TRACE_H

#include <lares/types.h>

struct vcpu;

#define TRACE_ENTRIES 32

enum trace_kind {
    TRACE_NONE = 0,
    TRACE_EXIT,      /* code = vendor exit code, a/b = exit info, rip */
    TRACE_HYPERCALL, /* code = hypercall number, a/b = first arguments, ret */
};

struct trace_entry {
    u8 kind;
    u64 tsc;
    u64 code, a, b, c;
};

struct vcpu_trace {
    unsigned prod;
    struct trace_entry e[TRACE_ENTRIES];
};

void trace_exit(struct vcpu *v, u64 code, u64 info1, u64 info2, u64 rip);
void trace_hypercall(struct vcpu *v, u64 nr, u64 a1, u64 a2, s64 ret);

/* Print the ring, oldest first. */
void trace_dump(struct vcpu *v);

#endif
