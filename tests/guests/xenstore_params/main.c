/*
 * xenstore_params: a domain without a xenstore server sees what a Xen
 * dom0less domU sees before xenstored connects -- HVM_PARAM_STORE_PFN is
 * ~0 ("not yet": Linux then waits on the event channel instead of giving
 * up), HVM_PARAM_STORE_EVTCHN is a port of its own, and that port is
 * unbound, waiting for domain 0. EVTCHNOP_status must not call it
 * interdomain: XTF (and anyone else) takes that for a live xenstore and
 * talks to a ring that is not there. Binding it to a vCPU and sending on
 * it work, as Linux does both.
 */
#include <guest.h>
#include <guest/events.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

const char test_title[] = "xenstore_params: no xenstore yet: STORE_PFN ~0, port unbound for dom0";

static bool get_param(u32 index, u64 *value)
{
    struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
    long rc = hypercall_hvm_op(HVMOP_get_param, &p);

    *value = p.value;
    return check(rc == 0, "HVMOP_get_param(%u): rc %ld", index, rc);
}

void test_main(void)
{
    struct evtchn_status st;
    u64 pfn, port;
    long rc;

    if (!test_needs_xen())
        return;
    if (!get_param(HVM_PARAM_STORE_PFN, &pfn) || !get_param(HVM_PARAM_STORE_EVTCHN, &port))
        return;
    check(pfn == ~0ull, "STORE_PFN %#lx, expected ~0 (late init)", pfn);
    if (!check(port > 0 && port < 4096, "STORE_EVTCHN %lu", port))
        return;
    rc = evtchn_status(DOMID_SELF, (u32)port, &st);
    check(rc == 0, "EVTCHNOP_status(%lu): rc %ld", port, rc);
    check(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 0,
          "store port %lu: status %u (remote dom %u), expected unbound for domain 0", port,
          st.status, st.u.unbound.dom);
    check(evtchn_bind_vcpu((u32)port, 0) == 0, "EVTCHNOP_bind_vcpu of the store port failed");
    check(evtchn_send((u32)port) == 0, "EVTCHNOP_send on the store port failed");
    printk("store pfn %#lx, port %lu unbound for domain %u\n", pfn, port, st.u.unbound.dom);
    test_success();
}
