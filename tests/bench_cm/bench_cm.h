/* bench_cm: what the firmware's two files share (see bench_cm_fw.c). */
#ifndef BENCH_CM_H
#define BENCH_CM_H

#include <stdint.h>

/* Every timed operation, its setup and every floor has this shape: the
 * harness calls them through a pointer, so each figure includes the same
 * call overhead, and the cost of an empty one is subtracted. */
typedef void (*bench_fn_t)(void *ctx);

/* Floor context: copy `bytes` (a multiple of 4) from src to dst as words,
 * and/or CRC-16 `bytes` at src. */
typedef struct {
    uint32_t *dst;
    const uint32_t *src;
    uint32_t bytes;
} bench_floor_t;

/* Floors (bench_cm_floor.c, built without loop-to-memcpy rewriting). */
void bench_floor_copy_crc(void *ctx);  /* word copy + pram_crc16 over the bytes */
void bench_floor_crc(void *ctx);       /* pram_crc16 over the bytes            */
void bench_floor_store_dsb(void *ctx); /* one word store to dst, then a DSB    */

/* Where floors and operations leave results, so nothing is optimised away. */
extern volatile uint32_t bench_sink;

#endif /* BENCH_CM_H */
