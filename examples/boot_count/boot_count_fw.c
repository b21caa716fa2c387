/* Boot counter on Cortex-M under QEMU, across real resets: why did it reboot?
 *
 * A thin user of pram_reboot (pram_reboot.h): every boot calls
 * pram_reboot_boot() first, prints the reason, the boot count and the
 * unexpected-reboot count the library keeps since cold boot in its record
 * (.noinit), and acknowledges the report.  Then it resets the machine in
 * the next way of the plan, so that one run meets each reason:
 *
 *   boot 1  power-on (cold: QEMU starts with zeroed RAM)
 *           -> pram_reboot_mark(PRAM_MARK_USER, 1), SYSRESETREQ
 *   boot 2  software, mark user 1
 *           -> SYSRESETREQ, unmarked
 *   boot 3  unknown: the reset-cause port is "none" (QEMU's models of these
 *           boards have no reset-cause register), so nothing tells an
 *           unmarked reset from any other; it counts as unexpected.  With a
 *           port that sees SYSRESETREQ it would read "unexpected".
 *           -> the board's watchdog, never fed: its first timeout raises NMI,
 *              whose handler marks PRAM_MARK_WATCHDOG (as firmware with an
 *              early-warning watchdog interrupt does); the second resets
 *   boot 4  watchdog
 *           -> pram_reboot_mark(PRAM_MARK_UPDATE, 2), SYSRESETREQ
 *   boot 5  software, mark update 2; done, exit status 0
 *
 * On a board whose QEMU model has no watchdog (microbit, netduinoplus2) boot
 * 3 goes straight to the update reset, and the run ends at boot 4.  Startup
 * code re-initialises .data and .bss on every boot and QEMU reloads the
 * image, so the counts only go up if .noinit really survived.
 * examples/examples.mk (qemu-boot-count) checks every line. */
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"
#include "pram/pram_reboot.h"

/* Watchdog clock ticks to each timeout: 4 ms at mps2-an385's 25 MHz. */
#define WDOG_TICKS 100000u

/* Startup code sets these on every boot, so they tell a real reset (through
 * Reset_Handler) from a jump back to main; and they put file bytes (.data)
 * right next to .noinit, which the placement gate and QEMU must keep apart. */
static volatile uint32_t fresh_bss;
static volatile uint32_t fresh_data = 0x600DDA7Au;

/* 0 only in the control build of examples/examples.mk, which must see the
 * watchdog reset come out "unknown" without the NMI's mark. */
#ifndef BOOT_COUNT_NMI_MARKS
#  define BOOT_COUNT_NMI_MARKS 1
#endif

/* The watchdog's early warning (its interrupt is NMI on the MPS2 boards):
 * say why the coming reset happens.  pram_reboot_mark is fault-handler safe;
 * QEMU may raise NMI again with the second timeout, and marking twice is
 * harmless.  (Replaces startup.c's weak default.) */
void NMI_Handler(void);
void NMI_Handler(void)
{
#if BOOT_COUNT_NMI_MARKS
    (void)pram_reboot_mark(PRAM_MARK_WATCHDOG, 0u);
#endif
}

/* "boot 2: software (mark user 1); unexpected reboots 0" */
static void print_report(const pram_reboot_report_t *r)
{
    fw_puts("boot ");
    fw_put_u32(r->boots);
    fw_puts(": ");
    fw_puts(pram_reboot_reason_name(r->reason));
    if (r->cold)
        fw_puts(" (cold)");
    else if (r->mark != PRAM_MARK_NONE) {
        fw_puts(" (mark ");
        fw_puts(pram_reboot_mark_name(r->mark));
        if (r->mark_arg != 0u) {
            fw_puts(" ");
            fw_put_u32(r->mark_arg);
        }
        fw_puts(")");
    }
    fw_puts("; unexpected reboots ");
    fw_put_u32(r->unexpected);
    if (r->has_crash) {
        fw_puts("; crash at pc ");
        fw_put_hex32(r->crash.pc);
    }
}

static FW_NORETURN void marked_reset(uint32_t mark, uint32_t arg)
{
    int rc = pram_reboot_mark(mark, arg);
    if (rc != PRAM_OK) {
        fw_puts("\nboot_count: pram_reboot_mark failed: ");
        fw_puts(pram_strerror(rc));
        fw_puts("\n");
        fw_exit(1);
    }
    fw_puts(" -> reset marked ");
    fw_puts(pram_reboot_mark_name(mark));
    fw_puts(" ");
    fw_put_u32(arg);
    fw_puts("\n");
    fw_reset(); /* the mark's cell set ended with PRAM_BARRIER (a DSB) */
}

int main(void)
{
    const pram_reboot_report_t *r;
    int rc;
    if (fresh_bss != 0u || fresh_data != 0x600DDA7Au) {
        fw_puts("boot_count: .data/.bss not initialised: this boot skipped Reset_Handler\n");
        return 1;
    }
    fresh_bss = 1u;
    fresh_data = 0u;

    /* First of all: after a firmware update that moved containers, put each
     * back under its value (nothing to do on other boots). */
    rc = pram_migrate(NULL);
    if (rc < 0) {
        fw_puts("boot_count: pram_migrate failed: ");
        fw_puts(pram_strerror(rc));
        fw_puts("\n");
        return 1;
    }
    r = pram_reboot_boot(); /* then this: reads and clears the cause once */
    print_report(r);
    rc = pram_reboot_ack(); /* "sent" (printed): the next crash is kept */
    if (rc != PRAM_OK) {
        fw_puts("\nboot_count: pram_reboot_ack failed: ");
        fw_puts(pram_strerror(rc));
        fw_puts("\n");
        return 1;
    }

    switch (r->boots) {
    case 1u:
        marked_reset(PRAM_MARK_USER, 1u);
    case 2u:
        fw_puts(" -> reset unmarked\n");
        fw_reset();
    case 3u:
        if (!fw_wdog_start(WDOG_TICKS))
            marked_reset(PRAM_MARK_UPDATE, 2u); /* no watchdog on this board */
        fw_puts(" -> watchdog, not fed\n");
        for (;;) /* NMI, then the reset */
            __asm__ __volatile__("wfi");
    case 4u: /* after the watchdog, one more marked reset */
        if (r->reason == PRAM_REBOOT_WATCHDOG)
            marked_reset(PRAM_MARK_UPDATE, 2u);
        break;
    default:
        break;
    }
    fw_puts("\nboot_count: done, ");
    fw_put_u32(r->boots);
    fw_puts(" boots across ");
    fw_put_u32(r->boots - 1u);
    fw_puts(" resets, ");
    fw_put_u32(r->unexpected);
    fw_puts(" unexpected\n");
    return 0;
}
