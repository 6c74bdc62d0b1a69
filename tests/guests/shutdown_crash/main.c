/*
 * shutdown_crash: SCHEDOP_shutdown(SHUTDOWN_crash) ends the domain as
 * crashed. The hypervisor must stop the domain, never return to it, and
 * report the crash (the harness checks its log). There is no "Test
 * result" line on success; if the call returns, that is a FAILURE.
 */
#include <guest.h>
#include <public/sched.h>

const char test_title[] = "shutdown_crash: SCHEDOP_shutdown(SHUTDOWN_crash)";

void test_main(void)
{
    long rc;

    if (!test_needs_xen())
        return;
    printk("calling SCHEDOP_shutdown(SHUTDOWN_crash)\n");
    rc = hypercall_shutdown(SHUTDOWN_crash);
    test_failure("SCHEDOP_shutdown(SHUTDOWN_crash) returned %ld", rc);
}
