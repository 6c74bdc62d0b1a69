/*
 * Fixed addresses and selectors of a test guest, shared by C and
 * assembly. See tests/guests/README.md for the whole memory layout.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define GUEST_LOAD_ADDR 0x100000 /* the image is linked and loaded here */

/* Identity map set up by head.S: [4 KiB, 1 GiB), page 0 left unmapped. */
#define IDENTITY_MAP_END 0x40000000

/* Virtual addresses at and above this are free for tests (map_page()). */
#define TEST_WINDOW_BASE 0x40000000

/* GDT selectors (head.S builds the table). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS 0x1b /* 0x18 | RPL 3 */
#define USER_DS 0x23 /* 0x20 | RPL 3 */
#define TSS_SEL 0x28

/* Vector of the DPL3 interrupt gate through which user code returns. */
#define USER_RETURN_VECTOR 0x81

#define GUEST_STACK_SIZE 16384

#endif
