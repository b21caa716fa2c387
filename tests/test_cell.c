/* Typed cells: every operation in both commit modes, over many value types,
 * storage places (.noinit, fixed address, regions of every access width) and
 * the exact byte layout and store order of a commit; what reads as another
 * layout's header (PRAM_ERR_LAYOUT) and what as nothing (PRAM_ERR_INVALID).
 *
 * Expectations come from the cell spec (pram_cell.h, the commit order comment
 * in src/pram_cell_core.h), checked with an oracle written for the tests: a
 * bitwise CRC-16/CCITT-FALSE and a slot validator/crafter that know nothing
 * of the library's code (tests/support/ref_crc.c, cell_model.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pram/pram.h"
#include "cell_model.h"
#include "check_ctx.h"
#include "power_cut.h"
#include "ref_crc.h"
#include "regfile.h"
#include "test_support.h"

/* ---- Value types and cells ---------------------------------------------------- */

typedef struct { uint8_t x; } u8s_t;
typedef struct { char c[1]; } odd1_t;
typedef struct { char c[3]; } odd3_t;
typedef struct { char c[5]; } odd5_t;
typedef struct { char c[7]; } odd7_t;
typedef struct { char c[13]; } odd13_t;
typedef struct { char c[255]; } odd255_t;
typedef struct { uint8_t tag; uint64_t u; double d; } al8_t;
typedef struct { uint32_t n; uint8_t b[3996]; } big_t;

/* Alignment of T, in C99. */
#define ALIGN_OF(T) offsetof(struct { char c_; T t_; }, t_)

CELL_PAIR(c_u8, u8s_t, 1);
CELL_PAIR(c_o1, odd1_t, 0x0102);
CELL_PAIR(c_o3, odd3_t, 3);
CELL_PAIR(c_o5, odd5_t, 0x7FFF);
CELL_PAIR(c_o7, odd7_t, 5);
CELL_PAIR(c_o13, odd13_t, 0xFFFF);
CELL_PAIR(c_o255, odd255_t, 7);
CELL_PAIR(c_al8, al8_t, 0x8001);
CELL_PAIR(c_big, big_t, 9);

/* vo/ss: what the spec implies on this ABI (12-byte header, value at its
 * natural alignment, slot padded to the slot struct's alignment). */
static const cell_case_t cases[] = {
    CELL_CASE_PAIR(c_u8, u8s_t, 1, 12, 16),
    CELL_CASE_PAIR(c_o1, odd1_t, 0x0102, 12, 16),
    CELL_CASE_PAIR(c_o3, odd3_t, 3, 12, 16),
    CELL_CASE_PAIR(c_o5, odd5_t, 0x7FFF, 12, 20),
    CELL_CASE_PAIR(c_o7, odd7_t, 5, 12, 20),
    CELL_CASE_PAIR(c_o13, odd13_t, 0xFFFF, 12, 28),
    CELL_CASE_PAIR(c_o255, odd255_t, 7, 12, 268),
    CELL_CASE_PAIR(c_al8, al8_t, 0x8001, 16, 40),
    CELL_CASE_PAIR(c_big, big_t, 9, 12, 4012),
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* The case of cell c (which must have one). */
static const cell_case_t *case_for(const pram_cell_t *c)
{
    size_t i;
    for (i = 0; i < NCASES; i++)
        if (cases[i].cell == c)
            return &cases[i];
    fail_msg("no case for that cell");
    return NULL;
}

/* Value with first byte `tag` (so small values still differ), rest random. */
static void mkval(uint8_t *v, size_t size, uint64_t seed, uint8_t tag)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + tag;
    test_fill_random(v, size, &s);
    v[0] = tag;
}

static uint8_t va[4096], vb[4096], vc[4096], vd[4096], obuf[4096], sentinel[4096];
static uint8_t before[2 * 4096 + 64], expect_img[2 * 4096 + 64], care[2 * 4096 + 64];

/* get must fail with `rc` and leave obuf untouched. */
static void check_get_fails(const pram_cell_t *c, size_t size, int rc)
{
    memset(obuf, 0x5A, size + 1);
    memset(sentinel, 0x5A, size + 1);
    CHECK_EQ(pram_cell_get(c, obuf, size), rc);
    CHECK_MEM(obuf, sentinel, size + 1);
}

/* get must return exactly v (and write nothing beyond it). */
static void check_get(const pram_cell_t *c, size_t size, const uint8_t *v)
{
    memset(obuf, 0x5A, size + 1);
    CHECK_EQ(pram_cell_get(c, obuf, size), PRAM_OK);
    CHECK_MEM(obuf, v, size);
    CHECK_EQ(obuf[size], 0x5A);
}

/* ---- Two ways into a declared cell ---------------------------------------------
 *
 * Path 0: the generic API, through the descriptor (checked at run time).
 * Path 1: the cell's typed calls, which for PRAM_CELL_DECLARE cells are
 * compiled at the call site from the declaration's constants and never read
 * the descriptor: code of their own, held to the same slots, stores and
 * store order.  Each case runs both. */
#define NPATHS 2
static const char *const path_names[NPATHS] = {"generic", "typed"};
static char ctx_buf[96];

/* g_ctx = "<case>/<path>". */
static void set_ctx(const cell_case_t *k, int path)
{
    snprintf(ctx_buf, sizeof ctx_buf, "%s/%s", k->name, path_names[path]);
    g_ctx = ctx_buf;
}

static int set_via(const cell_case_t *k, int path, const void *v)
{
    return path ? k->typed->set(v) : pram_cell_set(k->cell, v, k->size);
}

static int status_via(const cell_case_t *k, int path)
{
    return path ? k->typed->status() : pram_cell_status(k->cell);
}

static int valid_via(const cell_case_t *k, int path)
{
    return path ? k->typed->valid() : pram_cell_is_valid(k->cell);
}

static int invalidate_via(const cell_case_t *k, int path)
{
    return path ? k->typed->invalidate() : pram_cell_invalidate(k->cell);
}

static int get_via(const cell_case_t *k, int path, void *out)
{
    return path ? k->typed->get(out) : pram_cell_get(k->cell, out, k->size);
}

static void check_get_via(const cell_case_t *k, int path, const uint8_t *v)
{
    memset(obuf, 0x5A, k->size + 1);
    CHECK_EQ(get_via(k, path, obuf), PRAM_OK);
    CHECK_MEM(obuf, v, k->size);
    CHECK_EQ(obuf[k->size], 0x5A);
}

static void check_get_fails_via(const cell_case_t *k, int path, int rc)
{
    memset(obuf, 0x5A, k->size + 1);
    memset(sentinel, 0x5A, k->size + 1);
    CHECK_EQ(get_via(k, path, obuf), rc);
    CHECK_MEM(obuf, sentinel, k->size + 1);
}

static op_fn set_op(int path)
{
    return path ? op_typed_set : op_cell_set;
}

static op_fn invalidate_op(int path)
{
    return path ? op_typed_invalidate : op_cell_invalidate;
}

/* ---- Tests -------------------------------------------------------------------- */

static void test_oracle_self_check(void **state)
{
    (void)state;
    g_ctx = "oracle";
    /* The catalogue check value of CRC-16/CCITT-FALSE. */
    CHECK_EQ(ref_crc16(0xFFFFu, "123456789", 9), 0x29B1);
    CHECK_EQ(ref_crc16(ref_crc16(0xFFFFu, "1234", 4), "56789", 5), 0x29B1);
    CHECK_EQ(PRAM_MAGIC_CELL, CELL_MAGIC);
    /* The layout word as documented: the span (value size, + 4 for a value
     * at 16) in bits 0-12, the kind in 13-14 (0 user cell, 1 buffer control
     * block, 2 region header), value at 16 in bit 15, schema in 16-31. */
    CHECK_EQ(PRAM__KIND_CELL, REF_KIND_CELL);
    CHECK_EQ(PRAM__KIND_BUF, REF_KIND_BUF);
    CHECK_EQ(PRAM__KIND_REGION, REF_KIND_REGION);
    CHECK_EQ(ref_layout_kind(16, 0x1FFB, REF_KIND_REGION, 0xABCD), 0xABCDDFFFu);
    CHECK_EQ(ref_layout_kind(12, 8, REF_KIND_BUF, 7), 0x00072008u);
    CHECK_EQ(ref_layout(16, 24, 0x8001), 0x8001801Cu);
    CHECK_EQ(ref_layout(12, 28, 0x8001), 0x8001001Cu);
    /* The largest value fits the span at either value offset. */
    CHECK(PRAM_CELL_MAX_SIZE + 4u <= REF_SPAN_MAX);
}

static void test_geometry(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        g_ctx = k->name;
        CHECK_EQ(k->cell->size, k->size);
        CHECK_EQ(k->cell->schema, k->schema);
        CHECK_EQ(k->cell->mode, k->mode);
        CHECK_EQ(k->cell->kind, REF_KIND_CELL);
        CHECK_EQ(k->cell->value_offset, k->vo);
        CHECK_EQ(k->cell->value_offset, k->vo_decl);
        CHECK_EQ(k->cell->slot_size, k->ss);
        CHECK_EQ(k->cell->slot_size, k->ss_decl);
        CHECK(k->cell->region == NULL);
        CHECK(((uintptr_t)k->cell->addr & 3u) == 0);
        CHECK_EQ(pram_cell_storage_size(k->cell), k->ss * nslots(k));
    }
    /* The odd sizes really are odd. */
    CHECK_EQ(sizeof(odd1_t), 1);
    CHECK_EQ(sizeof(odd3_t), 3);
    CHECK_EQ(sizeof(odd5_t), 5);
    CHECK_EQ(sizeof(odd7_t), 7);
    CHECK_EQ(sizeof(odd13_t), 13);
    CHECK_EQ(sizeof(odd255_t), 255);
    CHECK_EQ(sizeof(u8s_t), 1);
    CHECK(sizeof(big_t) >= 3900 && sizeof(big_t) <= PRAM_CELL_MAX_SIZE);
    /* PRAM_CELL_SIZE is the storage a cell takes. */
    g_ctx = "PRAM_CELL_SIZE";
    CHECK_EQ(PRAM_CELL_SIZE(c_o13_s), 28);
    CHECK_EQ(PRAM_CELL_SIZE(c_o13_ab), 56);
    CHECK_EQ(PRAM_CELL_SIZE(c_al8_ab), 80);
    CHECK_EQ(PRAM_CELL_SIZE(c_big_ab), pram_cell_storage_size(&c_big_ab));
    CHECK_EQ(PRAM_SLOTS(PRAM_SINGLE), 1);
    CHECK_EQ(PRAM_SLOTS(PRAM_AB), 2);
    CHECK_EQ(pram_cell_storage_size(NULL), 0);
}

/* Zeroed storage: nothing valid, reads store nothing. */
static void test_fresh_storage_invalid(void **state)
{
    size_t i;
    int path;
    (void)state;
    for (i = 0; i < NCASES; i++)
        for (path = 0; path < NPATHS; path++) {
            const cell_case_t *k = &cases[i];
            uint64_t s0;
            set_ctx(k, path);
            memset(mem_of(k), 0, k->ss * nslots(k));
            s0 = pram_test_stores;
            CHECK_EQ(status_via(k, path), PRAM_ERR_INVALID);
            CHECK_EQ(valid_via(k, path), 0);
            check_get_fails_via(k, path, PRAM_ERR_INVALID);
            CHECK_EQ(pram_test_stores, s0);
        }
}

/* CRC-16 a committed slot of case k holding v with sequence seq must carry:
 * over the layout word (LE), the padding bytes 12..vo as `slot` holds them
 * (set and edits never write them), then v; register started at 0xFFFF ^
 * seq. */
static uint16_t expected_crc(const cell_case_t *k, const uint8_t *slot, uint16_t seq,
                             const uint8_t *v)
{
    uint8_t head[8];
    wr32(head, ref_layout(k->vo, k->size, k->schema));
    memcpy(head + 4, slot + 12, k->vo - 12u);
    return ref_crc16(ref_crc16((uint16_t)(0xFFFFu ^ seq), head, k->vo - 8u), v, k->size);
}

/* Checks the byte layout of a committed slot against the oracle: magic at 0,
 * seal at 4, layout at 8 (span = size + vo - 12 | kind 0 << 13 | 0x8000 for
 * values at 16 | schema << 16), value at vo. */
static void check_slot(const cell_case_t *k, unsigned slot, const uint8_t *v, uint16_t *seq)
{
    const uint8_t *s = mem_of(k) + slot * k->ss;
    uint32_t layout = ref_layout(k->vo, k->size, k->schema);
    uint32_t seal = rd32(s + 4);
    CHECK_EQ(rd32(s), CELL_MAGIC);
    CHECK_EQ(rd32(s + 8), layout);
    CHECK_EQ(rd32(s + 8) & 0x1FFFu, k->size + k->vo - 12u);
    CHECK_EQ((rd32(s + 8) >> 13) & 3u, REF_KIND_CELL);
    CHECK_EQ((rd32(s + 8) >> 15) & 1u, k->vo == 16u);
    CHECK_EQ(rd32(s + 8) >> 16, k->schema);
    CHECK_EQ(seal >> 16, expected_crc(k, s, (uint16_t)seal, v));
    CHECK_EQ(seal >> 16, ref_slot_crc(s, layout, (uint16_t)seal));
    if (k->vo == 12u)
        CHECK_EQ(seal >> 16, ref_seal_crc(layout, (uint16_t)seal, v, k->size));
    CHECK_MEM(s + k->vo, v, k->size);
    CHECK_EQ(ref_state(s, k->vo, k->size, k->schema, k->ss, NULL), PRAM_OK);
    if (seq)
        *seq = (uint16_t)seal;
}

/* A/B at rest: exactly one slot holds the magic, and it is the one the
 * oracle reads; the other slot's magic is 0 (retired). */
static void check_one_at_rest(const cell_case_t *k, unsigned slot)
{
    CHECK_EQ(count_magic(k), 1);
    CHECK_EQ(count_valid(k), 1);
    CHECK_EQ(ref_newest(k, NULL, NULL), (int)slot);
    CHECK_EQ(rd32(mem_of(k) + (slot ^ 1u) * k->ss), 0);
}

/* get through both paths must return exactly v. */
static void check_get_both(const cell_case_t *k, const uint8_t *v)
{
    int q;
    for (q = 0; q < NPATHS; q++)
        check_get_via(k, q, v);
}

/* get through both paths must fail with rc, out untouched. */
static void check_get_fails_both(const cell_case_t *k, int rc)
{
    int q;
    for (q = 0; q < NPATHS; q++)
        check_get_fails_via(k, q, rc);
}

static void test_set_get_layout(void **state)
{
    size_t i;
    int path;
    (void)state;
    for (i = 0; i < NCASES; i++)
        for (path = 0; path < NPATHS; path++) {
            const cell_case_t *k = &cases[i];
            size_t len = k->ss * nslots(k), j;
            uint64_t s0;
            uint16_t seq1, seq2, seq3;
            set_ctx(k, path);
            /* Not zeros: every store, the retire of a never-used slot
             * included, then changes a visible word. */
            memset(mem_of(k), 0xA5, len);
            mkval(va, k->size, i + 1000u * (unsigned)path, 0x11);
            mkval(vb, k->size, i + 1000u * (unsigned)path, 0x22);
            mkval(vc, k->size, i + 1000u * (unsigned)path, 0x33);

            /* First set: magic<-0, value words, layout, seal, magic; A/B:
             * slot 0 with seq 1 (nothing valid), then slot 1's magic<-0. */
            s0 = pram_test_stores;
            CHECK_EQ(set_via(k, path, va), PRAM_OK);
            CHECK_EQ(pram_test_stores - s0, set_stores(k));
            CHECK_EQ(status_via(k, path), PRAM_OK);
            CHECK_EQ(valid_via(k, path), 1);
            CHECK_EQ(pram_cell_status(k->cell), PRAM_OK);
            check_get_both(k, va);
            check_slot(k, 0, va, &seq1);
            /* Values at 16: the padding 12..15 is never written (it stays
             * 0xA5, and the seal covers it as stored). */
            for (j = 12; j < k->vo; j++)
                CHECK_EQ(mem_of(k)[j], 0xA5);
            if (k->mode == PRAM_AB) {
                CHECK_EQ(seq1, 1);
                check_one_at_rest(k, 0);
                /* The retire clears the magic word only. */
                for (j = 4; j < k->ss; j++)
                    CHECK_EQ(mem_of(k)[k->ss + j], 0xA5);
            }

            /* Second set: A/B goes to the other slot with seq+1, then
             * retires the slot that held va (its magic only: the rest stays
             * as it was). */
            memcpy(before, mem_of(k), len);
            s0 = pram_test_stores;
            CHECK_EQ(set_via(k, path, vb), PRAM_OK);
            CHECK_EQ(pram_test_stores - s0, set_stores(k));
            check_get_both(k, vb);
            if (k->mode == PRAM_SINGLE) {
                check_slot(k, 0, vb, NULL);
            } else {
                check_slot(k, 1, vb, &seq2);
                CHECK_EQ(seq2, (uint16_t)(seq1 + 1u));
                for (j = 12; j < k->vo; j++)
                    CHECK_EQ(mem_of(k)[k->ss + j], 0xA5);
                check_one_at_rest(k, 1);
                CHECK_MEM(mem_of(k) + 4, before + 4, k->ss - 4);
                /* Third set: back to the first slot; slot 1 retired. */
                memcpy(before, mem_of(k), len);
                s0 = pram_test_stores;
                CHECK_EQ(set_via(k, path, vc), PRAM_OK);
                CHECK_EQ(pram_test_stores - s0, set_stores(k));
                check_get_both(k, vc);
                check_slot(k, 0, vc, &seq3);
                CHECK_EQ(seq3, (uint16_t)(seq1 + 2u));
                check_one_at_rest(k, 0);
                CHECK_MEM(mem_of(k) + k->ss + 4, before + k->ss + 4, k->ss - 4);
            }
            CHECK_EQ(status_via(k, path), PRAM_OK);

            /* Readers never store. */
            s0 = pram_test_stores;
            (void)status_via(k, path);
            (void)valid_via(k, path);
            (void)get_via(k, path, obuf);
            CHECK_EQ(pram_test_stores, s0);

            /* Same value again: still committed, still readable. */
            memcpy(va, obuf, k->size);
            CHECK_EQ(set_via(k, path, va), PRAM_OK);
            check_get_both(k, va);
            if (k->mode == PRAM_AB)
                check_one_at_rest(k, 1);
            /* The other path takes over where this one left off (A/B: the
             * other slot, seq + 1). */
            if (k->mode == PRAM_AB)
                seq1 = (uint16_t)rd32(mem_of(k) + k->ss + 4);
            CHECK_EQ(set_via(k, path ^ 1, vb), PRAM_OK);
            check_get_both(k, vb);
            check_slot(k, 0, vb, &seq2);
            if (k->mode == PRAM_AB) {
                CHECK_EQ(seq2, (uint16_t)(seq1 + 1u));
                check_one_at_rest(k, 0);
            }
        }
}

static void test_invalidate(void **state)
{
    size_t i;
    int path;
    (void)state;
    for (i = 0; i < NCASES; i++)
        for (path = 0; path < NPATHS; path++) {
            const cell_case_t *k = &cases[i];
            uint64_t s0;
            set_ctx(k, path);
            memset(mem_of(k), 0, k->ss * nslots(k));
            mkval(va, k->size, i + 100, 0x41);
            mkval(vb, k->size, i + 100, 0x42);
            CHECK_EQ(set_via(k, path, va), PRAM_OK);
            CHECK_EQ(set_via(k, path, vb), PRAM_OK);
            s0 = pram_test_stores;
            CHECK_EQ(invalidate_via(k, path), PRAM_OK);
            CHECK_EQ(pram_test_stores - s0, nslots(k));
            CHECK_EQ(status_via(k, path), PRAM_ERR_INVALID);
            CHECK_EQ(pram_cell_status(k->cell), PRAM_ERR_INVALID);
            CHECK_EQ(valid_via(k, path), 0);
            check_get_fails_via(k, path, PRAM_ERR_INVALID);
            check_get_fails_via(k, path ^ 1, PRAM_ERR_INVALID);
            /* Every slot's magic is cleared: no older value can come back. */
            CHECK_EQ(rd32(mem_of(k)), 0);
            if (k->mode == PRAM_AB)
                CHECK_EQ(rd32(mem_of(k) + k->ss), 0);
            /* Invalidating an invalid cell is harmless. */
            CHECK_EQ(invalidate_via(k, path), PRAM_OK);
            CHECK_EQ(status_via(k, path), PRAM_ERR_INVALID);
            /* And set works again. */
            CHECK_EQ(set_via(k, path, va), PRAM_OK);
            check_get_both(k, va);
            CHECK_EQ(set_via(k, path, vb), PRAM_OK);
            check_get_both(k, vb);
        }
}

/* Argument errors: nothing read, nothing stored, obuf untouched. */
static void test_argument_errors(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        const pram_cell_t *c = k->cell;
        size_t len = k->ss * nslots(k);
        uint64_t s0;
        g_ctx = k->name;
        memset(mem_of(k), 0, len);
        mkval(va, k->size, i + 200, 0x51);
        mkval(vb, k->size, i + 200, 0x52);
        CHECK_EQ(pram_cell_set(c, va, k->size), PRAM_OK);
        memcpy(before, mem_of(k), len);
        s0 = pram_test_stores;
        check_get_fails(c, k->size + 1, PRAM_ERR_SIZE);
        if (k->size > 1)
            check_get_fails(c, k->size - 1, PRAM_ERR_SIZE);
        check_get_fails(NULL, k->size, PRAM_ERR_NULL);
        CHECK_EQ(pram_cell_get(c, NULL, k->size), PRAM_ERR_NULL);
        CHECK_EQ(pram_cell_set(c, vb, k->size + 1), PRAM_ERR_SIZE);
        CHECK_EQ(pram_cell_set(c, vb, k->size - 1), PRAM_ERR_SIZE);
        CHECK_EQ(pram_cell_set(c, NULL, k->size), PRAM_ERR_NULL);
        CHECK_EQ(pram_cell_set(NULL, vb, k->size), PRAM_ERR_NULL);
        CHECK_EQ(pram_cell_status(NULL), PRAM_ERR_NULL);
        CHECK_EQ(pram_cell_is_valid(NULL), 0);
        CHECK_EQ(pram_cell_invalidate(NULL), PRAM_ERR_NULL);
        /* The typed calls: NULL is refused before anything is read or
         * written (a single-slot set would otherwise open its slot first). */
        CHECK_EQ(k->typed->get(NULL), PRAM_ERR_NULL);
        CHECK_EQ(k->typed->set(NULL), PRAM_ERR_NULL);
        CHECK_EQ(pram_test_stores, s0);
        CHECK_MEM(mem_of(k), before, len);
        check_get(c, k->size, va);
        check_get_via(k, 1, va);
    }
}

/* Malformed run-time descriptors are refused before touching memory. */
static void test_bad_descriptors(void **state)
{
    static union { uint32_t w[32]; uint8_t b[128]; } m;
    pram_cell_t d;
    const pram_cell_t good = PRAM_CELL_INIT_AT(c_o13_ab, &m);
    (void)state;
    g_ctx = "descriptors";
    /* The initializer takes everything but the address from the declaration. */
    CHECK(good.addr == (void *)&m && good.region == NULL && good.offset == 0);
    CHECK_EQ(good.size, 13);
    CHECK_EQ(good.schema, 0xFFFF);
    CHECK_EQ(good.value_offset, 12);
    CHECK_EQ(good.slot_size, 28);
    CHECK_EQ(good.mode, PRAM_AB);
    CHECK_EQ(good.kind, PRAM__KIND_CELL);
    memset(&m, 0x77, sizeof m);
    memcpy(va, "0123456789abc", 13);
    d = good;
    CHECK_EQ(pram_cell_set(&d, va, 13), PRAM_OK);
    memcpy(before, &m, sizeof m);
    d = good, d.addr = m.b + 2;
    CHECK_EQ(pram_cell_set(&d, va, 13), PRAM_ERR_ALIGN);
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_ALIGN);
    d = good, d.addr = NULL;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_DESC);
    d = good, d.mode = 3;
    CHECK_EQ(pram_cell_invalidate(&d), PRAM_ERR_DESC);
    d = good, d.value_offset = 8;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_DESC);
    d = good, d.slot_size = 26;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_DESC);
    d = good, d.slot_size = 24; /* value would not fit */
    CHECK_EQ(pram_cell_invalidate(&d), PRAM_ERR_DESC);
    d = good, d.value_offset = 20, d.slot_size = 36; /* fits, but neither 12 nor 16 */
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_DESC);
    CHECK_EQ(pram_cell_set(&d, va, 13), PRAM_ERR_DESC);
    /* Kinds past the region header's (3: the last the layout word can
     * hold, and values it cannot) are no container's. */
    d = good, d.kind = 3u;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_DESC);
    CHECK_EQ(pram_cell_set(&d, va, 13), PRAM_ERR_DESC);
    CHECK_EQ(pram_cell_invalidate(&d), PRAM_ERR_DESC);
    check_get_fails(&d, 13, PRAM_ERR_DESC);
    d = good, d.kind = 4u;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_DESC);
    d = good, d.kind = 0xFFu;
    CHECK_EQ(pram_cell_invalidate(&d), PRAM_ERR_DESC);
    CHECK_EQ(pram_cell_set(&d, va, 13), PRAM_ERR_DESC);
    CHECK_MEM(&m, before, sizeof m);
    /* Well-formed descriptors of another layout over the same bytes: the
     * value moved to 16 (same size and schema) is another layout; so is
     * every other kind (a buffer control block's, a region header's): one
     * magic for all, the kind in the layout word tells them apart, and the
     * CRC checks. */
    d = good, d.value_offset = 16, d.slot_size = 32;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_LAYOUT);
    check_get_fails(&d, 13, PRAM_ERR_LAYOUT);
    d = good, d.kind = PRAM__KIND_BUF;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_LAYOUT);
    check_get_fails(&d, 13, PRAM_ERR_LAYOUT);
    d = good, d.kind = PRAM__KIND_REGION;
    CHECK_EQ(pram_cell_status(&d), PRAM_ERR_LAYOUT);
    check_get_fails(&d, 13, PRAM_ERR_LAYOUT);
    CHECK_MEM(&m, before, sizeof m);
    d = good;
    check_get(&d, 13, va);
    /* Written through a descriptor of another kind, the slot carries that
     * kind in its layout word (and the user cell reads LAYOUT); each kind
     * reads only its own. */
    {
        static const unsigned kinds[] = {PRAM__KIND_BUF, PRAM__KIND_REGION};
        size_t j;
        for (j = 0; j < 2; j++) {
            uint32_t lw = ref_layout_kind(12, 13, kinds[j], 0xFFFF);
            uint16_t sq;
            d = good, d.kind = (uint8_t)kinds[j];
            CHECK_EQ(pram_cell_set(&d, vb, 13), PRAM_OK);
            check_get(&d, 13, vb);
            sq = (uint16_t)rd32(m.b + 28 + 4);
            CHECK_EQ(rd32(m.b + 28), CELL_MAGIC); /* slot 1: the value was in 0 */
            CHECK_EQ(rd32(m.b + 28 + 8), lw);
            CHECK_EQ(rd32(m.b + 28 + 4) >> 16, ref_slot_crc(m.b + 28, lw, sq));
            CHECK_MEM(m.b + 28 + 12, vb, 13);
            CHECK_EQ(rd32(m.b), 0);
            CHECK_EQ(pram_cell_status(&good), PRAM_ERR_LAYOUT);
            check_get_fails(&good, 13, PRAM_ERR_LAYOUT);
            d.kind = (uint8_t)kinds[j ^ 1u];
            CHECK_EQ(pram_cell_status(&d), PRAM_ERR_LAYOUT);
            /* Back to the user cell: its own value again, in slot 0. */
            memcpy(&m, before, sizeof m);
        }
        check_get(&good, 13, va);
    }
}

/* A/B: a slot with seq 0xFFFF, then set: the new seq 0 must win.  Both-valid
 * states (a reset between a commit and its retire) are crafted by hand. */
static void test_ab_seq_wraparound(void **state)
{
    const cell_case_t *k;
    uint8_t *m;
    size_t i;
    uint16_t sq;
    uint64_t rs = 12345;
    (void)state;
    k = case_for(&c_o13_ab);
    m = mem_of(k);
    g_ctx = "wraparound";
    mkval(va, 13, 1, 0xA1);
    mkval(vb, 13, 1, 0xB2);
    mkval(vc, 13, 1, 0xC3);

    /* Slot 0 at 0xFFFF, slot 1 garbage. */
    memset(m, 0xEE, 2 * k->ss);
    ref_craft(m, k->vo, 13, k->schema, 0xFFFFu, va);
    check_get_both(k, va);
    memcpy(before, m, 2 * k->ss);
    CHECK_EQ(pram_cell_set(k->cell, vb, 13), PRAM_OK);
    check_slot(k, 1, vb, &sq);
    CHECK_EQ(sq, 0x0000u);
    /* Slot 0 retired: magic cleared, nothing else touched. */
    check_one_at_rest(k, 1);
    CHECK_MEM(m + 4, before + 4, k->ss - 4);
    check_get_both(k, vb);
    CHECK_EQ(pram_cell_set(k->cell, vc, 13), PRAM_OK);
    check_slot(k, 0, vc, &sq);
    CHECK_EQ(sq, 0x0001u);
    check_one_at_rest(k, 0);
    check_get_both(k, vc);

    /* Same from slot 1, through the typed call. */
    memset(m, 0, 2 * k->ss);
    ref_craft(m + k->ss, k->vo, 13, k->schema, 0xFFFFu, va);
    CHECK_EQ(set_via(k, 1, vb), PRAM_OK);
    check_slot(k, 0, vb, &sq);
    CHECK_EQ(sq, 0x0000u);
    check_one_at_rest(k, 0);
    check_get_both(k, vb);

    /* Both valid (as a reset between commit and retire leaves them), every
     * unambiguous distance: the newer one wins, whichever slot it is in,
     * across the wrap. */
    {
        static const uint16_t fixed[][2] = {
            /* {older, newer}; `where` alternates the slot holding newer. */
            {0xFFFFu, 0x0000u}, {0xFFFEu, 0xFFFFu}, {0x7FFFu, 0x8000u}, {0x8000u, 0x8001u},
            {0xFFF0u, 0x0005u}, {0x0001u, 0x8000u}, {0x8001u, 0x0000u}, {0x0000u, 0x7FFFu},
        };
        for (i = 0; i < sizeof fixed / sizeof fixed[0] + 2000; i++) {
            uint16_t older, newer;
            unsigned where = (unsigned)(i & 1u);
            if (i < sizeof fixed / sizeof fixed[0]) {
                older = fixed[i][0], newer = fixed[i][1];
            } else {
                uint64_t r = test_rand(&rs);
                older = (uint16_t)r;
                newer = (uint16_t)(older + 1u + (uint16_t)((r >> 16) % 0x7FFFu)); /* 1..0x7FFF ahead */
            }
            memset(m, 0, 2 * k->ss);
            ref_craft(m + (where ^ 1u) * k->ss, k->vo, 13, k->schema, older, va);
            ref_craft(m + where * k->ss, k->vo, 13, k->schema, newer, vb);
            check_get_both(k, vb);
            CHECK_EQ(pram_cell_status(k->cell), PRAM_OK);
            /* The next set goes over the older slot with newer+1 and wins;
             * it then retires the slot of the previous newest. */
            CHECK_EQ(set_via(k, (int)((i >> 1) & 1u), vc), PRAM_OK);
            check_slot(k, where ^ 1u, vc, &sq);
            CHECK_EQ(sq, (uint16_t)(newer + 1u));
            check_one_at_rest(k, where ^ 1u);
            check_get_both(k, vc);
        }
    }
}

/* A/B: both slots valid (crafted) with equal or half-range-apart
 * sequences, or a garbage slot next to a valid one.  Equal seqs read slot 0;
 * half a range apart (not ordered by serial arithmetic) either committed
 * value may be read, never anything else; otherwise the oracle's pick.  The
 * next set goes over the slot *not* read, with that slot's seq + 1, retires
 * the one read, and wins; the sets after too. */
static void test_ab_ambiguous_and_garbage_seq(void **state)
{
    const cell_case_t *k;
    uint8_t *m;
    size_t i;
    uint64_t rs = 999;
    uint16_t sq;
    (void)state;
    k = case_for(&c_o7_ab);
    m = mem_of(k);
    g_ctx = "ambiguous seq";
    mkval(va, 7, 2, 0xA1);
    mkval(vb, 7, 2, 0xB2);
    mkval(vc, 7, 2, 0xC3);
    mkval(vd, 7, 2, 0xD4);
    for (i = 0; i < 3000; i++) {
        uint64_t r = test_rand(&rs);
        uint16_t s0 = (uint16_t)r, s1, d;
        unsigned got;
        switch (i % 3) {
        case 0: s1 = s0; break;
        case 1: s1 = (uint16_t)(s0 + 0x8000u); break;
        default: s1 = (uint16_t)(r >> 16); break;
        }
        d = (uint16_t)(s1 - s0);
        memset(m, 0, 2 * k->ss);
        ref_craft(m, k->vo, 7, k->schema, s0, va);
        ref_craft(m + k->ss, k->vo, 7, k->schema, s1, vb);
        memset(obuf, 0x5A, 8);
        CHECK_EQ(pram_cell_get(k->cell, obuf, 7), PRAM_OK);
        CHECK(memcmp(obuf, va, 7) == 0 || memcmp(obuf, vb, 7) == 0);
        CHECK_EQ(obuf[7], 0x5A);
        got = memcmp(obuf, va, 7) == 0 ? 0u : 1u;
        check_get_via(k, 1, got ? vb : va); /* the typed get reads the same slot */
        if (d != 0x8000u) /* equal seqs: slot 0, as the cell spec says */
            CHECK_EQ(got, (unsigned)ref_newest(k, NULL, NULL));
        CHECK_EQ(pram_cell_status(k->cell), PRAM_OK);
        CHECK_EQ(k->typed->status(), PRAM_OK);
        CHECK_EQ(set_via(k, (int)(i & 1u), vc), PRAM_OK);
        check_get_both(k, vc);
        check_slot(k, got ^ 1u, vc, &sq);
        CHECK_EQ(sq, (uint16_t)((got ? s1 : s0) + 1u));
        check_one_at_rest(k, got ^ 1u);
        CHECK_EQ(set_via(k, (int)(i & 1u), vd), PRAM_OK);
        check_get_both(k, vd);
        check_slot(k, got, vd, &sq);
        CHECK_EQ(sq, (uint16_t)((got ? s1 : s0) + 2u));
        check_one_at_rest(k, got);
        /* Neither of the crafted values is still readable as the newest. */
        CHECK_EQ(set_via(k, (int)(i & 1u), vc), PRAM_OK);
        check_get_both(k, vc);
        check_one_at_rest(k, got ^ 1u);
    }
    /* One valid slot, the other random garbage with a random seq. */
    for (i = 0; i < 2000; i++) {
        unsigned where = (unsigned)(i & 1u);
        uint16_t s = (uint16_t)test_rand(&rs);
        test_fill_random(m, 2 * k->ss, &rs);
        ref_craft(m + where * k->ss, k->vo, 7, k->schema, s, va);
        check_get_both(k, va);
        memcpy(before, m, 2 * k->ss);
        CHECK_EQ(set_via(k, (int)((i >> 1) & 1u), vb), PRAM_OK);
        check_get_both(k, vb);
        check_slot(k, where ^ 1u, vb, &sq);
        CHECK_EQ(sq, (uint16_t)(s + 1u));
        check_one_at_rest(k, where ^ 1u);
        CHECK_MEM(m + where * k->ss + 4, before + where * k->ss + 4, k->ss - 4);
    }
}

/* A/B: a slot from another layout next to a valid one. */
static void test_ab_mixed_layouts(void **state)
{
    const cell_case_t *k;
    uint8_t *m;
    size_t i;
    (void)state;
    k = case_for(&c_o13_ab);
    m = mem_of(k);
    g_ctx = "mixed layouts";
    mkval(va, 13, 3, 0xA1);
    mkval(vb, 13, 3, 0xB2);
    for (i = 0; i < 2; i++) {
        unsigned where = (unsigned)i;
        /* Other slot: committed by schema-1 firmware (newer seq, even). */
        memset(m, 0, 2 * k->ss);
        ref_craft(m + where * k->ss, k->vo, 13, k->schema, 10, va);
        ref_craft(m + (where ^ 1u) * k->ss, k->vo, 13, 1, 11, vb);
        CHECK_EQ(pram_cell_status(k->cell), PRAM_OK);
        check_get_both(k, va);
        /* Other slot: another kind of container (same size and schema). */
        ref_craft_layout(m + (where ^ 1u) * k->ss, ref_layout_kind(k->vo, 13, REF_KIND_BUF, k->schema),
                         11, vb);
        check_get_both(k, va);
        /* Other slot: another size. */
        ref_craft(m + (where ^ 1u) * k->ss, k->vo, 12, k->schema, 11, vb);
        check_get_both(k, va);
        /* Our slot's CRC broken: only the foreign layout left -> LAYOUT. */
        m[where * k->ss + k->vo] ^= 1u;
        CHECK_EQ(pram_cell_status(k->cell), PRAM_ERR_LAYOUT);
        CHECK_EQ(k->typed->status(), PRAM_ERR_LAYOUT);
        check_get_fails_both(k, PRAM_ERR_LAYOUT);
        /* Foreign layout + zeroed slot -> LAYOUT; both foreign -> LAYOUT. */
        memset(m + where * k->ss, 0, k->ss);
        CHECK_EQ(pram_cell_status(k->cell), PRAM_ERR_LAYOUT);
        ref_craft(m + where * k->ss, k->vo, 13, 2, 3, va);
        CHECK_EQ(pram_cell_status(k->cell), PRAM_ERR_LAYOUT);
        CHECK_EQ(pram_cell_is_valid(k->cell), 0);
        /* Foreign layout but magic wrong -> INVALID. */
        memset(m, 0, 2 * k->ss);
        ref_craft(m + where * k->ss, k->vo, 13, 2, 3, va);
        m[where * k->ss] ^= 0x10u;
        CHECK_EQ(pram_cell_status(k->cell), PRAM_ERR_INVALID);
        /* Right layout, wrong CRC in both -> INVALID. */
        memset(m, 0, 2 * k->ss);
        ref_craft(m, k->vo, 13, k->schema, 1, va);
        ref_craft(m + k->ss, k->vo, 13, k->schema, 2, vb);
        m[4 + 2] ^= 0x01u;          /* CRC bits of the seal */
        m[k->ss + 4 + 3] ^= 0x80u;
        CHECK_EQ(pram_cell_status(k->cell), PRAM_ERR_INVALID);
        check_get_fails(k->cell, 13, PRAM_ERR_INVALID);
    }
}

/* ---- Store order of a set, by cutting power after each store ----------------- */

/* Expected storage after the first n stores of a set that writes slot t
 * with value v: magic<-0 (+0), value words (+vo), layout (+8), seal (+4;
 * checked separately: seq `seq`, or any seq if seq < 0),
 * magic<-CELL_MAGIC, and for A/B the retire (the other slot's magic<-0).
 * Padding between 12 and vo is never written.  Compares the storage. */
static void check_after_n(const cell_case_t *k, unsigned t, const uint8_t *v, long seq, size_t n)
{
    size_t len = k->ss * nslots(k), w = value_words(k->size), step, b;
    uint8_t *slot_exp = expect_img + t * k->ss;
    uint8_t *m = mem_of(k);
    int seal_written = 0;
    memcpy(expect_img, before, len);
    memset(care, 1, len);
    for (step = 1; step <= n; step++) {
        if (step == 1) {
            wr32(slot_exp, 0);
        } else if (step <= 1 + w) {
            size_t word = step - 2;
            for (b = 0; b < 4; b++) {
                size_t pos = word * 4 + b;
                if (pos < k->size)
                    slot_exp[k->vo + pos] = v[pos];
                else
                    care[t * k->ss + k->vo + pos] = 0; /* padding: unspecified */
            }
        } else if (step == 2 + w) {
            wr32(slot_exp + 8, ref_layout(k->vo, k->size, k->schema));
        } else if (step == 3 + w) {
            memset(care + t * k->ss + 4, 0, 4);
            seal_written = 1;
        } else if (step == 4 + w) {
            wr32(slot_exp, CELL_MAGIC);
        } else if (step == 5 + w && k->mode == PRAM_AB) {
            wr32(expect_img + (t ^ 1u) * k->ss, 0);
        }
    }
    for (b = 0; b < len; b++)
        if (care[b] && m[b] != expect_img[b])
            fail_msg("[%s] after %d stores: byte %d is 0x%02x, expected 0x%02x", g_ctx, (int)n,
                     (int)b, m[b], expect_img[b]);
    if (seal_written) {
        uint32_t seal = rd32(m + t * k->ss + 4);
        if (seq >= 0)
            CHECK_EQ(seal & 0xFFFFu, (unsigned long)seq);
        /* Over the new value and the padding as it was before the set. */
        CHECK_EQ(seal >> 16, expected_crc(k, before + t * k->ss, (uint16_t)seal, v));
    } else {
        CHECK_EQ(rd32(m + t * k->ss + 4), rd32(before + t * k->ss + 4));
    }
}

static void test_set_store_order(void **state)
{
    size_t i;
    int path;
    (void)state;
    for (i = 0; i < NCASES * NPATHS; i++) {
        const cell_case_t *k = &cases[i / NPATHS];
        size_t len = k->ss * nslots(k), total = set_stores(k), commit = commit_store(k), n;
        unsigned cur;
        cell_op_t x;
        path = (int)(i % NPATHS);
        set_ctx(k, path);
        mkval(va, k->size, i / NPATHS + 300, 0x61);
        mkval(vb, k->size, i / NPATHS + 300, (uint8_t)(0x72 + path));
        x.cell = k->cell, x.value = vb, x.size = k->size, x.typed = k->typed, x.rc = 1;
        for (cur = 0; cur < nslots(k); cur++) {
            /* Single: slot garbage (every store then visibly changes a
             * word).  A/B: slot `cur` holds the current value (seq 0x1234),
             * the other slot is garbage: the set must go there, seq 0x1235,
             * then retire slot `cur`. */
            unsigned t = k->mode == PRAM_AB ? cur ^ 1u : 0u;
            memset(before, 0xA5, len);
            if (k->mode == PRAM_AB)
                ref_craft(before + cur * k->ss, k->vo, k->size, k->schema, 0x1234u, va);
            for (n = 1; n <= total + 1; n++) {
                uint64_t s0;
                int cut;
                memcpy(mem_of(k), before, len);
                s0 = pram_test_stores;
                x.rc = 1;
                cut = run_cut(set_op(path), &x, n, 0);
                CHECK_EQ(cut, n <= total);
                CHECK_EQ(pram_test_stores - s0, n <= total ? n : total);
                check_after_n(k, t, vb, k->mode == PRAM_AB ? 0x1235 : -1, n);
                if (n < commit) {
                    if (k->mode == PRAM_AB)
                        check_get_both(k, va);
                    else
                        check_get_fails_both(k, PRAM_ERR_INVALID);
                } else {
                    check_get_both(k, vb);
                    if (n > total)
                        CHECK_EQ(x.rc, PRAM_OK);
                }
                if (k->mode == PRAM_AB && n == commit) {
                    /* Committed, not yet retired: both valid, newer read. */
                    CHECK_EQ(count_valid(k), 2);
                    CHECK_EQ(ref_newest(k, NULL, NULL), (int)t);
                } else if (k->mode == PRAM_AB && n > commit) {
                    check_one_at_rest(k, t);
                }
            }
        }
        /* Single over a committed value: invalid from the first store on. */
        if (k->mode == PRAM_SINGLE) {
            memset(before, 0, len);
            ref_craft(before, k->vo, k->size, k->schema, 0, va);
            for (n = 1; n < total; n++) {
                memcpy(mem_of(k), before, len);
                CHECK_EQ(run_cut(set_op(path), &x, n, 0), 1);
                CHECK_EQ(pram_cell_status(k->cell), PRAM_ERR_INVALID);
                CHECK_EQ(k->typed->status(), PRAM_ERR_INVALID);
            }
        } else {
            /* A/B first commit (nothing valid): slot 0 with seq 1, slot 1
             * left alone until the retire after the commit (no clearing
             * beforehand); invalid until the commit store. */
            memset(before, 0xA5, len);
            for (n = 1; n <= total + 2; n++) {
                int cut;
                memcpy(mem_of(k), before, len);
                cut = run_cut(set_op(path), &x, n, 0);
                CHECK_EQ(cut, n <= total);
                check_after_n(k, 0, vb, 1, n);
                if (n < commit) {
                    check_get_fails_both(k, PRAM_ERR_INVALID);
                } else {
                    check_get_both(k, vb);
                    check_slot(k, 0, vb, NULL);
                }
            }
        }
    }
}

/* A/B invalidate clears the older slot first: a cut in between still reads
 * the newest value, never the older one. */
static void test_ab_invalidate_order(void **state)
{
    static const unsigned tears[] = {0u, 0x1u, 0x3u, 0x7u, 0xEu};
    size_t i, ti;
    int path;
    (void)state;
    for (i = 0; i < NCASES * NPATHS; i++) {
        const cell_case_t *k = &cases[i / NPATHS];
        size_t len = k->ss * nslots(k);
        unsigned newer;
        cell_op_t x;
        if (k->mode != PRAM_AB)
            continue;
        path = (int)(i % NPATHS);
        set_ctx(k, path);
        mkval(va, k->size, i / NPATHS + 400, 0x81);
        mkval(vb, k->size, i / NPATHS + 400, 0x92);
        x.cell = k->cell, x.typed = k->typed;
        for (newer = 0; newer < 2; newer++) {
            memset(before, 0, len);
            ref_craft(before + (newer ^ 1u) * k->ss, k->vo, k->size, k->schema, 0x40, va);
            ref_craft(before + newer * k->ss, k->vo, k->size, k->schema, 0x41, vb);
            for (ti = 0; ti < sizeof tears / sizeof tears[0]; ti++) {
                memcpy(mem_of(k), before, len);
                CHECK_EQ(run_cut(invalidate_op(path), &x, 1, tears[ti]), 1);
                /* The older slot went first; the newer is untouched. */
                CHECK_MEM(mem_of(k) + newer * k->ss, before + newer * k->ss, k->ss);
                CHECK(rd32(mem_of(k) + (newer ^ 1u) * k->ss) != CELL_MAGIC);
                check_get_both(k, vb);
                memcpy(mem_of(k), before, len);
                CHECK_EQ(run_cut(invalidate_op(path), &x, 2, tears[ti]), 1);
                check_get_fails_both(k, PRAM_ERR_INVALID);
            }
            /* Single-valid A/B cell: same, one real clear suffices. */
            memcpy(mem_of(k), before, len);
            memset(mem_of(k) + (newer ^ 1u) * k->ss, 0, k->ss);
            CHECK_EQ(run_cut(invalidate_op(path), &x, 1, 0), 1);
            check_get_both(k, vb);
        }
    }
}

/* ---- A/B at rest: exactly one valid slot --------------------------------------- */

/* Every prior state an A/B cell may be found in; after each completed set
 * exactly one slot has the magic, holding the new value.  Where it goes
 * (src/pram_cell_core.h, prepare): with both magic words set, the slot not
 * holding the current value with its seq + 1 (slot 0 with seq 1 if neither
 * is valid); with exactly one, the other slot with the magic one's stored
 * seq + 1, whether or not that one checks (the retire clears it); with
 * none, slot 0 with seq 1. */
#define AT_REST_STATES 13

static void prepare_state(const cell_case_t *k, int st, uint64_t *rs)
{
    uint8_t *m = mem_of(k);
    size_t len = k->ss * 2u;
    uint16_t other = (uint16_t)(k->schema ^ 0x0100u); /* another firmware's schema */
    memset(m, 0, len);
    switch (st) {
    case 0: break;                                                     /* zeros          */
    case 1: memset(m, 0xA5, len); break;                               /* garbage        */
    case 2: ref_craft(m, k->vo, k->size, k->schema, 7, va); break;     /* slot 0 only    */
    case 3: ref_craft(m + k->ss, k->vo, k->size, k->schema, 7, va); break; /* slot 1 only */
    case 4:                                                            /* both, 1 newer  */
        ref_craft(m, k->vo, k->size, k->schema, 7, va);
        ref_craft(m + k->ss, k->vo, k->size, k->schema, 8, vb);
        break;
    case 5:                                                            /* both, 0 newer  */
        ref_craft(m, k->vo, k->size, k->schema, 8, vb);
        ref_craft(m + k->ss, k->vo, k->size, k->schema, 7, va);
        break;
    case 6: ref_craft(m, k->vo, k->size, other, 9, va); break;          /* foreign slot 0 */
    case 7:                                                            /* ours + foreign */
        ref_craft(m, k->vo, k->size, k->schema, 7, va);
        ref_craft(m + k->ss, k->vo, k->size, other, 9, vb);
        break;
    case 8:                                                            /* foreign + ours */
        ref_craft(m, k->vo, k->size, other, 9, vb);
        ref_craft(m + k->ss, k->vo, k->size, k->schema, 7, va);
        break;
    case 9:                                                            /* both foreign   */
        ref_craft(m, k->vo, k->size, other, 9, va);
        ref_craft(m + k->ss, k->vo, k->size, other, 10, vb);
        break;
    case 10:                                                           /* ours + bad CRC */
        ref_craft(m, k->vo, k->size, k->schema, 7, va);
        ref_craft(m + k->ss, k->vo, k->size, k->schema, 8, vb);
        m[k->ss + k->vo] ^= 0x01u;
        break;
    case 11:                                                           /* both bad CRC   */
        ref_craft(m, k->vo, k->size, k->schema, 7, va);
        ref_craft(m + k->ss, k->vo, k->size, k->schema, 8, vb);
        m[k->vo] ^= 0x01u;
        m[k->ss + k->vo] ^= 0x01u;
        break;
    default:                                                           /* noise + magics */
        test_fill_random(m, len, rs);
        wr32(m, CELL_MAGIC);
        wr32(m + k->ss, CELL_MAGIC);
        break;
    }
}

static void test_ab_one_valid_at_rest(void **state)
{
    size_t i;
    uint64_t rs = 2024;
    int path;
    (void)state;
    for (i = 0; i < NCASES * NPATHS; i++) {
        const cell_case_t *k = &cases[i / NPATHS];
        int st, r;
        if (k->mode != PRAM_AB)
            continue;
        path = (int)(i % NPATHS);
        set_ctx(k, path);
        mkval(va, k->size, i / NPATHS + 500, 0x13);
        mkval(vb, k->size, i / NPATHS + 500, 0x24);
        for (st = 0; st < AT_REST_STATES; st++) {
            prepare_state(k, st, &rs);
            for (r = 0; r < 4; r++) {
                uint16_t cur_seq = 0, sq, want_seq;
                int cur = ref_newest(k, &cur_seq, NULL);
                int m0 = rd32(mem_of(k)) == CELL_MAGIC, m1 = rd32(mem_of(k) + k->ss) == CELL_MAGIC;
                unsigned t;
                uint64_t s0;
                g_iter = st * 10 + r;
                if (m0 != m1) {
                    /* One magic word: the other slot, stored seq + 1. */
                    t = m0 ? 1u : 0u;
                    want_seq = (uint16_t)(rd32(mem_of(k) + (t ^ 1u) * k->ss + 4) + 1u);
                    if (cur >= 0)
                        CHECK_EQ(t, (unsigned)cur ^ 1u);
                } else {
                    t = m0 && cur >= 0 ? (unsigned)cur ^ 1u : 0u;
                    want_seq = m0 && cur >= 0 ? (uint16_t)(cur_seq + 1u) : 1u;
                }
                mkval(vc, k->size, (uint64_t)(st * 10 + r), (uint8_t)(0xC0u + (unsigned)r));
                s0 = pram_test_stores;
                CHECK_EQ(set_via(k, path, vc), PRAM_OK);
                CHECK_EQ(pram_test_stores - s0, set_stores(k));
                check_slot(k, t, vc, &sq);
                CHECK_EQ(sq, want_seq);
                check_one_at_rest(k, t);
                check_get_both(k, vc);
            }
        }
        g_iter = -1;
    }
}

/* A reset exactly between the commit (store W+4) and the retire (W+5):
 * both slots valid, the new one newer and read; the next set goes over the
 * older slot, retires the other and is read.  A torn commit leaves the old
 * value; a cut at the retire, torn or not, the new one with a single magic. */
static void test_ab_cut_between_commit_and_retire(void **state)
{
    static const unsigned tears[] = {0u, 0x1u, 0x3u, 0x7u, 0xEu};
    size_t i, ti;
    int path;
    (void)state;
    for (i = 0; i < NCASES * NPATHS; i++) {
        const cell_case_t *k = &cases[i / NPATHS];
        size_t len = k->ss * 2u;
        int pre;
        cell_op_t x;
        if (k->mode != PRAM_AB)
            continue;
        /* The cut set through `path`; the next boot's set through the other. */
        path = (int)(i % NPATHS);
        set_ctx(k, path);
        mkval(va, k->size, i / NPATHS + 600, 0x15);
        mkval(vb, k->size, i / NPATHS + 600, 0x26);
        mkval(vc, k->size, i / NPATHS + 600, 0x37);
        mkval(vd, k->size, i / NPATHS + 600, 0x48);
        x.cell = k->cell, x.size = k->size, x.typed = k->typed;
        /* 0 nothing valid, 1 va in slot 0, 2 va in slot 1, 3 vd older in
         * slot 0 and va newer in slot 1 (itself such a cut), 4 reversed. */
        for (pre = 0; pre <= 4; pre++) {
            uint16_t cur_seq = 0, sq;
            int cur;
            unsigned t;
            memset(before, 0xA5, len);
            if (pre == 1 || pre == 4)
                ref_craft(before, k->vo, k->size, k->schema, pre == 4 ? 0x8000u : 0x7FFFu, va);
            if (pre == 2 || pre == 3)
                ref_craft(before + k->ss, k->vo, k->size, k->schema, pre == 3 ? 0x0000u : 0xFFFFu,
                          va);
            if (pre == 3)
                ref_craft(before, k->vo, k->size, k->schema, 0xFFFFu, vd);
            if (pre == 4)
                ref_craft(before + k->ss, k->vo, k->size, k->schema, 0x7FFFu, vd);
            memcpy(mem_of(k), before, len);
            cur = ref_newest(k, &cur_seq, NULL);
            CHECK_EQ(cur, pre == 0 ? -1 : pre == 1 || pre == 4 ? 0 : 1);
            t = cur >= 0 ? (unsigned)cur ^ 1u : 0u;
            for (ti = 0; ti < sizeof tears / sizeof tears[0]; ti++) {
                /* Cut at the commit store. */
                memcpy(mem_of(k), before, len);
                x.value = vb;
                CHECK_EQ(run_cut(set_op(path), &x, commit_store(k), tears[ti]), 1);
                /* The slot holding the old value is untouched so far. */
                CHECK_MEM(mem_of(k) + (t ^ 1u) * k->ss, before + (t ^ 1u) * k->ss, k->ss);
                if (tears[ti] != 0) {
                    if (cur >= 0)
                        check_get_both(k, va);
                    else
                        check_get_fails_both(k, PRAM_ERR_INVALID);
                    continue;
                }
                check_get_both(k, vb);
                check_slot(k, t, vb, &sq);
                CHECK_EQ(sq, cur >= 0 ? (uint16_t)(cur_seq + 1u) : 1u);
                CHECK_EQ(ref_newest(k, NULL, NULL), (int)t);
                CHECK_EQ(count_valid(k), cur >= 0 ? 2 : 1);
                CHECK_EQ(count_magic(k), cur >= 0 ? 2 : 1);
                /* The next boot's set: over the older slot, seq + 1, then
                 * the slot it superseded is retired. */
                x.value = vc;
                x.rc = 1;
                CHECK_EQ(run_cut(set_op(path ^ 1), &x, 0, 0), 0);
                CHECK_EQ(x.rc, PRAM_OK);
                check_get_both(k, vc);
                check_slot(k, t ^ 1u, vc, NULL);
                CHECK_EQ(rd32(mem_of(k) + (t ^ 1u) * k->ss + 4) & 0xFFFFu, (uint16_t)(sq + 1u));
                check_one_at_rest(k, t ^ 1u);
            }
            /* Cut at the retire store: the new value, one magic, whatever
             * part of the retire landed. */
            for (ti = 0; ti < sizeof tears / sizeof tears[0]; ti++) {
                memcpy(mem_of(k), before, len);
                x.value = vb;
                CHECK_EQ(run_cut(set_op(path), &x, set_stores(k), tears[ti]), 1);
                check_get_both(k, vb);
                CHECK_EQ(count_magic(k), 1);
                CHECK_EQ(count_valid(k), 1);
                CHECK_EQ(ref_newest(k, NULL, NULL), (int)t);
            }
        }
    }
}

/* Two (or three) commits, then the newest slot damaged: detected, read as
 * invalid (as the oracle says: a damaged layout word is not another layout's
 * header, its CRC does not check); the previous value, whose bytes are
 * still in the retired slot, never comes back. */
static void test_ab_corrupt_newest_no_fallback(void **state)
{
    static const uint8_t flips[] = {0x01, 0x80, 0xFF};
    size_t i;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        size_t len = k->ss * 2u, span = k->vo + k->size, stride, p, f;
        int commits;
        if (k->mode != PRAM_AB)
            continue;
        g_ctx = k->name;
        mkval(va, k->size, i + 700, 0x17);
        mkval(vb, k->size, i + 700, 0x28);
        mkval(vc, k->size, i + 700, 0x39);
        stride = k->size > 64 ? k->size / 61u : 1u; /* big values: a sample */
        for (commits = 2; commits <= 3; commits++) {
            const uint8_t *newest_v = commits == 2 ? vb : vc;
            const uint8_t *prev_v = commits == 2 ? va : vb;
            unsigned newest;
            memset(mem_of(k), 0, len);
            CHECK_EQ(pram_cell_set(k->cell, va, k->size), PRAM_OK);
            CHECK_EQ(pram_cell_set(k->cell, vb, k->size), PRAM_OK);
            if (commits == 3)
                CHECK_EQ(pram_cell_set(k->cell, vc, k->size), PRAM_OK);
            newest = commits == 2 ? 1u : 0u;
            check_one_at_rest(k, newest);
            /* The retired slot still holds the previous value under a
             * cleared magic. */
            CHECK_MEM(mem_of(k) + (newest ^ 1u) * k->ss + k->vo, prev_v, k->size);
            memcpy(before, mem_of(k), len);
            for (p = 0; p < span; p = p < k->vo || p + stride >= span ? p + 1 : p + stride) {
                /* Padding 12..vo of 8-aligned values is covered too. */
                for (f = 0; f < sizeof flips; f++) {
                    int want;
                    memcpy(mem_of(k), before, len);
                    mem_of(k)[newest * k->ss + p] ^= flips[f];
                    /* Whatever the byte, the damaged slot is no longer ours;
                     * a flip in its layout word leaves no verifiable header
                     * of another layout either (1-bit flips: never, as the
                     * CRC covers the layout word). */
                    want = ref_cell_state(k, NULL);
                    CHECK(want != PRAM_OK);
                    if (flips[f] != 0xFF || p < 8 || p >= 12)
                        CHECK_EQ(want, PRAM_ERR_INVALID);
                    CHECK_EQ(pram_cell_status(k->cell), want);
                    CHECK_EQ(k->typed->status(), want);
                    CHECK_EQ(pram_cell_is_valid(k->cell), 0);
                    check_get_fails_via(k, 1, want);
                    check_get_fails(k->cell, k->size, want); /* out untouched */
                    CHECK(memcmp(obuf, prev_v, k->size) != 0);
                }
            }
            memcpy(mem_of(k), before, len);
            check_get(k->cell, k->size, newest_v);
        }
    }
}

/* ---- Another layout's header vs nothing valid ---------------------------------- */

/* The cell must read `want` (an error) everywhere a reader looks: the generic
 * API; the descriptor path without checks (pram__cell_status: typed calls of
 * cells in regions, edits); the slot search by geometry that the typed calls
 * of cells in ordinary memory compile into (pram__ram_find, given the layout
 * word and shape the oracle derives from the descriptor); the cell's own
 * typed calls when it has them (typed: status, valid, get with out
 * untouched); get (out untouched), is_valid, and edit begin KEEP (refused
 * with the same code); none of it stores or changes a byte. */
static void expect_error_state(const pram_cell_t *c, const cell_typed_t *typed, size_t size,
                               size_t len, int want)
{
    pram_edit_t e;
    uint64_t s0 = pram_test_stores;
    memcpy(expect_img, cell_mem(c), len);
    CHECK_EQ(pram_cell_status(c), want);
    CHECK_EQ(pram__cell_status(c), want);
    CHECK(c->region == NULL && c->kind == PRAM__KIND_CELL);
    CHECK_EQ(pram__ram_find((uintptr_t)c->addr, ref_layout(c->value_offset, c->size, c->schema),
                            (uint32_t)c->slot_size | (c->mode == PRAM_AB ? 0x10000u : 0u)),
             want);
    if (typed) {
        CHECK_EQ(typed->status(), want);
        CHECK_EQ(typed->valid(), 0);
        memset(obuf, 0x5A, size + 1);
        memset(sentinel, 0x5A, size + 1);
        CHECK_EQ(typed->get(obuf), want);
        CHECK_MEM(obuf, sentinel, size + 1);
    }
    CHECK_EQ(pram_cell_is_valid(c), 0);
    check_get_fails(c, size, want);
    memset(&e, 0x5A, sizeof e);
    CHECK_EQ(pram_cell_edit_begin(c, &e, PRAM_EDIT_KEEP), want);
    CHECK(e.value == NULL);
    CHECK_EQ(e.result, want);
    CHECK_EQ(pram_cell_edit_commit(&e), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_test_stores, s0);
    CHECK_MEM(cell_mem(c), expect_img, len);
}

static uint8_t fvalue[0x8000 + 64];

/* (a) a committed slot of another size, schema, value offset or kind (a
 * buffer control block's, a region header's, and kind 3, which no container
 * has but the layout word can hold) that fits this cell's storage from its
 * slot on: PRAM_ERR_LAYOUT; (c) every 1-bit
 * flip of the layout word of a valid slot of our layout: PRAM_ERR_INVALID,
 * never LAYOUT or OK; (d) zeroed storage with only magic words: INVALID;
 * (e) 0xFF-filled storage with magic words: INVALID.  Single-slot and A/B
 * (the crafted slot alone in slot 0 or in slot 1, the other zeroed or
 * garbage without a magic), every cell type.  The oracle agrees each time. */
static void test_layout_vs_invalid(void **state)
{
    size_t i;
    uint64_t rs = 4711;
    (void)state;
    test_fill_random(fvalue, sizeof fvalue, &rs);
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        uint8_t *m = mem_of(k);
        size_t len = storage_len(k), at, other_fill;
        long layouts = 0;
        g_ctx = k->name;
        mkval(va, k->size, i + 900, 0x5E);
        for (at = 0; at < nslots(k); at++) {
            size_t room = len - at * k->ss, f, bit;
            for (other_fill = 0; other_fill < 2; other_fill++) {
                /* Foreign layouts: {value offset, size, schema, kind}. */
                size_t fl[12][4];
                size_t nf = 0;
                uint16_t fschema = (uint16_t)(k->schema ^ 0x0100u);
                fl[nf][0] = k->vo, fl[nf][1] = k->size, fl[nf][2] = fschema, fl[nf][3] = 0u, nf++;
                fl[nf][0] = k->vo, fl[nf][1] = k->size + 1u, fl[nf][2] = k->schema, fl[nf][3] = 0u, nf++;
                fl[nf][0] = k->vo, fl[nf][1] = k->size > 1u ? k->size - 1u : 2u, fl[nf][2] = k->schema, fl[nf][3] = 0u, nf++;
                fl[nf][0] = 28u - k->vo, fl[nf][1] = k->size, fl[nf][2] = k->schema, fl[nf][3] = 0u, nf++;
                fl[nf][0] = 12u, fl[nf][1] = 1u, fl[nf][2] = fschema, fl[nf][3] = 0u, nf++;
                fl[nf][0] = 12u, fl[nf][1] = room - 12u, fl[nf][2] = k->schema, fl[nf][3] = 0u, nf++; /* exactly fills */
                fl[nf][0] = 16u, fl[nf][1] = room - 16u, fl[nf][2] = fschema, fl[nf][3] = 0u, nf++;
                fl[nf][0] = 16u, fl[nf][1] = 1u, fl[nf][2] = k->schema, fl[nf][3] = 0u, nf++;
                /* Only the kind differs: the same bytes a user cell of this
                 * type would write, but another container's. */
                fl[nf][0] = k->vo, fl[nf][1] = k->size, fl[nf][2] = k->schema, fl[nf][3] = REF_KIND_BUF, nf++;
                fl[nf][0] = k->vo, fl[nf][1] = k->size, fl[nf][2] = k->schema, fl[nf][3] = REF_KIND_REGION, nf++;
                fl[nf][0] = k->vo, fl[nf][1] = k->size, fl[nf][2] = k->schema, fl[nf][3] = 3u, nf++;
                fl[nf][0] = 12u, fl[nf][1] = room - 12u, fl[nf][2] = fschema, fl[nf][3] = REF_KIND_REGION, nf++;
                for (f = 0; f < nf; f++) {
                    size_t fvo = fl[f][0], fsize = fl[f][1];
                    uint16_t fsch = (uint16_t)fl[f][2];
                    uint32_t flay = ref_layout_kind(fvo, fsize, (unsigned)fl[f][3], fsch);
                    if (fsize == 0u || fvo + fsize > room || fsize + fvo - 12u > REF_SPAN_MAX ||
                        flay == ref_layout(k->vo, k->size, k->schema))
                        continue;
                    g_iter = (long)(at * 100 + other_fill * 20 + f);
                    memset(m, other_fill ? 0xA5 : 0, len);
                    ref_craft_layout(m + at * k->ss, flay, (uint16_t)(0x1111u * (f + 1u)), fvalue);
                    CHECK_EQ(ref_cell_state(k, NULL), PRAM_ERR_LAYOUT);
                    expect_error_state(k->cell, k->typed, k->size, len, PRAM_ERR_LAYOUT);
                    layouts++;
                }
                /* (c) our own layout, one bit of its layout word flipped. */
                g_iter = (long)(at * 100 + other_fill * 20 + 19);
                memset(m, other_fill ? 0xA5 : 0, len);
                ref_craft(m + at * k->ss, k->vo, k->size, k->schema, 0x0505u, va);
                check_get(k->cell, k->size, va);
                CHECK_EQ(ref_cell_state(k, NULL), PRAM_OK);
                memcpy(before, m, len);
                for (bit = 0; bit < 32; bit++) {
                    g_iter = (long)(at * 100 + other_fill * 10 + 1000 + bit);
                    memcpy(m, before, len);
                    m[at * k->ss + 8u + bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
                    CHECK_EQ(ref_cell_state(k, NULL), PRAM_ERR_INVALID);
                    expect_error_state(k->cell, k->typed, k->size, len, PRAM_ERR_INVALID);
                }
                memcpy(m, before, len);
                check_get(k->cell, k->size, va);
            }
        }
        /* Both A/B slots foreign (a fitting one in each): LAYOUT. */
        if (k->mode == PRAM_AB) {
            g_iter = -1;
            memset(m, 0, len);
            ref_craft(m, 12u, 4u, k->schema, 3u, fvalue);
            ref_craft(m + k->ss, 12u, 1u, (uint16_t)(k->schema + 1u), 4u, fvalue);
            CHECK_EQ(ref_cell_state(k, NULL), PRAM_ERR_LAYOUT);
            expect_error_state(k->cell, k->typed, k->size, len, PRAM_ERR_LAYOUT);
        }
        g_iter = -1;
        CHECK(layouts >= (long)(10u * nslots(k)));
        /* (d) zeroed storage, (e) 0xFF-filled storage: only magic words. */
        for (other_fill = 0; other_fill < 2; other_fill++) {
            uint8_t fill = other_fill ? 0xFFu : 0x00u;
            size_t mask;
            for (mask = 1; mask < (k->mode == PRAM_AB ? 4u : 2u); mask++) {
                g_iter = (long)(other_fill * 10 + mask);
                memset(m, fill, len);
                if (mask & 1u)
                    wr32(m, CELL_MAGIC);
                if (mask & 2u)
                    wr32(m + k->ss, CELL_MAGIC);
                CHECK_EQ(ref_cell_state(k, NULL), PRAM_ERR_INVALID);
                expect_error_state(k->cell, k->typed, k->size, len, PRAM_ERR_INVALID);
            }
        }
        g_iter = -1;
        /* set takes over from any of these. */
        CHECK_EQ(pram_cell_set(k->cell, va, k->size), PRAM_OK);
        check_get(k->cell, k->size, va);
    }
}

/* ---- A foreign header whose value would lie past this cell's storage ----------- */

/* (b) Storage that ends exactly at a page the process may not touch: a
 * foreign header whose value would end past the storage (from its slot:
 * slot 0 of an A/B cell may span both slots, slot 1 only itself) is
 * PRAM_ERR_INVALID, and is refused before a byte past the storage is read
 * (any read there faults).  One that ends exactly at the storage's end is
 * PRAM_ERR_LAYOUT; a stored span of 0 is INVALID.  The CRC of each crafted
 * header is computed over a full image (as if the storage went on), so only
 * the bound decides. */
static uint8_t bound_img[2 * 4096 + 0x8000 + 64];

static void test_foreign_slot_bounds(void **state)
{
    static const struct {
        size_t size, vo, ss;
    } geo[] = {{13, 12, 28}, {sizeof(al8_t), 16, 40}, {1, 12, 16}, {255, 12, 268}};
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *map;
    size_t g;
    unsigned mode;
    (void)state;
    g_ctx = "foreign bounds";
    CHECK(page >= 4096);
    map = (uint8_t *)mmap(NULL, 2u * (size_t)page, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(map != (uint8_t *)MAP_FAILED);
    CHECK_EQ(mprotect(map + page, (size_t)page, PROT_NONE), 0);
    for (g = 0; g < sizeof geo / sizeof geo[0]; g++)
        for (mode = PRAM_SINGLE; mode <= PRAM_AB; mode++) {
            size_t nsl = mode == PRAM_AB ? 2u : 1u, len = geo[g].ss * nsl, at;
            uint8_t *m = map + page - len;
            cell_case_t k;
            pram_cell_t c;
            memset(&c, 0, sizeof c);
            c.addr = m;
            c.kind = PRAM__KIND_CELL;
            c.size = (uint16_t)geo[g].size;
            c.schema = 0x0707u;
            c.value_offset = (uint16_t)geo[g].vo;
            c.slot_size = (uint16_t)geo[g].ss;
            c.mode = (uint8_t)mode;
            memset(&k, 0, sizeof k);
            k.name = "bounds", k.cell = &c, k.size = c.size, k.vo = c.value_offset;
            k.ss = c.slot_size, k.schema = c.schema, k.mode = mode;
            CHECK_EQ((uintptr_t)m % 4u, 0);
            for (at = 0; at < nsl; at++) {
                size_t room = len - at * geo[g].ss, fvo, d;
                for (fvo = 12; fvo <= 16; fvo += 4) {
                    /* 0x8000: the largest span a layout word holds. */
                    static const size_t over[] = {0, 1, 3, 4, 5, 64, 0x8000};
                    /* Every kind: the kind bits do not move the value's end. */
                    for (d = 0; d < 4 * (sizeof over / sizeof over[0]); d++) {
                        size_t od = over[d / 4];
                        size_t fsize = od == 0x8000 ? REF_SPAN_MAX + 12u - fvo : room - fvo + od;
                        /* Ends exactly at the storage's end: LAYOUT (unless
                         * the span is 0; with a value at 16 and room 16 it is
                         * a size of 0, span 4: still a checked header). */
                        int want = od == 0 && fsize + fvo - 12u > 0u ? PRAM_ERR_LAYOUT
                                                                     : PRAM_ERR_INVALID;
                        g_iter = (long)(g * 100000 + mode * 10000 + at * 1000 + fvo * 100 + d);
                        memset(bound_img, 0, len + fvo + 0x8000u);
                        ref_craft_layout(bound_img + at * geo[g].ss,
                                         ref_layout_kind(fvo, fsize, (unsigned)(d % 4), 0x0808u), 9u,
                                         fvalue);
                        memcpy(m, bound_img, len);
                        CHECK_EQ(ref_cell_state(&k, NULL), want);
                        expect_error_state(&c, NULL, c.size, len, want);
                    }
                    /* A stored span of 0 (a CRC over the layout word alone),
                     * with or without bit 15. */
                    memset(bound_img, 0, len + fvo);
                    ref_craft_layout(bound_img + at * geo[g].ss,
                                     (fvo == 16u ? 0x8000u : 0u) | (0x0808u << 16), 9u, fvalue);
                    memcpy(m, bound_img, len);
                    CHECK_EQ(ref_cell_state(&k, NULL), PRAM_ERR_INVALID);
                    expect_error_state(&c, NULL, c.size, len, PRAM_ERR_INVALID);
                }
                /* Our own layout there reads OK (the control). */
                memset(m, 0, len);
                mkval(va, c.size, g, 0x42);
                ref_craft(m + at * geo[g].ss, c.value_offset, c.size, c.schema, 1u, va);
                check_get(&c, c.size, va);
            }
            CHECK_EQ(pram_cell_set(&c, vb, c.size), PRAM_OK);
            check_get(&c, c.size, vb);
        }
    g_iter = -1;
    CHECK_EQ(munmap(map, 2u * (size_t)page), 0);
}

/* ---- Single-slot writes read nothing -------------------------------------------- */

/* A single-slot set or invalidate issues no load of its own: every 32-bit
 * load of the cell's storage is the one the store hook makes of the word it
 * is about to overwrite (tests/support/pram_test_config.h), so loads ==
 * stores.  (The seal's CRC reads ordinary memory directly, not through the
 * load primitive.)  Readers and A/B writes do load. */
static union {
    uint32_t w[32];
    uint8_t b[128];
} nl_mem;
PRAM_CELL_DECLARE_AT(nl_s, odd13_t, 2, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(nl_s, &nl_mem.b[0]);
PRAM_CELL_DECLARE_AT(nl_ab, odd13_t, 2, PRAM_AB);
PRAM_CELL_DEFINE_AT(nl_ab, &nl_mem.b[32]);

static void test_single_slot_writes_load_nothing(void **state)
{
    static regfile_t rf;
    odd13_t a;
    uint32_t loads, stores;
    int k;
    (void)state;
    g_ctx = "no loads";
    memset(&nl_mem, 0x3C, sizeof nl_mem);
    memset(&rf, 0, sizeof rf);
    rf.base = nl_mem.b;
    rf.units = 32u;
    rf.width = 4u;
    rf.stride = 4u;
    regfile_attach(&rf);
    for (k = 0; k < 3; k++) {
        mkval((uint8_t *)&a, sizeof a, (uint64_t)k, (uint8_t)(0x70 + k));
        loads = rf.loads, stores = rf.stores;
        CHECK_EQ(nl_s_set(&a), PRAM_OK);
        CHECK_EQ(rf.stores - stores, 4u + 4u);
        CHECK_EQ(rf.loads - loads, rf.stores - stores);
        loads = rf.loads, stores = rf.stores;
        CHECK_EQ(pram_cell_set(&nl_s, &a, sizeof a), PRAM_OK);
        CHECK_EQ(rf.loads - loads, rf.stores - stores);
        loads = rf.loads;
        CHECK_EQ(nl_s_status(), PRAM_OK);
        CHECK(rf.loads > loads);
        CHECK(ref_valid(nl_mem.b, 12, sizeof a, 2, NULL));
        CHECK_MEM(nl_mem.b + 12, &a, sizeof a);
        loads = rf.loads, stores = rf.stores;
        CHECK_EQ(nl_s_invalidate(), PRAM_OK);
        CHECK_EQ(rf.stores - stores, 1u);
        CHECK_EQ(rf.loads - loads, 1u);
        CHECK_EQ(nl_s_status(), PRAM_ERR_INVALID);
        /* A/B: the set looks at the slots first. */
        loads = rf.loads, stores = rf.stores;
        CHECK_EQ(nl_ab_set(&a), PRAM_OK);
        CHECK_EQ(rf.stores - stores, 4u + 5u);
        CHECK(rf.loads - loads > rf.stores - stores);
    }
    regfile_attach(NULL);
    {
        odd13_t o;
        CHECK_EQ(nl_ab_get(&o), PRAM_OK);
        CHECK_MEM(&o, &a, sizeof a);
    }
    /* Nothing outside the two cells was written. */
    {
        size_t j;
        for (j = 28; j < 32; j++)
            CHECK_EQ(nl_mem.b[j], 0x3C);
        for (j = 32 + 56; j < sizeof nl_mem; j++)
            CHECK_EQ(nl_mem.b[j], 0x3C);
    }
}

/* ---- Fixed address ---------------------------------------------------------- */

static union {
    uint64_t align;
    uint8_t b[256];
} fa_mem;

PRAM_CELL_DECLARE_AT(fa_s, odd7_t, 3, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(fa_s, &fa_mem.b[0]);
PRAM_CELL_DECLARE_AT(fa_ab, odd7_t, 4, PRAM_AB);
PRAM_CELL_DEFINE_AT(fa_ab, &fa_mem.b[64]);
PRAM_CELL_DECLARE_AT(fa_al8, al8_t, 5, PRAM_AB);
PRAM_CELL_DEFINE_AT(fa_al8, &fa_mem.b[128]);

static void test_fixed_address(void **state)
{
    odd7_t a = {{'a', 'b', 'c', 'd', 'e', 'f', 'g'}}, b = {{'1', '2', '3', '4', '5', '6', '7'}}, o;
    al8_t x = {7, 0x0123456789ABCDEFull, -2.5}, y = {9, 42u, 1e300}, z;
    uint16_t sq = 0;
    (void)state;
    g_ctx = "fixed address";
    memset(&fa_mem, 0xC7, sizeof fa_mem);
    CHECK(fa_s.addr == (void *)&fa_mem.b[0]);
    CHECK(fa_ab.addr == (void *)&fa_mem.b[64]);
    CHECK_EQ(pram_cell_storage_size(&fa_s), 20);
    CHECK_EQ(pram_cell_storage_size(&fa_ab), 40);
    CHECK_EQ(pram_cell_storage_size(&fa_al8), 80);
    CHECK_EQ(fa_s_status(), PRAM_ERR_INVALID);
    CHECK_EQ(fa_ab_is_valid(), 0);

    CHECK_EQ(fa_s_set(&a), PRAM_OK);
    CHECK_EQ(fa_ab_set(&a), PRAM_OK);
    CHECK_EQ(fa_ab_set(&b), PRAM_OK);
    CHECK_EQ(fa_s_get(&o), PRAM_OK);
    CHECK_MEM(&o, &a, 7);
    CHECK_EQ(fa_ab_get(&o), PRAM_OK);
    CHECK_MEM(&o, &b, 7);
    /* Slots exactly where the address says. */
    CHECK(ref_valid(&fa_mem.b[0], 12, 7, 3, NULL));
    CHECK_MEM(&fa_mem.b[12], &a, 7);
    /* A/B after two commits: slot 1 (seq 2) holds b, slot 0 is retired. */
    CHECK(ref_valid(&fa_mem.b[84], 12, 7, 4, &sq));
    CHECK_EQ(sq, 2);
    CHECK_MEM(&fa_mem.b[96], &b, 7);
    CHECK_EQ(rd32(&fa_mem.b[64]), 0);
    CHECK(!ref_valid(&fa_mem.b[64], 12, 7, 4, NULL));
    /* Bytes outside the cells untouched (between 20 and 64, after 104). */
    {
        size_t j;
        for (j = 20; j < 64; j++)
            CHECK_EQ(fa_mem.b[j], 0xC7);
        for (j = 104; j < 128; j++)
            CHECK_EQ(fa_mem.b[j], 0xC7);
        for (j = 208; j < 256; j++)
            CHECK_EQ(fa_mem.b[j], 0xC7);
    }
    /* 8-aligned value: at offset 16 of each slot, doubles round-trip. */
    CHECK_EQ(fa_al8.value_offset, 16);
    CHECK_EQ(fa_al8.slot_size, 40);
    CHECK_EQ(fa_al8_set(&x), PRAM_OK);
    CHECK_EQ(fa_al8_set(&y), PRAM_OK);
    memset(&z, 0, sizeof z);
    CHECK_EQ(fa_al8_get(&z), PRAM_OK);
    CHECK(z.tag == 9 && z.u == 42u && z.d == 1e300);
    CHECK(ref_valid(&fa_mem.b[168], 16, sizeof(al8_t), 5, &sq));
    CHECK_EQ(sq, 2);
    CHECK_MEM(&fa_mem.b[168 + 16], &y, sizeof y);
    CHECK_EQ(rd32(&fa_mem.b[128]), 0);
    CHECK_EQ(fa_al8_invalidate(), PRAM_OK);
    CHECK_EQ(fa_al8_status(), PRAM_ERR_INVALID);
    CHECK_EQ(fa_ab_invalidate(), PRAM_OK);
    CHECK_EQ(fa_s_get(&o), PRAM_OK);
    CHECK_MEM(&o, &a, 7);
}

/* 8-aligned value type: value offset 16, edit pointer aligned for it. */
static void test_aligned_value(void **state)
{
    al8_t v, o;
    int k;
    (void)state;
    g_ctx = "aligned";
    CHECK_EQ(ALIGN_OF(al8_t), 8);
    CHECK_EQ(c_al8_s.value_offset, 16);
    CHECK_EQ(c_al8_ab.value_offset, 16);
    CHECK_EQ(c_al8_ab.slot_size % 8, 0);
    memset(c_al8_s.addr, 0, pram_cell_storage_size(&c_al8_s));
    memset(c_al8_ab.addr, 0, pram_cell_storage_size(&c_al8_ab));
    for (k = 0; k < 4; k++) {
        c_al8_ab_edit_t e;
        c_al8_s_edit_t f;
        CHECK_EQ(c_al8_ab_edit_begin(&e, PRAM_EDIT_ZERO), PRAM_OK);
        CHECK(e.value != NULL);
        CHECK_EQ((uintptr_t)e.value % ALIGN_OF(al8_t), 0);
        CHECK_EQ((uintptr_t)&e.value->u % ALIGN_OF(uint64_t), 0);
        CHECK_EQ((uintptr_t)&e.value->d % ALIGN_OF(double), 0);
        e.value->tag = (uint8_t)k;
        e.value->u = 0xFEDCBA9876543210ull + (uint64_t)k;
        e.value->d = 0.5 * k;
        CHECK_EQ(c_al8_ab_edit_commit(&e), PRAM_OK);
        CHECK_EQ(c_al8_s_edit_begin(&f, PRAM_EDIT_ZERO), PRAM_OK);
        CHECK_EQ((uintptr_t)f.value % ALIGN_OF(al8_t), 0);
        f.value->d = -1.0 * k;
        CHECK_EQ(c_al8_s_edit_commit(&f), PRAM_OK);
        memset(&o, 0xFF, sizeof o);
        CHECK_EQ(c_al8_ab_get(&o), PRAM_OK);
        CHECK(o.tag == k && o.u == 0xFEDCBA9876543210ull + (uint64_t)k && o.d == 0.5 * k);
        CHECK_EQ(c_al8_s_get(&o), PRAM_OK);
        CHECK(o.tag == 0 && o.u == 0 && o.d == -1.0 * k);
    }
    v.tag = 1, v.u = UINT64_MAX, v.d = 3.141592653589793;
    CHECK_EQ(c_al8_ab_set(&v), PRAM_OK);
    CHECK_EQ(c_al8_ab_get(&o), PRAM_OK);
    CHECK(o.u == UINT64_MAX && o.d == 3.141592653589793);
}

/* ---- Regions ------------------------------------------------------------------ */

/* Each region gives 128 logical bytes; cells of odd13_t at offsets 4
 * (single, 28 bytes) and 36 (A/B, 56 bytes). */
static union { uint32_t w[32]; uint8_t b[128]; } rg_w0;
static union { uint32_t w[32]; uint8_t b[128]; } rg_w4;
static union { uint32_t w[64]; uint8_t b[256]; } rg_w4s8;
static union { uint32_t w[32]; uint8_t b[128]; } rg_w2;
static union { uint32_t w[64]; uint8_t b[256]; } rg_w2s4;
static union { uint32_t w[32]; uint8_t b[128]; } rg_w1;
static union { uint32_t w[128]; uint8_t b[512]; } rg_w1s4;

static const pram_region_t reg_w0 = PRAM_REGION(rg_w0.b, 128, 0, 0);
static const pram_region_t reg_w4 = PRAM_REGION(rg_w4.b, 128, 4, 0);
static const pram_region_t reg_w4s8 = PRAM_REGION(rg_w4s8.b, 128, 4, 8);
static const pram_region_t reg_w2 = PRAM_REGION(rg_w2.b, 128, 2, 0);
static const pram_region_t reg_w2s4 = PRAM_REGION(rg_w2s4.b, 128, 2, 4);
static const pram_region_t reg_w1 = PRAM_REGION(rg_w1.b, 128, 1, 0);
static const pram_region_t reg_w1s4 = PRAM_REGION(rg_w1s4.b, 128, 1, 4);

#define REGION_CELLS(n)                                    \
    PRAM_CELL_DECLARE_IN(n##_s, odd13_t, 21, PRAM_SINGLE); \
    PRAM_CELL_DEFINE_IN(n##_s, &reg_##n, 4);               \
    PRAM_CELL_DECLARE_IN(n##_ab, odd13_t, 22, PRAM_AB);    \
    PRAM_CELL_DEFINE_IN(n##_ab, &reg_##n, 36)

REGION_CELLS(w0);
REGION_CELLS(w4);
REGION_CELLS(w4s8);
REGION_CELLS(w2);
REGION_CELLS(w2s4);
REGION_CELLS(w1);
REGION_CELLS(w1s4);

typedef struct {
    const char *name;
    const pram_region_t *reg;
    uint8_t *back;      /* backing RAM */
    size_t back_len;
    unsigned width, stride;
    const pram_cell_t *s, *ab;
} rcase_t;

static const rcase_t rcases[] = {
    {"w0", &reg_w0, rg_w0.b, sizeof rg_w0, 0, 0, &w0_s, &w0_ab},
    {"w4", &reg_w4, rg_w4.b, sizeof rg_w4, 4, 0, &w4_s, &w4_ab},
    {"w4s8", &reg_w4s8, rg_w4s8.b, sizeof rg_w4s8, 4, 8, &w4s8_s, &w4s8_ab},
    {"w2", &reg_w2, rg_w2.b, sizeof rg_w2, 2, 0, &w2_s, &w2_ab},
    {"w2s4", &reg_w2s4, rg_w2s4.b, sizeof rg_w2s4, 2, 4, &w2s4_s, &w2s4_ab},
    {"w1", &reg_w1, rg_w1.b, sizeof rg_w1, 1, 0, &w1_s, &w1_ab},
    {"w1s4", &reg_w1s4, rg_w1s4.b, sizeof rg_w1s4, 1, 4, &w1s4_s, &w1s4_ab},
};

/* Physical index in the backing array of logical byte i (the region
 * mapping, as pram_region.h documents it). */
static size_t phys_of(const rcase_t *r, size_t i)
{
    size_t step;
    if (r->width == 0)
        return i;
    step = r->stride ? r->stride : r->width;
    return (i / r->width) * step + i % r->width;
}

static void logical_image(const rcase_t *r, uint8_t *img)
{
    size_t i;
    for (i = 0; i < 128; i++)
        img[i] = r->back[phys_of(r, i)];
}

/* Every backing byte outside the two cells' logical spans is still 0xA5:
 * unmapped gap bytes and logical bytes [0,4), [92,128). */
static void check_untouched(const rcase_t *r)
{
    static uint8_t mapped[512];
    size_t i;
    memset(mapped, 0, sizeof mapped);
    for (i = 4; i < 92; i++)
        mapped[phys_of(r, i)] = 1;
    for (i = 0; i < r->back_len; i++)
        if (!mapped[i] && r->back[i] != 0xA5)
            fail_msg("[%s] backing byte %d changed to 0x%02x", g_ctx, (int)i, r->back[i]);
}

static void test_regions(void **state)
{
    static uint8_t img[128];
    size_t ri;
    (void)state;
    /* Exact-width regions run under the register-file checker: any library
     * access of another width, or off a unit boundary, fails the test. */
    static regfile_t rf;
    for (ri = 0; ri < sizeof rcases / sizeof rcases[0]; ri++) {
        const rcase_t *r = &rcases[ri];
        uint16_t q0 = 0, q1 = 0;
        uint64_t s0;
        g_ctx = r->name;
        regfile_attach(NULL);
        memset(r->back, 0xA5, r->back_len);
        if (r->width) {
            rf.base = r->back;
            rf.width = (uint8_t)r->width;
            rf.stride = (uint8_t)(r->stride ? r->stride : r->width);
            rf.units = (uint32_t)(128u / r->width);
            rf.loads = rf.stores = 0;
            regfile_attach(&rf);
        }
        CHECK(r->s->region == r->reg && r->s->offset == 4 && r->ab->offset == 36);
        CHECK_EQ(pram_cell_storage_size(r->s), 28);
        CHECK_EQ(pram_cell_storage_size(r->ab), 56);
        CHECK_EQ(pram_cell_status(r->s), PRAM_ERR_INVALID);
        CHECK_EQ(pram_cell_status(r->ab), PRAM_ERR_INVALID);
        check_get_fails(r->ab, 13, PRAM_ERR_INVALID);
        mkval(va, 13, ri, 0x0F);
        mkval(vb, 13, ri, 0xF0);
        mkval(vc, 13, ri, 0x3C);

        s0 = pram_test_stores;
        CHECK_EQ(pram_cell_set(r->s, va, 13), PRAM_OK);
        CHECK_EQ(pram_test_stores - s0, 4 + 4); /* the hook sees 32-bit words */
        s0 = pram_test_stores;
        CHECK_EQ(pram_cell_set(r->ab, va, 13), PRAM_OK);
        CHECK_EQ(pram_test_stores - s0, 5 + 4); /* ... plus the retire */
        logical_image(r, img);
        CHECK(ref_valid(img + 36, 12, 13, 22, &q0));
        CHECK_EQ(q0, 1);
        CHECK_EQ(rd32(img + 64), 0);
        CHECK_EQ(pram_cell_set(r->ab, vb, 13), PRAM_OK);
        logical_image(r, img);
        /* The logical bytes are where the mapping says. */
        CHECK(ref_valid(img + 4, 12, 13, 21, NULL));
        CHECK_MEM(img + 4 + 12, va, 13);
        /* A/B: the second commit is in slot 1 (seq 2), slot 0 retired. */
        CHECK(ref_valid(img + 64, 12, 13, 22, &q1));
        CHECK_EQ(q1, 2);
        CHECK_MEM(img + 64 + 12, vb, 13);
        CHECK_EQ(rd32(img + 36), 0);
        CHECK_MEM(img + 36 + 12, va, 13); /* only the magic was cleared */
        check_untouched(r);
        check_get(r->s, 13, va);
        check_get(r->ab, 13, vb);

        CHECK_EQ(pram_cell_set(r->s, vc, 13), PRAM_OK);
        CHECK_EQ(pram_cell_set(r->ab, vc, 13), PRAM_OK);
        check_get(r->s, 13, vc);
        check_get(r->ab, 13, vc);
        logical_image(r, img);
        CHECK_MEM(img + 16, vc, 13);
        CHECK(ref_valid(img + 36, 12, 13, 22, &q0));
        CHECK_EQ(q0, 3);
        CHECK_MEM(img + 36 + 12, vc, 13);
        CHECK_EQ(rd32(img + 64), 0);
        check_untouched(r);

        /* A corrupted byte, reached through the mapping, is detected. */
        r->back[phys_of(r, 4 + 12 + 5)] ^= 0x20u;
        CHECK_EQ(pram_cell_status(r->s), PRAM_ERR_INVALID);
        r->back[phys_of(r, 4 + 12 + 5)] ^= 0x20u;
        CHECK_EQ(pram_cell_status(r->s), PRAM_OK);

        CHECK_EQ(pram_cell_invalidate(r->s), PRAM_OK);
        CHECK_EQ(pram_cell_invalidate(r->ab), PRAM_OK);
        CHECK_EQ(pram_cell_status(r->s), PRAM_ERR_INVALID);
        CHECK_EQ(pram_cell_status(r->ab), PRAM_ERR_INVALID);
        logical_image(r, img);
        CHECK_EQ(rd32(img + 4), 0);
        CHECK_EQ(rd32(img + 36), 0);
        CHECK_EQ(rd32(img + 64), 0);
        check_untouched(r);

        /* Run-time descriptors that do not fit the region. */
        {
            const pram_cell_t mis = PRAM_CELL_INIT_IN(w0_s, r->reg, 6);
            const pram_cell_t past = PRAM_CELL_INIT_IN(w0_ab, r->reg, 76);
            const pram_cell_t edge = PRAM_CELL_INIT_IN(w0_ab, r->reg, 72);
            CHECK_EQ(pram_cell_status(&mis), PRAM_ERR_ALIGN);
            CHECK_EQ(pram_cell_set(&past, va, 13), PRAM_ERR_RANGE);
            CHECK_EQ(pram_cell_status(&edge), PRAM_ERR_INVALID);
        }
        regfile_attach(NULL);
        if (r->width)
            CHECK(rf.loads > 0 && rf.stores > 0);
    }
}

/* ---- Large value ---------------------------------------------------------------- */

static void test_large_value(void **state)
{
    static big_t a, b, o;
    uint64_t rs = 77;
    int k;
    (void)state;
    g_ctx = "large";
    CHECK(sizeof(big_t) <= PRAM_CELL_MAX_SIZE);
    memset(c_big_s.addr, 0, pram_cell_storage_size(&c_big_s));
    memset(c_big_ab.addr, 0, pram_cell_storage_size(&c_big_ab));
    for (k = 0; k < 4; k++) {
        test_fill_random(&a, sizeof a, &rs);
        test_fill_random(&b, sizeof b, &rs);
        CHECK_EQ(c_big_s_set(&a), PRAM_OK);
        CHECK_EQ(c_big_ab_set(&b), PRAM_OK);
        CHECK_EQ(c_big_s_get(&o), PRAM_OK);
        CHECK_MEM(&o, &a, sizeof a);
        CHECK_EQ(c_big_ab_get(&o), PRAM_OK);
        CHECK_MEM(&o, &b, sizeof b);
        CHECK(ref_valid((const uint8_t *)c_big_s.addr, 12, sizeof(big_t), 9, NULL));
        /* The last byte is covered by the CRC. */
        ((uint8_t *)c_big_s.addr)[12 + sizeof(big_t) - 1] ^= 0x01u;
        CHECK_EQ(c_big_s_status(), PRAM_ERR_INVALID);
        ((uint8_t *)c_big_s.addr)[12 + sizeof(big_t) - 1] ^= 0x01u;
        CHECK_EQ(c_big_s_status(), PRAM_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oracle_self_check),
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_fresh_storage_invalid),
        cmocka_unit_test(test_set_get_layout),
        cmocka_unit_test(test_invalidate),
        cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_bad_descriptors),
        cmocka_unit_test(test_ab_seq_wraparound),
        cmocka_unit_test(test_ab_ambiguous_and_garbage_seq),
        cmocka_unit_test(test_ab_mixed_layouts),
        cmocka_unit_test(test_set_store_order),
        cmocka_unit_test(test_ab_invalidate_order),
        cmocka_unit_test(test_ab_one_valid_at_rest),
        cmocka_unit_test(test_ab_cut_between_commit_and_retire),
        cmocka_unit_test(test_ab_corrupt_newest_no_fallback),
        cmocka_unit_test(test_layout_vs_invalid),
        cmocka_unit_test(test_foreign_slot_bounds),
        cmocka_unit_test(test_single_slot_writes_load_nothing),
        cmocka_unit_test(test_fixed_address),
        cmocka_unit_test(test_aligned_value),
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_large_value),
    };
    return cmocka_run_group_tests_name("cell", tests, NULL, NULL);
}
