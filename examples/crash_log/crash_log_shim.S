/* Fault entry shim and the deliberate faults of the crash-log firmware
 * (Armv7-M and Armv8-M Mainline, Thumb-2).
 *
 * The entry is assembly because the exception frame can only be found before
 * any compiled prologue moves the stack: EXC_RETURN (in lr on entry) says
 * which stack the hardware pushed it on.
 *
 * The fault sites are assembly so that the faulting instruction sits exactly
 * at a global label: the test reads crash_site_* from the ELF symbol table
 * and compares it with the pc the handler recorded.  The labels are plain
 * (not %function), so their symbol values are even: the instruction address
 * itself, with no Thumb bit to strip. */
    .syntax unified
    .thumb

/* An address that takes a precise BusFault on both QEMU boards: nothing is
 * mapped there on mps2-an385 or mps2-an505 (`info mtree`).  Not 0x0FFFFFF0:
 * on mps2-an385 QEMU covers 0x01010000-0x1FFFFFFF with a "RESERVED" stub that
 * reads as zero and never faults.  Exported as an absolute symbol so the test
 * compares BFAR with the same number the firmware used. */
    .global crash_bad_address
    .set crash_bad_address, 0xA0000000

/* ---- Fault entry ------------------------------------------------------------
 * r0 <- the stacked frame (MSP or PSP, from EXC_RETURN bit 2), r1 <- EXC_RETURN,
 * then a fresh stack: a fault caused by a stack overflow must not run the
 * capture code on the stack that just overflowed.  The handler never returns
 * (it resets), so the old MSP is not needed again.  (Armv8-M: MSPLIM must
 * not lie above this stack; it resets to 0 and this firmware leaves it.)
 * IT blocks and MRS with conditions need Thumb-2: not for Armv6-M/v8-M
 * Baseline, which would test and branch instead. */
    .section .text.crash_fault_entry, "ax", %progbits
    .global HardFault_Handler
    .type HardFault_Handler, %function
    .thumb_func
HardFault_Handler:
    tst lr, #4
    ite eq
    mrseq r0, msp
    mrsne r0, psp
    mov r1, lr
    ldr r2, =crash_fault_stack_top
    mov sp, r2
    b crash_capture
    .ltorg
    .size HardFault_Handler, . - HardFault_Handler

/* One entry for all four: the capture code reads IPSR for which one it was.
 * .thumb_set keeps the Thumb bit that a plain .set would drop. */
    .global MemManage_Handler
    .global BusFault_Handler
    .global UsageFault_Handler
    .thumb_set MemManage_Handler, HardFault_Handler
    .thumb_set BusFault_Handler, HardFault_Handler
    .thumb_set UsageFault_Handler, HardFault_Handler

    .section .bss.crash_fault_stack, "aw", %nobits
    .balign 8
crash_fault_stack:
    .space 1024
crash_fault_stack_top:

/* ---- Deliberate faults --------------------------------------------------------
 * Each is a function the C code calls; the instruction after the label
 * faults.  They return normally only if the fault did not happen. */
    .section .text.crash_fault_sites, "ax", %progbits

/* uint32_t crash_fault_badaddr(void): load from crash_bad_address. */
    .global crash_fault_badaddr
    .type crash_fault_badaddr, %function
    .thumb_func
crash_fault_badaddr:
    ldr r1, =crash_bad_address
    .global crash_site_badaddr
crash_site_badaddr:
    ldr r0, [r1]
    bx lr
    .ltorg
    .size crash_fault_badaddr, . - crash_fault_badaddr

/* uint32_t crash_fault_forced(void): the same load from a second site, run
 * with BusFault disabled so it escalates to HardFault (HFSR.FORCED). */
    .global crash_fault_forced
    .type crash_fault_forced, %function
    .thumb_func
crash_fault_forced:
    ldr r1, =crash_bad_address
    .global crash_site_forced
crash_site_forced:
    ldr r0, [r1]
    bx lr
    .ltorg
    .size crash_fault_forced, . - crash_fault_forced

/* void crash_fault_udf(void): permanently undefined instruction. */
    .global crash_fault_udf
    .type crash_fault_udf, %function
    .thumb_func
crash_fault_udf:
    .global crash_site_udf
crash_site_udf:
    udf #0
    bx lr
    .size crash_fault_udf, . - crash_fault_udf

/* void crash_fault_loop(void): a second undefined instruction, for the crash
 * that must NOT replace an unreported one. */
    .global crash_fault_loop
    .type crash_fault_loop, %function
    .thumb_func
crash_fault_loop:
    .global crash_site_loop
crash_site_loop:
    udf #1
    bx lr
    .size crash_fault_loop, . - crash_fault_loop

/* uint32_t crash_fault_div0(uint32_t n, uint32_t d): n / d, which faults
 * when d == 0 and CCR.DIV_0_TRP is set (otherwise the result is 0). */
    .global crash_fault_div0
    .type crash_fault_div0, %function
    .thumb_func
crash_fault_div0:
    .global crash_site_div0
crash_site_div0:
    udiv r0, r0, r1
    bx lr
    .size crash_fault_div0, . - crash_fault_div0
