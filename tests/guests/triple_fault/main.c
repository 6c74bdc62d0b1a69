/*
 * triple_fault: with an empty IDT, an exception cannot be delivered, so
 * the vCPU triple-faults. The hypervisor must catch the shutdown
 * intercept, crash this domain (and only it) and report it; the host and
 * other domains carry on. If execution continues, that is a FAILURE.
 */
#include <guest.h>

const char test_title[] = "triple_fault: empty IDT, then #UD";

void test_main(void)
{
    if (!test_needs_xen())
        return;
    printk("loading an empty IDT and executing ud2\n");
    load_empty_idt();
    __asm__ __volatile__("ud2");
    test_failure("still running after a triple fault");
}
