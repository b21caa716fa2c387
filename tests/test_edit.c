/* The edit scope: PRAM_EDIT / PRAM_EDIT_ZEROED / PRAM_EDIT_ABORT and the
 * explicit begin/commit/abort API, in both commit modes, including every way
 * of leaving the scope and power cuts at each store of begin and commit.
 *
 * Expectations come from the spec (pram_cell.h); an oracle written for the
 * tests (bitwise CRC-16/CCITT-FALSE, slot validator: tests/support/ref_crc.c,
 * cell_model.c) judges raw memory. */
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

/* ---- Cells ------------------------------------------------------------------- */

typedef struct { uint32_t a; uint16_t b; uint8_t c[6]; } rec_t; /* 12 bytes, no padding */
typedef struct { char c[7]; } odd7_t;
typedef struct { uint64_t u; double d; uint32_t x, y; } al8_t;  /* 24 bytes, 8-aligned */

static union { uint64_t al; uint8_t b[128]; } m_s, m_ab, m7_s, m7_ab, m8;

PRAM_CELL_DECLARE_AT(ed_s, rec_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(ed_s, &m_s);
PRAM_CELL_DECLARE_AT(ed_ab, rec_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_AT(ed_ab, &m_ab);
/* The same storage seen by firmware with schema 2. */
PRAM_CELL_DECLARE_AT(ed2_s, rec_t, 2, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(ed2_s, &m_s);
PRAM_CELL_DECLARE_AT(ed2_ab, rec_t, 2, PRAM_AB);
PRAM_CELL_DEFINE_AT(ed2_ab, &m_ab);
PRAM_CELL_DECLARE_AT(ed7_s, odd7_t, 3, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(ed7_s, &m7_s);
PRAM_CELL_DECLARE_AT(ed7_ab, odd7_t, 3, PRAM_AB);
PRAM_CELL_DEFINE_AT(ed7_ab, &m7_ab);
PRAM_CELL_DECLARE_AT(ed8_ab, al8_t, 4, PRAM_AB);
PRAM_CELL_DEFINE_AT(ed8_ab, &m8);

/* Regions: ordinary memory (edits allowed) and exact-width ones (refused). */
static union { uint32_t w[32]; uint8_t b[128]; } rg0_mem, rg4_mem, rg1_mem;
static const pram_region_t rg0 = PRAM_REGION(rg0_mem.b, 128, 0, 0);
static const pram_region_t rg4 = PRAM_REGION(rg4_mem.b, 128, 4, 0);
static const pram_region_t rg1 = PRAM_REGION(rg1_mem.b, 128, 1, 0);
PRAM_CELL_DECLARE_IN(er0_ab, rec_t, 5, PRAM_AB);
PRAM_CELL_DEFINE_IN(er0_ab, &rg0, 16);
PRAM_CELL_DECLARE_IN(er0_s, rec_t, 5, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(er0_s, &rg0, 72);
PRAM_CELL_DECLARE_IN(er4_ab, rec_t, 5, PRAM_AB);
PRAM_CELL_DEFINE_IN(er4_ab, &rg4, 16);
PRAM_CELL_DECLARE_IN(er1_s, rec_t, 5, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(er1_s, &rg1, 8);

/* The oracle reads a cell's slots with the cell's own geometry. */
static cell_case_t case_of(const pram_cell_t *c)
{
    cell_case_t k;
    memset(&k, 0, sizeof k);
    k.name = "";
    k.cell = c;
    k.size = c->size;
    k.vo = c->value_offset;
    k.ss = c->slot_size;
    k.schema = c->schema;
    k.mode = c->mode;
    return k;
}

/* Writes a committed slot image of c's size by hand, with the given schema. */
static void craft_slot(uint8_t *s, const pram_cell_t *c, uint16_t schema, uint16_t seq,
                       const void *value)
{
    ref_craft(s, c->value_offset, c->size, schema, seq, value);
}

static const rec_t v0 = {0x01020304u, 0x0506u, {7, 8, 9, 10, 11, 12}};
static const rec_t v1 = {0xA1A2A3A4u, 0xA5A6u, {0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC}};
static const rec_t zero_rec = {0, 0, {0, 0, 0, 0, 0, 0}};
static volatile int yes = 1; /* a condition the compiler cannot see through */

static void reset(const pram_cell_t *c, uint8_t fill)
{
    memset(cell_mem(c), fill, pram_cell_storage_size(c));
}

static void must_read(const pram_cell_t *c, const void *want)
{
    uint8_t got[64];
    memset(got, 0x5A, sizeof got);
    CHECK_EQ(pram_cell_get(c, got, c->size), PRAM_OK);
    CHECK_MEM(got, want, c->size);
    CHECK_EQ(pram_cell_status(c), PRAM_OK);
}

static void must_be_invalid(const pram_cell_t *c)
{
    uint8_t got[64], sent[64];
    memset(got, 0x5A, sizeof got);
    memset(sent, 0x5A, sizeof sent);
    CHECK_EQ(pram_cell_get(c, got, c->size), PRAM_ERR_INVALID);
    CHECK_MEM(got, sent, sizeof got);
    CHECK_EQ(pram_cell_status(c), PRAM_ERR_INVALID);
    CHECK_EQ(pram_cell_is_valid(c), 0);
}

/* Exactly what a reader must see: the old value (A/B) or nothing (single). */
static void must_keep_old(const pram_cell_t *c, const void *old)
{
    if (c->mode == PRAM_AB)
        must_read(c, old);
    else
        must_be_invalid(c);
}

/* Oracle: slot index holding the newest committed value, -1 if none. */
static int newest_slot(const pram_cell_t *c, uint16_t *seq)
{
    cell_case_t k = case_of(c);
    return ref_newest(&k, seq, NULL);
}

/* Oracle: how many slots hold a committed value. */
static int valid_slots(const pram_cell_t *c)
{
    cell_case_t k = case_of(c);
    return count_valid(&k);
}

/* How many slots hold the magic word (headers of any layout). */
static int magic_slots(const pram_cell_t *c)
{
    cell_case_t k = case_of(c);
    return count_magic(&k);
}

/* After a completed A/B commit: exactly one slot has the magic, the valid
 * one; a single-slot cell's one slot is valid. */
static void check_one_at_rest(const pram_cell_t *c)
{
    CHECK_EQ(magic_slots(c), 1);
    CHECK_EQ(valid_slots(c), 1);
}

/* Where an edit must write: slot 0 (single), else the slot not holding the
 * current value; returns the value address there. */
static uint8_t *expected_edit_target(const pram_cell_t *c)
{
    int cur = newest_slot(c, NULL);
    unsigned t = c->mode == PRAM_AB && cur >= 0 ? (unsigned)cur ^ 1u : 0u;
    if (c->mode == PRAM_AB && cur < 0)
        return NULL; /* no current value: either slot will do */
    return cell_mem(c) + t * c->slot_size + c->value_offset;
}

/* ---- Scope scenarios, generated for each typed cell ------------------------- */

#define SCOPE_TESTS(name)                                                                    \
    static void name##_scope_normal_end(void)                                                \
    {                                                                                        \
        int rc = 12345, runs = 0, mis = pram_test_misuse_count;                              \
        rec_t want = v0;                                                                     \
        uint8_t *target;                                                                     \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        target = expected_edit_target(&name);                                                \
        PRAM_EDIT(name, e, rc) {                                                             \
            runs++;                                                                          \
            CHECK(e.value != NULL);                                                          \
            CHECK((uint8_t *)e.value == target);                                             \
            CHECK_MEM(e.value, &v0, sizeof v0); /* KEEP: starts from the value */            \
            e.value->a = 0xCAFEF00Du;                                                        \
            e.value->c[5] = 0x99;                                                            \
        }                                                                                    \
        want.a = 0xCAFEF00Du;                                                                \
        want.c[5] = 0x99;                                                                    \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        must_read(&name, &want);                                                          \
        CHECK(newest_slot(&name, NULL) >= 0);                                                \
        CHECK_MEM(cell_mem(&name) + (unsigned)newest_slot(&name, NULL) * name.slot_size +    \
                      name.value_offset, &want, sizeof want);                                \
        /* A/B: the slot that held v0 was retired after the commit. */                      \
        check_one_at_rest(&name);                                                            \
        CHECK_EQ(pram_test_misuse_count, mis);                                               \
        /* A second edit builds on the first. */                                             \
        PRAM_EDIT(name, e, rc) { e.value->b = 0x4242u; }                                     \
        want.b = 0x4242u;                                                                    \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        must_read(&name, &want);                                                          \
        check_one_at_rest(&name);                                                            \
    }                                                                                        \
    static void name##_scope_continue(void)                                                  \
    {                                                                                        \
        int rc = 12345, runs = 0, mis = pram_test_misuse_count;                              \
        rec_t want = v0;                                                                     \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        PRAM_EDIT(name, e, rc) {                                                             \
            runs++;                                                                          \
            e.value->a = 7u;                                                                 \
            if (yes)                                                                         \
                continue;                                                                    \
            e.value->a = 8u;                                                                 \
        }                                                                                    \
        want.a = 7u;                                                                         \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        must_read(&name, &want);                                                          \
        CHECK_EQ(pram_test_misuse_count, mis);                                               \
    }                                                                                        \
    static void name##_scope_inner_break(void)                                               \
    {                                                                                        \
        int rc = 12345, runs = 0, i, mis = pram_test_misuse_count;                           \
        rec_t want = v0;                                                                     \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        PRAM_EDIT(name, e, rc) {                                                             \
            runs++;                                                                          \
            for (i = 0; i < 6; i++) {                                                        \
                if (i == 3 && yes)                                                           \
                    break; /* leaves the inner loop only */                                  \
                e.value->c[i] = (uint8_t)(0x70 + i);                                         \
            }                                                                                \
        }                                                                                    \
        want.c[0] = 0x70, want.c[1] = 0x71, want.c[2] = 0x72;                                \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        must_read(&name, &want);                                                          \
        CHECK_EQ(pram_test_misuse_count, mis);                                               \
    }                                                                                        \
    static void name##_scope_abort(void)                                                     \
    {                                                                                        \
        int rc = 12345, runs = 0, reached = 0, mis = pram_test_misuse_count;                 \
        uint64_t s0;                                                                         \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        s0 = pram_test_stores;                                                               \
        PRAM_EDIT(name, e, rc) {                                                             \
            runs++;                                                                          \
            /* begin: magic<-0 (+ A/B copy of the value words), no more */                   \
            CHECK_EQ(pram_test_stores - s0,                                                  \
                     1u + (name.mode == PRAM_AB ? (sizeof(rec_t) + 3u) / 4u : 0u));          \
            s0 = pram_test_stores;                                                           \
            e.value->a = 5u;                                                                 \
            if (yes)                                                                         \
                PRAM_EDIT_ABORT(e);                                                          \
            reached++; /* PRAM_EDIT_ABORT leaves the scope */                                \
            e.value->a = 6u;                                                                 \
        }                                                                                    \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(reached, 0);                                                                \
        /* Left through `continue`: the step saw the abort. */                               \
        CHECK_EQ(rc, PRAM_EDIT_ABORTED);                                                     \
        /* abort stores nothing: only the body's own plain write landed. */                  \
        CHECK_EQ(pram_test_stores, s0);                                                      \
        must_keep_old(&name, &v0);                                                           \
        CHECK_EQ(magic_slots(&name), name.mode == PRAM_AB ? 1 : 0);                          \
        CHECK_EQ(pram_test_misuse_count, mis); /* abort is a proper exit */                  \
        /* The cell works normally afterwards. */                                            \
        PRAM_EDIT_ZEROED(name, f, rc) { f.value->a = 1u; }                                   \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        {                                                                                    \
            rec_t want = zero_rec;                                                           \
            want.a = 1u;                                                                     \
            must_read(&name, &want);                                                         \
        }                                                                                    \
        check_one_at_rest(&name);                                                            \
        /* An abort as the scope's first statement: same result. */                          \
        rc = 12345;                                                                          \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        PRAM_EDIT(name, e, rc) { PRAM_EDIT_ABORT(e); }                                       \
        must_keep_old(&name, &v0);                                                           \
        CHECK_EQ(rc, PRAM_EDIT_ABORTED);                                                     \
        CHECK_EQ(pram_test_misuse_count, mis);                                               \
        /* A scope run after an aborted one starts afresh and commits. */                    \
        PRAM_EDIT(name, e, rc) {                                                             \
            if (name.mode == PRAM_AB)                                                        \
                CHECK_MEM(e.value, &v0, sizeof v0);                                          \
            e.value->b = 0x1234u;                                                            \
        }                                                                                    \
        CHECK_EQ(rc, name.mode == PRAM_AB ? PRAM_OK : PRAM_ERR_INVALID);                     \
        if (name.mode == PRAM_AB) {                                                          \
            rec_t want = v0;                                                                 \
            want.b = 0x1234u;                                                                \
            must_read(&name, &want);                                                         \
            check_one_at_rest(&name);                                                        \
        }                                                                                    \
    }                                                                                        \
    static void name##_scope_break(void)                                                     \
    {                                                                                        \
        int rc = 12345, runs = 0, mis = pram_test_misuse_count;                              \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        PRAM_EDIT(name, e, rc) {                                                             \
            runs++;                                                                          \
            e.value->a = 5u;                                                                 \
            if (yes)                                                                         \
                break;                                                                       \
        }                                                                                    \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(pram_test_misuse_count, mis + 1);                                           \
        CHECK_EQ(pram_test_last_misuse, PRAM_ERR_SCOPE);                                     \
        must_keep_old(&name, &v0); /* nothing committed */                                 \
        CHECK_EQ(valid_slots(&name), name.mode == PRAM_AB ? 1 : 0);                          \
        CHECK_EQ(name##_set(&v1), PRAM_OK);                                                  \
        must_read(&name, &v1);                                                            \
    }                                                                                        \
    static int name##_return_helper(int *runs)                                               \
    {                                                                                        \
        int rc;                                                                              \
        PRAM_EDIT(name, e, rc) {                                                             \
            (*runs)++;                                                                       \
            e.value->a = 5u;                                                                 \
            if (yes)                                                                         \
                return 1;                                                                    \
        }                                                                                    \
        return rc == PRAM_OK ? 2 : 3;                                                        \
    }                                                                                        \
    static void name##_scope_return(void)                                                    \
    {                                                                                        \
        int runs = 0, mis = pram_test_misuse_count;                                          \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        CHECK_EQ(name##_return_helper(&runs), 1);                                            \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(pram_test_misuse_count, mis + 1);                                           \
        CHECK_EQ(pram_test_last_misuse, PRAM_ERR_SCOPE);                                     \
        must_keep_old(&name, &v0);                                                         \
    }                                                                                        \
    static void name##_scope_goto(void)                                                      \
    {                                                                                        \
        int rc = 12345, runs = 0, mis = pram_test_misuse_count;                              \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        PRAM_EDIT(name, e, rc) {                                                             \
            runs++;                                                                          \
            e.value->a = 5u;                                                                 \
            if (yes)                                                                         \
                goto out;                                                                    \
        }                                                                                    \
    out:                                                                                     \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(pram_test_misuse_count, mis + 1);                                           \
        CHECK_EQ(pram_test_last_misuse, PRAM_ERR_SCOPE);                                     \
        must_keep_old(&name, &v0);                                                         \
    }                                                                                        \
    static void name##_scope_begin_fails(void)                                               \
    {                                                                                        \
        static uint8_t snap[128];                                                            \
        int rc = 12345, runs = 0, mis = pram_test_misuse_count;                              \
        uint64_t s0;                                                                         \
        size_t len = pram_cell_storage_size(&name);                                          \
        /* KEEP on an invalid cell: the body does not run, rc is the error. */               \
        reset(&name, 0xA5);                                                                  \
        memcpy(snap, cell_mem(&name), len);                                                  \
        s0 = pram_test_stores;                                                               \
        PRAM_EDIT(name, e, rc) { runs++; }                                                   \
        CHECK_EQ(runs, 0);                                                                   \
        CHECK_EQ(rc, PRAM_ERR_INVALID);                                                      \
        CHECK_EQ(pram_test_stores, s0);                                                      \
        CHECK_MEM(cell_mem(&name), snap, len);                                               \
        /* KEEP on a cell from another layout: PRAM_ERR_LAYOUT, untouched. */               \
        CHECK_EQ(pram_cell_set(&name##_other, &v1, sizeof v1), PRAM_OK);                     \
        memcpy(snap, cell_mem(&name), len);                                                  \
        s0 = pram_test_stores;                                                               \
        PRAM_EDIT(name, e, rc) { runs++; }                                                   \
        CHECK_EQ(runs, 0);                                                                   \
        CHECK_EQ(rc, PRAM_ERR_LAYOUT);                                                       \
        CHECK_EQ(pram_test_stores, s0);                                                      \
        CHECK_MEM(cell_mem(&name), snap, len);                                               \
        CHECK_EQ(pram_test_misuse_count, mis);                                               \
        /* ZEROED takes over a foreign layout: then it is ours. */                           \
        PRAM_EDIT_ZEROED(name, e, rc) {                                                      \
            runs++;                                                                          \
            CHECK_MEM(e.value, &zero_rec, sizeof zero_rec);                                  \
            e.value->b = 3u;                                                                 \
        }                                                                                    \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        {                                                                                    \
            rec_t want = zero_rec;                                                           \
            want.b = 3u;                                                                     \
            must_read(&name, &want);                                                      \
        }                                                                                    \
        CHECK_EQ(pram_cell_status(&name##_other), PRAM_ERR_LAYOUT);                          \
    }                                                                                        \
    static void name##_scope_zeroed(void)                                                    \
    {                                                                                        \
        int rc = 12345, runs = 0;                                                            \
        rec_t want = zero_rec;                                                               \
        /* On garbage (invalid): starts from zeros. */                                       \
        reset(&name, 0xA5);                                                                  \
        PRAM_EDIT_ZEROED(name, e, rc) {                                                      \
            runs++;                                                                          \
            CHECK_MEM(e.value, &zero_rec, sizeof zero_rec);                                  \
            e.value->c[2] = 0x33;                                                            \
        }                                                                                    \
        want.c[2] = 0x33;                                                                    \
        CHECK_EQ(runs, 1);                                                                   \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        must_read(&name, &want);                                                          \
        /* On a valid cell: still from zeros, the old value readable (A/B). */              \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        PRAM_EDIT_ZEROED(name, e, rc) {                                                      \
            runs++;                                                                          \
            CHECK_MEM(e.value, &zero_rec, sizeof zero_rec);                                  \
            must_keep_old(&name, &v0);                                                     \
            e.value->a = 0x11u;                                                              \
        }                                                                                    \
        want = zero_rec;                                                                     \
        want.a = 0x11u;                                                                      \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        must_read(&name, &want);                                                          \
    }                                                                                        \
    static void name##_scope_while_open(void)                                                \
    {                                                                                        \
        int rc = 12345;                                                                      \
        reset(&name, 0);                                                                     \
        CHECK_EQ(name##_set(&v0), PRAM_OK);                                                  \
        PRAM_EDIT(name, e, rc) {                                                             \
            must_keep_old(&name, &v0);                                                     \
            *e.value = v1;                                                                   \
            /* Writes in progress are not visible: old value or invalid. */                 \
            must_keep_old(&name, &v0);                                                     \
        }                                                                                    \
        CHECK_EQ(rc, PRAM_OK);                                                               \
        must_read(&name, &v1);                                                            \
    }                                                                                        \
    static void name##_scope_all(void **state)                                               \
    {                                                                                        \
        (void)state;                                                                         \
        g_ctx = #name;                                                                       \
        name##_scope_normal_end();                                                           \
        name##_scope_continue();                                                             \
        name##_scope_inner_break();                                                          \
        name##_scope_break();                                                                \
        name##_scope_return();                                                               \
        name##_scope_goto();                                                                 \
        name##_scope_begin_fails();                                                          \
        name##_scope_zeroed();                                                               \
        name##_scope_while_open();                                                           \
    }                                                                                        \
    static void name##_scope_abort_test(void **state)                                        \
    {                                                                                        \
        (void)state;                                                                         \
        g_ctx = #name;                                                                       \
        name##_scope_abort();                                                                \
    }

#define ed_s_other ed2_s
#define ed_ab_other ed2_ab
#define er0_ab_other er0_ab_schema2
/* schema-2 twin of er0_ab in the same region place */
PRAM_CELL_DECLARE_IN(er0_ab_schema2, rec_t, 6, PRAM_AB);
PRAM_CELL_DEFINE_IN(er0_ab_schema2, &rg0, 16);

SCOPE_TESTS(ed_s)
SCOPE_TESTS(ed_ab)
SCOPE_TESTS(er0_ab)

/* ---- Explicit API -------------------------------------------------------------- */

static void explicit_api(const pram_cell_t *c, const void *a, const void *b)
{
    pram_edit_t ed, idle = PRAM_EDIT_INIT;
    uint8_t *target;
    uint64_t s0;
    uint16_t seq_before = 0, seq_after = 0;
    int cur;
    size_t w = value_words(c->size);
    static uint8_t snap[256];
    size_t len = pram_cell_storage_size(c);

    reset(c, 0);
    CHECK_EQ(pram_cell_set(c, a, c->size), PRAM_OK);

    /* Never-begun edit: nothing to commit or abort. */
    CHECK_EQ(pram_cell_edit_commit(&idle), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_cell_edit_abort(&idle), PRAM_ERR_SCOPE);

    /* begin KEEP: pointer into the slot the commit will use. */
    cur = newest_slot(c, &seq_before);
    CHECK(cur >= 0);
    target = expected_edit_target(c);
    memcpy(snap, cell_mem(c), len);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_begin(c, &ed, PRAM_EDIT_KEEP), PRAM_OK);
    /* single: magic<-0 only (edits in place); A/B: magic<-0 + copy. */
    CHECK_EQ(pram_test_stores - s0, c->mode == PRAM_AB ? 1u + w : 1u);
    CHECK(ed.value == (void *)target);
    CHECK((uint8_t *)ed.value >= cell_mem(c) && (uint8_t *)ed.value + c->size <= cell_mem(c) + len);
    CHECK_MEM(ed.value, a, c->size);
    if (c->mode == PRAM_AB) {
        /* The current slot is untouched, the copy is in the other one. */
        CHECK_MEM(cell_mem(c) + (unsigned)cur * c->slot_size, snap + (unsigned)cur * c->slot_size,
                  c->slot_size);
        must_read(c, a);
    } else {
        must_be_invalid(c);
    }
    memcpy(ed.value, b, c->size);
    memcpy(snap, cell_mem(c), len);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_OK);
    /* layout, seal, magic; A/B then retires the other slot (magic<-0). */
    CHECK_EQ(pram_test_stores - s0, c->mode == PRAM_AB ? 4u : 3u);
    must_read(c, b);
    CHECK(newest_slot(c, &seq_after) >= 0);
    CHECK_MEM(cell_mem(c) + (unsigned)newest_slot(c, NULL) * c->slot_size + c->value_offset, b,
              c->size);
    check_one_at_rest(c);
    if (c->mode == PRAM_AB) {
        CHECK_EQ(newest_slot(c, NULL), cur ^ 1);
        CHECK_EQ(seq_after, (uint16_t)(seq_before + 1u));
        /* The retire clears the previous slot's magic, nothing else. */
        CHECK_EQ(rd32(cell_mem(c) + (unsigned)cur * c->slot_size), 0);
        CHECK_MEM(cell_mem(c) + (unsigned)cur * c->slot_size + 4,
                  snap + (unsigned)cur * c->slot_size + 4, c->slot_size - 4);
    }
    /* Closed: commit and abort now refused, nothing stored. */
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_cell_edit_abort(&ed), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_test_stores, s0);
    must_read(c, b);

    /* begin ZERO then abort: A/B keeps b, single is left invalid. */
    target = expected_edit_target(c);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_begin(c, &ed, PRAM_EDIT_ZERO), PRAM_OK);
    CHECK_EQ(pram_test_stores - s0, 1u + w);
    CHECK(ed.value == (void *)target);
    {
        static const uint8_t zeros[64];
        CHECK_MEM(ed.value, zeros, c->size);
    }
    memcpy(ed.value, a, c->size);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_abort(&ed), PRAM_OK);
    CHECK_EQ(pram_test_stores, s0);
    CHECK_EQ(ed.result, PRAM_EDIT_ABORTED);
    must_keep_old(c, b);
    CHECK_EQ(pram_cell_edit_abort(&ed), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_ERR_SCOPE);
    must_keep_old(c, b);

    /* Bad flags, NULLs: refused, nothing stored, edit not open. */
    CHECK_EQ(pram_cell_set(c, a, c->size), PRAM_OK);
    memcpy(snap, cell_mem(c), len);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_begin(c, &ed, 2u), PRAM_ERR_FLAGS);
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_cell_edit_begin(c, NULL, PRAM_EDIT_KEEP), PRAM_ERR_NULL);
    CHECK_EQ(pram_cell_edit_begin(NULL, &ed, PRAM_EDIT_KEEP), PRAM_ERR_NULL);
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_cell_edit_commit(NULL), PRAM_ERR_NULL);
    CHECK_EQ(pram_cell_edit_abort(NULL), PRAM_ERR_NULL);
    CHECK_EQ(pram_test_stores, s0);
    CHECK_MEM(cell_mem(c), snap, len);
    must_read(c, a);

    /* Successive edits alternate A/B slots; the pointer follows. */
    {
        int k;
        for (k = 0; k < 5; k++) {
            int before = newest_slot(c, NULL);
            target = expected_edit_target(c);
            CHECK_EQ(pram_cell_edit_begin(c, &ed, PRAM_EDIT_KEEP), PRAM_OK);
            CHECK(ed.value == (void *)target);
            ((uint8_t *)ed.value)[0] = (uint8_t)(0xE0 + k);
            CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_OK);
            check_one_at_rest(c);
            CHECK_EQ(newest_slot(c, NULL), c->mode == PRAM_AB ? before ^ 1 : 0);
            CHECK_EQ(((const uint8_t *)cell_mem(c) + (unsigned)newest_slot(c, NULL) * c->slot_size +
                      c->value_offset)[0],
                     0xE0 + k);
        }
    }

    /* ZERO from nothing valid (garbage): slot 0 opened with seq 1, the other
     * slot not touched before the commit (no clearing beforehand); the
     * commit's retire then clears its magic. */
    reset(c, 0xA5);
    memcpy(snap, cell_mem(c), len);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_begin(c, &ed, PRAM_EDIT_ZERO), PRAM_OK);
    CHECK_EQ(pram_test_stores - s0, 1u + w);
    CHECK(ed.value == (void *)(cell_mem(c) + c->value_offset));
    CHECK_EQ(ed.seq, c->mode == PRAM_AB ? 1u : 0u);
    if (c->mode == PRAM_AB)
        CHECK_MEM(cell_mem(c) + c->slot_size, snap + c->slot_size, c->slot_size);
    memcpy(ed.value, b, c->size);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_OK);
    CHECK_EQ(pram_test_stores - s0, c->mode == PRAM_AB ? 4u : 3u);
    must_read(c, b);
    CHECK_EQ(newest_slot(c, &seq_after), 0);
    CHECK_EQ(seq_after, c->mode == PRAM_AB ? 1u : 0u);
    check_one_at_rest(c);
    if (c->mode == PRAM_AB) {
        CHECK_EQ(rd32(cell_mem(c) + c->slot_size), 0);
        CHECK_MEM(cell_mem(c) + c->slot_size + 4, snap + c->slot_size + 4, c->slot_size - 4);
    }
}

static void test_explicit_api(void **state)
{
    odd7_t a = {{'a', 'b', 'c', 'd', 'e', 'f', 'g'}}, b = {{'t', 'u', 'v', 'w', 'x', 'y', 'z'}};
    (void)state;
    g_ctx = "explicit ed_s";
    explicit_api(&ed_s, &v0, &v1);
    g_ctx = "explicit ed_ab";
    explicit_api(&ed_ab, &v0, &v1);
    g_ctx = "explicit ed7_s";
    explicit_api(&ed7_s, &a, &b);
    g_ctx = "explicit ed7_ab";
    explicit_api(&ed7_ab, &a, &b);
    g_ctx = "explicit er0_s";
    explicit_api(&er0_s, &v0, &v1);
    g_ctx = "explicit er0_ab";
    explicit_api(&er0_ab, &v0, &v1);
}

/* The typed wrappers keep .value in step with the generic edit. */
static void test_typed_explicit(void **state)
{
    ed_ab_edit_t te;
    ed_s_edit_t ts;
    rec_t want = v0;
    (void)state;
    g_ctx = "typed";
    reset(&ed_ab, 0);
    reset(&ed_s, 0);
    CHECK_EQ(ed_ab_set(&v0), PRAM_OK);
    CHECK_EQ(ed_ab_edit_begin(&te, PRAM_EDIT_KEEP), PRAM_OK);
    CHECK(te.value != NULL && (void *)te.value == te.edit.value);
    CHECK_MEM(te.value, &v0, sizeof v0);
    te.value->b = 0xBEEFu;
    want.b = 0xBEEFu;
    CHECK_EQ(ed_ab_edit_commit(&te), PRAM_OK);
    CHECK(te.value == NULL);
    CHECK_EQ(ed_ab_edit_commit(&te), PRAM_ERR_SCOPE);
    must_read(&ed_ab, &want);
    CHECK_EQ(ed_ab_edit_begin(&te, PRAM_EDIT_ZERO), PRAM_OK);
    CHECK_EQ(ed_ab_edit_abort(&te), PRAM_OK);
    CHECK(te.value == NULL);
    CHECK_EQ(ed_ab_edit_abort(&te), PRAM_ERR_SCOPE);
    must_read(&ed_ab, &want);
    /* begin failing leaves .value NULL */
    CHECK_EQ(ed_s_edit_begin(&ts, PRAM_EDIT_KEEP), PRAM_ERR_INVALID);
    CHECK(ts.value == NULL);
    CHECK_EQ(ed_s_edit_commit(&ts), PRAM_ERR_SCOPE);
    CHECK_EQ(ed_s_edit_begin(&ts, PRAM_EDIT_ZERO), PRAM_OK);
    CHECK(ts.value == (rec_t *)(void *)(m_s.b + ed_s.value_offset));
    ts.value->a = 77u;
    CHECK_EQ(ed_s_edit_commit(&ts), PRAM_OK);
    want = zero_rec;
    want.a = 77u;
    must_read(&ed_s, &want);
}

/* Edits hand out pointers: only in ordinary memory; aligned for the type. */
static void test_edit_regions_and_alignment(void **state)
{
    pram_edit_t ed;
    int rc = 12345, runs = 0, k;
    uint64_t s0;
    (void)state;
    g_ctx = "regions";
    memset(&rg4_mem, 0, sizeof rg4_mem);
    memset(&rg1_mem, 0, sizeof rg1_mem);
    CHECK_EQ(er4_ab_set(&v0), PRAM_OK);
    CHECK_EQ(er1_s_set(&v0), PRAM_OK);
    s0 = pram_test_stores;
    CHECK_EQ(pram_cell_edit_begin(&er4_ab, &ed, PRAM_EDIT_KEEP), PRAM_ERR_ACCESS);
    CHECK(ed.value == NULL);
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_ERR_SCOPE);
    CHECK_EQ(pram_cell_edit_begin(&er1_s, &ed, PRAM_EDIT_ZERO), PRAM_ERR_ACCESS);
    PRAM_EDIT(er4_ab, e, rc) { runs++; }
    CHECK_EQ(runs, 0);
    CHECK_EQ(rc, PRAM_ERR_ACCESS);
    PRAM_EDIT_ZEROED(er1_s, e, rc) { runs++; }
    CHECK_EQ(runs, 0);
    CHECK_EQ(rc, PRAM_ERR_ACCESS);
    CHECK_EQ(pram_test_stores, s0);
    must_read(&er4_ab, &v0);
    must_read(&er1_s, &v0);

    /* Width-0 region: the pointer is inside the region's RAM. */
    memset(&rg0_mem, 0, sizeof rg0_mem);
    CHECK_EQ(er0_ab_set(&v0), PRAM_OK);
    PRAM_EDIT(er0_ab, e, rc) {
        CHECK((uint8_t *)e.value >= rg0_mem.b + 16 + 12 &&
              (uint8_t *)e.value + sizeof(rec_t) <= rg0_mem.b + 16 + 2 * 24);
        e.value->a = 0x600Du;
    }
    CHECK_EQ(rc, PRAM_OK);

    /* 8-aligned value: every slot's edit pointer suits uint64_t/double. */
    g_ctx = "alignment";
    memset(&m8, 0, sizeof m8);
    CHECK_EQ(ed8_ab.value_offset, 16);
    for (k = 0; k < 4; k++) {
        PRAM_EDIT_ZEROED(ed8_ab, e, rc) {
            CHECK_EQ((uintptr_t)e.value % 8u, 0);
            CHECK((uint8_t *)e.value == m8.b + 16 || (uint8_t *)e.value == m8.b + 40 + 16);
            e.value->u = 0x0102030405060708ull * (uint64_t)(k + 1);
            e.value->d = 0.25 * k;
        }
        CHECK_EQ(rc, PRAM_OK);
        {
            al8_t o;
            CHECK_EQ(ed8_ab_get(&o), PRAM_OK);
            CHECK(o.u == 0x0102030405060708ull * (uint64_t)(k + 1) && o.d == 0.25 * k);
        }
    }
}

/* Every prior state an A/B cell may be found in (crafted): after each
 * completed edit commit exactly one slot has the magic; begin opened the
 * target slot exactly as set's step 1 does (docs/design.md, "Edit scope"):
 * with exactly one magic word, the other slot, with the magic one's stored
 * seq + 1, whether or not that one checks (the retire clears it); with both,
 * the slot not holding the current value, seq current+1 (slot 0 and seq 1
 * if none is valid); with none, slot 0 and seq 1.  Commit is 4 stores.  KEEP
 * on no valid value is refused. */
static void edit_at_rest(const pram_cell_t *c)
{
    static uint8_t cur_v[64], oth_v[64], want[64];
    uint16_t foreign = (uint16_t)(c->schema ^ 0x0100u);
    uint8_t *m = cell_mem(c);
    size_t ss = c->slot_size;
    int st;
    unsigned flags;
    memset(cur_v, 0x3C, c->size);
    memset(oth_v, 0xC3, c->size);
    for (st = 0; st < 12; st++)
        for (flags = 0; flags <= PRAM_EDIT_ZERO; flags++) {
            pram_edit_t ed;
            uint16_t seq = 0, sq = 0;
            int cur, rc, foreign_magic, m0, m1;
            uint16_t want_seq;
            unsigned t;
            uint64_t s0;
            g_iter = st * 10 + (int)flags;
            reset(c, st == 1 ? 0xA5 : 0);
            switch (st) {
            case 0: case 1: break;
            case 2: craft_slot(m, c, c->schema, 5, cur_v); break;
            case 3: craft_slot(m + ss, c, c->schema, 5, cur_v); break;
            case 4: craft_slot(m, c, c->schema, 4, oth_v); craft_slot(m + ss, c, c->schema, 5, cur_v); break;
            case 5: craft_slot(m, c, c->schema, 0, cur_v); craft_slot(m + ss, c, c->schema, 0xFFFFu, oth_v); break;
            case 6: craft_slot(m, c, foreign, 5, oth_v); break;
            case 7: craft_slot(m + ss, c, foreign, 5, oth_v); break;
            case 8: craft_slot(m, c, c->schema, 5, cur_v); craft_slot(m + ss, c, foreign, 9, oth_v); break;
            case 9: craft_slot(m, c, foreign, 9, oth_v); craft_slot(m + ss, c, c->schema, 5, cur_v); break;
            case 10: /* ours with a broken CRC next to a valid one */
                craft_slot(m, c, c->schema, 5, cur_v);
                craft_slot(m + ss, c, c->schema, 6, oth_v);
                m[ss + c->value_offset] ^= 0x01u;
                break;
            default: /* both foreign */
                craft_slot(m, c, foreign, 5, oth_v);
                craft_slot(m + ss, c, foreign, 6, oth_v);
                break;
            }
            cur = newest_slot(c, &seq);
            foreign_magic = magic_slots(c) > valid_slots(c) && st != 10;
            m0 = rd32(m) == CELL_MAGIC;
            m1 = rd32(m + ss) == CELL_MAGIC;
            if (m0 != m1) {
                t = m0 ? 1u : 0u;
                want_seq = (uint16_t)(rd32(m + (t ^ 1u) * ss + 4u) + 1u);
                if (cur >= 0)
                    CHECK_EQ(t, (unsigned)cur ^ 1u);
            } else {
                t = m0 && cur >= 0 ? (unsigned)cur ^ 1u : 0u;
                want_seq = m0 && cur >= 0 ? (uint16_t)(seq + 1u) : 1u;
            }
            s0 = pram_test_stores;
            rc = pram_cell_edit_begin(c, &ed, flags);
            if (flags == PRAM_EDIT_KEEP && cur < 0) {
                /* The crafted foreign slots fit: LAYOUT, as the oracle says. */
                cell_case_t k = case_of(c);
                CHECK_EQ(ref_cell_state(&k, NULL), foreign_magic ? PRAM_ERR_LAYOUT : PRAM_ERR_INVALID);
                CHECK_EQ(rc, foreign_magic ? PRAM_ERR_LAYOUT : PRAM_ERR_INVALID);
                CHECK_EQ(pram_test_stores, s0);
                continue;
            }
            CHECK_EQ(rc, PRAM_OK);
            CHECK_EQ(pram_test_stores - s0, 1u + value_words(c->size));
            CHECK(ed.value == (void *)(m + t * ss + c->value_offset));
            CHECK_EQ(ed.slot, t);
            CHECK_EQ(ed.seq, want_seq);
            if (flags == PRAM_EDIT_KEEP)
                CHECK_MEM(ed.value, cur_v, c->size);
            memset(want, 0x40 + st, c->size);
            memcpy(ed.value, want, c->size);
            s0 = pram_test_stores;
            CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_OK);
            CHECK_EQ(pram_test_stores - s0, 4u);
            must_read(c, want);
            CHECK_EQ(newest_slot(c, &sq), (int)t);
            CHECK_EQ(sq, want_seq);
            check_one_at_rest(c);
            CHECK_EQ(rd32(m + (t ^ 1u) * ss), 0);
        }
    g_iter = -1;
}

static void test_edit_one_valid_at_rest(void **state)
{
    (void)state;
    g_ctx = "at rest ed_ab";
    edit_at_rest(&ed_ab);
    g_ctx = "at rest ed7_ab";
    edit_at_rest(&ed7_ab);
    g_ctx = "at rest er0_ab";
    edit_at_rest(&er0_ab);
    g_ctx = "at rest ed8_ab";
    edit_at_rest(&ed8_ab);
}

/* ---- Misused edits: refused, nothing written ----------------------------------- */

/* Every byte of persistent memory this file uses, and the store counter. */
static uint8_t *const all_mem[] = {m_s.b, m_ab.b, m7_s.b, m7_ab.b, m8.b, rg0_mem.b, rg4_mem.b,
                                   rg1_mem.b};
static uint8_t all_snap[sizeof all_mem / sizeof all_mem[0]][128];
static uint64_t all_snap_stores;

static void snap_all(void)
{
    size_t i;
    for (i = 0; i < sizeof all_mem / sizeof all_mem[0]; i++)
        memcpy(all_snap[i], all_mem[i], 128);
    all_snap_stores = pram_test_stores;
}

static void check_all_unchanged(const char *call, int line)
{
    size_t i;
    if (pram_test_stores != all_snap_stores)
        fail_msg("[%s] line %d: %s stored %d word(s)", g_ctx, line, call,
                 (int)(pram_test_stores - all_snap_stores));
    for (i = 0; i < sizeof all_mem / sizeof all_mem[0]; i++)
        if (memcmp(all_snap[i], all_mem[i], 128) != 0)
            fail_msg("[%s] line %d: %s changed persistent memory (area %d)", g_ctx, line, call,
                     (int)i);
}

/* The call returns PRAM_ERR_SCOPE and leaves all memory byte-identical. */
#define REFUSED(call)                                   \
    do {                                                \
        int rc_;                                        \
        snap_all();                                     \
        rc_ = (call);                                   \
        if (rc_ != PRAM_ERR_SCOPE)                      \
            fail_msg("[%s] line %d: %s returned %s", g_ctx, __LINE__, #call, pram_strerror(rc_)); \
        check_all_unchanged(#call, __LINE__);           \
    } while (0)

/* The open edit e (begun on cell c) with each field a caller could damage
 * damaged in turn, committed through every entry point: all refused. */
static void damaged_copies_refused(const pram_cell_t *c, const pram_edit_t *e,
                                   const pram_cell_t *same_mode_other)
{
    static const uint8_t states[] = {0x00u, 0xFFu, PRAM__EDIT_DONE, PRAM__EDIT_ABORTED,
                                     PRAM__EDIT_OPEN ^ 1u, PRAM__EDIT_IDLE};
    static const uint8_t slots_ab[] = {2u, 3u, 0x80u, 0xFFu};
    pram_edit_t d;
    size_t i;
    uint8_t *other_slot_value = (uint8_t *)cell_mem(c) + (e->slot ^ 1u) * c->slot_size + c->value_offset;
    /* Opened on another cell of the same mode: its commit refuses it.  With
     * the cell field rewritten to name it, the slot/value check does, when
     * the other cell's storage is elsewhere (a descriptor of the very same
     * storage and geometry, e.g. another schema's, would find the edit's
     * slot and pointer to be its own: nothing tells them apart). */
    d = *e;
    REFUSED(pram__edit_commit_on(same_mode_other, &d));
    if (cell_mem(same_mode_other) != cell_mem(c)) {
        d.cell = same_mode_other;
        REFUSED(pram_cell_edit_commit(&d));
        REFUSED(pram__edit_commit_on(same_mode_other, &d));
    }
    /* Slot index out of range for the cell (or the other slot). */
    for (i = 0; i < sizeof slots_ab; i++) {
        d = *e;
        d.slot = slots_ab[i];
        REFUSED(pram_cell_edit_commit(&d));
        REFUSED(pram__edit_commit_on(c, &d));
    }
    /* ... with the value pointer where that slot's value would be (past
     * the cell's storage, inside this file's memory): only the range check
     * stands in the way. */
    for (i = c->mode == PRAM_AB ? 2u : 1u; i < 4u; i++) {
        d = *e;
        d.slot = (uint8_t)i;
        d.value = cell_mem(c) + i * c->slot_size + c->value_offset;
        REFUSED(pram_cell_edit_commit(&d));
        REFUSED(pram__edit_commit_on(c, &d));
    }
    d = *e;
    d.slot = 1u;
    if (c->mode == PRAM_SINGLE) {
        REFUSED(pram_cell_edit_commit(&d));
    } else {
        d.slot = (uint8_t)(e->slot ^ 1u);
        REFUSED(pram_cell_edit_commit(&d)); /* value pointer is not that slot's */
    }
    /* Value pointer not the one begin handed out. */
    d = *e;
    d.value = NULL;
    REFUSED(pram_cell_edit_commit(&d));
    d.value = (uint8_t *)e->value + 4;
    REFUSED(pram_cell_edit_commit(&d));
    d.value = (uint8_t *)e->value - 4;
    REFUSED(pram_cell_edit_commit(&d));
    d.value = (uint8_t *)e->value + 1;
    REFUSED(pram_cell_edit_commit(&d));
    d.value = cell_mem(same_mode_other) + same_mode_other->value_offset;
    if (d.value != e->value)
        REFUSED(pram_cell_edit_commit(&d));
    if (c->mode == PRAM_AB) {
        d.value = other_slot_value;
        REFUSED(pram_cell_edit_commit(&d));
        d.slot = (uint8_t)(e->slot ^ 1u); /* and both: the other slot's own value */
        d.value = (uint8_t *)e->value;
        REFUSED(pram_cell_edit_commit(&d));
    }
    /* State not open: garbage, done, aborted, idle. */
    for (i = 0; i < sizeof states; i++) {
        d = *e;
        d.state = states[i];
        REFUSED(pram_cell_edit_commit(&d));
        REFUSED(pram__edit_commit_on(c, &d));
        REFUSED(pram_cell_edit_abort(&d));
    }
    /* Aborted (a copy): then commit is refused too. */
    d = *e;
    CHECK_EQ(pram_cell_edit_abort(&d), PRAM_OK);
    CHECK_EQ(d.result, PRAM_EDIT_ABORTED);
    REFUSED(pram_cell_edit_commit(&d));
    REFUSED(pram__edit_commit_on(c, &d));
    REFUSED(pram_cell_edit_abort(&d));
}

static void test_edit_misuse(void **state)
{
    ed_ab_edit_t ta;
    ed_s_edit_t ts, tcopy;
    ed7_ab_edit_t t7;
    ed2_ab_edit_t t2;
    pram_edit_t e;
    rec_t want;
    (void)state;
    g_ctx = "misuse";
    reset(&ed_ab, 0);
    reset(&ed_s, 0);
    reset(&ed7_ab, 0);
    reset(&ed7_s, 0);
    reset(&er0_ab, 0);
    CHECK_EQ(ed_ab_set(&v0), PRAM_OK);
    CHECK_EQ(ed_s_set(&v0), PRAM_OK);
    CHECK_EQ(er0_ab_set(&v1), PRAM_OK);
    {
        odd7_t a = {{1, 2, 3, 4, 5, 6, 7}};
        CHECK_EQ(ed7_ab_set(&a), PRAM_OK);
        CHECK_EQ(ed7_s_set(&a), PRAM_OK);
    }

    /* An A/B cell's open edit, committed through the typed commit of a
     * single-slot cell (the same fields in that cell's typed edit), or of
     * the single-slot cell with its cell field rewritten: refused. */
    CHECK_EQ(ed_ab_edit_begin(&ta, PRAM_EDIT_KEEP), PRAM_OK);
    CHECK_EQ(ta.edit.slot, 1);
    ta.value->a = 0x600DF00Du;
    want = v0;
    want.a = 0x600DF00Du;
    tcopy.value = ta.value;
    tcopy.edit = ta.edit;
    REFUSED(ed_s_edit_commit(&tcopy));
    REFUSED(pram__edit_commit_on(&ed_s, &ta.edit));
    tcopy.value = ta.value;
    tcopy.edit.cell = &ed_s; /* slot 1: out of range for a single-slot cell */
    REFUSED(ed_s_edit_commit(&tcopy));
    REFUSED(pram_cell_edit_commit(&tcopy.edit));
    tcopy.edit.slot = 0u; /* in range, but the value pointer is ed_ab's */
    REFUSED(ed_s_edit_commit(&tcopy));
    REFUSED(pram_cell_edit_commit(&tcopy.edit));
    /* The same storage under another schema (another descriptor): refused. */
    t2.value = ta.value;
    t2.edit = ta.edit;
    REFUSED(ed2_ab_edit_commit(&t2));
    /* The typed abort of another cell refuses it, and leaves it open. */
    tcopy.value = ta.value;
    tcopy.edit = ta.edit;
    REFUSED(ed_s_edit_abort(&tcopy));
    CHECK_EQ(tcopy.edit.state, PRAM__EDIT_OPEN);
    t7.value = NULL;
    t7.edit = ta.edit;
    REFUSED(ed7_ab_edit_abort(&t7));
    CHECK_EQ(t7.edit.state, PRAM__EDIT_OPEN);
    /* Every damaged copy; another A/B cell of the same type (in a region)
     * and of another type. */
    damaged_copies_refused(&ed_ab, &ta.edit, &er0_ab);
    damaged_copies_refused(&ed_ab, &ta.edit, &ed7_ab);
    /* Through it all the cell kept reading its old value; the real edit
     * still commits. */
    must_read(&ed_ab, &v0);
    CHECK_EQ(ed_ab_edit_commit(&ta), PRAM_OK);
    must_read(&ed_ab, &want);
    check_one_at_rest(&ed_ab);
    REFUSED(ed_ab_edit_commit(&ta));
    REFUSED(pram_cell_edit_commit(&ta.edit));

    /* A single-slot cell's open edit, through the A/B cell's typed commit
     * and every damaged copy. */
    CHECK_EQ(ed_s_edit_begin(&ts, PRAM_EDIT_ZERO), PRAM_OK);
    CHECK_EQ(ts.edit.slot, 0);
    ts.value->b = 0x5151u;
    ta.value = ts.value;
    ta.edit = ts.edit;
    REFUSED(ed_ab_edit_commit(&ta));
    ta.edit.cell = &ed_ab; /* slot 0 is in range; the value pointer is not ed_ab's */
    REFUSED(ed_ab_edit_commit(&ta));
    REFUSED(pram_cell_edit_commit(&ta.edit));
    damaged_copies_refused(&ed_s, &ts.edit, &ed7_s);
    damaged_copies_refused(&ed_s, &ts.edit, &ed2_s);
    must_be_invalid(&ed_s); /* open: single-slot reads invalid */
    CHECK_EQ(ed_s_edit_commit(&ts), PRAM_OK);
    want = zero_rec;
    want.b = 0x5151u;
    must_read(&ed_s, &want);

    /* An edit on an A/B cell in a region (ordinary memory), generic API. */
    CHECK_EQ(pram_cell_edit_begin(&er0_ab, &e, PRAM_EDIT_KEEP), PRAM_OK);
    ((rec_t *)e.value)->a = 0xE0E0E0E0u;
    damaged_copies_refused(&er0_ab, &e, &ed_ab);
    must_read(&er0_ab, &v1);
    CHECK_EQ(pram_cell_edit_commit(&e), PRAM_OK);
    want = v1;
    want.a = 0xE0E0E0E0u;
    must_read(&er0_ab, &want);
    check_one_at_rest(&er0_ab);

    /* Abort, then commit: refused (typed and generic). */
    CHECK_EQ(ed_ab_edit_begin(&ta, PRAM_EDIT_ZERO), PRAM_OK);
    CHECK_EQ(ed_ab_edit_abort(&ta), PRAM_OK);
    CHECK_EQ(ta.edit.result, PRAM_EDIT_ABORTED);
    REFUSED(ed_ab_edit_commit(&ta));
    REFUSED(pram_cell_edit_commit(&ta.edit));
    want = v0;
    want.a = 0x600DF00Du;
    must_read(&ed_ab, &want);
}

/* PRAM_EDIT_ABORT aborts, clears var.value and leaves the innermost loop
 * through `continue` (here a do/while of our own stands in for the scope's
 * for loop, so that var can be inspected afterwards). */
static void test_abort_macro(void **state)
{
    ed_ab_edit_t te;
    int loops = 0, after = 0;
    uint64_t s0;
    (void)state;
    g_ctx = "abort macro";
    reset(&ed_ab, 0);
    CHECK_EQ(ed_ab_set(&v0), PRAM_OK);
    CHECK_EQ(ed_ab_edit_begin(&te, PRAM_EDIT_KEEP), PRAM_OK);
    CHECK(te.value != NULL);
    te.value->a = 99u;
    s0 = pram_test_stores;
    do {
        loops++;
        if (yes)
            PRAM_EDIT_ABORT(te);
        after++;
    } while (0);
    CHECK_EQ(loops, 1);
    CHECK_EQ(after, 0);
    CHECK_EQ(pram_test_stores, s0);
    CHECK(te.value == NULL);
    CHECK(te.edit.value == NULL);
    CHECK_EQ(te.edit.result, PRAM_EDIT_ABORTED);
    CHECK_EQ(ed_ab_edit_abort(&te), PRAM_ERR_SCOPE);
    CHECK_EQ(ed_ab_edit_commit(&te), PRAM_ERR_SCOPE);
    must_read(&ed_ab, &v0);
    CHECK_EQ(magic_slots(&ed_ab), 1);
}

/* ---- Power cuts during begin and commit -------------------------------------- */

typedef struct {
    const pram_cell_t *cell;
    pram_edit_t ed;
    unsigned flags;
    const void *value;
    int rc;
} edit_ctx_t;

static void do_begin(void *p)
{
    edit_ctx_t *x = (edit_ctx_t *)p;
    x->rc = pram_cell_edit_begin(x->cell, &x->ed, x->flags);
}

static void do_commit(void *p)
{
    edit_ctx_t *x = (edit_ctx_t *)p;
    x->rc = pram_cell_edit_commit(&x->ed);
}

static void do_set(void *p)
{
    edit_ctx_t *x = (edit_ctx_t *)p;
    x->rc = pram_cell_set(x->cell, x->value, x->cell->size);
}

/* The whole scope, as a caller writes it. */
static void do_scope_ed_s(void *p)
{
    edit_ctx_t *x = (edit_ctx_t *)p;
    PRAM_EDIT(ed_s, e, x->rc) { *e.value = *(const rec_t *)x->value; }
}

static void do_scope_ed_ab(void *p)
{
    edit_ctx_t *x = (edit_ctx_t *)p;
    PRAM_EDIT(ed_ab, e, x->rc) { *e.value = *(const rec_t *)x->value; }
}

static void do_scope_ed7_ab_zeroed(void *p)
{
    edit_ctx_t *x = (edit_ctx_t *)p;
    PRAM_EDIT_ZEROED(ed7_ab, e, x->rc) { *e.value = *(const odd7_t *)x->value; }
}

/* After a reset: old value kept (A/B with a previous value), the new one
 * only if the final store fully landed, invalid otherwise; never anything
 * else.  Then a fresh edit works. */
static void check_after_cut(const pram_cell_t *c, const void *old, const void *nv, int complete)
{
    uint8_t got[64], sent[64];
    int rc;
    memset(got, 0x5A, sizeof got);
    memset(sent, 0x5A, sizeof sent);
    rc = pram_cell_get(c, got, c->size);
    CHECK_EQ(pram_cell_status(c), rc);
    if (complete) {
        CHECK_EQ(rc, PRAM_OK);
        CHECK_MEM(got, nv, c->size);
    } else if (c->mode == PRAM_AB && old) {
        CHECK_EQ(rc, PRAM_OK);
        CHECK_MEM(got, old, c->size);
    } else {
        CHECK_EQ(rc, PRAM_ERR_INVALID);
        CHECK_MEM(got, sent, sizeof got);
    }
}

static void recover(const pram_cell_t *c, const void *v)
{
    pram_edit_t ed;
    CHECK_EQ(pram_cell_edit_begin(c, &ed, PRAM_EDIT_ZERO), PRAM_OK);
    memcpy(ed.value, v, c->size);
    CHECK_EQ(pram_cell_edit_commit(&ed), PRAM_OK);
    must_read(c, v);
}

/* Pre-states of the cut tests (A/B; single-slot cells just hold `old`). */
enum { PRE_NONE, PRE_ONE, PRE_BOTH };

/* PRE_ONE: `old` committed over `other` (one valid slot, the other
 * retired).  PRE_BOTH: `old` set over `other` but cut between its commit
 * and its retire: both slots valid, `old` newer. */
static void prepare_pre(const pram_cell_t *c, const void *old, const void *other, int pre)
{
    reset(c, 0);
    if (pre == PRE_NONE)
        return;
    CHECK_EQ(pram_cell_set(c, other, c->size), PRAM_OK);
    if (pre == PRE_BOTH && c->mode == PRAM_AB) {
        edit_ctx_t y;
        y.cell = c, y.value = old;
        CHECK_EQ(run_cut(do_set, &y, value_words(c->size) + 4u, 0), 1);
        CHECK_EQ(valid_slots(c), 2);
    } else {
        CHECK_EQ(pram_cell_set(c, old, c->size), PRAM_OK);
    }
    must_read(c, old);
}

static void cut_begin_commit(const pram_cell_t *c, const void *old, const void *nv,
                             const void *other, unsigned flags, int pre)
{
    static uint8_t snap[256];
    size_t len = pram_cell_storage_size(c), n, t, w = value_words(c->size);
    size_t nbegin, ncommit;
    edit_ctx_t x;
    if (!old)
        pre = PRE_NONE;
    prepare_pre(c, old, other, pre);
    memcpy(snap, cell_mem(c), len);
    /* Stores of begin: target magic<-0, then the zeroing or A/B copy (no
     * store to the other slot, whatever the prior state). */
    nbegin = 1u + ((flags & PRAM_EDIT_ZERO) || c->mode == PRAM_AB ? w : 0u);
    /* Stores of commit: layout, seal, magic (the commit point, store 3);
     * A/B then retires the other slot. */
    ncommit = c->mode == PRAM_AB ? 4u : 3u;
    x.cell = c, x.flags = flags;
    for (n = 1; n <= nbegin + 1; n++)
        for (t = 0; t < NTEARS; t++) {
            g_iter = (long)(n * 10 + t);
            memcpy(cell_mem(c), snap, len);
            CHECK_EQ(run_cut(do_begin, &x, n, tears[t]), n <= nbegin);
            if (n > nbegin) {
                CHECK_EQ(x.rc, PRAM_OK);
                /* Open, not cut: exactly as during a reset with it open. */
            }
            check_after_cut(c, old, nv, 0);
            recover(c, nv);
            check_one_at_rest(c);
        }
    for (n = 1; n <= ncommit + 1; n++)
        for (t = 0; t < NTEARS; t++) {
            int done = n > 3 || (n == 3 && tears[t] == 0);
            g_iter = (long)(1000 + n * 10 + t);
            memcpy(cell_mem(c), snap, len);
            CHECK_EQ(pram_cell_edit_begin(c, &x.ed, flags), PRAM_OK);
            memcpy(x.ed.value, nv, c->size);
            CHECK_EQ(run_cut(do_commit, &x, n, tears[t]), n <= ncommit);
            check_after_cut(c, old, nv, done);
            if (c->mode == PRAM_AB && n == 3 && tears[t] == 0)
                /* Between commit and retire: the previous value's slot is
                 * still valid too; the edited one is newer and read. */
                CHECK_EQ(valid_slots(c), old ? 2 : 1);
            if (done && n > 3)
                check_one_at_rest(c);
            recover(c, other);
            check_one_at_rest(c);
        }
    g_iter = -1;
}

static void test_power_cut_begin_commit(void **state)
{
    odd7_t a = {{1, 2, 3, 4, 5, 6, 7}}, b = {{9, 8, 7, 6, 5, 4, 3}}, o = {{0x55, 0, 0, 0, 0, 0, 0x66}};
    rec_t other = {0xDEADBEEFu, 0xFFFFu, {1, 1, 1, 1, 1, 1}};
    (void)state;
    g_ctx = "cut ed_s keep";
    cut_begin_commit(&ed_s, &v0, &v1, &other, PRAM_EDIT_KEEP, PRE_ONE);
    g_ctx = "cut ed_s zero";
    cut_begin_commit(&ed_s, &v0, &v1, &other, PRAM_EDIT_ZERO, PRE_ONE);
    g_ctx = "cut ed_s zero from invalid";
    cut_begin_commit(&ed_s, NULL, &v1, &other, PRAM_EDIT_ZERO, PRE_NONE);
    g_ctx = "cut ed_ab keep";
    cut_begin_commit(&ed_ab, &v0, &v1, &other, PRAM_EDIT_KEEP, PRE_ONE);
    g_ctx = "cut ed_ab keep, both valid";
    cut_begin_commit(&ed_ab, &v0, &v1, &other, PRAM_EDIT_KEEP, PRE_BOTH);
    g_ctx = "cut ed_ab zero";
    cut_begin_commit(&ed_ab, &v0, &v1, &other, PRAM_EDIT_ZERO, PRE_ONE);
    g_ctx = "cut ed_ab zero, both valid";
    cut_begin_commit(&ed_ab, &v0, &v1, &other, PRAM_EDIT_ZERO, PRE_BOTH);
    g_ctx = "cut ed_ab zero from invalid";
    cut_begin_commit(&ed_ab, NULL, &v1, &other, PRAM_EDIT_ZERO, PRE_NONE);
    g_ctx = "cut ed7_s keep";
    cut_begin_commit(&ed7_s, &a, &b, &o, PRAM_EDIT_KEEP, PRE_ONE);
    g_ctx = "cut ed7_ab keep";
    cut_begin_commit(&ed7_ab, &a, &b, &o, PRAM_EDIT_KEEP, PRE_ONE);
    g_ctx = "cut ed7_ab keep, both valid";
    cut_begin_commit(&ed7_ab, &a, &b, &o, PRAM_EDIT_KEEP, PRE_BOTH);
    g_ctx = "cut er0_ab keep";
    cut_begin_commit(&er0_ab, &v0, &v1, &other, PRAM_EDIT_KEEP, PRE_ONE);
}

/* Power cut anywhere in a whole PRAM_EDIT scope (begin, body, commit):
 * `commit` is the store number of the commit point, `total` all stores. */
static void cut_scope(const pram_cell_t *c, op_fn scope, const void *old, const void *nv,
                      size_t commit, size_t total)
{
    static uint8_t snap[256];
    size_t len = pram_cell_storage_size(c), n, t;
    edit_ctx_t x;
    reset(c, 0);
    CHECK_EQ(pram_cell_set(c, old, c->size), PRAM_OK);
    memcpy(snap, cell_mem(c), len);
    x.cell = c, x.value = nv;
    for (n = 1; n <= total + 1; n++)
        for (t = 0; t < NTEARS; t++) {
            int done = n > commit || (n == commit && tears[t] == 0);
            g_iter = (long)(n * 10 + t);
            memcpy(cell_mem(c), snap, len);
            x.rc = 12345;
            CHECK_EQ(run_cut(scope, &x, n, tears[t]), n <= total);
            if (n > total) {
                CHECK_EQ(x.rc, PRAM_OK);
                check_one_at_rest(c);
            }
            check_after_cut(c, old, nv, done);
            if (c->mode == PRAM_AB && n == commit && tears[t] == 0)
                CHECK_EQ(valid_slots(c), 2);
            recover(c, old);
        }
    g_iter = -1;
}

static void test_power_cut_scope(void **state)
{
    odd7_t a = {{1, 2, 3, 4, 5, 6, 7}}, b = {{9, 8, 7, 6, 5, 4, 3}};
    (void)state;
    /* single KEEP: magic<-0, then layout, seal, magic */
    g_ctx = "scope cut ed_s";
    cut_scope(&ed_s, do_scope_ed_s, &v0, &v1, 1 + 3, 1 + 3);
    /* A/B KEEP: magic<-0, 3 copied words, layout, seal, magic, retire */
    g_ctx = "scope cut ed_ab";
    cut_scope(&ed_ab, do_scope_ed_ab, &v0, &v1, 1 + 3 + 3, 1 + 3 + 3 + 1);
    /* A/B ZERO, 7 bytes: magic<-0, 2 zeroed words, layout, seal, magic, retire */
    g_ctx = "scope cut ed7_ab";
    cut_scope(&ed7_ab, do_scope_ed7_ab_zeroed, &a, &b, 1 + 2 + 3, 1 + 2 + 3 + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ed_s_scope_all),
        cmocka_unit_test(ed_ab_scope_all),
        cmocka_unit_test(er0_ab_scope_all),
        cmocka_unit_test(ed_s_scope_abort_test),
        cmocka_unit_test(ed_ab_scope_abort_test),
        cmocka_unit_test(er0_ab_scope_abort_test),
        cmocka_unit_test(test_explicit_api),
        cmocka_unit_test(test_typed_explicit),
        cmocka_unit_test(test_edit_regions_and_alignment),
        cmocka_unit_test(test_edit_one_valid_at_rest),
        cmocka_unit_test(test_abort_macro),
        cmocka_unit_test(test_edit_misuse),
        cmocka_unit_test(test_power_cut_begin_commit),
        cmocka_unit_test(test_power_cut_scope),
    };
    return cmocka_run_group_tests_name("edit", tests, NULL, NULL);
}
