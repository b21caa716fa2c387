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
 *     the records a cut ring append (or streamed write) was dropping are all
 *     there or all gone; nothing from before a clear ever returns, and
 *     sequence numbers never go back.  Buffers are checked against a
 *     positional model (below, "Positional model"): a reboot must show
 *     exactly one of the states the interrupted call can commit, record by
 *     record (sequence number, position, length, bytes), oldest to newest
 *     and back; where the cut left both control slots valid, each is also
 *     damaged in turn; where the reboot's open itself stores (finishing a
 *     cut clear, scrubbing), it is cut at its stores too;
 *   - a second operation after the reboot works and reads back;
 *   - no store lands outside the container (guard words around each one).
 * Rings and streamed records: appends that drop 0, 1 and many records,
 * wraps at the end of the data area (exact fit, padding left, tiny and
 * maximum records), streamed records (odd chunks, ring drops, the move to
 * offset 0), cancel, clear; each scenario is checked to do what its row
 * says.  Preemption: at every store of an append, a clear and a streamed
 * record, an "interrupt" appends on the same handle, without and with the
 * critical-section hook (then deferred to the section's end).  Faults: at
 * every store, a "fault handler" takes the handle over, appends a crash
 * record and the power is cut.
 * Then multi-step scenarios: a fixed sequence of mixed operations is run
 * with one cut at every store of the whole sequence, littlefs-style "linear"
 * (cut after 1 store, reboot, redo the interrupted step, cut after 2, ...),
 * and with random cut schedules; the final state must equal the uncut run's.
 *
 * Prints a table (operation, mode, sizes, cut points, violations) at the end.
 * PRAM_POWERLOSS_LONG=1 enlarges the campaign (all sizes, more seeds; for
 * rings every append length on each pre-state, more streamed scripts and
 * interrupt lengths, every tear mask, cuts inside every fault handler).
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
#define MAX_RECS 160u
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
    ROW_FORMAT, ROW_REPAIR,
    ROW_RING_DROP0, ROW_RING_DROP1, ROW_RING_DROPN, ROW_RING_WRAP, ROW_STREAM_RING, ROW_STREAM_LIN,
    ROW_CANCEL, ROW_RING_CLEAR,
    ROW_PRE_APP_N, ROW_PRE_APP_H, ROW_PRE_CLEAR_N, ROW_PRE_CLEAR_H, ROW_PRE_STREAM_N, ROW_PRE_STREAM_H,
    ROW_FAULT_APP_N, ROW_FAULT_APP_H, ROW_FAULT_DROP_N, ROW_FAULT_DROP_H, ROW_FAULT_STREAM_N,
    ROW_FAULT_STREAM_H, ROW_FAULT_CLEAR_N, ROW_FAULT_CLEAR_H, ROW_FAULT_CUT2,
    ROW_SEQ_EACH, ROW_SEQ_LINEAR, ROW_SEQ_RANDOM, ROW_COUNT
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
    {"buf append small", "linear", 0, {0}, 0, 0},
    {"buf append large", "linear", 0, {0}, 0, 0},
    {"buf append exact fit", "linear", 0, {0}, 0, 0},
    {"buf clear", "linear", 0, {0}, 0, 0},
    {"buf clear seq wrap", "linear", 0, {0}, 0, 0},
    {"buf open format", "-", 0, {0}, 0, 0},
    {"buf open cut-off fix", "-", 0, {0}, 0, 0},
    {"ring append, drop 0", "ring", 0, {0}, 0, 0},
    {"ring append, drop 1", "ring", 0, {0}, 0, 0},
    {"ring append, drop many", "ring", 0, {0}, 0, 0},
    {"ring wrap at the end", "ring", 0, {0}, 0, 0},
    {"streamed record", "ring", 0, {0}, 0, 0},
    {"streamed record", "linear", 0, {0}, 0, 0},
    {"streamed, cancelled", "mixed", 0, {0}, 0, 0},
    {"ring clear", "ring", 0, {0}, 0, 0},
    {"preempted append", "no hook", 0, {0}, 0, 0},
    {"preempted append", "hook", 0, {0}, 0, 0},
    {"preempted clear", "no hook", 0, {0}, 0, 0},
    {"preempted clear", "hook", 0, {0}, 0, 0},
    {"preempted stream", "no hook", 0, {0}, 0, 0},
    {"preempted stream", "hook", 0, {0}, 0, 0},
    {"fault in append", "no hook", 0, {0}, 0, 0},
    {"fault in append", "hook", 0, {0}, 0, 0},
    {"fault in ring drop", "no hook", 0, {0}, 0, 0},
    {"fault in ring drop", "hook", 0, {0}, 0, 0},
    {"fault in stream", "no hook", 0, {0}, 0, 0},
    {"fault in stream", "hook", 0, {0}, 0, 0},
    {"fault in clear", "no hook", 0, {0}, 0, 0},
    {"fault in clear", "hook", 0, {0}, 0, 0},
    {"fault, cut in handler", "no hook", 0, {0}, 0, 0},
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

/* Record payloads: a stream from the tag alone, so that a shorter record of
 * the same tag is a prefix (a streamed record's chunks are slices of it). */
static void make_payload(uint8_t *dst, uint32_t len, unsigned tag)
{
    uint64_t s = 0xC0FFEE00ull ^ ((uint64_t)tag << 36);
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
#define HDR PRAM_BUF_RECORD_HEADER
#define SPACE(len) PRAM_BUF_RECORD_SPACE(len)
#define MAXREC PRAM_RECORD_MAX_SIZE

typedef struct {
    const char *name;
    const pram_buf_def_t *def;
    uint32_t *mem;
    uint32_t words;
    uint32_t cap;
} buf_ent_t;

/* Linear and ring buffers share storage (one scenario at a time). */
static uint32_t bs_mem[2u * GUARD_WORDS + PRAM_BUF_STORAGE_SIZE(BS_CAP) / 4u];
static uint32_t bl_mem[2u * GUARD_WORDS + PRAM_BUF_STORAGE_SIZE(BL_CAP) / 4u];
static const pram_buf_def_t bs_def = PRAM_BUF_DEF_AT(&bs_mem[GUARD_WORDS], PRAM_BUF_STORAGE_SIZE(BS_CAP), 1);
static const pram_buf_def_t bl_def = PRAM_BUF_DEF_AT(&bl_mem[GUARD_WORDS], PRAM_BUF_STORAGE_SIZE(BL_CAP), 1);
static const pram_buf_def_t rs_def =
    PRAM_BUF_DEF_RING_AT(&bs_mem[GUARD_WORDS], PRAM_BUF_STORAGE_SIZE(BS_CAP), 2);
static const pram_buf_def_t rl_def =
    PRAM_BUF_DEF_RING_AT(&bl_mem[GUARD_WORDS], PRAM_BUF_STORAGE_SIZE(BL_CAP), 2);
static const buf_ent_t buf_small = {"buf256", &bs_def, bs_mem, (uint32_t)(sizeof bs_mem / 4u), BS_CAP};
static const buf_ent_t buf_large = {"buf4352", &bl_def, bl_mem, (uint32_t)(sizeof bl_mem / 4u), BL_CAP};
static const buf_ent_t ring_small = {"ring256", &rs_def, bs_mem, (uint32_t)(sizeof bs_mem / 4u), BS_CAP};
static const buf_ent_t ring_large = {"ring4352", &rl_def, bl_mem, (uint32_t)(sizeof bl_mem / 4u), BL_CAP};

/* ---- What a reboot sees ---------------------------------------------------- */

/* The records, oldest first, copied out, as pram_buf_next and pram_buf_read
 * give them (pram_buf_prev must give the same, newest first), and the
 * handle's tail and next sequence number. */
typedef struct {
    int open_rc;
    int err;
    unsigned n;
    uint32_t seq[MAX_RECS];
    uint32_t pos[MAX_RECS];
    uint32_t off[MAX_RECS];
    uint16_t len[MAX_RECS];
    uint32_t tail, next;
    uint8_t data[BL_CAP];
} obs_t;

static uint8_t g_scratch[BL_CAP];
static uint8_t g_pay[BL_CAP];
static pram_buf_t g_h;

static int obs_rec_is(const obs_t *o, unsigned i, uint32_t len, unsigned tag)
{
    if (o->len[i] != len)
        return 0;
    make_payload(g_scratch, len, tag);
    return memcmp(o->data + o->off[i], g_scratch, len) == 0;
}

static void observe_handle(pram_buf_t *h, obs_t *o)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t used = 0;
    unsigned i;
    int rc, cnt;
    o->n = 0;
    o->err = 0;
    o->tail = h->tail;
    o->next = h->seq;
    for (;;) {
        rc = pram_buf_next(h, &it, &r);
        if (rc == 0)
            break;
        if (rc < 0) {
            o->err = rc;
            return;
        }
        if (o->n >= MAX_RECS || r.len > sizeof o->data - used) {
            o->err = -100;
            return;
        }
        rc = pram_buf_read(h, &r, o->data + used, sizeof o->data - used);
        if (rc != (int)r.len || (r.len && (!r.data || memcmp(r.data, o->data + used, r.len) != 0))) {
            o->err = rc < 0 ? rc : -101;
            return;
        }
        o->seq[o->n] = r.seq;
        o->pos[o->n] = r.pos;
        o->len[o->n] = (uint16_t)r.len;
        o->off[o->n] = used;
        o->n++;
        used += r.len;
    }
    cnt = pram_buf_count(h);
    if (cnt != (int)o->n) {
        o->err = -102;
        return;
    }
    /* Newest first: the same records. */
    {
        pram_buf_iter_t back = PRAM_BUF_ITER_INIT;
        for (i = o->n; i-- > 0;) {
            rc = pram_buf_prev(h, &back, &r);
            if (rc != 1 || r.seq != o->seq[i] || r.pos != o->pos[i] || r.len != o->len[i]) {
                o->err = rc < 0 ? rc : -103;
                return;
            }
        }
        if (pram_buf_prev(h, &back, &r) != 0)
            o->err = -103;
    }
}

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

/* ---- Record lists (the multi-step scenario's model) ------------------------ */

typedef struct {
    uint16_t len;
    uint16_t tag;
} rec_t;

typedef struct {
    unsigned n;
    rec_t r[MAX_RECS];
} rlist_t;

static void rl_add(rlist_t *l, unsigned tag, uint32_t len)
{
    assert_true(l->n < MAX_RECS);
    l->r[l->n].len = (uint16_t)len;
    l->r[l->n].tag = (uint16_t)tag;
    l->n++;
}

static uint32_t rl_used(const rlist_t *l)
{
    uint32_t u = 0;
    unsigned i;
    for (i = 0; i < l->n; i++)
        u += SPACE(l->r[i].len);
    return u;
}

static int obs_equals(const obs_t *o, const rlist_t *l)
{
    unsigned i;
    if (o->err || o->n != l->n)
        return 0;
    for (i = 0; i < l->n; i++)
        if (!obs_rec_is(o, i, l->r[i].len, l->r[i].tag))
            return 0;
    return 1;
}

static rlist_t b_hist; /* every record the multi-step scenario committed */

static int rl_find(const rlist_t *l, const obs_t *o, unsigned i)
{
    unsigned k;
    for (k = 0; k < l->n; k++)
        if (obs_rec_is(o, i, l->r[k].len, l->r[k].tag))
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
        int in_a = i < a->n && obs_rec_is(o, i, a->r[i].len, a->r[i].tag);
        int in_b = b && i < b->n && obs_rec_is(o, i, b->r[i].len, b->r[i].tag);
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

/* ---- Positional model of a buffer ------------------------------------------ */

/* The records a buffer must hold as (seq, position, length, tag), placed by
 * the documented rule alone (include/pram/pram_buf.h, docs/design.md): at
 * the end of the newest record if [tail, tail + need) is inside the area and
 * overlaps no record, else at offset 0 if [0, need) overlaps none; a ring
 * drops its oldest record and tries again.  "tail" is the end of the newest
 * record, or where an empty buffer's next record goes.  A streamed record
 * grows in place, drops the oldest records of a ring as it grows and moves
 * to 0 once when the end of the area (not a record) stops it.  The model
 * knows nothing of the library's head/wrap bookkeeping. */
typedef struct {
    uint32_t seq, pos;
    uint16_t len, tag;
} mrec_t;

typedef struct {
    uint32_t D;
    int ring;
    unsigned n;
    uint32_t tail;
    uint32_t next; /* the next record's sequence number */
    int streaming;
    uint32_t s_pos, s_len;
    uint16_t s_tag;
    /* 1: the state a clear cut after its first store leaves, as far as the
     * documentation pins it: no records, sequence numbers going on.  The
     * library may skip numbers (its next seq, and every later record's, d
     * above the model's, 0 <= d < 2^31) but never go back. */
    int flex;
    mrec_t r[MAX_RECS];
} bm_t;

/* What the last model call did (for the rows' "it really did" checks). */
static struct {
    unsigned drops, moves;
    int wrapped;   /* the record went to 0 instead of the tail spot */
    uint32_t pad;  /* bytes left before the end by that wrap       */
    int exact_end; /* the record (or stream) ends exactly at the end */
} mst;

enum { C_APPEND, C_BEGIN, C_WRITE, C_COMMIT, C_CANCEL, C_CLEAR };
static const char *const call_names[] = {"append", "begin", "write", "commit", "cancel", "clear"};

typedef struct {
    uint8_t kind;
    uint16_t len; /* append: payload bytes; write: chunk bytes */
    uint16_t tag; /* append, begin */
} call_t;

/* Every record any model committed in the current scenario: to name a stale
 * record in a violation message. */
static struct {
    unsigned n;
    uint16_t len[512], tag[512];
} hist;

static void hist_add(uint32_t len, unsigned tag)
{
    unsigned i;
    for (i = 0; i < hist.n; i++)
        if (hist.len[i] == len && hist.tag[i] == tag)
            return;
    if (hist.n < 512u) {
        hist.len[hist.n] = (uint16_t)len;
        hist.tag[hist.n] = (uint16_t)tag;
        hist.n++;
    }
}

static void bm_init(bm_t *m, const buf_ent_t *b)
{
    memset(m, 0, sizeof *m);
    m->D = b->cap;
    m->ring = b->def->mode == PRAM_BUF_RING;
}

static int bm_free(const bm_t *m, uint32_t p, uint32_t need)
{
    unsigned i;
    if (p > m->D || m->D - p < need)
        return 0;
    for (i = 0; i < m->n; i++) {
        uint32_t a = m->r[i].pos, e = a + SPACE(m->r[i].len);
        if (p < e && a < p + need)
            return 0;
    }
    return 1;
}

/* 1 if a record starts at or after p. */
static int bm_rec_after(const bm_t *m, uint32_t p)
{
    unsigned i;
    for (i = 0; i < m->n; i++)
        if (m->r[i].pos >= p)
            return 1;
    return 0;
}

static void bm_drop(bm_t *m)
{
    assert_true(m->n > 0);
    memmove(&m->r[0], &m->r[1], (m->n - 1u) * sizeof m->r[0]);
    m->n--;
    mst.drops++;
}

static int64_t bm_place(bm_t *m, uint32_t need)
{
    for (;;) {
        if (bm_free(m, m->tail, need))
            return m->tail;
        if (bm_free(m, 0u, need))
            return 0;
        if (!m->ring || !m->n)
            return -1;
        bm_drop(m);
    }
}

static void bm_add(bm_t *m, uint32_t pos, uint32_t len, unsigned tag)
{
    mrec_t *r;
    assert_true(m->n < MAX_RECS);
    r = &m->r[m->n++];
    r->seq = m->next++;
    r->pos = pos;
    r->len = (uint16_t)len;
    r->tag = (uint16_t)tag;
    m->tail = pos + SPACE(len);
    hist_add(len, tag);
}

/* Visible state: what a reboot can see. */
static int bm_vis_equal(const bm_t *a, const bm_t *b)
{
    unsigned i;
    if (a->n != b->n || a->tail != b->tail || a->next != b->next || a->flex != b->flex)
        return 0;
    for (i = 0; i < a->n; i++)
        if (a->r[i].seq != b->r[i].seq || a->r[i].pos != b->r[i].pos || a->r[i].len != b->r[i].len ||
            a->r[i].tag != b->r[i].tag)
            return 0;
    return 1;
}

/* Checkpoints: the visible states an operation passes through, in order
 * (each one committed by a single store: a control-block commit or a
 * record's commit word).  A cut inside call j leaves the state before it or
 * one of the states j commits. */
#define MAX_CP 48u
static bm_t cps[MAX_CP];
static unsigned ncp;
/* Where bm_call records checkpoints: NULL (nowhere), or an array. */
static bm_t *cp_arr;
static unsigned *cp_n, cp_cap;

static void cp_push(const bm_t *m)
{
    if (!cp_arr)
        return;
    if (*cp_n && bm_vis_equal(&cp_arr[*cp_n - 1u], m))
        return;
    assert_true(*cp_n < cp_cap);
    cp_arr[(*cp_n)++] = *m;
}

static void cp_record(bm_t *arr, unsigned *n, unsigned cap)
{
    cp_arr = arr;
    cp_n = n;
    cp_cap = cap;
}

static void note_place(const bm_t *m, uint32_t at, uint32_t need)
{
    if (at != m->tail) {
        mst.wrapped = 1;
        mst.pad = m->tail <= m->D ? m->D - m->tail : 0u;
    }
    if (at + need == m->D)
        mst.exact_end = 1;
}

/* Applies one call to the model; returns what the library must return. */
static int bm_call(bm_t *m, const call_t *c)
{
    static bm_t save, tmp;
    int64_t at;
    uint32_t need;
    memset(&mst, 0, sizeof mst);
    switch (c->kind) {
    case C_APPEND:
    case C_BEGIN:
        if (m->streaming)
            return PRAM_ERR_BUSY;
        need = c->kind == C_APPEND ? SPACE(c->len) : HDR;
        if (c->kind == C_APPEND && (c->len > MAXREC || need > m->D))
            return PRAM_ERR_TOO_LARGE;
        save = *m;
        at = bm_place(m, need);
        if (at < 0) {
            *m = save;
            mst.drops = 0;
            return PRAM_ERR_NO_SPACE;
        }
        note_place(m, (uint32_t)at, need);
        if (!m->n)
            m->tail = (uint32_t)at;
        cp_push(m);
        if (c->kind == C_APPEND) {
            bm_add(m, (uint32_t)at, c->len, c->tag);
            cp_push(m);
        } else {
            m->streaming = 1;
            m->s_pos = (uint32_t)at;
            m->s_len = 0;
            m->s_tag = c->tag;
        }
        return PRAM_OK;
    case C_WRITE:
        if (!m->streaming)
            return PRAM_ERR_SCOPE;
        if (c->len > MAXREC - m->s_len || SPACE(m->s_len + c->len) > m->D)
            return PRAM_ERR_TOO_LARGE;
        if (!c->len)
            return PRAM_OK;
        need = SPACE(m->s_len + c->len);
        for (;;) {
            if (bm_free(m, m->s_pos, need))
                break;
            if (!m->ring)
                return PRAM_ERR_NO_SPACE;
            if (m->s_pos && !bm_rec_after(m, m->s_pos) && bm_free(m, 0u, need)) {
                m->s_pos = 0;
                mst.moves++;
                mst.wrapped = 1;
                continue;
            }
            bm_drop(m);
        }
        if (!m->n)
            m->tail = m->s_pos;
        if (m->s_pos + need == m->D)
            mst.exact_end = 1;
        cp_push(m);
        m->s_len += c->len;
        return PRAM_OK;
    case C_COMMIT:
        if (!m->streaming)
            return PRAM_ERR_SCOPE;
        m->streaming = 0;
        bm_add(m, m->s_pos, m->s_len, m->s_tag);
        cp_push(m);
        return PRAM_OK;
    case C_CANCEL:
        if (!m->streaming)
            return PRAM_ERR_SCOPE;
        m->streaming = 0;
        return PRAM_OK;
    default: /* C_CLEAR */
        if (m->streaming)
            return PRAM_ERR_BUSY;
        if (m->n) {
            /* Its first store retires the oldest record: a reset there
             * forgets every record (design.md, "clear"); the next record
             * goes where the oldest was or at 0, and sequence numbers go
             * on ("they never repeat", pram_buf.h). */
            tmp = *m;
            tmp.n = 0;
            tmp.flex = 1;
            tmp.tail = m->r[0].pos;
            cp_push(&tmp);
            tmp.tail = 0;
            cp_push(&tmp);
        }
        m->n = 0;
        m->tail = 0;
        cp_push(m);
        return PRAM_OK;
    }
}

/* Matches a reboot's view against a model state. */
static int obs_matches(const obs_t *o, const bm_t *m)
{
    uint32_t d = m->flex ? o->next - m->next : 0u;
    unsigned i;
    if (o->err || o->n != m->n || o->tail != m->tail || o->next != m->next + d || d >= 0x80000000u)
        return 0;
    for (i = 0; i < m->n; i++)
        if (o->seq[i] != m->r[i].seq + d || o->pos[i] != m->r[i].pos ||
            !obs_rec_is(o, i, m->r[i].len, m->r[i].tag))
            return 0;
    return 1;
}

/* *m as o shows it: a flexible state takes the library's numbering. */
static void bm_adopt(bm_t *m, const obs_t *o)
{
    uint32_t d;
    unsigned i;
    if (!m->flex)
        return;
    d = o->next - m->next;
    for (i = 0; i < m->n; i++)
        m->r[i].seq += d;
    m->next += d;
    m->flex = 0;
}

/* "n=3 tail 56 next 3: 0@0/5#21 1@16/17#22 ..." into buf. */
static void describe_model(char *buf, size_t cap, const bm_t *m)
{
    size_t k;
    unsigned i;
    k = (size_t)snprintf(buf, cap, "n=%u tail %u next %s%lu:", m->n, (unsigned)m->tail,
                         m->flex ? ">=" : "", (unsigned long)m->next);
    for (i = 0; i < m->n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, " %lu@%u/%u#%X", (unsigned long)m->r[i].seq,
                              (unsigned)m->r[i].pos, (unsigned)m->r[i].len, (unsigned)m->r[i].tag);
}

static void describe_obs(char *buf, size_t cap, const obs_t *o)
{
    size_t k;
    unsigned i, j;
    k = (size_t)snprintf(buf, cap, "open %d err %d n=%u tail %u next %lu:", o->open_rc, o->err, o->n,
                         (unsigned)o->tail, (unsigned long)o->next);
    for (i = 0; i < o->n && k < cap; i++) {
        int tag = -1;
        for (j = 0; j < hist.n; j++)
            if (obs_rec_is(o, i, hist.len[j], hist.tag[j])) {
                tag = hist.tag[j];
                break;
            }
        if (tag >= 0)
            k += (size_t)snprintf(buf + k, cap - k, " %lu@%u/%u#%X", (unsigned long)o->seq[i],
                                  (unsigned)o->pos[i], (unsigned)o->len[i], (unsigned)tag);
        else
            k += (size_t)snprintf(buf + k, cap - k, " %lu@%u/%u#garbage", (unsigned long)o->seq[i],
                                  (unsigned)o->pos[i], (unsigned)o->len[i]);
    }
}

/* o must match one of the n states; returns its index or -1 (reported). */
static int match_states(const obs_t *o, const bm_t *states, unsigned n, const char *when)
{
    static char a[2048], b[2048];
    unsigned i;
    if (o->err) {
        describe_obs(a, sizeof a, o);
        violation("%s: iterating the records failed (%d: %s): %s", when, o->err,
                  pram_strerror(o->err), a);
        return -1;
    }
    for (i = 0; i < n; i++)
        if (obs_matches(o, &states[i]))
            return (int)i;
    describe_obs(a, sizeof a, o);
    violation("%s: reads %s", when, a);
    for (i = 0; i < n; i++) {
        describe_model(b, sizeof b, &states[i]);
        if (msgs <= MAX_PRINT)
            printf("    allowed: %s\n", b);
    }
    return -1;
}
/* ---- Operations: calls on the handle, with the model ----------------------- */

enum {
    TAG_PRE = 0x20,     /* pre-state records: TAG_PRE + k  */
    TAG_OP = 0x50,      /* the operation's records         */
    TAG_BPROBE = 0x7A,  /* the second operation's probes   */
    TAG_ISR = 0x90,     /* the interrupt's record          */
    TAG_CRASH = 0xC4,   /* the fault handler's record      */
};

static const buf_ent_t *g_buf;
static bm_t g_m;       /* model of what the buffer holds now         */
static bm_t g_m_final; /* model after the planned script (uncut run) */
static obs_t g_obs, g_obs2, g_obs_tmp;
static unsigned g_pre_tag;

/* A script: the calls of one operation, planned on the model: the chunk
 * offset and tag of each write, the expected return codes, and the
 * checkpoints each call may leave. */
#define MAX_CALLS 20u
static struct {
    unsigned n;
    call_t c[MAX_CALLS];
    uint32_t off[MAX_CALLS]; /* write: the chunk's offset in the record */
    uint16_t stag[MAX_CALLS];
    int rc[MAX_CALLS];
    unsigned lo[MAX_CALLS], hi[MAX_CALLS]; /* checkpoints: before the call .. after it */
    int open_after[MAX_CALLS];             /* a streamed record is open after the call */
    uint64_t cum[MAX_CALLS];               /* stores up to the end of the call (uncut run) */
    unsigned drops, max_drops, moves, wraps, exact_end;
    uint32_t max_pad, max_len, min_wrap_len;
} plan;

/* One call on h; the payload is made in pay (an interrupt has its own). */
static int api_call_in(pram_buf_t *h, const call_t *c, uint32_t off, unsigned stag, uint8_t *pay)
{
    switch (c->kind) {
    case C_APPEND:
        make_payload(pay, c->len, c->tag);
        return pram_buf_append(h, pay, c->len);
    case C_BEGIN:
        return pram_buf_begin(h);
    case C_WRITE:
        make_payload(pay, off + c->len, stag);
        return pram_buf_write(h, pay + off, c->len);
    case C_COMMIT:
        return pram_buf_commit(h);
    case C_CANCEL:
        return pram_buf_cancel(h);
    default:
        return pram_buf_clear(h);
    }
}

static int api_call(pram_buf_t *h, const call_t *c, uint32_t off, unsigned stag)
{
    return api_call_in(h, c, off, stag, g_pay);
}

/* One call through the API and the model: the library must return what the
 * model says. */
static void do_call(pram_buf_t *h, bm_t *m, unsigned kind, uint32_t len, unsigned tag, const char *when)
{
    call_t c;
    uint32_t off = m->s_len;
    unsigned stag = m->s_tag;
    int want, rc;
    c.kind = (uint8_t)kind;
    c.len = (uint16_t)len;
    c.tag = (uint16_t)tag;
    want = bm_call(m, &c);
    rc = api_call(h, &c, off, stag);
    if (rc != want)
        violation("%s: %s %u -> %s, model says %s", when, call_names[kind], (unsigned)len,
                  pram_strerror(rc), pram_strerror(want));
}

/* ---- Pre-states ------------------------------------------------------------ */

static void pre_start(const buf_ent_t *b, const char *name)
{
    int rc;
    g_buf = b;
    cx.obj = b->name;
    cx.pre = name;
    cx.size = 0;
    cx.extra = ~0u;
    begin_check(0, 0);
    hist.n = 0;
    g_pre_tag = TAG_PRE;
    mem_reset(b->mem, b->words);
    bm_init(&g_m, b);
    fresh(&g_h, b->def);
    rc = pram_buf_open(&g_h);
    if (rc != PRAM_BUF_COLD)
        violation("pre-state: open -> %d", rc);
}

static void pre_app(uint32_t len)
{
    do_call(&g_h, &g_m, C_APPEND, len, g_pre_tag++, "pre-state");
}

static void pre_clear(void)
{
    do_call(&g_h, &g_m, C_CLEAR, 0, 0, "pre-state");
}

static void pre_stream(const uint16_t *chunks, unsigned n, int commit)
{
    unsigned i;
    do_call(&g_h, &g_m, C_BEGIN, 0, g_pre_tag++, "pre-state");
    for (i = 0; i < n; i++)
        do_call(&g_h, &g_m, C_WRITE, chunks[i], 0, "pre-state");
    do_call(&g_h, &g_m, commit ? C_COMMIT : C_CANCEL, 0, 0, "pre-state");
}

static void pre_reboot(void)
{
    obs_t *o = &g_obs_tmp;
    observe_boot(g_buf->def, o);
    if (o->open_rc != PRAM_BUF_INTACT || !obs_matches(o, &g_m))
        (void)match_states(o, &g_m, 1, "pre-state reboot");
}

static void craft_control(const pram_buf_def_t *d, uint32_t data_size, uint32_t head, uint32_t head_seq)
{
    pram_cell_t cc;
    pram_buf_control_t ctl;
    int rc;
    pram__buf_control_cell(d, &cc);
    ctl.data_size = data_size;
    ctl.head = head;
    ctl.head_seq = head_seq;
    rc = pram_cell_set(&cc, &ctl, sizeof ctl);
    if (rc != PRAM_OK)
        violation("pre-state: crafting the control block -> %s", pram_strerror(rc));
}

/* An empty buffer whose next record goes to data offset `head`, the older
 * records left in memory: the control block set to {D, head, next seq}.
 * (The state a clear cut after its first store leaves, if the oldest record
 * was at `head`; crafted, so that it does not depend on what open makes of
 * that cut.) */
static void pre_spot(uint32_t head)
{
    craft_control(g_buf->def, g_buf->cap, head, g_m.next);
    g_m.n = 0;
    g_m.tail = head;
    pre_reboot();
}

/* The pre-state, saved: memory image, the opened handle, the model. */
static bm_t m_pre;
static pram_buf_t h_pre;

static void pre_done(void)
{
    uint64_t s0;
    int rc;
    assert_false(g_m.streaming);
    save_img(g_buf->mem, g_buf->words);
    m_pre = g_m;
    /* Boot on it: intact, the model's records, no store. */
    s0 = pram_test_stores;
    fresh(&h_pre, g_buf->def);
    rc = pram_buf_open(&h_pre);
    if (rc != PRAM_BUF_INTACT)
        violation("pre-state: open -> %d", rc);
    if (pram_test_stores != s0)
        violation("pre-state: open of the intact image made %llu stores",
                  (unsigned long long)(pram_test_stores - s0));
    g_h = h_pre;
    observe_handle(&g_h, &g_obs_tmp);
    if (!obs_matches(&g_obs_tmp, &m_pre))
        (void)match_states(&g_obs_tmp, &m_pre, 1, "pre-state");
    if (memcmp(g_buf->mem, img_pre, (size_t)g_buf->words * 4u) != 0)
        violation("pre-state: reading stored something");
}

/* Back to the pre-state: memory, handle (as the boot-time open left it) and model. */
static void pre_restore(void)
{
    restore_img(g_buf->mem, g_buf->words);
    g_h = h_pre;
    g_m = m_pre;
}

/* ---- Planning a script on the model ---------------------------------------- */

static void plan_script(const call_t *calls, unsigned n)
{
    bm_t m = m_pre;
    unsigned j;
    assert_true(n <= MAX_CALLS);
    memset(&plan, 0, sizeof plan);
    plan.n = n;
    plan.min_wrap_len = ~0u;
    ncp = 0;
    cp_record(cps, &ncp, MAX_CP);
    cp_push(&m);
    for (j = 0; j < n; j++) {
        plan.c[j] = calls[j];
        plan.off[j] = m.s_len;
        plan.stag[j] = m.s_tag;
        plan.lo[j] = ncp - 1u;
        plan.rc[j] = bm_call(&m, &calls[j]);
        plan.hi[j] = ncp - 1u;
        plan.open_after[j] = m.streaming;
        plan.drops += mst.drops;
        if (mst.drops > plan.max_drops)
            plan.max_drops = mst.drops;
        plan.moves += mst.moves;
        if (mst.wrapped && plan.rc[j] == PRAM_OK) {
            plan.wraps++;
            if (mst.pad > plan.max_pad)
                plan.max_pad = mst.pad;
            if (calls[j].kind == C_APPEND && calls[j].len < plan.min_wrap_len)
                plan.min_wrap_len = calls[j].len;
        }
        if (mst.exact_end && plan.rc[j] == PRAM_OK)
            plan.exact_end++;
        if (calls[j].kind == C_APPEND && plan.rc[j] == PRAM_OK && calls[j].len > plan.max_len)
            plan.max_len = calls[j].len;
    }
    cp_record(NULL, NULL, 0);
    g_m_final = m;
}

/* Runs the planned calls on g_h (under run_cut). */
static volatile unsigned g_cur;   /* call in progress              */
static int g_rcs[MAX_CALLS];
static uint64_t g_cum[MAX_CALLS]; /* pram_test_stores after each call */
static int g_between = -1;        /* after this call: between_fn() */
static void (*between_fn)(void);

static void script_op(void *unused)
{
    unsigned j;
    (void)unused;
    for (j = 0; j < plan.n; j++) {
        g_cur = j;
        g_rcs[j] = api_call(&g_h, &plan.c[j], plan.off[j], plan.stag[j]);
        g_cum[j] = pram_test_stores;
        if (g_between == (int)j)
            between_fn();
    }
    g_cur = plan.n;
}

static void check_rcs(const char *when)
{
    unsigned j;
    for (j = 0; j < plan.n; j++)
        if (g_rcs[j] != plan.rc[j])
            violation("%s: call %u (%s %u) -> %s, model says %s", when, j, call_names[plan.c[j].kind],
                      (unsigned)plan.c[j].len, pram_strerror(g_rcs[j]), pram_strerror(plan.rc[j]));
}

/* The second operation after a reboot on state *from: two appends (the
 * first as long as the first record before the operation, so that if those
 * records are gone it ends where the second one began), each followed by a
 * reboot that must show exactly the model. */
static void probe_ops(const bm_t *from, int clear_first)
{
    static bm_t m;
    obs_t *o = &g_obs2;
    unsigned k;
    int want, rc;
    m = *from;
    bm_adopt(&m, &g_obs); /* the reboot that matched *from */
    m.streaming = 0;      /* a reboot ends a streamed record */
    if (clear_first) {
        call_t cl = {C_CLEAR, 0, 0};
        (void)bm_call(&m, &cl);
        rc = pram_buf_clear(&g_h);
        if (rc != PRAM_OK) {
            violation("second operation: clear -> %s", pram_strerror(rc));
            return;
        }
    }
    for (k = 0; k < 2; k++) {
        call_t c;
        c.kind = C_APPEND;
        c.len = (uint16_t)(m_pre.n ? m_pre.r[k < m_pre.n ? k : 0].len : 6u);
        if (k == 1 && !clear_first)
            c.len = 6u;
        c.tag = (uint16_t)(TAG_BPROBE + k);
        want = bm_call(&m, &c);
        rc = api_call(&g_h, &c, 0, 0);
        if (want == PRAM_ERR_NO_SPACE && rc == PRAM_ERR_NO_SPACE) {
            call_t cl = {C_CLEAR, 0, 0};
            (void)bm_call(&m, &cl);
            rc = pram_buf_clear(&g_h);
            if (rc != PRAM_OK) {
                violation("second operation: clear -> %s", pram_strerror(rc));
                return;
            }
            want = bm_call(&m, &c);
            rc = api_call(&g_h, &c, 0, 0);
        }
        if (rc != want) {
            violation("second operation: append -> %s, model says %s", pram_strerror(rc),
                      pram_strerror(want));
            return;
        }
        if (!guards_ok(g_buf->mem, g_buf->words))
            violation("second operation: a store landed outside the buffer");
        observe_boot(g_buf->def, o);
        if (o->open_rc != PRAM_BUF_INTACT)
            violation("second operation: reopen -> %d", o->open_rc);
        if (match_states(o, &m, 1, clear_first ? "second operation after a clear" : "second operation") < 0)
            return;
    }
}

/* The second operation after a reboot on state *from: two appends (the
 * first as long as the first record before the operation, so that if those
 * records are gone it ends where the second one began), each followed by a
 * reboot that must show exactly the model. */
static void probe_buf(const bm_t *from)
{
    probe_ops(from, 0);
}

/* The uncut run of the planned script from the pre-state: the model's
 * results, on the handle and after a reboot, and the second operation. */
static uint64_t reference_run(void)
{
    uint64_t s0, stores;
    pre_restore();
    begin_check(0, 0);
    s0 = pram_test_stores;
    script_op(NULL);
    stores = pram_test_stores - s0;
    {
        unsigned j;
        for (j = 0; j < plan.n; j++)
            plan.cum[j] = g_cum[j] - s0;
    }
    check_rcs("uncut run");
    observe_handle(&g_h, &g_obs);
    (void)match_states(&g_obs, &g_m_final, 1, "uncut run, same handle");
    if (!guards_ok(g_buf->mem, g_buf->words))
        violation("uncut run stored outside the buffer");
    observe_boot(g_buf->def, &g_obs);
    if (g_obs.open_rc != PRAM_BUF_INTACT)
        violation("uncut run: reopen -> %d", g_obs.open_rc);
    if (match_states(&g_obs, &g_m_final, 1, "uncut run, reboot") >= 0)
        probe_buf(&g_m_final);
    if (pram_test_crit_depth != 0 || pram_test_irq_is_pending())
        violation("uncut run: critical-section depth %u after the calls", pram_test_crit_depth);
    return stores;
}

/* Statistics over the cut rows. */
static unsigned long rows_mid[ROW_COUNT]; /* cuts that left a state between the
                                             operation's first and last       */
static unsigned long st_flips, st_flip_old;
static uint32_t img_cut[MAX_IMG_WORDS];

/* After a cut between an A/B control set's commit and its retire, both
 * control slots hold a valid value.  Damage to either (a flipped bit in
 * its value) must leave a state the cut could leave: the older slot's is
 * the state before the control changed (for a clear: its oldest record is
 * already retired, so nothing from before the clear comes back). */
static void flip_trials(unsigned j)
{
    uint8_t *base = (uint8_t *)&g_buf->mem[GUARD_WORDS];
    uint32_t m0, m1;
    unsigned slot;
    int k;
    memcpy(&m0, base, 4);
    memcpy(&m1, base + 24, 4);
    if (m0 != PRAM_MAGIC_CELL || m1 != PRAM_MAGIC_CELL)
        return;
    memcpy(img_cut, g_buf->mem, (size_t)g_buf->words * 4u);
    for (slot = 0; slot < 2; slot++) {
        memcpy(g_buf->mem, img_cut, (size_t)g_buf->words * 4u);
        base[slot * 24u + 20u] ^= 0x01u;
        st_flips++;
        observe_boot(g_buf->def, &g_obs);
        if (g_obs.open_rc != PRAM_BUF_INTACT)
            violation("cut, slot %u flipped, reboot: open -> %d", slot, g_obs.open_rc);
        k = match_states(&g_obs, &cps[plan.lo[j]], plan.hi[j] - plan.lo[j] + 1u,
                         slot ? "cut, control slot 1 flipped, reboot" : "cut, control slot 0 flipped, reboot");
        if (k >= 0) {
            if (k == 0)
                st_flip_old++;
            /* Then a clear and appends of the first records' lengths
             * (ending where they ended): none of them comes back. */
            probe_ops(&cps[plan.lo[j] + (unsigned)k], 1);
        }
    }
    memcpy(g_buf->mem, img_cut, (size_t)g_buf->words * 4u);
}

static unsigned long st_open_cuts;

static void open_op(void *unused)
{
    (void)unused;
    (void)pram_buf_open(&g_h);
}

/* When the reboot after a cut stores (open finishing a cut clear, or
 * scrubbing), power is cut again at each of those stores (whole and torn;
 * default: two masks; of a long open's stores the first and last 16 and
 * every 16th), then the next reboot must show a state the first cut
 * allowed. */
static unsigned long open_cut_budget; /* per scenario, default campaign */

static void open_cut_trials(unsigned j)
{
    static const unsigned tm2[] = {0x0u, 0x7u};
    const unsigned *tm = g_long ? tears : tm2;
    unsigned ntm = g_long ? NTEARS : 2u, t;
    uint64_t s0, stores, n;
    memcpy(img_cut, g_buf->mem, (size_t)g_buf->words * 4u);
    fresh(&g_h, g_buf->def);
    s0 = pram_test_stores;
    (void)pram_buf_open(&g_h);
    stores = pram_test_stores - s0;
    /* An open that rewrote only what was there (open's scrub over zeros)
     * leaves the same image wherever it is cut: nothing to add. */
    if (memcmp(g_buf->mem, img_cut, (size_t)g_buf->words * 4u) == 0)
        stores = 0;
    /* Every such open after a cut clear, else a budget per scenario (the
     * scrub after a cut append is much the same each time). */
    if (plan.c[j < plan.n ? j : 0].kind != C_CLEAR) {
        if (open_cut_budget == 0)
            stores = 0;
        else
            open_cut_budget--;
    }
    for (n = 1; n <= stores; n++) {
        if (n > 16u && n + 16u <= stores && n % 16u)
            continue;
        for (t = 0; t < ntm; t++) {
            memcpy(g_buf->mem, img_cut, (size_t)g_buf->words * 4u);
            fresh(&g_h, g_buf->def);
            st_open_cuts++;
            if (!run_cut(open_op, NULL, n, tm[t])) {
                violation("no cut: the reboot's open made fewer stores than before");
                continue;
            }
            observe_boot(g_buf->def, &g_obs);
            if (g_obs.open_rc != PRAM_BUF_INTACT)
                violation("cut during the reboot, reboot: open -> %d", g_obs.open_rc);
            (void)match_states(&g_obs, &cps[plan.lo[j]], plan.hi[j] - plan.lo[j] + 1u,
                               "cut during the reboot's open, reboot");
        }
    }
    memcpy(g_buf->mem, img_cut, (size_t)g_buf->words * 4u);
}

/* Cut at every store of the script (whole and torn), reboot, check, probe;
 * where the cut left both control slots valid, also damage each. */
static void sweep_cut(int row, const call_t *calls, unsigned ncalls, const unsigned *tm, unsigned ntm)
{
    uint64_t stores, n;
    unsigned t;
    cx.row = row;
    plan_script(calls, ncalls);
    stores = reference_run();
    if (stores == 0)
        violation("operation made no store");
    open_cut_budget = g_long ? 32u : 4u;
    for (n = 1; n <= stores; n++) {
        for (t = 0; t < ntm; t++) {
            unsigned j, at;
            int k;
            pre_restore();
            begin_trial(n, tm[t]);
            g_cur = 0;
            if (!run_cut(script_op, NULL, n, tm[t])) {
                violation("no cut: the operation made fewer stores than in the uncut run");
                continue;
            }
            j = g_cur;
            cx.extra = j;
            if (!guards_ok(g_buf->mem, g_buf->words))
                violation("a store landed outside the buffer");
            flip_trials(j);
            if (t == 0) /* the first cut whole; the open's stores cut whole and torn */
                open_cut_trials(j);
            observe_boot(g_buf->def, &g_obs);
            if (g_obs.open_rc != PRAM_BUF_INTACT)
                violation("reboot: open -> %d (%s)", g_obs.open_rc, pram_strerror(g_obs.open_rc));
            k = match_states(&g_obs, &cps[plan.lo[j]], plan.hi[j] - plan.lo[j] + 1u, "reboot");
            if (k >= 0) {
                at = plan.lo[j] + (unsigned)k;
                if (at != 0 && at != ncp - 1u)
                    rows_mid[row]++;
                probe_buf(&cps[at]);
            }
            cx.extra = ~0u;
        }
    }
}
/* ---- Linear buffers: the rows of the first campaign, on the new format ---- */

enum {
    BP_EMPTY, BP_SOME, BP_STALE, BP_TORN, BP_TORN_LATE, BP_FULL, BP_LEFT8, BP_LEFT12, BP_LEFT20, BP_LEFT100,
    BP_WRAP0, BP_WRAP2, BP_COLD0, BP_GARBAGE, BP_OTHER_SCHEMA, BP_OTHER_SIZE, BP_DEAD_CONTROL,
    BP_CUTOFF, BP_COUNT
};
static const char *const bp_names[BP_COUNT] = {
    "empty", "3 records", "records cleared below", "after torn append",
    "append torn before commit", "full", "8 B left",
    "12 B left", "20 B left", "100 B left", "seq 0xFFFFFFFF, 0 records",
    "seq 0xFFFFFFFE, 2 records", "cold-zero", "cold-garbage", "other schema",
    "other data size", "control invalidated", "record cut off by corruption"};

static int g_fmt_expect; /* what the uncut open returns on an open pre-state */
static pram_buf_def_t g_def2;

static void append_op(void *unused)
{
    (void)unused;
    make_payload(g_pay, 20, 0x29);
    (void)pram_buf_append(&g_h, g_pay, 20);
}

/* Builds pre-state ps.  Append/clear pre-states end opened and saved
 * (pre_done); open pre-states leave memory as the boot finds it and g_m as
 * what the open must give. */
static void buf_prestate(const buf_ent_t *b, int ps, unsigned seed)
{
    const pram_buf_def_t *d = b->def;
    uint32_t left;
    unsigned k;
    g_fmt_expect = PRAM_BUF_COLD;
    pre_start(b, bp_names[ps]);
    switch (ps) {
    case BP_EMPTY:
        break;
    case BP_SOME:
        pre_app(5);
        pre_app(17);
        pre_app(2);
        break;
    case BP_STALE:
        pre_app(40);
        pre_app(30);
        pre_app(20);
        pre_clear();
        pre_app(3);
        break;
    case BP_TORN:
        pre_app(5);
        pre_app(17);
        pre_app(2);
        if (!run_cut(append_op, NULL, 4, 0))
            violation("pre-state: append made fewer than 4 stores");
        pre_reboot();
        break;
    case BP_TORN_LATE: {
        /* A whole record sits at the tail, only its commit word missing:
         * the next append must not expose it. */
        uint64_t s0;
        pre_app(5);
        pre_app(17);
        save_img(b->mem, b->words);
        s0 = pram_test_stores;
        append_op(NULL);
        s0 = pram_test_stores - s0;
        restore_img(b->mem, b->words);
        pre_reboot();
        if (s0 < 2u || !run_cut(append_op, NULL, s0 - 1u, 0))
            violation("pre-state: append not cut");
        pre_reboot();
        break;
    }
    case BP_FULL:
        pre_app(b->cap - HDR);
        break;
    case BP_LEFT8:
    case BP_LEFT12:
    case BP_LEFT20:
    case BP_LEFT100:
        left = ps == BP_LEFT8 ? 8u : ps == BP_LEFT12 ? 12u : ps == BP_LEFT20 ? 20u : 100u;
        pre_app(5);
        pre_app(b->cap - SPACE(5) - left - HDR);
        break;
    case BP_WRAP0:
    case BP_WRAP2:
        /* Records of seqs 0..5 fill the area; then the control block says
         * the next seq is just below the wrap: an open that kept them
         * would bring them back once the seqs wrap to 0. */
        for (k = 0; k < 6; k++)
            pre_app(30);
        craft_control(d, b->cap, 0, ps == BP_WRAP0 ? 0xFFFFFFFFu : 0xFFFFFFFEu);
        g_m.n = 0;
        g_m.tail = 0;
        g_m.next = ps == BP_WRAP0 ? 0xFFFFFFFFu : 0xFFFFFFFEu;
        pre_reboot();
        if (g_h.seq != g_m.next)
            violation("pre-state: crafted seq not taken (seq %lu)", (unsigned long)g_h.seq);
        if (ps == BP_WRAP2) {
            pre_app(10);
            pre_app(3);
        }
        break;
    case BP_COLD0:
        mem_reset(b->mem, b->words);
        break;
    case BP_GARBAGE:
        mem_garbage(b->mem, b->words, 0x6A5ull + seed);
        break;
    case BP_OTHER_SCHEMA:
        mem_reset(b->mem, b->words);
        g_def2 = *d;
        g_def2.schema = (uint16_t)(d->schema + 1u);
        fresh(&g_h, &g_def2);
        (void)pram_buf_open(&g_h);
        make_payload(g_pay, 12, 0x41);
        (void)pram_buf_append(&g_h, g_pay, 12);
        make_payload(g_pay, 7, 0x42);
        (void)pram_buf_append(&g_h, g_pay, 7);
        g_fmt_expect = PRAM_BUF_REFORMED;
        break;
    case BP_OTHER_SIZE:
        pre_app(12);
        pre_app(7);
        craft_control(d, b->cap - 4u, 0, 0);
        g_fmt_expect = PRAM_BUF_REFORMED;
        break;
    case BP_DEAD_CONTROL: {
        pram_cell_t cc;
        pram__buf_control_cell(d, &cc);
        pre_app(12);
        pre_app(7);
        if (pram_cell_invalidate(&cc) != PRAM_OK)
            violation("pre-state: invalidating the control block failed");
        break;
    }
    case BP_CUTOFF: {
        /* The second record is corrupted: the walk stops there, and the ones
         * after it must never be seen again, even once an append ends on
         * their boundary (the first probe has the same length). */
        uint8_t *data = (uint8_t *)&b->mem[GUARD_WORDS] + PRAM_BUF_CONTROL_SIZE;
        pre_app(17);
        pre_app(17);
        pre_app(2);
        pre_app(9);
        data[SPACE(17) + HDR + 3u] ^= 0x10u;
        g_m.n = 1;
        g_m.tail = SPACE(17);
        g_m.next = 1;
        g_fmt_expect = PRAM_BUF_INTACT;
        break;
    }
    default:
        break;
    }
    if (ps >= BP_COLD0) {
        if (ps != BP_CUTOFF)
            bm_init(&g_m, b); /* the open formats: empty, seq 0 */
        return;
    }
    pre_done();
}

/* An open that formats or repairs: cut at every store of it. */
static void sweep_open(int row, const buf_ent_t *b, int ps, unsigned seed)
{
    uint64_t s0, stores, n;
    unsigned t;
    int rc;
    cx.row = row;
    buf_prestate(b, ps, seed);
    note_size(row, b->cap);
    save_img(b->mem, b->words);
    m_pre = g_m;
    fresh(&g_h, b->def);
    s0 = pram_test_stores;
    rc = pram_buf_open(&g_h);
    stores = pram_test_stores - s0;
    if (rc != g_fmt_expect)
        violation("uncut open -> %d, expected %d", rc, g_fmt_expect);
    observe_handle(&g_h, &g_obs);
    (void)match_states(&g_obs, &m_pre, 1, "uncut open");
    observe_boot(b->def, &g_obs);
    if (g_obs.open_rc != PRAM_BUF_INTACT)
        violation("uncut open: reopen -> %d", g_obs.open_rc);
    if (match_states(&g_obs, &m_pre, 1, "uncut open, reboot") >= 0)
        probe_buf(&m_pre);
    if (stores == 0)
        violation("open made no store");
    for (n = 1; n <= stores; n++)
        for (t = 0; t < NTEARS; t++) {
            restore_img(b->mem, b->words);
            begin_trial(n, tears[t]);
            fresh(&g_h, b->def);
            if (!run_cut(open_op, NULL, n, tears[t]))
                violation("no cut: the open made fewer stores than in the uncut run");
            if (!guards_ok(b->mem, b->words))
                violation("a store landed outside the buffer");
            observe_boot(b->def, &g_obs);
            if (g_obs.open_rc != PRAM_BUF_INTACT && g_obs.open_rc != PRAM_BUF_COLD &&
                !(g_obs.open_rc == PRAM_BUF_REFORMED && g_fmt_expect == PRAM_BUF_REFORMED))
                violation("reboot: open -> %d", g_obs.open_rc);
            if (match_states(&g_obs, &m_pre, 1, "reboot") >= 0)
                probe_buf(&m_pre);
        }
}

/* Append (len, or the space left minus lens[i] when fit) or clear, cut at
 * every store, on each pre-state. */
static void sweep_buf(int row, const buf_ent_t *b, int clear, const int *pss, unsigned npss,
                      const uint32_t *lens, unsigned nlens, int fit)
{
    unsigned pi, li, seed, nseeds = g_long ? 4u : 1u;
    for (pi = 0; pi < npss; pi++) {
        int ps = pss[pi];
        for (seed = 0; seed < (ps == BP_GARBAGE ? nseeds : 1u); seed++) {
            for (li = 0; li < (clear ? 1u : nlens); li++) {
                call_t c = {C_CLEAR, 0, 0};
                uint32_t len = 0;
                cx.row = row;
                buf_prestate(b, ps, seed);
                if (!clear) {
                    int space = pram_buf_space(&g_h);
                    uint32_t left = b->cap - m_pre.tail;
                    if (fit) {
                        if (space < 0 || (uint32_t)space != left - HDR)
                            violation("pram_buf_space %d, model says %u", space, (unsigned)(left - HDR));
                        if (lens[li] > left - HDR)
                            continue;
                        len = left - HDR - lens[li];
                    } else {
                        len = lens[li];
                        if (SPACE(len) > left)
                            continue;
                    }
                    c.kind = C_APPEND;
                    c.len = (uint16_t)len;
                    c.tag = TAG_OP;
                    cx.size = len;
                    note_size(row, len);
                    if (fit) {
                        /* One byte more than fits: refused, nothing stored. */
                        uint64_t s0 = pram_test_stores;
                        int rc;
                        pre_restore();
                        make_payload(g_pay, len + lens[li] + 1u, 0x51);
                        rc = pram_buf_append(&g_h, g_pay, len + lens[li] + 1u);
                        if (rc != PRAM_ERR_NO_SPACE || pram_test_stores != s0 ||
                            memcmp(b->mem, img_pre, (size_t)b->words * 4u) != 0)
                            violation("append of one byte more than fits -> %s, %llu stores",
                                      pram_strerror(rc), (unsigned long long)(pram_test_stores - s0));
                    }
                }
                sweep_cut(row, &c, 1, tears, NTEARS);
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
    static const int fmt_ps[] = {BP_COLD0, BP_GARBAGE, BP_OTHER_SCHEMA, BP_OTHER_SIZE, BP_DEAD_CONTROL};
    unsigned long v = 0;
    unsigned i, seed;
    int r;
    (void)state;
#define N_(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
    if (g_long) {
        sweep_buf(ROW_APP_SMALL, &buf_small, 0, app_ps, N_(app_ps), small_lens_long, N_(small_lens_long), 0);
        sweep_buf(ROW_APP_LARGE, &buf_large, 0, large_ps, N_(large_ps), large_lens_long,
                  N_(large_lens_long), 0);
    } else {
        sweep_buf(ROW_APP_SMALL, &buf_small, 0, app_ps, N_(app_ps), small_lens, N_(small_lens), 0);
        sweep_buf(ROW_APP_LARGE, &buf_large, 0, large_ps, N_(large_ps), large_lens, N_(large_lens), 0);
    }
    sweep_buf(ROW_APP_FIT, &buf_small, 0, fit_ps, N_(fit_ps), fit_minus, N_(fit_minus), 1);
    sweep_buf(ROW_CLEAR, &buf_small, 1, clear_ps, N_(clear_ps), NULL, 0, 0);
    sweep_buf(ROW_CLEAR, &buf_large, 1, clear_large_ps, N_(clear_large_ps), NULL, 0, 0);
    sweep_buf(ROW_CLEAR_WRAP, &buf_small, 1, wrap_ps, N_(wrap_ps), NULL, 0, 0);
    for (i = 0; i < N_(fmt_ps); i++)
        for (seed = 0; seed < (fmt_ps[i] == BP_GARBAGE && g_long ? 4u : 1u); seed++) {
            sweep_open(ROW_FORMAT, &buf_small, fmt_ps[i], seed);
            if (g_long)
                sweep_open(ROW_FORMAT, &buf_large, fmt_ps[i], seed);
        }
    sweep_open(ROW_REPAIR, &buf_small, BP_CUTOFF, 0);
    sweep_open(ROW_REPAIR, &buf_large, BP_CUTOFF, 0);
    for (r = ROW_APP_SMALL; r <= ROW_REPAIR; r++) {
        assert_true(rows[r].cuts > 0);
        v += rows[r].violations;
    }
    assert_int_equal(v, 0);
}
/* ---- Rings and streamed records -------------------------------------------- */

/* Ring pre-states (positions for the 256-byte ring; SPACE(40) = 48). */
enum {
    RP_EMPTY,     /* empty, next record at 0                                  */
    RP_SOME,      /* 5, 17, 2: [0, 56)                                        */
    RP_FIVE40,    /* 5 x 40: [0, 240), 16 B left before the end                */
    RP_GAP8,      /* 5 x 40 then 30: dropped the first, wrapped: [48, 240) and
                     [0, 40), 8 B between the newest and the oldest            */
    RP_FULL,      /* RP_GAP8 then an empty record in the gap: no byte free     */
    RP_TINY,      /* 21 records of 0-4 B: [0, 232)                             */
    RP_SPOT48,    /* RP_GAP8, then emptied with the next record at 48 (control
                     block set so, as a clear cut after its first store leaves
                     it), then 4 x 40: [48, 240), 16 B left, [0, 48) free      */
    RP_SPOT48_44, /* as RP_SPOT48 with 3 x 40 and 44: [48, 244), 12 B left     */
    RP_SPOT48_0,  /* emptied so: empty, the next record at 48                  */
    RP_LAPS,      /* 30 appends of mixed sizes and a cancelled streamed record:
                     several laps, old laps' bytes in the free space          */
    RP_L_3K,      /* 4352-byte ring: 3 x 1000, [0, 3024)                       */
    RP_L_264,     /* 4352-byte ring: one 256-byte record: 4088 B left: a
                     maximum record ends exactly at the end                   */
    RP_L_SPOT,    /* 4352-byte ring: emptied with the next record at 2008, then
                     2000: [2008, 4016), 336 B left                           */
    RP_LIN_SOME,  /* linear 256: 5, 17, 2                                      */
    RP_COUNT
};
static const char *const rp_names[RP_COUNT] = {
    "empty", "3 records", "5x40, 16 B left", "wrapped, 8 B gap", "wrapped, no byte free",
    "21 tiny records", "oldest at 48, 16 B left", "oldest at 48, 12 B left", "empty, next at 48",
    "after 30 mixed appends", "3x1000", "256 B record", "oldest at 2008, 336 B left", "3 records"};

static void ring_prestate(int ps)
{
    static const uint16_t laps[] = {17, 40, 3, 60, 0, 22, 9, 33, 71, 5, 12, 48, 1, 90, 7,
                                    26, 14, 55, 2, 37, 64, 11, 4, 29, 80, 6, 19, 44, 8, 31};
    const buf_ent_t *b = ps >= RP_LIN_SOME ? &buf_small : ps >= RP_L_3K ? &ring_large : &ring_small;
    unsigned k;
    pre_start(b, rp_names[ps]);
    switch (ps) {
    case RP_EMPTY:
        break;
    case RP_SOME:
    case RP_LIN_SOME:
        pre_app(5);
        pre_app(17);
        pre_app(2);
        break;
    case RP_FIVE40:
    case RP_GAP8:
    case RP_FULL:
    case RP_SPOT48:
    case RP_SPOT48_44:
    case RP_SPOT48_0:
        for (k = 0; k < 5; k++)
            pre_app(40);
        if (ps == RP_FIVE40)
            break;
        pre_app(30);
        if (ps == RP_FULL)
            pre_app(0);
        if (ps <= RP_FULL)
            break;
        pre_spot(48);
        if (ps == RP_SPOT48_0)
            break;
        for (k = 0; k < 3; k++)
            pre_app(40);
        pre_app(ps == RP_SPOT48 ? 40 : 44);
        break;
    case RP_TINY:
        for (k = 0; k < 21; k++)
            pre_app(k % 5u);
        break;
    case RP_LAPS:
        for (k = 0; k < N_(laps); k++) {
            pre_app(laps[k]);
            if (k == 20) {
                /* A streamed record given up: its bytes stay behind. */
                static const uint16_t chunks[] = {20, 31, 9};
                pre_stream(chunks, N_(chunks), 0);
            }
        }
        break;
    case RP_L_3K:
        for (k = 0; k < 3; k++)
            pre_app(1000);
        break;
    case RP_L_264:
        pre_app(256);
        break;
    case RP_L_SPOT:
        pre_app(2000);
        pre_app(2000);
        pre_app(1000);
        pre_spot(2008);
        pre_app(2000);
        break;
    default:
        break;
    }
    pre_done();
}

/* What a scenario must do, checked on the model of its uncut run (which
 * the library's positions and sequence numbers must match). */
enum {
    W_DROP0 = 1 << 0,  /* no record dropped                         */
    W_DROP1 = 1 << 1,  /* exactly one dropped                       */
    W_DROPN = 1 << 2,  /* one call dropped two or more              */
    W_WRAP = 1 << 3,   /* a record went to 0 instead of the tail    */
    W_PAD = 1 << 4,    /* ... leaving bytes free before the end     */
    W_EXACT = 1 << 5,  /* a record ends exactly at the end          */
    W_TINY = 1 << 6,   /* a record of 0-4 B wrapped                 */
    W_MAX = 1 << 7,    /* a maximum-size record was appended        */
    W_MOVE = 1 << 8,   /* a streamed record moved to 0              */
    W_NOSPACE = 1 << 9 /* a write was refused (linear)              */
};

#define MAX_SC_CALLS 16
typedef struct {
    int ps;
    unsigned want;
    unsigned n;
    call_t c[MAX_SC_CALLS];
} scen_t;

#define A(len) {C_APPEND, len, TAG_OP}
#define A2(len) {C_APPEND, len, TAG_OP + 1}
#define A3(len) {C_APPEND, len, TAG_OP + 2}
#define BEGIN {C_BEGIN, 0, TAG_OP}
#define W(len) {C_WRITE, len, 0}
#define COMMIT {C_COMMIT, 0, 0}
#define CANCEL {C_CANCEL, 0, 0}
#define CLEAR {C_CLEAR, 0, 0}

/* Ring appends. */
static const scen_t sc_drop0[] = {
    {RP_EMPTY, W_DROP0, 1, {A(5)}},
    {RP_EMPTY, W_DROP0 | W_EXACT, 1, {A(248)}},
    {RP_SOME, W_DROP0, 1, {A(0)}},
    {RP_SOME, W_DROP0, 1, {A(7)}},
    {RP_SOME, W_DROP0, 1, {A(180)}},
    {RP_GAP8, W_DROP0, 1, {A(0)}},
    {RP_SPOT48, W_DROP0 | W_WRAP | W_PAD, 1, {A(30)}},
    {RP_L_3K, W_DROP0, 1, {A(1000)}},
};
static const scen_t sc_drop1[] = {
    {RP_FIVE40, W_DROP1 | W_WRAP | W_PAD, 1, {A(20)}},
    {RP_FIVE40, W_DROP1 | W_WRAP | W_PAD, 1, {A(40)}},
    {RP_GAP8, W_DROP1, 1, {A(1)}},
    {RP_GAP8, W_DROP1, 1, {A(40)}},
    {RP_SPOT48, W_DROP1 | W_WRAP | W_PAD, 1, {A(44)}},
    {RP_L_3K, W_DROP1 | W_WRAP | W_EXACT, 2, {A(1320), A2(500)}},
};
static const scen_t sc_dropn[] = {
    {RP_TINY, W_DROPN | W_WRAP, 1, {A(100)}},
    {RP_TINY, W_DROPN | W_WRAP, 1, {A(248)}},
    {RP_FULL, W_DROPN, 1, {A(100)}},
    {RP_LAPS, W_DROPN, 1, {A(150)}},
    {RP_L_3K, W_DROPN | W_WRAP | W_MAX, 1, {A(4080)}},
};
/* Wraps at the end of the data area. */
static const scen_t sc_wrap[] = {
    {RP_SPOT48, W_EXACT | W_WRAP, 2, {A(8), A2(20)}},
    {RP_SPOT48_44, W_WRAP | W_PAD, 1, {A(20)}},
    {RP_SPOT48, W_TINY | W_WRAP | W_PAD, 2, {A(4), A2(0)}},
    {RP_SPOT48, W_TINY | W_WRAP | W_EXACT, 3, {A(0), A2(0), A3(0)}},
    {RP_LAPS, W_WRAP, 3, {A(60), A2(2), A3(77)}},
    {RP_L_SPOT, W_MAX | W_WRAP | W_PAD, 1, {A(4080)}},
    {RP_L_264, W_MAX | W_EXACT | W_WRAP, 2, {A(4080), A2(4080)}},
};
/* Streamed records: odd chunks; ring drops, moves to 0. */
static const scen_t sc_stream[] = {
    {RP_GAP8, W_DROPN | W_MOVE, 15,
     {BEGIN, W(3), W(5), W(1), W(17), W(13), W(41), W(7), W(99), W(11), W(9), W(2), W(5), W(0), COMMIT}},
    {RP_SPOT48, W_DROP1 | W_MOVE, 8, {BEGIN, W(5), W(3), W(1), W(20), W(7), W(5), COMMIT}},
    {RP_FULL, W_DROP1, 3, {BEGIN, W(30), COMMIT}},
    {RP_SPOT48_0, W_MOVE | W_EXACT, 5, {BEGIN, W(9), W(200), W(39), COMMIT}},
};
static const scen_t sc_stream_lin[] = {
    {RP_LIN_SOME, W_NOSPACE | W_EXACT, 8, {BEGIN, W(50), W(3), W(100), W(40), W(36), COMMIT, A2(0)}},
};
static const scen_t sc_cancel[] = {
    {RP_GAP8, W_DROPN | W_MOVE, 14,
     {BEGIN, W(3), W(5), W(1), W(17), W(13), W(41), W(7), W(99), W(11), W(9), W(2), W(5), CANCEL}},
    {RP_SPOT48_0, W_MOVE, 5, {BEGIN, W(9), W(200), CANCEL, A2(12)}},
    {RP_LIN_SOME, 0, 4, {BEGIN, W(50), W(3), CANCEL}},
};
static const scen_t sc_ring_clear[] = {
    {RP_GAP8, 0, 1, {CLEAR}},
    {RP_LAPS, 0, 2, {CLEAR, A2(33)}},
    {RP_SPOT48, 0, 1, {CLEAR}},
    {RP_SPOT48_0, 0, 1, {CLEAR}},
    {RP_EMPTY, 0, 1, {CLEAR}},
    {RP_L_3K, 0, 1, {CLEAR}},
};

/* Figures over all ring rows. */
static struct {
    unsigned long drop1, dropn, max_drops, wraps, pads, max_pad, exact, tiny, maxrec, moves, nospace;
} rst;

static void check_want(const scen_t *sc)
{
    unsigned w = sc->want, j;
    int nospace = 0;
    for (j = 0; j < plan.n; j++)
        if (plan.rc[j] == PRAM_ERR_NO_SPACE)
            nospace = 1;
    if ((w & W_DROP0) && plan.drops)
        violation("scenario should drop nothing, dropped %u", plan.drops);
    if ((w & W_DROP1) && (plan.drops != 1u))
        violation("scenario should drop exactly one record, dropped %u", plan.drops);
    if ((w & W_DROPN) && plan.max_drops < 2u)
        violation("scenario should drop several records at once, dropped at most %u", plan.max_drops);
    if ((w & W_WRAP) && !plan.wraps)
        violation("scenario should wrap to offset 0");
    if ((w & W_PAD) && !plan.max_pad)
        violation("scenario should leave padding at the end");
    if ((w & W_EXACT) && !plan.exact_end)
        violation("scenario should end a record exactly at the end of the data area");
    if ((w & W_TINY) && plan.min_wrap_len > 4u)
        violation("scenario should wrap a record of at most 4 bytes");
    if ((w & W_MAX) && plan.max_len != MAXREC)
        violation("scenario should append a maximum-size record");
    if ((w & W_MOVE) && !plan.moves)
        violation("scenario should move a streamed record to offset 0");
    if ((w & W_NOSPACE) && !nospace)
        violation("scenario should have a write refused");
    if (plan.max_drops == 1u)
        rst.drop1++;
    if (plan.max_drops >= 2u)
        rst.dropn++;
    if (plan.max_drops > rst.max_drops)
        rst.max_drops = plan.max_drops;
    rst.wraps += plan.wraps;
    if (plan.max_pad) {
        rst.pads++;
        if (plan.max_pad > rst.max_pad)
            rst.max_pad = plan.max_pad;
    }
    rst.exact += plan.exact_end;
    if (plan.min_wrap_len <= 4u)
        rst.tiny++;
    if (plan.max_len == MAXREC)
        rst.maxrec++;
    rst.moves += plan.moves;
    rst.nospace += (unsigned long)nospace;
}

static void note_scen_sizes(int row, const scen_t *sc)
{
    unsigned j;
    uint32_t total = 0;
    for (j = 0; j < sc->n; j++) {
        if (sc->c[j].kind == C_APPEND)
            note_size(row, sc->c[j].len);
        if (sc->c[j].kind == C_WRITE)
            total += sc->c[j].len;
        if (sc->c[j].kind == C_COMMIT || sc->c[j].kind == C_CANCEL)
            note_size(row, total);
    }
}

/* Large records: every store, but fewer tear masks in the default run. */
static const unsigned tears_short[] = {0x0u, 0x7u};

static void ring_row(int row, const scen_t *scs, unsigned nsc)
{
    unsigned i;
    for (i = 0; i < nsc; i++) {
        const scen_t *sc = &scs[i];
        int large = sc->ps >= RP_L_3K && sc->ps <= RP_L_SPOT;
        cx.row = row;
        ring_prestate(sc->ps);
        plan_script(sc->c, sc->n);
        cx.size = sc->c[0].len;
        note_scen_sizes(row, sc);
        begin_check(0, 0);
        check_want(sc);
        if (large && !g_long)
            sweep_cut(row, sc->c, sc->n, tears_short, N_(tears_short));
        else
            sweep_cut(row, sc->c, sc->n, tears, NTEARS);
    }
}

/* Every append length (default: a spread of them) on each 256-byte ring
 * pre-state: each case counts in the row of what it does. */
static void ring_len_sweep(void)
{
    static const int pss[] = {RP_EMPTY, RP_SOME, RP_FIVE40, RP_GAP8, RP_FULL, RP_TINY, RP_SPOT48,
                              RP_SPOT48_44, RP_SPOT48_0, RP_LAPS};
    unsigned pi;
    uint32_t len, step = g_long ? 1u : 9u;
    for (pi = 0; pi < N_(pss); pi++)
        for (len = pi % step; len <= BS_CAP - HDR; len += step) {
            scen_t sc;
            int row;
            memset(&sc, 0, sizeof sc);
            sc.ps = pss[pi];
            sc.n = 1;
            sc.c[0].kind = C_APPEND;
            sc.c[0].len = (uint16_t)len;
            sc.c[0].tag = TAG_OP;
            ring_prestate(sc.ps);
            plan_script(sc.c, sc.n);
            row = plan.max_drops >= 2u ? ROW_RING_DROPN
                : plan.drops == 1u     ? ROW_RING_DROP1
                : plan.wraps || plan.exact_end ? ROW_RING_WRAP
                                               : ROW_RING_DROP0;
            cx.row = row;
            cx.size = len;
            note_size(row, len);
            begin_check(0, 0);
            check_want(&sc);
            sweep_cut(row, sc.c, sc.n, tears, NTEARS);
        }
}

/* Streamed records with chunk sizes from a seeded generator, committed or
 * cancelled, on ring pre-states (more seeds in the long campaign). */
static void ring_stream_gen(void)
{
    static const int pss[] = {RP_GAP8, RP_SPOT48, RP_SPOT48_0, RP_FULL, RP_LAPS, RP_TINY, RP_SOME};
    unsigned pi, seed, nseeds = g_long ? 24u : 4u;
    for (pi = 0; pi < N_(pss); pi++)
        for (seed = 1; seed <= nseeds; seed++) {
            uint64_t rng = 0xA5A5ull * (pi + 1u) * 1000003ull + seed;
            scen_t sc;
            unsigned k, nw = 4u + (unsigned)(test_rand(&rng) % 9u);
            int cancel = (test_rand(&rng) % 4u) == 0;
            memset(&sc, 0, sizeof sc);
            sc.ps = pss[pi];
            sc.c[sc.n].kind = C_BEGIN;
            sc.c[sc.n++].tag = TAG_OP;
            for (k = 0; k < nw; k++) {
                sc.c[sc.n].kind = C_WRITE;
                sc.c[sc.n++].len = (uint16_t)(test_rand(&rng) % (k & 1u ? 9u : 61u));
            }
            sc.c[sc.n++].kind = (uint8_t)(cancel ? C_CANCEL : C_COMMIT);
            ring_prestate(sc.ps);
            plan_script(sc.c, sc.n);
            cx.row = cancel ? ROW_CANCEL : ROW_STREAM_RING;
            note_scen_sizes(cx.row, &sc);
            begin_check(0, 0);
            check_want(&sc);
            sweep_cut(cx.row, sc.c, sc.n, tears, NTEARS);
        }
}

static void test_ring_ops(void **state)
{
    unsigned long v = 0;
    int r;
    (void)state;
    ring_len_sweep();
    ring_stream_gen();
    ring_row(ROW_RING_DROP0, sc_drop0, N_(sc_drop0));
    ring_row(ROW_RING_DROP1, sc_drop1, N_(sc_drop1));
    ring_row(ROW_RING_DROPN, sc_dropn, N_(sc_dropn));
    ring_row(ROW_RING_WRAP, sc_wrap, N_(sc_wrap));
    ring_row(ROW_STREAM_RING, sc_stream, N_(sc_stream));
    ring_row(ROW_STREAM_LIN, sc_stream_lin, N_(sc_stream_lin));
    ring_row(ROW_CANCEL, sc_cancel, N_(sc_cancel));
    ring_row(ROW_RING_CLEAR, sc_ring_clear, N_(sc_ring_clear));
    for (r = ROW_RING_DROP0; r <= ROW_RING_CLEAR; r++) {
        assert_true(rows[r].cuts > 0);
        v += rows[r].violations;
    }
    assert_true(rows_mid[ROW_RING_DROP1] > 0 && rows_mid[ROW_RING_DROPN] > 0 &&
                rows_mid[ROW_RING_WRAP] > 0 && rows_mid[ROW_RING_CLEAR] > 0 && st_flips > 0 &&
                st_flip_old > 0);
    assert_true(rst.drop1 > 0 && rst.dropn > 0 && rst.wraps > 0 && rst.pads > 0 && rst.exact > 0 &&
                rst.tiny > 0 && rst.maxrec > 0 && rst.moves > 0 && rst.nospace > 0);
    assert_int_equal(v, 0);
}
/* ---- Preemption: an interrupt appends to the same buffer ------------------- */

/* At store k of an operation (or between two calls of a streamed record),
 * an "interrupt" runs a complete pram_buf_append on the same handle and
 * returns; then the interrupted call goes on.  The store hook raises it.
 * Without the critical-section hook it runs right there: the handle is
 * busy, so its append must return PRAM_ERR_BUSY and change nothing (memory,
 * handle, no store).  With the hook (pram_test_masking: PRAM_CRITICAL_ENTER/
 * EXIT mask it) it is held pending to the outermost exit, where its append
 * must succeed, placed after the interrupted call's record, except while a
 * streamed record is open (after begin or write: PRAM_ERR_BUSY, nothing
 * changed).  Every store of a buffer call must then be inside a critical
 * section.  After the whole operation: the buffer through the same handle,
 * then after a reboot, must hold exactly the model's records. */

static int g_hookmode;
static uint64_t g_irq_at; /* store of the operation (1-based) */
static uint64_t g_s0;
static int g_irq_raised, g_isr_runs, g_isr_rc, g_isr_deferred;
static unsigned g_isr_cur;
static call_t g_isr_call;
static uint32_t isr_img[MAX_IMG_WORDS];
static uint8_t g_isr_pay[BL_CAP]; /* the interrupted call may be reading g_pay */
static pram_buf_t isr_h;
static unsigned long st_unmasked;

static struct {
    unsigned long busy_nohook, busy_masked, busy_between, deferred_ok, other;
} pst;

static int handle_equal(const pram_buf_t *a, const pram_buf_t *b)
{
    return a->def == b->def && a->open == b->open && a->busy == b->busy && a->head == b->head &&
           a->head_seq == b->head_seq && a->tail == b->tail && a->wrap == b->wrap &&
           a->count == b->count && a->seq == b->seq && a->s_pos == b->s_pos && a->s_len == b->s_len &&
           a->s_crc == b->s_crc;
}

static void isr_body(void)
{
    uint64_t s0 = pram_test_stores;
    memcpy(isr_img, g_buf->mem, (size_t)g_buf->words * 4u);
    isr_h = g_h;
    g_isr_cur = g_cur;
    g_isr_rc = api_call_in(&g_h, &g_isr_call, 0, 0, g_isr_pay);
    g_isr_runs++;
    if (g_isr_rc != PRAM_OK &&
        (pram_test_stores != s0 || memcmp(isr_img, g_buf->mem, (size_t)g_buf->words * 4u) != 0 ||
         !handle_equal(&isr_h, &g_h)))
        violation("interrupt's append -> %s, yet it changed %s", pram_strerror(g_isr_rc),
                  pram_test_stores != s0 ? "memory (stores)" : !handle_equal(&isr_h, &g_h) ? "the handle" : "memory");
}

static void on_store_irq(uint64_t n)
{
    if (g_hookmode && pram_test_crit_depth == 0) {
        st_unmasked++;
        violation("store %llu made outside a critical section", (unsigned long long)(n - g_s0));
    }
    if (!g_irq_raised && n - g_s0 == g_irq_at) {
        g_irq_raised = 1;
        pram_test_irq_raise(isr_body);
        g_isr_deferred = pram_test_irq_is_pending();
    }
}

static void raise_between(void)
{
    g_irq_raised = 1;
    pram_test_irq_raise(isr_body);
}

/* The call in progress at store k of the uncut run. */
static unsigned call_of_store(uint64_t k)
{
    unsigned j;
    for (j = 0; j < plan.n; j++)
        if (k <= plan.cum[j])
            return j;
    return plan.n;
}

/* Expected state and return codes with the interrupt's append made right
 * after call j_isr (or not at all: -1). */
static int exp_rcs[MAX_CALLS];
static bm_t m_exp;

static int expect_isr(int j_isr)
{
    unsigned j;
    int isr_rc = PRAM_ERR_BUSY;
    m_exp = m_pre;
    for (j = 0; j < plan.n; j++) {
        exp_rcs[j] = bm_call(&m_exp, &plan.c[j]);
        if ((int)j == j_isr)
            isr_rc = bm_call(&m_exp, &g_isr_call);
    }
    return isr_rc;
}

static void preempt_point(uint64_t k, int between)
{
    unsigned long err0 = pram_test_crit_errors;
    unsigned j, jj;
    int want_isr;
    pre_restore();
    begin_trial(k, 0);
    g_irq_raised = 0;
    g_isr_runs = 0;
    g_isr_deferred = 0;
    g_isr_rc = 1;
    g_isr_cur = ~0u;
    pram_test_masking = g_hookmode;
    if (between >= 0) {
        g_irq_at = 0;
        g_between = between;
        between_fn = raise_between;
        j = (unsigned)between;
    } else {
        g_irq_at = k;
        j = call_of_store(k);
    }
    cx.extra = j;
    g_s0 = pram_test_stores;
    pram_test_on_store = on_store_irq;
    script_op(NULL);
    pram_test_on_store = NULL;
    pram_test_masking = 0;
    g_between = -1;
    if (g_isr_runs != 1) {
        violation("the interrupt ran %d times", g_isr_runs);
        return;
    }
    if (pram_test_crit_depth != 0 || pram_test_irq_is_pending() || pram_test_crit_errors != err0)
        violation("critical sections: depth %u, %s pending, %lu unbalanced exits", pram_test_crit_depth,
                  pram_test_irq_is_pending() ? "an interrupt" : "nothing", pram_test_crit_errors - err0);
    if (g_isr_cur != j)
        violation("the interrupt ran during call %u, expected %u", g_isr_cur, j);
    /* Without the hook, an interrupt at a store finds the handle busy. */
    want_isr = expect_isr(between >= 0 || g_hookmode ? (int)j : -1);
    if (g_isr_rc != want_isr)
        violation("interrupt's append -> %s, expected %s (%s)", pram_strerror(g_isr_rc),
                  pram_strerror(want_isr), g_isr_deferred ? "deferred" : "at once");
    if (g_hookmode && between < 0 && !g_isr_deferred)
        violation("interrupt at a store was not held pending by the critical section");
    for (jj = 0; jj < plan.n; jj++)
        if (g_rcs[jj] != exp_rcs[jj])
            violation("call %u (%s) -> %s, expected %s", jj, call_names[plan.c[jj].kind],
                      pram_strerror(g_rcs[jj]), pram_strerror(exp_rcs[jj]));
    if (g_isr_rc == PRAM_ERR_BUSY && between >= 0)
        pst.busy_between++;
    else if (g_isr_rc == PRAM_ERR_BUSY)
        (*(g_hookmode ? &pst.busy_masked : &pst.busy_nohook))++;
    else if (g_isr_rc == PRAM_OK && g_hookmode && g_isr_deferred)
        pst.deferred_ok++;
    else
        pst.other++;
    if (!guards_ok(g_buf->mem, g_buf->words))
        violation("a store landed outside the buffer");
    observe_handle(&g_h, &g_obs);
    if (match_states(&g_obs, &m_exp, 1, "after the interrupted operation, same handle") < 0)
        return;
    observe_boot(g_buf->def, &g_obs);
    if (g_obs.open_rc != PRAM_BUF_INTACT)
        violation("reboot: open -> %d", g_obs.open_rc);
    (void)match_states(&g_obs, &m_exp, 1, "after the interrupted operation, reboot");
}

static void sweep_preempt(int row, int hook, const scen_t *sc, const uint16_t *isr_lens, unsigned nisr)
{
    uint64_t stores, k;
    unsigned li, j;
    cx.row = row;
    ring_prestate(sc->ps);
    plan_script(sc->c, sc->n);
    stores = reference_run();
    note_scen_sizes(row, sc);
    g_hookmode = hook;
    for (li = 0; li < nisr; li++) {
        g_isr_call.kind = C_APPEND;
        g_isr_call.len = isr_lens[li];
        g_isr_call.tag = TAG_ISR;
        cx.size = isr_lens[li];
        for (k = 1; k <= stores; k++)
            preempt_point(k, -1);
        for (j = 0; j < plan.n; j++)
            if (plan.open_after[j])
                preempt_point(0, (int)j);
    }
    g_hookmode = 0;
    cx.extra = ~0u;
}

/* ---- Faults: a handler appends over the interrupted call, then resets ------ */

/* At store k of an operation (before it lands) or between two calls of a
 * streamed record, a "fault handler" runs pram_buf_takeover() and
 * pram_buf_append() of a crash record on the same handle, then power is cut:
 * the interrupted code never resumes.  Faults are not masked: with the hook
 * the handler runs inside the interrupted critical section (checked).  After
 * the reboot the buffer must hold a state the interrupted call could have
 * left (every record committed before it; the records it was dropping all
 * there or all gone; its record whole or absent) followed by the crash
 * record, as the model places it. */

static int g_fault_runs, g_take_rc, g_crash_rc, g_crash_done, g_fault_busy;
static unsigned g_fault_depth, g_fault_cur;
static uint64_t g_cut2;   /* 0, or cut power after this store of the handler's append */
static unsigned g_tear2;
static call_t g_crash_call;
static unsigned long st_fault_busy, st_fault_mid, st_fault_cut2;

static void fault_handler(void)
{
    g_fault_runs++;
    g_fault_depth = pram_test_crit_depth;
    g_fault_cur = g_cur;
    g_fault_busy = g_h.busy != 0u;
    if (g_fault_busy)
        st_fault_busy++;
    g_take_rc = pram_buf_takeover(&g_h);
    if (g_cut2) {
        pram_test_cut_at = pram_test_stores + g_cut2;
        pram_test_tear = g_tear2;
    }
    g_crash_rc = api_call_in(&g_h, &g_crash_call, 0, 0, g_isr_pay);
    g_crash_done = 1;
    pram_test_power_cut(); /* never returns */
}

static void on_store_fault(uint64_t n)
{
    if (n - g_s0 == g_irq_at)
        fault_handler();
}

#define MAX_FC (3u * MAX_CP)
static bm_t fault_cands[MAX_FC];
static unsigned fault_base[MAX_FC]; /* the state of the interrupted call each came from */

/* One fault: at store k of the operation (between >= 0: after call
 * `between` instead), with power cut after store cut2 of the handler's
 * append (0: after the handler).  Returns 1 if the handler's append
 * finished. */
static int fault_point(uint64_t k, int between, uint64_t cut2, unsigned tear2)
{
    unsigned j, lo, hi, i, nc = 0;
    int cut, want = 0, mixed = 0;
    pre_restore();
    begin_trial(k, tear2);
    g_fault_runs = 0;
    g_take_rc = 1;
    g_crash_rc = 1;
    g_crash_done = 0;
    g_cut2 = cut2;
    g_tear2 = tear2;
    pram_test_masking = g_hookmode;
    if (between >= 0) {
        g_irq_at = 0;
        g_between = between;
        between_fn = fault_handler;
        j = (unsigned)between;
    } else {
        g_irq_at = k;
        j = call_of_store(k);
    }
    cx.extra = j;
    g_s0 = pram_test_stores;
    pram_test_on_store = on_store_fault;
    cut = run_cut(script_op, NULL, 0, 0);
    pram_test_on_store = NULL;
    pram_test_masking = 0;
    g_between = -1;
    g_cut2 = 0;
    if (!cut || g_fault_runs != 1) {
        violation("the fault handler ran %d times", g_fault_runs);
        return 1;
    }
    if (cut2 && !g_crash_done)
        st_fault_cut2++;
    if (g_fault_cur != j)
        violation("the fault came during call %u, expected %u", g_fault_cur, j);
    if (g_hookmode && between < 0 && g_fault_depth == 0)
        violation("fault at a store outside a critical section");
    /* Every fault point is inside a writing call or a streamed record. */
    if (!g_fault_busy)
        violation("the handle was not busy at the fault");
    if (g_take_rc != PRAM_BUF_ABANDONED)
        violation("pram_buf_takeover -> %d, expected PRAM_BUF_ABANDONED", g_take_rc);
    /* Candidates: each state call j may have left, then the crash record
     * (and, if power went during the handler's append, each state that
     * append may have left). */
    lo = between >= 0 ? plan.hi[j] : plan.lo[j];
    hi = plan.hi[j];
    for (i = lo; i <= hi; i++) {
        static bm_t c;
        unsigned first = nc;
        int rc;
        assert_true(nc < MAX_FC);
        c = cps[i];
        c.streaming = 0; /* takeover abandons a streamed record */
        if (!g_crash_done) {
            fault_cands[nc++] = c;
            cp_record(fault_cands, &nc, MAX_FC);
        }
        rc = bm_call(&c, &g_crash_call);
        cp_record(NULL, NULL, 0);
        if (g_crash_done)
            fault_cands[nc++] = c;
        while (first < nc)
            fault_base[first++] = i;
        if (i > lo && rc != want)
            mixed = 1;
        want = rc;
    }
    if (g_crash_done && !mixed && g_crash_rc != want)
        violation("crash record append -> %s, model says %s", pram_strerror(g_crash_rc), pram_strerror(want));
    if (g_crash_done && g_crash_rc != PRAM_OK && g_crash_rc != PRAM_ERR_NO_SPACE)
        violation("crash record append -> %s", pram_strerror(g_crash_rc));
    if (!guards_ok(g_buf->mem, g_buf->words))
        violation("a store landed outside the buffer");
    observe_boot(g_buf->def, &g_obs);
    if (g_obs.open_rc != PRAM_BUF_INTACT)
        violation("reboot: open -> %d", g_obs.open_rc);
    {
        int m = match_states(&g_obs, fault_cands, nc, "reboot after the fault");
        if (m >= 0) {
            const bm_t *f = &fault_cands[m];
            if (g_crash_done && g_crash_rc == PRAM_OK && (!f->n || f->r[f->n - 1u].tag != TAG_CRASH))
                violation("crash record missing");
            /* The interrupted call had committed something (drops, a
             * retired record) before the fault. */
            if (fault_base[m] > plan.lo[j])
                st_fault_mid++;
            probe_buf(f);
        }
    }
    return g_crash_done;
}

static void sweep_fault(int row, int hook, const scen_t *sc, uint16_t crash_len, int cut2)
{
    uint64_t stores, k, c2;
    unsigned j, t;
    cx.row = row;
    ring_prestate(sc->ps);
    plan_script(sc->c, sc->n);
    stores = reference_run();
    note_scen_sizes(row, sc);
    g_hookmode = hook;
    g_crash_call.kind = C_APPEND;
    g_crash_call.len = crash_len;
    g_crash_call.tag = TAG_CRASH;
    cx.size = crash_len;
    for (k = 1; k <= stores + plan.n; k++) {
        int between = -1;
        if (k > stores) {
            /* Between calls, a streamed record open. */
            j = (unsigned)(k - stores - 1u);
            if (!plan.open_after[j])
                continue;
            between = (int)j;
        }
        if (!cut2) {
            (void)fault_point(between >= 0 ? 0 : k, between, 0, 0);
            continue;
        }
        /* Power cut at each store of the handler's append, whole and torn. */
        for (c2 = 1;; c2++) {
            int done = 0;
            for (t = 0; t < (unsigned)(g_long ? NTEARS : 2u); t++)
                done |= fault_point(between >= 0 ? 0 : k, between, c2, g_long ? tears[t] : t ? 0x7u : 0u);
            if (done)
                break;
        }
    }
    g_hookmode = 0;
    cx.extra = ~0u;
}

/* Scenarios: appends (plain, ring dropping 1 and many, wrapping, maximum
 * size), clears, streamed records. */
static const scen_t sc_pre_app[] = {
    {RP_LIN_SOME, 0, 1, {A(33)}},
    {RP_SOME, 0, 1, {A(33)}},
    {RP_FIVE40, 0, 1, {A(20)}},
    {RP_TINY, 0, 1, {A(100)}},
    {RP_L_3K, 0, 1, {A(1500)}},
};
static const scen_t sc_pre_clear[] = {
    {RP_LIN_SOME, 0, 1, {CLEAR}},
    {RP_GAP8, 0, 1, {CLEAR}},
    {RP_LAPS, 0, 1, {CLEAR}},
};
static const scen_t sc_pre_stream[] = {
    {RP_GAP8, 0, 15,
     {BEGIN, W(3), W(5), W(1), W(17), W(13), W(41), W(7), W(99), W(11), W(9), W(2), W(5), W(0), COMMIT}},
    {RP_SPOT48, 0, 8, {BEGIN, W(5), W(3), W(1), W(20), W(7), W(5), COMMIT}},
    {RP_SPOT48_0, 0, 5, {BEGIN, W(9), W(200), W(39), COMMIT}},
    {RP_LIN_SOME, 0, 7, {BEGIN, W(50), W(3), W(100), W(40), W(36), COMMIT}},
    {RP_GAP8, 0, 4, {BEGIN, W(30), W(70), CANCEL}},
};
static const scen_t sc_fault_app[] = {
    {RP_LIN_SOME, 0, 1, {A(33)}},
    {RP_SOME, 0, 1, {A(33)}},
    {RP_SPOT48, 0, 1, {A(30)}},
};
static const scen_t sc_fault_drop[] = {
    {RP_FIVE40, 0, 1, {A(20)}},
    {RP_GAP8, 0, 1, {A(40)}},
    {RP_TINY, 0, 1, {A(100)}},
    {RP_FULL, 0, 1, {A(100)}},
    {RP_L_3K, 0, 1, {A(4080)}},
};

static const scen_t sc_fault_cut2[] = {
    {RP_SOME, 0, 1, {A(33)}},
    {RP_FIVE40, 0, 1, {A(20)}},
    {RP_TINY, 0, 1, {A(100)}},
    {RP_GAP8, 0, 1, {CLEAR}},
    {RP_SPOT48, 0, 8, {BEGIN, W(5), W(3), W(1), W(20), W(7), W(5), COMMIT}},
    {RP_GAP8, 0, 15,
     {BEGIN, W(3), W(5), W(1), W(17), W(13), W(41), W(7), W(99), W(11), W(9), W(2), W(5), W(0), COMMIT}},
};

static void test_preempt(void **state)
{
    static const uint16_t isr_lens_short[] = {9, 60};
    static const uint16_t isr_lens_long[] = {0, 9, 33, 60, 200};
    const uint16_t *isr_lens = g_long ? isr_lens_long : isr_lens_short;
    unsigned nisr = g_long ? N_(isr_lens_long) : N_(isr_lens_short);
    unsigned long v = 0;
    unsigned i;
    int hook, r;
    (void)state;
    for (hook = 0; hook < 2; hook++) {
        for (i = 0; i < N_(sc_pre_app); i++)
            sweep_preempt(hook ? ROW_PRE_APP_H : ROW_PRE_APP_N, hook, &sc_pre_app[i], isr_lens, nisr);
        for (i = 0; i < N_(sc_pre_clear); i++)
            sweep_preempt(hook ? ROW_PRE_CLEAR_H : ROW_PRE_CLEAR_N, hook, &sc_pre_clear[i], isr_lens, nisr);
        for (i = 0; i < N_(sc_pre_stream); i++)
            sweep_preempt(hook ? ROW_PRE_STREAM_H : ROW_PRE_STREAM_N, hook, &sc_pre_stream[i], isr_lens, nisr);
    }
    for (r = ROW_PRE_APP_N; r <= ROW_PRE_STREAM_H; r++) {
        assert_true(rows[r].cuts > 0);
        v += rows[r].violations;
    }
    /* The sweep exercised both behaviours, through the library's hook. */
    assert_true(pram_test_crit_enters > 0);
    assert_true(pst.busy_nohook > 0);
    assert_true(pst.busy_masked > 0);
    assert_true(pst.busy_between > 0);
    assert_true(pst.deferred_ok > 0);
    assert_int_equal(st_unmasked, 0);
    assert_int_equal(v, 0);
}

static void test_fault(void **state)
{
    unsigned long v = 0;
    unsigned i;
    int hook, r;
    (void)state;
    for (hook = 0; hook < 2; hook++) {
        for (i = 0; i < N_(sc_fault_app); i++)
            sweep_fault(hook ? ROW_FAULT_APP_H : ROW_FAULT_APP_N, hook, &sc_fault_app[i], 24, 0);
        for (i = 0; i < N_(sc_fault_drop); i++)
            sweep_fault(hook ? ROW_FAULT_DROP_H : ROW_FAULT_DROP_N, hook, &sc_fault_drop[i], 24, 0);
        for (i = 0; i < N_(sc_pre_stream); i++)
            sweep_fault(hook ? ROW_FAULT_STREAM_H : ROW_FAULT_STREAM_N, hook, &sc_pre_stream[i], 24, 0);
        for (i = 0; i < N_(sc_pre_clear); i++)
            sweep_fault(hook ? ROW_FAULT_CLEAR_H : ROW_FAULT_CLEAR_N, hook, &sc_pre_clear[i], 24, 0);
    }
    /* Power also lost during the handler's own append (the long campaign:
     * on every scenario above, every tear mask). */
    if (!g_long) {
        for (i = 0; i < N_(sc_fault_cut2); i++)
            sweep_fault(ROW_FAULT_CUT2, 0, &sc_fault_cut2[i], 24, 1);
    } else {
        for (i = 0; i < N_(sc_fault_app); i++)
            sweep_fault(ROW_FAULT_CUT2, 0, &sc_fault_app[i], 24, 1);
        for (i = 0; i < N_(sc_fault_drop); i++)
            sweep_fault(ROW_FAULT_CUT2, 0, &sc_fault_drop[i], 24, 1);
        for (i = 0; i < N_(sc_pre_stream); i++)
            sweep_fault(ROW_FAULT_CUT2, 0, &sc_pre_stream[i], 24, 1);
        for (i = 0; i < N_(sc_pre_clear); i++)
            sweep_fault(ROW_FAULT_CUT2, 0, &sc_pre_clear[i], 24, 1);
    }
    for (r = ROW_FAULT_APP_N; r <= ROW_FAULT_CUT2; r++) {
        assert_true(rows[r].cuts > 0);
        v += rows[r].violations;
    }
    assert_true(st_fault_busy > 0);
    assert_true(st_fault_mid > 0);
    assert_true(st_fault_cut2 > 0);
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
    printf("ring rows: %lu scenarios drop 1 record, %lu drop several at once (up to %lu); "
           "%lu wraps to 0 (%lu leave padding, up to %lu B), %lu records end exactly at the end, "
           "%lu tiny and %lu maximum-size (%u B) wraps; %lu streamed records moved to 0\n",
           rst.drop1, rst.dropn, rst.max_drops, rst.wraps, rst.pads, rst.max_pad, rst.exact, rst.tiny,
           rst.maxrec, (unsigned)MAXREC, rst.moves);
    printf("cuts that left the state between an operation's first and last (drops committed, "
           "record absent; a clear's oldest record retired): drop 1 %lu, drop many %lu, wrap %lu, "
           "streamed %lu, cancelled %lu, ring clear %lu, buf clear %lu; cut-then-flip: %lu reboots "
           "with one of two valid control slots damaged (%lu fell back to the state before); "
           "%lu more cuts during the open after a cut that changed memory (not counted above)\n",
           rows_mid[ROW_RING_DROP1], rows_mid[ROW_RING_DROPN], rows_mid[ROW_RING_WRAP],
           rows_mid[ROW_STREAM_RING], rows_mid[ROW_CANCEL], rows_mid[ROW_RING_CLEAR],
           rows_mid[ROW_CLEAR], st_flips, st_flip_old, st_open_cuts);
    printf("preemption (cut points = interrupt points): interrupt's append refused with "
           "PRAM_ERR_BUSY, nothing changed: %lu without the hook, %lu with it (record open), "
           "%lu between calls; deferred to the critical section's end and appended: %lu\n",
           pst.busy_nohook, pst.busy_masked, pst.busy_between, pst.deferred_ok);
    printf("faults (cut points = fault points): the handler took over a call in progress at "
           "%lu of them (%lu after the call had committed drops or a retire); crash record and "
           "every earlier record read back after each reboot; %lu cuts inside the handler's "
           "append\n",
           st_fault_busy, st_fault_mid, st_fault_cut2);
    printf("sequence: %u steps on 2 A/B + 2 single-slot cells and a %u-byte buffer; "
           "%.1f s\n\n",
           NSTEPS, LQ_CAP, secs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cell_ops),
        cmocka_unit_test(test_buf_ops),
        cmocka_unit_test(test_ring_ops),
        cmocka_unit_test(test_preempt),
        cmocka_unit_test(test_fault),
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
