/*
 * A bare-metal Multiboot program that prints every CPUID leaf the guest
 * CPUID policy reads, for unit-test data (scripts/capture-cpuid.sh). It
 * runs the same collector as the hypervisor (hv/lib/cpuid_table.c), then
 * leaves QEMU through isa-debug-exit with status 33.
 *
 * Output, one line per leaf: "CPUID leaf subleaf eax ebx ecx edx" in hex.
 */
#include <lares/cpuid_table.h>

#define MB1_MAGIC 0x1badb002u
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

__attribute__((section(".multiboot"), used, aligned(4))) static const u32 multiboot_header[3] = {
    MB1_MAGIC, 0, -MB1_MAGIC};

u8 stack[8192] __attribute__((aligned(16)));
static struct cpuid_table table;

extern u8 stack[8192];
void probe_main(void);

__asm__(".globl _start\n"
        "_start:\n"
        "    lea stack + 8192, %esp\n"
        "    call probe_main\n"
        "1:  hlt\n"
        "    jmp 1b\n");

static void outb(u16 port, u8 v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void putc_serial(char c)
{
    outb(COM1, (u8)c);
}

static void puts_serial(const char *s)
{
    while (*s)
        putc_serial(*s++);
}

static void put_hex(u32 v)
{
    static const char digits[] = "0123456789abcdef";

    putc_serial(' ');
    for (int shift = 28; shift >= 0; shift -= 4)
        putc_serial(digits[(v >> shift) & 0xf]);
}

static void cpuid_insn(u32 leaf, u32 subleaf, u32 r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(subleaf));
}

void probe_main(void)
{
    int rc = cpuid_table_collect(&table, cpuid_insn);

    for (unsigned int i = 0; i < table.nr; i++) {
        const struct cpuid_leaf *e = &table.l[i];
        puts_serial("CPUID");
        put_hex(e->leaf);
        put_hex(e->subleaf);
        put_hex(e->a);
        put_hex(e->b);
        put_hex(e->c);
        put_hex(e->d);
        putc_serial('\n');
    }
    puts_serial(rc ? "CPUID-PROBE TABLE FULL\n" : "CPUID-PROBE DONE\n");
    outb(DEBUG_EXIT_PORT, rc ? 0x11 : 0x10);
}
