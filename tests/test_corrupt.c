/* Corruption (issue 3, part 3): bit flips and garbage.
 *
 * Flips: every single bit and every pair of bits of a committed slot (header
 * and value, not padding) of cells of 1..256 bytes, both modes; of a buffer
 * record (header and payload, not padding); of a buffer control slot.  Each
 * flipped image is checked through the public API (cells: the generic get
 * and the cell's typed get, compiled at the call site), then restored:
 *   - single-slot cell, and A/B cell freshly set (slot 1 invalid): must not
 *     read OK;
 *   - A/B cell at rest after two sets (the previous slot is retired,
 *     docs/design.md): must not read OK, in particular never the stale value;
 *   - A/B cell between a commit and its retire store (both slots valid),
 *     newest slot flipped: reads the older committed value or invalid, never
 *     the flipped one;
 *   - buffer record k flipped before open: the walk stops before it
 *     (count == k, earlier records intact); flipped behind an open handle:
 *     pram_buf_next reports PRAM_ERR_CORRUPT at record k, never a payload;
 *   - buffer control slot (after format, after a clear): open formats, never
 *     says INTACT (no record from before the clear comes back);
 *   - each record of a ring that has wrapped (records on both sides of
 *     offset 0): open stops the walk right before it; behind an open handle
 *     next returns the records before it then PRAM_ERR_CORRUPT, prev only
 *     exact records newer than it then PRAM_ERR_CORRUPT.
 * All pairs are flipped up to 256 bytes for single-slot cells, freshly set
 * A/B cells and records at open; the other scenarios run the same check code
 * on the same bytes, so they get every single flip but pairs up to 64 bytes.
 * Garbage: random bytes over a whole container (4-byte cells, a small buffer),
 * counting false accepts (cell reads OK; buffer opens INTACT): must be 0.
 * Over a wrapped ring (PRAM_GARBAGE_TRIALS / 10 images): bit flips anywhere,
 * random words and runs, planted headers and well-formed records of the
 * next sequence numbers, damaged control block; then appends and a reboot:
 * every record returned must be one appended, with its exact bytes, in
 * order (wrong records: must be 0).
 * Targeted garbage plants the magic (then the layout too) so that only the
 * layout compare, then the CRC-16 alone, rejects: those rates are printed and
 * checked against their theoretical value with a Chernoff bound.
 *
 * Environment: PRAM_GARBAGE_TRIALS (trials per container kind and per
 * campaign, default 10^6; the long campaign runs 10^8); PRAM_FLIP_PAIRS_MAX
 * (largest size whose bit pairs are all flipped: default 256, 64 under ASan,
 * which checks memory safety on the same paths). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pram/pram.h"
#include "ref_crc.h"

/* ---- Helpers -------------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t x = (*s += 0x9E3779B97F4A7C15ull);
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static void fill_pattern(uint8_t *p, size_t n, uint64_t seed)
{
    size_t i;
    uint64_t w = 0;
    for (i = 0; i < n; i++) {
        if ((i & 7u) == 0)
            w = splitmix(&seed);
        p[i] = (uint8_t)(w >> (8u * (i & 7u)));
    }
}

static double now_s(void)
{
    struct timespec t;
    (void)clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static unsigned long long env_ull(const char *name, unsigned long long dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtoull(s, NULL, 0) : dflt;
}

/* Largest cell value / record payload whose pairs of bits are all flipped:
 * everything (256) except under ASan+UBSan, which checks memory safety on the
 * same code paths and would take minutes: pairs up to 64 bytes there.
 * PRAM_FLIP_PAIRS_MAX overrides. */
static uint32_t pair_limit(void)
{
    const char *v = getenv("PRAM_TEST_VARIANT");
    return (uint32_t)env_ull("PRAM_FLIP_PAIRS_MAX", v && strcmp(v, "asan") == 0 ? 64u : 256u);
}

/* Scenarios that run the same check code on the same bytes as a full one
 * (A/B at rest after two sets, A/B in the commit window: slot_check as the
 * freshly set A/B cell, plus the fallback; records behind an open handle:
 * record_check as at open) get all single flips but pairs only up to 64
 * bytes: the 256-byte pairs cost seconds each. */
static uint32_t pair_limit_secondary(void)
{
    uint32_t l = pair_limit();
    return l < 64u ? l : 64u;
}

static void flip(uint8_t *base, uint32_t bit)
{
    base[bit >> 3] ^= (uint8_t)(1u << (bit & 7u));
}

typedef struct {
    unsigned long long tried, detected, corrupt_read;
} tally_t;

static tally_t flips_total;

static void tally_add(tally_t *t, const tally_t *a)
{
    t->tried += a->tried;
    t->detected += a->detected;
    t->corrupt_read += a->corrupt_read;
}

/* ---- Cells used by the flip campaign ------------------------------------- */

#define FLIP_SIZES(X) X(1) X(3) X(4) X(16) X(64) X(256)

/* Each cell with its typed get behind an untyped pointer: the typed calls of
 * a PRAM_CELL_DECLARE cell are compiled at the call site, not through the
 * descriptor, so every flipped image is read both ways. */
#define DEF_FLIP(n)                                                                   \
    typedef struct {                                                                  \
        uint8_t b[n];                                                                 \
    } f##n##_t;                                                                       \
    PRAM_CELL_DECLARE(fs##n, f##n##_t, 11, PRAM_SINGLE);                              \
    PRAM_CELL_DEFINE(fs##n);                                                          \
    PRAM_CELL_DECLARE(fa##n, f##n##_t, 12, PRAM_AB);                                  \
    PRAM_CELL_DEFINE(fa##n);                                                          \
    static int fs##n##_tget(void *out) { return fs##n##_get((f##n##_t *)out); }       \
    static int fa##n##_tget(void *out) { return fa##n##_get((f##n##_t *)out); }
FLIP_SIZES(DEF_FLIP)

typedef int (*typed_get_fn)(void *out);
#define FLIP_ROW(n) {&fs##n, &fa##n},
static const pram_cell_t *const flip_cells[][2] = {FLIP_SIZES(FLIP_ROW)};
#define FLIP_TYPED_ROW(n) {fs##n##_tget, fa##n##_tget},
static const typed_get_fn flip_typed[][2] = {FLIP_SIZES(FLIP_TYPED_ROW)};
#define N_FLIP_SIZES (sizeof flip_cells / sizeof flip_cells[0])

#define HDR 12u /* pram_header_t */

/* Verdict on one read (rc, out) of cell c after a flip: 1 detected, 0 not.
 * Detected: the read fails, or (fallback != NULL: the other slot holds an
 * older committed value, intact) it returns exactly that value.  A read
 * that succeeds with anything else is also counted as a corrupt value read
 * unless it is v_new. */
static int read_verdict(const pram_cell_t *c, int rc, const uint8_t *out, const uint8_t *fallback,
                        const uint8_t *v_new, tally_t *t)
{
    if (rc != PRAM_OK)
        return 1;
    if (fallback && memcmp(out, fallback, c->size) == 0)
        return 1;
    if (memcmp(out, v_new, c->size) != 0)
        t->corrupt_read++;
    return 0;
}

/* Outcome of reading cell c after a flip, through the generic API and
 * through the cell's typed get (tget): detected only if both reads are. */
static int cell_verdict(const pram_cell_t *c, typed_get_fn tget, const uint8_t *fallback,
                        const uint8_t *v_new, tally_t *t)
{
    uint8_t out[256], tout[256];
    int generic = read_verdict(c, pram_cell_get(c, out, c->size), out, fallback, v_new, t);
    int typed = read_verdict(c, tget(tout), tout, fallback, v_new, t);
    return generic && typed;
}

/* Flips every bit (and, if pairs, every pair of bits) of [base, base +
 * nbytes), checks each image with cell_verdict and flips back. */
static void flip_cell_span(const pram_cell_t *c, typed_get_fn tget, uint8_t *base,
                           uint32_t nbytes, int pairs, const uint8_t *fallback,
                           const uint8_t *v_new, tally_t *t, const char *what)
{
    uint32_t nbits = nbytes * 8u, i, j;
    int shown = 0;
    for (i = 0; i < nbits; i++) {
        flip(base, i);
        t->tried++;
        if (cell_verdict(c, tget, fallback, v_new, t))
            t->detected++;
        else if (shown++ < 3)
            printf("flips: MISSED %s size %u: bit %u\n", what, (unsigned)c->size, i);
        if (pairs) {
            for (j = i + 1u; j < nbits; j++) {
                flip(base, j);
                t->tried++;
                if (cell_verdict(c, tget, fallback, v_new, t))
                    t->detected++;
                else if (shown++ < 3)
                    printf("flips: MISSED %s size %u: bits %u, %u\n", what, (unsigned)c->size, i, j);
                flip(base, j);
            }
        }
        flip(base, i);
    }
}

static void read_is(const pram_cell_t *c, typed_get_fn tget, const uint8_t *want)
{
    uint8_t out[256];
    assert_int_equal(pram_cell_get(c, out, c->size), PRAM_OK);
    assert_memory_equal(out, want, c->size);
    memset(out, 0, sizeof out);
    assert_int_equal(tget(out), PRAM_OK);
    assert_memory_equal(out, want, c->size);
}

static void flips_cells(void **state)
{
    static uint8_t slot0_v1[HDR + 256u + 4u];
    size_t k;
    tally_t single = {0, 0, 0}, fresh = {0, 0, 0}, rest = {0, 0, 0}, window = {0, 0, 0};
    uint8_t v1[256], v2[256];
    double t0 = now_s();
    (void)state;
    for (k = 0; k < N_FLIP_SIZES; k++) {
        const pram_cell_t *s = flip_cells[k][0], *ab = flip_cells[k][1];
        typed_get_fn sget = flip_typed[k][0], abget = flip_typed[k][1];
        uint32_t n = s->size;
        uint8_t *sm = (uint8_t *)s->addr, *am = (uint8_t *)ab->addr;
        fill_pattern(v1, n, 1000u + n);
        fill_pattern(v2, n, 2000u + n);

        /* Single-slot: one committed slot; nothing may read OK. */
        memset(sm, 0, pram_cell_storage_size(s));
        assert_int_equal(pram_cell_set(s, v1, n), PRAM_OK);
        read_is(s, sget, v1);
        flip_cell_span(s, sget, sm, HDR + n, n <= pair_limit(), NULL, v1, &single, "single");
        read_is(s, sget, v1); /* restored */

        /* A/B freshly set: slot 0 holds the value, slot 1 is invalid. */
        memset(am, 0, pram_cell_storage_size(ab));
        assert_int_equal(pram_cell_set(ab, v1, n), PRAM_OK);
        read_is(ab, abget, v1);
        memcpy(slot0_v1, am, ab->slot_size);
        flip_cell_span(ab, abget, am, HDR + n, n <= pair_limit(), NULL, v1, &fresh, "A/B fresh");

        /* A/B at rest after a second set: v2 in slot 1.  The design retires
         * the previous slot after each commit (docs/design.md, "Why retire"):
         * damage to the current slot reads invalid, never the stale v1. */
        assert_int_equal(pram_cell_set(ab, v2, n), PRAM_OK);
        read_is(ab, abget, v2);
        flip_cell_span(ab, abget, am + ab->slot_size, HDR + n, n <= pair_limit_secondary(), NULL, v2,
                       &rest, "A/B at rest");

        /* A/B between the commit of v2 and the retire store (what a reset
         * there leaves): slot 0 still holds v1 intact, slot 1 the newer v2.
         * Damage to slot 1 reads v1 (committed) or invalid, never a damaged
         * value. */
        memcpy(am, slot0_v1, ab->slot_size);
        read_is(ab, abget, v2);
        flip_cell_span(ab, abget, am + ab->slot_size, HDR + n, n <= pair_limit_secondary(), v1, v2,
                       &window, "A/B commit window");
        read_is(ab, abget, v2);
    }
    printf("flips: cells single-slot: %llu tried, %llu detected, %llu corrupt values read\n",
           single.tried, single.detected, single.corrupt_read);
    printf("flips: cells A/B, only slot valid: %llu tried, %llu detected, %llu corrupt values read\n",
           fresh.tried, fresh.detected, fresh.corrupt_read);
    printf("flips: cells A/B at rest after 2 commits (pairs up to %u bytes): %llu tried, %llu "
           "detected (invalid, no stale value), %llu corrupt values read\n",
           pair_limit_secondary(), rest.tried, rest.detected, rest.corrupt_read);
    printf("flips: cells A/B newest slot, older still valid (pairs up to %u bytes): %llu tried, "
           "%llu detected (older value or invalid), %llu corrupt values read\n",
           pair_limit_secondary(), window.tried, window.detected, window.corrupt_read);
    printf("flips: cells (sizes 1 3 4 16 64 256, all 1-bit flips and all 2-bit flips up to %u "
           "bytes, of header+value) %.1f s\n",
           pair_limit(), now_s() - t0);
    tally_add(&flips_total, &single);
    tally_add(&flips_total, &fresh);
    tally_add(&flips_total, &rest);
    tally_add(&flips_total, &window);
    assert_true(single.tried > 0);
    assert_int_equal(single.detected, single.tried);
    assert_int_equal(fresh.detected, fresh.tried);
    assert_int_equal(rest.detected, rest.tried);
    assert_int_equal(window.detected, window.tried);
    assert_int_equal(single.corrupt_read + fresh.corrupt_read + rest.corrupt_read +
                         window.corrupt_read,
                     0);
}

/* ---- Buffer record flips -------------------------------------------------------- */

#define FB_CAP 640u /* room to spare: most flipped lengths stay in bounds, the CRC decides */
PRAM_BUF_DEFINE(fbuf, FB_CAP, 5);

static const uint32_t rec_sizes[] = {0u, 1u, 5u, 16u, 64u, 256u};
#define N_REC_SIZES (sizeof rec_sizes / sizeof rec_sizes[0])

#define R0_LEN 3u
#define R2_LEN 6u

/* After open on a flipped record 1: detected iff exactly record 0 is there,
 * intact. */
static int buf_open_verdict(const uint8_t *r0, tally_t *t)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    int rc = pram_buf_open(&fbuf), n;
    if (rc != PRAM_BUF_INTACT)
        return 0;
    n = pram_buf_count(&fbuf);
    if (n == 1 && pram_buf_next(&fbuf, &it, &r) == 1 && r.len == R0_LEN &&
        memcmp(r.data, r0, R0_LEN) == 0 && pram_buf_next(&fbuf, &it, &r) == 0)
        return 1;
    if (n >= 2)
        t->corrupt_read++; /* the flipped record was accepted */
    return 0;
}

/* After a flip of record 1 behind an open handle: detected iff next gives
 * record 0 then PRAM_ERR_CORRUPT. */
static int buf_next_verdict(const uint8_t *r0, const uint8_t *r1, uint32_t len1, tally_t *t)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    int rc;
    if (pram_buf_next(&fbuf, &it, &r) != 1 || r.len != R0_LEN || memcmp(r.data, r0, R0_LEN) != 0)
        return 0;
    rc = pram_buf_next(&fbuf, &it, &r);
    if (rc == PRAM_ERR_CORRUPT)
        return 1;
    if (rc == 1 && (r.len != len1 || memcmp(r.data, r1, len1) != 0))
        t->corrupt_read++;
    return 0;
}

/* Flips every bit and every pair of bits of [base, base + nbytes) (record 1)
 * and checks each image.  Open may write (it zeroes the area behind a record
 * that no longer checks, so that the record stays lost): every image is made
 * from `pristine` (the data area from base on, `rest` bytes) and put back
 * after the check. */
static void flip_record_span(uint8_t *base, const uint8_t *pristine, uint32_t rest,
                             uint32_t nbytes, int pairs, int after_open, const uint8_t *r0,
                             const uint8_t *r1, uint32_t len1, tally_t *t)
{
    uint32_t nbits = nbytes * 8u, i, j;
    int shown = 0;
    for (i = 0; i < nbits; i++) {
        for (j = i; j < (pairs ? nbits : i + 1u); j++) { /* j == i: the single flip */
            int ok;
            flip(base, i);
            if (j != i)
                flip(base, j);
            t->tried++;
            ok = after_open ? buf_next_verdict(r0, r1, len1, t) : buf_open_verdict(r0, t);
            if (ok)
                t->detected++;
            else if (shown++ < 3)
                printf("flips: MISSED record len %u (%s): bits %u, %u\n", len1,
                       after_open ? "next" : "open", i, j);
            memcpy(base, pristine, rest);
        }
    }
}

static void flips_records(void **state)
{
    static uint8_t pristine[FB_CAP];
    uint8_t *mem = (uint8_t *)fbuf__storage;
    uint8_t *data = mem + PRAM_BUF_CONTROL_SIZE;
    uint8_t r0[R0_LEN], r1[256], r2[R2_LEN];
    tally_t at_open = {0, 0, 0}, at_next = {0, 0, 0};
    double t0 = now_s();
    size_t k;
    (void)state;
    fill_pattern(r0, sizeof r0, 7u);
    fill_pattern(r2, sizeof r2, 9u);
    for (k = 0; k < N_REC_SIZES; k++) {
        uint32_t len1 = rec_sizes[k], at1 = PRAM_BUF_RECORD_SPACE(R0_LEN);
        int pairs = len1 <= pair_limit(), pairs2 = len1 <= pair_limit_secondary();
        fill_pattern(r1, len1, 100u + len1);
        memset(mem, 0, sizeof fbuf__storage);
        assert_int_equal(pram_buf_open(&fbuf), PRAM_BUF_COLD);
        assert_int_equal(pram_buf_append(&fbuf, r0, R0_LEN), PRAM_OK);
        assert_int_equal(pram_buf_append(&fbuf, r1, len1), PRAM_OK);
        assert_int_equal(pram_buf_append(&fbuf, r2, R2_LEN), PRAM_OK);
        assert_int_equal(pram_buf_open(&fbuf), PRAM_BUF_INTACT);
        assert_int_equal(pram_buf_count(&fbuf), 3);
        memcpy(pristine, data + at1, FB_CAP - at1);

        /* Flipped before the boot's open: the walk must stop at record 1. */
        flip_record_span(data + at1, pristine, FB_CAP - at1, PRAM_BUF_RECORD_HEADER + len1, pairs,
                         0, r0, r1, len1, &at_open);

        /* Flipped behind an open handle: next must refuse record 1. */
        assert_int_equal(pram_buf_open(&fbuf), PRAM_BUF_INTACT);
        assert_int_equal(pram_buf_count(&fbuf), 3);
        flip_record_span(data + at1, pristine, FB_CAP - at1, PRAM_BUF_RECORD_HEADER + len1, pairs2,
                         1, r0, r1, len1, &at_next);
        assert_int_equal(pram_buf_open(&fbuf), PRAM_BUF_INTACT);
        assert_int_equal(pram_buf_count(&fbuf), 3); /* restored */
    }
    printf("flips: records, at open: %llu tried, %llu detected (walk stops before the record), "
           "%llu corrupt records accepted\n",
           at_open.tried, at_open.detected, at_open.corrupt_read);
    printf("flips: records, at next (pairs up to %u bytes): %llu tried, %llu detected "
           "(PRAM_ERR_CORRUPT), %llu corrupt payloads returned\n",
           pair_limit_secondary(), at_next.tried, at_next.detected, at_next.corrupt_read);
    printf("flips: records (payloads 0 1 5 16 64 256, all 1-bit flips and all 2-bit flips up to %u "
           "bytes, of header+payload) %.1f s\n",
           pair_limit(), now_s() - t0);
    tally_add(&flips_total, &at_open);
    tally_add(&flips_total, &at_next);
    assert_int_equal(at_open.detected, at_open.tried);
    assert_int_equal(at_next.detected, at_next.tried);
    assert_int_equal(at_open.corrupt_read + at_next.corrupt_read, 0);
}

/* Flips every bit and pair of bits of the valid control slot; open must
 * format (COLD or REFORMED), never say INTACT with a damaged control block. */
static void flip_control(const char *what, tally_t *t)
{
    static uint8_t image[sizeof fbuf__storage];
    uint8_t *mem = (uint8_t *)fbuf__storage, *slot;
    uint32_t slot_size = HDR + (uint32_t)sizeof(pram_buf_control_t), nbits = slot_size * 8u, i, j;
    uint32_t m0, m1;
    int count = pram_buf_count(&fbuf), shown = 0;
    memcpy(&m0, mem, 4);
    memcpy(&m1, mem + slot_size, 4);
    /* At rest exactly one control slot is valid (the other is retired). */
    assert_true((m0 == PRAM_MAGIC_CELL) != (m1 == PRAM_MAGIC_CELL));
    slot = m0 == PRAM_MAGIC_CELL ? mem : mem + slot_size;
    memcpy(image, mem, sizeof image);
    for (i = 0; i < nbits; i++) {
        for (j = i; j < nbits; j++) { /* j == i: the single flip */
            int rc;
            flip(slot, i);
            if (j != i)
                flip(slot, j);
            t->tried++;
            rc = pram_buf_open(&fbuf);
            if (rc == PRAM_BUF_COLD || rc == PRAM_BUF_REFORMED)
                t->detected++;
            else if (shown++ < 3)
                printf("flips: MISSED control (%s) bits %u, %u: open %d, %d records\n", what, i, j,
                       rc, pram_buf_count(&fbuf));
            memcpy(mem, image, sizeof image);
        }
    }
    assert_int_equal(pram_buf_open(&fbuf), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&fbuf), count);
}

/* Control block after format, and after a clear (a damaged control block
 * must not bring back the records from before the clear). */
static void flips_control(void **state)
{
    tally_t t = {0, 0, 0};
    (void)state;
    memset(fbuf__storage, 0, sizeof fbuf__storage);
    assert_int_equal(pram_buf_open(&fbuf), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_append(&fbuf, "abc", 3), PRAM_OK);
    flip_control("formatted", &t);
    assert_int_equal(pram_buf_append(&fbuf, "defgh", 5), PRAM_OK);
    assert_int_equal(pram_buf_clear(&fbuf), PRAM_OK);
    assert_int_equal(pram_buf_append(&fbuf, "new", 3), PRAM_OK);
    flip_control("after clear", &t);
    printf("flips: buffer control slot (after format, after clear): %llu tried, %llu detected "
           "(formatted)\n",
           t.tried, t.detected);
    tally_add(&flips_total, &t);
    assert_int_equal(t.detected, t.tried);
    printf("flips: %llu tried, %llu detected\n", flips_total.tried, flips_total.detected);
    assert_int_equal(flips_total.detected, flips_total.tried);
}

/* ---- Garbage ---------------------------------------------------------------------- */

PRAM_CELL_DECLARE(gs, uint32_t, 21, PRAM_SINGLE);
PRAM_CELL_DEFINE(gs);
PRAM_CELL_DECLARE(ga, uint32_t, 22, PRAM_AB);
PRAM_CELL_DEFINE(ga);
#define GB_CAP 16u
PRAM_BUF_DEFINE(gbuf, GB_CAP, 23);

#define GB_WORDS (sizeof gbuf__storage / 4u)
#define CTL_SLOT_WORDS ((HDR + (uint32_t)sizeof(pram_buf_control_t)) / 4u)

static unsigned long long trials(void)
{
    return env_ull("PRAM_GARBAGE_TRIALS", 1000000ull);
}

static void fill_words(uint32_t *w, size_t n, uint64_t *s)
{
    size_t i;
    for (i = 0; i + 1u < n; i += 2u) {
        uint64_t x = splitmix(s);
        w[i] = (uint32_t)x;
        w[i + 1u] = (uint32_t)(x >> 32);
    }
    if (i < n)
        w[i] = (uint32_t)splitmix(s);
}

/* e^x for x <= 0 without libm: halve into range, Taylor, square back. */
static double exp_neg(double x)
{
    double r = 1.0, term = 1.0;
    int halvings = 0, k;
    while (x < -0.01) {
        x /= 2.0;
        halvings++;
    }
    for (k = 1; k < 12; k++) {
        term *= x / k;
        r += term;
    }
    while (halvings--)
        r *= r;
    return r;
}

/* Chernoff bound on P(X >= k) for X a sum of independent Bernoullis with mean
 * lambda, k > lambda: e^-lambda (e lambda / k)^k. */
static double chernoff(double lambda, unsigned long long k)
{
    double b = exp_neg(-lambda), f = 2.718281828459045 * lambda / (double)k;
    unsigned long long i;
    for (i = 0; i < k && b > 1e-300; i++)
        b *= f;
    return b;
}

/* Accept threshold: count must stay below max(4 x expected, the k whose
 * Chernoff tail is <= 1e-9), so a correct library fails with p <= 1e-9. */
static unsigned long long rate_bound(unsigned long long n, double p)
{
    double lambda = (double)n * p;
    unsigned long long k = (unsigned long long)(4.0 * lambda) + 1u;
    if ((double)k <= lambda)
        k = (unsigned long long)lambda + 1u;
    while (chernoff(lambda, k) > 1e-9)
        k++;
    return k;
}

static void report_rate(const char *what, unsigned long long n, unsigned long long hits, double p)
{
    unsigned long long bound = rate_bound(n, p);
    printf("garbage targeted: %s: %llu trials, %llu accepts (rate %.3g; expected %.3g, i.e. %.2f "
           "accepts; must stay < %llu)\n",
           what, n, hits, (double)hits / (double)n, p, (double)n * p, bound);
    assert_true(hits < bound);
}

#define TWO_POW_M16 (1.0 / 65536.0)
#define TWO_POW_M48 (TWO_POW_M16 / 4294967296.0)
#define EITHER(p) (1.0 - (1.0 - (p)) * (1.0 - (p))) /* either of two A/B slots */

static void garbage(void **state)
{
    unsigned long long n = trials(), i, fa_s = 0, fa_a = 0, fa_b = 0, fa_b_rec = 0;
    uint64_t s = 0x9A5BA6Eull;
    uint32_t *ws = (uint32_t *)gs.addr, *wa = (uint32_t *)ga.addr, *wb = gbuf__storage;
    uint32_t ns = pram_cell_storage_size(&gs) / 4u, na = pram_cell_storage_size(&ga) / 4u;
    double t0 = now_s(), dt;
    (void)state;
    for (i = 0; i < n; i++) {
        fill_words(ws, ns, &s);
        fa_s += pram_cell_status(&gs) == PRAM_OK || gs_status() == PRAM_OK;
        fill_words(wa, na, &s);
        fa_a += pram_cell_status(&ga) == PRAM_OK || ga_status() == PRAM_OK;
        fill_words(wb, GB_WORDS, &s);
        if (pram_buf_open(&gbuf) == PRAM_BUF_INTACT) {
            fa_b++;
            fa_b_rec += pram_buf_count(&gbuf) > 0;
        }
    }
    dt = now_s() - t0;
    printf("garbage: single cell %llu trials, %llu false accepts; A/B cell %llu trials, %llu false "
           "accepts; buffer %llu trials, %llu opened INTACT (%llu with records)\n",
           n, fa_s, n, fa_a, n, fa_b, fa_b_rec);
    printf("garbage: %llu trials, %llu false accepts (%.1f s)\n", 3u * n, fa_s + fa_a + fa_b, dt);
    assert_int_equal(fa_s + fa_a + fa_b, 0);
}

static void garbage_targeted(void **state)
{
    unsigned long long n = trials(), i;
    unsigned long long m_s = 0, m_a = 0, ml_s = 0, ml_a = 0, ctl = 0, rec = 0;
    uint64_t s = 0x7A26E7EDull;
    uint32_t *ws = (uint32_t *)gs.addr, *wa = (uint32_t *)ga.addr, *wb = gbuf__storage;
    uint32_t ns = pram_cell_storage_size(&gs) / 4u, na = pram_cell_storage_size(&ga) / 4u;
    /* Layout words as documented: span (the value size: values at 12) |
     * kind << 13 (0 user cell, 1 buffer control block) | schema << 16. */
    uint32_t lay_s = (uint32_t)gs.size | ((uint32_t)gs.schema << 16);
    uint32_t lay_a = (uint32_t)ga.size | ((uint32_t)ga.schema << 16);
    uint32_t lay_ctl = (uint32_t)sizeof(pram_buf_control_t) | (1u << 13) | ((uint32_t)23u << 16);
    uint32_t aslot = ga.slot_size / 4u, ctl_image[PRAM_BUF_CONTROL_SIZE / 4u], seq;
    double t0 = now_s();
    (void)state;

    /* The planted layout words are the ones the library commits (else the
     * CRC-alone rates below would measure nothing). */
    {
        uint32_t v = 0x12345678u;
        memset(ws, 0, ns * 4u);
        memset(wa, 0, na * 4u);
        memset(wb, 0, sizeof gbuf__storage);
        assert_int_equal(gs_set(&v), PRAM_OK);
        assert_int_equal(ga_set(&v), PRAM_OK);
        assert_int_equal(pram_buf_open(&gbuf), PRAM_BUF_COLD);
        assert_int_equal(ws[0], PRAM_MAGIC_CELL);
        assert_int_equal(ws[2], lay_s);
        assert_int_equal(wa[0], PRAM_MAGIC_CELL);
        assert_int_equal(wa[2], lay_a);
        assert_int_equal(wb[0], PRAM_MAGIC_CELL);
        assert_int_equal(wb[2], lay_ctl);
        /* The control value {data_size, head, head_seq} at word 3. */
        assert_int_equal(wb[3], GB_CAP);
        assert_int_equal(wb[4], 0u);
        assert_int_equal(wb[5], 0u);
    }

    for (i = 0; i < n; i++) {
        /* Magic planted: the layout compare (then the CRC) must reject. */
        fill_words(ws, ns, &s);
        ws[0] = PRAM_MAGIC_CELL;
        m_s += pram_cell_status(&gs) == PRAM_OK || gs_status() == PRAM_OK;
        fill_words(wa, na, &s);
        wa[0] = wa[aslot] = PRAM_MAGIC_CELL;
        m_a += pram_cell_status(&ga) == PRAM_OK || ga_status() == PRAM_OK;
        /* Magic and layout (word 2) planted: the CRC-16 alone must reject. */
        fill_words(ws, ns, &s);
        ws[0] = PRAM_MAGIC_CELL, ws[2] = lay_s;
        ml_s += pram_cell_status(&gs) == PRAM_OK || gs_status() == PRAM_OK;
        fill_words(wa, na, &s);
        wa[0] = wa[aslot] = PRAM_MAGIC_CELL;
        wa[2] = wa[aslot + 2u] = lay_a;
        ml_a += pram_cell_status(&ga) == PRAM_OK || ga_status() == PRAM_OK;
        /* Buffer control: magic, layout, data size and a valid head planted
         * in both slots (any head_seq is valid). */
        fill_words(wb, GB_WORDS, &s);
        wb[0] = wb[CTL_SLOT_WORDS] = PRAM_MAGIC_CELL;
        wb[2] = wb[CTL_SLOT_WORDS + 2u] = lay_ctl;
        wb[3] = wb[CTL_SLOT_WORDS + 3u] = GB_CAP;
        wb[4] = wb[CTL_SLOT_WORDS + 4u] = 0u;
        ctl += pram_buf_open(&gbuf) == PRAM_BUF_INTACT;
    }

    /* Records: a valid control block, garbage data with the head record's
     * sequence number and an in-bounds length planted: the record CRC-16
     * alone must reject. */
    memset(wb, 0, sizeof gbuf__storage);
    assert_int_equal(pram_buf_open(&gbuf), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_append(&gbuf, "x", 1), PRAM_OK);
    assert_int_equal(pram_buf_clear(&gbuf), PRAM_OK);
    memcpy(ctl_image, wb, sizeof ctl_image);
    assert_int_equal(pram_buf_open(&gbuf), PRAM_BUF_INTACT);
    seq = gbuf.seq;
    assert_int_equal(seq, 1u); /* numbers go on across the clear */
    for (i = 0; i < n; i++) {
        uint32_t *d = wb + PRAM_BUF_CONTROL_SIZE / 4u;
        memcpy(wb, ctl_image, sizeof ctl_image);
        fill_words(d, GB_CAP / 4u, &s);
        d[0] = seq;
        d[1] = (d[1] & 0xFFFF0000u) | (d[1] & 0xFFFFu) % (GB_CAP - PRAM_BUF_RECORD_HEADER + 1u);
        assert_int_equal(pram_buf_open(&gbuf), PRAM_BUF_INTACT);
        rec += pram_buf_count(&gbuf) > 0;
    }
    printf("garbage targeted (%.1f s):\n", now_s() - t0);
    report_rate("single cell, magic planted (layout+CRC reject)", n, m_s, TWO_POW_M48);
    report_rate("A/B cell, magic planted in both slots", n, m_a, EITHER(TWO_POW_M48));
    report_rate("single cell, magic+layout planted (CRC-16 alone)", n, ml_s, TWO_POW_M16);
    report_rate("A/B cell, magic+layout planted in both slots (CRC-16 alone)", n, ml_a,
                EITHER(TWO_POW_M16));
    report_rate("buffer control, magic+layout+size planted in both slots (CRC-16 alone)", n, ctl,
                EITHER(TWO_POW_M16));
    report_rate("buffer record 0, seq+length planted (record CRC-16 alone)", n, rec, TWO_POW_M16);
}

/* ---- Rings: flips and garbage over a wrapped ring ------------------------------- */

/* A ring that has wrapped (records on both sides of offset 0, padding left
 * at the end of the area).  Whatever is flipped or overwritten, the buffer
 * may lose records but never return a wrong one: what it returns is always
 * the records appended, with their exact bytes, oldest first, with
 * consecutive sequence numbers: a prefix of the image's records (the walk
 * stops at the first damaged one; a damaged control block formats), then,
 * after more appends and a reboot, a contiguous run of those followed by
 * the new records. */
#define RB_CAP 256u
PRAM_BUF_DEFINE_RING(rbuf, RB_CAP, 6);

#define RB_MAX 64u
#define RING_PAIRS_MAX (pair_limit() / 4u < 32u ? pair_limit() / 4u : 32u) /* 16 under ASan */
typedef struct {
    uint32_t seq, pos, len;
    uint8_t data[64];
} rrec_t;
static rrec_t rr[RB_MAX + 4u]; /* the image's records, oldest first, then extras */
static uint32_t rr_n;
static uint8_t rb_image[sizeof rbuf__storage];
#define RB_DATA ((uint8_t *)rbuf__storage + PRAM_BUF_CONTROL_SIZE)

static void ring_image(void)
{
    static const uint32_t lens[] = {3, 16, 5, 40, 0, 1, 7, 22, 12, 9};
    static rrec_t all[200];
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t i, n = 0, first;
    memset(rbuf__storage, 0, sizeof rbuf__storage);
    assert_int_equal(pram_buf_open(&rbuf), PRAM_BUF_COLD);
    for (i = 0; i < 37u; i++, n++) {
        all[n].len = lens[i % (sizeof lens / sizeof lens[0])];
        all[n].seq = i; /* numbers start at 0 after a format */
        fill_pattern(all[n].data, all[n].len, 500u + i);
        assert_int_equal(pram_buf_append(&rbuf, all[n].data, all[n].len), PRAM_OK);
    }
    /* The ring keeps the newest records: the last `count` appended. */
    rr_n = (uint32_t)pram_buf_count(&rbuf);
    assert_true(rr_n > 4u && rr_n < n);
    first = n - rr_n;
    for (i = 0; i < rr_n; i++) {
        rr[i] = all[first + i];
        assert_int_equal(pram_buf_next(&rbuf, &it, &r), 1);
        assert_int_equal(r.seq, rr[i].seq);
        assert_int_equal(r.len, rr[i].len);
        assert_memory_equal(r.data, rr[i].data, r.len);
        rr[i].pos = r.pos;
    }
    assert_int_equal(pram_buf_next(&rbuf, &it, &r), 0);
    /* It has wrapped: the newest is before the oldest. */
    assert_true(rr[rr_n - 1u].pos < rr[0].pos);
    memcpy(rb_image, rbuf__storage, sizeof rb_image);
}

/* The records the buffer returns (next, oldest first) must be exp[from..to)
 * exactly: 1 if so, else 0. */
static int ring_holds(const rrec_t *exp, uint32_t from, uint32_t to)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t i = from;
    int rc;
    while ((rc = pram_buf_next(&rbuf, &it, &r)) == 1) {
        if (i >= to || r.len != exp[i].len || r.seq != exp[i].seq ||
            memcmp(r.data, exp[i].data, r.len) != 0)
            return 0;
        i++;
    }
    return rc == 0 && i == to && pram_buf_count(&rbuf) == (int)(to - from);
}

/* After open on a damaged image: a prefix of the image's records (any
 * length: returns it), never anything else. */
static uint32_t ring_prefix(unsigned long long *wrong)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t k = 0, i;
    while (pram_buf_next(&rbuf, &it, &r) == 1 && k <= rr_n) {
        if (k >= rr_n || r.len != rr[k].len || r.seq != rr[k].seq ||
            memcmp(r.data, rr[k].data, r.len) != 0) {
            (*wrong)++;
            return 0;
        }
        k++;
    }
    if (pram_buf_count(&rbuf) != (int)k) {
        (*wrong)++;
        return 0;
    }
    /* Newest first gives the same records. */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    for (i = k; i-- > 0;)
        if (pram_buf_prev(&rbuf, &it, &r) != 1 || r.seq != rr[i].seq ||
            memcmp(r.data, rr[i].data, r.len) != 0) {
            (*wrong)++;
            return 0;
        }
    return k;
}

/* Appends two records after a damaged open (k records kept), reboots: the
 * buffer must hold exactly a contiguous run of rr[0..k) (a ring may drop
 * the oldest) followed by the two new ones, consecutive numbers; anything
 * else (a wrong record, or a committed one lost) counts in *wrong. */
static void ring_append_after(uint32_t k, uint32_t salt, unsigned long long *wrong)
{
    static rrec_t exp[RB_MAX + 4u];
    uint32_t j, base = 0;
    int c;
    memcpy(exp, rr, k * sizeof rr[0]);
    for (j = 0; j < 2u; j++) {
        rrec_t *e = &exp[k + j];
        e->len = 5u + (salt + j * 13u) % 30u;
        e->seq = k ? rr[k - 1u].seq + 1u + j : (uint32_t)-1;
        fill_pattern(e->data, e->len, 9000u + salt + j);
        if (pram_buf_append(&rbuf, e->data, e->len) != PRAM_OK) {
            (*wrong)++;
            return;
        }
    }
    assert_true(pram_buf_open(&rbuf) >= 0);
    c = pram_buf_count(&rbuf);
    if (c < 2 || (uint32_t)c > k + 2u) {
        (*wrong)++;
        return;
    }
    base = k + 2u - (uint32_t)c;
    if (!k) {
        /* Formatted or emptied: the new records take the next numbers from
         * the control block's; only their order is known. */
        pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
        pram_record_t r0;
        if (pram_buf_next(&rbuf, &it, &r0) != 1) {
            (*wrong)++;
            return;
        }
        exp[0].seq = r0.seq;
        exp[1].seq = r0.seq + 1u;
        base = 0;
    }
    if (!ring_holds(exp, base, k + 2u))
        (*wrong)++;
}

/* Flips every bit (and every pair of bits of records up to RING_PAIRS_MAX
 * bytes of header and payload: all but the largest) of each record of the
 * wrapped ring (the code paths are record_check's, flipped in full above): open must stop the walk
 * right before it; behind an open handle, next must return the records
 * before it and then PRAM_ERR_CORRUPT, prev the ones after it and then
 * PRAM_ERR_CORRUPT. */
static void flips_ring(void **state)
{
    tally_t at_open = {0, 0, 0}, at_iter = {0, 0, 0};
    uint32_t v;
    double t0 = now_s();
    (void)state;
    ring_image();
    for (v = 0; v < rr_n; v++) {
        uint32_t nb = PRAM_BUF_RECORD_HEADER + rr[v].len, nbits = nb * 8u, i, j;
        int pairs = nb <= RING_PAIRS_MAX;
        uint8_t *base = RB_DATA + rr[v].pos;
        for (i = 0; i < nbits; i++) {
            for (j = i; j < (pairs ? nbits : i + 1u); j++) {
                unsigned long long wrong = 0;
                memcpy(rbuf__storage, rb_image, sizeof rb_image);
                flip(base, i);
                if (j != i)
                    flip(base, j);
                at_open.tried++;
                if (pram_buf_open(&rbuf) == PRAM_BUF_INTACT && ring_prefix(&wrong) == v && !wrong)
                    at_open.detected++;
                at_open.corrupt_read += wrong;
                /* Behind an open handle. */
                memcpy(rbuf__storage, rb_image, sizeof rb_image);
                assert_int_equal(pram_buf_open(&rbuf), PRAM_BUF_INTACT);
                flip(base, i);
                if (j != i)
                    flip(base, j);
                at_iter.tried++;
                {
                    pram_buf_iter_t it = PRAM_BUF_ITER_INIT, back = PRAM_BUF_ITER_INIT;
                    pram_record_t r;
                    uint32_t k;
                    int ok = 1, rc;
                    for (k = 0; k < v && ok; k++)
                        ok = pram_buf_next(&rbuf, &it, &r) == 1 && r.seq == rr[k].seq &&
                             memcmp(r.data, rr[k].data, r.len) == 0;
                    rc = pram_buf_next(&rbuf, &it, &r);
                    if (rc == 1)
                        at_iter.corrupt_read++;
                    ok = ok && rc == PRAM_ERR_CORRUPT;
                    /* prev finds each record by walking the headers from the
                     * oldest: past a damaged header it may not reach the
                     * newer ones (PRAM_ERR_CORRUPT early), but whatever it
                     * returns is exact, and it stops before record v. */
                    for (k = rr_n; ok && (rc = pram_buf_prev(&rbuf, &back, &r)) == 1;) {
                        k--;
                        if (k <= v || r.seq != rr[k].seq ||
                            memcmp(r.data, rr[k].data, r.len) != 0) {
                            at_iter.corrupt_read++;
                            ok = 0;
                        }
                    }
                    if (ok && rc == PRAM_ERR_CORRUPT)
                        at_iter.detected++;
                }
            }
        }
    }
    memcpy(rbuf__storage, rb_image, sizeof rb_image);
    printf("flips: wrapped ring, %u records (all 1-bit flips, 2-bit flips of records up to %u "
           "bytes of header+payload): at open %llu tried, %llu detected (walk stops before the "
           "record), %llu wrong records; behind an open handle %llu tried, %llu detected, %llu "
           "wrong records (%.1f s)\n",
           (unsigned)rr_n, RING_PAIRS_MAX, at_open.tried, at_open.detected,
           at_open.corrupt_read, at_iter.tried, at_iter.detected, at_iter.corrupt_read,
           now_s() - t0);
    tally_add(&flips_total, &at_open);
    tally_add(&flips_total, &at_iter);
    assert_int_equal(at_open.detected, at_open.tried);
    assert_int_equal(at_iter.detected, at_iter.tried);
    assert_int_equal(at_open.corrupt_read + at_iter.corrupt_read, 0);
}

/* Garbage over the wrapped ring: random bit flips anywhere (control block
 * included), random words, runs of random bytes, planted headers of the
 * next numbers, and planted well-formed records (valid CRC) of the next
 * numbers outside the chain.  Each image is opened (the records must be a
 * prefix of the image's), then two records are appended and the buffer
 * reopened (a run of the image's records then exactly the new ones):
 * nothing else, ever. */
static void garbage_ring(void **state)
{
    unsigned long long n = trials() / 10u, i, wrong = 0, lost = 0, formatted = 0;
    unsigned long long per[6] = {0, 0, 0, 0, 0, 0};
    uint64_t s = 0x216Bu;
    double t0 = now_s();
    (void)state;
    ring_image();
    for (i = 0; i < n; i++) {
        uint64_t x = splitmix(&s);
        unsigned kind = (unsigned)(x % 6u), j;
        uint32_t k, at = (uint32_t)(x >> 8) % (RB_CAP / 4u) * 4u;
        uint32_t next = rr[rr_n - 1u].seq + 1u;
        int rc;
        memcpy(rbuf__storage, rb_image, sizeof rb_image);
        per[kind]++;
        switch (kind) {
        case 0: /* 1-8 bit flips anywhere in the storage */
            for (j = 0; j < 1u + (unsigned)(x >> 40) % 8u; j++)
                flip((uint8_t *)rbuf__storage,
                     (uint32_t)(splitmix(&s) % (sizeof rbuf__storage * 8u)));
            break;
        case 1: /* one random word of the data area */
            {
                uint32_t w = (uint32_t)splitmix(&s);
                memcpy(RB_DATA + at, &w, 4);
            }
            break;
        case 2: /* a run of random bytes */
            {
                uint32_t off = (uint32_t)(x >> 16) % RB_CAP, len = 1u + (uint32_t)(x >> 32) % 64u;
                if (len > RB_CAP - off)
                    len = RB_CAP - off;
                fill_pattern(RB_DATA + off, len, splitmix(&s));
            }
            break;
        case 3: /* a header of one of the next numbers, garbage CRC */
            if (at + 8u <= RB_CAP) {
                uint32_t w = next + (uint32_t)(x >> 40) % 4u, l = (uint32_t)splitmix(&s);
                l = (l & 0xFFFF0000u) | ((l & 0xFFFFu) % (RB_CAP - at - 7u));
                memcpy(RB_DATA + at, &w, 4);
                memcpy(RB_DATA + at + 4u, &l, 4);
            }
            break;
        case 4: /* a well-formed record of one of the next numbers, off the
                   chain (the next number at the tail, or at 0 where the chain
                   would wrap, is a record like any appended one) */
            {
                uint32_t len = (uint32_t)(x >> 40) % 24u, w = next + (uint32_t)(x >> 32) % 3u;
                uint32_t tail = rr[rr_n - 1u].pos + PRAM_BUF_RECORD_SPACE(rr[rr_n - 1u].len);
                uint8_t p[24];
                if (at + PRAM_BUF_RECORD_SPACE(len) > RB_CAP ||
                    (w == next && (at == tail || at == 0u)))
                    break;
                fill_pattern(p, len, x);
                memcpy(RB_DATA + at, &w, 4);
                w = len | ((uint32_t)ref_record_crc(w, len, p) << 16);
                memcpy(RB_DATA + at + 4u, &w, 4);
                memcpy(RB_DATA + at + 8u, p, len);
            }
            break;
        default: /* random bytes in the control block */
            fill_pattern((uint8_t *)rbuf__storage + (x >> 16) % PRAM_BUF_CONTROL_SIZE,
                         1u + (x >> 24) % 8u, x);
            break;
        }
        rc = pram_buf_open(&rbuf);
        if (rc != PRAM_BUF_INTACT)
            formatted++;
        k = ring_prefix(&wrong);
        lost += k < rr_n;
        ring_append_after(k, (uint32_t)i, &wrong);
    }
    memcpy(rbuf__storage, rb_image, sizeof rb_image);
    printf("garbage: wrapped ring, %llu damaged images (flips %llu, words %llu, runs %llu, "
           "next-number headers %llu, next-number records %llu, control %llu): %llu lost "
           "records, %llu formatted, %llu wrong records or later appends lost (%.1f s)\n",
           n, per[0], per[1], per[2], per[3], per[4], per[5], lost, formatted, wrong, now_s() - t0);
    assert_int_equal(wrong, 0);
    assert_true(n < 1000u || (lost > n / 4u && formatted > 0u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flips_cells),   cmocka_unit_test(flips_records),
        cmocka_unit_test(flips_ring),    cmocka_unit_test(flips_control),
        cmocka_unit_test(garbage),       cmocka_unit_test(garbage_targeted),
        cmocka_unit_test(garbage_ring),
    };
    return cmocka_run_group_tests_name("corrupt", tests, NULL, NULL);
}
