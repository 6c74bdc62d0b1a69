/*
 * Boot-time self-tests of the platform layer, each enabled by its own
 * command-line option and each printing one result line that the
 * integration tests match. They return false only when enabled and failed.
 *
 *   timer_selftest   "timer self-test: passed (...)"   hv/common/timer_selftest.c
 *   smp_selftest     "IPI self-test: passed (...)"     hv/common/ipi_selftest.c
 */
#ifndef LARES_SELFTEST_H
#define LARES_SELFTEST_H

#include <lares/types.h>

bool timer_selftest_run(void);
bool ipi_selftest_run(void);

#endif
