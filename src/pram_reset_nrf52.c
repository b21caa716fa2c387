/* pram — reset-cause port for nRF52: POWER->RESETREAS at 0x40000400
 * (POWER base 0x40000000, offset 0x400), 32-bit.
 *
 *   bit  field     meaning (nRF52 product specifications)      cause
 *    0   RESETPIN  reset from the pin                          PIN
 *    1   DOG       reset from the watchdog                     WATCHDOG
 *    2   SREQ      soft reset (AIRCR.SYSRESETREQ)              SOFTWARE
 *    3   LOCKUP    reset from CPU lock-up                      LOCKUP
 *   16   OFF       wake from System OFF by GPIO DETECT         OTHER
 *   17   LPCOMP    wake from System OFF by LPCOMP ANADETECT    OTHER
 *   18   DIF       wake from System OFF into debug interface   OTHER
 *   19   NFC       wake from System OFF by the NFC field       OTHER (52832/833/840)
 *   20   VBUS      wake from System OFF by VBUS rising         OTHER (52833/840)
 *   none set       the on-chip reset generator: power-on reset
 *                  or brown-out reset (cannot be told apart)   POWER_ON
 *
 * The register is cumulative ("unless cleared, the RESETREAS register will
 * be cumulative") and each field is cleared by writing 1 to it; a power-on
 * or brown-out reset resets it to 0.  So "no bit set" means power-on only if
 * every earlier boot cleared it: clear() reads the register and writes the
 * value back, which clears exactly the fields that were set (including any
 * field this table does not name). */
#include "pram/pram_reboot.h"
#include "pram_reset_regs.h"

#define RESETREAS PRAM_RESET_REG32(0x40000400u)

#define RESETPIN 0x00000001u
#define DOG 0x00000002u
#define SREQ 0x00000004u
#define LOCKUP 0x00000008u
#define WAKEUPS 0x001F0000u /* OFF, LPCOMP, DIF, NFC, VBUS */

static uint32_t nrf52_read(void)
{
    return PRAM_RESET_REG_LOAD(RESETREAS);
}

static uint32_t nrf52_causes(uint32_t raw)
{
    uint32_t c = 0u;
    if (raw == 0u)
        return PRAM_RESET_POWER_ON;
    if (raw & RESETPIN)
        c |= PRAM_RESET_PIN;
    if (raw & DOG)
        c |= PRAM_RESET_WATCHDOG;
    if (raw & SREQ)
        c |= PRAM_RESET_SOFTWARE;
    if (raw & LOCKUP)
        c |= PRAM_RESET_LOCKUP;
    if (raw & WAKEUPS)
        c |= PRAM_RESET_OTHER;
    return c;
}

static void nrf52_clear(void)
{
    uint32_t v = PRAM_RESET_REG_LOAD(RESETREAS);
    if (v != 0u)
        PRAM_RESET_REG_STORE(RESETREAS, v);
}

const pram_reset_port_t pram_reset_port_nrf52 = {"nrf52", nrf52_read, nrf52_causes, nrf52_clear};
