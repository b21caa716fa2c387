/* Power-loss campaign, store level (issue 3, part 1, and the figures of part 4).
 *
 * Every operation of the core is run once without a cut to count its stores
 * S; then, for every N in 1..S and every tear mask, the pre-operation memory
 * image is restored, the operation runs with a power cut after store N (that
 * store landing whole or torn: only the bytes in the mask are new), the cut is
 * caught with setjmp and the same memory is "rebooted": cells re-validated,
 * buffers reopened through a fresh handle and iterated.  The result is checked
 * against a reference model of what was committed:
 *   - nothing reads valid with bytes that were never committed (garbage), nor
 *     with a committed value other than the old or the new one (stale);
 *   - A/B cells read old or new, never invalid once a value was committed;
 *     single-slot cells read old, new or invalid;
 *   - buffers keep every record committed before the operation, in order;
 *     the interrupted record is whole or absent; a cut clear keeps all or none;
 *   - a second operation after the reboot works and reads back;
 *   - no store lands outside the container (guard words around each one).
 * Then multi-step scenarios: a fixed sequence of mixed operations is run
 * with one cut at every store of the whole sequence, littlefs-style "linear"
 * (cut after 1 store, reboot, redo the interrupted step, cut after 2, ...),
 * and with random cut schedules; the final state must equal the uncut run's.
 *
 * Prints a table (operation, mode, sizes, cut points, violations) at the end.
 * PRAM_POWERLOSS_LONG=1 enlarges the campaign (all sizes, more seeds).
 */
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
#include "pram_cell_internal.h"
#include "power_cut.h"
#include "test_support.h"

#if defined(__GNUC__)
#  define PL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define PL_PRINTF(a, b)
#endif

#define GUARD_WORDS 4u
#define GUARD_WORD 0xA5C3F00Du
#define CELL_MAX 4080u
#define MAX_IMG_WORDS 4096u
#define MAX_RECS 96u
#define MAX_HIST 16u
#define MAX_PRINT 40ul

static int g_long;
static const unsigned tears[] = {0x0u, 0x1u, 0x3u, 0x7u, 0x8u, 0xEu};
#define NTEARS (sizeof tears / sizeof tears[0])

/* ------------------------------------------------------------------------ */
/* Figures                                                                   */
/* ------------------------------------------------------------------------ */

enum {
    ROW_SET_S, ROW_SET_AB, ROW_INV_S, ROW_INV_AB, ROW_TSET_S, ROW_TSET_AB, ROW_TINV_S,
    ROW_TINV_AB, ROW_KEEP_S, ROW_KEEP_AB, ROW_ZERO_S,
    ROW_ZERO_AB, ROW_APP_SMALL, ROW_APP_LARGE, ROW_APP_FIT, ROW_CLEAR, ROW_CLEAR_WRAP,
    ROW_FORMAT, ROW_REPAIR, ROW_SEQ_EACH, ROW_SEQ_LINEAR, ROW_SEQ_RANDOM, ROW_COUNT
};

typedef struct {
    const char *op;
    const char *mode;
    unsigned nsizes;
    uint32_t sizes[32];
    unsigned long cuts;
    unsigned long violations;
} row_t;

static row_t rows[ROW_COUNT] = {
    {"cell set", "single", 0, {0}, 0, 0},
    {"cell set", "A/B", 0, {0}, 0, 0},
    {"cell invalidate", "single", 0, {0}, 0, 0},
    {"cell invalidate", "A/B", 0, {0}, 0, 0},
    {"typed set", "single", 0, {0}, 0, 0},
    {"typed set", "A/B", 0, {0}, 0, 0},
    {"typed invalidate", "single", 0, {0}, 0, 0},
    {"typed invalidate", "A/B", 0, {0}, 0, 0},
    {"edit commit KEEP", "single", 0, {0}, 0, 0},
    {"edit commit KEEP", "A/B", 0, {0}, 0, 0},
    {"edit commit ZERO", "single", 0, {0}, 0, 0},
    {"edit commit ZERO", "A/B", 0, {0}, 0, 0},
    {"buf append small", "-", 0, {0}, 0, 0},
    {"buf append large", "-", 0, {0}, 0, 0},
    {"buf append exact fit", "-", 0, {0}, 0, 0},
    {"buf clear", "-", 0, {0}, 0, 0},
    {"buf clear epoch wrap", "-", 0, {0}, 0, 0},
    {"buf open format", "-", 0, {0}, 0, 0},
    {"buf open cut-off fix", "-", 0, {0}, 0, 0},
    {"sequence, cut each", "mixed", 0, {0}, 0, 0},
    {"sequence, linear", "mixed", 0, {0}, 0, 0},
    {"sequence, random", "mixed", 0, {0}, 0, 0},
};

static void note_size(int row, uint32_t size)
{
    row_t *r = &rows[row];
    unsigned i;
    for (i = 0; i < r->nsizes; i++)
        if (r->sizes[i] == size)
            return;
    if (r->nsizes < sizeof r->sizes / sizeof r->sizes[0])
        r->sizes[r->nsizes++] = size;
}

/* Where we are, for violation messages. */
static struct {
    int row;
    const char *obj;
    unsigned size;
    const char *pre;
    uint64_t n;     /* cut after this store (0: no cut) */
    unsigned tear;
    unsigned extra; /* step index / seed, -1u if none */
    int flagged;    /* this trial already counted as violating */
} cx;

static unsigned long msgs;

static void PL_PRINTF(1, 2) violation(const char *fmt, ...)
{
    va_list ap;
    if (!cx.flagged) {
        rows[cx.row].violations++;
        cx.flagged = 1;
    }
    if (msgs++ >= MAX_PRINT)
        return;
    printf("VIOLATION [%s/%s] %s size %u pre=%s cut=%llu tear=0x%X", rows[cx.row].op,
           rows[cx.row].mode, cx.obj ? cx.obj : "?", cx.size, cx.pre ? cx.pre : "-",
           (unsigned long long)cx.n, cx.tear);
    if (cx.extra != ~0u)
        printf(" step/seed=%u", cx.extra);
    printf(": ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* A check of the uncut reference run: counts as a violation, not a cut. */
static void begin_check(uint64_t n, unsigned tear)
{
    cx.n = n;
    cx.tear = tear;
    cx.flagged = 0;
}

static void begin_trial(uint64_t n, unsigned tear)
{
    begin_check(n, tear);
    rows[cx.row].cuts++;
}

/* Power cuts: run_cut() in tests/support/power_cut.c; the operations run
 * under it (cell_op, buf_op, q_body) keep their state in globals. */

/* ------------------------------------------------------------------------ */
/* Memory, guards, images                                                    */
/* ------------------------------------------------------------------------ */

static uint32_t img_pre[MAX_IMG_WORDS];

static void mem_reset(uint32_t *mem, uint32_t words)
{
    uint32_t i;
    for (i = 0; i < words; i++)
        mem[i] = (i < GUARD_WORDS || i >= words - GUARD_WORDS) ? GUARD_WORD : 0u;
}

static void mem_garbage(uint32_t *mem, uint32_t words, uint64_t seed)
{
    test_fill_random(&mem[GUARD_WORDS], (size_t)(words - 2u * GUARD_WORDS) * 4u, &seed);
}

static int guards_ok(const uint32_t *mem, uint32_t words)
{
    uint32_t i;
    for (i = 0; i < GUARD_WORDS; i++)
        if (mem[i] != GUARD_WORD || mem[words - 1u - i] != GUARD_WORD)
            return 0;
    return 1;
}

static void save_img(const uint32_t *mem, uint32_t words)
{
    assert_true(words <= MAX_IMG_WORDS);
    memcpy(img_pre, mem, (size_t)words * 4u);
}

static void restore_img(uint32_t *mem, uint32_t words)
{
    memcpy(mem, img_pre, (size_t)words * 4u);
}

/* Values: byte 0 is the tag, so values with different tags always differ. */
static void make_value(uint8_t *dst, uint32_t len, unsigned tag)
{
    uint64_t s = 0x5EED0000ull ^ ((uint64_t)tag << 40) ^ ((uint64_t)len << 8);
    test_fill_random(dst, len, &s);
    dst[0] = (uint8_t)tag;
}

static void make_payload(uint8_t *dst, uint32_t len, unsigned tag)
{
    uint64_t s = 0xC0FFEE00ull ^ ((uint64_t)tag << 36) ^ ((uint64_t)len << 4);
    if (!len)
        return;
    test_fill_random(dst, len, &s);
    dst[0] = (uint8_t)tag;
}

/* What the edit bodies do to the value in place. */
static void keep_body(uint8_t *p, uint32_t len, unsigned tag)
{
    uint32_t i;
    p[0] = (uint8_t)tag;
    for (i = 2; i < len; i += 2)
        p[i] ^= 0x5Au;
}

static void zero_body(uint8_t *p, uint32_t len, unsigned tag)
{
    uint32_t i;
    p[0] = (uint8_t)tag;
    for (i = 1; i < len; i += 3)
        p[i] = (uint8_t)(i * 7u + tag);
}

/* ------------------------------------------------------------------------ */
/* Cells under test                                                          */
/* ------------------------------------------------------------------------ */

/* A cell, with its typed calls behind untyped pointers: for cells declared
 * with PRAM_CELL_DECLARE_AT these are compiled at the call site from the
 * declaration, without the descriptor, so they are cut and checked too. */
typedef struct {
    int (*set)(const void *value);
    int (*invalidate)(void);
    int (*get)(void *out);
    int (*status)(void);
} typed_ops_t;

typedef struct {
    const pram_cell_t *cell;
    uint32_t *mem; /* guard words, slots, guard words */
    uint32_t words;
    uint16_t size;
    uint8_t mode;
    uint8_t dflt; /* part of the default campaign */
    const typed_ops_t *typed;
} cell_ent_t;

#define TYPED_OPS(c, T)                                                          \
    static int c##_tset(const void *v) { return c##_set((const T *)v); }         \
    static int c##_tinv(void) { return c##_invalidate(); }                       \
    static int c##_tget(void *out) { return c##_get((T *)out); }                 \
    static int c##_tstatus(void) { return c##_status(); }                        \
    static const typed_ops_t c##_typed = {c##_tset, c##_tinv, c##_tget, c##_tstatus};

/* size, in the default campaign */
#define CELL_SIZES(X)                                                                            \
    X(1, 1) X(2, 0) X(3, 1) X(4, 1) X(5, 0) X(7, 1) X(8, 0) X(12, 1) X(13, 0) X(33, 1) X(64, 0) \
    X(100, 0) X(255, 0) X(256, 1) X(1000, 0) X(4080, 0)

#define DECL_CELLS(n, d)                                                             \
    typedef struct {                                                                 \
        uint8_t b[n];                                                                \
    } val##n##_t;                                                                    \
    PRAM_CELL_DECLARE_AT(cs##n, val##n##_t, 7, PRAM_SINGLE);                         \
    PRAM_CELL_DECLARE_AT(ca##n, val##n##_t, 7, PRAM_AB);                             \
    static uint32_t cs##n##_mem[2u * GUARD_WORDS + PRAM_CELL_SIZE(cs##n) / 4u];      \
    static uint32_t ca##n##_mem[2u * GUARD_WORDS + PRAM_CELL_SIZE(ca##n) / 4u];      \
    PRAM_CELL_DEFINE_AT(cs##n, &cs##n##_mem[GUARD_WORDS]);                           \
    PRAM_CELL_DEFINE_AT(ca##n, &ca##n##_mem[GUARD_WORDS]);                           \
    TYPED_OPS(cs##n, val##n##_t)                                                     \
    TYPED_OPS(ca##n, val##n##_t)
CELL_SIZES(DECL_CELLS)

#define CELL_ENT(n, d)                                                                         \
    {&cs##n, cs##n##_mem, (uint32_t)(sizeof cs##n##_mem / 4u), n, PRAM_SINGLE, d, &cs##n##_typed}, \
        {&ca##n, ca##n##_mem, (uint32_t)(sizeof ca##n##_mem / 4u), n, PRAM_AB, d, &ca##n##_typed},
static const cell_ent_t cells[] = {CELL_SIZES(CELL_ENT)};
#define NCELLS (sizeof cells / sizeof cells[0])

/* Values ever committed to the cell under test (reference model). */
static struct {
    unsigned n;
    uint8_t v[MAX_HIST][CELL_MAX];
} chist;

static void chist_add(const uint8_t *v, uint32_t len)
{
    assert_true(chist.n < MAX_HIST);
    memcpy(chist.v[chist.n++], v, len);
}

static int chist_find(const uint8_t *v, uint32_t len)
{
    unsigned i;
    for (i = 0; i < chist.n; i++)
        if (memcmp(chist.v[i], v, len) == 0)
            return (int)i;
    return -1;
}

enum { COP_SET, COP_INV, COP_KEEP, COP_ZERO };

enum { TAG_TORN = 9, TAG_NEW = 4, TAG_PROBE = 5, TAG_PROBE2 = 6, TAG_FILLER = 0x7E };

static const cell_ent_t *g_cell;
static int g_cop;
static int g_typed; /* set and invalidate through the cell's typed calls */
static int g_op_rc;
static int g_old_valid;
static uint8_t g_old[CELL_MAX], g_new[CELL_MAX], g_setv[CELL_MAX], g_read[CELL_MAX];

static void cell_op(void *unused)
{
    pram_edit_t e;
    const pram_cell_t *c = g_cell->cell;
    (void)unused;
    switch (g_cop) {
    case COP_SET:
        g_op_rc = g_typed ? g_cell->typed->set(g_setv) : pram_cell_set(c, g_setv, g_cell->size);
        break;
    case COP_INV:
        g_op_rc = g_typed ? g_cell->typed->invalidate() : pram_cell_invalidate(c);
        break;
    default:
        g_op_rc = pram_cell_edit_begin(c, &e, g_cop == COP_KEEP ? PRAM_EDIT_KEEP : PRAM_EDIT_ZERO);
        if (g_op_rc == PRAM_OK) {
            if (g_cop == COP_KEEP)
                keep_body((uint8_t *)e.value, g_cell->size, TAG_NEW);
            else
                zero_body((uint8_t *)e.value, g_cell->size, TAG_NEW);
            g_op_rc = pram_cell_edit_commit(&e);
        }
        break;
    }
}

/* Reads the cell; checks status, get and is_valid agree, and that the
 * typed calls read the same (status, and get: same code, same value; out
 * untouched on error).  Returns status. */
static int cell_read(const cell_ent_t *c, uint8_t *out)
{
    static uint8_t tout[CELL_MAX];
    int st = pram_cell_status(c->cell);
    int st2, valid, tst, tst2;
    memset(out, 0xEE, c->size);
    st2 = pram_cell_get(c->cell, out, c->size);
    valid = pram_cell_is_valid(c->cell);
    if (st2 != st || valid != (st == PRAM_OK))
        violation("status %s, get %s and is_valid %d disagree", pram_strerror(st), pram_strerror(st2),
                  valid);
    memset(tout, 0xEE, c->size);
    tst = c->typed->status();
    tst2 = c->typed->get(tout);
    if (tst != st || tst2 != st || memcmp(tout, out, c->size) != 0)
        violation("typed status %s, typed get %s (value %s) disagree with the generic %s",
                  pram_strerror(tst), pram_strerror(tst2),
                  memcmp(tout, out, c->size) ? "differs" : "same", pram_strerror(st));
    return st;
}

/* After a cut: the cell must read one of the allowed states. */
static void check_cell_state(int new_is_invalid)
{
    const cell_ent_t *c = g_cell;
    int st = cell_read(c, g_read);
    int k;
    if (!guards_ok(c->mem, c->words))
        violation("a store landed outside the cell's storage");
    if (st == PRAM_OK) {
        if (g_old_valid && memcmp(g_read, g_old, c->size) == 0)
            return;
        if (!new_is_invalid && memcmp(g_read, g_new, c->size) == 0)
            return;
        k = chist_find(g_read, c->size);
        if (k >= 0)
            violation("stale: reads committed value #%d (tag 0x%02X), neither the old nor the new one",
                      k, g_read[0]);
        else
            violation("garbage: reads valid with bytes never committed (byte0 0x%02X)", g_read[0]);
        return;
    }
    if (st != PRAM_ERR_INVALID) {
        violation("status %s after a cut", pram_strerror(st));
        return;
    }
    if (c->mode == PRAM_AB && g_old_valid && !new_is_invalid)
        violation("lost: A/B cell reads invalid although a value was committed before");
}

/* The second operation after a reboot: two sets, each must read back. */
static void probe_cell(void)
{
    const cell_ent_t *c = g_cell;
    unsigned tag;
    for (tag = TAG_PROBE; tag <= TAG_PROBE2; tag++) {
        int rc;
        make_value(g_setv, c->size, tag);
        rc = pram_cell_set(c->cell, g_setv, c->size);
        if (rc != PRAM_OK) {
            violation("second operation: set -> %s", pram_strerror(rc));
            return;
        }
        rc = cell_read(c, g_read);
        if (rc != PRAM_OK || memcmp(g_read, g_setv, c->size) != 0) {
            violation("second operation: set did not read back (%s)", pram_strerror(rc));
            return;
        }
    }
    if (!guards_ok(c->mem, c->words))
        violation("second operation: a store landed outside the cell's storage");
}

enum { PS_COLD, PS_GARBAGE, PS_ONE, PS_TWO, PS_THREE, PS_TORN, PS_LATE, PS_WRAP, PS_COUNT };
static const char *const ps_names[PS_COUNT] = {"cold-zero", "cold-garbage", "1 commit",
                                               "2 commits", "3 commits", "after torn set",
                                               "set cut before its last store", "seq wrap"};

static uint32_t *wrap_cache[NCELLS];

static void commit_tag(unsigned tag)
{
    int rc;
    make_value(g_old, g_cell->size, tag);
    rc = pram_cell_set(g_cell->cell, g_old, g_cell->size);
    if (rc != PRAM_OK)
        violation("pre-state: set -> %s", pram_strerror(rc));
    chist_add(g_old, g_cell->size);
    g_old_valid = 1;
}

/* Builds pre-state ps in the cell's memory and the model.  0: not applicable. */
static int cell_prestate(unsigned ci, int ps, int cop, unsigned seed)
{
    const cell_ent_t *c = &cells[ci];
    int st;
    g_cell = c;
    chist.n = 0;
    g_old_valid = 0;
    if (ps == PS_WRAP && c->mode != PRAM_AB)
        return 0;
    if (ps == PS_WRAP && !g_long && c->size > 64u)
        return 0; /* 65535 commits per cell: the long campaign does the big ones */
    mem_reset(c->mem, c->words);
    switch (ps) {
    case PS_COLD:
        break;
    case PS_GARBAGE:
        mem_garbage(c->mem, c->words, 0xBADull * (ci + 1u) + seed);
        break;
    case PS_ONE:
    case PS_TWO:
    case PS_THREE: {
        unsigned k;
        for (k = 1; k <= (unsigned)(ps - PS_ONE + 1); k++)
            commit_tag(k);
        break;
    }
    case PS_TORN:
        commit_tag(1);
        commit_tag(2);
        make_value(g_setv, c->size, TAG_TORN);
        g_cop = COP_SET;
        if (!run_cut(cell_op, NULL, 3, 0))
            violation("pre-state: set made fewer than 3 stores");
        if (c->mode == PRAM_SINGLE)
            g_old_valid = 0;
        break;
    case PS_LATE: {
        /* A set cut just before its last store: A/B, after the commit point
         * (both slots may hold a valid value); single-slot, before it. */
        uint64_t s0;
        commit_tag(1);
        save_img(c->mem, c->words);
        make_value(g_setv, c->size, 2);
        g_cop = COP_SET;
        s0 = pram_test_stores;
        cell_op(NULL);
        s0 = pram_test_stores - s0;
        restore_img(c->mem, c->words);
        if (s0 < 2u || !run_cut(cell_op, NULL, s0 - 1u, 0))
            violation("pre-state: set not cut");
        st = cell_read(c, g_read);
        if (st == PRAM_OK && memcmp(g_read, g_setv, c->size) == 0) {
            memcpy(g_old, g_setv, c->size); /* committed: the new current value */
            chist_add(g_old, c->size);
        } else if (c->mode == PRAM_SINGLE) {
            g_old_valid = 0;
        }
        break;
    }
    case PS_WRAP:
        if (!wrap_cache[ci]) {
            uint32_t k;
            make_value(g_setv, c->size, TAG_FILLER);
            for (k = 0; k < 65533u; k++)
                (void)pram_cell_set(c->cell, g_setv, c->size);
            chist.n = 0;
            commit_tag(1);
            commit_tag(2);
            wrap_cache[ci] = (uint32_t *)malloc((size_t)c->words * 4u);
            assert_non_null(wrap_cache[ci]);
            memcpy(wrap_cache[ci], c->mem, (size_t)c->words * 4u);
        }
        memcpy(c->mem, wrap_cache[ci], (size_t)c->words * 4u);
        chist.n = 0;
        make_value(g_old, c->size, TAG_FILLER);
        chist_add(g_old, c->size);
        make_value(g_old, c->size, 1);
        chist_add(g_old, c->size);
        make_value(g_old, c->size, 2);
        chist_add(g_old, c->size);
        g_old_valid = 1;
        break;
    default:
        return 0;
    }
    st = cell_read(c, g_read);
    if (g_old_valid ? (st != PRAM_OK || memcmp(g_read, g_old, c->size) != 0)
                    : st != PRAM_ERR_INVALID)
        violation("pre-state %s reads %s", ps_names[ps], pram_strerror(st));
    if (cop == COP_KEEP && !g_old_valid)
        return 0;
    return 1;
}

static void sweep_cells(int cop, int row_single, int row_ab)
{
    unsigned ci, nseeds = g_long ? 4u : 1u;
    for (ci = 0; ci < NCELLS; ci++) {
        const cell_ent_t *c = &cells[ci];
        int ps;
        if (!c->dflt && !g_long)
            continue;
        cx.row = c->mode == PRAM_SINGLE ? row_single : row_ab;
        cx.obj = "cell";
        cx.size = c->size;
        cx.extra = ~0u;
        note_size(cx.row, c->size);
        for (ps = 0; ps < PS_COUNT; ps++) {
            unsigned seed;
            for (seed = 0; seed < (ps == PS_GARBAGE ? nseeds : 1u); seed++) {
                uint64_t s0, stores, n;
                unsigned t;
                cx.pre = ps_names[ps];
                begin_check(0, 0);
                if (!cell_prestate(ci, ps, cop, seed))
                    continue;
                /* Expected new value (model). */
                switch (cop) {
                case COP_SET:
                    make_value(g_new, c->size, TAG_NEW);
                    break;
                case COP_KEEP:
                    memcpy(g_new, g_old, c->size);
                    keep_body(g_new, c->size, TAG_NEW);
                    break;
                case COP_ZERO:
                    memset(g_new, 0, c->size);
                    zero_body(g_new, c->size, TAG_NEW);
                    break;
                default:
                    break;
                }
                save_img(c->mem, c->words);

                /* Uncut reference run: counts the stores and checks the result. */
                g_cop = cop;
                make_value(g_setv, c->size, TAG_NEW);
                s0 = pram_test_stores;
                cell_op(NULL);
                stores = pram_test_stores - s0;
                if (g_op_rc != PRAM_OK)
                    violation("uncut operation -> %s", pram_strerror(g_op_rc));
                {
                    int st = cell_read(c, g_read);
                    if (cop == COP_INV ? st != PRAM_ERR_INVALID
                                       : (st != PRAM_OK || memcmp(g_read, g_new, c->size) != 0))
                        violation("uncut operation left the cell reading %s / not the new value",
                                  pram_strerror(st));
                }
                if (!guards_ok(c->mem, c->words))
                    violation("uncut operation stored outside the cell");
                probe_cell();
                if (stores == 0)
                    violation("operation made no store");
                if (cop != COP_INV)
                    chist_add(g_new, c->size);

                for (n = 1; n <= stores; n++) {
                    for (t = 0; t < NTEARS; t++) {
                        restore_img(c->mem, c->words);
                        begin_trial(n, tears[t]);
                        g_cop = cop;
                        make_value(g_setv, c->size, TAG_NEW);
                        if (!run_cut(cell_op, NULL, n, tears[t]))
                            violation("no cut: the operation made fewer stores than in the uncut run");
                        check_cell_state(cop == COP_INV);
                        probe_cell();
                    }
                }
            }
        }
    }
}

static void test_cell_ops(void **state)
{
    unsigned long v = 0;
    int r;
    (void)state;
    sweep_cells(COP_SET, ROW_SET_S, ROW_SET_AB);
    sweep_cells(COP_INV, ROW_INV_S, ROW_INV_AB);
    g_typed = 1;
    sweep_cells(COP_SET, ROW_TSET_S, ROW_TSET_AB);
    sweep_cells(COP_INV, ROW_TINV_S, ROW_TINV_AB);
    g_typed = 0;
    sweep_cells(COP_KEEP, ROW_KEEP_S, ROW_KEEP_AB);
    sweep_cells(COP_ZERO, ROW_ZERO_S, ROW_ZERO_AB);
    for (r = ROW_SET_S; r <= ROW_ZERO_AB; r++) {
        assert_true(rows[r].cuts > 0);
        v += rows[r].violations;
    }
    assert_int_equal(v, 0);
}

/* ------------------------------------------------------------------------ */
/* Buffers under test                                                        */
/* ------------------------------------------------------------------------ */

#define BS_CAP 256u
#define BL_CAP 4352u
#define LQ_CAP 192u

typedef struct {
    const char *name;
    const pram_buf_def_t *def;
    uint32_t *mem;
    uint32_t words;
    uint32_t cap;
} buf_ent_t;

static uint32_t bs_mem[2u * GUARD_WORDS + PRAM_BUF_STORAGE_SIZE(BS_CAP) / 4u];
static uint32_t bl_mem[2u * GUARD_WORDS + PRAM_BUF_STORAGE_SIZE(BL_CAP) / 4u];
static const pram_buf_def_t bs_def = PRAM_BUF_DEF_AT(&bs_mem[GUARD_WORDS], PRAM_BUF_STORAGE_SIZE(BS_CAP), 1);
static const pram_buf_def_t bl_def = PRAM_BUF_DEF_AT(&bl_mem[GUARD_WORDS], PRAM_BUF_STORAGE_SIZE(BL_CAP), 1);
static const buf_ent_t buf_small = {"buf256", &bs_def, bs_mem, (uint32_t)(sizeof bs_mem / 4u), BS_CAP};
static const buf_ent_t buf_large = {"buf4352", &bl_def, bl_mem, (uint32_t)(sizeof bl_mem / 4u), BL_CAP};

typedef struct {
    uint16_t len;
    uint8_t tag;
} rec_t;

typedef struct {
    unsigned n;
    rec_t r[MAX_RECS];
} rlist_t;

static void rl_add(rlist_t *l, unsigned tag, uint32_t len)
{
    assert_true(l->n < MAX_RECS);
    l->r[l->n].len = (uint16_t)len;
    l->r[l->n].tag = (uint8_t)tag;
    l->n++;
}

static uint32_t rl_used(const rlist_t *l)
{
    uint32_t u = 0;
    unsigned i;
    for (i = 0; i < l->n; i++)
        u += PRAM_BUF_RECORD_SPACE(l->r[i].len);
    return u;
}

/* What a reboot sees: open result and the records, copied out. */
typedef struct {
    int open_rc;
    int err;
    unsigned n;
    uint16_t len[MAX_RECS];
    uint32_t off[MAX_RECS];
    uint8_t data[BL_CAP];
} obs_t;

static uint8_t g_scratch[BL_CAP];

static int obs_rec_is(const obs_t *o, unsigned i, const rec_t *r)
{
    if (o->len[i] != r->len)
        return 0;
    make_payload(g_scratch, r->len, r->tag);
    return memcmp(o->data + o->off[i], g_scratch, r->len) == 0;
}

static int obs_equals(const obs_t *o, const rlist_t *l)
{
    unsigned i;
    if (o->err || o->n != l->n)
        return 0;
    for (i = 0; i < l->n; i++)
        if (!obs_rec_is(o, i, &l->r[i]))
            return 0;
    return 1;
}

static void observe_handle(pram_buf_t *h, obs_t *o)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t used = 0;
    int rc, cnt;
    o->n = 0;
    o->err = 0;
    for (;;) {
        rc = pram_buf_next(h, &it, &r);
        if (rc == 0)
            break;
        if (rc < 0) {
            o->err = rc;
            break;
        }
        if (o->n >= MAX_RECS || r.len > sizeof o->data - used) {
            o->err = -100;
            break;
        }
        rc = pram_buf_read(h, &r, o->data + used, sizeof o->data - used);
        if (rc != (int)r.len || (r.len && (!r.data || memcmp(r.data, o->data + used, r.len) != 0))) {
            o->err = rc < 0 ? rc : -101;
            break;
        }
        o->len[o->n] = (uint16_t)r.len;
        o->off[o->n] = used;
        o->n++;
        used += r.len;
    }
    cnt = pram_buf_count(h);
    if (!o->err && cnt != (int)o->n)
        o->err = -102;
}

static pram_buf_t g_h;

static void fresh(pram_buf_t *h, const pram_buf_def_t *d)
{
    pram_buf_t t = PRAM_BUF_INIT(d);
    *h = t;
}

/* Reboot: fresh handle, open, iterate. */
static void observe_boot(const pram_buf_def_t *d, obs_t *o)
{
    fresh(&g_h, d);
    o->open_rc = pram_buf_open(&g_h);
    if (o->open_rc < 0) {
        o->err = o->open_rc;
        o->n = 0;
        return;
    }
    observe_handle(&g_h, o);
}

/* Reference model of the buffer under test. */
static rlist_t b_pre, b_post, b_hist;

static int rl_find(const rlist_t *l, const obs_t *o, unsigned i)
{
    unsigned k;
    for (k = 0; k < l->n; k++)
        if (obs_rec_is(o, i, &l->r[k]))
            return (int)k;
    return -1;
}

/* o must equal a, or b if b is given; otherwise explain. */
static const rlist_t *check_obs(const obs_t *o, const rlist_t *a, const rlist_t *b, const char *when)
{
    unsigned i;
    if (o->err) {
        violation("%s: iterating the records failed (%d: %s)", when, o->err, pram_strerror(o->err));
        return NULL;
    }
    if (obs_equals(o, a))
        return a;
    if (b && obs_equals(o, b))
        return b;
    for (i = 0; i < o->n; i++) {
        int in_a = i < a->n && obs_rec_is(o, i, &a->r[i]);
        int in_b = b && i < b->n && obs_rec_is(o, i, &b->r[i]);
        if (!in_a && !in_b) {
            int k = rl_find(&b_hist, o, i);
            if (k >= 0)
                violation("%s: record %u is committed record #%d (tag 0x%02X) out of place (stale)",
                          when, i, k, b_hist.r[k].tag);
            else
                violation("%s: record %u (len %u) was never committed (garbage)", when, i,
                          (unsigned)o->len[i]);
            return NULL;
        }
    }
    violation("%s: %u records, expected %u%s%u (records lost or a partial record)", when, o->n, a->n,
              b ? " or " : "", b ? b->n : 0u);
    return NULL;
}

enum { BOP_APPEND, BOP_CLEAR, BOP_OPEN };

static const buf_ent_t *g_buf;
static int g_bop, g_bop_rc;
static uint32_t g_blen;
static uint8_t g_pay[BL_CAP];
static pram_buf_def_t g_def2;
static obs_t g_obs, g_obs2;

static void buf_op(void *unused)
{
    (void)unused;
    switch (g_bop) {
    case BOP_APPEND:
        g_bop_rc = pram_buf_append(&g_h, g_pay, g_blen);
        break;
    case BOP_CLEAR:
        g_bop_rc = pram_buf_clear(&g_h);
        break;
    default:
        g_bop_rc = pram_buf_open(&g_h);
        break;
    }
}

static void craft_control(const pram_buf_def_t *d, uint32_t epoch, uint32_t data_size)
{
    pram_cell_t cc;
    pram_buf_control_t ctl;
    int rc;
    pram__buf_control_cell(d, &cc);
    ctl.epoch = epoch;
    ctl.data_size = data_size;
    rc = pram_cell_set(&cc, &ctl, sizeof ctl);
    if (rc != PRAM_OK)
        violation("pre-state: crafting the control block -> %s", pram_strerror(rc));
}

static void bh_open(const pram_buf_def_t *d, int expect)
{
    int rc;
    fresh(&g_h, d);
    rc = pram_buf_open(&g_h);
    if (rc != expect)
        violation("pre-state: open -> %d (%s), expected %d", rc, pram_strerror(rc), expect);
}

static void bh_append(unsigned tag, uint32_t len)
{
    int rc;
    make_payload(g_pay, len, tag);
    rc = pram_buf_append(&g_h, g_pay, len);
    if (rc != PRAM_OK) {
        violation("pre-state: append %u bytes -> %s", (unsigned)len, pram_strerror(rc));
        return;
    }
    rl_add(&b_pre, tag, len);
    rl_add(&b_hist, tag, len);
}

static void bh_clear(void)
{
    int rc = pram_buf_clear(&g_h);
    if (rc != PRAM_OK)
        violation("pre-state: clear -> %s", pram_strerror(rc));
    b_pre.n = 0;
}

enum {
    BP_EMPTY, BP_SOME, BP_STALE, BP_TORN, BP_TORN_LATE, BP_FULL, BP_LEFT8, BP_LEFT12, BP_LEFT20, BP_LEFT100,
    BP_WRAP0, BP_WRAP2, BP_COLD0, BP_GARBAGE, BP_OTHER_SCHEMA, BP_OTHER_SIZE, BP_DEAD_CONTROL,
    BP_CUTOFF, BP_COUNT
};
static const char *const bp_names[BP_COUNT] = {
    "empty", "3 records", "stale epoch below", "after torn append",
    "append torn before commit", "full", "8 B left",
    "12 B left", "20 B left", "100 B left", "epoch 0xFFFFFFFF, 0 records",
    "epoch 0xFFFFFFFF, 2 records", "cold-zero", "cold-garbage", "other schema",
    "other data size", "control invalidated", "record cut off by corruption"};

static int g_fmt_expect; /* what the uncut open returns on a FORMAT pre-state */

static void buf_prestate(const buf_ent_t *b, int ps, unsigned seed)
{
    const pram_buf_def_t *d = b->def;
    uint32_t left;
    g_buf = b;
    b_pre.n = 0;
    b_hist.n = 0;
    g_fmt_expect = PRAM_BUF_COLD;
    mem_reset(b->mem, b->words);
    switch (ps) {
    case BP_EMPTY:
        bh_open(d, PRAM_BUF_COLD);
        break;
    case BP_SOME:
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x21, 5);
        bh_append(0x22, 17);
        bh_append(0x23, 2);
        break;
    case BP_STALE:
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x21, 40);
        bh_append(0x22, 30);
        bh_append(0x23, 20);
        bh_clear();
        bh_append(0x24, 3);
        break;
    case BP_TORN:
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x21, 5);
        bh_append(0x22, 17);
        bh_append(0x23, 2);
        make_payload(g_pay, 20, 0x29);
        g_blen = 20;
        g_bop = BOP_APPEND;
        if (!run_cut(buf_op, NULL, 4, 0))
            violation("pre-state: append made fewer than 4 stores");
        bh_open(d, PRAM_BUF_INTACT);
        break;
    case BP_TORN_LATE: {
        /* A whole record of the current epoch sits at the tail, only its
         * commit word missing: the next append must not expose it. */
        uint64_t s0;
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x21, 5);
        bh_append(0x22, 17);
        save_img(b->mem, b->words);
        make_payload(g_pay, 20, 0x2A);
        g_blen = 20;
        g_bop = BOP_APPEND;
        s0 = pram_test_stores;
        buf_op(NULL);
        s0 = pram_test_stores - s0;
        restore_img(b->mem, b->words);
        bh_open(d, PRAM_BUF_INTACT);
        make_payload(g_pay, 20, 0x2A);
        if (s0 < 2u || !run_cut(buf_op, NULL, s0 - 1u, 0))
            violation("pre-state: append not cut");
        bh_open(d, PRAM_BUF_INTACT);
        break;
    }
    case BP_FULL:
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x25, b->cap - PRAM_BUF_RECORD_HEADER);
        break;
    case BP_LEFT8:
    case BP_LEFT12:
    case BP_LEFT20:
    case BP_LEFT100:
        left = ps == BP_LEFT8 ? 8u : ps == BP_LEFT12 ? 12u : ps == BP_LEFT20 ? 20u : 100u;
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x21, 5);
        bh_append(0x26, b->cap - PRAM_BUF_RECORD_SPACE(5) - left - PRAM_BUF_RECORD_HEADER);
        break;
    case BP_WRAP0:
    case BP_WRAP2: {
        unsigned k;
        /* Epoch-1 records fill the area; then the epoch is set to the last
         * one: a wrap that did not erase them would bring them back. */
        bh_open(d, PRAM_BUF_COLD);
        for (k = 0; k < 6; k++)
            bh_append(0x31 + k, 30);
        craft_control(d, 0xFFFFFFFFu, b->cap);
        b_pre.n = 0;
        bh_open(d, PRAM_BUF_INTACT);
        if (g_h.epoch != 0xFFFFFFFFu)
            violation("pre-state: crafted epoch not taken (epoch %lu)", (unsigned long)g_h.epoch);
        if (ps == BP_WRAP2) {
            bh_append(0x37, 10);
            bh_append(0x38, 3);
        }
        break;
    }
    case BP_COLD0:
        break;
    case BP_GARBAGE:
        mem_garbage(b->mem, b->words, 0x6A5ull + seed);
        break;
    case BP_OTHER_SCHEMA:
        g_def2 = *d;
        g_def2.schema = (uint16_t)(d->schema + 1u);
        bh_open(&g_def2, PRAM_BUF_COLD);
        bh_append(0x41, 12);
        bh_append(0x42, 7);
        b_pre.n = 0;
        g_fmt_expect = PRAM_BUF_REFORMED;
        break;
    case BP_OTHER_SIZE:
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x43, 12);
        bh_append(0x44, 7);
        craft_control(d, g_h.epoch, b->cap - 4u);
        b_pre.n = 0;
        g_fmt_expect = PRAM_BUF_REFORMED;
        break;
    case BP_DEAD_CONTROL: {
        pram_cell_t cc;
        pram__buf_control_cell(d, &cc);
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x45, 12);
        bh_append(0x46, 7);
        if (pram_cell_invalidate(&cc) != PRAM_OK)
            violation("pre-state: invalidating the control block failed");
        b_pre.n = 0;
        break;
    }
    case BP_CUTOFF: {
        /* The second record is corrupted: the walk stops there, and the ones
         * after it must never be seen again, even once an append ends on
         * their boundary (the first probe has the same length). */
        uint8_t *data = (uint8_t *)&b->mem[GUARD_WORDS] + PRAM_BUF_CONTROL_SIZE;
        bh_open(d, PRAM_BUF_COLD);
        bh_append(0x21, 17);
        bh_append(0x22, 17);
        bh_append(0x23, 2);
        bh_append(0x24, 9);
        data[PRAM_BUF_RECORD_SPACE(17) + PRAM_BUF_RECORD_HEADER + 3u] ^= 0x10u;
        b_pre.n = 1;
        g_fmt_expect = PRAM_BUF_INTACT;
        break;
    }
    default:
        break;
    }
}

/* The second operation: append a probe (clearing first if full), reboot and
 * find exactly the records seen plus the probe. */
static void probe_buf(const rlist_t *seen)
{
    rlist_t want;
    int rc;
    unsigned k;
    if (!seen) {
        want.n = 0;
    } else {
        want = *seen;
    }
    /* First probe as long as the first record before the operation: if those
     * records are gone, it ends exactly where the second one began, which
     * must not come back.  Each probe is followed by a reboot and a check. */
    for (k = 0; k < 2; k++) {
        uint32_t len = k == 0 && b_pre.n ? b_pre.r[0].len : 6u;
        make_payload(g_pay, len, 0x7A + k);
        rc = pram_buf_append(&g_h, g_pay, len);
        if (rc == PRAM_ERR_NO_SPACE) {
            rc = pram_buf_clear(&g_h);
            if (rc != PRAM_OK) {
                violation("second operation: clear -> %s", pram_strerror(rc));
                return;
            }
            want.n = 0;
            rc = pram_buf_append(&g_h, g_pay, len);
        }
        if (rc != PRAM_OK) {
            violation("second operation: append -> %s", pram_strerror(rc));
            return;
        }
        if (!guards_ok(g_buf->mem, g_buf->words))
            violation("second operation: a store landed outside the buffer");
        if (!seen)
            continue; /* what was there is already reported */
        rl_add(&want, 0x7A + k, len);
        observe_boot(g_buf->def, &g_obs2);
        if (g_obs2.open_rc != PRAM_BUF_INTACT)
            violation("second operation: reopen -> %d", g_obs2.open_rc);
        if (!check_obs(&g_obs2, &want, NULL, "second operation"))
            return;
    }
}

/* Boot on the pre-operation image: must open intact with the model's records,
 * without storing anything. */
static void fresh_open_check(const buf_ent_t *b)
{
    uint64_t s0 = pram_test_stores;
    int rc;
    fresh(&g_h, b->def);
    rc = pram_buf_open(&g_h);
    if (rc != PRAM_BUF_INTACT || pram_buf_count(&g_h) != (int)b_pre.n || pram_test_stores != s0)
        violation("pre-state: open -> %d with %d records (model %u), %llu stores", rc,
                  pram_buf_count(&g_h), b_pre.n, (unsigned long long)(pram_test_stores - s0));
}

static int open_rc_allowed(int rc, int bop, int wrap)
{
    if (rc == PRAM_BUF_INTACT)
        return 1;
    if (bop == BOP_OPEN)
        return rc == PRAM_BUF_COLD || (rc == PRAM_BUF_REFORMED && g_fmt_expect == PRAM_BUF_REFORMED);
    return wrap && rc == PRAM_BUF_COLD;
}

/* fit: lens[] are subtracted from the space left instead of being lengths. */
static void sweep_buf(int row, const buf_ent_t *b, int bop, const int *pss, unsigned npss,
                      const uint32_t *lens, unsigned nlens, int fit)
{
    unsigned pi, li, seed, nseeds = g_long ? 4u : 1u;
    cx.row = row;
    cx.obj = b->name;
    cx.extra = ~0u;
    for (pi = 0; pi < npss; pi++) {
        int ps = pss[pi];
        int wrap = ps == BP_WRAP0 || ps == BP_WRAP2;
        for (seed = 0; seed < (ps == BP_GARBAGE ? nseeds : 1u); seed++) {
            for (li = 0; li < (bop == BOP_APPEND ? nlens : 1u); li++) {
                uint64_t s0, stores, n;
                uint32_t len = 0;
                unsigned t;
                cx.pre = bp_names[ps];
                cx.size = 0;
                begin_check(0, 0);
                buf_prestate(b, ps, seed);
                if (bop == BOP_APPEND) {
                    int space = pram_buf_space(&g_h);
                    uint32_t left = b->cap - rl_used(&b_pre);
                    if (fit) {
                        if (space < 0 || (uint32_t)space != left - PRAM_BUF_RECORD_HEADER)
                            violation("pram_buf_space %d, model says %u", space,
                                      (unsigned)(left - PRAM_BUF_RECORD_HEADER));
                        if (lens[li] > left - PRAM_BUF_RECORD_HEADER)
                            continue;
                        len = left - PRAM_BUF_RECORD_HEADER - lens[li];
                    } else {
                        len = lens[li];
                        if (PRAM_BUF_RECORD_SPACE(len) > left)
                            continue;
                    }
                    cx.size = len;
                    note_size(row, len);
                } else if (bop == BOP_OPEN) {
                    note_size(row, b->cap);
                }
                save_img(b->mem, b->words);
                b_post = b_pre;
                if (bop == BOP_APPEND) {
                    rl_add(&b_post, 0x50, len);
                    rl_add(&b_hist, 0x50, len);
                } else if (!(bop == BOP_OPEN && g_fmt_expect == PRAM_BUF_INTACT)) {
                    b_post.n = 0; /* clear, format: nothing; an intact open keeps all */
                }

                /* Uncut reference run. */
                if (bop != BOP_OPEN)
                    fresh_open_check(b);
                g_bop = bop;
                g_blen = len;
                make_payload(g_pay, len, 0x50);
                if (bop == BOP_OPEN)
                    fresh(&g_h, b->def);
                s0 = pram_test_stores;
                buf_op(NULL);
                stores = pram_test_stores - s0;
                if (g_bop_rc != (bop == BOP_OPEN ? g_fmt_expect : PRAM_OK))
                    violation("uncut operation -> %d (%s)", g_bop_rc, pram_strerror(g_bop_rc));
                observe_boot(b->def, &g_obs);
                if (g_obs.open_rc != PRAM_BUF_INTACT)
                    violation("uncut operation: reopen -> %d", g_obs.open_rc);
                probe_buf(check_obs(&g_obs, &b_post, NULL, "uncut operation"));
                if (!guards_ok(b->mem, b->words))
                    violation("uncut operation stored outside the buffer");
                if (stores == 0)
                    violation("operation made no store");
                if (fit) {
                    /* One byte more than fits: refused, nothing stored. */
                    restore_img(b->mem, b->words);
                    fresh_open_check(b);
                    s0 = pram_test_stores;
                    make_payload(g_pay, len + lens[li] + 1u, 0x51);
                    g_bop_rc = pram_buf_append(&g_h, g_pay, len + lens[li] + 1u);
                    if (g_bop_rc != PRAM_ERR_NO_SPACE || pram_test_stores != s0 ||
                        memcmp(b->mem, img_pre, (size_t)b->words * 4u) != 0)
                        violation("append of one byte more than fits -> %s, %llu stores",
                                  pram_strerror(g_bop_rc), (unsigned long long)(pram_test_stores - s0));
                }

                for (n = 1; n <= stores; n++) {
                    for (t = 0; t < NTEARS; t++) {
                        restore_img(b->mem, b->words);
                        begin_trial(n, tears[t]);
                        if (bop == BOP_OPEN)
                            fresh(&g_h, b->def);
                        else
                            fresh_open_check(b);
                        g_bop = bop;
                        g_blen = len;
                        make_payload(g_pay, len, 0x50);
                        if (!run_cut(buf_op, NULL, n, tears[t]))
                            violation("no cut: the operation made fewer stores than in the uncut run");
                        if (!guards_ok(b->mem, b->words))
                            violation("a store landed outside the buffer");
                        observe_boot(b->def, &g_obs);
                        if (!open_rc_allowed(g_obs.open_rc, bop, wrap))
                            violation("reboot: open -> %d (%s)", g_obs.open_rc,
                                      pram_strerror(g_obs.open_rc));
                        probe_buf(check_obs(&g_obs, &b_pre, &b_post, "reboot"));
                    }
                }
            }
        }
    }
}

static void test_buf_ops(void **state)
{
    static const uint32_t small_lens[] = {0, 1, 3, 4, 7, 12, 33};
    static const uint32_t small_lens_long[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 33, 64, 100};
    static const uint32_t large_lens[] = {255, 1000, 4080};
    static const uint32_t large_lens_long[] = {64, 255, 1000, 2001, 4077, 4079, 4080};
    static const uint32_t fit_minus[] = {0, 1, 3};
    static const int app_ps[] = {BP_EMPTY, BP_SOME, BP_STALE, BP_TORN, BP_TORN_LATE};
    static const int large_ps[] = {BP_EMPTY, BP_SOME, BP_STALE};
    static const int fit_ps[] = {BP_LEFT8, BP_LEFT12, BP_LEFT20, BP_LEFT100};
    static const int clear_ps[] = {BP_EMPTY, BP_SOME, BP_STALE, BP_TORN, BP_TORN_LATE, BP_FULL};
    static const int clear_large_ps[] = {BP_SOME};
    static const int wrap_ps[] = {BP_WRAP0, BP_WRAP2};
    static const int fmt_ps[] = {BP_COLD0, BP_GARBAGE, BP_OTHER_SCHEMA, BP_OTHER_SIZE,
                                 BP_DEAD_CONTROL};
    static const int cutoff_ps[] = {BP_CUTOFF};
    unsigned long v = 0;
    int r;
    (void)state;
#define N_(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
    if (g_long) {
        sweep_buf(ROW_APP_SMALL, &buf_small, BOP_APPEND, app_ps, N_(app_ps), small_lens_long,
                  N_(small_lens_long), 0);
        sweep_buf(ROW_APP_LARGE, &buf_large, BOP_APPEND, large_ps, N_(large_ps), large_lens_long,
                  N_(large_lens_long), 0);
    } else {
        sweep_buf(ROW_APP_SMALL, &buf_small, BOP_APPEND, app_ps, N_(app_ps), small_lens,
                  N_(small_lens), 0);
        sweep_buf(ROW_APP_LARGE, &buf_large, BOP_APPEND, large_ps, N_(large_ps), large_lens,
                  N_(large_lens), 0);
    }
    sweep_buf(ROW_APP_FIT, &buf_small, BOP_APPEND, fit_ps, N_(fit_ps), fit_minus, N_(fit_minus), 1);
    sweep_buf(ROW_CLEAR, &buf_small, BOP_CLEAR, clear_ps, N_(clear_ps), NULL, 0, 0);
    sweep_buf(ROW_CLEAR, &buf_large, BOP_CLEAR, clear_large_ps, N_(clear_large_ps), NULL, 0, 0);
    sweep_buf(ROW_CLEAR_WRAP, &buf_small, BOP_CLEAR, wrap_ps, N_(wrap_ps), NULL, 0, 0);
    sweep_buf(ROW_FORMAT, &buf_small, BOP_OPEN, fmt_ps, N_(fmt_ps), NULL, 0, 0);
    if (g_long)
        sweep_buf(ROW_FORMAT, &buf_large, BOP_OPEN, fmt_ps, N_(fmt_ps), NULL, 0, 0);
    sweep_buf(ROW_REPAIR, &buf_small, BOP_OPEN, cutoff_ps, N_(cutoff_ps), NULL, 0, 0);
    sweep_buf(ROW_REPAIR, &buf_large, BOP_OPEN, cutoff_ps, N_(cutoff_ps), NULL, 0, 0);
    for (r = ROW_APP_SMALL; r <= ROW_REPAIR; r++) {
        assert_true(rows[r].cuts > 0);
        v += rows[r].violations;
    }
    assert_int_equal(v, 0);
}

/* ------------------------------------------------------------------------ */
/* Multi-step scenario                                                       */
/* ------------------------------------------------------------------------ */

#define NQ 4u
#define QMAX 33u

PRAM_CELL_DECLARE_AT(qa, val7_t, 3, PRAM_AB);
PRAM_CELL_DECLARE_AT(qb, val12_t, 3, PRAM_SINGLE);
PRAM_CELL_DECLARE_AT(qc, val33_t, 3, PRAM_AB);
PRAM_CELL_DECLARE_AT(qd, val3_t, 3, PRAM_SINGLE);
static uint32_t qa_mem[2u * GUARD_WORDS + PRAM_CELL_SIZE(qa) / 4u];
static uint32_t qb_mem[2u * GUARD_WORDS + PRAM_CELL_SIZE(qb) / 4u];
static uint32_t qc_mem[2u * GUARD_WORDS + PRAM_CELL_SIZE(qc) / 4u];
static uint32_t qd_mem[2u * GUARD_WORDS + PRAM_CELL_SIZE(qd) / 4u];
PRAM_CELL_DEFINE_AT(qa, &qa_mem[GUARD_WORDS]);
PRAM_CELL_DEFINE_AT(qb, &qb_mem[GUARD_WORDS]);
PRAM_CELL_DEFINE_AT(qc, &qc_mem[GUARD_WORDS]);
PRAM_CELL_DEFINE_AT(qd, &qd_mem[GUARD_WORDS]);
TYPED_OPS(qa, val7_t)
TYPED_OPS(qb, val12_t)
TYPED_OPS(qc, val33_t)
TYPED_OPS(qd, val3_t)
static const cell_ent_t qcells[NQ] = {
    {&qa, qa_mem, (uint32_t)(sizeof qa_mem / 4u), 7, PRAM_AB, 1, &qa_typed},
    {&qb, qb_mem, (uint32_t)(sizeof qb_mem / 4u), 12, PRAM_SINGLE, 1, &qb_typed},
    {&qc, qc_mem, (uint32_t)(sizeof qc_mem / 4u), 33, PRAM_AB, 1, &qc_typed},
    {&qd, qd_mem, (uint32_t)(sizeof qd_mem / 4u), 3, PRAM_SINGLE, 1, &qd_typed},
};
static uint32_t lq_mem[2u * GUARD_WORDS + PRAM_BUF_STORAGE_SIZE(LQ_CAP) / 4u];
static const pram_buf_def_t lq_def = PRAM_BUF_DEF_AT(&lq_mem[GUARD_WORDS], PRAM_BUF_STORAGE_SIZE(LQ_CAP), 5);
static const buf_ent_t buf_seq = {"seqbuf192", &lq_def, lq_mem, (uint32_t)(sizeof lq_mem / 4u), LQ_CAP};

enum { S_SET, S_KEEP, S_ZERO, S_INV, S_APPEND, S_FIT, S_CLEAR };

typedef struct {
    uint8_t kind;
    uint8_t target; /* cell index */
    uint16_t len;   /* record length (S_APPEND) */
    uint8_t tag;
} step_t;

/* qa A/B 7 B, qb single 12 B, qc A/B 33 B, qd single 3 B; one 192-byte buffer. */
static const step_t steps[] = {
    {S_SET, 0, 0, 0x11},    {S_SET, 1, 0, 0x12},   {S_APPEND, 0, 5, 0x61},
    {S_KEEP, 0, 0, 0x13},   {S_APPEND, 0, 40, 0x62}, {S_ZERO, 2, 0, 0x14},
    {S_SET, 3, 0, 0x15},    {S_INV, 1, 0, 0},      {S_APPEND, 0, 0, 0x63},
    {S_CLEAR, 0, 0, 0},     {S_APPEND, 0, 100, 0x64}, {S_KEEP, 2, 0, 0x16},
    {S_SET, 1, 0, 0x17},    {S_KEEP, 1, 0, 0x18},  {S_FIT, 0, 0, 0x65},
    {S_INV, 0, 0, 0},       {S_SET, 0, 0, 0x19},   {S_CLEAR, 0, 0, 0},
    {S_APPEND, 0, 12, 0x66}, {S_ZERO, 3, 0, 0x1A},  {S_KEEP, 3, 0, 0x1B},
    {S_INV, 2, 0, 0},       {S_APPEND, 0, 33, 0x67}, {S_SET, 2, 0, 0x1C},
    {S_KEEP, 0, 0, 0x1D},   {S_APPEND, 0, 1, 0x68},
};
#define NSTEPS ((unsigned)(sizeof steps / sizeof steps[0]))

typedef struct {
    int valid[NQ];
    uint8_t val[NQ][QMAX];
    rlist_t recs;
} qstate_t;

static qstate_t qmodel[NSTEPS + 1u];

static int is_cell_step(const step_t *s)
{
    return s->kind <= S_INV;
}

static int qstate_equal(const qstate_t *a, const qstate_t *b)
{
    unsigned i;
    for (i = 0; i < NQ; i++) {
        if (a->valid[i] != b->valid[i])
            return 0;
        if (a->valid[i] && memcmp(a->val[i], b->val[i], qcells[i].size) != 0)
            return 0;
    }
    if (a->recs.n != b->recs.n)
        return 0;
    for (i = 0; i < a->recs.n; i++)
        if (a->recs.r[i].len != b->recs.r[i].len || a->recs.r[i].tag != b->recs.r[i].tag)
            return 0;
    return 1;
}

/* The model: state after each step; also the history of committed records. */
static void q_build_model(void)
{
    unsigned k;
    memset(&qmodel[0], 0, sizeof qmodel[0]);
    b_hist.n = 0;
    for (k = 0; k < NSTEPS; k++) {
        const step_t *s = &steps[k];
        qstate_t *post = &qmodel[k + 1];
        uint32_t size = qcells[s->target].size, left;
        *post = qmodel[k];
        switch (s->kind) {
        case S_SET:
            make_value(post->val[s->target], size, s->tag);
            post->valid[s->target] = 1;
            break;
        case S_KEEP:
            assert_true(qmodel[k].valid[s->target]);
            keep_body(post->val[s->target], size, s->tag);
            break;
        case S_ZERO:
            memset(post->val[s->target], 0, size);
            zero_body(post->val[s->target], size, s->tag);
            post->valid[s->target] = 1;
            break;
        case S_INV:
            post->valid[s->target] = 0;
            break;
        case S_APPEND:
            assert_true(rl_used(&post->recs) + PRAM_BUF_RECORD_SPACE(s->len) <= LQ_CAP);
            rl_add(&post->recs, s->tag, s->len);
            rl_add(&b_hist, s->tag, s->len);
            break;
        case S_FIT:
            left = LQ_CAP - rl_used(&post->recs);
            assert_true(left >= PRAM_BUF_RECORD_HEADER);
            rl_add(&post->recs, s->tag, left - PRAM_BUF_RECORD_HEADER);
            rl_add(&b_hist, s->tag, left - PRAM_BUF_RECORD_HEADER);
            break;
        default:
            post->recs.n = 0;
            break;
        }
        /* Redo detection needs every step to change something. */
        assert_false(qstate_equal(&qmodel[k], post));
    }
}

/* Run state: survives "reboots" (test RAM, not persistent memory). */
static unsigned s_step;   /* next step to complete                        */
static int s_inflight;    /* s_step was started and may have taken effect */
static int s_formatted;   /* an open of the buffer has returned           */
static pram_buf_t s_h;
static obs_t q_obs;

static int q_cell_is(unsigned i, const qstate_t *s)
{
    int st = cell_read(&qcells[i], g_read);
    if (s->valid[i])
        return st == PRAM_OK && memcmp(g_read, s->val[i], qcells[i].size) == 0;
    return st == PRAM_ERR_INVALID;
}

/* Explains why cell i is in none of the allowed states. */
static void q_cell_violation(unsigned i, const char *when)
{
    int st = cell_read(&qcells[i], g_read);
    unsigned k;
    if (st == PRAM_OK) {
        for (k = 0; k <= NSTEPS; k++)
            if (qmodel[k].valid[i] && memcmp(qmodel[k].val[i], g_read, qcells[i].size) == 0) {
                violation("%s: cell %u reads the value committed by step %u (stale)", when, i, k);
                return;
            }
        violation("%s: cell %u reads valid with bytes never committed (garbage)", when, i);
    } else if (st == PRAM_ERR_INVALID) {
        violation("%s: cell %u reads invalid (lost)", when, i);
    } else {
        violation("%s: cell %u status %s", when, i, pram_strerror(st));
    }
}

/* After a reboot: untouched containers exactly as the model says, the one
 * of the interrupted step in its old or new state (or invalid if allowed). */
static void q_verify(void)
{
    const qstate_t *pre = &qmodel[s_step];
    const qstate_t *post = s_step < NSTEPS ? &qmodel[s_step + 1] : NULL;
    const step_t *st = s_inflight && post ? &steps[s_step] : NULL;
    unsigned i;
    for (i = 0; i < NQ; i++) {
        if (!guards_ok(qcells[i].mem, qcells[i].words))
            violation("reboot: a store landed outside cell %u", i);
        if (q_cell_is(i, pre))
            continue;
        if (st && is_cell_step(st) && st->target == i) {
            if (q_cell_is(i, post))
                continue;
            if (qcells[i].mode == PRAM_SINGLE && cell_read(&qcells[i], g_read) == PRAM_ERR_INVALID)
                continue;
        }
        q_cell_violation(i, "reboot");
    }
    if (!guards_ok(lq_mem, buf_seq.words))
        violation("reboot: a store landed outside the buffer");
    observe_handle(&s_h, &q_obs);
    (void)check_obs(&q_obs, &pre->recs, st && !is_cell_step(st) ? &post->recs : NULL, "reboot");
}

/* Did the in-flight step take effect? */
static int q_step_done(unsigned k)
{
    const step_t *s = &steps[k];
    if (is_cell_step(s))
        return q_cell_is(s->target, &qmodel[k + 1]);
    observe_handle(&s_h, &q_obs);
    return obs_equals(&q_obs, &qmodel[k + 1].recs);
}

static void q_do_step(unsigned k)
{
    const step_t *s = &steps[k];
    const cell_ent_t *c = &qcells[s->target];
    const qstate_t *post = &qmodel[k + 1];
    pram_edit_t e;
    uint32_t len;
    int rc;
    switch (s->kind) {
    case S_SET: /* steps 2-3 mod 4 through the typed calls, 0-1 the generic API */
        rc = ((k >> 1) & 1u) ? c->typed->set(post->val[s->target])
                      : pram_cell_set(c->cell, post->val[s->target], c->size);
        break;
    case S_KEEP:
        if (pram_cell_is_valid(c->cell)) {
            rc = pram_cell_edit_begin(c->cell, &e, PRAM_EDIT_KEEP);
            if (rc == PRAM_OK) {
                keep_body((uint8_t *)e.value, c->size, s->tag);
                rc = pram_cell_edit_commit(&e);
            }
        } else {
            /* A single-slot cell loses its value to an interrupted edit:
             * the redo writes the whole expected value. */
            rc = pram_cell_edit_begin(c->cell, &e, PRAM_EDIT_ZERO);
            if (rc == PRAM_OK) {
                memcpy(e.value, post->val[s->target], c->size);
                rc = pram_cell_edit_commit(&e);
            }
        }
        break;
    case S_ZERO:
        rc = pram_cell_edit_begin(c->cell, &e, PRAM_EDIT_ZERO);
        if (rc == PRAM_OK) {
            zero_body((uint8_t *)e.value, c->size, s->tag);
            rc = pram_cell_edit_commit(&e);
        }
        break;
    case S_INV:
        rc = ((k >> 1) & 1u) ? c->typed->invalidate() : pram_cell_invalidate(c->cell);
        break;
    case S_APPEND:
    case S_FIT:
        len = post->recs.r[post->recs.n - 1u].len;
        if (s->kind == S_FIT && pram_buf_space(&s_h) != (int)len)
            violation("step %u: pram_buf_space %d, model says %u", k, pram_buf_space(&s_h),
                      (unsigned)len);
        make_payload(g_pay, len, s->tag);
        rc = pram_buf_append(&s_h, g_pay, len);
        break;
    default:
        rc = pram_buf_clear(&s_h);
        break;
    }
    if (rc != PRAM_OK)
        violation("step %u -> %s", k, pram_strerror(rc));
}

/* One boot: open, verify, then finish the sequence (redoing the step that
 * was in flight unless it already took effect). */
static void q_body(void *unused)
{
    int rc;
    (void)unused;
    cx.extra = s_step;
    fresh(&s_h, &lq_def);
    rc = pram_buf_open(&s_h);
    if (rc != PRAM_BUF_INTACT && !(rc == PRAM_BUF_COLD && !s_formatted))
        violation("boot: open -> %d (%s)", rc, pram_strerror(rc));
    if (rc < 0)
        return;
    s_formatted = 1;
    q_verify();
    while (s_step < NSTEPS) {
        cx.extra = s_step;
        if (s_inflight && q_step_done(s_step)) {
            s_inflight = 0;
            s_step++;
            continue;
        }
        s_inflight = 1;
        q_do_step(s_step);
        if (!q_step_done(s_step))
            violation("step %u returned but did not take effect", s_step);
        s_inflight = 0;
        s_step++;
    }
}

typedef struct {
    int st[NQ];
    uint8_t val[NQ][QMAX];
    obs_t obs;
} qsnap_t;

static qsnap_t q_ref, q_fin;

static void q_snapshot(qsnap_t *sn)
{
    unsigned i;
    for (i = 0; i < NQ; i++) {
        memset(sn->val[i], 0, QMAX);
        sn->st[i] = cell_read(&qcells[i], sn->val[i]);
        if (sn->st[i] != PRAM_OK)
            memset(sn->val[i], 0, QMAX);
    }
    observe_boot(&lq_def, &sn->obs);
}

static int qsnap_equal(const qsnap_t *a, const qsnap_t *b)
{
    unsigned i;
    for (i = 0; i < NQ; i++)
        if (a->st[i] != b->st[i] || memcmp(a->val[i], b->val[i], QMAX) != 0)
            return 0;
    if (a->obs.open_rc != b->obs.open_rc || a->obs.err || b->obs.err || a->obs.n != b->obs.n)
        return 0;
    for (i = 0; i < a->obs.n; i++)
        if (a->obs.len[i] != b->obs.len[i] ||
            memcmp(a->obs.data + a->obs.off[i], b->obs.data + b->obs.off[i], a->obs.len[i]) != 0)
            return 0;
    return 1;
}

static uint64_t q_each_at;
static uint64_t q_rng;

static uint64_t sched_none(unsigned boot)
{
    (void)boot;
    return 0;
}

static uint64_t sched_each(unsigned boot)
{
    return boot == 0 ? q_each_at : 0;
}

static uint64_t sched_linear(unsigned boot)
{
    return (uint64_t)boot + 1u;
}

static uint64_t sched_random(unsigned boot)
{
    return boot < 300u ? 1u + test_rand(&q_rng) % 60u : 0u;
}

/* Runs the whole sequence from cold memory under a cut schedule; returns the
 * number of cuts.  ref: compare the final state with q_ref. */
static unsigned q_run(int row, uint64_t (*sched)(unsigned), unsigned tear, uint64_t garbage,
                      int ref)
{
    unsigned boots = 0, i;
    cx.row = row;
    cx.tear = tear;
    cx.flagged = 0;
    for (i = 0; i < NQ; i++) {
        mem_reset(qcells[i].mem, qcells[i].words);
        if (garbage)
            mem_garbage(qcells[i].mem, qcells[i].words, garbage + i);
    }
    mem_reset(lq_mem, buf_seq.words);
    if (garbage)
        mem_garbage(lq_mem, buf_seq.words, garbage + 99u);
    s_step = 0;
    s_inflight = 0;
    s_formatted = 0;
    for (;;) {
        cx.n = sched(boots);
        if (!run_cut(q_body, NULL, cx.n, tear))
            break;
        boots++;
        rows[row].cuts++;
        cx.flagged = 0;
        if (boots > 100000u) {
            violation("no progress after %u reboots", boots);
            break;
        }
    }
    /* One more reboot: the final state is the model's and the uncut run's. */
    cx.extra = NSTEPS;
    q_snapshot(&q_fin);
    if (q_fin.obs.open_rc != PRAM_BUF_INTACT)
        violation("final reboot: open -> %d", q_fin.obs.open_rc);
    for (i = 0; i < NQ; i++)
        if (!q_cell_is(i, &qmodel[NSTEPS]))
            q_cell_violation(i, "final state");
    (void)check_obs(&q_fin.obs, &qmodel[NSTEPS].recs, NULL, "final state");
    if (ref && !qsnap_equal(&q_fin, &q_ref))
        violation("final state differs from the run without cuts");
    return boots;
}

static void test_sequence(void **state)
{
    uint64_t s0, total, g;
    unsigned t, seed, nseeds = g_long ? 400u : 12u;
    unsigned long v = 0;
    int r;
    (void)state;
    q_build_model();
    cx.obj = "sequence";
    cx.size = NSTEPS;
    cx.pre = "cold";
    cx.extra = ~0u;

    /* Reference: no cut. */
    s0 = pram_test_stores;
    if (q_run(ROW_SEQ_EACH, sched_none, 0, 0, 0) != 0)
        violation("uncut sequence was cut");
    total = pram_test_stores - s0;
    q_ref = q_fin;
    if (!q_ref.obs.n)
        violation("uncut sequence: no records at the end");

    /* One cut at every store of the whole sequence, then recovery. */
    for (g = 1; g <= total; g++)
        for (t = 0; t < NTEARS; t++) {
            q_each_at = g;
            if (q_run(ROW_SEQ_EACH, sched_each, tears[t], 0, 1) != 1)
                violation("cut at store %llu of %llu did not happen", (unsigned long long)g,
                          (unsigned long long)total);
        }

    /* littlefs "linear": cut after 1 store, reboot, redo, cut after 2, ... */
    for (t = 0; t < NTEARS; t++) {
        unsigned cuts = q_run(ROW_SEQ_LINEAR, sched_linear, tears[t], 0, 1);
        if (cuts < 2)
            violation("linear schedule made only %u cuts", cuts);
    }

    /* Random cut distances; in the long campaign half start from garbage. */
    for (seed = 1; seed <= nseeds; seed++) {
        q_rng = 0x9E3779B97F4A7C15ull * seed;
        (void)q_run(ROW_SEQ_RANDOM, sched_random, tears[seed % NTEARS],
                    g_long && (seed & 1u) ? 0x51ull * seed : 0u, 1);
    }
    for (r = ROW_SEQ_EACH; r <= ROW_SEQ_RANDOM; r++) {
        assert_true(rows[r].cuts > 0);
        v += rows[r].violations;
    }
    assert_int_equal(v, 0);
}

/* ------------------------------------------------------------------------ */

static int teardown_group(void **state)
{
    unsigned i;
    (void)state;
    for (i = 0; i < NCELLS; i++) {
        free(wrap_cache[i]);
        wrap_cache[i] = NULL;
    }
    return 0;
}

static void print_table(double secs)
{
    unsigned long cuts = 0, viol = 0;
    int r;
    printf("\npower-loss campaign (%s%s): a cut = store N lands whole or torn "
           "(new-byte masks 0=all,0x1,0x3,0x7,0x8,0xE), then reboot\n",
           g_long ? "long" : "default",
           g_long ? "" : "; PRAM_POWERLOSS_LONG=1 for the long one");
    printf("%-22s %-7s %5s %12s %11s\n", "operation", "mode", "sizes", "cut points", "violations");
    for (r = 0; r < ROW_COUNT; r++) {
        char sz[16];
        if (rows[r].nsizes)
            snprintf(sz, sizeof sz, "%u", rows[r].nsizes);
        else
            snprintf(sz, sizeof sz, "-");
        printf("%-22s %-7s %5s %12lu %11lu\n", rows[r].op, rows[r].mode, sz, rows[r].cuts,
               rows[r].violations);
        cuts += rows[r].cuts;
        viol += rows[r].violations;
    }
    printf("%-22s %-7s %5s %12lu %11lu\n", "total", "", "", cuts, viol);
    printf("sequence: %u steps on 2 A/B + 2 single-slot cells and a %u-byte buffer; "
           "%.1f s\n\n",
           NSTEPS, LQ_CAP, secs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cell_ops),
        cmocka_unit_test(test_buf_ops),
        cmocka_unit_test(test_sequence),
    };
    const char *env = getenv("PRAM_POWERLOSS_LONG");
    clock_t c0 = clock();
    int rc;
    unsigned long viol = 0;
    int r;
    g_long = env && *env && strcmp(env, "0") != 0;
    rc = cmocka_run_group_tests_name("powerloss", tests, NULL, teardown_group);
    print_table((double)(clock() - c0) / CLOCKS_PER_SEC);
    for (r = 0; r < ROW_COUNT; r++)
        viol += rows[r].violations;
    fflush(stdout);
    return rc ? rc : viol ? 1 : 0;
}
