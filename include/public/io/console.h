/*
 * The PV console page (HVM_PARAM_CONSOLE_PFN, notified through
 * HVM_PARAM_CONSOLE_EVTCHN): two byte rings, see io/ring.h.
 * `out` carries guest output (guest produces, backend consumes), `in`
 * carries keyboard input (backend produces, guest consumes).
 */
#ifndef XEN_PUBLIC_IO_CONSOLE_H
#define XEN_PUBLIC_IO_CONSOLE_H

#include "ring.h"

#define XENCONS_IN_SIZE  1024
#define XENCONS_OUT_SIZE 2048

/* xencons_interface.connection */
#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

#ifndef __ASSEMBLY__

typedef uint32_t XENCONS_RING_IDX;

/* Offset in `ring` (one of the two arrays) of a free-running index. */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[XENCONS_IN_SIZE];
    char out[XENCONS_OUT_SIZE];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
    uint8_t connection;
    uint8_t pad0[3];
};
XEN_ABI_SIZE(struct xencons_interface, 3092);
XEN_ABI_OFFSET(struct xencons_interface, out, 1024);
XEN_ABI_OFFSET(struct xencons_interface, in_cons, 3072);
XEN_ABI_OFFSET(struct xencons_interface, in_prod, 3076);
XEN_ABI_OFFSET(struct xencons_interface, out_cons, 3080);
XEN_ABI_OFFSET(struct xencons_interface, out_prod, 3084);
XEN_ABI_OFFSET(struct xencons_interface, connection, 3088);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_IO_CONSOLE_H */
