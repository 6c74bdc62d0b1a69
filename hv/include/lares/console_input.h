/*
 * The console service: serial input, its focus, debug keys, and keeping
 * guests' console output flowing.
 *
 * A periodic timer on the boot CPU (every CONSOLE_SERVICE_PERIOD) reads the
 * serial line -- polled: the UART's interrupt is not routed anywhere yet --
 * and hands each byte to the focus (lares/console_focus.h): Ctrl-A three
 * times cycles hypervisor -> each domain -> hypervisor, announced on the
 * console; while a domain has the focus its bytes go into its PV console
 * ring; while the hypervisor has it, each byte is a debug key
 * (lares/debug_keys.h; 'h' lists them). The same timer drains every
 * domain's console ring (a guest that never notifies still gets its output
 * shown) and shows unfinished lines that have waited long enough (a shell
 * prompt). Once the boot domains are built the focus moves to the first of
 * them, so a person lands in its console.
 */
#ifndef LARES_CONSOLE_INPUT_H
#define LARES_CONSOLE_INPUT_H

#include <lares/debug_keys.h>
#include <lares/time.h>
#include <lares/types.h>

#define CONSOLE_SERVICE_PERIOD MILLISECS(10)

/* Boot CPU, once timers work and before domains are built. */
void console_service_start(void);

/* After the boot domains were built: give the first of them the input focus. */
void console_input_focus_first(void);

/* Domain @domid is gone for good: the focus moves on if it had it. */
void console_input_domain_gone(u16 domid);
/* Domain @old was restarted as @new: the focus follows it. */
void console_input_domain_replaced(u16 old, u16 new);

/* Debug keys (boot time): see debug_keys_register() for the rules. */
int register_debug_key(unsigned char key, debug_key_fn fn, void *ctx, const char *desc);

#endif
