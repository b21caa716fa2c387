/* CRC throughput benchmark -- not a test: it asserts nothing about speed.
 *
 * Measures every CRC-16/CCITT-FALSE variant (bitwise, nibble, byte), every
 * CRC-32 variant and zlib's crc32() over a 4 KiB buffer, each for about
 * 0.2 s of CLOCK_MONOTONIC time, and prints MB/s (10^6 bytes per second) and
 * the ratio to the bitwise variant of the same CRC measured in the same run.
 * A checksum of every result is printed too so the work cannot be elided, and
 * each variant's result on the buffer is compared with the bitwise one (a
 * mismatch is reported and makes the exit status 1; speed never does).
 *
 * `make bench` builds and runs it.  By hand from the repository root, with the test build's flags
 * (the library sources are compiled with all CRC variants, as in `make test`):
 *
 *   mkdir -p build/bench && gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wshadow -Wundef \
 *       -Wstrict-prototypes -Wvla -O2 -g -D_DEFAULT_SOURCE -DPRAM_CRC_ALL_VARIANTS=1 \
 *       -Iinclude tests/bench_crc.c src/pram_crc16.c src/pram_crc32.c -lz -o build/bench/bench_crc \
 *     && build/bench/bench_crc
 *
 * or link against a test-variant library instead of the two sources (its
 * store hooks need tests/support):
 *
 *   gcc <same flags> -DPRAM_USER_CONFIG='"pram_test_config.h"' -Itests/support -Iinclude \
 *       tests/bench_crc.c build/gcc/libpram_test.a -lz -o build/bench/bench_crc
 *
 * Optional argument: seconds per variant (default 0.2).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#include "pram/pram_crc.h"

#define BUF_SIZE 4096u

static unsigned char buf[BUF_SIZE];
static volatile uint32_t sink;

typedef uint32_t (*run_fn)(uint32_t seed);

static uint32_t run_crc16_bitwise(uint32_t s)
{
    return pram_crc16_bitwise((uint16_t)s, buf, BUF_SIZE);
}
static uint32_t run_crc16_nibble(uint32_t s)
{
    return pram_crc16_nibble((uint16_t)s, buf, BUF_SIZE);
}
static uint32_t run_crc16_byte(uint32_t s)
{
    return pram_crc16_byte((uint16_t)s, buf, BUF_SIZE);
}
static uint32_t run_crc16_selected(uint32_t s)
{
    return pram_crc16((uint16_t)s, buf, BUF_SIZE);
}
static uint32_t run_crc32_bitwise(uint32_t s)
{
    return pram_crc32_bitwise(s, buf, BUF_SIZE);
}
static uint32_t run_crc32_nibble(uint32_t s)
{
    return pram_crc32_nibble(s, buf, BUF_SIZE);
}
static uint32_t run_crc32_byte(uint32_t s)
{
    return pram_crc32_byte(s, buf, BUF_SIZE);
}
static uint32_t run_crc32_selected(uint32_t s)
{
    return pram_crc32(s, buf, BUF_SIZE);
}
static uint32_t run_zlib(uint32_t s)
{
    return (uint32_t)crc32((uLong)s, buf, BUF_SIZE);
}

typedef struct {
    const char *name;
    run_fn fn;
    int family;   /* 16 or 32 */
    int baseline; /* the bitwise variant of its family */
    uint32_t check; /* result from the PRAM_CRC16_INIT / 0 seed */
    double mbps;
} variant_t;

static variant_t variants[] = {
    {"crc16 bitwise", run_crc16_bitwise, 16, 1, 0u, 0.0},
    {"crc16 nibble", run_crc16_nibble, 16, 0, 0u, 0.0},
    {"crc16 byte", run_crc16_byte, 16, 0, 0u, 0.0},
    {"crc16 (pram_crc16)", run_crc16_selected, 16, 0, 0u, 0.0},
    {"crc32 bitwise", run_crc32_bitwise, 32, 1, 0u, 0.0},
    {"crc32 nibble", run_crc32_nibble, 32, 0, 0u, 0.0},
    {"crc32 byte", run_crc32_byte, 32, 0, 0u, 0.0},
    {"crc32 (pram_crc32)", run_crc32_selected, 32, 0, 0u, 0.0},
    {"crc32 zlib crc32()", run_zlib, 32, 0, 0u, 0.0},
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

static double now(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs fn over the buffer until `seconds` have passed (checking the clock
 * every `batch` calls); returns MB/s. */
static double measure(run_fn fn, double seconds)
{
    const unsigned batch = 16u;
    unsigned long calls = 0ul;
    uint32_t acc = 0u;
    double t0, t1;
    unsigned i;
    acc ^= fn(acc); /* warm-up: tables into cache, page faults done */
    t0 = now();
    do {
        for (i = 0; i < batch; i++)
            acc ^= fn(acc); /* each call depends on the last: no overlap */
        calls += batch;
        t1 = now();
    } while (t1 - t0 < seconds);
    sink ^= acc;
    return (double)calls * (double)BUF_SIZE / (t1 - t0) / 1e6;
}

int main(int argc, char **argv)
{
    double seconds = 0.2, base = 0.0;
    uint32_t x = 0x12345678u;
    size_t i;
    int mismatch = 0;
    if (argc > 1) {
        seconds = atof(argv[1]);
        if (!(seconds > 0.0 && seconds < 60.0)) {
            fprintf(stderr, "usage: %s [seconds per variant, default 0.2]\n", argv[0]);
            return 2;
        }
    }
    for (i = 0; i < BUF_SIZE; i++) { /* fixed pseudo-random content */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)(x >> 24);
    }
    for (i = 0; i < NVARIANTS; i++) {
        variant_t *v = &variants[i];
        v->check = v->fn(v->family == 16 ? PRAM_CRC16_INIT : 0u);
        v->mbps = measure(v->fn, seconds);
    }
    printf("CRC throughput, %u-byte buffer, ~%.2f s per variant\n", BUF_SIZE, seconds);
    printf("%-20s %10s %12s %12s\n", "variant", "MB/s", "x bitwise", "result");
    for (i = 0; i < NVARIANTS; i++) {
        const variant_t *v = &variants[i];
        const variant_t *b = v;
        size_t k;
        for (k = 0; k < NVARIANTS; k++)
            if (variants[k].family == v->family && variants[k].baseline)
                b = &variants[k];
        base = b->mbps;
        printf("%-20s %10.1f %11.2fx   0x%0*lX%s\n", v->name, v->mbps, base > 0.0 ? v->mbps / base : 0.0,
               v->family == 16 ? 4 : 8, (unsigned long)v->check,
               v->check != b->check ? "  MISMATCH vs bitwise" : "");
        if (v->check != b->check)
            mismatch = 1;
    }
    printf("(sink 0x%08lX)\n", (unsigned long)sink);
    return mismatch;
}
