/* pram — reset-cause port for RP2040: two read-only 32-bit registers.
 *
 *   WATCHDOG REASON              0x40058008 (WATCHDOG base 0x40058000 + 0x08)
 *     bit 0  TIMER   the watchdog timer expired                 WATCHDOG
 *     bit 1  FORCE   the watchdog was forced (CTRL.TRIGGER;
 *                    the SDK's watchdog_reboot)                 SOFTWARE
 *   VREG_AND_CHIP_RESET CHIP_RESET  0x40064008 (base 0x40064000 + 0x08)
 *     bit  8 HAD_POR          power-on reset or brown-out       POWER_ON
 *     bit 16 HAD_RUN          the RUN pin                       PIN
 *     bit 20 HAD_PSM_RESTART  debug port (rescue) restart       OTHER
 *     bit 24 PSM_RESTART_FLAG a flag for the boot code (RW), not a cause
 *
 * raw packs both: REASON's bits 1:0 in bits 1:0, CHIP_RESET's bits 8, 16,
 * 20 and 24 where they are (the other bits of both registers are reserved),
 * i.e. raw = (REASON & 0x3) | (CHIP_RESET & 0x01110100).
 *
 * Neither register can be cleared by software: there is no clear() (the
 * port's clear is NULL).  Instead the hardware rewrites them:
 *   - a chip-level reset (power-on/brown-out, RUN pin, debug restart) sets
 *     the one HAD_* bit of its source and zeroes REASON ("both bits are zero
 *     for the case of a hardware reset");
 *   - a watchdog reset sets REASON (TIMER or FORCE).  It does not go through
 *     the chip-level reset, so CHIP_RESET may still hold the bit of an older
 *     chip-level reset (unless PSM WDSEL also resets VREG_AND_CHIP_RESET).
 * So a non-zero REASON always came after the last chip-level reset: causes()
 * then reports REASON only and ignores CHIP_RESET.  Both registers always
 * describe the last chip-level or watchdog reset.
 *
 * What they cannot describe: AIRCR.SYSRESETREQ on RP2040 resets only the
 * core that asserts it (RP2040 datasheet 2.4.2.9; raspberrypi/pico-feedback
 * #329), and leaves both registers as they were, so after it this port
 * repeats the cause of the reset before (watchdog, power-on, pin).  The
 * RP2350 datasheet notes that from RP2350 on, SYSRESETREQ clears REASON --
 * RP2040 does not.  Reset RP2040 through the watchdog (FORCE: the SDK's
 * watchdog_reboot) for intended resets, so that the next boot sees a fresh
 * cause. */
#include "pram/pram_reboot.h"
#include "pram_reset_regs.h"

#define WATCHDOG_REASON PRAM_RESET_REG32(0x40058008u)
#define CHIP_RESET PRAM_RESET_REG32(0x40064008u)

#define REASON_TIMER 0x00000001u
#define REASON_FORCE 0x00000002u
#define HAD_POR 0x00000100u
#define HAD_RUN 0x00010000u
#define HAD_PSM_RESTART 0x00100000u
#define PSM_RESTART_FLAG 0x01000000u

static uint32_t rp2040_read(void)
{
    uint32_t reason = PRAM_RESET_REG_LOAD(WATCHDOG_REASON);
    uint32_t chip = PRAM_RESET_REG_LOAD(CHIP_RESET);
    return (reason & (REASON_TIMER | REASON_FORCE)) |
           (chip & (HAD_POR | HAD_RUN | HAD_PSM_RESTART | PSM_RESTART_FLAG));
}

static uint32_t rp2040_causes(uint32_t raw)
{
    uint32_t c = 0u;
    if (raw & (REASON_TIMER | REASON_FORCE)) {
        if (raw & REASON_TIMER)
            c |= PRAM_RESET_WATCHDOG;
        if (raw & REASON_FORCE)
            c |= PRAM_RESET_SOFTWARE;
        return c; /* CHIP_RESET is from an older reset */
    }
    if (raw & HAD_POR)
        c |= PRAM_RESET_POWER_ON;
    if (raw & HAD_RUN)
        c |= PRAM_RESET_PIN;
    if (raw & HAD_PSM_RESTART)
        c |= PRAM_RESET_OTHER;
    return c;
}

const pram_reset_port_t pram_reset_port_rp2040 = {"rp2040", rp2040_read, rp2040_causes, 0};
