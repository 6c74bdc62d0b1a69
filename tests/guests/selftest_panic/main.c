/*
 * selftest_panic: an exception nobody expected must be reported (vector,
 * registers) and end the test as a crash: no "Test result:" line, and on
 * bare QEMU exit code 0x13 (status 39); under Xen SHUTDOWN_crash.
 */
#include <guest.h>

const char test_title[] = "selftest_panic: an unexpected #UD is a crash";

void test_main(void)
{
    test_success(); /* must not count: the crash below ends the test */
    printk("executing ud2 outside any probe\n");
    __asm__ __volatile__("ud2");
    test_failure("execution continued after ud2");
}
