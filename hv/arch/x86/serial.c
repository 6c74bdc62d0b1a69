/*
 * Polled 16550 UART driver. Output spins on the transmit-holding-register
 * bit, so it is synchronous and never drops characters.
 */
#include <asm/io.h>
#include <asm/serial.h>

#define UART_THR 0 /* transmit holding (write) */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7

#define LSR_DR   0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

static u16 uart_port;

void serial_init(u16 port, u32 baud)
{
    u16 divisor = (u16)(115200 / (baud ? baud : 115200));

    /* A UART's scratch register holds what we write; an absent one floats. */
    outb(port + UART_SCR, 0x5a);
    if (inb(port + UART_SCR) != 0x5a)
        return;

    outb(port + UART_IER, 0x00);          /* no interrupts (polled) */
    outb(port + UART_LCR, 0x80);          /* DLAB on */
    outb(port + UART_DLL, divisor & 0xff);
    outb(port + UART_DLM, divisor >> 8);
    outb(port + UART_LCR, 0x03);          /* 8N1, DLAB off */
    outb(port + UART_FCR, 0xc7);          /* enable + clear FIFOs */
    outb(port + UART_MCR, 0x0b);          /* DTR, RTS, OUT2 */
    uart_port = port;
}

bool serial_present(void)
{
    return uart_port != 0;
}

void serial_putc(char c)
{
    if (!uart_port)
        return;
    while (!(inb(uart_port + UART_LSR) & LSR_THRE))
        __asm__ __volatile__("pause");
    outb(uart_port + UART_THR, (u8)c);
}

void serial_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            serial_putc('\r');
        serial_putc(buf[i]);
    }
}

int serial_getc(void)
{
    if (!uart_port || !(inb(uart_port + UART_LSR) & LSR_DR))
        return -1;
    return inb(uart_port + UART_RBR);
}
