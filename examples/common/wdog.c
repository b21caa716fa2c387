/* The board's watchdog, for examples that reset through it.
 *
 * The MPS2 boards have Arm's CMSDK APB watchdog, and QEMU emulates it: the
 * counter runs down from LOAD while INTEN is set; the first time it reaches
 * zero it raises its interrupt (wired to NMI on these boards) and reloads;
 * the second time, with the interrupt still pending and RESEN set, it
 * resets the machine.  Writing 0x1ACCE551 to LOCK unlocks the registers,
 * anything else locks them again.  Measured on QEMU 7.2 (examples/examples.mk):
 *   mps2-an385        0x40008000, 25 MHz, NMI then reset (mps2-an386 has
 *                     the same map; not run here);
 *   mps2-an505        0x50081000 (Secure watchdog), NMI then reset.  Its
 *                     Non-secure watchdog at 0x40081000 resets too but
 *                     raises IRQ 1, not NMI; the S32K watchdog at
 *                     0x5002E000 (NMI) counts a 32 kHz clock.
 * QEMU's own reset-cause registers do not help: QEMU resets every device on
 * a watchdog reset as on SYSRESETREQ (mps2-an505's RESET_SYNDROME reads 1,
 * power-on, afterwards), so the NMI's mark is what tells "watchdog".
 * Without RESEN the counter stops after the second timeout: no reset.
 *
 * The board's address comes from the build (FW_WDOG_BASE, examples.mk);
 * boards without one get a stub that says so. */
#include <stdint.h>

#include "fw.h"

#ifdef FW_WDOG_BASE

#define WDOG_REG(off) (*(volatile uint32_t *)((uintptr_t)(FW_WDOG_BASE) + (off)))
#define WDOG_LOAD WDOG_REG(0x000u)
#define WDOG_CONTROL WDOG_REG(0x008u)
#define WDOG_LOCK WDOG_REG(0xC00u)

#define WDOG_CONTROL_INTEN (1u << 0)
#define WDOG_CONTROL_RESEN (1u << 1)
#define WDOG_UNLOCK_KEY 0x1ACCE551u

int fw_wdog_start(uint32_t ticks)
{
    WDOG_LOCK = WDOG_UNLOCK_KEY;
    WDOG_LOAD = ticks; /* also reloads the counter */
    WDOG_CONTROL = WDOG_CONTROL_INTEN | WDOG_CONTROL_RESEN;
    WDOG_LOCK = 0u;
    return 1;
}

#else

int fw_wdog_start(uint32_t ticks)
{
    (void)ticks;
    return 0;
}

#endif
