/* Cells across resets, simulated in process.
 *
 * A cell is stateless: every call re-validates what memory holds, so "after
 * a reset" is simply the next call, possibly through another descriptor (the
 * firmware that booted).  Power is cut with the store hook: the N-th store
 * lands (torn per pram_test_tear), then control longjmps back to the "boot
 * routine" (setjmp on pram_test_boot) and memory is what survived.
 *
 * Expectations come from the cell spec; an oracle written for the tests
 * (bitwise CRC-16/CCITT-FALSE, slot validator and crafter: tests/support/
 * ref_crc.c, cell_model.c) judges raw memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram/pram.h"
#include "cell_model.h"
#include "check_ctx.h"
#include "power_cut.h"
#include "test_support.h"

static const unsigned tears[] = {0u, 0x1u, 0x3u, 0x7u, 0xEu};
#define NTEARS (sizeof tears / sizeof tears[0])

/* ---- Cells ---------------------------------------------------------------------- */

typedef struct { uint32_t v; } u32c_t;
typedef struct { char c[1]; } odd1_t;
typedef struct { char c[7]; } odd7_t;
typedef struct { char c[13]; } odd13_t;
typedef struct { uint8_t tag; uint64_t u; double d; } al8_t;
typedef struct { uint8_t b[1000]; } k1_t;

CELL_PAIR(r_u32, u32c_t, 1);
CELL_PAIR(r_o1, odd1_t, 2);
CELL_PAIR(r_o7, odd7_t, 3);
CELL_PAIR(r_o13, odd13_t, 4);
CELL_PAIR(r_al8, al8_t, 5);
CELL_PAIR(r_k1, k1_t, 6);

/* The oracle reads slots with the geometry of the declared slot types. */
static const cell_case_t cases[] = {
    CELL_CASE_PAIR_DECL(r_u32, u32c_t, 1),  CELL_CASE_PAIR_DECL(r_o1, odd1_t, 2),
    CELL_CASE_PAIR_DECL(r_o7, odd7_t, 3),   CELL_CASE_PAIR_DECL(r_o13, odd13_t, 4),
    CELL_CASE_PAIR_DECL(r_al8, al8_t, 5),   CELL_CASE_PAIR_DECL(r_k1, k1_t, 6),
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void mkval(uint8_t *v, size_t size, uint64_t seed, uint8_t tag)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + tag + 1u;
    test_fill_random(v, size, &s);
    v[0] = tag;
}

static uint8_t va[1024], vb[1024], vc[1024], obuf[1024], sentinel[1024], tbuf[1024];
static uint8_t snap[4096], snap2[4096];

/* The typed calls of a cell declared in this file (NULL for any other
 * descriptor); defined after the last declaration. */
static const cell_typed_t *typed_of(const pram_cell_t *c);

/* Reads the cell: the rc, and the value in obuf (pre-filled with 0x5A; on an
 * error it must still be all 0x5A).  A declared cell's typed calls (compiled
 * at the call site, not through the descriptor) must read the same. */
static int read_cell(const pram_cell_t *c, size_t size)
{
    const cell_typed_t *t = typed_of(c);
    int rc;
    memset(obuf, 0x5A, size + 1);
    memset(sentinel, 0x5A, size + 1);
    rc = pram_cell_get(c, obuf, size);
    if (rc != PRAM_OK)
        CHECK_MEM(obuf, sentinel, size + 1);
    CHECK_EQ(obuf[size], 0x5A);
    /* status agrees with get, and is_valid with status. */
    CHECK_EQ(pram_cell_status(c), rc);
    CHECK_EQ(pram_cell_is_valid(c), rc == PRAM_OK);
    if (t) {
        memset(tbuf, 0x5A, size + 1);
        CHECK_EQ(t->get(tbuf), rc);
        CHECK_MEM(tbuf, obuf, size + 1);
        CHECK_EQ(t->status(), rc);
        CHECK_EQ(t->valid(), rc == PRAM_OK);
    }
    return rc;
}

/* Set and invalidate through the generic API or the typed calls. */
static op_fn set_op(int typed)
{
    return typed ? op_typed_set : op_cell_set;
}

static op_fn invalidate_op(int typed)
{
    return typed ? op_typed_invalidate : op_cell_invalidate;
}

/* Library reading == oracle reading of the same bytes: the same state (OK,
 * LAYOUT or INVALID) and, when OK, the value of the slot the oracle picks
 * (two valid slots: the newer in serial arithmetic; equal seqs: slot 0).
 * Two valid slots exactly 0x8000 apart are not ordered by serial
 * arithmetic: either committed value may be read then. */
static void check_against_oracle(const cell_case_t *k)
{
    int pick, amb, st = ref_cell_state(k, &pick);
    int rc = read_cell(k->cell, k->size);
    uint16_t s0 = 0, s1 = 0;
    CHECK_EQ(rc, st);
    CHECK_EQ(ref_newest(k, NULL, &amb), pick);
    if (pick < 0)
        return;
    if (amb && ref_valid(mem_of(k), k->vo, k->size, k->schema, &s0) &&
        ref_valid(mem_of(k) + k->ss, k->vo, k->size, k->schema, &s1) && s0 != s1)
        CHECK(memcmp(obuf, mem_of(k) + k->vo, k->size) == 0 ||
              memcmp(obuf, mem_of(k) + k->ss + k->vo, k->size) == 0);
    else
        CHECK_MEM(obuf, mem_of(k) + (size_t)pick * k->ss + k->vo, k->size);
}

/* ---- Tests ------------------------------------------------------------------------- */

/* Zeros, 0xFF and other uniform fills never validate; set then works. */
static void test_uniform_fills(void **state)
{
    static const uint8_t fills[] = {0x00, 0xFF, 0xA5, 0x5A, 0xE4};
    size_t i, f;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        g_ctx = k->name;
        for (f = 0; f < sizeof fills; f++) {
            g_iter = (long)f;
            memset(mem_of(k), fills[f], storage_len(k));
            CHECK_EQ(read_cell(k->cell, k->size), PRAM_ERR_INVALID);
            mkval(va, k->size, f, 0x10);
            CHECK_EQ(pram_cell_set(k->cell, va, k->size), PRAM_OK);
            CHECK_EQ(read_cell(k->cell, k->size), PRAM_OK);
            CHECK_MEM(obuf, va, k->size);
            check_against_oracle(k);
            /* A slot written by hand to the documented format, over the
             * same fill, is read as committed (any slot, any seq). */
            memset(mem_of(k), fills[f], storage_len(k));
            mkval(vb, k->size, f, 0x20);
            ref_craft(mem_of(k) + (f % nslots(k)) * k->ss, k->vo, k->size, k->schema,
                      (uint16_t)(0x4242u * f), vb);
            CHECK_EQ(read_cell(k->cell, k->size), PRAM_OK);
            CHECK_MEM(obuf, vb, k->size);
        }
        g_iter = -1;
    }
}

/* Random storage must never validate: 100000 fills per small cell. */
static void test_random_fills_never_validate(void **state)
{
    size_t i;
    long n, accepted;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        uint64_t rs = 0xC0FFEEull + i;
        if (k->size > 16)
            continue;
        g_ctx = k->name;
        accepted = 0;
        for (n = 0; n < 100000; n++) {
            int rc;
            g_iter = n;
            test_fill_random(mem_of(k), storage_len(k), &rs);
            rc = pram_cell_status(k->cell);
            CHECK(rc == PRAM_ERR_INVALID || rc == PRAM_ERR_LAYOUT);
            CHECK_EQ(k->typed->status(), rc);
            if (rc == PRAM_OK)
                accepted++;
        }
        g_iter = -1;
        CHECK_EQ(accepted, 0);
    }
}

/* Random seal and value under a right magic and layout: the CRC is what
 * decides, exactly as the oracle says (about 1 in 65536 passes by chance,
 * and then it is a well-formed slot).  The right magic over a random layout
 * word is INVALID unless, by the same chance, that layout's own CRC checks
 * over a value inside the storage (then LAYOUT): never OK.  A genuine slot
 * of another layout (crafted, fitting) is LAYOUT unless a valid slot of ours
 * is next to it. */
static void test_random_payloads_match_oracle(void **state)
{
    size_t i;
    long n;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        uint64_t rs = 0xBADC0DEull + i;
        long accepted = 0, oracle_accepted = 0, random_layouts = 0, random_invalid = 0;
        long crafted = 0, crafted_layout = 0, rounds;
        uint32_t layout = ref_layout(k->vo, k->size, k->schema);
        if (k->size > 16)
            continue;
        g_ctx = k->name;
        rounds = 100000;
        for (n = 0; n < rounds; n++) {
            int pick, st, rc;
            size_t s;
            g_iter = n;
            test_fill_random(mem_of(k), storage_len(k), &rs);
            for (s = 0; s < nslots(k); s++) {
                uint8_t *sl = mem_of(k) + s * k->ss;
                wr32(sl, CELL_MAGIC);
                if (n % 4 < 2)
                    wr32(sl + 8, layout);
            }
            if (n % 4 == 2) {
                /* A genuine foreign slot (random size fitting the slot, value
                 * offset, schema) in a random slot; the other slot keeps its
                 * random bytes under the magic. */
                uint8_t *sl = mem_of(k) + (size_t)(test_rand(&rs) % nslots(k)) * k->ss;
                size_t fvo = (test_rand(&rs) & 1u) && k->ss > 16u ? 16u : 12u;
                size_t fsize = 1u + (size_t)(test_rand(&rs) % (k->ss - fvo));
                uint16_t fschema = (uint16_t)test_rand(&rs);
                uint8_t fv[64];
                test_fill_random(fv, sizeof fv, &rs);
                if (ref_layout(fvo, fsize, fschema) == layout)
                    fschema ^= 1u;
                ref_craft(sl, fvo, fsize, fschema, (uint16_t)test_rand(&rs), fv);
                crafted++;
            }
            st = ref_cell_state(k, &pick);
            rc = pram_cell_status(k->cell);
            CHECK_EQ(rc, st);
            check_against_oracle(k);
            if (pick >= 0)
                oracle_accepted++;
            if (rc == PRAM_OK)
                accepted++;
            if (n % 4 == 2) {
                CHECK(st == PRAM_ERR_LAYOUT || pick >= 0);
                crafted_layout += st == PRAM_ERR_LAYOUT;
            }
            if (n % 4 == 3) {
                /* magic right, layout word random: never OK. */
                CHECK(rc != PRAM_OK);
                random_layouts++;
                random_invalid += rc == PRAM_ERR_INVALID;
            }
        }
        g_iter = -1;
        CHECK_EQ(accepted, oracle_accepted);
        /* 50000 * slots candidates at 2^-16 each, plus a crafted slot's
         * neighbour: a handful, not hundreds. */
        CHECK(accepted < 40);
        CHECK_EQ(random_layouts, rounds / 4);
        /* A random layout word almost never names a size that fits. */
        CHECK(random_invalid > random_layouts - 20);
        CHECK_EQ(crafted, rounds / 4);
        CHECK(crafted_layout > crafted - 20);
    }
}

/* Stale layouts: committed by one firmware, read by another. */
typedef struct { uint32_t a, b; } lay8_t;    /* schema 1 and 2  */
typedef struct { uint32_t a, b, c; } lay12_t; /* grown           */
typedef struct { uint32_t a; } lay4_t;        /* shrunk          */

static union { uint64_t al; uint8_t b[256]; } lay_mem_s, lay_mem_ab;

PRAM_CELL_DECLARE_AT(old_s, lay8_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(old_s, &lay_mem_s);
PRAM_CELL_DECLARE_AT(new_s, lay8_t, 2, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(new_s, &lay_mem_s);
PRAM_CELL_DECLARE_AT(grown_s, lay12_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(grown_s, &lay_mem_s);
PRAM_CELL_DECLARE_AT(shrunk_s, lay4_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(shrunk_s, &lay_mem_s);
PRAM_CELL_DECLARE_AT(old_ab, lay8_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_AT(old_ab, &lay_mem_ab);
PRAM_CELL_DECLARE_AT(new_ab, lay8_t, 2, PRAM_AB);
PRAM_CELL_DEFINE_AT(new_ab, &lay_mem_ab);
PRAM_CELL_DECLARE_AT(grown_ab, lay12_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_AT(grown_ab, &lay_mem_ab);
PRAM_CELL_DECLARE_AT(shrunk_ab, lay4_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_AT(shrunk_ab, &lay_mem_ab);
CELL_TYPED(old_s, lay8_t);
CELL_TYPED(new_s, lay8_t);
CELL_TYPED(grown_s, lay12_t);
CELL_TYPED(shrunk_s, lay4_t);
CELL_TYPED(old_ab, lay8_t);
CELL_TYPED(new_ab, lay8_t);
CELL_TYPED(grown_ab, lay12_t);
CELL_TYPED(shrunk_ab, lay4_t);

/* Magic words among the two slots of an A/B cell of slot size ss at m. */
static int count_magic_at(const uint8_t *m, size_t ss)
{
    return (rd32(m) == CELL_MAGIC) + (rd32(m + ss) == CELL_MAGIC);
}

/* A firmware's view of the storage: read_cell's rc, which must be what the
 * oracle makes of the same bytes with that firmware's descriptor. */
static int fw_view(const pram_cell_t *c, size_t size)
{
    cell_case_t k;
    int rc;
    memset(&k, 0, sizeof k);
    k.name = "fw", k.cell = c, k.size = c->size, k.vo = c->value_offset, k.ss = c->slot_size;
    k.schema = c->schema, k.mode = c->mode;
    CHECK_EQ(c->size, size);
    rc = read_cell(c, size);
    CHECK_EQ(rc, ref_cell_state(&k, NULL));
    return rc;
}

/* The other firmware's view: LAYOUT, get fails and leaves out untouched. */
static void check_layout_view(const pram_cell_t *c, size_t size)
{
    CHECK_EQ(fw_view(c, size), PRAM_ERR_LAYOUT);
}

/* Slot sizes: lay8_t 20, lay12_t 24, lay4_t 16.  A header is LAYOUT to a
 * firmware only where that firmware has room for the value it names: a
 * single-slot lay4_t cell (16 bytes) cannot hold a lay8_t value (12 + 8),
 * so it reads INVALID there (the documented "does not fit" case). */
static void stale_layout_scenario(const pram_cell_t *old_c, const pram_cell_t *new_c,
                                  const pram_cell_t *grown_c, const pram_cell_t *shrunk_c,
                                  uint8_t *m, int ab)
{
    lay8_t o1 = {0x11111111u, 0x22222222u}, o2 = {0x33333333u, 0x44444444u};
    lay8_t n1 = {0x55555555u, 0x66666666u}, n2 = {0x77777777u, 0x88888888u}, got;
    lay12_t g1 = {1, 2, 3};
    lay4_t s1 = {9};
    int k;
    memset(m, 0, 256);
    /* Old firmware commits once: its header is in slot 0, where every
     * firmware looks.  Reset into new firmware: schema 2 same size, or
     * another size -> LAYOUT (never OK) where the old value fits the new
     * firmware's storage; the single-slot shrunk cell has no room for it:
     * INVALID. */
    CHECK_EQ(pram_cell_set(old_c, &o1, sizeof o1), PRAM_OK);
    check_layout_view(new_c, sizeof(lay8_t));
    check_layout_view(grown_c, sizeof(lay12_t));
    CHECK_EQ(fw_view(shrunk_c, sizeof(lay4_t)), ab ? PRAM_ERR_LAYOUT : PRAM_ERR_INVALID);
    /* ... and the old firmware still reads its value. */
    CHECK_EQ(read_cell(old_c, sizeof(lay8_t)), PRAM_OK);
    CHECK_MEM(obuf, &o1, sizeof o1);
    if (ab) {
        /* A/B, second commit: slot 1 (at 20, the lay8_t slot size) holds
         * it, slot 0's magic is retired.  Same slot size (schema change):
         * the header is in new_c's slot 1 too -> LAYOUT.  The other sizes
         * look for slot 1 at 24 / 16, inside the old slots, and find no
         * header there or in the retired slot 0 -> INVALID (a documented
         * read result: "neither valid, none layout-changed"), and still
         * never the old value. */
        CHECK_EQ(pram_cell_set(old_c, &o2, sizeof o2), PRAM_OK);
        CHECK_EQ(rd32(m), 0);
        CHECK(ref_valid(m + 20, 12, sizeof(lay8_t), 1, NULL));
        check_layout_view(new_c, sizeof(lay8_t));
        CHECK_EQ(fw_view(grown_c, sizeof(lay12_t)), PRAM_ERR_INVALID);
        CHECK_EQ(fw_view(shrunk_c, sizeof(lay4_t)), PRAM_ERR_INVALID);
        CHECK_EQ(read_cell(old_c, sizeof(lay8_t)), PRAM_OK);
        CHECK_MEM(obuf, &o2, sizeof o2);
    }
    /* New firmware stores its value: it then reads it back, and the old
     * layout never comes back, whatever it does next. */
    CHECK_EQ(pram_cell_set(new_c, &n1, sizeof n1), PRAM_OK);
    for (k = 0; k < 6; k++) {
        const lay8_t *want = (k & 1) ? &n2 : &n1;
        CHECK_EQ(pram_cell_get(new_c, &got, sizeof got), PRAM_OK);
        CHECK_MEM(&got, want, sizeof got);
        /* The old firmware, were it to boot now: LAYOUT, never its value
         * (A/B: its header was retired by the new firmware's first set). */
        check_layout_view(old_c, sizeof(lay8_t));
        if (ab)
            CHECK_EQ(count_magic_at(m, 20), 1);
        CHECK_EQ(pram_cell_set(new_c, (k & 1) ? &n1 : &n2, sizeof n1), PRAM_OK);
    }
    CHECK_EQ(pram_cell_invalidate(new_c), PRAM_OK);
    CHECK_EQ(fw_view(new_c, sizeof(lay8_t)), PRAM_ERR_INVALID);
    CHECK_EQ(fw_view(old_c, sizeof(lay8_t)), PRAM_ERR_INVALID);
    /* Other sizes: LAYOUT until they set, then their own value. */
    CHECK_EQ(pram_cell_set(new_c, &n1, sizeof n1), PRAM_OK);
    check_layout_view(grown_c, sizeof(lay12_t));
    CHECK_EQ(pram_cell_set(grown_c, &g1, sizeof g1), PRAM_OK);
    CHECK_EQ(fw_view(grown_c, sizeof(lay12_t)), PRAM_OK);
    CHECK_MEM(obuf, &g1, sizeof g1);
    /* The grown value (12 + 12 bytes) does not fit a single lay8_t slot;
     * A/B: grown's set went to its slot 1 (at 24: new_c's header held the
     * only magic, at 0) and retired slot 0, so new_c finds no header at 0
     * or 20.  Either way no verifiable header: INVALID, never a value. */
    if (ab)
        CHECK(ref_valid(m + 24, 12, sizeof(lay12_t), 1, NULL));
    CHECK_EQ(fw_view(new_c, sizeof(lay8_t)), PRAM_ERR_INVALID);
    CHECK_EQ(pram_cell_set(shrunk_c, &s1, sizeof s1), PRAM_OK);
    CHECK_EQ(fw_view(shrunk_c, sizeof(lay4_t)), PRAM_OK);
    CHECK_MEM(obuf, &s1, sizeof s1);
    /* The shrunk header (12 + 4) is in slot 0, inside new_c's storage. */
    CHECK_EQ(fw_view(new_c, sizeof(lay8_t)), PRAM_ERR_LAYOUT);
    /* Wrong size at the call is PRAM_ERR_SIZE, not a layout question. */
    CHECK_EQ(pram_cell_get(shrunk_c, &got, sizeof got), PRAM_ERR_SIZE);
}

static void test_stale_layouts(void **state)
{
    (void)state;
    g_ctx = "stale layout single";
    stale_layout_scenario(&old_s, &new_s, &grown_s, &shrunk_s, lay_mem_s.b, 0);
    g_ctx = "stale layout A/B";
    stale_layout_scenario(&old_ab, &new_ab, &grown_ab, &shrunk_ab, lay_mem_ab.b, 1);
}

/* Power cut during the new firmware's first set over an old-layout cell:
 * the new firmware reads LAYOUT/INVALID or its value, never the old one.
 * lay8_t: W = 2, commit at store 6; A/B retires at store 7. */
static void test_stale_layout_power_cut(void **state)
{
    lay8_t o1 = {1, 2}, o2 = {3, 4}, n1 = {5, 6};
    cell_op_t x;
    size_t n, t;
    int ab;
    (void)state;
    for (ab = 0; ab < 2; ab++) {
        const pram_cell_t *oc = ab ? &old_ab : &old_s, *nc = ab ? &new_ab : &new_s;
        uint8_t *m = ab ? lay_mem_ab.b : lay_mem_s.b;
        const size_t commit = 6, total = ab ? 7u : 6u;
        g_ctx = ab ? "stale cut A/B" : "stale cut single";
        memset(m, 0, 256);
        CHECK_EQ(pram_cell_set(oc, &o1, sizeof o1), PRAM_OK);
        CHECK_EQ(pram_cell_set(oc, &o2, sizeof o2), PRAM_OK);
        memcpy(snap, m, 256);
        x.cell = nc, x.value = &n1, x.size = sizeof n1, x.typed = typed_of(nc);
        CHECK(x.typed != NULL);
        for (n = 1; n <= 10; n++)
            for (t = 0; t < 2 * NTEARS; t++) {
                /* Each cut point and tear through both the generic API and
                 * the typed call. */
                int rc, done = n > commit || (n == commit && tears[t / 2] == 0);
                g_iter = (long)(n * 100 + t);
                memcpy(m, snap, 256);
                CHECK_EQ(run_cut(set_op((int)(t & 1u)), &x, n, tears[t / 2]), n <= total);
                rc = read_cell(nc, sizeof n1);
                if (done) {
                    CHECK_EQ(rc, PRAM_OK);
                    CHECK_MEM(obuf, &n1, sizeof n1);
                } else {
                    /* Single: the old slot was opened (invalid).  A/B: the
                     * old header (slot 1, same slot size) is untouched. */
                    CHECK_EQ(rc, ab ? PRAM_ERR_LAYOUT : PRAM_ERR_INVALID);
                }
                /* The old firmware's view: its value until the new one's
                 * retire store (A/B) or first store (single), LAYOUT once
                 * the new header is committed and the old one gone. */
                rc = read_cell(oc, sizeof o2);
                if (ab && n < total) {
                    CHECK_EQ(rc, PRAM_OK);
                    CHECK_MEM(obuf, &o2, sizeof o2);
                } else {
                    CHECK_EQ(rc, done ? PRAM_ERR_LAYOUT : PRAM_ERR_INVALID);
                }
                /* The next boot's set completes and is read back. */
                CHECK_EQ(pram_cell_set(nc, &n1, sizeof n1), PRAM_OK);
                CHECK_EQ(read_cell(nc, sizeof n1), PRAM_OK);
                CHECK_MEM(obuf, &n1, sizeof n1);
                CHECK_EQ(read_cell(oc, sizeof n1), PRAM_ERR_LAYOUT);
                if (ab)
                    CHECK_EQ(count_magic_at(m, 20), 1);
            }
        g_iter = -1;
    }
}

/* One changed byte anywhere in a committed slot's header, padding or value,
 * after one, two or three commits.  Detected: INVALID (a changed layout word
 * is no other layout's header: the CRC covers it).  A/B keeps no older value
 * at rest (the retire), so there is no fallback: a previous value never
 * comes back. */
static void test_single_byte_corruption(void **state)
{
    size_t i, p, j;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        const pram_cell_t *c = k->cell;
        uint8_t *m = mem_of(k);
        size_t len = storage_len(k), span = k->vo + k->size;
        uint64_t rs = 4242 + i;
        unsigned commits;
        g_ctx = k->name;
        mkval(va, k->size, i, 0xA0);
        mkval(vb, k->size, i, 0xB0);
        mkval(vc, k->size, i, 0xC0);
        for (commits = 1; commits <= 3; commits++) {
            const uint8_t *cur = commits == 1 ? va : commits == 2 ? vb : vc;
            int newest;
            memset(m, 0, len);
            CHECK_EQ(pram_cell_set(c, va, k->size), PRAM_OK);
            if (commits >= 2)
                CHECK_EQ(pram_cell_set(c, vb, k->size), PRAM_OK);
            if (commits >= 3)
                CHECK_EQ(pram_cell_set(c, vc, k->size), PRAM_OK);
            {
                int amb;
                newest = ref_newest(k, NULL, &amb);
                CHECK(newest >= 0 && !amb);
                /* One valid slot, one magic: A/B slots alternate from 0. */
                CHECK_EQ(newest, k->mode == PRAM_AB ? (int)((commits - 1u) & 1u) : 0);
                CHECK_EQ(count_valid(k), 1);
                CHECK_EQ(count_magic(k), 1);
            }
            memcpy(snap, m, len);
            /* Each position of the newest slot, several ways, plus random. */
            for (j = 0; j < span * 4 + 500; j++) {
                uint8_t x;
                int rc;
                if (j < span * 4) {
                    static const uint8_t flips[] = {0x01, 0x80, 0xFF, 0x5A};
                    p = j / 4;
                    x = flips[j % 4];
                } else {
                    p = (size_t)(test_rand(&rs) % span);
                    x = (uint8_t)(1u + test_rand(&rs) % 255u);
                }
                /* Every byte of the span counts, the padding 12..vo of
                 * 8-aligned values included (the seal covers it). */
                g_iter = (long)j;
                memcpy(m, snap, len);
                m[(size_t)newest * k->ss + p] ^= x;
                rc = read_cell(c, k->size); /* on error, out untouched */
                /* The only value is damaged: detected, never an older one;
                 * what is left is no verifiable header of another layout
                 * either (one changed byte of our own header: its CRC no
                 * longer checks under any layout it now names, bar a 2^-16
                 * coincidence when a size byte changed, which the oracle
                 * would then show). */
                CHECK(rc != PRAM_OK);
                check_against_oracle(k);
                if (p < 8 || p >= 10)
                    CHECK_EQ(rc, PRAM_ERR_INVALID);
                /* Damage in the retired A/B slot never hides the newest. */
                if (k->mode == PRAM_AB) {
                    memcpy(m, snap, len);
                    m[(size_t)(newest ^ 1) * k->ss + p] ^= x;
                    CHECK_EQ(read_cell(c, k->size), PRAM_OK);
                    CHECK_MEM(obuf, cur, k->size);
                }
            }
            g_iter = -1;
            /* Padding after the value is not part of the value. */
            memcpy(m, snap, len);
            for (p = span; p < k->ss; p++)
                m[(size_t)newest * k->ss + p] ^= 0xFFu;
            CHECK_EQ(read_cell(c, k->size), PRAM_OK);
            CHECK_MEM(obuf, cur, k->size);
        }
    }
}

/* Reset = the next call, maybe through another descriptor of the same
 * storage; the bytes alone decide (no address inside: an image copied to
 * other storage reads the same). */
typedef struct { uint32_t boots; uint32_t reason; char tag[5]; } boot_t;
static union { uint64_t al; uint8_t b[128]; } boot_mem, boot_mem2;
PRAM_CELL_DECLARE_AT(fw1_boot, boot_t, 7, PRAM_AB);
PRAM_CELL_DEFINE_AT(fw1_boot, &boot_mem);
PRAM_CELL_DECLARE_AT(fw2_boot, boot_t, 7, PRAM_AB);
PRAM_CELL_DEFINE_AT(fw2_boot, &boot_mem);
PRAM_CELL_DECLARE_AT(moved_boot, boot_t, 7, PRAM_AB);
PRAM_CELL_DEFINE_AT(moved_boot, &boot_mem2);
CELL_TYPED(fw1_boot, boot_t);
CELL_TYPED(fw2_boot, boot_t);
CELL_TYPED(moved_boot, boot_t);

static const cell_typed_t *typed_of(const pram_cell_t *c)
{
    static const struct {
        const pram_cell_t *cell;
        const cell_typed_t *typed;
    } more[] = {
        {&old_s, &old_s__typed},     {&new_s, &new_s__typed},       {&grown_s, &grown_s__typed},
        {&shrunk_s, &shrunk_s__typed}, {&old_ab, &old_ab__typed},   {&new_ab, &new_ab__typed},
        {&grown_ab, &grown_ab__typed}, {&shrunk_ab, &shrunk_ab__typed},
        {&fw1_boot, &fw1_boot__typed}, {&fw2_boot, &fw2_boot__typed},
        {&moved_boot, &moved_boot__typed},
    };
    size_t i;
    for (i = 0; i < NCASES; i++)
        if (cases[i].cell == c)
            return cases[i].typed;
    for (i = 0; i < sizeof more / sizeof more[0]; i++)
        if (more[i].cell == c)
            return more[i].typed;
    return NULL;
}

static void test_stateless_reboot(void **state)
{
    boot_t b, o;
    uint32_t i;
    (void)state;
    g_ctx = "stateless";
    memset(&boot_mem, 0, sizeof boot_mem);
    memset(&b, 0, sizeof b);
    for (i = 1; i <= 50; i++) {
        /* Boot i runs firmware 1 or 2 alternately: the boot-time check. */
        const pram_cell_t *fw = (i & 1) ? &fw1_boot : &fw2_boot;
        int rc = pram_cell_get(fw, &o, sizeof o);
        if (i == 1) {
            CHECK_EQ(rc, PRAM_ERR_INVALID);
            memset(&o, 0, sizeof o);
        } else {
            CHECK_EQ(rc, PRAM_OK);
            CHECK_EQ(o.boots, i - 1);
            CHECK_MEM(&o, &b, sizeof b);
        }
        b = o;
        b.boots++;
        b.reason = i * 3u;
        memcpy(b.tag, (i & 1) ? "fw-1" : "fw-2", 5);
        CHECK_EQ(pram_cell_set(fw, &b, sizeof b), PRAM_OK);
    }
    /* The same image at another address (a RAM dump restored elsewhere). */
    memcpy(&boot_mem2, &boot_mem, sizeof boot_mem);
    CHECK_EQ(moved_boot_get(&o), PRAM_OK);
    CHECK_EQ(o.boots, 50);
    /* 50 commits: boot 50's value in slot 1 (slots alternate from 0), slot 0
     * retired. */
    CHECK_EQ(rd32(boot_mem.b), 0);
    CHECK_EQ(rd32(boot_mem.b + fw1_boot.slot_size), CELL_MAGIC);
    /* Swapping the two slots changes nothing: the header decides, not the
     * position. */
    memcpy(boot_mem2.b, boot_mem.b + fw1_boot.slot_size, fw1_boot.slot_size);
    memcpy(boot_mem2.b + fw1_boot.slot_size, boot_mem.b, fw1_boot.slot_size);
    CHECK_EQ(moved_boot_get(&o), PRAM_OK);
    CHECK_EQ(o.boots, 50);
    CHECK_EQ(moved_boot_set(&b), PRAM_OK);
    CHECK_EQ(moved_boot_get(&o), PRAM_OK);
    CHECK_MEM(&o, &b, sizeof b);
}

/* ---- Power cuts during set and invalidate, exhaustively -------------------------- */

/* Pre-states: 0 nothing valid, 1 one commit (va), 2 two commits (va then
 * vb), 3 (A/B) va then a set of vb cut between its commit and its retire:
 * both slots valid, vb the newer. */
static void prepare(const cell_case_t *k, int pre)
{
    memset(mem_of(k), 0, storage_len(k));
    if (pre >= 1)
        CHECK_EQ(pram_cell_set(k->cell, va, k->size), PRAM_OK);
    if (pre == 2)
        CHECK_EQ(pram_cell_set(k->cell, vb, k->size), PRAM_OK);
    if (pre == 3) {
        cell_op_t y;
        y.cell = k->cell, y.value = vb, y.size = k->size;
        CHECK_EQ(run_cut(op_cell_set, &y, commit_store(k), 0), 1);
        CHECK_EQ(count_valid(k), 2);
    }
}

static void test_power_cut_during_set(void **state)
{
    size_t i, n, t;
    int pre;
    cell_op_t x;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        size_t len = storage_len(k), total = set_stores(k), commit = commit_store(k);
        g_ctx = k->name;
        mkval(va, k->size, i, 0x1A);
        mkval(vb, k->size, i, 0x2B);
        mkval(vc, k->size, i, 0x3C);
        x.cell = k->cell, x.value = vc, x.size = k->size, x.typed = k->typed;
        for (pre = 0; pre <= (k->mode == PRAM_AB ? 3 : 1); pre++) {
            const uint8_t *old = pre == 0 ? NULL : pre == 1 ? va : vb;
            prepare(k, pre);
            memcpy(snap, mem_of(k), len);
            for (n = 1; n <= total; n++) {
                for (t = 0; t < 2 * NTEARS; t++) {
                    /* The new value exists once its magic fully landed (the
                     * commit store); the A/B retire after it changes no
                     * reading, torn or not.  Every cut through the generic
                     * API (t even) and through the typed call (t odd). */
                    int typed = (int)(t & 1u);
                    int rc, done = n > commit || (n == commit && tears[t / 2] == 0);
                    g_iter = (long)(pre * 100000 + (int)n * 100 + (int)t);
                    memcpy(mem_of(k), snap, len);
                    CHECK_EQ(run_cut(set_op(typed), &x, n, tears[t / 2]), 1);
                    /* --- boot --- */
                    rc = read_cell(k->cell, k->size);
                    CHECK(rc == PRAM_OK || rc == PRAM_ERR_INVALID);
                    if (rc == PRAM_OK)
                        /* only ever a committed value */
                        CHECK((old && memcmp(obuf, old, k->size) == 0) ||
                              memcmp(obuf, vc, k->size) == 0);
                    if (done) {
                        CHECK_EQ(rc, PRAM_OK);
                        CHECK_MEM(obuf, vc, k->size);
                    } else if (k->mode == PRAM_AB && old) {
                        /* A/B: never invalid once a value was committed. */
                        CHECK_EQ(rc, PRAM_OK);
                        CHECK_MEM(obuf, old, k->size);
                    } else {
                        /* Single: the value is gone from the first store on.
                         * A/B with nothing before: invalid until the commit. */
                        CHECK_EQ(rc, PRAM_ERR_INVALID);
                    }
                    if (k->mode == PRAM_AB && n == commit && tears[t / 2] == 0)
                        /* Between commit and retire: the previous slot is
                         * still valid (pre 3: the previous one, vb; va was
                         * overwritten), the new one newer. */
                        CHECK_EQ(count_valid(k), old ? 2 : 1);
                    if (k->mode == PRAM_AB && n == total)
                        CHECK_EQ(count_magic(k), 1);
                    check_against_oracle(k);
                    /* The next set after the reset completes normally (through
                     * the other path). */
                    CHECK_EQ(typed ? pram_cell_set(k->cell, va, k->size) : k->typed->set(va),
                             PRAM_OK);
                    CHECK_EQ(read_cell(k->cell, k->size), PRAM_OK);
                    CHECK_MEM(obuf, va, k->size);
                    if (k->mode == PRAM_AB)
                        CHECK_EQ(count_magic(k), 1);
                    CHECK_EQ(pram_cell_set(k->cell, vb, k->size), PRAM_OK);
                    CHECK_EQ(read_cell(k->cell, k->size), PRAM_OK);
                    CHECK_MEM(obuf, vb, k->size);
                }
            }
            /* One more than the stores a set makes: no cut at all. */
            for (t = 0; t < 2; t++) {
                memcpy(mem_of(k), snap, len);
                x.rc = 1;
                CHECK_EQ(run_cut(set_op((int)t), &x, total + 1, 0), 0);
                CHECK_EQ(x.rc, PRAM_OK);
                CHECK_EQ(read_cell(k->cell, k->size), PRAM_OK);
                CHECK_MEM(obuf, vc, k->size);
                CHECK_EQ(count_magic(k), 1);
            }
        }
        g_iter = -1;
    }
}

static void test_power_cut_during_invalidate(void **state)
{
    size_t i, n, t;
    int pre;
    cell_op_t x;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        size_t len = storage_len(k);
        g_ctx = k->name;
        mkval(va, k->size, i + 7, 0x4D);
        mkval(vb, k->size, i + 7, 0x5E);
        x.cell = k->cell, x.typed = k->typed;
        /* A/B pre 3: both slots valid (cut between commit and retire), the
         * case the older-first order exists for. */
        for (pre = 1; pre <= (k->mode == PRAM_AB ? 3 : 1); pre++) {
            const uint8_t *cur = pre == 1 ? va : vb;
            prepare(k, pre);
            memcpy(snap, mem_of(k), len);
            for (n = 1; n <= nslots(k); n++)
                for (t = 0; t < 2 * NTEARS; t++) { /* t odd: the typed call */
                    int rc;
                    g_iter = (long)(n * 100 + t);
                    memcpy(mem_of(k), snap, len);
                    CHECK_EQ(run_cut(invalidate_op((int)(t & 1u)), &x, n, tears[t / 2]), 1);
                    rc = read_cell(k->cell, k->size);
                    if (k->mode == PRAM_AB && n == 1) {
                        /* Older slot cleared first: the newest still reads,
                         * never the older one. */
                        CHECK_EQ(rc, PRAM_OK);
                        CHECK_MEM(obuf, cur, k->size);
                        CHECK_EQ(count_valid(k), 1);
                    } else {
                        CHECK_EQ(rc, PRAM_ERR_INVALID);
                    }
                    check_against_oracle(k);
                }
            g_iter = -1;
        }
    }
}

/* Random walk: set / invalidate / nothing, each maybe cut at a random store
 * with a random tear, read after every "boot".  Every value ever written is
 * distinct, so a resurrected older value would be caught. */
static void random_walk(const cell_case_t *k, uint64_t seed, long steps)
{
    static uint8_t cur[1024], nv[1024];
    int cur_valid = 0;
    uint64_t rs = seed;
    long s;
    cell_op_t x;
    x.cell = k->cell, x.size = k->size, x.typed = k->typed;
    memset(mem_of(k), 0xFF, storage_len(k));
    for (s = 0; s < steps; s++) {
        uint64_t r = test_rand(&rs);
        unsigned op = (unsigned)(r % 10u); /* 0-7 set, 8 invalidate, 9 nothing */
        int cut = 0, rc;
        uint64_t at = 0;
        unsigned tear = tears[(r >> 8) % NTEARS];
        g_iter = s;
        if ((r >> 16) & 1u)
            at = 1u + (r >> 20) % (set_stores(k) + 1u);
        if (op < 8) {
            test_fill_random(nv, k->size, &rs);
            memcpy(nv, &s, k->size < sizeof s ? k->size : sizeof s);
            x.value = nv;
            cut = run_cut(set_op((int)((r >> 32) & 1u)), &x, at, tear);
        } else if (op == 8) {
            cut = run_cut(invalidate_op((int)((r >> 32) & 1u)), &x, at, tear);
        }
        rc = read_cell(k->cell, k->size);
        CHECK(rc == PRAM_OK || rc == PRAM_ERR_INVALID);
        check_against_oracle(k);
        /* At most two magics (both only after a cut between commit and
         * retire); none after a completed invalidate. */
        CHECK(count_magic(k) <= (int)nslots(k));
        if (op == 8 && !cut)
            CHECK_EQ(count_magic(k), 0);
        if (op == 9 || (op == 8 && !cut)) {
            CHECK_EQ(rc, op == 9 && cur_valid ? PRAM_OK : PRAM_ERR_INVALID);
            if (rc == PRAM_OK)
                CHECK_MEM(obuf, cur, k->size);
        } else if (op < 8 && !cut) {
            CHECK_EQ(rc, PRAM_OK);
            CHECK_MEM(obuf, nv, k->size);
            /* A completed A/B set leaves exactly one slot with the magic. */
            if (k->mode == PRAM_AB)
                CHECK_EQ(count_magic(k), 1);
        } else if (op < 8) {
            /* Cut set: the new value, the previous one (A/B only) or
             * nothing (single, or A/B without a previous value). */
            if (rc == PRAM_OK) {
                int is_new = memcmp(obuf, nv, k->size) == 0;
                int is_cur = cur_valid && memcmp(obuf, cur, k->size) == 0;
                CHECK(is_new || (is_cur && k->mode == PRAM_AB));
            } else {
                CHECK(k->mode == PRAM_SINGLE || !cur_valid);
            }
        } else {
            /* Cut invalidate: the previous value or nothing, never older. */
            if (rc == PRAM_OK) {
                CHECK(cur_valid);
                CHECK_MEM(obuf, cur, k->size);
            }
        }
        cur_valid = rc == PRAM_OK;
        if (cur_valid)
            memcpy(cur, obuf, k->size);
    }
    g_iter = -1;
}

static void test_random_walk_with_resets(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        if (k->size < 4)
            continue; /* values must be distinct over the walk */
        g_ctx = k->name;
        random_walk(k, 0x5EED0000ull + i, k->size > 100 ? 1500 : 6000);
    }
}

/* A cut leaves a half-written slot; many resets in a row, each cutting the
 * next set somewhere, never lose the last committed A/B value. */
static void test_repeated_cuts_keep_last_value(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < NCASES; i++) {
        const cell_case_t *k = &cases[i];
        cell_op_t x;
        uint64_t rs = 31337 + i;
        int r;
        if (k->mode != PRAM_AB)
            continue;
        g_ctx = k->name;
        mkval(va, k->size, i, 0x77);
        prepare(k, 0);
        CHECK_EQ(pram_cell_set(k->cell, va, k->size), PRAM_OK);
        x.cell = k->cell, x.size = k->size, x.typed = k->typed;
        for (r = 0; r < 300; r++) {
            g_iter = r;
            mkval(vc, k->size, (uint64_t)r + 1000u, (uint8_t)(0x80u | (unsigned)r));
            x.value = vc;
            {
                /* Never completing the commit store (cut before it, or
                 * tearing it): the set never commits. */
                uint64_t at = 1u + test_rand(&rs) % commit_store(k);
                unsigned tear = tears[test_rand(&rs) % NTEARS];
                if (at == commit_store(k) && tear == 0)
                    tear = 0x7u;
                CHECK_EQ(run_cut(set_op(r & 1), &x, at, tear), 1);
            }
            CHECK_EQ(read_cell(k->cell, k->size), PRAM_OK);
            CHECK_MEM(obuf, va, k->size);
            CHECK_EQ(count_valid(k), 1);
        }
        g_iter = -1;
        memcpy(snap2, mem_of(k), storage_len(k));
        CHECK_EQ(pram_cell_set(k->cell, vb, k->size), PRAM_OK);
        CHECK_EQ(read_cell(k->cell, k->size), PRAM_OK);
        CHECK_MEM(obuf, vb, k->size);
        CHECK_EQ(count_magic(k), 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_fills),
        cmocka_unit_test(test_random_fills_never_validate),
        cmocka_unit_test(test_random_payloads_match_oracle),
        cmocka_unit_test(test_stale_layouts),
        cmocka_unit_test(test_stale_layout_power_cut),
        cmocka_unit_test(test_single_byte_corruption),
        cmocka_unit_test(test_stateless_reboot),
        cmocka_unit_test(test_power_cut_during_set),
        cmocka_unit_test(test_power_cut_during_invalidate),
        cmocka_unit_test(test_random_walk_with_resets),
        cmocka_unit_test(test_repeated_cuts_keep_last_value),
    };
    return cmocka_run_group_tests_name("cell_reboot", tests, NULL, NULL);
}
