/* 16550 UART on the legacy COM ports. */
#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <lares/types.h>

#define COM1_PORT 0x3f8
#define COM2_PORT 0x2f8

void serial_init(u16 port, u32 baud);
void serial_putc(char c);
void serial_write(const char *buf, size_t len);
/* Non-blocking read: returns a byte, or -1 if none is waiting. */
int serial_getc(void);
bool serial_present(void);

#endif
