/* PV console page backend (see lares/console_ring.h). */
#include <lares/compiler.h>
#include <lares/console_ring.h>
#include <lares/errno.h>
#include <lares/string.h>

/* Output is handed to the sink through a stack copy of this size. */
#define DRAIN_CHUNK 256u

int console_ring_drain(struct xencons_interface *intf, u32 max,
                       void (*sink)(void *ctx, const char *buf, size_t len), void *ctx)
{
    RING_IDX cons = __atomic_load_n(&intf->out_cons, __ATOMIC_RELAXED);
    RING_IDX prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
    char chunk[DRAIN_CHUNK];
    u32 done = 0;

    if (!xen_byte_ring_sane(XENCONS_OUT_SIZE, prod, cons))
        return -EIO;

    while (done < max) {
        u32 n = xen_byte_ring_read_chunk(XENCONS_OUT_SIZE, prod, cons);

        if (!n)
            break;
        n = MIN(n, MIN(max - done, DRAIN_CHUNK));
        memcpy(chunk, &intf->out[xen_byte_ring_offset(cons, XENCONS_OUT_SIZE)], n);
        cons += n;
        /* The copy is done: the guest may refill that space. */
        __atomic_store_n(&intf->out_cons, cons, __ATOMIC_RELEASE);
        sink(ctx, chunk, n);
        done += n;
    }
    return (int)done;
}

int console_ring_output_pending(const struct xencons_interface *intf)
{
    RING_IDX cons = __atomic_load_n(&intf->out_cons, __ATOMIC_RELAXED);
    RING_IDX prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);

    if (!xen_byte_ring_sane(XENCONS_OUT_SIZE, prod, cons))
        return -EIO;
    return (int)xen_byte_ring_used(prod, cons);
}

void console_ring_discard_output(struct xencons_interface *intf)
{
    RING_IDX prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);

    __atomic_store_n(&intf->out_cons, prod, __ATOMIC_RELEASE);
}

int console_ring_write_input(struct xencons_interface *intf, const char *buf, u32 len)
{
    RING_IDX cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
    RING_IDX prod = __atomic_load_n(&intf->in_prod, __ATOMIC_RELAXED);
    u32 done = 0;

    if (!xen_byte_ring_sane(XENCONS_IN_SIZE, prod, cons))
        return -EIO;

    /* At most two pieces: up to the end of in[], then from its start. */
    while (done < len) {
        u32 n = xen_byte_ring_write_chunk(XENCONS_IN_SIZE, prod, cons);

        if (!n)
            break;
        n = MIN(n, len - done);
        memcpy(&intf->in[xen_byte_ring_offset(prod, XENCONS_IN_SIZE)], buf + done, n);
        prod += n;
        done += n;
    }
    if (done)
        __atomic_store_n(&intf->in_prod, prod, __ATOMIC_RELEASE);
    return (int)done;
}
