/* Per-CPU bookkeeping and the boot CPU's own state. */
#include <lares/compiler.h>
#include <asm/desc.h>
#include <asm/percpu.h>

struct cpu_info *cpu_info[MAX_CPUS];
unsigned int nr_cpus;

extern char boot_stack_top[];

/* The boot CPU's tables are static: it needs them before memory management exists. */
static struct cpu_info boot_cpu_info;
static struct cpu_tables boot_cpu_tables;
static u8 boot_ist_stacks[IST_COUNT][IST_STACK_SIZE] __aligned(16);

void percpu_init_boot(void)
{
    boot_cpu_info.id = 0;
    boot_cpu_info.online = true;
    boot_cpu_info.stack_top = boot_stack_top;
    for (unsigned int i = 0; i < IST_COUNT; i++)
        boot_cpu_tables.ist_stack[i] = boot_ist_stacks[i];
    boot_cpu_info.tables = &boot_cpu_tables;

    idt_init();
    cpu_init_tables(&boot_cpu_info);
    cpu_info[0] = &boot_cpu_info;
    nr_cpus = 1;
}
