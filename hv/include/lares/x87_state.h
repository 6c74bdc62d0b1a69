/*
 * The x87 part of an FXSAVE/XSAVE legacy area (its first 160 bytes: FCW,
 * FSW, abridged FTW, FOP, FIP, FDP and ST0-ST7; MXCSR at 24-31 is SSE's).
 *
 * x87_area_is_init() says whether that part holds exactly what FNINIT
 * leaves when every ST register is also zero, so that the state can be
 * loaded without an x87 restore (FXRSTOR/XRSTOR of the x87 component). Under
 * QEMU's multi-threaded TCG such a restore on one vCPU corrupts CPU 0's SVM
 * state (docs/svm-under-qemu-notes.md, 1); the FPU switch avoids it when
 * it can.
 */
#ifndef LARES_X87_STATE_H
#define LARES_X87_STATE_H

#include <lares/types.h>

#define X87_LEGACY_BYTES 160

bool x87_area_is_init(const void *legacy_area);

#endif
