/* pram — the naked fault and assertion entries for Cortex-M (GCC, Clang,
 * armclang), kept apart from pram_fault.c so that a firmware that routes no
 * handler to them links neither them nor their stack.
 *
 * The fault entry must find the exception frame before any compiled
 * prologue moves the stack, so it is assembly: EXC_RETURN (lr on entry)
 * says which stack the hardware pushed the frame on.  It then moves MSP to
 * a stack of its own (a fault may be a stack overflow: the capture must
 * not run on the stack that just overflowed) and calls
 * pram_fault_capture(frame, EXC_RETURN), which never returns, so the old
 * MSP is not needed again.
 *
 * Armv6-M and Armv8-M Baseline have no IT blocks, no conditional MRS, no
 * CBZ in this shim, no TST with an immediate: test and branch with low
 * registers.  Armv7-M and Armv8-M Mainline use an IT block.  Armv8-M:
 * MSPLIM is cleared before MSP moves (the entry stack lies in .bss, likely
 * below the limit the firmware set); with -mcmse (Secure code), a frame
 * pushed on a Non-secure stack (EXC_RETURN.S = 0, e.g. the SecureFault of
 * Non-secure code) is read from MSP_NS/PSP_NS. */
#include "pram/pram_fault.h"

#if PRAM_FAULT_ENTRIES

#  if PRAM_FAULT_STACK_SIZE > 0
PRAM_STATIC_ASSERT(PRAM_FAULT_STACK_SIZE % 8 == 0 && PRAM_FAULT_STACK_SIZE >= 256, fault_stack_size);
uint64_t pram__fault_stack[PRAM_FAULT_STACK_SIZE / 8] __attribute__((used, aligned(8)));
__attribute__((used)) uint64_t *const pram__fault_stack_top = &pram__fault_stack[PRAM_FAULT_STACK_SIZE / 8];
#  endif

#  if defined(__ARM_FEATURE_CMSE) && (__ARM_FEATURE_CMSE == 3)
#    define SECURE_BUILD 1
#  else
#    define SECURE_BUILD 0
#  endif

/* r0 <- the frame: MSP or PSP as EXC_RETURN bit 2 says; r1 <- EXC_RETURN. */
#  if PRAM_FAULT_MAINLINE && PRAM_FAULT_V8M_MAIN && SECURE_BUILD
#    define PICK_FRAME                                            \
        "mov r1, lr\n\t"                                          \
        "lsls r2, r1, #25\n\t" /* EXC_RETURN.S -> N */            \
        "bmi 1f\n\t"                                              \
        "tst r1, #4\n\t"                                          \
        "ite eq\n\t"                                              \
        "mrseq r0, msp_ns\n\t"                                    \
        "mrsne r0, psp_ns\n\t"                                    \
        "b 2f\n"                                                  \
        "1:\n\t"                                                  \
        "tst r1, #4\n\t"                                          \
        "ite eq\n\t"                                              \
        "mrseq r0, msp\n\t"                                       \
        "mrsne r0, psp\n"                                         \
        "2:\n\t"
#  elif PRAM_FAULT_MAINLINE
#    define PICK_FRAME       \
        "mov r1, lr\n\t"     \
        "tst r1, #4\n\t"     \
        "ite eq\n\t"         \
        "mrseq r0, msp\n\t"  \
        "mrsne r0, psp\n\t"
#  else
#    define PICK_FRAME       \
        "mov r1, lr\n\t"     \
        "movs r2, #4\n\t"    \
        "tst r1, r2\n\t"     \
        "bne 1f\n\t"         \
        "mrs r0, msp\n\t"    \
        "b 2f\n"             \
        "1:\n\t"             \
        "mrs r0, psp\n"      \
        "2:\n\t"
#  endif

/* Stack limits: every Armv8-M Mainline core has MSPLIM and PSPLIM per
 * security state; Baseline only in Secure state.  The fault entry runs in
 * handler mode (MSP); an assertion may come from thread mode on PSP. */
#  if PRAM_FAULT_V8M_MAIN || (defined(__ARM_ARCH_8M_BASE__) && SECURE_BUILD)
#    define CLEAR_MSPLIM "movs r3, #0\n\tmsr msplim, r3\n\t"
#    define CLEAR_SPLIM "movs r3, #0\n\tmsr msplim, r3\n\tmsr psplim, r3\n\t"
#  else
#    define CLEAR_MSPLIM ""
#    define CLEAR_SPLIM ""
#  endif

/* sp <- the top of the entries' stack (r3 is free in both entries). */
#  if PRAM_FAULT_STACK_SIZE > 0
#    define SWITCH_STACK(clear)                  \
        clear                                    \
        "ldr r3, =pram__fault_stack_top\n\t"     \
        "ldr r3, [r3]\n\t"                       \
        "mov sp, r3\n\t"
#  else
#    define SWITCH_STACK(clear) ""
#  endif

/* One entry for every fault: pram_fault_capture reads IPSR for which. */
__attribute__((naked, used)) static void fault_entry(void)
{
    __asm__ __volatile__(PICK_FRAME SWITCH_STACK(CLEAR_MSPLIM)
                         "bl pram_fault_capture\n\t"
                         "b .\n\t"
                         ".ltorg\n");
}

void pram_fault_hardfault(void) __attribute__((alias("fault_entry"), used));
#  if PRAM_FAULT_MAINLINE
void pram_fault_memmanage(void) __attribute__((alias("fault_entry"), used));
void pram_fault_busfault(void) __attribute__((alias("fault_entry"), used));
void pram_fault_usagefault(void) __attribute__((alias("fault_entry"), used));
#  endif
#  if PRAM_FAULT_V8M_MAIN
void pram_fault_securefault(void) __attribute__((alias("fault_entry"), used));
#  endif

/* Assertions: the caller's lr argument (r2) and the return address pushed
 * as a pair on the caller's stack; r2 <- their address (the caller's sp is
 * 8 bytes above); then, like a fault, onto the entries' stack (the capture
 * needs more than a small task stack may have left: about 600 B at -Os,
 * see PRAM_FAULT_STACK_SIZE) and on to pram__fault_assert_entry(file_id,
 * line, saved).  In thread mode on PSP, sp is PSP: it moves just the same
 * (nothing returns to that thread).  pram_fault_assert passes lr = 0. */
#  define ASSERT_ENTRY                         \
      "push {r2, lr}\n\t"                       \
      "mov r2, sp\n\t"                          \
      SWITCH_STACK(CLEAR_SPLIM)                 \
      "bl pram__fault_assert_entry\n\t"         \
      "b .\n\t"                                 \
      ".ltorg\n"

__attribute__((naked)) void pram_fault_assert_lr(uint32_t file_id PRAM_MAYBE_UNUSED, uint32_t line PRAM_MAYBE_UNUSED,
                                                 const void *lr PRAM_MAYBE_UNUSED)
{
    __asm__ __volatile__(ASSERT_ENTRY);
}

__attribute__((naked)) void pram_fault_assert(uint32_t file_id PRAM_MAYBE_UNUSED, uint32_t line PRAM_MAYBE_UNUSED)
{
    __asm__ __volatile__("movs r2, #0\n\t" ASSERT_ENTRY);
}

#else
/* Not Cortex-M, or no GNU inline assembly: nothing here (pram_fault.c has
 * the C versions of the assertion entries). */
typedef int pram__fault_shim_empty;
#endif
