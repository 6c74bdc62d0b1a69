/* Lares version, and the Xen interface version it implements. */
#ifndef LARES_VERSION_H
#define LARES_VERSION_H

#define LARES_VERSION_MAJOR 0
#define LARES_VERSION_MINOR 1
#define LARES_VERSION_STRING "0.1"

/* What guests see from XENVER_version: Xen 4.17's guest ABI. */
#define XEN_COMPAT_MAJOR 4
#define XEN_COMPAT_MINOR 17

#endif
