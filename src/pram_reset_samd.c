/* pram — reset-cause ports for Microchip SAM D21 and SAM D51: one
 * read-only 8-bit register each, read with 8-bit accesses.
 *
 *   SAMD21  PM->RCAUSE    0x40000438 (PM base 0x40000400 + 0x38), reset value 0x01
 *     bit 0 POR    power-on reset                    POWER_ON
 *     bit 1 BOD12  1.2 V brown-out detector          BROWNOUT
 *     bit 2 BOD33  3.3 V brown-out detector          BROWNOUT
 *     bit 4 EXT    the external RESET pin            PIN
 *     bit 5 WDT    the watchdog                      WATCHDOG
 *     bit 6 SYST   system reset request (SYSRESETREQ) SOFTWARE
 *   SAMD51  RSTC->RCAUSE  0x40000C00 (RSTC base 0x40000C00 + 0x00)
 *     bit 0 POR      power-on reset                  POWER_ON
 *     bit 1 BODCORE  core brown-out detector         BROWNOUT
 *     bit 2 BODVDD   VDD brown-out detector          BROWNOUT
 *     bit 3 NVM      reset by the NVM controller
 *                    (e.g. a BKSWRST bank swap)      OTHER
 *     bit 4 EXT      the external RESET pin          PIN
 *     bit 5 WDT      the watchdog                    WATCHDOG
 *     bit 6 SYST     system reset request            SOFTWARE
 *     bit 7 BACKUP   exit from Backup mode (RSTC->BKUPEXIT says which) OTHER
 *
 * RCAUSE is read-only and needs no clearing: "when a reset occurs, the bit
 * corresponding to the reset source is set to 1 and all other bits are
 * written to 0" (several bits only if several resets were requested at
 * once), so it always describes the last reset.  The ports' clear is NULL.
 * Neither part has a lockup cause. */
#include "pram/pram_reboot.h"
#include "pram_reset_regs.h"

#define SAMD21_RCAUSE PRAM_RESET_REG8(0x40000438u)
#define SAMD51_RCAUSE PRAM_RESET_REG8(0x40000C00u)

#define RCAUSE_POR 0x01u
#define RCAUSE_BOD_A 0x02u /* SAMD21 BOD12, SAMD51 BODCORE */
#define RCAUSE_BOD_B 0x04u /* SAMD21 BOD33, SAMD51 BODVDD */
#define RCAUSE_NVM 0x08u   /* SAMD51 only */
#define RCAUSE_EXT 0x10u
#define RCAUSE_WDT 0x20u
#define RCAUSE_SYST 0x40u
#define RCAUSE_BACKUP 0x80u /* SAMD51 only */

/* The causes both parts share (bits 0-2, 4-6). */
static uint32_t common_causes(uint32_t raw)
{
    uint32_t c = 0u;
    if (raw & RCAUSE_POR)
        c |= PRAM_RESET_POWER_ON;
    if (raw & (RCAUSE_BOD_A | RCAUSE_BOD_B))
        c |= PRAM_RESET_BROWNOUT;
    if (raw & RCAUSE_EXT)
        c |= PRAM_RESET_PIN;
    if (raw & RCAUSE_WDT)
        c |= PRAM_RESET_WATCHDOG;
    if (raw & RCAUSE_SYST)
        c |= PRAM_RESET_SOFTWARE;
    return c;
}

static uint32_t samd21_read(void)
{
    return PRAM_RESET_REG_LOAD(SAMD21_RCAUSE);
}

static uint32_t samd21_causes(uint32_t raw)
{
    return common_causes(raw);
}

static uint32_t samd51_read(void)
{
    return PRAM_RESET_REG_LOAD(SAMD51_RCAUSE);
}

static uint32_t samd51_causes(uint32_t raw)
{
    return common_causes(raw) | ((raw & (RCAUSE_NVM | RCAUSE_BACKUP)) ? PRAM_RESET_OTHER : 0u);
}

const pram_reset_port_t pram_reset_port_samd21 = {"samd21", samd21_read, samd21_causes, 0};
const pram_reset_port_t pram_reset_port_samd51 = {"samd51", samd51_read, samd51_causes, 0};
