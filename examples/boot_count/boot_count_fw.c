/* Boot counter on Cortex-M under QEMU, across real resets.
 *
 * The counter is an A/B pram cell in .noinit.  Each boot reads it, adds one,
 * commits and prints "boot N"; below BOOTS_WANTED it resets the whole
 * machine through SYSRESETREQ.  Startup code re-initialises .data and .bss on
 * every boot and QEMU reloads the image, so the count only goes up if .noinit
 * really survived.  After the last boot the cell is invalidated (the next run
 * starts from 1 again, on a board as in QEMU) and QEMU exits with status 0.
 *
 * Expected output (examples/tools/run_qemu.sh checks it):
 *   boot_count: no valid counter (PRAM_ERR_INVALID), starting from 0
 *   boot 1 ... boot 5
 *   boot_count: done, 5 boots across 4 resets
 */
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"

#define BOOTS_WANTED 5u

typedef struct {
    uint32_t boots;
} boot_info_t;

PRAM_CELL_DECLARE(boot_info, boot_info_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(boot_info);

/* Startup code sets these on every boot, so they tell a real reset (through
 * Reset_Handler) from a jump back to main; and they put file bytes (.data)
 * right next to .noinit, which the placement gate and QEMU must keep apart. */
static volatile uint32_t fresh_bss;
static volatile uint32_t fresh_data = 0x600DDA7Au;

static int fail(const char *what, int rc)
{
    fw_puts("boot_count: ");
    fw_puts(what);
    fw_puts(" failed: ");
    fw_puts(pram_strerror(rc));
    fw_puts("\n");
    return 1;
}

int main(void)
{
    boot_info_t bi;
    int rc;
    if (fresh_bss != 0u || fresh_data != 0x600DDA7Au) {
        fw_puts("boot_count: .data/.bss not initialised: this boot skipped Reset_Handler\n");
        return 1;
    }
    fresh_bss = 1u;
    fresh_data = 0u;
    rc = boot_info_get(&bi);
    if (rc != PRAM_OK) {
        fw_puts("boot_count: no valid counter (");
        fw_puts(pram_strerror(rc));
        fw_puts("), starting from 0\n");
        fw_puts("boot_count: cell at ");
        fw_put_hex32((uint32_t)(uintptr_t)boot_info.addr);
        fw_puts(", .noinit ");
        fw_put_hex32((uint32_t)(uintptr_t)__pram_noinit_start);
        fw_puts("..");
        fw_put_hex32((uint32_t)(uintptr_t)__pram_noinit_end);
        fw_puts("\n");
        bi.boots = 0u;
    }
    bi.boots++;
    rc = boot_info_set(&bi);
    if (rc != PRAM_OK)
        return fail("set", rc);
    fw_put_kv_u32("boot", bi.boots);

    if (bi.boots < BOOTS_WANTED)
        fw_reset(); /* pram_cell_set ended with PRAM_BARRIER (a DSB) */

    fw_puts("boot_count: done, ");
    fw_put_u32(bi.boots);
    fw_puts(" boots across ");
    fw_put_u32(bi.boots - 1u);
    fw_puts(" resets\n");
    rc = boot_info_invalidate();
    if (rc != PRAM_OK)
        return fail("invalidate", rc);
    return 0;
}
