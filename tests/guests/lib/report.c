/* Result reporting and the way out of a test guest (see guest/report.h). */
#include <guest.h>
#include <public/sched.h>

static enum test_result result = RESULT_NONE;
static bool panicking;

static const char *const words[] = {
    [RESULT_NONE] = "NONE",   [RESULT_SUCCESS] = "SUCCESS", [RESULT_SKIP] = "SKIP",
    [RESULT_ERROR] = "ERROR", [RESULT_FAILURE] = "FAILURE",
};

static const u8 exit_codes[] = {
    [RESULT_NONE] = EXIT_CODE_ERROR,      [RESULT_SUCCESS] = EXIT_CODE_SUCCESS,
    [RESULT_SKIP] = EXIT_CODE_SKIP,       [RESULT_ERROR] = EXIT_CODE_ERROR,
    [RESULT_FAILURE] = EXIT_CODE_FAILURE,
};

const char *test_result_word(enum test_result r)
{
    return r <= RESULT_FAILURE ? words[r] : "?";
}

enum test_result test_result(void)
{
    return result;
}

static void raise_result(enum test_result r)
{
    if (r > result)
        result = r;
}

static void report(enum test_result r, const char *fmt, va_list ap)
{
    char msg[400];

    raise_result(r);
    vformat(msg, sizeof(msg), fmt, ap);
    printk("%s: %s\n", words[r], msg);
}

void test_success(void)
{
    raise_result(RESULT_SUCCESS);
}

#define DEFINE_REPORT(name, r)                                                                     \
    void name(const char *fmt, ...)                                                                \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        report(r, fmt, ap);                                                                        \
        va_end(ap);                                                                                \
    }
DEFINE_REPORT(test_skip, RESULT_SKIP)
DEFINE_REPORT(test_error, RESULT_ERROR)
DEFINE_REPORT(test_failure, RESULT_FAILURE)

void test_failure_at(const char *file, int line, const char *cond, const char *fmt, ...)
{
    char details[300];
    va_list ap;

    /* check() prefixes the optional details with a space. */
    va_start(ap, fmt);
    vformat(details, sizeof(details), fmt, ap);
    va_end(ap);
    raise_result(RESULT_FAILURE);
    printk("FAILURE: %s:%d: (%s) is false%s%s\n", file, line, cond, details[1] ? ":" : "",
           details[1] ? details : "");
}

/* Leave with the given exit code / shutdown reason. */
static __noreturn void leave(u8 exit_code, unsigned int reason)
{
    if (running_on_xen()) {
        long rc = hypercall_shutdown(reason);

        printk("SCHEDOP_shutdown(%u) returned %ld; halting\n", reason, rc);
    } else {
        outl(DEBUG_EXIT_PORT, exit_code);
    }
    halt_forever();
}

void test_exit(void)
{
    if (result == RESULT_NONE)
        test_error("the test reported no result");
    printk("Test result: %s\n", words[result]);
    leave(exit_codes[result], SHUTDOWN_poweroff);
}

void panic(const char *fmt, ...)
{
    char msg[400];
    va_list ap;

    if (panicking) /* a fault while panicking: just go */
        leave(EXIT_CODE_CRASH, SHUTDOWN_crash);
    panicking = true;
    va_start(ap, fmt);
    vformat(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk("PANIC: %s\n", msg);
    leave(EXIT_CODE_CRASH, SHUTDOWN_crash);
}
