/* Vector table and reset code for the example firmware (Armv6-M, Armv7-M,
 * Armv8-M; on Armv6-M slots 4-7 are reserved and never taken).
 *
 * Reset_Handler sets up .data and .bss and nothing else: the persistent
 * .noinit section (ld/pram_noinit.ld) sits outside both, and not touching it
 * is the whole point.  Every handler is weak so an example can supply its own
 * (a fault handler that records a crash, a SysTick that cuts power). */
#include <stdint.h>

#include "fw.h"

/* Linker-script symbols: arrays, so no object is pretended to live there. */
extern uint32_t __data_lma[];
extern uint32_t __data_start[];
extern uint32_t __data_end[];
extern uint32_t __bss_start[];
extern uint32_t __bss_end[];
extern uint32_t __stack_top[];

void Reset_Handler(void);
void Default_Handler(void);
void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void HardFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("Default_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SecureFault_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));
void SysTick_Handler(void) __attribute__((weak, alias("Default_Handler")));

typedef void (*fw_handler_t)(void);

/* The initial stack pointer is data and the rest are code: a struct keeps both
 * without converting between object and function pointers. */
typedef struct {
    uint32_t *initial_sp;
    fw_handler_t handler[15];
} fw_vectors_t;

/* System exceptions only: the examples enable no interrupt.  A handler for
 * an IRQ needs the table extended to its slot (and VTOR alignment grown to
 * match: the next power of two of the table size, at least 128 bytes). */
__attribute__((section(".vectors"), used)) static const fw_vectors_t fw_vectors = {
    __stack_top,
    {
        Reset_Handler,       /*  1 */
        NMI_Handler,         /*  2 */
        HardFault_Handler,   /*  3 */
        MemManage_Handler,   /*  4 */
        BusFault_Handler,    /*  5 */
        UsageFault_Handler,  /*  6 */
        SecureFault_Handler, /*  7: Armv8-M Mainline; reserved before */
        0, 0, 0,             /*  8-10 reserved */
        SVC_Handler,         /* 11 */
        DebugMon_Handler,    /* 12 */
        0,                   /* 13 reserved */
        PendSV_Handler,      /* 14 */
        SysTick_Handler,     /* 15 */
    },
};

void Reset_Handler(void)
{
    /* volatile: GCC would otherwise turn these loops into memcpy/memset
     * calls, and there is no C library behind this runtime. */
    volatile uint32_t *dst = __data_start;
    const uint32_t *src = __data_lma;
    uint32_t n = (uint32_t)((uintptr_t)__data_end - (uintptr_t)__data_start) / 4u;
    while (n--)
        *dst++ = *src++;
    dst = __bss_start;
    n = (uint32_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start) / 4u;
    while (n--)
        *dst++ = 0u;
#if defined(__ARM_FP)
    /* Hard-float code may use the FPU anywhere; it is off (NOCP UsageFault)
     * until CP10/CP11 get full access in CPACR. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ __volatile__("dsb 0xf\n\tisb 0xf" ::: "memory");
#endif
    fw_exit(main());
}

/* Anything unexpected ends the run with a failure status instead of a hang,
 * so a broken test fails fast rather than at its timeout. */
void Default_Handler(void)
{
    uint32_t ipsr;
    __asm__ __volatile__("mrs %0, ipsr" : "=r"(ipsr));
    fw_puts("fw: unexpected exception ");
    fw_put_u32(ipsr & 0x1FFu);
    fw_puts("\n");
    fw_exit(1);
}
