/* The smallest configuration: a single-slot typed cell, as `make size`
 * measures it.  make test builds this program in every variant and once more
 * with PRAM_ENABLE_AB=0 and PRAM_ENABLE_REGIONS=0 (variant "lean", make
 * test-lean-config), where A/B and regions are compiled out: that build must
 * keep every guarantee, shown here with a power cut after every store of
 * every operation, each store landing whole or torn, and must refuse what
 * it compiled out. */
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
            assert_int_equal(pram_buf_open(&b), PRAM_ERR_ACCESS);
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
        cmocka_unit_test(test_typed_null), /* last: see above */
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
