/* pram — every compile-time option, in one place, with its default.
 *
 * Override an option with -DOPTION=value, or put your overrides in a header
 * and build with -DPRAM_USER_CONFIG='"my_pram_config.h"'.  The library and
 * every translation unit that includes pram headers must see the same values.
 */
#ifndef PRAM_CONFIG_H
#define PRAM_CONFIG_H

#ifdef PRAM_USER_CONFIG
#  include PRAM_USER_CONFIG
#endif

#include "pram_compiler.h"

/* ---- CRC implementations ------------------------------------------------ */

#define PRAM_CRC_BITWISE 1 /* no table; smallest, slowest                */
#define PRAM_CRC_NIBBLE 2  /* 16-entry table (32 B for CRC-16)            */
#define PRAM_CRC_BYTE 3    /* 256-entry table (512 B for CRC-16)          */
#define PRAM_CRC_HW 4      /* user hook PRAM_CRC16_HW(crc, data, len)     */

/* CRC-16/CCITT-FALSE, used by every container header and buffer record.
 * Nibble is the default: on Cortex-M4 (published AceCRC figures, cycles per
 * byte) bitwise 118, nibble 19, byte 12 - six times bitwise for 32 B of table,
 * where the byte table costs 512 B.  On x86-64 the gaps are smaller (make
 * bench: nibble ~1.35x bitwise, byte ~2.7x). */
#ifndef PRAM_CRC16_IMPL
#  define PRAM_CRC16_IMPL PRAM_CRC_NIBBLE
#endif

/* CRC-32/ISO-HDLC (zlib's crc32()).  HW is not offered for it. */
#ifndef PRAM_CRC32_IMPL
#  define PRAM_CRC32_IMPL PRAM_CRC_NIBBLE
#endif

/* With PRAM_CRC16_IMPL == PRAM_CRC_HW, define PRAM_CRC16_HW(crc, data, len)
 * to an expression returning the CRC-16/CCITT-FALSE of data continued from
 * crc (poly 0x1021, not reflected).  It must be safe to call from a fault
 * handler (no locks, no DMA waits without a bound). */

/* Build every CRC variant (tests compare them); the one selected above is
 * still the one pram_crc16()/pram_crc32() use. */
#ifndef PRAM_CRC_ALL_VARIANTS
#  define PRAM_CRC_ALL_VARIANTS 0
#endif

/* ---- Features: turn off what you do not use, for size -------------------- */

/* A/B (double-buffered) cells.  Buffers need them for their control block:
 * with 0, pram_buf_open and every buffer call return PRAM_ERR_DESC. */
#ifndef PRAM_ENABLE_AB
#  define PRAM_ENABLE_AB 1
#endif

/* Regions with a restricted access width (registers).  Off: only ordinary
 * memory (addresses, or width-0 regions); a width-restricted region is
 * refused with PRAM_ERR_ACCESS. */
#ifndef PRAM_ENABLE_REGIONS
#  define PRAM_ENABLE_REGIONS 1
#endif

/* ---- Containers --------------------------------------------------------- */

#define PRAM_SINGLE 1 /* one slot: torn write reads invalid                */
#define PRAM_AB 2     /* two slots + sequence: torn write keeps the old value */

/* Commit mode used by PRAM_CELL_DEFINE when none is given.  A/B by default:
 * keeping the last good value through a reset mid-write is the point of the
 * library; choose PRAM_SINGLE where RAM is scarcer than that guarantee
 * (backup registers). */
#ifndef PRAM_DEFAULT_MODE
#  define PRAM_DEFAULT_MODE PRAM_AB
#endif

/* Largest cell value, in bytes.  CRC-16/CCITT-FALSE keeps Hamming distance 4
 * (every 1-, 2- and 3-bit error detected) up to 4093 bytes of covered data;
 * the layout word (and padding) adds up to 8.  Raise up to 8187 knowingly
 * (the layout word has 13 bits for it and the 4 padding bytes of 8-aligned types): beyond ~4 KiB only odd numbers of
 * bit errors are guaranteed to be caught. */
#ifndef PRAM_CELL_MAX_SIZE
#  define PRAM_CELL_MAX_SIZE 4080u
#endif
#if PRAM_CELL_MAX_SIZE > 8187
#  error "PRAM_CELL_MAX_SIZE is at most 8187 (13 bits of the slot's layout word hold size + 4)"
#endif

/* Largest buffer record payload, in bytes (same CRC-16 reasoning; at most
 * 65532, so that an erased length field, 0xFFFF, never fits). */
#ifndef PRAM_RECORD_MAX_SIZE
#  define PRAM_RECORD_MAX_SIZE 4080u
#endif
#if PRAM_RECORD_MAX_SIZE > 65532
#  error "PRAM_RECORD_MAX_SIZE is at most 65532"
#endif

/* Containers pram_migrate() keeps track of across firmware updates (1-255).
 * The system area first in .noinit takes 72 + 8 x this many bytes; changing
 * it changes that area, and the one update that does so keeps nothing. */
#ifndef PRAM_MIGRATE_CAPACITY
#  define PRAM_MIGRATE_CAPACITY 16u
#endif

/* ---- Hooks --------------------------------------------------------------- */

/* Raw exact-width accesses to persistent memory.  The store primitive
 * (src/pram_mem.c) is the only code that calls the STORE macros.  Override
 * them for memory that needs special access (or for an emulated device). */
#ifndef PRAM_HW_STORE32
#  define PRAM_HW_STORE32(addr, v) (*(volatile uint32_t *)(addr) = (uint32_t)(v))
#endif
#ifndef PRAM_HW_STORE16
#  define PRAM_HW_STORE16(addr, v) (*(volatile uint16_t *)(addr) = (uint16_t)(v))
#endif
#ifndef PRAM_HW_STORE8
#  define PRAM_HW_STORE8(addr, v) (*(volatile uint8_t *)(addr) = (uint8_t)(v))
#endif
#ifndef PRAM_HW_LOAD32
#  define PRAM_HW_LOAD32(addr) (*(const volatile uint32_t *)(addr))
#endif
#ifndef PRAM_HW_LOAD16
#  define PRAM_HW_LOAD16(addr) (*(const volatile uint16_t *)(addr))
#endif
#ifndef PRAM_HW_LOAD8
#  define PRAM_HW_LOAD8(addr) (*(const volatile uint8_t *)(addr))
#endif

/* Called after every commit point (and by pram_barrier()), so that committed
 * stores reach memory before anything else happens, e.g. a requested reset.
 * Default: DSB on Cortex-M, a compiler barrier elsewhere. */
#ifndef PRAM_BARRIER
#  define PRAM_BARRIER() PRAM_DSB()
#endif

/* Called with the address and length of every container span just committed
 * in byte-addressable memory, before PRAM_BARRIER().  Default: nothing.  Parts
 * whose persistent RAM sits behind a data cache (STM32H7/N6 BKPSRAM unless
 * the MPU marks it non-cacheable) define it to clean those lines, e.g.
 *   #define PRAM_CACHE_CLEAN(addr, len) SCB_CleanDCache_by_Addr((void *)(addr), (int32_t)(len))
 * (CMSIS wants 32-byte aligned ranges: round addr down and len up). */
#ifndef PRAM_CACHE_CLEAN
#  define PRAM_CACHE_CLEAN(addr, len) ((void)(addr), (void)(len))
#endif

/* Critical section around every call that writes persistent memory (cell
 * set, invalidate, edit begin and commit; every buffer call that writes), so
 * that an ISR that writes the same container waits until the call is done.
 * Default: none.  Set PRAM_CRITICAL to
 *   PRAM_CRITICAL_PRIMASK  Cortex-M: mask every configurable interrupt
 *                          (saves and restores PRIMASK, so calls nest);
 *   PRAM_CRITICAL_BASEPRI  Armv7-M/Armv8-M Mainline: mask priorities at or
 *                          below PRAM_CRITICAL_BASEPRI_LEVEL (a raw BASEPRI
 *                          value, e.g. 5 << (8 - __NVIC_PRIO_BITS)); more
 *                          urgent interrupts must not touch pram;
 * or define PRAM_CRITICAL_ENTER() (returns a uint32_t state) and
 * PRAM_CRITICAL_EXIT(state) for an RTOS or another CPU.  Without one,
 * docs/design.md ("Interrupts and faults") lists what to serialize. */
#define PRAM_CRITICAL_NONE 0
#define PRAM_CRITICAL_PRIMASK 1
#define PRAM_CRITICAL_BASEPRI 2
#ifndef PRAM_CRITICAL
#  define PRAM_CRITICAL PRAM_CRITICAL_NONE
#endif
#ifndef PRAM_CRITICAL_ENTER
#  if PRAM_CRITICAL == PRAM_CRITICAL_PRIMASK
#    define PRAM_CRITICAL_ENTER() pram__primask_enter()
#    define PRAM_CRITICAL_EXIT(state) pram__primask_exit(state)
#  elif PRAM_CRITICAL == PRAM_CRITICAL_BASEPRI
#    ifndef PRAM_CRITICAL_BASEPRI_LEVEL
#      error "PRAM_CRITICAL_BASEPRI needs PRAM_CRITICAL_BASEPRI_LEVEL"
#    endif
#    define PRAM_CRITICAL_ENTER() pram__basepri_enter(PRAM_CRITICAL_BASEPRI_LEVEL)
#    define PRAM_CRITICAL_EXIT(state) pram__basepri_exit(state)
#  else
#    define PRAM_CRITICAL_ENTER() 0u
#    define PRAM_CRITICAL_EXIT(state) ((void)(state))
#  endif
#  if PRAM_CRITICAL != PRAM_CRITICAL_NONE && \
      !(defined(__GNUC__) && defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M')
#    error "PRAM_CRITICAL_PRIMASK/BASEPRI need GCC or Clang for Cortex-M: define PRAM_CRITICAL_ENTER/EXIT"
#  endif
#  if PRAM_CRITICAL == PRAM_CRITICAL_BASEPRI && defined(__ARM_ARCH_6M__)
#    error "Armv6-M (Cortex-M0/M0+) has no BASEPRI: use PRAM_CRITICAL_PRIMASK"
#  endif
#endif

/* The reset-cause port pram_reboot_boot() reads (pram_reboot.h lists them:
 * pram_reset_port_stm32f4, _nrf52, _rp2040, _samd51, ...).  Default: none,
 * which reports only what pram itself knows (marks, crashes, cold RAM). */
#ifndef PRAM_RESET_PORT
#  define PRAM_RESET_PORT pram_reset_port_none
#endif

/* Test hook on the store primitive, off by default.  When defined,
 * PRAM_STORE_HOOK(region, pos, old, value_ptr) runs before each 32-bit store
 * (region/pos: the location as containers see it; old: its current contents;
 * *value_ptr may be altered to simulate a torn word) and returns non-zero to
 * cut power right after that store, by calling PRAM_POWER_CUT(), which must
 * not return (tests longjmp back to their boot routine).  A longjmp leaves
 * any PRAM_CRITICAL_ENTER state of your own (a lock) taken: reset it in the
 * boot routine, as a real reset would.  pram/pram_sim.h packages all this. */
/* #define PRAM_STORE_HOOK(region, pos, old, value_ptr) my_hook(region, pos, old, value_ptr) */
/* #define PRAM_POWER_CUT() my_longjmp_to_boot() */

/* Reports API misuse that cannot be returned as an error code: an edit scope
 * left by return/goto/break (GCC/Clang only).  Default: trap in debug builds,
 * nothing with NDEBUG.  'what' is a negative PRAM_ERR_* code. */
#ifndef PRAM_MISUSE
#  ifdef NDEBUG
#    define PRAM_MISUSE(what) ((void)(what))
#  else
#    define PRAM_MISUSE(what) ((void)(what), PRAM_TRAP())
#  endif
#endif

#endif /* PRAM_CONFIG_H */
