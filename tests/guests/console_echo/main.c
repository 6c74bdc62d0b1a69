/*
 * console_echo: the PV console ring in both directions, as a guest's hvc
 * driver uses it, without Linux.
 *
 * The guest finds its console page and port (HVM_PARAM_CONSOLE_PFN and
 * CONSOLE_EVTCHN), writes a prompt into the output ring and notifies,
 * then waits for input (SCHEDOP_poll on the console port, pending bit
 * cleared in shared_info) and answers every line it reads with
 * "echo: <LINE IN CAPITALS>" until the line "quit". Once the ring works,
 * all its output (the verdict too) goes there.
 *
 * The hypervisor must: hand out a console page outside RAM and a port that
 * is bound; show what the guest writes to the ring as its console output
 * (draining it when notified); put serial input for the domain that has
 * the console focus into the input ring and raise the port.
 */
#include <guest.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <public/sched.h>

const char test_title[] = "console_echo: PV console ring output and input";

#define RING_VA (TEST_WINDOW_BASE + 0x200000)
#define MAX_LINE 128

static u8 shared_page[XEN_PAGE_SIZE] __aligned(XEN_PAGE_SIZE);
static volatile struct xencons_interface *ring;
static evtchn_port_t port;

static bool get_param(u32 index, u64 *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = hypercall_hvm_op(HVMOP_get_param, &p);

    *value = p.value;
    return check(rc == 0, "HVMOP_get_param(%u): rc %ld", index, rc);
}

static void notify(void)
{
    struct evtchn_send s = {.port = port};

    hypercall_event_channel_op(EVTCHNOP_send, &s);
}

static void ring_write_n(const char *s, size_t len)
{
    while (len) {
        XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;

        __asm__ __volatile__("" ::: "memory");
        if (prod - cons >= XENCONS_OUT_SIZE) {
            notify();
            hypercall_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        ring->out[prod & (XENCONS_OUT_SIZE - 1)] = *s++;
        __asm__ __volatile__("sfence" ::: "memory");
        ring->out_prod = prod + 1;
        len--;
    }
    notify();
}

static void ring_write(const char *s)
{
    ring_write_n(s, strlen(s));
}

/* Sleep until the console port is pending, then clear it. */
static void wait_for_input(void)
{
    struct shared_info *sh = (struct shared_info *)shared_page;
    struct sched_poll poll = {.ports = (u64)&port, .nr_ports = 1, .timeout = 0};

    if (ring->in_cons == ring->in_prod)
        hypercall_sched_op(SCHEDOP_poll, &poll);
    __atomic_fetch_and(&sh->evtchn_pending[port / 64], ~(1ul << (port % 64)), __ATOMIC_SEQ_CST);
}

/* One line of input (without the end of line), or false on a full buffer. */
static void read_line(char *buf)
{
    size_t n = 0;

    for (;;) {
        XENCONS_RING_IDX cons = ring->in_cons, prod = ring->in_prod;

        __asm__ __volatile__("lfence" ::: "memory");
        if (cons == prod) {
            wait_for_input();
            continue;
        }
        char c = ring->in[cons & (XENCONS_IN_SIZE - 1)];

        __asm__ __volatile__("mfence" ::: "memory");
        ring->in_cons = cons + 1;
        if (c == '\r' || c == '\n') {
            if (!n)
                continue;
            buf[n] = '\0';
            return;
        }
        if (n < MAX_LINE - 1)
            buf[n++] = c;
    }
}

void test_main(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .gpfn = (u64)shared_page >> 12};
    char line[MAX_LINE], out[MAX_LINE + 16];
    u64 pfn, evtchn;

    if (!test_needs_xen())
        return;
    if (!get_param(HVM_PARAM_CONSOLE_PFN, &pfn) || !get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn))
        return;
    check(pfn && evtchn, "console page %#lx, port %lu", pfn, evtchn);
    if (!check(hypercall_memory_op(XENMEM_add_to_physmap, &xatp) == 0, "mapping shared_info"))
        return;
    if (map_page(RING_VA, pfn << XEN_PAGE_SHIFT, PTE_WRITE)) {
        test_error("cannot map the console page");
        return;
    }
    ring = (volatile struct xencons_interface *)RING_VA;
    port = (evtchn_port_t)evtchn;
    /* From now on the ring is our console, the framework's output (the verdict) included. */
    console_redirect(ring_write_n);
    ring_write("console_echo: ready, type lines ('quit' ends)\n");
    for (;;) {
        read_line(line);
        if (!strcmp(line, "quit"))
            break;
        for (char *p = line; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        format(out, sizeof(out), "echo: %s\n", line);
        ring_write(out);
    }
    ring_write("console_echo: bye\n");
    test_success();
}
