/*
 * Everything a test guest (tests/guests/<name>/main.c) needs. A test
 * defines
 *
 *     const char test_title[] = "what this test checks";
 *     void test_main(void) { ... test_success(); }
 *
 * and reports through test_success/test_skip/test_error/test_failure.
 * See tests/guests/README.md.
 */
#ifndef GUEST_H
#define GUEST_H

#include <lares/compiler.h>
#include <lares/errno.h>
#include <lares/format.h>
#include <lares/string.h>
#include <lares/types.h>

#include <guest/arch.h>
#include <guest/console.h>
#include <guest/hypercall.h>
#include <guest/lapic.h>
#include <guest/layout.h>
#include <guest/paging.h>
#include <guest/report.h>
#include <guest/smp.h>
#include <guest/traps.h>
#include <guest/xen.h>

/* Provided by the test. */
extern const char test_title[];
void test_main(void);

#endif
