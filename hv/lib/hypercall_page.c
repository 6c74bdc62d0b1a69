/* Hypercall page contents (see lares/hypercall_page.h). */
#include <lares/hypercall_page.h>
#include <lares/string.h>

#define OP_MOV_EAX_IMM32 0xb8
#define OP_RET 0xc3
#define OP_INT3 0xcc

void hypercall_page_fill(void *page, enum hypercall_insn insn)
{
    /* Third byte of the 0f 01 xx trap instruction. */
    const u8 modrm = insn == HYPERCALL_VMCALL ? 0xc1 : 0xd9;
    u8 *p = page;

    /* Padding is INT3 so a call into the middle of a slot traps at once. */
    memset(p, OP_INT3, HYPERCALL_PAGE_SIZE);

    for (u32 nr = 0; nr < HYPERCALL_PAGE_SLOTS; nr++, p += HYPERCALL_STUB_SIZE) {
        if (nr == HYPERCALL_PAGE_IRET_SLOT) {
            p[0] = 0x0f; /* ud2 */
            p[1] = 0x0b;
            continue;
        }
        p[0] = OP_MOV_EAX_IMM32;
        p[1] = nr & 0xff;
        p[2] = (nr >> 8) & 0xff;
        p[3] = (nr >> 16) & 0xff;
        p[4] = (nr >> 24) & 0xff;
        p[5] = 0x0f;
        p[6] = 0x01;
        p[7] = modrm;
        p[8] = OP_RET;
    }
}
