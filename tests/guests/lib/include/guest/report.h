/*
 * Test results, with XTF's words and order: SUCCESS < SKIP < ERROR <
 * FAILURE. Reporting only ever raises the result (a SKIP after a FAILURE
 * stays FAILURE). When test_main() returns the framework prints exactly
 * one line "Test result: <WORD>" and shuts the domain down; a test that
 * reported nothing ends as ERROR.
 *
 *   SUCCESS  everything checked was right
 *   SKIP     the test could not run here (e.g. no Xen on bare QEMU)
 *   ERROR    the test itself or its environment misbehaved
 *   FAILURE  the thing under test is wrong
 *
 * Under Xen/Lares the domain then shuts down with SHUTDOWN_poweroff (a
 * panic uses SHUTDOWN_crash). On bare QEMU the result leaves through
 * isa-debug-exit (port 0xf4): QEMU's exit status is (code << 1) | 1.
 */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

#include <lares/compiler.h>
#include <lares/types.h>

enum test_result {
    RESULT_NONE,
    RESULT_SUCCESS,
    RESULT_SKIP,
    RESULT_ERROR,
    RESULT_FAILURE,
};

/* isa-debug-exit codes (QEMU status in brackets). */
#define EXIT_CODE_SUCCESS 0x10 /* 33 */
#define EXIT_CODE_FAILURE 0x11 /* 35 */
#define EXIT_CODE_SKIP 0x12    /* 37 */
#define EXIT_CODE_CRASH 0x13   /* 39: panic, unexpected exception */
#define EXIT_CODE_ERROR 0x14   /* 41 */
#define DEBUG_EXIT_PORT 0xf4

void test_success(void);
void test_skip(const char *fmt, ...) __printf(1, 2);
void test_error(const char *fmt, ...) __printf(1, 2);
void test_failure(const char *fmt, ...) __printf(1, 2);

enum test_result test_result(void);
const char *test_result_word(enum test_result r);

/* Report FAILURE with the location when cond is false; evaluates to cond.
 * Optional printf-style details: check(rc == 0, "rc %d", rc). */
#define check(cond, ...)                                                                           \
    ({                                                                                             \
        bool ok_ = (cond);                                                                         \
        if (!ok_)                                                                                  \
            test_failure_at(__FILE__, __LINE__, #cond, " " __VA_ARGS__);                           \
        ok_;                                                                                       \
    })
void test_failure_at(const char *file, int line, const char *cond, const char *fmt, ...)
    __printf(4, 5);

/* Print the result line and leave (used by the framework after test_main). */
__noreturn void test_exit(void);

/* Print the message and end the test as a crash. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#endif
