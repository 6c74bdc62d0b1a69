/*
 * Boot-time debugging aids, all off unless asked for on the command line:
 *   debug_fault=<kind>   trigger a fault after boot to check fault reports
 *   mm_selftest          exercise the page allocator, heap and run-time
 *                        mappings on real memory
 * Both return if there is nothing to do (or the check passed); a failed
 * self-test returns false.
 */
#ifndef ASM_DEBUG_H
#define ASM_DEBUG_H

#include <lares/types.h>

void debug_fault_run(void);
bool mm_selftest_run(void);
bool arch_selftest_run(void); /* part of mm_selftest */

#endif
