/* A/B boot counter in four 32-bit "registers" on QEMU mps2-an385, across
 * real resets (SYSRESETREQ).  The board has no backup registers, so the
 * four words are RAM that survives a reset (.noinit), reached only as a
 * width-4 register file of 16 bytes: PRAM_REGION(regs, 16, 4, 4).  A
 * compact A/B uint32_t cell fills it exactly (PRAM_COMPACT_SIZE == 16);
 * the guard words on either side, written on the first boot, must never
 * change: the cell uses those 16 bytes and nothing else.
 *
 * Each boot prints "boot N"; boot 5 prints the summary and exits 0.
 * tests/compact/compact.mk (qemu-compact) checks every line. */
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"
#include "pram/pram_compact.h"

#define GUARD_BEFORE 0x5AFE0001u
#define GUARD_AFTER 0x5AFE0002u
#define BOOTS 5u

/* COMPACT_CONTROL_BSS: the control build, registers in .bss, which startup
 * code zeroes on every boot: it must never count past 1. */
#ifdef COMPACT_CONTROL_BSS
#  define BKP_PLACE
#else
#  define BKP_PLACE PRAM_NOINIT_NAMED(compact_bkp)
#endif
static struct {
    uint32_t before;
    uint32_t regs[4];
    uint32_t after;
} bkp BKP_PLACE;

static const pram_region_t regs = PRAM_REGION(bkp.regs, sizeof bkp.regs, 4, 4);

PRAM_COMPACT_DECLARE_IN(boots, uint32_t, 1, PRAM_AB);
PRAM_COMPACT_DEFINE_IN(boots, &regs, 0);

PRAM_STATIC_ASSERT(PRAM_COMPACT_SIZE(boots) == 16u, boots_fills_four_registers);
PRAM_STATIC_ASSERT(sizeof bkp.regs == 16u, four_registers);

static void fail(const char *what)
{
    fw_puts("compact: FAIL ");
    fw_puts(what);
    fw_puts("\n");
    fw_exit(1);
}

int main(void)
{
    uint32_t n, check;
    int st = boots_status();
    if (st == PRAM_OK) {
        if (bkp.before != GUARD_BEFORE || bkp.after != GUARD_AFTER)
            fail("a guard word next to the registers changed");
        if (boots_get(&n) != PRAM_OK)
            fail("get");
    } else {
        /* Cold: QEMU starts with zeroed RAM, which must never validate. */
        if (st != PRAM_ERR_INVALID)
            fail("cold registers did not read PRAM_ERR_INVALID");
        bkp.before = GUARD_BEFORE;
        bkp.after = GUARD_AFTER;
        n = 0u;
        fw_put_kv_u32("compact: region bytes", regs.size);
        fw_put_kv_u32("compact: cell bytes", PRAM_COMPACT_SIZE(boots));
    }
    n++;
    if (boots_set(&n) != PRAM_OK || boots_get(&check) != PRAM_OK || check != n)
        fail("set");
    fw_put_kv_u32("boot", n);
    if (n < BOOTS)
        fw_reset();
    if (bkp.before != GUARD_BEFORE || bkp.after != GUARD_AFTER)
        fail("a guard word next to the registers changed");
    fw_puts("compact: done, 5 boots counted in 16 bytes (A/B uint32_t), guards intact\n");
    fw_exit(0);
}
