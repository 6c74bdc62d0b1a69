/*
 * Backend side of a domain's PV console page (struct xencons_interface,
 * HVM_PARAM_CONSOLE_PFN): drain what the guest wrote to out[], put
 * keyboard input into in[].
 *
 * The page is guest memory that changes under us. Each call reads the
 * peer's index once, never believes more than a ring's worth is
 * outstanding (a guest claiming more is broken: -EIO, nothing consumed or
 * produced), and masks every index by the ring size before use. The guest
 * could also rewrite our own index (out_cons, in_prod); that is read once
 * per call too, so a lying guest only confuses itself.
 *
 * Memory ordering, matching Linux's hvc_xen frontend:
 *   output: load out_prod (acquire), read the bytes, store out_cons
 *           (release) so the guest reuses the space only after we read it;
 *   input:  load in_cons (acquire), write the bytes, store in_prod
 *           (release) so the guest sees the bytes before the index.
 * After either the caller notifies the guest's console event channel if
 * anything moved (the frontend waits for that when its ring was full).
 *
 * Locking: one caller at a time per page (the domain's console lock).
 */
#ifndef LARES_CONSOLE_RING_H
#define LARES_CONSOLE_RING_H

#include <lares/types.h>
#include <public/io/console.h>

/*
 * Consume up to @max bytes of guest output, handing them to @sink in
 * pieces (copied out of guest memory first, so @sink sees stable bytes).
 * Returns the number of bytes consumed (0: nothing pending), or -EIO if
 * out_prod - out_cons exceeds the ring size (nothing consumed; see
 * console_ring_discard_output).
 */
int console_ring_drain(struct xencons_interface *intf, u32 max,
                       void (*sink)(void *ctx, const char *buf, size_t len), void *ctx);

/* Bytes of guest output waiting to be drained, or -EIO if the indices are impossible. */
int console_ring_output_pending(const struct xencons_interface *intf);

/*
 * Recovery for a broken output ring: drop everything the guest claims to
 * have written (out_cons = out_prod), so a guest that recovers can go on.
 */
void console_ring_discard_output(struct xencons_interface *intf);

/*
 * Append up to @len input bytes to in[]. Returns how many fit (0 when the
 * ring is full: the guest has not read earlier input yet), or -EIO if
 * in_prod - in_cons exceeds the ring size (nothing written).
 */
int console_ring_write_input(struct xencons_interface *intf, const char *buf, u32 len);

#endif
