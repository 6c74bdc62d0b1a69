/* Exception fixup table lookup (see asm/extable.h). */
#include <lares/errno.h>
#include <asm/extable.h>

extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];

/* A linear scan: the table is a handful of entries and only faults search it. */
u64 search_exception_table(u64 rip)
{
    for (const struct exception_table_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

int probe_read_u64(const void *addr, u64 *val)
{
    int rc;
    u64 v;

    __asm__ __volatile__("1: mov (%[addr]), %[v]\n"
                         "2:\n"
                         ".pushsection .text.fixup, \"ax\"\n"
                         "3: mov %[efault], %[rc]\n"
                         "   xor %[v], %[v]\n"
                         "   jmp 2b\n"
                         ".popsection\n" _ASM_EXTABLE(1b, 3b)
                         : [rc] "=r"(rc), [v] "=&r"(v)
                         : [addr] "r"(addr), [efault] "i"(-EFAULT), "0"(0));
    *val = v;
    return rc;
}
