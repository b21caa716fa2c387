/* make test-pramdump: pramdump on an ELF64 file.  A host program (not PIE:
 * the manifest's addresses are the ones it runs at) with containers of
 * every shape, written, then its containers' bytes dumped to a file:
 *
 *   pd_host_fw OUT.bin
 *
 * prints "base=0x..." (the address of OUT.bin's first byte: the lowest
 * container) and "name=hex" lines of the values pramdump must report
 * (tests/pramdump/run.sh compares; the rest it knows). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_reboot.h"

typedef struct {
    uint64_t stamp; /* aligned to 8: the value sits at slot offset 16 */
    uint32_t count;
} h_wide_t;

PRAM_CELL_DECLARE(h_single, uint32_t, 1, PRAM_SINGLE);
PRAM_CELL_DECLARE(h_wide, h_wide_t, 7, PRAM_AB);
PRAM_CELL_DECLARE(h_gone, uint32_t, 1, PRAM_AB);
PRAM_CELL_DECLARE(h_never, uint32_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE(h_single);
PRAM_CELL_DEFINE(h_wide);
PRAM_CELL_DEFINE(h_gone);
PRAM_CELL_DEFINE(h_never);
PRAM_BUF_DEFINE(h_lin, 64, 5);
PRAM_BUF_DEFINE_RING(h_ring, 40, 6);

static void hex(const char *name, const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    printf("%s=", name);
    for (i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    uintptr_t lo, hi;
    const pram_cell_t *rec = pram_reboot_cell();
    const uintptr_t at[][2] = {
        {(uintptr_t)rec->addr, pram_cell_storage_size(rec)},
        {(uintptr_t)&h_single__storage, sizeof h_single__storage},
        {(uintptr_t)&h_wide__storage, sizeof h_wide__storage},
        {(uintptr_t)&h_gone__storage, sizeof h_gone__storage},
        {(uintptr_t)&h_never__storage, sizeof h_never__storage},
        {(uintptr_t)h_lin.def->addr, h_lin.def->size},
        {(uintptr_t)h_ring.def->addr, h_ring.def->size},
    };
    uint32_t one = 0xC0FFEEu, i;
    h_wide_t w;
    pram_crash_t crash;
    FILE *f;
    char line[16];
    if (argc != 2)
        return 2;
    memset(&w, 0, sizeof w);
    w.stamp = 0x0123456789ABCDEFull;
    w.count = 1u;
    if (h_single_set(&one) || h_wide_set(&w) || h_gone_set(&one) || h_gone_invalidate())
        return 1;
    w.count = 2u; /* slot B */
    if (h_wide_set(&w))
        return 1;
    if (pram_buf_open(&h_lin) != PRAM_BUF_COLD || pram_buf_open(&h_ring) != PRAM_BUF_COLD)
        return 1;
    if (pram_buf_append(&h_lin, "first", 5) || pram_buf_append(&h_lin, "", 0) ||
        pram_buf_append(&h_lin, "\"quoted\\\"\n", 10))
        return 1;
    /* 40 bytes of ring, 16-byte records: the oldest are dropped. */
    for (i = 0; i < 5u; i++) {
        (void)snprintf(line, sizeof line, "ring %u", (unsigned)i);
        if (pram_buf_append(&h_ring, line, 6))
            return 1;
    }
    /* The reboot record: a boot, a crash captured (as a fault handler
     * would), a mark left for the next boot. */
    memset(&crash, 0, sizeof crash);
    crash.kind = PRAM_REBOOT_FAULT;
    crash.reason = 12u; /* UNDEFINSTR */
    crash.pc = 0x08001234u;
    crash.lr = 0x08000F01u;
    crash.exception = 6u;
    crash.cfsr = 0x00010000u;
    crash.flags = PRAM_CRASH_FRAME;
    crash.stack_words = 2u;
    crash.stack[0] = 0xAAAA5555u;
    crash.stack[1] = 0x12345678u;
    (void)pram_reboot_boot();
    if (pram_reboot_crash(&crash) || pram_reboot_mark(PRAM_MARK_USER, 42u))
        return 1;
    lo = hi = at[0][0];
    for (i = 0; i < sizeof at / sizeof at[0]; i++) {
        if (at[i][0] < lo)
            lo = at[i][0];
        if (at[i][0] + at[i][1] > hi)
            hi = at[i][0] + at[i][1];
    }
    f = fopen(argv[1], "wb");
    if (!f || fwrite((const void *)lo, 1, hi - lo, f) != hi - lo || fclose(f) != 0)
        return 1;
    printf("base=0x%lx\n", (unsigned long)lo);
    hex("h_single", &one, sizeof one);
    hex("h_wide", &w, sizeof w);
    return 0;
}
