/* Symbolised addresses and frame-pointer backtraces for fault reports. */
#include <lares/console.h>
#include <lares/format.h>
#include <lares/symtab.h>
#include <asm/extable.h>
#include <asm/traps.h>

extern const char __symtab_start[], __symtab_end[];

#define BACKTRACE_MAX_FRAMES 4096 /* frames walked */
#define BACKTRACE_MAX_LINES 48    /* distinct frames printed */

/* "name+off/size" for addr, named after the symbol containing lookup_addr. */
static const char *describe(u64 addr, u64 lookup_addr, char *buf, size_t size)
{
    struct symbol sym;

    if (!symtab_lookup(__symtab_start, (size_t)(__symtab_end - __symtab_start), lookup_addr, &sym))
        return "?";
    format(buf, size, "%s+0x%llx/0x%llx", sym.name, (unsigned long long)(addr - sym.start),
           (unsigned long long)sym.size);
    return buf;
}

const char *symbol_string(u64 addr, char *buf, size_t size)
{
    return describe(addr, addr, buf, size);
}

#define PROLOGUE 0xe5894855u /* push %rbp; mov %rsp,%rbp */
#define PROLOGUE_LEN 4

/* Length of "call *<modrm operand>" (opcode ff /2) from its ModRM and SIB bytes. */
static unsigned int indirect_call_length(u8 modrm, u8 sib)
{
    unsigned int mod = modrm >> 6, rm = modrm & 7, len = 2;

    if (mod == 3)
        return 2;
    if (rm == 4) {
        len++; /* SIB */
        if (mod == 0 && (sib & 7) == 5)
            len += 4;
    }
    if (mod == 0 && rm == 5)
        len += 4; /* disp32(%rip) */
    return len + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/*
 * Does a call instruction end just before ret? *target is the callee of a
 * direct call, 0 for an indirect one.
 */
static bool follows_call(u64 ret, u64 *target)
{
    u64 b; /* the 8 bytes before ret */

    if (probe_read_u64((const void *)(ret - 8), &b))
        return false;
#define BYTE_BEFORE(n) ((u8)(b >> (64 - 8 * (n))))
    *target = 0;
    if (BYTE_BEFORE(5) == 0xe8) {
        *target = ret + (u64)(s64)(s32)(b >> 32);
        return true;
    }
    for (unsigned int len = 2; len <= 7; len++) {
        u8 modrm = BYTE_BEFORE(len - 1), sib = len >= 3 ? BYTE_BEFORE(len - 2) : 0;

        if (BYTE_BEFORE(len) == 0xff && ((modrm >> 3) & 7) == 2 &&
            indirect_call_length(modrm, sib) == len)
            return true;
    }
    return false;
#undef BYTE_BEFORE
}

/*
 * The frame chain starts at the faulting function's caller only if that
 * function has pushed its frame. GCC gives leaf functions no frame at all,
 * and a fault can hit a prologue, so then the caller's return address is
 * at the top of the stack. It is certain if the instruction before it is a
 * direct call to the faulting function; after any other call it is only
 * likely (a tail call may be in between), and *certain says so.
 */
static bool frameless_caller(u64 rip, u64 rsp, u64 *ret, bool *certain)
{
    struct symbol sym;
    u64 code, slot, target;

    if (!symtab_lookup(__symtab_start, (size_t)(__symtab_end - __symtab_start), rip, &sym)) {
        /* Not in any function (a bad call or jump): its caller may have just pushed a return. */
        sym.start = rip;
        code = 0;
    } else if (probe_read_u64((const void *)sym.start, &code)) {
        return false;
    }
    if ((u32)code == PROLOGUE && rip - sym.start >= PROLOGUE_LEN)
        return false; /* the frame is set up: the chain covers the caller */
    slot = rsp + ((u32)code == PROLOGUE && rip != sym.start ? 8 : 0);
    if (probe_read_u64((const void *)slot, ret) || !follows_call(*ret, &target))
        return false;
    *certain = target == sym.start;
    return true;
}

/*
 * Each frame is [saved rbp][return address]. Frames are read with
 * probe_read_u64(), so a corrupt chain ends the walk instead of faulting,
 * and must move strictly up the stack, so a loop cannot go on forever.
 * A return address is named by the byte before it: after a call to a
 * noreturn function it may already be the next function's first byte.
 * Runs of the same return address (deep recursion) print as one line.
 * A "?" marks a caller that is likely but not certain.
 */
void show_backtrace(u64 rip, u64 rsp, u64 rbp)
{
    char buf[128];
    u64 last = 0, caller;
    unsigned int repeats = 0, lines = 0;
    bool certain;

    printk_level(LOG_ERR, "Backtrace:\n");
    printk_level(LOG_ERR, "  [<%016llx>] %s\n", (unsigned long long)rip,
                 symbol_string(rip, buf, sizeof(buf)));
    if (frameless_caller(rip, rsp, &caller, &certain))
        printk_level(LOG_ERR, "  [<%016llx>] %s%s\n", (unsigned long long)caller,
                     certain ? "" : "? ", describe(caller, caller - 1, buf, sizeof(buf)));

    for (unsigned int n = 0; n < BACKTRACE_MAX_FRAMES && rbp; n++) {
        u64 next, ret;

        if ((rbp & 7) || probe_read_u64((const void *)rbp, &next) ||
            probe_read_u64((const void *)(rbp + 8), &ret) || !ret)
            break;
        if (ret == last) {
            repeats++;
        } else {
            if (repeats)
                printk_level(LOG_ERR, "  ... the same frame %u more times\n", repeats);
            repeats = 0;
            if (++lines > BACKTRACE_MAX_LINES)
                break;
            printk_level(LOG_ERR, "  [<%016llx>] %s\n", (unsigned long long)ret,
                         describe(ret, ret - 1, buf, sizeof(buf)));
            last = ret;
        }
        if (next <= rbp)
            break;
        rbp = next;
    }
    if (repeats)
        printk_level(LOG_ERR, "  ... the same frame %u more times\n", repeats);
}
