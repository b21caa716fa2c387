/* Two counters on an STM32F405/407, linked with ld/stm32f4_bkpsram.ld:
 *   resets        in .noinit (SRAM): survives resets while VDD is up;
 *   backup_boots  in .bkpsram (backup SRAM): survives power loss on VBAT.
 *
 * Built and put through the placement gate only: QEMU has no model of the
 * STM32F4 backup SRAM (netduinoplus2 maps an unimplemented stub there).  The
 * enable sequence follows RM0090 ("Backup SRAM" in the PWR chapter).  Output
 * is semihosting, so it needs a debugger attached. */
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"

#define RCC_AHB1ENR (*(volatile uint32_t *)0x40023830u)
#define RCC_APB1ENR (*(volatile uint32_t *)0x40023840u)
#define PWR_CR (*(volatile uint32_t *)0x40007000u)
#define PWR_CSR (*(volatile uint32_t *)0x40007004u)
#define RCC_APB1ENR_PWREN (1u << 28)
#define RCC_AHB1ENR_BKPSRAMEN (1u << 18)
#define PWR_CR_DBP (1u << 8)
#define PWR_CSR_BRE (1u << 9)
#define PWR_CSR_BRR (1u << 3)

typedef struct {
    uint32_t count;
} counter_t;

PRAM_CELL_DECLARE(resets, counter_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(resets);

/* The linker script places this in BKPSRAM; pram only needs its address. */
PRAM_CELL_DECLARE_AT(backup_boots, counter_t, 1, PRAM_AB);
static uint32_t backup_boots_storage[PRAM_CELL_SIZE(backup_boots) / 4u]
    __attribute__((section(".bkpsram")));
PRAM_CELL_DEFINE_AT(backup_boots, backup_boots_storage);

/* Until this runs the backup SRAM ignores writes, so no pram call on it may
 * come earlier.  Returns 0 if the backup regulator never became ready (the
 * contents then last only while VDD does). */
static int backup_sram_enable(void)
{
    uint32_t spin;
    RCC_APB1ENR |= RCC_APB1ENR_PWREN;
    (void)RCC_APB1ENR; /* the clock takes effect after a read-back */
    PWR_CR |= PWR_CR_DBP;
    RCC_AHB1ENR |= RCC_AHB1ENR_BKPSRAMEN;
    (void)RCC_AHB1ENR;
    PWR_CSR |= PWR_CSR_BRE;
    for (spin = 0u; spin < 1000000u; spin++)
        if (PWR_CSR & PWR_CSR_BRR)
            return 1;
    return 0;
}

static void bump(const char *label, const pram_cell_t *cell)
{
    counter_t c;
    if (pram_cell_get(cell, &c, sizeof c) != PRAM_OK)
        c.count = 0u;
    c.count++;
    if (pram_cell_set(cell, &c, sizeof c) == PRAM_OK)
        fw_put_kv_u32(label, c.count);
    else
        fw_puts("bkpsram: set failed\n");
}

int main(void)
{
    if (!backup_sram_enable())
        fw_puts("bkpsram: backup regulator not ready, VBAT retention off\n");
    bump("resets", &resets);
    bump("backup_boots", &backup_boots);
    return 0;
}
