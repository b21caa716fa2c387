/* bench_cm floors: the least work an operation could do, measured in the same
 * run with the same compiler flags as the core.
 *
 * Built with -fno-tree-loop-distribute-patterns (this file only, see
 * bench_cm.mk): otherwise GCC turns the copy loop into a memcpy call, and
 * there is no C library behind this firmware.  The loop is plain C on
 * ordinary pointers, so -Os compiles it as a compiler would any copy. */
#include <stdint.h>

#include "bench_cm.h"
#include "pram/pram_crc.h"

volatile uint32_t bench_sink;

static void copy_words(uint32_t *dst, const uint32_t *src, uint32_t words)
{
    uint32_t i;
    for (i = 0u; i < words; i++)
        dst[i] = src[i];
}

void bench_floor_copy_crc(void *ctx)
{
    const bench_floor_t *f = (const bench_floor_t *)ctx;
    copy_words(f->dst, f->src, f->bytes / 4u);
    bench_sink = pram_crc16(PRAM_CRC16_INIT, f->src, f->bytes);
}

void bench_floor_crc(void *ctx)
{
    const bench_floor_t *f = (const bench_floor_t *)ctx;
    bench_sink = pram_crc16(PRAM_CRC16_INIT, f->src, f->bytes);
}

void bench_floor_store_dsb(void *ctx)
{
    const bench_floor_t *f = (const bench_floor_t *)ctx;
    *(volatile uint32_t *)f->dst = 0u;
    __asm__ __volatile__("dsb 0xf" ::: "memory");
}
