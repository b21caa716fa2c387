/* The smallest configuration: a single-slot typed cell, as `make size`
 * measures it.  make test builds this program in every variant and once more
 * with PRAM_ENABLE_AB=0, PRAM_ENABLE_REGIONS=0 and PRAM_CELL_SPECIALIZE=1
 * (variant "lean"), where the store primitive is inlined and the cell has its
 * own copy of the core: that build must keep every guarantee, shown here
 * with a power cut after every store of every operation, each store landing
 * whole or torn. */
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

PRAM_CELL_DECLARE(counter, counter_t);
PRAM_CELL_DEFINE_AT(counter, 1, PRAM_SINGLE, &mem);
/* The same storage read by a firmware whose layout moved on. */
PRAM_CELL_DECLARE(counter_v2, counter_t);
PRAM_CELL_DEFINE_AT(counter_v2, 2, PRAM_SINGLE, &mem);

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
    print_message("lean build: PRAM_ENABLE_AB=%d PRAM_ENABLE_REGIONS=%d PRAM_CELL_SPECIALIZE=%d\n",
                  PRAM_ENABLE_AB, PRAM_ENABLE_REGIONS, PRAM_CELL_SPECIALIZE);
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
    assert_int_equal(counter_get(NULL), PRAM_ERR_NULL);
    assert_int_equal(counter_set(NULL), PRAM_ERR_NULL);
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
#if !PRAM_ENABLE_AB
    {
        /* A/B compiled out: an A/B descriptor is refused, not misread. */
        const pram_cell_t ab = PRAM_CELL_INIT_AT(counter, 1, PRAM_AB, &mem);
        assert_int_equal(pram_cell_status(&ab), PRAM_ERR_DESC);
    }
#endif
#if !PRAM_ENABLE_REGIONS
    {
        /* Width-restricted regions compiled out: refused, never accessed. */
        static uint32_t regs[8];
        const pram_region_t r4 = PRAM_REGION(regs, sizeof regs, 4, 0);
        const pram_cell_t in_regs = PRAM_CELL_INIT_IN(counter, 1, PRAM_SINGLE, &r4, 0);
        counter_t v = value_of(4);
        assert_int_equal(pram_cell_set(&in_regs, &v, sizeof v), PRAM_ERR_ACCESS);
        assert_int_equal(regs[0], 0u);
    }
#endif
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
    int st = counter_get(&got);
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
