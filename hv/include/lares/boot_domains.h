/* Boot-time domains from "domain=" options (hv/common/boot_domains.c). */
#ifndef LARES_BOOT_DOMAINS_H
#define LARES_BOOT_DOMAINS_H

#include <lares/bootinfo.h>

/* How many domain= options the command line had. */
unsigned boot_domains_requested(void);

/* Free pages just before the first boot domain was built (0 before that). */
u64 boot_domains_free_before(void);

/* Build and start them; the hypervisor finishes when the last one has been destroyed. */
void boot_domains_start(const struct boot_info *bi);

/*
 * On the boot CPU: if there are boot-time domains, enable virtualisation,
 * start them and run the scheduler (never returns). Otherwise return.
 */
void boot_domains_run(const struct boot_info *bi);

#endif
