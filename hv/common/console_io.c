/*
 * __HYPERVISOR_console_io: guests write to the hypervisor console, each
 * line shown with the domain's name. Reading returns nothing (no input for
 * guests yet).
 */
#include <lares/domain.h>
#include <lares/errno.h>
#include <lares/guest_access.h>
#include <lares/hypercall.h>
#include <public/xen.h>

#define CHUNK 256
/* One call prints at most this much (a guest cannot keep a CPU for long). */
#define MAX_WRITE (64 * 1024)

long do_console_io(struct vcpu *v, const struct hypercall_args *a)
{
    u64 count = (u32)a->arg[1], buf = a->arg[2]; /* Xen: unsigned int cmd, count */
    char chunk[CHUNK];

    switch ((u32)a->arg[0]) {
    case CONSOLEIO_write:
        if (count > MAX_WRITE)
            count = MAX_WRITE;
        while (count) {
            size_t n = count < CHUNK ? count : CHUNK;

            if (copy_from_guest(v, chunk, buf, n))
                return -EFAULT;
            guest_console_write(v->domain, chunk, n);
            buf += n;
            count -= n;
        }
        return 0;
    case CONSOLEIO_read:
        return 0;
    default:
        return -ENOSYS;
    }
}
