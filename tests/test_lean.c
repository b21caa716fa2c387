/* The smallest configuration: a single-slot typed cell, as `make size`
 * measures it.  make test builds this program in every variant and once more
 * with PRAM_ENABLE_AB=0 and PRAM_ENABLE_REGIONS=0 (variant "lean", make
 * test-lean-config), where A/B and regions are compiled out: that build must
 * keep every guarantee, shown here with a power cut after every store of
 * every operation, each store landing whole or torn, and must refuse what
 * it compiled out.  A ring buffer with streamed records (power cuts in a
 * wrapping append and a streamed record) where A/B is on; where it is off,
 * buffers are refused (a buffer's control block is an A/B cell):
 * pram_buf_open and every buffer call return PRAM_ERR_DESC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram/pram.h"
#include "power_cut.h"
#include "test_support.h"

typedef struct {
    uint32_t count;
    uint16_t tag;
    uint8_t odd; /* 7 bytes of value: the last word is partial */
} counter_t;

static union {
    uint32_t w[8];
    uint8_t b[32];
} mem;

PRAM_CELL_DECLARE_AT(counter, counter_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(counter, &mem);
/* The same storage read by a firmware whose layout moved on. */
PRAM_CELL_DECLARE_AT(counter_v2, counter_t, 2, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(counter_v2, &mem);

static counter_t value_of(uint32_t n)
{
    counter_t v;
    memset(&v, 0, sizeof v);
    v.count = n;
    v.tag = (uint16_t)(0xA500u + n);
    v.odd = (uint8_t)(n * 7u);
    return v;
}

static int same(const counter_t *a, const counter_t *b)
{
    return a->count == b->count && a->tag == b->tag && a->odd == b->odd;
}

static void test_config(void **state)
{
    (void)state;
    print_message("lean build: PRAM_ENABLE_AB=%d PRAM_ENABLE_REGIONS=%d\n", PRAM_ENABLE_AB,
                  PRAM_ENABLE_REGIONS);
    assert_int_equal(pram_cell_storage_size(&counter), sizeof(counter_slot_t));
}

static void test_round_trip(void **state)
{
    counter_t v = value_of(1), got;
    int rc = 12345;
    (void)state;
    memset(&mem, 0, sizeof mem);
    assert_int_equal(counter_status(), PRAM_ERR_INVALID);
    assert_int_equal(counter_get(&got), PRAM_ERR_INVALID);
    memset(&mem, 0xFF, sizeof mem);
    assert_int_equal(counter_status(), PRAM_ERR_INVALID);
    assert_int_equal(counter_set(&v), PRAM_OK);
    memset(&got, 0, sizeof got);
    assert_int_equal(counter_get(&got), PRAM_OK);
    assert_true(same(&got, &v));
    /* The padding byte of the last word is written as zero, not left. */
    assert_int_equal(mem.b[12 + 7], 0);
    PRAM_EDIT(counter, e, rc)
    {
        e.value->count += 41u;
    }
    assert_int_equal(rc, PRAM_OK);
    assert_int_equal(counter_get(&got), PRAM_OK);
    assert_int_equal(got.count, 42u);
    assert_int_equal(got.tag, v.tag);
    /* The generic API reads what the typed one wrote, through the shared core. */
    memset(&got, 0, sizeof got);
    assert_int_equal(pram_cell_get(&counter, &got, sizeof got), PRAM_OK);
    assert_int_equal(got.count, 42u);
    assert_int_equal(counter_v2_status(), PRAM_ERR_LAYOUT);
    assert_int_equal(counter_v2_get(&got), PRAM_ERR_LAYOUT);
    assert_int_equal(pram_cell_status(&counter_v2), PRAM_ERR_LAYOUT);
    {
        /* Another kind of container over the same bytes (same size and
         * schema): another layout too, the kind being in the layout word. */
        pram_cell_t d = counter;
        d.kind = PRAM__KIND_BUF;
        assert_int_equal(pram_cell_status(&d), PRAM_ERR_LAYOUT);
        d.kind = PRAM__KIND_REGION;
        assert_int_equal(pram_cell_get(&d, &got, sizeof got), PRAM_ERR_LAYOUT);
        assert_int_equal(got.count, 42u);
    }
    assert_int_equal(counter_invalidate(), PRAM_OK);
    assert_int_equal(counter_status(), PRAM_ERR_INVALID);
    assert_int_equal(pram_cell_status(&counter), PRAM_ERR_INVALID);
}

static void test_errors(void **state)
{
    counter_t got = value_of(9), before;
    int rc = 12345, runs = 0;
    (void)state;
    memset(&mem, 0, sizeof mem);
    /* Edit of an invalid cell: refused, body not run, nothing written. */
    PRAM_EDIT(counter, e, rc)
    {
        runs++;
        e.value->count = 1u;
    }
    assert_int_equal(rc, PRAM_ERR_INVALID);
    assert_int_equal(runs, 0);
    before = got;
    assert_int_equal(counter_get(&got), PRAM_ERR_INVALID);
    assert_true(same(&got, &before)); /* out untouched on error */
    {
        /* Aborted edit: single-slot has no copy of what it overwrote. */
        counter_t v = value_of(3);
        assert_int_equal(counter_set(&v), PRAM_OK);
        PRAM_EDIT(counter, e, rc)
        {
            e.value->count = 99u;
            PRAM_EDIT_ABORT(e);
        }
        assert_int_equal(rc, PRAM_EDIT_ABORTED);
        assert_int_equal(counter_status(), PRAM_ERR_INVALID);
    }
    {
        /* Run-time descriptors are checked on every generic call, before
         * any access: nothing stored, nothing changed. */
        counter_t v = value_of(6);
        uint8_t snap[sizeof mem];
        uint64_t s0 = pram_test_stores;
        pram_cell_t d = counter;
        memcpy(snap, &mem, sizeof mem);
        d.kind = 3u; /* kinds: 0 cell, 1 buffer control, 2 region header */
        assert_int_equal(pram_cell_set(&d, &v, sizeof v), PRAM_ERR_DESC);
        d.kind = 0xFFu;
        assert_int_equal(pram_cell_invalidate(&d), PRAM_ERR_DESC);
        d = counter;
        d.value_offset = 20u;
        d.slot_size = 28u;
        assert_int_equal(pram_cell_set(&d, &v, sizeof v), PRAM_ERR_DESC);
        d = counter;
        d.addr = mem.b + 2;
        assert_int_equal(pram_cell_set(&d, &v, sizeof v), PRAM_ERR_ALIGN);
        assert_int_equal(pram_cell_set(&counter, &v, sizeof v + 1u), PRAM_ERR_SIZE);
        assert_int_equal(pram_test_stores, s0);
        assert_memory_equal(snap, &mem, sizeof mem);
    }
#if !PRAM_ENABLE_AB
    {
        /* A/B compiled out: an A/B descriptor is refused, not misread. */
        pram_cell_t ab = PRAM_CELL_INIT_AT(counter, &mem);
        counter_t v = value_of(7);
        uint64_t s0 = pram_test_stores;
        ab.mode = PRAM_AB;
        assert_int_equal(pram_cell_status(&ab), PRAM_ERR_DESC);
        assert_int_equal(pram_cell_set(&ab, &v, sizeof v), PRAM_ERR_DESC);
        assert_int_equal(pram_cell_invalidate(&ab), PRAM_ERR_DESC);
        assert_int_equal(pram_test_stores, s0);
    }
#endif
#if !PRAM_ENABLE_REGIONS
    {
        /* Regions compiled out: every region, ordinary memory (width 0)
         * included, is refused through the generic API, never accessed. */
        static uint32_t regs[16];
        static const unsigned widths[] = {0u, 1u, 2u, 4u};
        size_t i;
        counter_t v = value_of(4);
        uint64_t s0 = pram_test_stores;
        memset(regs, 0x5A, sizeof regs);
        for (i = 0; i < sizeof widths / sizeof widths[0]; i++) {
            const pram_region_t r = test_region(regs, sizeof regs, widths[i], 0u);
            const pram_cell_t in_r = PRAM_CELL_INIT_IN(counter, &r, 0);
            const pram_buf_def_t bd = PRAM_BUF_DEF_IN(&r, 0u, sizeof regs, 1);
            pram_buf_t b = PRAM_BUF_INIT(&bd);
            pram_edit_t e;
            counter_t out = value_of(5), keep = out;
            assert_int_equal(pram_cell_set(&in_r, &v, sizeof v), PRAM_ERR_ACCESS);
            assert_int_equal(pram_cell_get(&in_r, &out, sizeof out), PRAM_ERR_ACCESS);
            assert_true(same(&out, &keep));
            assert_int_equal(pram_cell_status(&in_r), PRAM_ERR_ACCESS);
            assert_int_equal(pram_cell_is_valid(&in_r), 0);
            assert_int_equal(pram_cell_invalidate(&in_r), PRAM_ERR_ACCESS);
            assert_int_equal(pram_cell_edit_begin(&in_r, &e, PRAM_EDIT_ZERO), PRAM_ERR_ACCESS);
            assert_null(e.value);
            assert_int_equal(pram_cell_edit_commit(&e), PRAM_ERR_SCOPE);
            /* (A buffer is refused for its A/B control block first.) */
            assert_int_equal(pram_buf_open(&b), PRAM_ENABLE_AB ? PRAM_ERR_ACCESS : PRAM_ERR_DESC);
            assert_int_equal(pram_buf_append(&b, "x", 1), PRAM_ERR_NOT_OPEN);
        }
        assert_int_equal(pram_test_stores, s0);
        for (i = 0; i < sizeof regs / sizeof regs[0]; i++)
            assert_int_equal(regs[i], 0x5A5A5A5Au);
    }
#endif
}

/* The typed API with a NULL object pointer: PRAM_ERR_NULL, nothing
 * written, on an invalid cell and on a valid one.  Run last: what the typed
 * calls compile into (find, then a copy; open, a copy, seal) does not check
 * the pointer: a get that went ahead would write through it, a set would
 * open the slot (destroying the committed value) and then read through it. */
static void test_typed_null(void **state)
{
    counter_t v = value_of(8), got;
    uint8_t snap[sizeof mem];
    (void)state;
    memset(&got, 0x5A, sizeof got); /* a sentinel: no value_of() */
    memset(&mem, 0, sizeof mem);
    assert_int_equal(counter_get(NULL), PRAM_ERR_NULL);
    assert_int_equal(counter_set(NULL), PRAM_ERR_NULL);
    assert_int_equal(counter_set(&v), PRAM_OK);
    memcpy(snap, &mem, sizeof mem);
    assert_int_equal(counter_get(NULL), PRAM_ERR_NULL);
    assert_int_equal(counter_set(NULL), PRAM_ERR_NULL);
    assert_memory_equal(snap, &mem, sizeof mem);
    assert_int_equal(counter_get(&got), PRAM_OK);
    assert_true(same(&got, &v));
}

/* ---- A ring buffer and streamed records ------------------------------------ */

/* 64 bytes of data area.  Buffers keep their control block in an A/B cell
 * (pram_config.h): with A/B compiled out (PRAM_ENABLE_AB 0) they are
 * refused, pram_buf_open and every buffer call returning PRAM_ERR_DESC,
 * nothing stored; never seeming to work and losing records at a reboot. */
static uint32_t ring_mem[PRAM_BUF_STORAGE_SIZE(64) / 4u];
static const pram_buf_def_t ring_def = PRAM_BUF_DEF_RING_AT(ring_mem, sizeof ring_mem, 1);
static pram_buf_t ring = PRAM_BUF_INIT(&ring_def);

/* Record `tag`: its first byte is the tag, the rest a function of both. */
static void ring_payload(uint32_t tag, uint32_t len, uint8_t *out)
{
    uint32_t i;
    for (i = 0; i < len; i++)
        out[i] = i ? (uint8_t)(tag * 29u + i * 3u) : (uint8_t)tag;
}

/* What a reboot finds: the records' tags, oldest first (each checked byte
 * for byte, sequence numbers consecutive, prev the reverse of next);
 * returns how many. */
static uint32_t ring_reboot(uint32_t *tags, const uint32_t *len_of)
{
    pram_buf_t f = PRAM_BUF_INIT(&ring_def);
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t want[64];
    uint32_t n = 0, seq0 = 0, tag;
    int rc;
    assert_int_equal(pram_buf_open(&f), PRAM_BUF_INTACT);
    while ((rc = pram_buf_next(&f, &it, &r)) == 1) {
        assert_true(n < 8u && r.len >= 1u);
        tag = ((const uint8_t *)r.data)[0];
        assert_true(tag < 16u);
        assert_int_equal(r.len, len_of[tag]);
        ring_payload(tag, r.len, want);
        assert_memory_equal(r.data, want, r.len);
        if (n == 0)
            seq0 = r.seq;
        assert_int_equal(r.seq, seq0 + n);
        tags[n++] = tag;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(pram_buf_count(&f), (int)n);
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    tag = n;
    while ((rc = pram_buf_prev(&f, &it, &r)) == 1) {
        assert_true(tag > 0u);
        assert_int_equal(r.seq, seq0 + --tag);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(tag, 0u);
    return n;
}

static int same_tags(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
    return na == nb && (na == 0u || memcmp(a, b, na * sizeof *a) == 0);
}

static const uint32_t lens_of_tag[16] = {0, 13, 13, 13, 17, 2, 1, 30, 20, 6};

static int ring_append(uint32_t tag)
{
    uint8_t p[64];
    ring_payload(tag, lens_of_tag[tag], p);
    return pram_buf_append(&ring, p, lens_of_tag[tag]);
}

/* Streams record `tag` in chunks of `chunk` bytes; commits unless cancel. */
static int ring_stream(uint32_t tag, uint32_t chunk, int cancel)
{
    uint8_t p[64];
    uint32_t done = 0, len = lens_of_tag[tag], k;
    int rc = pram_buf_begin(&ring);
    ring_payload(tag, len, p);
    while (rc == PRAM_OK && done < len) {
        k = len - done < chunk ? len - done : chunk;
        rc = pram_buf_write(&ring, p + done, k);
        done += k;
    }
    if (rc == PRAM_OK)
        rc = cancel ? pram_buf_cancel(&ring) : pram_buf_commit(&ring);
    return rc;
}

static void op_append8(void *p)
{
    *(int *)p = ring_append(8u);
}

static void op_stream9(void *p)
{
    *(int *)p = ring_stream(9u, 4u, 0);
}

#if !PRAM_ENABLE_AB
/* Every buffer call on b returns `code`, stores nothing, and leaves the
 * iterator, the record and the destination alone. */
static void all_buf_calls(pram_buf_t *b, int code)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t p[8], out[8];
    uint64_t s0 = pram_test_stores;
    memset(&r, 0, sizeof r);
    memset(p, 0x11, sizeof p);
    memset(out, 0x22, sizeof out);
    assert_int_equal(pram_buf_append(b, p, 4u), code);
    assert_int_equal(pram_buf_append(b, NULL, 0u), code);
    assert_int_equal(pram_buf_begin(b), code);
    assert_int_equal(pram_buf_write(b, p, 1u), code);
    assert_int_equal(pram_buf_commit(b), code);
    assert_int_equal(pram_buf_cancel(b), code);
    assert_int_equal(pram_buf_clear(b), code);
    assert_int_equal(pram_buf_count(b), code);
    assert_int_equal(pram_buf_space(b), code);
    assert_int_equal(pram_buf_next(b, &it, &r), code);
    assert_int_equal(pram_buf_prev(b, &it, &r), code);
    assert_int_equal(pram_buf_read(b, &r, out, sizeof out), code);
    assert_int_equal(pram_buf_takeover(b), code);
    assert_int_equal(pram_buf_is_open(b), 0);
    assert_int_equal(it.check, 0u);
    assert_int_equal(r.check, 0u);
    assert_int_equal(out[0], 0x22);
    assert_int_equal(pram_test_stores, s0);
}
#endif

/* With A/B compiled out: buffers are refused (returns 1, the test is
 * done).  With A/B: 0, the ring is tested in full. */
static int refused_without_ab(void)
{
#if PRAM_ENABLE_AB
    return 0;
#else
    static const pram_buf_def_t linear_def = PRAM_BUF_DEF_AT(ring_mem, sizeof ring_mem, 1);
    uint32_t snap[sizeof ring_mem / 4u];
    uint64_t s0 = pram_test_stores;
    pram_buf_t lin = PRAM_BUF_INIT(&linear_def), forged;
    int i;
    for (i = 0; i < 3; i++) {
        /* garbage, zeros, and what a formatted buffer holds: the same */
        memset(ring_mem, i == 0 ? 0x5A : 0, sizeof ring_mem);
        memcpy(snap, ring_mem, sizeof snap);
        ring = (pram_buf_t)PRAM_BUF_INIT(&ring_def);
        assert_int_equal(pram_buf_open(&ring), PRAM_ERR_DESC);
        assert_int_equal(pram_buf_open(&lin), PRAM_ERR_DESC);
        assert_int_equal(pram_buf_open(&ring), PRAM_ERR_DESC); /* and again */
        /* Refused open leaves the handles closed. */
        all_buf_calls(&ring, PRAM_ERR_NOT_OPEN);
        all_buf_calls(&lin, PRAM_ERR_NOT_OPEN);
        /* A handle that claims to be open (RAM left by another build, or
         * a fault handler's copy): every call checks the descriptor, and
         * refuses. */
        forged = ring;
        forged.open = PRAM__BUF_OPEN;
        all_buf_calls(&forged, PRAM_ERR_DESC);
        forged = lin;
        forged.open = PRAM__BUF_OPEN;
        all_buf_calls(&forged, PRAM_ERR_DESC);
        assert_int_equal(pram_test_stores, s0);
        assert_memory_equal(snap, ring_mem, sizeof snap);
    }
    assert_int_equal(pram_buf_open(NULL), PRAM_ERR_NULL);
    print_message("lean: buffers refused (%s): A/B compiled out\n", pram_strerror(PRAM_ERR_DESC));
    return 1;
#endif
}

static void test_ring_and_stream(void **state)
{
    /* Records of 13 bytes take 24: the third does not fit before the end,
     * drops the first and goes to offset 0.  Then a record streamed in
     * chunks of 3 (begin drops record 2 for its header), one cancelled, an
     * append, a record streamed from offset 0 that drops as it grows. */
    static const uint32_t after1[] = {3u, 4u, 6u}, after2[] = {6u, 7u}, only8[] = {8u},
                          with9[] = {8u, 9u};
    static uint32_t saved[sizeof ring_mem / 4u];
    uint32_t tags[8], n, k;
    unsigned cuts[2] = {0u, 0u}, seen[5] = {0u, 0u, 0u, 0u, 0u};
    int rc;
    (void)state;
    if (refused_without_ab())
        return;
    memset(ring_mem, 0, sizeof ring_mem);
    ring = (pram_buf_t)PRAM_BUF_INIT(&ring_def);
    assert_int_equal(pram_buf_open(&ring), PRAM_BUF_COLD);
    assert_int_equal(ring_append(1u), PRAM_OK);
    assert_int_equal(ring_append(2u), PRAM_OK);
    assert_int_equal(ring_append(3u), PRAM_OK);
    assert_int_equal(pram_buf_count(&ring), 2);
    assert_int_equal(ring_stream(4u, 3u, 0), PRAM_OK);
    assert_int_equal(ring_stream(5u, 1u, 1), PRAM_OK);
    assert_int_equal(ring_append(6u), PRAM_OK);
    n = ring_reboot(tags, lens_of_tag);
    assert_true(same_tags(tags, n, after1, 3u));
    assert_int_equal(ring_stream(7u, 7u, 0), PRAM_OK);
    n = ring_reboot(tags, lens_of_tag);
    assert_true(same_tags(tags, n, after2, 2u));

    /* A power cut after every store of an append that drops both records
     * and wraps, then of a streamed record: the dropped records all there
     * or all gone, the new record whole or absent, nothing else. */
    memcpy(saved, ring_mem, sizeof saved);
    for (k = 1;; k++) {
        memcpy(ring_mem, saved, sizeof saved);
        ring = (pram_buf_t)PRAM_BUF_INIT(&ring_def);
        assert_int_equal(pram_buf_open(&ring), PRAM_BUF_INTACT);
        rc = 1;
        if (!run_cut(op_append8, &rc, k, k % 3u == 0u ? 0x3u : 0u))
            break;
        cuts[0]++;
        n = ring_reboot(tags, lens_of_tag);
        if (same_tags(tags, n, after2, 2u))
            seen[0]++;
        else if (n == 0u)
            seen[1]++;
        else if (same_tags(tags, n, only8, 1u))
            seen[2]++;
        else
            fail_msg("append cut after store %u: %u records", (unsigned)k, (unsigned)n);
    }
    assert_int_equal(rc, PRAM_OK);
    n = ring_reboot(tags, lens_of_tag);
    assert_true(same_tags(tags, n, only8, 1u));
    memcpy(saved, ring_mem, sizeof saved);
    for (k = 1;; k++) {
        memcpy(ring_mem, saved, sizeof saved);
        ring = (pram_buf_t)PRAM_BUF_INIT(&ring_def);
        assert_int_equal(pram_buf_open(&ring), PRAM_BUF_INTACT);
        rc = 1;
        if (!run_cut(op_stream9, &rc, k, k % 3u == 0u ? 0x3u : 0u))
            break;
        cuts[1]++;
        n = ring_reboot(tags, lens_of_tag);
        if (same_tags(tags, n, only8, 1u))
            seen[3]++;
        else if (same_tags(tags, n, with9, 2u))
            seen[4]++;
        else
            fail_msg("stream cut after store %u: %u records", (unsigned)k, (unsigned)n);
    }
    assert_int_equal(rc, PRAM_OK);
    n = ring_reboot(tags, lens_of_tag);
    assert_true(same_tags(tags, n, with9, 2u));
    print_message("ring: %u cuts in a wrapping append (kept %u, dropped %u, new %u), %u in a "
                  "streamed record (old %u, new %u); 0 violations\n",
                  cuts[0], seen[0], seen[1], seen[2], cuts[1], seen[3], seen[4]);
    /* every outcome reached: the sweep did cut where it matters */
    for (k = 0; k < 5u; k++)
        assert_true(seen[k] > 0u);
}

/* ---- A power cut after every store of every operation ------------------- */

enum { OP_SET, OP_EDIT, OP_INVALIDATE, OP_COUNT };

typedef struct {
    int op;
    uint32_t next; /* value the operation commits */
    int rc;
} op_ctx_t;

static void run_op(void *p)
{
    op_ctx_t *x = (op_ctx_t *)p;
    counter_t v = value_of(x->next);
    int rc = 12345;
    if (x->op == OP_SET) {
        x->rc = counter_set(&v);
    } else if (x->op == OP_EDIT) {
        PRAM_EDIT(counter, e, rc)
        {
            *e.value = v;
        }
        x->rc = rc;
    } else {
        x->rc = counter_invalidate();
    }
}

/* After a cut the cell holds the old value, the new one, or (single-slot,
 * which keeps no copy) nothing: never a mix, never garbage. */
static void check_after(int op, uint32_t old, uint32_t next, int finished)
{
    counter_t got, o = value_of(old), n = value_of(next);
    int st;
    memset(&got, 0x5A, sizeof got); /* a sentinel: no value_of() */
    st = counter_get(&got);
    if (st == PRAM_ERR_INVALID) {
        assert_false(finished && op != OP_INVALIDATE);
        return;
    }
    assert_int_equal(st, PRAM_OK);
    assert_false(op == OP_INVALIDATE && finished);
    if (op == OP_INVALIDATE)
        assert_true(same(&got, &o));
    else
        assert_true(same(&got, &o) || same(&got, &n));
    if (finished)
        assert_true(same(&got, &n));
}

static void test_power_cut_sweep(void **state)
{
    static const unsigned tears[] = {0u, 0x1u, 0x3u, 0x7u, 0xEu, 0x8u};
    uint64_t cuts = 0, stores_per_op[OP_COUNT] = {0, 0, 0};
    int op;
    (void)state;
    for (op = 0; op < OP_COUNT; op++) {
        uint64_t n;
        size_t t;
        for (n = 1;; n++) {
            int cut_seen = 0;
            for (t = 0; t < sizeof tears / sizeof tears[0]; t++) {
                counter_t v = value_of(100);
                op_ctx_t x;
                int cut;
                assert_int_equal(counter_set(&v), PRAM_OK);
                x.op = op, x.next = 200, x.rc = 1;
                cut = run_cut(run_op, &x, n, tears[t]);
                cuts += (uint64_t)cut;
                cut_seen |= cut;
                if (!cut)
                    assert_int_equal(x.rc, PRAM_OK);
                check_after(op, 100, 200, !cut);
            }
            if (!cut_seen) {
                stores_per_op[op] = n - 1;
                break;
            }
        }
        assert_true(stores_per_op[op] >= 1u);
    }
    print_message("lean sweep: %llu cuts; stores: set %llu, edit %llu, invalidate %llu; 0 violations\n",
                  (unsigned long long)cuts, (unsigned long long)stores_per_op[OP_SET],
                  (unsigned long long)stores_per_op[OP_EDIT],
                  (unsigned long long)stores_per_op[OP_INVALIDATE]);
    /* Set: magic, two value words, layout, seal, magic.  Edit: magic, then
     * the caller's stores (not the library's), layout, seal, magic. */
    assert_int_equal(stores_per_op[OP_SET], 6u);
    assert_int_equal(stores_per_op[OP_EDIT], 4u);
    assert_int_equal(stores_per_op[OP_INVALIDATE], 1u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_power_cut_sweep),
        cmocka_unit_test(test_ring_and_stream),
        cmocka_unit_test(test_typed_null), /* last: see above */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
