/*
 * port_e9: bytes the guest writes to I/O port 0xE9 (Xen's HVM debug port,
 * Bochs/QEMU's debugcon) must appear in the domain's log. The guest
 * writes a unique token with OUTB only, never through console_io; the
 * harness checks that the token shows up (on bare QEMU in the -debugcon
 * output). The guest cannot observe this itself, so it always reports
 * SUCCESS after writing.
 */
#include <guest.h>

const char test_title[] = "port_e9: OUTB to port 0xE9 reaches the log";

#define TOKEN "LARES-E9-TOKEN-7c41d2"

void test_main(void)
{
    static const char line[] = "port_e9 says " TOKEN "\n";

    for (unsigned int i = 0; i < sizeof(line) - 1; i++)
        outb(DEBUG_PORT, (u8)line[i]);
    printk("wrote the token through port 0xe9\n");
    test_success();
}
