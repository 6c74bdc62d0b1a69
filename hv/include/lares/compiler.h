/* Compiler helpers shared by hypervisor and host-built code. */
#ifndef LARES_COMPILER_H
#define LARES_COMPILER_H

#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#ifndef __packed
#define __packed      __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(n)  __attribute__((aligned(n)))
#endif
#ifndef __noreturn
#define __noreturn    __attribute__((noreturn))
#endif
#ifndef __unused
#define __unused      __attribute__((unused))
#endif
#ifndef __used
#define __used        __attribute__((used))
#endif
#ifndef __section
#define __section(s)  __attribute__((section(s)))
#endif
#ifndef __printf
#define __printf(a, b) __attribute__((format(printf, a, b)))
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline    __attribute__((noinline))
#endif
#ifndef __weak
#define __weak        __attribute__((weak))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef BUILD_BUG_ON
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)
#endif

#ifndef container_of
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#endif

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

#ifndef ROUNDUP
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#endif
#ifndef ROUNDDOWN
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#endif
#ifndef IS_ALIGNED
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#endif
#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#endif

#ifndef READ_ONCE
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#endif
#ifndef barrier
#define barrier()        __asm__ __volatile__("" ::: "memory")
#endif

#ifndef STRINGIFY_
#define STRINGIFY_(x) #x
#endif
#ifndef STRINGIFY
#define STRINGIFY(x) STRINGIFY_(x)
#endif

#endif
