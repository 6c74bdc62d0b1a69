/*
 * infinite_loop: spins forever with interrupts disabled and never makes a
 * hypercall. The hypervisor must still preempt it (its scheduler runs on
 * the host's timer, not the guest's goodwill) so that other domains on
 * the same physical CPU finish, and it must be able to destroy it. This
 * guest never reports a result.
 */
#include <guest.h>

const char test_title[] = "infinite_loop: spin with interrupts off";

void test_main(void)
{
    if (!test_needs_xen())
        return;
    printk("spinning forever with interrupts off\n");
    __asm__ __volatile__("cli\n1: jmp 1b");
}
