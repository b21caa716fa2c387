/* pram — compiler differences, isolated here and nowhere else.
 *
 * Every attribute, section name or builtin the library needs is spelled once
 * in this file, per compiler: GCC, Clang, IAR and Arm Compiler 6 (armclang).
 * Anything else falls back to portable C99 with reduced diagnostics.
 */
#ifndef PRAM_COMPILER_H
#define PRAM_COMPILER_H

#include <stdint.h>

#if defined(__IAR_SYSTEMS_ICC__)
#  define PRAM_COMPILER_IAR 1
#elif defined(__ARMCC_VERSION) && (__ARMCC_VERSION >= 6000000)
#  define PRAM_COMPILER_ARMCLANG 1
#elif defined(__clang__)
#  define PRAM_COMPILER_CLANG 1
#elif defined(__GNUC__)
#  define PRAM_COMPILER_GCC 1
#endif

#if defined(PRAM_COMPILER_GCC) || defined(PRAM_COMPILER_CLANG) || defined(PRAM_COMPILER_ARMCLANG)
#  define PRAM_GNU_ATTRIBUTES 1
#endif

/* PRAM_NOINIT: place an object where startup code neither copies nor zeroes it.
 *
 * GCC emits ".noinit" as NOBITS and refuses initialisers there; Clang emits it
 * as PROGBITS, which is why the linker fragments in ld/ mark the output section
 * (NOLOAD) whatever the compiler.  armclang's convention is ".bss.noinit" in an
 * UNINIT execution region; IAR has its own keyword.  Non-ELF hosts (tests on
 * macOS, Windows) get ordinary zero-initialised storage: the host backend does
 * not rely on .noinit for persistence.
 * Override by defining PRAM_NOINIT before including any pram header. */
#ifndef PRAM_NOINIT
#  if defined(PRAM_COMPILER_IAR)
#    define PRAM_NOINIT __no_init
#  elif defined(PRAM_COMPILER_ARMCLANG)
#    define PRAM_NOINIT __attribute__((section(".bss.noinit")))
#  elif defined(PRAM_GNU_ATTRIBUTES) && defined(__ELF__)
#    define PRAM_NOINIT __attribute__((section(".noinit")))
#  else
#    define PRAM_NOINIT
#  endif
#endif

/* PRAM_NOINIT_NAMED(tag): a ".noinit.<tag>" input section, so a linker script
 * can order containers explicitly (layouts that must not drift). */
#ifndef PRAM_NOINIT_NAMED
#  if defined(PRAM_GNU_ATTRIBUTES) && defined(__ELF__) && !defined(PRAM_COMPILER_ARMCLANG)
#    define PRAM_NOINIT_NAMED(tag) __attribute__((section(".noinit." #tag)))
#  else
#    define PRAM_NOINIT_NAMED(tag) PRAM_NOINIT
#  endif
#endif

#if defined(PRAM_GNU_ATTRIBUTES)
#  define PRAM_ALWAYS_INLINE __inline__ __attribute__((always_inline))
#  define PRAM_NOINLINE __attribute__((noinline))
#  define PRAM_ALIGNED(n) __attribute__((aligned(n)))
#  define PRAM_MAY_ALIAS __attribute__((may_alias))
#  define PRAM_MAYBE_UNUSED __attribute__((unused))
#  define PRAM_LIKELY(x) __builtin_expect(!!(x), 1)
#  define PRAM_UNLIKELY(x) __builtin_expect(!!(x), 0)
#  define PRAM_COMPILER_BARRIER() __asm__ __volatile__("" ::: "memory")
#  define PRAM_TRAP() __builtin_trap()
   /* Runs fn(&var) when var goes out of scope: used only to *diagnose* an
    * edit scope left by return/goto/break, never to commit. */
#  define PRAM_SCOPE_GUARD(fn) __attribute__((cleanup(fn)))
#  define PRAM_HAVE_SCOPE_GUARD 1
#elif defined(PRAM_COMPILER_IAR)
#  define PRAM_ALWAYS_INLINE _Pragma("inline=forced") inline
#  define PRAM_NOINLINE _Pragma("inline=never")
#  define PRAM_ALIGNED(n) _Pragma("data_alignment=" #n)
#  define PRAM_MAY_ALIAS
#  define PRAM_MAYBE_UNUSED
#  define PRAM_LIKELY(x) (x)
#  define PRAM_UNLIKELY(x) (x)
#  define PRAM_COMPILER_BARRIER() __asm volatile("" ::: "memory")
#  define PRAM_TRAP() __asm volatile("udf #0")
#  define PRAM_SCOPE_GUARD(fn)
#else
#  define PRAM_ALWAYS_INLINE inline
#  define PRAM_NOINLINE
#  define PRAM_ALIGNED(n)
#  define PRAM_MAY_ALIAS
#  define PRAM_MAYBE_UNUSED
#  define PRAM_LIKELY(x) (x)
#  define PRAM_UNLIKELY(x) (x)
#  define PRAM_COMPILER_BARRIER() ((void)0)
#  define PRAM_TRAP() ((void)(*(volatile int *)0 = 0))
#  define PRAM_SCOPE_GUARD(fn)
#endif

/* Data synchronisation barrier: on Cortex-M a DSB makes buffered stores
 * reach memory before the next instruction, e.g. the AIRCR write that resets.
 * Elsewhere a compiler barrier (host memory is coherent for our purposes). */
#if defined(PRAM_GNU_ATTRIBUTES) && defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
#  define PRAM_DSB() __asm__ __volatile__("dsb 0xF" ::: "memory")
#elif defined(PRAM_COMPILER_IAR) && defined(__ARM_PROFILE_M__)
#  define PRAM_DSB() __asm volatile("dsb" ::: "memory")
#else
#  define PRAM_DSB() PRAM_COMPILER_BARRIER()
#endif

/* Interrupt masking for PRAM_CRITICAL (pram_config.h): the previous state is
 * returned and restored, so critical sections nest. */
#if defined(PRAM_GNU_ATTRIBUTES) && defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
static __inline__ __attribute__((always_inline)) uint32_t pram__primask_enter(void)
{
    uint32_t s;
    __asm__ __volatile__("mrs %0, primask\n\tcpsid i" : "=r"(s)::"memory");
    return s;
}
static __inline__ __attribute__((always_inline)) void pram__primask_exit(uint32_t s)
{
    __asm__ __volatile__("msr primask, %0" ::"r"(s) : "memory");
}
#  if defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || \
      defined(__ARM_ARCH_8_1M_MAIN__)
static __inline__ __attribute__((always_inline)) uint32_t pram__basepri_enter(uint32_t level)
{
    uint32_t s;
    __asm__ __volatile__("mrs %0, basepri\n\tmsr basepri_max, %1" : "=&r"(s) : "r"(level) : "memory");
    return s;
}
static __inline__ __attribute__((always_inline)) void pram__basepri_exit(uint32_t s)
{
    __asm__ __volatile__("msr basepri, %0" ::"r"(s) : "memory");
}
#  endif
#endif

/* Compile-time assertion usable at file and block scope in C99 and C++. */
#if (defined(__cplusplus) && __cplusplus >= 201103L) || (defined(_MSVC_LANG) && _MSVC_LANG >= 201103L)
#  define PRAM_STATIC_ASSERT(cond, msg) static_assert(cond, #msg)
#elif defined(__STDC_VERSION__) && (__STDC_VERSION__ >= 201112L)
#  define PRAM_STATIC_ASSERT(cond, msg) _Static_assert(cond, #msg)
#else
/* msg must be an identifier unique in its scope: it names the typedef. */
#  define PRAM_STATIC_ASSERT(cond, msg) typedef char pram_static_assert_##msg[(cond) ? 1 : -1] PRAM_MAYBE_UNUSED
#endif

/* C and C++ alike, in code the headers' macros expand in user code: the
 * null pointer (nullptr from C++11, which -Wzero-as-null-pointer-constant
 * accepts; NULL from <stddef.h> otherwise), and the language linkage of the
 * objects PRAM_CELL_DECLARE declares (C, so that a cell defined in a .c file
 * is the same object in a .cpp file, whatever namespace declares it). */
#if (defined(__cplusplus) && __cplusplus >= 201103L) || (defined(_MSVC_LANG) && _MSVC_LANG >= 201103L)
#  define PRAM__NULL nullptr
#else
#  define PRAM__NULL NULL
#endif
#ifdef __cplusplus
#  define PRAM__EXTERN extern "C"
#else
#  define PRAM__EXTERN extern
#endif

#endif /* PRAM_COMPILER_H */
