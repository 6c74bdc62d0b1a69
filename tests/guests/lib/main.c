/* Start of every test guest in C: set up, run the test, report. */
#include <guest.h>

void guest_start(void);

void guest_start(void)
{
    traps_init();
    xen_detect();
    hypercall_init();

    printk("--- Lares test guest: %s ---\n", test_title);
    if (running_on_xen())
        printk("Environment: Xen ABI (CPUID base %#x), vendor %s\n", xen_cpuid_base(),
               cpu_vendor());
    else
        printk("Environment: no hypervisor (bare machine), vendor %s\n", cpu_vendor());
    if (*guest_cmdline())
        printk("Command line: %s\n", guest_cmdline());

    test_main();
    test_exit();
}
