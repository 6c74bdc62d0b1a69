/*
 * The smallest Multiboot 1 image: one line on COM1, then leave QEMU through
 * isa-debug-exit with Lares's "all well" code. The boot benchmarks time it
 * next to Lares to separate QEMU's own start-up cost from ours.
 */
#define MB1_MAGIC  0x1BADB002
#define MB1_FLAGS  0
#define COM1       0x3f8
#define LSR_THRE   0x20 /* line status: transmit holding register empty */
#define EXIT_PORT  0xf4
#define EXIT_OK    0x10 /* QEMU exits with status (0x10 << 1) | 1 = 33 */

        .section .multiboot, "a"
        .balign 4
        .long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)

        .text
        .code32
        .globl _start
_start:
        mov     $message, %esi
next:   lodsb
        test    %al, %al
        jz      done
        mov     %al, %bl
        mov     $COM1 + 5, %dx
wait:   inb     %dx, %al
        test    $LSR_THRE, %al
        jz      wait
        mov     $COM1, %dx
        mov     %bl, %al
        outb    %al, %dx
        jmp     next
done:   mov     $EXIT_PORT, %dx
        mov     $EXIT_OK, %eax
        outl    %eax, %dx
1:      cli
        hlt
        jmp     1b

        .section .rodata
message:
        .asciz  "trivial: booted\n"
