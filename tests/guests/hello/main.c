/*
 * hello: the smallest test guest. Proves that the hypervisor loads a PVH
 * ELF at its physical address, enters it at the PHYS32_ENTRY note, lets it
 * reach long mode, shows its console output (console_io) and ends the
 * domain on SCHEDOP_shutdown(poweroff). Runs on bare QEMU too.
 */
#include <guest.h>

const char test_title[] = "hello: boot, print, shut down";

void test_main(void)
{
    printk("Hello from a Lares test guest\n");
    test_success();
}
