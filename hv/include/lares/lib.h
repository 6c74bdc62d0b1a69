/*
 * Invariant checks. BUG_ON/ASSERT are for broken hypervisor invariants
 * only — never for anything a guest controls (crash the domain instead).
 * ASSERT is compiled in debug builds (NDEBUG unset, the default here).
 */
#ifndef LARES_LIB_H
#define LARES_LIB_H

#include <lares/compiler.h>
#include <lares/shutdown.h>

#define BUG() panic("BUG at %s:%d (%s)\n", __FILE__, __LINE__, __func__)
#define BUG_ON(cond)          \
    do {                      \
        if (unlikely(cond))   \
            panic("BUG_ON(%s) at %s:%d (%s)\n", #cond, __FILE__, __LINE__, __func__); \
    } while (0)

#ifdef NDEBUG
#define ASSERT(cond) do { (void)sizeof(cond); } while (0)
#else
#define ASSERT(cond)          \
    do {                      \
        if (unlikely(!(cond))) \
            panic("Assertion '%s' failed at %s:%d (%s)\n", #cond, __FILE__, __LINE__, __func__); \
    } while (0)
#endif

#endif
