/*
 * The xenstore wire protocol: the shared page (HVM_PARAM_STORE_PFN,
 * notified through HVM_PARAM_STORE_EVTCHN) holds two 1 KiB byte rings
 * (io/ring.h). Each message is a struct xsd_sockmsg header followed by
 * `len` bytes of payload, usually NUL-separated strings. Replies echo the
 * request's req_id and tx_id; a failure is a reply of type XS_ERROR whose
 * payload is the errno name, e.g. "ENOENT\0".
 */
#ifndef XEN_PUBLIC_IO_XS_WIRE_H
#define XEN_PUBLIC_IO_XS_WIRE_H

#include "ring.h"

#define XENSTORE_RING_SIZE    1024
#define XENSTORE_PAYLOAD_MAX  4096 /* largest `len` of one message */
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

/* xenstore_domain_interface.server_features */
#define XENSTORE_SERVER_FEATURE_RECONNECTION 1
#define XENSTORE_SERVER_FEATURE_ERROR        2
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH   4
#define XENSTORE_SERVER_FEATURE_DOMID_ANY    8

/* xenstore_domain_interface.connection (a zeroed page reads "connected") */
#define XENSTORE_CONNECTED 0
#define XENSTORE_RECONNECT 1

/* xenstore_domain_interface.error */
#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1
#define XENSTORE_ERROR_RINGIDX 2
#define XENSTORE_ERROR_PROTO   3

#ifndef __ASSEMBLY__

enum xsd_sockmsg_type {
    XS_CONTROL = 0, /* also known as XS_DEBUG */
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT, withdrawn */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_GET_FEATURE = 23,
    XS_SET_FEATURE = 24,
    XS_GET_QUOTA = 25,
    XS_SET_QUOTA = 26,
    XS_TYPE_COUNT = 27,
    XS_INVALID = 0xffff
};
#define XS_DEBUG XS_CONTROL

/* Fields of an XS_WATCH_EVENT payload, in order. */
enum xs_watch_type {
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN = 1
};

struct xsd_sockmsg {
    uint32_t type;   /* enum xsd_sockmsg_type */
    uint32_t req_id; /* chosen by the client, echoed in the reply */
    uint32_t tx_id;  /* transaction, 0 for none */
    uint32_t len;    /* payload bytes that follow */
};
XEN_ABI_SIZE(struct xsd_sockmsg, 16);

typedef uint32_t XENSTORE_RING_IDX;

/* Offset in either ring of a free-running index. */
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE]; /* guest -> xenstored */
    char rsp[XENSTORE_RING_SIZE]; /* xenstored -> guest (replies, watch events) */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features; /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;      /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;           /* XENSTORE_ERROR_* */
    uint32_t evtchn_port;
};
XEN_ABI_SIZE(struct xenstore_domain_interface, 2080);
XEN_ABI_OFFSET(struct xenstore_domain_interface, rsp, 1024);
XEN_ABI_OFFSET(struct xenstore_domain_interface, req_cons, 2048);
XEN_ABI_OFFSET(struct xenstore_domain_interface, req_prod, 2052);
XEN_ABI_OFFSET(struct xenstore_domain_interface, rsp_cons, 2056);
XEN_ABI_OFFSET(struct xenstore_domain_interface, rsp_prod, 2060);
XEN_ABI_OFFSET(struct xenstore_domain_interface, server_features, 2064);
XEN_ABI_OFFSET(struct xenstore_domain_interface, connection, 2068);
XEN_ABI_OFFSET(struct xenstore_domain_interface, error, 2072);
XEN_ABI_OFFSET(struct xenstore_domain_interface, evtchn_port, 2076);

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_IO_XS_WIRE_H */
