/*
 * Console output of test guests: through the console_io hypercall under
 * Xen/Lares, else (or if the hypercall fails) to the debug port 0xE9
 * (QEMU: -debugcon). Each printk() is one write.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <lares/compiler.h>
#include <lares/types.h>

#define DEBUG_PORT 0xe9

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);
void console_write(const char *s, size_t len);

/*
 * Send all further output through fn instead (e.g. the guest's own PV
 * console ring: a hypervisor may show a domain's console_io output only
 * until the domain uses its ring).
 */
void console_redirect(void (*fn)(const char *s, size_t len));

/* Write to port 0xE9 only, bypassing console_io. */
void debugport_write(const char *s, size_t len);

#endif
