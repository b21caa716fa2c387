/* Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): failing a promise,
 * reading the fuzz input, persistent memory of each access width, and the
 * access checker that replaces tests/support/regfile.c in fuzz builds.
 *
 * A broken promise is reported by fz_fail(): a message naming the check,
 * then abort(), which libFuzzer (and ASan in the gcc replay build) turns
 * into a crash with the input saved. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "pram/pram.h"
#include "regfile.h"

#if defined(__GNUC__)
#  define FZ_NORETURN __attribute__((noreturn))
#  define FZ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define FZ_NORETURN
#  define FZ_PRINTF(a, b)
#endif

void fz_fail(const char *file, int line, const char *fmt, ...) FZ_NORETURN FZ_PRINTF(3, 4);
void fz_fail_check(const char *file, int line, const char *cond, const char *fmt, ...) FZ_NORETURN
    FZ_PRINTF(4, 5);
/* FZ_CHECK(cond, "format", args...): a promise; the message says which. */
#define FZ_CHECK(cond, ...)                                        \
    do {                                                           \
        if (!(cond))                                               \
            fz_fail_check(__FILE__, __LINE__, #cond, __VA_ARGS__); \
    } while (0)

/* Once per process: cmocka assertions in the test-support models (only
 * reached on harness misuse) abort instead of exiting. */
void fz_init(void);
/* PRAM_FUZZ_TRACE=1 in the environment: harnesses print each operation. */
extern int fz_trace;
/* Where the harness is, for the failure message (a static string). */
extern const char *fz_where;

/* ---- Input --------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
} fz_in_t;

static inline unsigned fz_u8(fz_in_t *in)
{
    if (!in->n)
        return 0u;
    in->n--;
    return *in->p++;
}
static inline uint32_t fz_u16(fz_in_t *in)
{
    uint32_t lo = fz_u8(in);
    return lo | (uint32_t)fz_u8(in) << 8;
}
static inline uint32_t fz_u32(fz_in_t *in)
{
    uint32_t lo = fz_u16(in);
    return lo | fz_u16(in) << 16;
}
/* len bytes of input into dst; zeros once the input runs out. */
void fz_take(fz_in_t *in, void *dst, size_t len);

/* ---- Persistent memory of each kind -------------------------------------- */

/* FZ_MEM: ordinary memory, no region (addresses).  The others are regions
 * built as PRAM_REGION builds them (test_region()): width 0 (ordinary memory
 * through a region), 4, 2 with stride 4 (STM32F1 BKP), 1 contiguous, 1 with
 * stride 4 (nRF52 GPREGRET-like).  Register files are checked on every
 * access: exact width, unit boundary, alignment (the fuzz copy of
 * regfile.c's rules, which aborts). */
enum { FZ_MEM, FZ_W0, FZ_W4, FZ_W2S4, FZ_W1, FZ_W1S4, FZ_NKINDS };
extern const char *const fz_kind_name[FZ_NKINDS];

typedef struct {
    unsigned kind;
    unsigned width, step; /* access width and address step of a unit */
    uint32_t logical;     /* bytes as containers see them (region size) */
    uint8_t *phys;        /* backing memory, exactly phys_len bytes (heap: ASan
                             catches any access past it) */
    size_t phys_len;
    pram_region_t region;
    regfile_t rf;
} fz_mem_t;

void fz_mem_init(fz_mem_t *m, unsigned kind, uint32_t logical);
void fz_mem_free(fz_mem_t *m);
/* The region (NULL for FZ_MEM). */
const pram_region_t *fz_region(const fz_mem_t *m);
/* Backing byte of logical byte L. */
uint8_t *fz_byte(const fz_mem_t *m, uint32_t L);
void fz_get(const fz_mem_t *m, uint32_t L, void *dst, uint32_t len);
void fz_put(const fz_mem_t *m, uint32_t L, const void *src, uint32_t len);
uint32_t fz_word(const fz_mem_t *m, uint32_t L);
/* Every library access from now on must lie in logical [L, L + len) of m
 * (the physical span it maps to; register files also by unit). */
void fz_confine(fz_mem_t *m, uint32_t L, uint32_t len);
/* Accesses through the store/load hooks anywhere again, no register file. */
void fz_release(void);

/* ---- The access checker (fuzz_hw.c) ---------------------------------------- */

/* Every PRAM_HW_LOAD / PRAM_HW_STORE of the test configuration passes here:
 * one outside [lo, lo + len) fails (len 0: no window). */
void fz_window(const volatile void *lo, size_t len);
extern unsigned long fz_hw_loads, fz_hw_stores;

/* ---- Oracles (tests/support/cell_model.c, over the bytes as they stand) ---- */

/* What a reader must make of cell c (in m: its region, or m's memory at
 * c->addr for FZ_MEM): PRAM_OK and its value in value (may be NULL), or
 * PRAM_ERR_INVALID / PRAM_ERR_LAYOUT. */
int fz_cell_oracle(const fz_mem_t *m, const pram_cell_t *c, void *value);
/* The same for a single-slot internal cell (kind 1 buffer control, kind 2
 * region header or migration system cell) of value_size bytes at logical L. */
int fz_kind_oracle(const fz_mem_t *m, uint32_t L, unsigned kind, uint32_t value_size,
                   uint16_t schema, void *value);

/* ---- Results ---------------------------------------------------------------- */

/* 1 if rc is one of the n codes that follow. */
int fz_rc_in(int rc, int n, ...);

#endif
