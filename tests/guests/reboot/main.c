/*
 * reboot: a domain that reboots or crashes once and is started again.
 *
 * Command line: action=reboot|crash on_domid=<id>. While running as domain
 * <id> (CPUID 0x40000004 ECX, which Xen fills in when EAX says
 * DOMID_PRESENT) the guest does SCHEDOP_shutdown(SHUTDOWN_reboot or
 * SHUTDOWN_crash); as any other domain it reports SUCCESS and powers off.
 * With on_reboot=restart (the default) or on_crash=restart the hypervisor
 * must destroy the domain and build it again from its boot image, as a
 * new domain; the test harness checks its log for both incarnations.
 */
#include <guest.h>
#include <public/arch-x86/cpuid.h>
#include <public/sched.h>

const char test_title[] = "reboot: SCHEDOP_shutdown(reboot/crash), then running again";

static long parse_num(const char *s)
{
    long n = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        n = n * 10 + (*s - '0');
    }
    return n;
}

void test_main(void)
{
    char action[16], on[16];
    struct cpuid_regs r;
    long target, rc;
    unsigned int reason;

    if (!test_needs_xen())
        return;
    if (!cmdline_option("action", action, sizeof(action)) ||
        !cmdline_option("on_domid", on, sizeof(on)) || (target = parse_num(on)) < 0) {
        test_error("needs action=reboot|crash on_domid=<id> on the command line");
        return;
    }
    if (!strcmp(action, "reboot"))
        reason = SHUTDOWN_reboot;
    else if (!strcmp(action, "crash"))
        reason = SHUTDOWN_crash;
    else {
        test_error("action=%s: not reboot or crash", action);
        return;
    }
    r = cpuid_count(xen_cpuid_base() + 4, 0);
    if (!check(r.eax & XEN_HVM_CPUID_DOMID_PRESENT, "CPUID leaf 4 has no domain id"))
        return;
    printk("running as domain %u\n", r.ecx);
    if (r.ecx == (u32)target) {
        printk("SCHEDOP_shutdown(%s)\n", action);
        rc = hypercall_shutdown(reason);
        test_failure("SCHEDOP_shutdown(%s) returned %ld", action, rc);
        return;
    }
    test_success();
}
