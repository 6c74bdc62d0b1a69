/*
 * smp_balloon: vCPU 0 gives a page back and takes one again
 * (decrease_reservation, populate_physmap), over and over, while vCPU 1
 * keeps writing other memory in guest mode.
 *
 * Before the hypervisor frees a frame it took out of the p2m, every other
 * vCPU of the domain that may be in guest mode must leave it once (its TLB
 * could still reach the frame, and the frame could go to another domain).
 * Here that happens at every round: the hypervisor must not hang waiting,
 * every round must succeed, the new page must be zeroed, and vCPU 1 must
 * go on running.
 *
 * Command line: rounds=<n> (default 2000). Needs two vCPUs.
 */
#include <guest.h>
#include <guest/smp.h>
#include <public/memory.h>

const char test_title[] = "smp_balloon: ballooning while another vCPU runs";

#define BALLOON_GFN 0x500ull /* 5 MiB: RAM the framework does not use */

static volatile u64 busy_page[512] __aligned(XEN_PAGE_SIZE);
static volatile bool stop, running;

static void writer(unsigned int cpu)
{
    running = true;
    while (!stop)
        for (unsigned int i = 0; i < 512; i++)
            busy_page[i]++;
}

static long reservation(unsigned int op)
{
    xen_pfn_t gfn = BALLOON_GFN;
    struct xen_memory_reservation r = {
        .extent_start = (u64)&gfn, .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF};

    return hypercall_memory_op(op, &r);
}

void test_main(void)
{
    const unsigned long rounds = cmdline_number("rounds", 2000);
    volatile u64 *page = (volatile u64 *)(BALLOON_GFN << XEN_PAGE_SHIFT);
    unsigned long i;
    u64 before;

    if (!test_needs_xen())
        return;
    if (smp_nr_vcpus() < 2) {
        test_skip("needs two vCPUs");
        return;
    }
    if (!check(smp_start_ap(1, writer), "vCPU 1 did not start"))
        return;
    while (!running)
        cpu_relax();
    for (i = 0; i < rounds; i++) {
        page[7] = 0x5a5a5a5a5a5a5a5aull;
        if (reservation(XENMEM_decrease_reservation) != 1 ||
            reservation(XENMEM_populate_physmap) != 1)
            break;
        if (page[7] != 0)
            break;
    }
    before = busy_page[0];
    while (busy_page[0] == before)
        cpu_relax();
    stop = true;
    printk("%lu rounds of decrease_reservation and populate_physmap while vCPU 1 ran\n", i);
    check(i == rounds, "round %lu: a call failed or the new page was not zeroed (%#lx)", i,
          page[7]);
    test_success();
}
