/* pram — Cortex-M crash capture: fault handlers and assertions that commit
 * a crash into the reboot record (pram_reboot.h), optionally log one line,
 * then reset.
 *
 * Routing the vector table (GCC or Clang, Cortex-M0/M0+/M3/M4/M7/M23/M33):
 *
 *   #include "pram/pram_fault.h"
 *   PRAM_FAULT_HANDLERS();         // at file scope in one .c file of the firmware
 *
 * defines the CMSIS names HardFault_Handler, and on Armv7-M/Armv8-M Mainline
 * MemManage_Handler, BusFault_Handler, UsageFault_Handler (and on Armv8-M
 * Mainline SecureFault_Handler), each one branch (file-scope assembly) to
 * the library's entry.  They override the weak defaults of a CMSIS
 * startup file.  A vector table
 * written by hand names the entries directly instead:
 *
 *   [3] = pram_fault_hardfault, [4] = pram_fault_memmanage,
 *   [5] = pram_fault_busfault,  [6] = pram_fault_usagefault,
 *   [7] = pram_fault_securefault                       // Armv8-M Mainline
 *
 * or the link aliases them: -Wl,--defsym=HardFault_Handler=pram_fault_hardfault.
 * Without SHCSR.MEMFAULTENA/BUSFAULTENA/USGFAULTENA (and SECUREFAULTENA)
 * every fault arrives as a HardFault; the capture works either way (the
 * escalated cause is still in CFSR).
 *
 * Then, once at boot, give it the RAM it may read stacks from and a log
 * (both optional, see below), and report the crash from pram_reboot_boot():
 *
 *   pram_fault_set_log(&crash_log);             // opened buffer, or none
 *   const pram_reboot_report_t *r = pram_reboot_boot();
 *   if (r->reason == PRAM_REBOOT_FAULT)
 *       print(pram_fault_reason_name(r->crash.reason), r->crash.pc, ...);
 *   PRAM_ASSERT(len <= sizeof buf);             // anywhere: noreturn on failure
 *
 * What a fault does, in the handler (no malloc, no locks, no libc, bounded):
 *   1. the entry (naked, one shared by all faults) takes the exception frame
 *      from MSP or PSP as EXC_RETURN bit 2 says (on Armv8-M with -mcmse,
 *      from the Non-secure stacks when EXC_RETURN.S is 0), moves MSP to a
 *      stack of its own (PRAM_FAULT_STACK_SIZE bytes: the fault may be a
 *      stack overflow; Armv8-M: MSPLIM is cleared first) and calls
 *      pram_fault_capture(frame, exc_return) (src/pram_fault_shim.c);
 *   2. it reads CFSR, HFSR, MMFAR, BFAR (Armv7-M/Armv8-M Mainline), SFSR,
 *      SFAR (Armv8-M Mainline) and IPSR, decodes the reason, and reads the
 *      stacked r0-r3, r12, lr, pc, xPSR and PRAM_CRASH_STACK_WORDS words of
 *      the stack above the frame, but only from inside the RAM range (see
 *      PRAM_FAULT_RAM_START); a frame outside it, or one the hardware
 *      failed to stack (STKERR, MSTKERR, UNSTKERR, MUNSTKERR, STKOF), is not
 *      read: PRAM_CRASH_FRAME stays clear and the registers are 0;
 *   3. pram_reboot_crash(): the first unacknowledged crash is kept, later
 *      ones are only counted;
 *   4. with a log: pram_buf_takeover() (the fault may have interrupted an
 *      append or a streamed record on it: abandoned as a reset would), then
 *      one line, e.g.
 *        fault PRECISERR pc=0x00000a3c lr=0x00000a1b sp=0x2000ffd0 addr=0xa0000000
 *        assert file=0x5c0f7e12 line=87 pc=0x00000b40 lr=0x00000a1b sp=0x2000ffe8
 *      (" addr=" when BFAR/MMFAR/SFAR is valid for the reason; " abandoned=1"
 *      when takeover abandoned something);
 *   5. PRAM_BARRIER(), then PRAM_FAULT_RESET() (SYSRESETREQ), never returns.
 * A fault inside steps 2-5 (a bug, or a wild log handle) resets at once:
 * what was committed stays.
 *
 * On the host (no Cortex-M) only the pure parts are compiled with a meaning:
 * pram_fault_fill / pram_fault_decode are what the handler uses, so the
 * decoding is tested there; the entries and register reads do not exist,
 * and the reset calls the hook set with pram_fault_set_reset_hook() (then
 * traps).
 *
 * IAR and Arm Compiler 5: the entries are GNU inline assembly; set
 * PRAM_FAULT_ENTRIES to 0 and write the entry in your assembler as step 1
 * says (r0 = MSP or PSP per EXC_RETURN bit 2, r1 = EXC_RETURN, a fresh
 * stack, then BL pram_fault_capture); assertions then use C versions.
 * Arm Compiler 6 (armclang) takes the GNU syntax as is. */
#ifndef PRAM_FAULT_H
#define PRAM_FAULT_H

#include <stdint.h>

#include "pram_buf.h"
#include "pram_config.h"
#include "pram_reboot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Compiler and core --------------------------------------------------- */

#if defined(PRAM_GNU_ATTRIBUTES)
#  define PRAM_FAULT_NORETURN __attribute__((noreturn))
#  define PRAM_FAULT_RETURN_ADDRESS() __builtin_return_address(0)
#else
#  define PRAM_FAULT_NORETURN
#  define PRAM_FAULT_RETURN_ADDRESS() ((void *)0)
#endif

/* 1 when compiling for a Cortex-M core (any profile-M target). */
#if defined(__ARM_ARCH_PROFILE) && (__ARM_ARCH_PROFILE == 'M')
#  define PRAM_FAULT_CORTEX_M 1
#  if defined(__ARM_ARCH_ISA_THUMB) && (__ARM_ARCH_ISA_THUMB >= 2)
#    define PRAM_FAULT_MAINLINE 1 /* Armv7-M, Armv7E-M, Armv8-M Mainline: CFSR & co */
#  else
#    define PRAM_FAULT_MAINLINE 0 /* Armv6-M, Armv8-M Baseline: HardFault only    */
#  endif
#  if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#    define PRAM_FAULT_V8M_MAIN 1 /* SecureFault, SFSR/SFAR, MSPLIM             */
#  else
#    define PRAM_FAULT_V8M_MAIN 0
#  endif
#else
#  define PRAM_FAULT_CORTEX_M 0
#  define PRAM_FAULT_MAINLINE 0
#  define PRAM_FAULT_V8M_MAIN 0
#endif

/* The naked entries (GCC, Clang, armclang on Cortex-M). */
#ifndef PRAM_FAULT_ENTRIES
#  if PRAM_FAULT_CORTEX_M && defined(PRAM_GNU_ATTRIBUTES)
#    define PRAM_FAULT_ENTRIES 1
#  else
#    define PRAM_FAULT_ENTRIES 0
#  endif
#endif

/* ---- Configuration (pram_config.h's PRAM_USER_CONFIG, or -D) ------------- */

/* Bytes of the stack the entries move to (in .bss, 8-aligned, at least
 * 256): the fault entry moves MSP there, an assertion its current sp.
 * 0: stay on the stack the fault or
 * assertion came in on (saves the RAM; a stack overflow on MSP then locks
 * up, and an assertion needs that much room on its caller's stack).
 * Measured depth of the capture path (arm-none-eabi-gcc 12, -fcallgraph-
 * info): -Os or -O2, 510-600 B without a log, 720-790 B with one (M0+ the
 * most); -O0 up to 1360 B, hence 1536 there by default. */
#ifndef PRAM_FAULT_STACK_SIZE
#  if defined(__OPTIMIZE__) || !defined(PRAM_GNU_ATTRIBUTES)
#    define PRAM_FAULT_STACK_SIZE 1024
#  else
#    define PRAM_FAULT_STACK_SIZE 1536
#  endif
#endif

/* Where stacks may be read: [PRAM_FAULT_RAM_START, PRAM_FAULT_RAM_END), two
 * expressions evaluated in the handler.  pram_fault_set_ram() at run time
 * overrides them.  Default: the linker symbols pram_fault_ram_start and
 * pram_fault_ram_end, weak, which a linker script defines, e.g.
 *     pram_fault_ram_start = ORIGIN(RAM);
 *     pram_fault_ram_end = ORIGIN(RAM) + LENGTH(RAM);
 * If neither is given (the symbols are then 0), nothing is read: crashes
 * are still recorded, without registers and stack.  Never name a range
 * with unmapped holes: reading one faults inside the handler. */
/* #define PRAM_FAULT_RAM_START 0x20000000u */
/* #define PRAM_FAULT_RAM_END   0x20020000u */

/* A log buffer (a pram_buf_t object, by name) the handler appends its line
 * to, when pram_fault_set_log() named none:  #define PRAM_FAULT_LOG crash_log */

/* SFSR/SFAR (0xE000EDE4/8) are read on Armv8-M Mainline: Secure state sees
 * them, Non-secure reads 0 (RAZ/WI).  0 leaves them out. */
#ifndef PRAM_FAULT_READ_SFSR
#  define PRAM_FAULT_READ_SFSR PRAM_FAULT_V8M_MAIN
#endif

/* The reset at the end of every capture; must not return.  Default: DSB,
 * SYSRESETREQ (AIRCR = 0x05FA0004 at 0xE000ED0C), DSB, wait; on other
 * targets the hook of pram_fault_set_reset_hook(), then a trap.  (A hook set
 * at run time is called first on every target.) */
/* #define PRAM_FAULT_RESET() my_reset() */

/* ---- Decoded reason (pram_crash_t.reason of a fault) --------------------- */

/* Why the core faulted, the most specific cause first: a fault while
 * stacking or unstacking before any other bit (the instruction that
 * caused the exception may have set one too), then security violations,
 * memory and bus errors, usage faults, then the HardFault-only causes.
 * Stored in the record: only append new codes. */
typedef enum pram_fault_reason {
    PRAM_FAULT_UNKNOWN = 0,      /* no status bit set                          */
    PRAM_FAULT_IACCVIOL = 1,     /* MemManage: instruction fetch (XN, MPU)     */
    PRAM_FAULT_DACCVIOL = 2,     /* MemManage: data access (MPU)               */
    PRAM_FAULT_MSTKERR = 3,      /* MemManage while stacking                   */
    PRAM_FAULT_MUNSTKERR = 4,    /* MemManage while unstacking                 */
    PRAM_FAULT_MLSPERR = 5,      /* MemManage during lazy FP state saving      */
    PRAM_FAULT_IBUSERR = 6,      /* bus error on instruction fetch             */
    PRAM_FAULT_PRECISERR = 7,    /* precise data bus error (BFAR if valid)     */
    PRAM_FAULT_IMPRECISERR = 8,  /* imprecise data bus error (pc is later)     */
    PRAM_FAULT_STKERR = 9,       /* bus error while stacking                   */
    PRAM_FAULT_UNSTKERR = 10,    /* bus error while unstacking                 */
    PRAM_FAULT_LSPERR = 11,      /* bus error during lazy FP state saving      */
    PRAM_FAULT_UNDEFINSTR = 12,  /* undefined instruction                      */
    PRAM_FAULT_INVSTATE = 13,    /* invalid state (Thumb bit clear: bx to even) */
    PRAM_FAULT_INVPC = 14,       /* invalid EXC_RETURN / integrity check       */
    PRAM_FAULT_NOCP = 15,        /* coprocessor (FPU) disabled or absent       */
    PRAM_FAULT_STKOF = 16,       /* Armv8-M stack limit (MSPLIM/PSPLIM)        */
    PRAM_FAULT_UNALIGNED = 17,   /* unaligned access with CCR.UNALIGN_TRP      */
    PRAM_FAULT_DIVBYZERO = 18,   /* division by 0 with CCR.DIV_0_TRP           */
    PRAM_FAULT_VECTTBL = 19,     /* HardFault: vector table read failed        */
    PRAM_FAULT_DEBUGEVT = 20,    /* HardFault: debug event (BKPT, no debugger) */
    PRAM_FAULT_FORCED = 21,      /* HardFault: escalated, no other bit says why */
    PRAM_FAULT_HARDFAULT = 22,   /* HardFault on a core without status registers
                                    (Armv6-M, Armv8-M Baseline)               */
    PRAM_FAULT_INVEP = 23,       /* SecureFault: bad entry point into Secure   */
    PRAM_FAULT_INVIS = 24,       /* SecureFault: integrity signature           */
    PRAM_FAULT_INVER = 25,       /* SecureFault: invalid exception return      */
    PRAM_FAULT_AUVIOL = 26,      /* SecureFault: attribution unit violation    */
    PRAM_FAULT_INVTRAN = 27,     /* SecureFault: invalid transition            */
    PRAM_FAULT_SLSPERR = 28,     /* SecureFault: lazy FP state saving (LSPERR) */
    PRAM_FAULT_LSERR = 29,       /* SecureFault: lazy state activation/saving  */
    PRAM_FAULT_REASON_COUNT = 30
} pram_fault_reason_t;

/* System control block addresses and status bits, for reports. */
#define PRAM_FAULT_SCB_CFSR 0xE000ED28u
#define PRAM_FAULT_SCB_HFSR 0xE000ED2Cu
#define PRAM_FAULT_SCB_MMFAR 0xE000ED34u
#define PRAM_FAULT_SCB_BFAR 0xE000ED38u
#define PRAM_FAULT_SCB_SFSR 0xE000EDE4u
#define PRAM_FAULT_SCB_SFAR 0xE000EDE8u
#define PRAM_FAULT_SCB_AIRCR 0xE000ED0Cu
#define PRAM_FAULT_SCB_SHCSR 0xE000ED24u /* MEMFAULTENA 16, BUSFAULTENA 17,
                                            USGFAULTENA 18, SECUREFAULTENA 19 */

/* CFSR = UFSR << 16 | BFSR << 8 | MMFSR */
#define PRAM_CFSR_IACCVIOL (1u << 0)
#define PRAM_CFSR_DACCVIOL (1u << 1)
#define PRAM_CFSR_MUNSTKERR (1u << 3)
#define PRAM_CFSR_MSTKERR (1u << 4)
#define PRAM_CFSR_MLSPERR (1u << 5)
#define PRAM_CFSR_MMARVALID (1u << 7)
#define PRAM_CFSR_IBUSERR (1u << 8)
#define PRAM_CFSR_PRECISERR (1u << 9)
#define PRAM_CFSR_IMPRECISERR (1u << 10)
#define PRAM_CFSR_UNSTKERR (1u << 11)
#define PRAM_CFSR_STKERR (1u << 12)
#define PRAM_CFSR_LSPERR (1u << 13)
#define PRAM_CFSR_BFARVALID (1u << 15)
#define PRAM_CFSR_UNDEFINSTR (1u << 16)
#define PRAM_CFSR_INVSTATE (1u << 17)
#define PRAM_CFSR_INVPC (1u << 18)
#define PRAM_CFSR_NOCP (1u << 19)
#define PRAM_CFSR_STKOF (1u << 20)
#define PRAM_CFSR_UNALIGNED (1u << 24)
#define PRAM_CFSR_DIVBYZERO (1u << 25)

#define PRAM_HFSR_VECTTBL (1u << 1)
#define PRAM_HFSR_FORCED (1u << 30)
#define PRAM_HFSR_DEBUGEVT (1u << 31)

#define PRAM_SFSR_INVEP (1u << 0)
#define PRAM_SFSR_INVIS (1u << 1)
#define PRAM_SFSR_INVER (1u << 2)
#define PRAM_SFSR_AUVIOL (1u << 3)
#define PRAM_SFSR_INVTRAN (1u << 4)
#define PRAM_SFSR_LSPERR (1u << 5)
#define PRAM_SFSR_SFARVALID (1u << 6)
#define PRAM_SFSR_LSERR (1u << 7)

/* A frame with these bits was not (wholly) stacked, or is the one whose
 * unstacking failed: it is not read. */
#define PRAM_CFSR_FRAME_UNREADABLE \
    (PRAM_CFSR_MSTKERR | PRAM_CFSR_STKERR | PRAM_CFSR_MUNSTKERR | PRAM_CFSR_UNSTKERR | PRAM_CFSR_STKOF)

/* EXC_RETURN and xPSR bits the capture uses. */
#define PRAM_EXC_RETURN_SPSEL (1u << 2) /* frame on PSP (else MSP)                 */
#define PRAM_EXC_RETURN_FTYPE (1u << 4) /* 0: extended frame (FP registers)        */
#define PRAM_EXC_RETURN_DCRS (1u << 5)  /* Armv8-M, 0: r4-r11 and the integrity
                                           signature stacked below the frame     */
#define PRAM_EXC_RETURN_S (1u << 6)     /* Armv8-M: frame on a Secure stack        */
#define PRAM_XPSR_ALIGN_PAD (1u << 9)   /* 4 bytes of padding above the frame      */

#define PRAM_FAULT_FRAME_WORDS 8u     /* r0-r3, r12, lr, pc, xPSR                    */
#define PRAM_FAULT_FRAME_FP_WORDS 26u /* + s0-s15, FPSCR, a reserved word            */
#define PRAM_FAULT_CONTEXT_WORDS 10u  /* Armv8-M additional state: signature,
                                         reserved, r4-r11                          */

/* ---- The pure part: decoding (compiled and tested everywhere) ------------ */

/* What the handler read from the core, and the RAM it may read stacks from. */
typedef struct pram_fault_regs {
    uint32_t cfsr, hfsr, mmfar, bfar; /* valid with PRAM_FAULT_HAVE_CFSR       */
    uint32_t sfsr, sfar;              /* valid with PRAM_FAULT_HAVE_SFSR       */
    uint32_t ipsr;                    /* the exception number in its low 9 bits */
    uint32_t have;                    /* PRAM_FAULT_HAVE_*                      */
    uintptr_t ram_start, ram_end;     /* [start, end): frames and the stack
                                         slice are read only inside it        */
} pram_fault_regs_t;

#define PRAM_FAULT_HAVE_CFSR 0x1u /* CFSR, HFSR, MMFAR, BFAR were read */
#define PRAM_FAULT_HAVE_SFSR 0x2u /* SFSR, SFAR were read              */

/* The reason for these status register values (any of them 0 if absent). */
pram_fault_reason_t pram_fault_decode(uint32_t cfsr, uint32_t hfsr, uint32_t sfsr);

/* Fills *out (every field, zero first) as the handler does, for the frame
 * the hardware stacked at `frame` (MSP or PSP at entry) with `exc_return`:
 * kind PRAM_REBOOT_FAULT, reason, status registers, exception (IPSR),
 * exc_return, flags (PRAM_CRASH_PSP from EXC_RETURN bit 2, PRAM_CRASH_FPU
 * from bit 4 clear, PRAM_CRASH_FRAME when the frame was read).  When the
 * frame (after the Armv8-M additional state, if EXC_RETURN.DCRS is 0) lies
 * 4-aligned inside [ram_start, ram_end) and no stacking error is flagged:
 * r0-r3, r12, lr, pc, xpsr; sp = the stack pointer before the exception
 * (frame + 32 or 104 bytes, + 40 with the additional state, + 4 when xPSR
 * bit 9 says the hardware padded); and up to PRAM_CRASH_STACK_WORDS words
 * from sp, clipped at ram_end (stack_words).  Otherwise the registers and
 * the slice stay 0 and sp is the frame address itself.  Reads nothing
 * outside the range.  `boot` is left 0 (pram_reboot_crash fills it).
 *
 * Armv8-M Secure code with FPCCR.TS set stacks s16-s31 too (42 words):
 * sp and the slice are then 64 bytes low; the registers are right. */
void pram_fault_fill(pram_crash_t *out, const uint32_t *frame, uint32_t exc_return,
                     const pram_fault_regs_t *regs);

/* The same for an assertion at `pc` (the caller's return address), `lr`
 * (the asserting function's return address, 0 if unknown) and `sp`: kind
 * PRAM_REBOOT_ASSERT, file_id, line, exception = IPSR (0 in thread mode),
 * the stack slice from sp as above; no frame, no status registers. */
void pram_fault_fill_assert(pram_crash_t *out, uint32_t file_id, uint32_t line, uint32_t pc,
                            uint32_t lr, uintptr_t sp, const pram_fault_regs_t *regs);

/* "PRECISERR", "UNDEFINSTR", ... (the status bit's name; "UNKNOWN",
 * "FORCED", "HARDFAULT"; "?" out of range).  Constant strings, no stdio. */
const char *pram_fault_reason_name(pram_fault_reason_t reason);
/* A sentence for reports: "precise data bus error", ... */
const char *pram_fault_reason_text(pram_fault_reason_t reason);

/* Formats the log line of a crash into buf (NUL-terminated, cut to cap - 1
 * characters); returns its length.  abandoned: add " abandoned=1". */
uint32_t pram_fault_format(char *buf, uint32_t cap, const pram_crash_t *crash, int abandoned);

/* ---- Capture, commit, reset ------------------------------------------------ */

/* The entry's C half: reads the registers (pram_fault_read_regs), fills,
 * commits and resets.  Called by the entries with the frame and EXC_RETURN;
 * an RTOS's own fault entry may call it the same way. */
PRAM_FAULT_NORETURN void pram_fault_capture(const uint32_t *frame, uint32_t exc_return);
/* The same with registers given (tests; a custom entry that read them). */
PRAM_FAULT_NORETURN void pram_fault_capture_with(const uint32_t *frame, uint32_t exc_return,
                                                 const pram_fault_regs_t *regs);
/* Commits a filled crash: pram_reboot_crash, the log line, barrier, reset. */
PRAM_FAULT_NORETURN void pram_fault_commit(const pram_crash_t *crash);

/* Reads CFSR & co, IPSR, and the RAM range in force.  On the host: all 0,
 * except the RAM range. */
void pram_fault_read_regs(pram_fault_regs_t *regs);

/* The RAM stacks may be read from, overriding PRAM_FAULT_RAM_START/END
 * (start == end: back to those).  Call early at boot. */
void pram_fault_set_ram(const volatile void *start, const volatile void *end);
/* The log the handler appends its line to (NULL: PRAM_FAULT_LOG, or none).
 * The buffer should be opened at boot; if it is not, the handler opens it. */
void pram_fault_set_log(pram_buf_t *log);
/* Called instead of the reset (tests: a longjmp).  If it returns, the
 * default reset follows.  NULL: none. */
void pram_fault_set_reset_hook(void (*hook)(void));
/* Host programs that simulate several boots in one process: forget a
 * capture that a simulated power cut interrupted (a reset clears it). */
void pram_fault_new_boot(void);

/* ---- Assertions ---------------------------------------------------------- */

/* Records an assertion (pc = the return address of this call, Thumb bit
 * cleared: the instruction after the call; lr = `lr`, the asserting
 * function's own return address, 0 from pram_fault_assert; sp = the
 * caller's sp at the call; file_id; line; the stack slice from sp) through
 * the same commit path, and resets.  On Cortex-M the capture runs on the
 * entries' stack, as a fault's does. */
PRAM_FAULT_NORETURN void pram_fault_assert(uint32_t file_id, uint32_t line);
PRAM_FAULT_NORETURN void pram_fault_assert_lr(uint32_t file_id, uint32_t line, const void *lr);

/* The id PRAM_FILE_ID gives a path: FNV-1a over its last 24 characters,
 * last character first (tools map ids back to file names with it). */
uint32_t pram_fault_file_id(const char *path);

/* PRAM_FILE_ID: a short id of the source file.  Default: the hash above of
 * __FILE__, folded by the compiler (no string in the image).  Define it
 * before including this header for numbers of your own:
 *     #define PRAM_FILE_ID 7u */
#define PRAM__FID_HAS(s, k) (sizeof(s) > (k) + 1u)
#define PRAM__FID_C(s, k) \
    (PRAM__FID_HAS(s, k) ? (uint32_t)(unsigned char)(s)[PRAM__FID_HAS(s, k) ? sizeof(s) - 2u - (k) : 0u] : 0u)
#define PRAM__FID_S(s, k, h) ((((uint32_t)(h)) ^ PRAM__FID_C(s, k)) * (PRAM__FID_HAS(s, k) ? 16777619u : 1u))
#define PRAM__FID_4(s, k, h) \
    PRAM__FID_S(s, (k) + 3u, PRAM__FID_S(s, (k) + 2u, PRAM__FID_S(s, (k) + 1u, PRAM__FID_S(s, (k), h))))
#define PRAM__FID_24(s, h)                                                                           \
    PRAM__FID_4(s, 20u,                                                                              \
                PRAM__FID_4(s, 16u, PRAM__FID_4(s, 12u, PRAM__FID_4(s, 8u, PRAM__FID_4(s, 4u, PRAM__FID_4(s, 0u, h))))))
#define PRAM_FILE_ID_OF(path) ((uint32_t)PRAM__FID_24(path, 2166136261u))
#ifndef PRAM_FILE_ID
#  define PRAM_FILE_ID PRAM_FILE_ID_OF(__FILE__)
#endif

/* PRAM_ASSERT(expr): if expr is false, record the site and reset.  Never
 * compiled out (define your own wrapper for that). */
#define PRAM_ASSERT(expr) \
    ((expr) ? (void)0 : pram_fault_assert_lr(PRAM_FILE_ID, (uint32_t)__LINE__, PRAM_FAULT_RETURN_ADDRESS()))

/* ---- Internal: between the entries (src/pram_fault_shim.c) and the C part -- */

/* saved[0] = the lr argument, saved[1] = the return address; the caller's
 * sp was saved + 2. */
PRAM_FAULT_NORETURN void pram__fault_assert_entry(uint32_t file_id, uint32_t line, const uint32_t *saved);
/* The entries' stack and its top (8-aligned). */
extern uint64_t pram__fault_stack[];
extern uint64_t *const pram__fault_stack_top;

/* ---- The entries (Cortex-M, GCC/Clang) ------------------------------------ */

#if PRAM_FAULT_ENTRIES
void pram_fault_hardfault(void);
#  if PRAM_FAULT_MAINLINE
void pram_fault_memmanage(void);
void pram_fault_busfault(void);
void pram_fault_usagefault(void);
#  endif
#  if PRAM_FAULT_V8M_MAIN
void pram_fault_securefault(void);
#  endif

/* One CMSIS handler as a branch to an entry, in file-scope assembly (no C
 * declaration to clash with a device header's, nothing for -Wmissing-
 * prototypes): lr (EXC_RETURN) and the stack are left untouched (r0 is
 * free: it is stacked already). */
#  if PRAM_FAULT_MAINLINE
#    define PRAM__FAULT_BRANCH(target) "b.w " #target "\n\t"
#  else
#    define PRAM__FAULT_BRANCH(target) "ldr r0, =" #target "\n\tbx r0\n\t.ltorg\n\t"
#  endif
#  define PRAM__FAULT_HANDLER(name, target)                  \
      ".pushsection .text." #name ",\"ax\",%progbits\n\t"  \
      ".syntax unified\n\t"                                 \
      ".thumb\n\t"                                          \
      ".global " #name "\n\t"                               \
      ".type " #name ", %function\n\t"                      \
      ".balign 4\n\t"                                       \
      ".thumb_func\n"                                       \
      #name ":\n\t"                                         \
      PRAM__FAULT_BRANCH(target)                             \
      ".size " #name ", . - " #name "\n\t"                  \
      ".popsection\n"
#  if PRAM_FAULT_V8M_MAIN
#    define PRAM__FAULT_HANDLERS_V8M PRAM__FAULT_HANDLER(SecureFault_Handler, pram_fault_securefault)
#  else
#    define PRAM__FAULT_HANDLERS_V8M ""
#  endif
#  if PRAM_FAULT_MAINLINE
#    define PRAM__FAULT_HANDLERS_V7M                                    \
        PRAM__FAULT_HANDLER(MemManage_Handler, pram_fault_memmanage)    \
        PRAM__FAULT_HANDLER(BusFault_Handler, pram_fault_busfault)      \
        PRAM__FAULT_HANDLER(UsageFault_Handler, pram_fault_usagefault)
#  else
#    define PRAM__FAULT_HANDLERS_V7M ""
#  endif
/* At file scope, once per firmware, followed by a semicolon:
 *     PRAM_FAULT_HANDLERS();
 * defines HardFault_Handler (and MemManage_, BusFault_, UsageFault_,
 * SecureFault_Handler where the core has them). */
#  define PRAM_FAULT_HANDLERS()                                             \
      __asm__(PRAM__FAULT_HANDLER(HardFault_Handler, pram_fault_hardfault)  \
                  PRAM__FAULT_HANDLERS_V7M PRAM__FAULT_HANDLERS_V8M)
#else
#  define PRAM_FAULT_HANDLERS() PRAM_STATIC_ASSERT(1, pram_fault_handlers)
#endif

#ifdef __cplusplus
}
#endif

#endif /* PRAM_FAULT_H */
