/*
 * Shared-memory rings, the transport of every split driver and of the
 * console and xenstore pages.
 *
 * Indices are free-running 32-bit counters: a producer only increments
 * its index, a consumer only its own; the slot is the index modulo the
 * (power-of-two) ring size, and "prod - cons" in 32-bit arithmetic is the
 * number of items in flight even after the counters wrap. The peer is
 * untrusted: a consumer must never believe more than a ring's worth of
 * items is outstanding (see xen_ring_unconsumed_requests, xen_byte_ring_sane).
 *
 * Two shapes exist:
 *   - request/response rings (blkif, netif, ...): a 64-byte header with
 *     the four indices, then a power-of-two array of entries, each a
 *     union of the request and response types (XEN_DEFINE_SRING);
 *   - byte rings (console, xenstore): a char array per direction with
 *     separate producer/consumer indices (xen_byte_ring_*).
 *
 * Memory barriers are the caller's job: write entries, then publish the
 * producer index; read the producer index, then the entries.
 */
#ifndef XEN_PUBLIC_IO_RING_H
#define XEN_PUBLIC_IO_RING_H

#include "../xen.h"

/* Bytes before the first entry of a request/response ring. */
#define XEN_SRING_HEADER_SIZE 64

#ifndef __ASSEMBLY__

typedef uint32_t RING_IDX;

/* The index block at the start of every request/response ring page. */
struct xen_sring_header {
    RING_IDX req_prod;  /* written by the frontend */
    RING_IDX req_event; /* frontend wants a notification when req_prod passes this */
    RING_IDX rsp_prod;  /* written by the backend */
    RING_IDX rsp_event; /* backend wants a notification when rsp_prod passes this */
    uint8_t pvt[4];     /* protocol-private (netif: smartpoll_active) */
    uint8_t pad[44];
};
XEN_ABI_SIZE(struct xen_sring_header, XEN_SRING_HEADER_SIZE);

/*
 * Declare union name##_sring_entry and struct name##_sring (header +
 * entries) for a protocol. The layout is the one Xen's DEFINE_RING_TYPES
 * produces, so frontends written for Xen interoperate.
 */
#define XEN_DEFINE_SRING(name, req_type, rsp_type)                             \
    union name##_sring_entry {                                                 \
        req_type req;                                                          \
        rsp_type rsp;                                                          \
    };                                                                         \
    struct name##_sring {                                                      \
        RING_IDX req_prod, req_event;                                          \
        RING_IDX rsp_prod, rsp_event;                                          \
        uint8_t pvt[4];                                                        \
        uint8_t pad[44];                                                       \
        union name##_sring_entry ring[];                                       \
    }

/* Largest power of two not above x (0 for 0). */
static inline uint32_t xen_ring_rounddown_pow2(uint32_t x)
{
    while (x & (x - 1))
        x &= x - 1;
    return x;
}

/* Entries of entry_size bytes that fit in a ring of ring_bytes (a whole
 * number of pages, header included): always a power of two, or 0. */
static inline uint32_t xen_ring_nr_entries(uint64_t ring_bytes, uint64_t entry_size)
{
    if (entry_size == 0 || ring_bytes <= XEN_SRING_HEADER_SIZE)
        return 0;
    uint64_t n = (ring_bytes - XEN_SRING_HEADER_SIZE) / entry_size;
    return xen_ring_rounddown_pow2(n > 0x80000000u ? 0x80000000u : (uint32_t)n);
}

/* Slot of a free-running index in a ring of nr_ents (a power of two). */
static inline uint32_t xen_ring_slot(RING_IDX idx, uint32_t nr_ents)
{
    return idx & (nr_ents - 1);
}

/* Frontend: request slots it may still fill. */
static inline uint32_t xen_ring_free_requests(uint32_t nr_ents, RING_IDX req_prod_pvt,
                                              RING_IDX rsp_cons)
{
    return nr_ents - (RING_IDX)(req_prod_pvt - rsp_cons);
}

/* Frontend: responses published and not yet consumed. */
static inline uint32_t xen_ring_unconsumed_responses(RING_IDX rsp_prod, RING_IDX rsp_cons)
{
    return (RING_IDX)(rsp_prod - rsp_cons);
}

/*
 * Backend: requests it may consume now. Bounded by the slots it has not
 * yet answered, so a frontend that pushes req_prod too far cannot make the
 * backend read slots whose responses are still pending.
 */
static inline uint32_t xen_ring_unconsumed_requests(uint32_t nr_ents, RING_IDX req_prod,
                                                    RING_IDX req_cons, RING_IDX rsp_prod_pvt)
{
    uint32_t reqs = (RING_IDX)(req_prod - req_cons);
    uint32_t room = nr_ents - (RING_IDX)(req_cons - rsp_prod_pvt);
    return reqs < room ? reqs : room;
}

/* Backend: consuming request index `cons` would overrun the responses. */
static inline int xen_ring_request_cons_overflow(uint32_t nr_ents, RING_IDX cons,
                                                 RING_IDX rsp_prod_pvt)
{
    return (RING_IDX)(cons - rsp_prod_pvt) >= nr_ents;
}

/*
 * After moving a producer index from old_prod to new_prod: must the peer
 * be notified? Yes when its event index lies in (old_prod, new_prod].
 */
static inline int xen_ring_need_notify(RING_IDX old_prod, RING_IDX new_prod, RING_IDX event)
{
    return (RING_IDX)(new_prod - event) < (RING_IDX)(new_prod - old_prod);
}

/* ---- byte rings (size is a power of two) ---- */

/* Bytes written and not yet read. */
static inline uint32_t xen_byte_ring_used(RING_IDX prod, RING_IDX cons)
{
    return (RING_IDX)(prod - cons);
}

/* The indices describe a possible state (never more than size in flight). */
static inline int xen_byte_ring_sane(uint32_t size, RING_IDX prod, RING_IDX cons)
{
    return xen_byte_ring_used(prod, cons) <= size;
}

/* Bytes the producer may still write (0 when the indices are not sane). */
static inline uint32_t xen_byte_ring_free(uint32_t size, RING_IDX prod, RING_IDX cons)
{
    uint32_t used = xen_byte_ring_used(prod, cons);
    return used <= size ? size - used : 0;
}

/* Offset of a free-running index in the array. */
static inline uint32_t xen_byte_ring_offset(RING_IDX idx, uint32_t size)
{
    return idx & (size - 1);
}

/* Bytes readable in one piece starting at cons (up to the array's end). */
static inline uint32_t xen_byte_ring_read_chunk(uint32_t size, RING_IDX prod, RING_IDX cons)
{
    uint32_t used = xen_byte_ring_used(prod, cons);
    uint32_t to_end = size - xen_byte_ring_offset(cons, size);
    if (used > size)
        return 0;
    return used < to_end ? used : to_end;
}

/* Bytes writable in one piece starting at prod (up to the array's end). */
static inline uint32_t xen_byte_ring_write_chunk(uint32_t size, RING_IDX prod, RING_IDX cons)
{
    uint32_t room = xen_byte_ring_free(size, prod, cons);
    uint32_t to_end = size - xen_byte_ring_offset(prod, size);
    return room < to_end ? room : to_end;
}

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_IO_RING_H */
