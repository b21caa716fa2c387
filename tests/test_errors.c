/* Every public call, misused every way the API names, returns its own
 * negative code -- and leaves committed data exactly as it was.
 *
 * All persistent storage used here lives in one struct (`mem`) plus the
 * storage of one typed cell (PRAM_CELL_DEFINE).  FAILS(code, call) snapshots
 * both byte for byte and the store counter of the test hook, makes the call,
 * checks the code, then checks that not one byte changed and not one store
 * was issued.  Each test ends by re-reading every committed value.
 *
 * The log buffer's storage is also registered as an emulated register file
 * of 32-bit units (tests/support/regfile.h) for every test: the library does
 * all of its accesses to ordinary memory as aligned 32-bit words, so any
 * other access there fails the test at once instead of being undefined
 * behaviour that only a sanitizer would see. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pram/pram.h"
#include "power_cut.h"
#include "regfile.h"
#include "test_support.h"

/* ---- Persistent storage and descriptors ------------------------------------ */

typedef struct {
    uint32_t a, b;
} pair_t;

#define PAIR_SLOT 20u /* 12-byte header + 8-byte value */
#define SMALL_CAP 32u
#define LOG_CAP 128u
#define RING_CAP 64u
#define HUGE_CAP (PRAM_RECORD_MAX_SIZE + 64u) /* room for the largest record */

static struct persistent {
    uint32_t single[PAIR_SLOT / 4u];      /* single-slot cell          */
    uint32_t ab[2u * PAIR_SLOT / 4u];     /* A/B cell                  */
    uint32_t regmem[32];                  /* 128 bytes seen as regions */
    uint32_t log[PRAM_BUF_STORAGE_SIZE(LOG_CAP) / 4u];
    uint32_t small[PRAM_BUF_STORAGE_SIZE(SMALL_CAP) / 4u];
    uint32_t ring[PRAM_BUF_STORAGE_SIZE(RING_CAP) / 4u];    /* a wrapped, full ring    */
    uint32_t scratch[PRAM_BUF_STORAGE_SIZE(RING_CAP) / 4u]; /* a ring tests may change */
    uint32_t huge[PRAM_BUF_STORAGE_SIZE(HUGE_CAP) / 4u];    /* an empty ring           */
    uint32_t mapmem[32];                  /* 128 bytes under a region map */
} mem;

/* A typed cell, storage in .noinit, A/B. */
typedef struct {
    uint32_t boots;
    uint32_t reason;
} boot_t;
PRAM_CELL_DECLARE(boot, boot_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(boot);
/* The same storage, as the next firmware (schema 2) declares it. */
PRAM_CELL_DECLARE_AT(boot_v2, boot_t, 2, PRAM_AB);
PRAM_CELL_DEFINE_AT(boot_v2, &boot__storage);

/* Regions over mem.regmem: ordinary memory, and backup-register-like files. */
static const pram_region_t reg0 = PRAM_REGION(mem.regmem, sizeof(mem.regmem), 0, 0);
static const pram_region_t reg4 = PRAM_REGION(mem.regmem, sizeof(mem.regmem), 4, 0);
static const pram_region_t reg2 = PRAM_REGION(mem.regmem, sizeof(mem.regmem), 2, 0);
static const pram_region_t reg1 = PRAM_REGION(mem.regmem, sizeof(mem.regmem), 1, 0);
#define REG_CELL_OFFSET 8u /* A/B pair cell in reg4: bytes 8..47 */

static const pram_buf_def_t log_def = PRAM_BUF_DEF_AT(mem.log, sizeof(mem.log), 1);
static const pram_buf_def_t small_def = PRAM_BUF_DEF_AT(mem.small, sizeof(mem.small), 1);
static const pram_buf_def_t ring_def = PRAM_BUF_DEF_RING_AT(mem.ring, sizeof(mem.ring), 1);
static const pram_buf_def_t scratch_def = PRAM_BUF_DEF_RING_AT(mem.scratch, sizeof(mem.scratch), 1);
static const pram_buf_def_t huge_def = PRAM_BUF_DEF_RING_AT(mem.huge, sizeof(mem.huge), 1);
static pram_buf_t lg;
static pram_buf_t sm;
static pram_buf_t rg; /* mem.ring: records 2, 3, 4 at 40, 0, 20 (see setup) */
static pram_buf_t sc; /* mem.scratch: records 0, 1, 2 of 9 bytes, unwrapped  */
static pram_buf_t hg; /* mem.huge: empty                                    */

/* A region map over mem.mapmem: header at 0, an A/B pair cell at 20, a
 * buffer with 16 bytes of data area at 60. */
static const pram_region_t regm = PRAM_REGION(mem.mapmem, sizeof(mem.mapmem), 0, 0);
#define MAP_CELL_OFFSET PRAM_REGION_HEADER_SIZE
#define MAP_BUF_OFFSET (MAP_CELL_OFFSET + 2u * PAIR_SLOT)
static const pram_buf_def_t map_buf_def =
    PRAM_BUF_DEF_IN(&regm, MAP_BUF_OFFSET, PRAM_BUF_STORAGE_SIZE(16), 1);
static pram_buf_t map_buf;
static pram_cell_t c_map;
static const pair_t v_map = {0x3A3A0001u, 0x3A3A0002u};
static regfile_t log_rf;

static pram_cell_t c_single; /* mem.single, PRAM_SINGLE   */
static pram_cell_t c_ab;     /* mem.ab, PRAM_AB           */
static pram_cell_t c_reg4;   /* reg4 @ 8, PRAM_AB         */

static const pair_t v_single = {0x51515151u, 0x52525252u};
static const pair_t v_ab = {0xAB01AB01u, 0xAB02AB02u};
static const pair_t v_reg4 = {0x44014401u, 0x44024402u};
static const boot_t v_boot = {100u, 7u};
static const char rec1[] = "alpha";
static const char rec2[] = "bravo!";
/* Five 12-byte records (20 bytes each) through a 64-byte ring: 0, 1, 2 at
 * 0, 20, 40; 3 does not fit before the end, so 0 is dropped and 3 goes to
 * offset 0 (the ring wraps at 60); 4 drops 1 and takes 20..40.  The ring
 * is full: records 2, 3, 4 at 40, 0, 20. */
static const char ring_recs[5][13] = {"ring record0", "ring record1", "ring record2",
                                      "ring record3", "ring record4"};
static const uint32_t ring_pos[3] = {40u, 0u, 20u};

/* Caller-side buffers large enough for any size a misuse claims, so that a
 * library that wrongly went ahead would be caught by the snapshot, not by
 * a crash.  Filled with a pattern to check "out is untouched on error". */
static uint8_t big[65536 + 16];
#define PATTERN 0xA5u

static pram_cell_t pair_cell(void *addr, uint8_t mode)
{
    pram_cell_t c;
    memset(&c, 0, sizeof(c));
    c.addr = addr;
    c.region = NULL;
    c.offset = 0u;
    c.size = (uint16_t)sizeof(pair_t);
    c.schema = 7u;
    c.value_offset = (uint16_t)sizeof(pram_header_t);
    c.slot_size = PAIR_SLOT;
    c.mode = mode;
    c.kind = PRAM__KIND_CELL;
    return c;
}

static pram_cell_t pair_cell_in(const pram_region_t *r, uint32_t offset, uint8_t mode)
{
    pram_cell_t c = pair_cell(NULL, mode);
    c.region = r;
    c.offset = offset;
    return c;
}

/* ---- Snapshot / failing-call check ---------------------------------------- */

static struct persistent snap;
static unsigned char snap_boot[sizeof(boot__storage)];
static uint64_t snap_stores;

static void snapshot(void)
{
    memcpy(&snap, &mem, sizeof(mem));
    memcpy(snap_boot, &boot__storage, sizeof(snap_boot));
    snap_stores = pram_test_stores;
}

/* Not one store issued and not one persistent byte changed since snapshot(). */
static void check_unchanged(const char *call, int line)
{
    if (pram_test_stores != snap_stores)
        print_error("line %d: %s issued %d store(s) to persistent memory\n", line, call,
                    (int)(pram_test_stores - snap_stores));
    assert_true(pram_test_stores == snap_stores);
    if (memcmp(&snap, &mem, sizeof(mem)) != 0 ||
        memcmp(snap_boot, &boot__storage, sizeof(snap_boot)) != 0)
        print_error("line %d: %s changed persistent bytes\n", line, call);
    assert_memory_equal(&snap, &mem, sizeof(mem));
    assert_memory_equal(snap_boot, &boot__storage, sizeof(snap_boot));
}

static void check_failed(int rc, int expected, const char *call, int line)
{
    if (rc != expected)
        print_error("line %d: %s returned %d (%s), expected %d (%s)\n", line, call, rc,
                    pram_strerror(rc), expected, pram_strerror(expected));
    assert_int_equal(rc, expected);
    assert_true(expected < 0);
    check_unchanged(call, line);
}

#define FAILS(code, call)                                 \
    do {                                                  \
        snapshot();                                       \
        check_failed((call), (code), #call, __LINE__);    \
    } while (0)

/* ---- Committed state: set up before, verified after each test ------------- */

static int setup(void **state)
{
    pair_t first = {1u, 2u};
    (void)state;
    memset(&mem, 0, sizeof(mem));
    memset(&boot__storage, 0, sizeof(boot__storage));
    c_single = pair_cell(mem.single, PRAM_SINGLE);
    c_ab = pair_cell(mem.ab, PRAM_AB);
    c_reg4 = pair_cell_in(&reg4, REG_CELL_OFFSET, PRAM_AB);
    if (pram_cell_set(&c_single, &v_single, sizeof(pair_t)) != PRAM_OK ||
        pram_cell_set(&c_ab, &first, sizeof(pair_t)) != PRAM_OK ||
        pram_cell_set(&c_ab, &v_ab, sizeof(pair_t)) != PRAM_OK || /* both slots valid */
        pram_cell_set(&c_reg4, &v_reg4, sizeof(pair_t)) != PRAM_OK || boot_set(&v_boot) != PRAM_OK)
        return -1;
    lg = (pram_buf_t)PRAM_BUF_INIT(&log_def);
    sm = (pram_buf_t)PRAM_BUF_INIT(&small_def);
    rg = (pram_buf_t)PRAM_BUF_INIT(&ring_def);
    sc = (pram_buf_t)PRAM_BUF_INIT(&scratch_def);
    hg = (pram_buf_t)PRAM_BUF_INIT(&huge_def);
    if (pram_buf_open(&lg) != PRAM_BUF_COLD || pram_buf_open(&sm) != PRAM_BUF_COLD ||
        pram_buf_open(&rg) != PRAM_BUF_COLD || pram_buf_open(&sc) != PRAM_BUF_COLD ||
        pram_buf_open(&hg) != PRAM_BUF_COLD)
        return -1;
    if (pram_buf_append(&lg, rec1, sizeof(rec1) - 1u) != PRAM_OK ||
        pram_buf_append(&lg, rec2, sizeof(rec2) - 1u) != PRAM_OK)
        return -1;
    {
        size_t i;
        for (i = 0; i < 5; i++)
            if (pram_buf_append(&rg, ring_recs[i], 12u) != PRAM_OK)
                return -1;
        for (i = 0; i < 3; i++)
            if (pram_buf_append(&sc, ring_recs[i], 9u) != PRAM_OK)
                return -1;
    }
    {
        const pram_cell_t *cells[1];
        pram_buf_t *bufs[1];
        pram_region_map_t m;
        c_map = pair_cell_in(&regm, MAP_CELL_OFFSET, PRAM_AB);
        map_buf = (pram_buf_t)PRAM_BUF_INIT(&map_buf_def);
        cells[0] = &c_map;
        bufs[0] = &map_buf;
        m.region = &regm;
        m.cells = cells;
        m.ncells = 1u;
        m.bufs = bufs;
        m.nbufs = 1u;
        m.schema = 1u;
        if (pram_region_boot(&m, NULL, NULL) != PRAM_REGION_COLD ||
            pram_cell_set(&c_map, &v_map, sizeof(pair_t)) != PRAM_OK ||
            pram_buf_append(&map_buf, "map", 3u) != PRAM_OK ||
            pram_region_boot(&m, NULL, NULL) != PRAM_REGION_WARM)
            return -1;
    }
    log_rf.base = (uint8_t *)mem.log;
    log_rf.units = (uint32_t)(sizeof(mem.log) / 4u);
    log_rf.width = 4u;
    log_rf.stride = 4u;
    regfile_attach(&log_rf);
    pram_test_misuse_count = 0;
    pram_test_last_misuse = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    regfile_attach(NULL);
    return 0;
}

static void expect_pair(const pram_cell_t *c, const pair_t *want)
{
    pair_t got;
    assert_int_equal(pram_cell_status(c), PRAM_OK);
    assert_int_equal(pram_cell_get(c, &got, sizeof(got)), PRAM_OK);
    assert_int_equal(got.a, want->a);
    assert_int_equal(got.b, want->b);
}

/* Every committed value reads back, through fresh handles for the log and
 * the ring. */
static void verify_intact(void)
{
    boot_t b;
    pram_buf_t fresh = PRAM_BUF_INIT(&log_def), fring = PRAM_BUF_INIT(&ring_def);
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    char out[16];
    uint32_t i;
    expect_pair(&c_single, &v_single);
    expect_pair(&c_ab, &v_ab);
    expect_pair(&c_reg4, &v_reg4);
    expect_pair(&c_map, &v_map);
    assert_int_equal(boot_get(&b), PRAM_OK);
    assert_int_equal(b.boots, v_boot.boots);
    assert_int_equal(b.reason, v_boot.reason);
    assert_int_equal(pram_buf_open(&fresh), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&fresh), 2);
    assert_int_equal(pram_buf_next(&fresh, &it, &r), 1);
    assert_int_equal(pram_buf_read(&fresh, &r, out, sizeof(out)), (int)sizeof(rec1) - 1);
    assert_memory_equal(out, rec1, sizeof(rec1) - 1u);
    assert_int_equal(pram_buf_next(&fresh, &it, &r), 1);
    assert_int_equal(pram_buf_read(&fresh, &r, out, sizeof(out)), (int)sizeof(rec2) - 1);
    assert_memory_equal(out, rec2, sizeof(rec2) - 1u);
    assert_int_equal(pram_buf_next(&fresh, &it, &r), 0);
    assert_int_equal(pram_buf_open(&fring), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&fring), 3);
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    for (i = 0; i < 3; i++) {
        assert_int_equal(pram_buf_next(&fring, &it, &r), 1);
        assert_int_equal(r.seq, 2u + i);
        assert_int_equal(r.pos, ring_pos[i]);
        assert_int_equal(pram_buf_read(&fring, &r, out, sizeof(out)), 12);
        assert_memory_equal(out, ring_recs[2u + i], 12u);
    }
    assert_int_equal(pram_buf_next(&fring, &it, &r), 0);
}

static void assert_untouched(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != PATTERN)
            fail_msg("caller's output buffer written at byte %zu", i);
}

/* Every cell call on descriptor c fails with `code`; get leaves out alone,
 * a failed edit_begin leaves the edit closed with the code as its result. */
static void all_cell_calls_fail(const pram_cell_t *c, int code, const char *what)
{
    pram_edit_t e;
    print_message("  %s -> %s\n", what, pram_strerror(code));
    FAILS(code, pram_cell_status(c));
    snapshot();
    assert_int_equal(pram_cell_is_valid(c), 0);
    check_unchanged("pram_cell_is_valid(c)", __LINE__);
    memset(big, PATTERN, sizeof(big));
    FAILS(code, pram_cell_get(c, big, c->size));
    assert_untouched(big, sizeof(big));
    FAILS(code, pram_cell_set(c, big, c->size));
    FAILS(code, pram_cell_invalidate(c));
    memset(&e, 0x5A, sizeof(e));
    FAILS(code, pram_cell_edit_begin(c, &e, PRAM_EDIT_KEEP));
    assert_null(e.value);
    assert_int_equal(e.result, code);
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
    memset(&e, 0x5A, sizeof(e));
    FAILS(code, pram_cell_edit_begin(c, &e, PRAM_EDIT_ZERO));
    assert_null(e.value);
    assert_int_equal(e.result, code);
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
}

/* ---- pram_strerror and the codes themselves --------------------------------- */

static const struct {
    int code;
    const char *name;
} codes[] = {
    {PRAM_OK, "PRAM_OK"},
    {PRAM_ERR_NULL, "PRAM_ERR_NULL"},
    {PRAM_ERR_DESC, "PRAM_ERR_DESC"},
    {PRAM_ERR_ALIGN, "PRAM_ERR_ALIGN"},
    {PRAM_ERR_SIZE, "PRAM_ERR_SIZE"},
    {PRAM_ERR_INVALID, "PRAM_ERR_INVALID"},
    {PRAM_ERR_LAYOUT, "PRAM_ERR_LAYOUT"},
    {PRAM_ERR_TOO_LARGE, "PRAM_ERR_TOO_LARGE"},
    {PRAM_ERR_NO_SPACE, "PRAM_ERR_NO_SPACE"},
    {PRAM_ERR_NOT_OPEN, "PRAM_ERR_NOT_OPEN"},
    {PRAM_ERR_SCOPE, "PRAM_ERR_SCOPE"},
    {PRAM_ERR_ACCESS, "PRAM_ERR_ACCESS"},
    {PRAM_ERR_CORRUPT, "PRAM_ERR_CORRUPT"},
    {PRAM_ERR_RANGE, "PRAM_ERR_RANGE"},
    {PRAM_ERR_FLAGS, "PRAM_ERR_FLAGS"},
    {PRAM_ERR_OVERLAP, "PRAM_ERR_OVERLAP"},
    {PRAM_ERR_BUSY, "PRAM_ERR_BUSY"},
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

static void strerror_names(void **state)
{
    size_t i, j;
    (void)state;
    for (i = 0; i < NCODES; i++) {
        const char *s = pram_strerror(codes[i].code);
        assert_non_null(s);
        assert_string_equal(s, codes[i].name);
        if (i)
            assert_true(codes[i].code < 0);
        for (j = 0; j < i; j++) {
            assert_int_not_equal(codes[i].code, codes[j].code);
            assert_string_not_equal(s, pram_strerror(codes[j].code));
        }
    }
    /* Named results have values of their own, and names. */
    {
        static const struct {
            int code;
            const char *name;
        } results[] = {
            {PRAM_BUF_INTACT, "PRAM_OK"},
            {PRAM_REGION_WARM, "PRAM_OK"},
            {PRAM_EDIT_ABORTED, "PRAM_EDIT_ABORTED"},
            {PRAM_BUF_COLD, "PRAM_BUF_COLD"},
            {PRAM_BUF_REFORMED, "PRAM_BUF_REFORMED"},
            {PRAM_BUF_ABANDONED, "PRAM_BUF_ABANDONED"},
            {PRAM_REGION_COLD, "PRAM_REGION_COLD"},
            {PRAM_REGION_RELAYOUT, "PRAM_REGION_RELAYOUT"},
            {PRAM_REGION_CLEARED, "PRAM_REGION_CLEARED"},
            {PRAM_MIGRATE_SAME, "PRAM_OK"},
            {PRAM_MIGRATE_FIRST, "PRAM_MIGRATE_FIRST"},
            {PRAM_MIGRATE_DONE, "PRAM_MIGRATE_DONE"},
            {PRAM_MIGRATE_ABANDONED, "PRAM_MIGRATE_ABANDONED"},
        };
        for (i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
            assert_string_equal(pram_strerror(results[i].code), results[i].name);
            for (j = 2; j < i; j++)
                if (results[j].code != 0)
                assert_int_not_equal(results[i].code, results[j].code);
        }
        assert_string_equal(pram_strerror(PRAM_MIGRATE_ABANDONED + 1), "?");
    }
    assert_string_equal(pram_strerror(100), "?");
    assert_string_equal(pram_strerror(INT_MAX), "?");
    /* The codes are -1 .. -16, in this order, with no gap. */
    assert_int_equal(codes[NCODES - 1u].code, -16);
    for (i = 1; i < NCODES; i++)
        assert_int_equal(codes[i].code, -(int)i);
    assert_string_equal(pram_strerror(PRAM_ERR_BUSY - 1), "?"); /* past the last code */
    assert_string_equal(pram_strerror(-100), "?");
    assert_string_equal(pram_strerror(INT_MIN + 1), "?");
}

/* Separate test: pram_strerror negates its argument (src/pram_error.c, -code),
 * which is undefined for INT_MIN; clang's UBSan reports it. */
static void strerror_int_min(void **state)
{
    volatile int code = INT_MIN;
    (void)state;
    assert_string_equal(pram_strerror(code), "?");
}

/* ---- Cells: NULL pointers ----------------------------------------------------- */

static void cell_null_pointers(void **state)
{
    pram_edit_t e = PRAM_EDIT_INIT;
    const pram_cell_t *cells[3];
    size_t i;
    (void)state;
    cells[0] = &c_single;
    cells[1] = &c_ab;
    cells[2] = &c_reg4;
    FAILS(PRAM_ERR_NULL, pram_cell_status(NULL));
    assert_int_equal(pram_cell_is_valid(NULL), 0);
    assert_int_equal(pram_cell_storage_size(NULL), 0);
    FAILS(PRAM_ERR_NULL, pram_cell_get(NULL, big, sizeof(pair_t)));
    FAILS(PRAM_ERR_NULL, pram_cell_set(NULL, big, sizeof(pair_t)));
    FAILS(PRAM_ERR_NULL, pram_cell_invalidate(NULL));
    FAILS(PRAM_ERR_NULL, pram_cell_edit_begin(NULL, &e, PRAM_EDIT_KEEP));
    assert_null(e.value);
    assert_int_equal(e.result, PRAM_ERR_NULL);
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    FAILS(PRAM_ERR_NULL, pram_cell_edit_begin(NULL, &e, PRAM_EDIT_ZERO));
    for (i = 0; i < 3; i++) {
        FAILS(PRAM_ERR_NULL, pram_cell_get(cells[i], NULL, sizeof(pair_t)));
        FAILS(PRAM_ERR_NULL, pram_cell_set(cells[i], NULL, sizeof(pair_t)));
        FAILS(PRAM_ERR_NULL, pram_cell_edit_begin(cells[i], NULL, PRAM_EDIT_KEEP));
        FAILS(PRAM_ERR_NULL, pram_cell_edit_begin(cells[i], NULL, PRAM_EDIT_ZERO));
    }
    FAILS(PRAM_ERR_NULL, pram_cell_edit_commit(NULL));
    FAILS(PRAM_ERR_NULL, pram_cell_edit_abort(NULL));
    verify_intact();
}

/* The typed API with a NULL object pointer (PRAM_ERR_NULL: "a required
 * pointer argument was NULL"; a failed call changes nothing).  Run last: what
 * the typed calls go to does not check the pointer (the find/open/seal
 * compiled at the call site for a .noinit or _AT cell, pram__cell_get/set
 * for a cell in a region), so a get that went ahead would copy the committed
 * value through it and a set would open the slot (single-slot: destroying
 * the value) then read through it -- a crash, which ends the program under
 * the sanitizers. */
static void cell_typed_null_pointers(void **state)
{
    (void)state;
    FAILS(PRAM_ERR_NULL, boot_get(NULL));
    FAILS(PRAM_ERR_NULL, boot_set(NULL));
    FAILS(PRAM_ERR_NULL, boot_v2_get(NULL));
    FAILS(PRAM_ERR_NULL, boot_v2_set(NULL));
    verify_intact();
}

/* ---- Cells: malformed descriptors ----------------------------------------- */

typedef struct {
    const char *what;
    void (*mutate)(pram_cell_t *c);
} mutation_t;

static void m_size0(pram_cell_t *c) { c->size = 0u; }
static void m_size_max1(pram_cell_t *c)
{
    /* one byte over the limit, slot big enough: only the size is wrong */
    c->size = (uint16_t)(PRAM_CELL_MAX_SIZE + 1u);
    c->slot_size = (uint16_t)(12u + ((PRAM_CELL_MAX_SIZE + 1u + 3u) & ~3u));
}
static void m_size_ffff(pram_cell_t *c) { c->size = 0xFFFFu; }
static void m_mode0(pram_cell_t *c) { c->mode = 0u; }
static void m_mode3(pram_cell_t *c) { c->mode = 3u; }
static void m_mode_ff(pram_cell_t *c) { c->mode = 0xFFu; }
static void m_vo0(pram_cell_t *c) { c->value_offset = 0u; }
static void m_vo8(pram_cell_t *c) { c->value_offset = 8u; }
static void m_vo11(pram_cell_t *c) { c->value_offset = 11u; }
static void m_vo14(pram_cell_t *c)
{
    c->value_offset = 14u; /* >= 12 but not 4-aligned; slot big enough */
    c->slot_size = 24u;
}
static void m_vo13(pram_cell_t *c)
{
    c->value_offset = 13u;
    c->slot_size = 24u;
}
static void m_vo20(pram_cell_t *c)
{
    c->value_offset = 20u; /* 4-aligned, slot big enough, but neither 12 nor 16 */
    c->slot_size = 28u;
}
static void m_vo16_small(pram_cell_t *c) { c->value_offset = 16u; } /* 16 + 8 > 20 */
/* Kinds: 0 user cell, 1 buffer control block, 2 region header; no other. */
static void m_kind3(pram_cell_t *c) { c->kind = 3u; }
static void m_kind4(pram_cell_t *c) { c->kind = 4u; }
static void m_kind_ff(pram_cell_t *c) { c->kind = 0xFFu; }
static void m_slot16(pram_cell_t *c) { c->slot_size = 16u; } /* 12 + 8 > 16 */
static void m_slot19(pram_cell_t *c) { c->slot_size = 19u; }
static void m_slot22(pram_cell_t *c) { c->slot_size = 22u; } /* big enough, not 4-aligned */
static void m_slot0(pram_cell_t *c) { c->slot_size = 0u; }
static void m_vo_past_slot(pram_cell_t *c)
{
    c->value_offset = 0xFFFCu; /* value_offset + size overflows 16 bits */
}

static const mutation_t cell_mutations[] = {
    {"size 0", m_size0},
    {"size PRAM_CELL_MAX_SIZE + 1", m_size_max1},
    {"size 0xFFFF", m_size_ffff},
    {"mode 0", m_mode0},
    {"mode 3", m_mode3},
    {"mode 0xFF", m_mode_ff},
    {"value_offset 0", m_vo0},
    {"value_offset 8 (< 12)", m_vo8},
    {"value_offset 11", m_vo11},
    {"value_offset 13 (misaligned)", m_vo13},
    {"value_offset 14 (misaligned)", m_vo14},
    {"value_offset 20 (neither 12 nor 16)", m_vo20},
    {"value_offset 16, slot 20 (too small)", m_vo16_small},
    {"kind 3", m_kind3},
    {"kind 4", m_kind4},
    {"kind 0xFF", m_kind_ff},
    {"slot_size 16 (too small)", m_slot16},
    {"slot_size 19", m_slot19},
    {"slot_size 22 (misaligned)", m_slot22},
    {"slot_size 0", m_slot0},
    {"value_offset 0xFFFC", m_vo_past_slot},
};

static void cell_malformed_descriptors(void **state)
{
    const pram_cell_t *bases[3];
    size_t i, k;
    (void)state;
    bases[0] = &c_single;
    bases[1] = &c_ab;
    bases[2] = &c_reg4;
    for (k = 0; k < 3; k++) {
        for (i = 0; i < sizeof(cell_mutations) / sizeof(cell_mutations[0]); i++) {
            pram_cell_t c = *bases[k];
            cell_mutations[i].mutate(&c);
            all_cell_calls_fail(&c, PRAM_ERR_DESC, cell_mutations[i].what);
        }
    }
    /* No storage at all: addr NULL and no region. */
    {
        pram_cell_t c = c_single;
        c.addr = NULL;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "addr NULL, region NULL");
    }
    /* Malformed regions. */
    {
        pram_region_t bad = reg4;
        pram_cell_t c = pair_cell_in(&bad, REG_CELL_OFFSET, PRAM_AB);
        bad.width = 3u;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region width 3");
        bad.width = 8u;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region width 8");
        bad.width = 4u;
        bad.stride = 2u;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region stride 2 < width 4");
        bad.stride = 6u;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region stride 6, width 4");
        bad.stride = 0u;
        bad.port = &pram_region_port_w2;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region width 4, port of width 2");
        bad.port = &pram_region_port_mem;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region width 4, port of ordinary memory");
        bad.port = NULL;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region width 4, no port");
        bad.port = reg4.port;
        bad.base = NULL;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region base NULL");
    }
    {
        /* Ordinary memory with a register port, and the other way round. */
        pram_region_t bad = reg0;
        pram_cell_t c = pair_cell_in(&bad, REG_CELL_OFFSET, PRAM_AB);
        bad.port = &pram_region_port_w4;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region width 0, port of width 4");
        bad = reg1;
        bad.port = &pram_region_port_w4;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "region width 1, port of width 4");
    }
    verify_intact();
}

/* ---- Cells: alignment and range ------------------------------------------- */

static void cell_misaligned_storage(void **state)
{
    unsigned off;
    (void)state;
    for (off = 1; off < 4; off++) {
        pram_cell_t c = c_single;
        char what[64];
        c.addr = (uint8_t *)mem.single + off;
        (void)snprintf(what, sizeof(what), "addr + %u, single", off);
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, what);
        c = c_ab;
        c.addr = (uint8_t *)mem.ab + off;
        (void)snprintf(what, sizeof(what), "addr + %u, A/B", off);
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, what);
        /* region offsets must be 4-aligned, whatever the access width */
        c = pair_cell_in(&reg0, REG_CELL_OFFSET + off, PRAM_AB);
        (void)snprintf(what, sizeof(what), "width-0 region offset %u", REG_CELL_OFFSET + off);
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, what);
        c = pair_cell_in(&reg4, REG_CELL_OFFSET + off, PRAM_AB);
        (void)snprintf(what, sizeof(what), "width-4 region offset %u", REG_CELL_OFFSET + off);
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, what);
        c = pair_cell_in(&reg1, REG_CELL_OFFSET + off, PRAM_AB);
        (void)snprintf(what, sizeof(what), "width-1 region offset %u", REG_CELL_OFFSET + off);
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, what);
    }
    /* A region base not aligned to its access width. */
    {
        pram_region_t r = reg0;
        pram_cell_t c = pair_cell_in(&r, 0u, PRAM_AB);
        r.base = (uint8_t *)mem.regmem + 2;
        r.size = sizeof(mem.regmem) - 4u;
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, "width-0 region base + 2");
        r.width = 4u;
        r.port = reg4.port;
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, "width-4 region base + 2");
        r.base = (uint8_t *)mem.regmem + 1;
        r.width = 2u;
        r.port = reg2.port;
        all_cell_calls_fail(&c, PRAM_ERR_ALIGN, "width-2 region base + 1");
    }
    /* Typed descriptor built by the macro over a misaligned address. */
    {
        const pram_cell_t tc = PRAM_CELL_INIT_AT(boot, (uint8_t *)mem.regmem + 2);
        const pram_cell_t ti = PRAM_CELL_INIT_IN(boot, &reg4, 6u);
        all_cell_calls_fail(&tc, PRAM_ERR_ALIGN, "PRAM_CELL_INIT_AT misaligned");
        all_cell_calls_fail(&ti, PRAM_ERR_ALIGN, "PRAM_CELL_INIT_IN offset 6");
    }
    verify_intact();
}

static void cell_region_range(void **state)
{
    const pram_region_t *regions[3];
    size_t k;
    (void)state;
    regions[0] = &reg0;
    regions[1] = &reg4;
    regions[2] = &reg1;
    for (k = 0; k < 3; k++) {
        /* A/B pair cell: 40 bytes; the region has 128. */
        pram_cell_t c = pair_cell_in(regions[k], 92u, PRAM_AB);
        all_cell_calls_fail(&c, PRAM_ERR_RANGE, "offset 92 (+40 > 128)");
        c.offset = 128u;
        all_cell_calls_fail(&c, PRAM_ERR_RANGE, "offset 128 (= size)");
        c.offset = 0x80000000u;
        all_cell_calls_fail(&c, PRAM_ERR_RANGE, "offset 0x80000000");
        c.offset = 0xFFFFFFFCu;
        all_cell_calls_fail(&c, PRAM_ERR_RANGE, "offset 0xFFFFFFFC (wraps)");
    }
    {
        pram_region_t r = reg0;
        pram_cell_t c = pair_cell_in(&r, 0u, PRAM_AB);
        r.size = 36u; /* 4 bytes short of two slots */
        all_cell_calls_fail(&c, PRAM_ERR_RANGE, "region 4 bytes too small");
        r.size = 0u;
        all_cell_calls_fail(&c, PRAM_ERR_RANGE, "region size 0");
        c.mode = PRAM_SINGLE;
        r.size = 16u;
        all_cell_calls_fail(&c, PRAM_ERR_RANGE, "single slot, region 16 bytes");
    }
    {
        /* the typed macro, at an offset whose storage runs past the end */
        const pram_cell_t ti = PRAM_CELL_INIT_IN(boot, &reg4, 124u);
        all_cell_calls_fail(&ti, PRAM_ERR_RANGE, "PRAM_CELL_INIT_IN offset 124");
    }
    verify_intact();
}

/* ---- Cells: wrong size -------------------------------------------------------- */

static void cell_wrong_size(void **state)
{
    static const size_t sizes[] = {0u, 1u, 7u, 9u, 16u, 0x10008u, (size_t)-1};
    const pram_cell_t *cells[3];
    size_t i, k;
    (void)state;
    cells[0] = &c_single;
    cells[1] = &c_ab;
    cells[2] = &c_reg4;
    for (k = 0; k < 3; k++) {
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            memset(big, PATTERN, sizeof(big));
            FAILS(PRAM_ERR_SIZE, pram_cell_get(cells[k], big, sizes[i]));
            assert_untouched(big, sizeof(big));
            FAILS(PRAM_ERR_SIZE, pram_cell_set(cells[k], big, sizes[i]));
        }
    }
    /* The typed cell through the generic API with a size off by one. */
    memset(big, PATTERN, sizeof(big));
    FAILS(PRAM_ERR_SIZE, pram_cell_get(&boot, big, sizeof(boot_t) + 1u));
    FAILS(PRAM_ERR_SIZE, pram_cell_get(&boot, big, sizeof(boot_t) - 1u));
    assert_untouched(big, sizeof(big));
    FAILS(PRAM_ERR_SIZE, pram_cell_set(&boot, big, sizeof(boot_t) + 1u));
    FAILS(PRAM_ERR_SIZE, pram_cell_set(&boot, big, sizeof(boot_t) - 1u));
    verify_intact();
}

/* ---- Cells: nothing valid / another layout ------------------------------------ */

static void cell_invalid_and_layout(void **state)
{
    pram_cell_t other;
    pram_edit_t e;
    pair_t out;
    boot_t bout;
    int rc, ran = 0;
    (void)state;
    /* Same storage, another schema: a committed header of another layout. */
    other = c_ab;
    other.schema = 8u;
    FAILS(PRAM_ERR_LAYOUT, pram_cell_status(&other));
    memset(&out, PATTERN, sizeof(out));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_get(&other, &out, sizeof(out)));
    assert_untouched((const uint8_t *)&out, sizeof(out));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_edit_begin(&other, &e, PRAM_EDIT_KEEP));
    assert_null(e.value);
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    /* Another size at the same place: also a layout change. */
    other = c_single;
    other.size = 4u;
    FAILS(PRAM_ERR_LAYOUT, pram_cell_get(&other, &out, 4u));
    /* Another kind of container (a buffer control block's, a region
     * header's) over a user cell's committed slot: one magic for all, the
     * kind is part of the layout word, so it is another layout too. */
    other = c_ab;
    other.kind = PRAM__KIND_BUF;
    FAILS(PRAM_ERR_LAYOUT, pram_cell_status(&other));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_get(&other, &out, sizeof(out)));
    assert_untouched((const uint8_t *)&out, sizeof(out));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_edit_begin(&other, &e, PRAM_EDIT_KEEP));
    other = c_single;
    other.kind = PRAM__KIND_REGION;
    FAILS(PRAM_ERR_LAYOUT, pram_cell_status(&other));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_get(&other, &out, sizeof(out)));
    other = c_reg4;
    other.kind = PRAM__KIND_BUF;
    FAILS(PRAM_ERR_LAYOUT, pram_cell_status(&other));
    /* The typed cell under a bumped schema: the next firmware's typed calls
     * (compiled at the call site) and its descriptor. */
    FAILS(PRAM_ERR_LAYOUT, boot_v2_status());
    assert_int_equal(boot_v2_is_valid(), 0);
    memset(&bout, PATTERN, sizeof(bout));
    FAILS(PRAM_ERR_LAYOUT, boot_v2_get(&bout));
    assert_untouched((const uint8_t *)&bout, sizeof(bout));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_status(&boot_v2));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_get(&boot_v2, &bout, sizeof(bout)));
    FAILS(PRAM_ERR_LAYOUT, pram_cell_edit_begin(&boot_v2, &e, PRAM_EDIT_KEEP));
    verify_intact();

    /* Nothing valid: edit KEEP has nothing to start from. */
    assert_int_equal(pram_cell_invalidate(&c_single), PRAM_OK);
    FAILS(PRAM_ERR_INVALID, pram_cell_status(&c_single));
    memset(&out, PATTERN, sizeof(out));
    FAILS(PRAM_ERR_INVALID, pram_cell_get(&c_single, &out, sizeof(out)));
    assert_untouched((const uint8_t *)&out, sizeof(out));
    FAILS(PRAM_ERR_INVALID, pram_cell_edit_begin(&c_single, &e, PRAM_EDIT_KEEP));
    assert_int_equal(boot_invalidate(), PRAM_OK);
    snapshot();
    PRAM_EDIT(boot, be, rc)
    {
        ran = 1;
        be.value->boots = 1u;
    }
    check_failed(rc, PRAM_ERR_INVALID, "PRAM_EDIT(boot) on an invalid cell", __LINE__);
    assert_int_equal(ran, 0);
    FAILS(PRAM_ERR_INVALID, boot_get(&bout));
}

/* ---- Edits: flags, scope, access ------------------------------------------ */

static void edit_unknown_flags(void **state)
{
    static const unsigned bad[] = {2u, 3u, 4u, 0x80u, 0x100u, 0x101u, 0x80000000u, ~0u};
    const pram_cell_t *cells[4];
    boot_edit_t te;
    boot_t dummy = {0u, 0u};
    size_t i, k;
    (void)state;
    cells[0] = &c_single;
    cells[1] = &c_ab;
    cells[2] = &c_reg4; /* flags are checked before access: FLAGS, not ACCESS */
    cells[3] = &boot;
    for (k = 0; k < 4; k++) {
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            pram_edit_t e;
            memset(&e, 0, sizeof(e));
            FAILS(PRAM_ERR_FLAGS, pram_cell_edit_begin(cells[k], &e, bad[i]));
            assert_null(e.value);
            assert_int_equal(e.result, PRAM_ERR_FLAGS);
            FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
            FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
        }
    }
    te.value = &dummy; /* must be cleared by a failed begin */
    FAILS(PRAM_ERR_FLAGS, boot_edit_begin(&te, 2u));
    assert_null(te.value);
    FAILS(PRAM_ERR_SCOPE, boot_edit_commit(&te));
    FAILS(PRAM_ERR_SCOPE, boot_edit_abort(&te));
    verify_intact();
}

static void edit_not_open(void **state)
{
    pram_edit_t e = PRAM_EDIT_INIT;
    boot_edit_t te;
    pair_t v = v_ab;
    (void)state;
    /* never begun */
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
    memset(&e, 0, sizeof(e));
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
    e.state = 0xFFu; /* garbage state */
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
    e.state = PRAM__EDIT_DONE;
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    /* already committed: committing twice must not re-seal anything */
    assert_int_equal(pram_cell_edit_begin(&c_ab, &e, PRAM_EDIT_KEEP), PRAM_OK);
    memcpy(e.value, &v, sizeof(v)); /* same value, new commit */
    assert_int_equal(pram_cell_edit_commit(&e), PRAM_OK);
    assert_null(e.value);
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
    /* already aborted */
    assert_int_equal(pram_cell_edit_begin(&c_ab, &e, PRAM_EDIT_ZERO), PRAM_OK);
    assert_int_equal(pram_cell_edit_abort(&e), PRAM_OK);
    assert_int_equal(e.result, PRAM_EDIT_ABORTED);
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
    FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
    /* typed wrappers, never begun */
    memset(&te, 0, sizeof(te));
    FAILS(PRAM_ERR_SCOPE, boot_edit_commit(&te));
    FAILS(PRAM_ERR_SCOPE, boot_edit_abort(&te));
    verify_intact();
}

static void edit_width_restricted_region(void **state)
{
    const pram_region_t *regions[3];
    size_t k;
    pram_edit_t e;
    (void)state;
    regions[0] = &reg4;
    regions[1] = &reg2;
    regions[2] = &reg1;
    for (k = 0; k < 3; k++) {
        pram_cell_t c = pair_cell_in(regions[k], REG_CELL_OFFSET, PRAM_AB);
        memset(&e, 0x5A, sizeof(e));
        FAILS(PRAM_ERR_ACCESS, pram_cell_edit_begin(&c, &e, PRAM_EDIT_KEEP));
        assert_null(e.value);
        assert_int_equal(e.result, PRAM_ERR_ACCESS);
        FAILS(PRAM_ERR_SCOPE, pram_cell_edit_commit(&e));
        FAILS(PRAM_ERR_ACCESS, pram_cell_edit_begin(&c, &e, PRAM_EDIT_ZERO));
        FAILS(PRAM_ERR_SCOPE, pram_cell_edit_abort(&e));
        c.mode = PRAM_SINGLE;
        FAILS(PRAM_ERR_ACCESS, pram_cell_edit_begin(&c, &e, PRAM_EDIT_ZERO));
    }
    /* Same bytes as an ordinary-memory region: the edit is allowed (control). */
    {
        pram_cell_t c = pair_cell_in(&reg0, REG_CELL_OFFSET, PRAM_AB);
        assert_int_equal(pram_cell_edit_begin(&c, &e, PRAM_EDIT_KEEP), PRAM_OK);
        assert_non_null(e.value);
        assert_int_equal(pram_cell_edit_abort(&e), PRAM_OK);
    }
    verify_intact();
}

#if defined(PRAM_HAVE_SCOPE_GUARD)
/* Leaving an edit scope by `break` commits nothing and is reported. */
static void edit_scope_left_by_break(void **state)
{
    int rc = 12345;
    boot_t b;
    (void)state;
    PRAM_EDIT(boot, e, rc)
    {
        e.value->boots = 999u;
        break;
    }
    assert_int_equal(pram_test_misuse_count, 1);
    assert_int_equal(pram_test_last_misuse, PRAM_ERR_SCOPE);
    assert_int_equal(rc, PRAM_OK); /* begin succeeded; nothing after it ran */
    assert_int_equal(boot_get(&b), PRAM_OK);
    assert_int_equal(b.boots, v_boot.boots); /* A/B: the old value */
    verify_intact();
}
#endif

/* ---- Buffers -------------------------------------------------------------- */

/* The handle is caller-owned RAM: a failed call must leave it as it was too. */
static int same_handle(const pram_buf_t *a, const pram_buf_t *b)
{
    return a->def == b->def && a->open == b->open && a->busy == b->busy && a->head == b->head &&
           a->head_seq == b->head_seq && a->tail == b->tail && a->wrap == b->wrap &&
           a->count == b->count && a->seq == b->seq && a->s_pos == b->s_pos &&
           a->s_len == b->s_len && a->s_crc == b->s_crc;
}

/* The state open derives from memory (the stream fields mean nothing once
 * the handle is not busy). */
static int same_state(const pram_buf_t *a, const pram_buf_t *b)
{
    return a->def == b->def && a->open == b->open && a->busy == b->busy && a->head == b->head &&
           a->head_seq == b->head_seq && a->tail == b->tail && a->wrap == b->wrap &&
           a->count == b->count && a->seq == b->seq;
}

static void check_handle_kept(const pram_buf_t *before, const pram_buf_t *h, const char *call,
                              int line)
{
    if (!same_handle(before, h))
        print_error("line %d: %s changed the handle\n", line, call);
    assert_true(same_handle(before, h));
}

/* FAILS, and the handle *h is left exactly as it was. */
#define HFAILS(code, h, call)                                  \
    do {                                                       \
        pram_buf_t hb_ = *(h);                                 \
        FAILS(code, call);                                     \
        check_handle_kept(&hb_, (h), #call, __LINE__);         \
    } while (0)

/* A call that succeeds without storing anything or changing the handle. */
#define OK_UNCHANGED(h, call)                                  \
    do {                                                       \
        pram_buf_t hb_ = *(h);                                 \
        snapshot();                                            \
        assert_int_equal((call), PRAM_OK);                     \
        check_unchanged(#call, __LINE__);                      \
        check_handle_kept(&hb_, (h), #call, __LINE__);         \
    } while (0)

/* A handle opened now on b's storage, as a reboot (or takeover) sees it. */
static pram_buf_t reopened(const pram_buf_t *b)
{
    pram_buf_t f = PRAM_BUF_INIT(b->def);
    assert_int_equal(pram_buf_open(&f), PRAM_BUF_INTACT);
    return f;
}

/* Every call on handle b fails with `code`: nothing stored, the handle, the
 * iterator and the caller's output left alone (takeover too if asked: it
 * re-derives a handle that fails its check with PRAM_ERR_CORRUPT). */
static void all_buf_calls_fail(pram_buf_t *b, int code, int with_takeover, const char *what)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    print_message("  buffer %s -> %s\n", what, pram_strerror(code));
    memset(&r, 0, sizeof(r));
    r.len = 5u;
    memset(big, PATTERN, sizeof(big));
    HFAILS(code, b, pram_buf_append(b, rec1, sizeof(rec1) - 1u));
    HFAILS(code, b, pram_buf_append(b, NULL, 0u));
    HFAILS(code, b, pram_buf_begin(b));
    HFAILS(code, b, pram_buf_write(b, rec1, 1u));
    HFAILS(code, b, pram_buf_commit(b));
    HFAILS(code, b, pram_buf_cancel(b));
    HFAILS(code, b, pram_buf_clear(b));
    HFAILS(code, b, pram_buf_count(b));
    HFAILS(code, b, pram_buf_space(b));
    HFAILS(code, b, pram_buf_next(b, &it, &r));
    HFAILS(code, b, pram_buf_prev(b, &it, &r));
    HFAILS(code, b, pram_buf_read(b, &r, big, sizeof(big)));
    if (with_takeover)
        HFAILS(code, b, pram_buf_takeover(b));
    assert_int_equal(it.pos, 0);
    assert_int_equal(it.seq, 0);
    assert_int_equal(it.check, 0);
    assert_int_equal(r.len, 5u);
    assert_int_equal(r.check, 0);
    assert_untouched(big, sizeof(big));
    snapshot();
    assert_int_equal(pram_buf_is_open(b), 0);
    check_unchanged("pram_buf_is_open(b)", __LINE__);
}

static void buf_null_pointers(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    (void)state;
    memset(&r, 0, sizeof(r));
    FAILS(PRAM_ERR_NULL, pram_buf_open(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_takeover(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_append(NULL, rec1, 1u));
    FAILS(PRAM_ERR_NULL, pram_buf_begin(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_write(NULL, rec1, 1u));
    FAILS(PRAM_ERR_NULL, pram_buf_commit(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_cancel(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_clear(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_count(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_space(NULL));
    FAILS(PRAM_ERR_NULL, pram_buf_next(NULL, &it, &r));
    FAILS(PRAM_ERR_NULL, pram_buf_prev(NULL, &it, &r));
    FAILS(PRAM_ERR_NULL, pram_buf_read(NULL, &r, big, sizeof(big)));
    assert_int_equal(pram_buf_is_open(NULL), 0);
    /* open handle, NULL arguments */
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_append(&lg, NULL, 1u));
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_append(&lg, NULL, 4080u));
    HFAILS(PRAM_ERR_NULL, &rg, pram_buf_append(&rg, NULL, 1u)); /* a full ring drops nothing */
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_next(&lg, NULL, &r));
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_next(&lg, &it, NULL));
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_prev(&lg, NULL, &r));
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_prev(&lg, &it, NULL));
    assert_int_equal(it.pos, 0);
    assert_int_equal(it.seq, 0);
    assert_int_equal(it.check, 0);
    assert_int_equal(pram_buf_next(&lg, &it, &r), 1);
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_read(&lg, NULL, big, sizeof(big)));
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_read(&lg, &r, NULL, 16u));
    /* A NULL chunk while a record is streamed: refused, the record goes on. */
    assert_int_equal(pram_buf_begin(&lg), PRAM_OK);
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_write(&lg, NULL, 1u));
    HFAILS(PRAM_ERR_NULL, &lg, pram_buf_write(&lg, NULL, 4080u));
    assert_int_equal(pram_buf_write(&lg, "x", 1u), PRAM_OK);
    assert_int_equal(pram_buf_cancel(&lg), PRAM_OK);
    assert_int_equal(pram_buf_count(&lg), 2);
    verify_intact();
}

static void buf_malformed_descriptors(void **state)
{
    pram_buf_def_t d;
    pram_buf_t b;
    pram_region_t r = reg0;
    (void)state;
#define OPEN_FAILS(code, what)                                            \
    do {                                                                  \
        b = (pram_buf_t)PRAM_BUF_INIT(&d);                                \
        print_message("  buffer %s -> %s\n", what, pram_strerror(code)); \
        FAILS(code, pram_buf_open(&b));                                   \
        FAILS(PRAM_ERR_NOT_OPEN, pram_buf_append(&b, rec1, 1u));          \
        FAILS(PRAM_ERR_NOT_OPEN, pram_buf_begin(&b));                     \
        FAILS(PRAM_ERR_NOT_OPEN, pram_buf_takeover(&b));                  \
        FAILS(PRAM_ERR_NOT_OPEN, pram_buf_count(&b));                     \
    } while (0)
    b = (pram_buf_t)PRAM_BUF_INIT(NULL);
    FAILS(PRAM_ERR_DESC, pram_buf_open(&b));
    FAILS(PRAM_ERR_NOT_OPEN, pram_buf_count(&b));

    d = log_def;
    d.size = 0u;
    OPEN_FAILS(PRAM_ERR_DESC, "size 0");
    d.size = PRAM_BUF_CONTROL_SIZE + PRAM_BUF_RECORD_HEADER - 4u;
    OPEN_FAILS(PRAM_ERR_DESC, "size below control block + one record header");
    d.size = PRAM_BUF_CONTROL_SIZE;
    OPEN_FAILS(PRAM_ERR_DESC, "size = control block only");
    d.size = (uint32_t)sizeof(mem.log) - 2u;
    OPEN_FAILS(PRAM_ERR_DESC, "size not a multiple of 4");
    d = log_def;
    d.addr = NULL;
    OPEN_FAILS(PRAM_ERR_DESC, "addr NULL, region NULL");
    d = log_def;
    d.addr = (uint8_t *)mem.log + 2;
    d.size = (uint32_t)sizeof(mem.log) - 4u;
    OPEN_FAILS(PRAM_ERR_ALIGN, "addr + 2");
    d.addr = (uint8_t *)mem.log + 1;
    OPEN_FAILS(PRAM_ERR_ALIGN, "addr + 1");
    /* mode: PRAM_BUF_LINEAR (0) or PRAM_BUF_RING (1), nothing else */
    d = log_def;
    d.mode = 2u;
    OPEN_FAILS(PRAM_ERR_DESC, "mode 2");
    d.mode = 0xFFu;
    OPEN_FAILS(PRAM_ERR_DESC, "mode 0xFF");
    d = ring_def;
    d.mode = 0x81u;
    OPEN_FAILS(PRAM_ERR_DESC, "ring mode with bit 7 set");

    /* in a region (128 bytes) */
    d = (pram_buf_def_t)PRAM_BUF_DEF_IN(&r, 0u, PRAM_BUF_STORAGE_SIZE(64), 1);
    d.offset = 2u;
    OPEN_FAILS(PRAM_ERR_ALIGN, "region offset 2");
    d.offset = 32u; /* 32 + 112 > 128 */
    OPEN_FAILS(PRAM_ERR_RANGE, "region offset 32, 112 bytes");
    d.offset = 0xFFFFFFF0u;
    OPEN_FAILS(PRAM_ERR_RANGE, "region offset 0xFFFFFFF0");
    d.offset = 0u;
    d.size = 132u;
    OPEN_FAILS(PRAM_ERR_RANGE, "larger than the region");
    d.size = PRAM_BUF_STORAGE_SIZE(64);
    r.width = 3u;
    OPEN_FAILS(PRAM_ERR_DESC, "region width 3");
    r = reg4;
    r.stride = 1u;
    OPEN_FAILS(PRAM_ERR_DESC, "region stride 1 < width 4");
    r.stride = 6u;
    OPEN_FAILS(PRAM_ERR_DESC, "region stride 6, width 4");
    r.stride = 0u;
    r.port = &pram_region_port_w1;
    OPEN_FAILS(PRAM_ERR_DESC, "region width 4, port of width 1");
    r.port = NULL;
    OPEN_FAILS(PRAM_ERR_DESC, "region width 4, no port");
    r.port = reg4.port;
    r.base = (uint8_t *)mem.regmem + 2;
    r.size = 120u;
    OPEN_FAILS(PRAM_ERR_ALIGN, "width-4 region base + 2");
    r.base = NULL;
    OPEN_FAILS(PRAM_ERR_DESC, "region base NULL");
#undef OPEN_FAILS

    /* A handle that was open, then failed to reopen, is closed. */
    d = log_def;
    b = (pram_buf_t)PRAM_BUF_INIT(&d);
    assert_int_equal(pram_buf_open(&b), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&b), 2);
    d.size = 2u;
    FAILS(PRAM_ERR_DESC, pram_buf_open(&b));
    d = log_def;
    FAILS(PRAM_ERR_NOT_OPEN, pram_buf_count(&b));
    FAILS(PRAM_ERR_NOT_OPEN, pram_buf_append(&b, rec1, 1u));
    /* An open handle whose descriptor went bad afterwards: every call
     * re-checks it. */
    assert_int_equal(pram_buf_open(&b), PRAM_BUF_INTACT);
    d.addr = (uint8_t *)mem.log + 2;
    all_buf_calls_fail(&b, PRAM_ERR_ALIGN, 1, "descriptor address moved to + 2 after open");
    d.addr = NULL;
    all_buf_calls_fail(&b, PRAM_ERR_DESC, 1, "descriptor address NULL after open");
    d = log_def;
    d.mode = 2u;
    all_buf_calls_fail(&b, PRAM_ERR_DESC, 1, "descriptor mode 2 after open");
    d = log_def;
    /* ... also while a record is streamed */
    assert_int_equal(pram_buf_begin(&b), PRAM_OK);
    d.mode = 7u;
    all_buf_calls_fail(&b, PRAM_ERR_DESC, 1, "descriptor mode 7 while streaming");
    d = log_def;
    assert_int_equal(pram_buf_cancel(&b), PRAM_OK);
    b.def = NULL;
    FAILS(PRAM_ERR_DESC, pram_buf_space(&b));
    FAILS(PRAM_ERR_DESC, pram_buf_takeover(&b));
    verify_intact();
}

static void buf_not_open(void **state)
{
    static const uint32_t opens[] = {0u, PRAM__BUF_OPEN ^ 1u, PRAM__BUF_OPEN ^ 0x80000000u, ~0u};
    size_t i;
    pram_buf_t b;
    char what[64];
    (void)state;
    for (i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
        b = lg; /* a copy of an open handle, marked not open */
        b.open = opens[i];
        (void)snprintf(what, sizeof(what), "open word 0x%08x", (unsigned)opens[i]);
        all_buf_calls_fail(&b, PRAM_ERR_NOT_OPEN, 1, what);
        b = rg;
        b.open = opens[i];
        all_buf_calls_fail(&b, PRAM_ERR_NOT_OPEN, 1, what);
    }
    /* Statically initialised, never opened. */
    b = (pram_buf_t)PRAM_BUF_INIT(&log_def);
    all_buf_calls_fail(&b, PRAM_ERR_NOT_OPEN, 1, "never opened");
    b = (pram_buf_t)PRAM_BUF_INIT(&ring_def);
    all_buf_calls_fail(&b, PRAM_ERR_NOT_OPEN, 1, "ring, never opened");
    verify_intact();
}

/* write, commit and cancel belong to a record begun and not yet ended. */
static void buf_stream_scope(void **state)
{
    pram_buf_t *bufs[4];
    size_t i;
    (void)state;
    bufs[0] = &lg;
    bufs[1] = &rg;
    bufs[2] = &sm;
    bufs[3] = &sc;
    for (i = 0; i < 4; i++) {
        HFAILS(PRAM_ERR_SCOPE, bufs[i], pram_buf_write(bufs[i], rec1, 1u));
        HFAILS(PRAM_ERR_SCOPE, bufs[i], pram_buf_write(bufs[i], NULL, 0u));
        HFAILS(PRAM_ERR_SCOPE, bufs[i], pram_buf_write(bufs[i], big, 0x10000u));
        HFAILS(PRAM_ERR_SCOPE, bufs[i], pram_buf_commit(bufs[i]));
        HFAILS(PRAM_ERR_SCOPE, bufs[i], pram_buf_cancel(bufs[i]));
    }
    /* After commit, and after cancel: the scope is closed again. */
    assert_int_equal(pram_buf_begin(&sc), PRAM_OK);
    assert_int_equal(pram_buf_write(&sc, "abc", 3u), PRAM_OK);
    assert_int_equal(pram_buf_commit(&sc), PRAM_OK);
    HFAILS(PRAM_ERR_SCOPE, &sc, pram_buf_write(&sc, "d", 1u));
    HFAILS(PRAM_ERR_SCOPE, &sc, pram_buf_commit(&sc));
    HFAILS(PRAM_ERR_SCOPE, &sc, pram_buf_cancel(&sc));
    assert_int_equal(pram_buf_begin(&sc), PRAM_OK);
    assert_int_equal(pram_buf_cancel(&sc), PRAM_OK);
    HFAILS(PRAM_ERR_SCOPE, &sc, pram_buf_write(&sc, "d", 1u));
    HFAILS(PRAM_ERR_SCOPE, &sc, pram_buf_commit(&sc));
    HFAILS(PRAM_ERR_SCOPE, &sc, pram_buf_cancel(&sc));
    /* A begin that failed opened nothing: a full linear buffer. */
    assert_int_equal(pram_buf_append(&sm, big, SMALL_CAP - PRAM_BUF_RECORD_HEADER), PRAM_OK);
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_begin(&sm));
    HFAILS(PRAM_ERR_SCOPE, &sm, pram_buf_write(&sm, "d", 1u));
    HFAILS(PRAM_ERR_SCOPE, &sm, pram_buf_commit(&sm));
    HFAILS(PRAM_ERR_SCOPE, &sm, pram_buf_cancel(&sm));
    /* The committed streamed record is there, whole; the cancelled one not. */
    {
        pram_buf_t f = reopened(&sc);
        pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
        pram_record_t r;
        char out[8];
        assert_int_equal(pram_buf_prev(&f, &it, &r), 1);
        assert_int_equal(pram_buf_read(&f, &r, out, sizeof(out)), 3);
        assert_memory_equal(out, "abc", 3u);
    }
    verify_intact();
}

/* While a record is streamed the other writing calls are refused with
 * PRAM_ERR_BUSY and change nothing; reading goes on; the stream goes on. */
static void buf_busy_while_streaming(void **state)
{
    pram_buf_t *bufs[2];
    size_t i;
    (void)state;
    bufs[0] = &lg; /* linear, room left      */
    bufs[1] = &rg; /* a full ring: begin drops */
    for (i = 0; i < 2; i++) {
        pram_buf_t *b = bufs[i];
        pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
        pram_record_t r;
        int count, n;
        assert_int_equal(pram_buf_begin(b), PRAM_OK);
        assert_int_equal(pram_buf_write(b, "par", 3u), PRAM_OK);
        count = pram_buf_count(b);
        HFAILS(PRAM_ERR_BUSY, b, pram_buf_append(b, rec1, sizeof(rec1) - 1u));
        HFAILS(PRAM_ERR_BUSY, b, pram_buf_append(b, NULL, 0u));
        HFAILS(PRAM_ERR_BUSY, b, pram_buf_append(b, big, 0x10000u)); /* busy comes first */
        HFAILS(PRAM_ERR_BUSY, b, pram_buf_begin(b));
        HFAILS(PRAM_ERR_BUSY, b, pram_buf_clear(b));
        /* reads: the committed records, not the one being written */
        snapshot();
        assert_int_equal(pram_buf_count(b), count);
        n = pram_buf_space(b);
        assert_true(n >= 0 || n == PRAM_ERR_NO_SPACE);
        assert_int_equal(pram_buf_is_open(b), 1);
        while (pram_buf_next(b, &it, &r) == 1)
            count--;
        assert_int_equal(count, 0);
        check_unchanged("reads while streaming", __LINE__);
        /* the stream goes on and commits */
        assert_int_equal(pram_buf_write(b, "tial", 4u), PRAM_OK);
        if (b == &lg) {
            assert_int_equal(pram_buf_cancel(b), PRAM_OK);
            continue;
        }
        assert_int_equal(pram_buf_commit(b), PRAM_OK);
        it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
        assert_int_equal(pram_buf_prev(b, &it, &r), 1);
        assert_int_equal(r.len, 7u);
        assert_memory_equal(r.data, "partial", 7u);
        /* now not busy: append works again */
        assert_int_equal(pram_buf_append(b, rec1, sizeof(rec1) - 1u), PRAM_OK);
    }
    /* The log is as it was; the ring's committed records are the newest. */
    assert_int_equal(pram_buf_count(&lg), 2);
    {
        pram_buf_t f = reopened(&rg);
        assert_true(same_state(&f, &rg));
    }
}

/* A writing call interrupted part-way (here: by a simulated fault after one
 * of its stores, via the power-cut hook: memory as that store left it, the
 * handle still marked busy) refuses every other writing call; takeover
 * abandons it and re-derives the handle from memory exactly as open does. */
typedef struct {
    pram_buf_t *b;
    int clear;
} interrupted_t;

static void interrupted_op(void *p)
{
    const interrupted_t *x = (const interrupted_t *)p;
    if (x->clear)
        (void)pram_buf_clear(x->b);
    else
        (void)pram_buf_append(x->b, "a record that drops two", 23u);
}

static void buf_takeover(void **state)
{
    static uint32_t saved[sizeof(mem.ring) / 4u];
    static pram_buf_t saved_h;
    static const struct {
        int clear;
        uint32_t n, lens[4];
    } allowed[] = {
        {0, 3u, {12u, 12u, 5u}},      /* cut before the drop committed   */
        {0, 1u, {5u}},                /* dropped, the record absent      */
        {0, 2u, {5u, 23u}},           /* dropped, the record whole       */
        {1, 0u, {0u}},                /* the clear done (after its first
                                         store, the mark, takeover finishes
                                         it as open would)               */
    };
    unsigned seen[sizeof(allowed) / sizeof(allowed[0])] = {0, 0, 0, 0};
    uint64_t k;
    int cut = 1, clear;
    unsigned cuts = 0;
    (void)state;
    /* Not busy: takeover is a no-op. */
    OK_UNCHANGED(&rg, pram_buf_takeover(&rg));
    OK_UNCHANGED(&lg, pram_buf_takeover(&lg));
    /* A stream in progress: abandoned, drops it made stay made. */
    assert_int_equal(pram_buf_begin(&rg), PRAM_OK); /* drops record 2 */
    assert_int_equal(pram_buf_write(&rg, "half", 4u), PRAM_OK);
    snapshot();
    assert_int_equal(pram_buf_takeover(&rg), PRAM_BUF_ABANDONED);
    check_unchanged("pram_buf_takeover(&rg)", __LINE__);
    {
        pram_buf_t f = reopened(&rg);
        assert_true(same_state(&f, &rg));
        assert_int_equal(rg.busy, 0u);
        assert_int_equal(pram_buf_count(&rg), 2);
    }
    HFAILS(PRAM_ERR_SCOPE, &rg, pram_buf_write(&rg, "x", 1u));
    HFAILS(PRAM_ERR_SCOPE, &rg, pram_buf_commit(&rg));
    assert_int_equal(pram_buf_append(&rg, "crash", 5u), PRAM_OK);
    assert_int_equal(pram_buf_count(&rg), 3);

    /* An append (and a clear) cut after each of its stores. */
    memcpy(saved, mem.ring, sizeof(saved));
    saved_h = rg;
    for (clear = 0; clear < 2; clear++) {
        for (k = 1, cut = 1; cut; k++) {
            interrupted_t x;
            pram_buf_t f;
            pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
            pram_record_t r;
            uint32_t i, n, lens[5];
            memcpy(mem.ring, saved, sizeof(saved));
            rg = saved_h;
            x.b = &rg;
            x.clear = clear;
            cut = run_cut(interrupted_op, &x, k, 0u);
            if (!cut)
                break;
            cuts++;
            assert_int_not_equal(rg.busy, 0u);
            HFAILS(PRAM_ERR_BUSY, &rg, pram_buf_append(&rg, "crash", 5u));
            HFAILS(PRAM_ERR_BUSY, &rg, pram_buf_begin(&rg));
            HFAILS(PRAM_ERR_BUSY, &rg, pram_buf_clear(&rg));
            HFAILS(PRAM_ERR_SCOPE, &rg, pram_buf_write(&rg, "x", 1u));
            HFAILS(PRAM_ERR_SCOPE, &rg, pram_buf_commit(&rg));
            HFAILS(PRAM_ERR_SCOPE, &rg, pram_buf_cancel(&rg));
            /* What a reboot would find, then the same from takeover. */
            f = reopened(&rg);
            assert_int_equal(pram_buf_takeover(&rg), PRAM_BUF_ABANDONED);
            assert_true(same_state(&f, &rg));
            /* an empty crash record: 8 bytes, which fit without dropping in
             * every state below (so what is dropped is the cut call's) */
            assert_int_equal(pram_buf_append(&rg, NULL, 0u), PRAM_OK);
            /* After the reboot: the crash record is the newest; before it
             * the records as they were (3 @ 0, 4 @ 20, "crash" @ 40), or for
             * the append without the two it was dropping, then its record
             * whole or absent; for the clear, all or none. */
            f = reopened(&rg);
            n = 0;
            while (pram_buf_next(&f, &it, &r) == 1) {
                assert_true(n < 5u);
                lens[n++] = r.len;
            }
            assert_true(n >= 1u);
            assert_int_equal(lens[n - 1u], 0u);
            assert_int_equal(r.seq, f.seq - 1u);
            for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
                if (allowed[i].clear == clear && allowed[i].n == n - 1u &&
                    memcmp(allowed[i].lens, lens, (n - 1u) * sizeof(lens[0])) == 0)
                    break;
            if (i == sizeof(allowed) / sizeof(allowed[0]))
                fail_msg("%s cut after store %u: %u records before the crash record",
                         clear ? "clear" : "append", (unsigned)k, n - 1u);
            seen[i]++;
        }
        assert_true(k > 3u);
    }
    print_message("  takeover after %u cut appends and clears: append kept all %u, dropped %u, "
                  "dropped and added %u; clear done %u\n",
                  cuts, seen[0], seen[1], seen[2], seen[3]);
    for (k = 0; k < sizeof(seen) / sizeof(seen[0]); k++)
        assert_true(seen[k] > 0u); /* every outcome was reached */
    memcpy(mem.ring, saved, sizeof(saved));
    rg = saved_h;
}

static void buf_too_large(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    int n;
    (void)state;
    /* Over PRAM_RECORD_MAX_SIZE (the log itself is smaller still). */
    HFAILS(PRAM_ERR_TOO_LARGE, &lg, pram_buf_append(&lg, big, PRAM_RECORD_MAX_SIZE + 1u));
    HFAILS(PRAM_ERR_TOO_LARGE, &lg, pram_buf_append(&lg, big, 0x10000u));
    HFAILS(PRAM_ERR_TOO_LARGE, &lg, pram_buf_append(&lg, big, 0x10001u)); /* len & 0xFFFF == 1 */
    HFAILS(PRAM_ERR_TOO_LARGE, &lg, pram_buf_append(&lg, big, (size_t)-1));
    /* Over the maximum in a buffer that could hold it: still refused. */
    HFAILS(PRAM_ERR_TOO_LARGE, &hg, pram_buf_append(&hg, big, PRAM_RECORD_MAX_SIZE + 1u));
    /* Larger than the whole data area, even when empty: TOO_LARGE, not NO_SPACE. */
    assert_int_equal(pram_buf_count(&sm), 0);
    HFAILS(PRAM_ERR_TOO_LARGE, &sm, pram_buf_append(&sm, big, SMALL_CAP - PRAM_BUF_RECORD_HEADER + 1u));
    HFAILS(PRAM_ERR_TOO_LARGE, &sm, pram_buf_append(&sm, big, SMALL_CAP));
    HFAILS(PRAM_ERR_TOO_LARGE, &lg, pram_buf_append(&lg, big, LOG_CAP));
    /* A ring drops nothing for a record that could never fit. */
    HFAILS(PRAM_ERR_TOO_LARGE, &rg, pram_buf_append(&rg, big, RING_CAP - PRAM_BUF_RECORD_HEADER + 1u));
    HFAILS(PRAM_ERR_TOO_LARGE, &rg, pram_buf_append(&rg, big, PRAM_RECORD_MAX_SIZE + 1u));
    assert_int_equal(pram_buf_append(&sm, big, SMALL_CAP - PRAM_BUF_RECORD_HEADER), PRAM_OK);
    assert_int_equal(pram_buf_clear(&sm), PRAM_OK);
    /* read into a buffer too small for the record */
    assert_int_equal(pram_buf_next(&lg, &it, &r), 1);
    memset(big, PATTERN, sizeof(big));
    HFAILS(PRAM_ERR_TOO_LARGE, &lg, pram_buf_read(&lg, &r, big, sizeof(rec1) - 2u));
    HFAILS(PRAM_ERR_TOO_LARGE, &lg, pram_buf_read(&lg, &r, big, 0u));
    assert_untouched(big, sizeof(big));
    n = pram_buf_read(&lg, &r, big, sizeof(rec1) - 1u);
    assert_int_equal(n, (int)sizeof(rec1) - 1);
    assert_int_equal(pram_buf_count(&lg), 2);
    verify_intact();
}

/* A chunk that would make the streamed record larger than
 * PRAM_RECORD_MAX_SIZE or than the data area: PRAM_ERR_TOO_LARGE, nothing
 * of it written (a ring drops nothing for it), the record goes on. */
static void buf_stream_too_large(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    size_t i;
    int n;
    (void)state;
    for (i = 0; i < sizeof(big); i++)
        big[i] = (uint8_t)(i * 7u + 1u);
    /* the maximum, in a ring that can hold it */
    assert_int_equal(pram_buf_begin(&hg), PRAM_OK);
    HFAILS(PRAM_ERR_TOO_LARGE, &hg, pram_buf_write(&hg, big, PRAM_RECORD_MAX_SIZE + 1u));
    HFAILS(PRAM_ERR_TOO_LARGE, &hg, pram_buf_write(&hg, big, (size_t)-1));
    assert_int_equal(pram_buf_write(&hg, big, 4000u), PRAM_OK);
    HFAILS(PRAM_ERR_TOO_LARGE, &hg, pram_buf_write(&hg, big + 4000, PRAM_RECORD_MAX_SIZE - 4000u + 1u));
    HFAILS(PRAM_ERR_TOO_LARGE, &hg, pram_buf_write(&hg, big + 4000, 0x10000u));
    HFAILS(PRAM_ERR_TOO_LARGE, &hg, pram_buf_write(&hg, big + 4000, (size_t)-1));
    assert_int_equal(pram_buf_write(&hg, big + 4000, PRAM_RECORD_MAX_SIZE - 4000u), PRAM_OK);
    HFAILS(PRAM_ERR_TOO_LARGE, &hg, pram_buf_write(&hg, big, 1u));
    assert_int_equal(pram_buf_commit(&hg), PRAM_OK);
    {
        pram_buf_t f = reopened(&hg);
        assert_int_equal(pram_buf_next(&f, &it, &r), 1);
        assert_int_equal(r.len, PRAM_RECORD_MAX_SIZE);
        assert_memory_equal(r.data, big, PRAM_RECORD_MAX_SIZE);
    }
    /* the data area: linear (sm, 32 bytes) and a ring (sc, 64 bytes, which
     * would have to drop records first) */
    assert_int_equal(pram_buf_begin(&sm), PRAM_OK);
    HFAILS(PRAM_ERR_TOO_LARGE, &sm, pram_buf_write(&sm, big, SMALL_CAP - PRAM_BUF_RECORD_HEADER + 1u));
    assert_int_equal(pram_buf_write(&sm, big, 20u), PRAM_OK);
    HFAILS(PRAM_ERR_TOO_LARGE, &sm, pram_buf_write(&sm, big, 5u));
    assert_int_equal(pram_buf_write(&sm, big + 20, 4u), PRAM_OK); /* exactly the area */
    HFAILS(PRAM_ERR_TOO_LARGE, &sm, pram_buf_write(&sm, big, 1u));
    assert_int_equal(pram_buf_commit(&sm), PRAM_OK);
    assert_int_equal(pram_buf_begin(&sc), PRAM_OK);
    n = pram_buf_count(&sc);
    HFAILS(PRAM_ERR_TOO_LARGE, &sc, pram_buf_write(&sc, big, RING_CAP - PRAM_BUF_RECORD_HEADER + 1u));
    assert_int_equal(pram_buf_count(&sc), n);
    assert_int_equal(pram_buf_cancel(&sc), PRAM_OK);
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_next(&sm, &it, &r), 1);
    assert_int_equal(r.len, 24u);
    assert_memory_equal(r.data, big, 24u);
    verify_intact();
}

static void buf_no_space(void **state)
{
    pram_buf_t again = PRAM_BUF_INIT(&small_def);
    int space;
    (void)state;
    /* 32-byte data area: 8 payload bytes take 16, leaving 16 = 8 header + 8. */
    assert_int_equal(pram_buf_append(&sm, "12345678", 8u), PRAM_OK);
    space = pram_buf_space(&sm);
    assert_int_equal(space, 8);
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_append(&sm, big, (size_t)space + 1u));
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_append(&sm, big, 16u));
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_append(&sm, big, SMALL_CAP - PRAM_BUF_RECORD_HEADER));
    assert_int_equal(pram_buf_count(&sm), 1);
    assert_int_equal(pram_buf_append(&sm, "abcdefgh", (size_t)space), PRAM_OK);
    /* full: not even an empty record */
    assert_int_equal(pram_buf_space(&sm), PRAM_ERR_NO_SPACE);
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_append(&sm, NULL, 0u));
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_append(&sm, big, 1u));
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_begin(&sm));
    assert_int_equal(pram_buf_count(&sm), 2);
    /* what was committed before the failures is all there after a reopen */
    assert_int_equal(pram_buf_open(&again), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&again), 2);
    HFAILS(PRAM_ERR_NO_SPACE, &again, pram_buf_append(&again, big, 1u));
    /* space counts without dropping: a full ring has none either (its
     * append drops instead: buf_busy_while_streaming). */
    assert_int_equal(pram_buf_space(&rg), PRAM_ERR_NO_SPACE);
    verify_intact();
}

/* Linear: a chunk that does not fit is refused with PRAM_ERR_NO_SPACE, none
 * of it written; the record stays open and usable. */
static void buf_stream_no_space(void **state)
{
    pram_buf_t f;
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    (void)state;
    memset(big, 'Z', sizeof(big));
    assert_int_equal(pram_buf_append(&sm, "12345678", 8u), PRAM_OK); /* 16 of 32 bytes */
    assert_int_equal(pram_buf_begin(&sm), PRAM_OK);
    assert_int_equal(pram_buf_write(&sm, "abcd", 4u), PRAM_OK);
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_write(&sm, big, 5u)); /* 8 + 12 > 16 */
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_write(&sm, big, 16u));
    HFAILS(PRAM_ERR_BUSY, &sm, pram_buf_append(&sm, NULL, 0u));
    assert_int_equal(pram_buf_write(&sm, "56", 2u), PRAM_OK); /* a partial word */
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_write(&sm, big, 3u));
    assert_int_equal(pram_buf_write(&sm, "78", 2u), PRAM_OK); /* exactly the room */
    HFAILS(PRAM_ERR_NO_SPACE, &sm, pram_buf_write(&sm, big, 1u));
    assert_int_equal(pram_buf_commit(&sm), PRAM_OK);
    f = reopened(&sm);
    assert_true(same_state(&f, &sm));
    assert_int_equal(pram_buf_count(&f), 2);
    assert_int_equal(pram_buf_prev(&f, &it, &r), 1);
    assert_int_equal(r.len, 8u);
    assert_memory_equal(r.data, "abcd5678", 8u);
    verify_intact();
}

/* ---- Buffers: a corrupted handle ------------------------------------------ */

/* Field k of handle b overwritten with something the library never writes
 * there; 0 when there is no field k. */
static int corrupt_field(pram_buf_t *b, int k, const char **what)
{
    static const char *const names[] = {
        "busy 1", "busy 0xFFFFFFFF", "busy 0x80000000", "head past the data area",
        "head misaligned", "tail past the data area", "tail misaligned", "wrap past the data area",
        "wrap misaligned", "wrap set/cleared against head and tail",
        "seq one ahead of head_seq + count", "head_seq one ahead", "count one more",
        "count and seq past D/8 records", "count 0 with records between head and tail",
        "everything after open 0xFF"};
    uint32_t D = b->def->size - PRAM_BUF_CONTROL_SIZE;
    if (k < 0 || (size_t)k >= sizeof(names) / sizeof(names[0]))
        return 0;
    *what = names[k];
    switch (k) {
    case 0:
        b->busy = 1u;
        break;
    case 1:
        b->busy = ~0u;
        break;
    case 2:
        b->busy = 0x80000000u;
        break;
    case 3:
        b->head = D + 4u;
        break;
    case 4:
        b->head += 2u;
        break;
    case 5:
        b->tail = D + 4u;
        break;
    case 6:
        b->tail += 1u;
        break;
    case 7:
        b->wrap = D + 4u;
        break;
    case 8:
        b->wrap = b->wrap ? b->wrap + 2u : 2u;
        break;
    case 9:
        b->wrap = b->wrap ? 0u : D;
        break;
    case 10:
        b->seq++;
        break;
    case 11:
        b->head_seq++;
        break;
    case 12:
        b->count++;
        break;
    case 13:
        b->count = D / 8u + 1u;
        b->seq = b->head_seq + b->count;
        break;
    case 14:
        b->count = 0u;
        b->seq = b->head_seq;
        break;
    default:
        memset((uint8_t *)b + offsetof(pram_buf_t, busy), 0xFF,
               sizeof(*b) - offsetof(pram_buf_t, busy));
        break;
    }
    return 1;
}

/* Stream field k of a streaming handle b overwritten. */
static int corrupt_stream_field(pram_buf_t *b, int k, const char **what)
{
    static const char *const names[] = {
        "stream: s_pos past the data area", "stream: s_pos misaligned",
        "stream: s_len over the maximum", "stream: s_len past the end of the area",
        "stream: s_crc over 16 bits", "stream: s_len 0xFFFFFFFF"};
    uint32_t D = b->def->size - PRAM_BUF_CONTROL_SIZE;
    if (k < 0 || (size_t)k >= sizeof(names) / sizeof(names[0]))
        return 0;
    *what = names[k];
    switch (k) {
    case 0:
        b->s_pos = D + 4u;
        break;
    case 1:
        b->s_pos += 2u;
        break;
    case 2:
        b->s_len = PRAM_RECORD_MAX_SIZE + 1u;
        break;
    case 3:
        b->s_len = D - b->s_pos;
        break;
    case 4:
        b->s_crc = 0x10000u;
        break;
    default:
        b->s_len = ~0u;
        break;
    }
    return 1;
}

/* Takeover on a handle that fails its check re-derives it from memory,
 * storing nothing when memory is intact. */
static void takeover_repairs(pram_buf_t *b, const pram_buf_t *good)
{
    pram_buf_t f = reopened(good);
    snapshot();
    assert_int_equal(pram_buf_takeover(b), PRAM_BUF_ABANDONED);
    check_unchanged("pram_buf_takeover(corrupt handle)", __LINE__);
    assert_true(same_state(&f, b));
    assert_int_equal(pram_buf_is_open(b), 1);
}

static void buf_corrupt_handle(void **state)
{
    static const char *const kinds[3] = {"linear", "ring", "streaming ring"};
    pram_buf_t *bufs[3], b;
    const char *what = "";
    char msg[96];
    int i, k;
    (void)state;
    /* sc streaming, after a chunk that made it drop a record */
    assert_int_equal(pram_buf_begin(&sc), PRAM_OK);
    assert_int_equal(pram_buf_write(&sc, "streamed bytes", 14u), PRAM_OK);
    bufs[0] = &lg; /* linear */
    bufs[1] = &rg; /* ring, wrapped */
    bufs[2] = &sc; /* ring, a record being streamed */
    for (i = 0; i < 3; i++) {
        for (k = 0;; k++) {
            b = *bufs[i];
            if (!corrupt_field(&b, k, &what))
                break;
            (void)snprintf(msg, sizeof(msg), "%s: %s", kinds[i], what);
            all_buf_calls_fail(&b, PRAM_ERR_CORRUPT, 0, msg);
            takeover_repairs(&b, bufs[i]);
        }
    }
    for (k = 0;; k++) {
        b = sc;
        if (!corrupt_stream_field(&b, k, &what))
            break;
        all_buf_calls_fail(&b, PRAM_ERR_CORRUPT, 0, what);
        takeover_repairs(&b, &sc);
    }
    /* The real stream was not disturbed by any of it. */
    assert_int_equal(pram_buf_write(&sc, "!", 1u), PRAM_OK);
    assert_int_equal(pram_buf_commit(&sc), PRAM_OK);
    {
        pram_buf_t f = reopened(&sc);
        pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
        pram_record_t r;
        assert_true(same_state(&f, &sc));
        assert_int_equal(pram_buf_prev(&f, &it, &r), 1);
        assert_int_equal(r.len, 15u);
        assert_memory_equal(r.data, "streamed bytes!", 15u);
    }
    verify_intact();
}

/* ---- Buffers: records and iterators the caller kept or made up ------------ */

/* Records altered in memory after open: next, prev and read refuse them. */
static void buf_damaged_records(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r, r2;
    uint8_t *payload = (uint8_t *)mem.log + PRAM_BUF_CONTROL_SIZE + PRAM_BUF_RECORD_HEADER;
    (void)state;
    assert_int_equal(pram_buf_next(&lg, &it, &r), 1);
    payload[1] ^= 0x01u;
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_next(&lg, &it, &r2));
    HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_next(&lg, &it, &r2)); /* not skipped */
    HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
    /* prev reaches the good record 1, then refuses record 0 */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_prev(&lg, &it, &r2), 1);
    assert_int_equal(r2.seq, 1u);
    HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_prev(&lg, &it, &r2));
    payload[1] ^= 0x01u;
    assert_int_equal(pram_buf_prev(&lg, &it, &r2), 1);
    assert_int_equal(r2.seq, 0u);
    verify_intact();
}

/* Record positions the library did not hand out: misaligned, inside a
 * record, past the tail: PRAM_ERR_RANGE (the record no longer matches its
 * check).  An iterator whose position or sequence number was altered gets
 * PRAM_ERR_CORRUPT, and nothing else happens (no load, no store, the
 * iterator and the record left alone).  (The register file over the log
 * storage turns any misaligned or narrow access into a test failure; loads
 * outside the storage: buf_garbage_iterators_and_records, under ASan.) */
static void buf_stale_positions(void **state)
{
    static const uint32_t bad_pos[] = {2u, 4u, 6u, 16u, 32u, 36u, LOG_CAP - 4u, LOG_CAP, LOG_CAP + 4u,
                                       0x7FFFFFFCu, 0xFFFFFFFCu, 0xFFFFFFFFu};
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT, it1, it2, bad, kept;
    pram_record_t r0, r1, r, rkept;
    size_t i;
    (void)state;
    assert_int_equal(pram_buf_next(&lg, &it, &r0), 1);
    it1 = it; /* next: record 1 */
    assert_int_equal(pram_buf_next(&lg, &it, &r1), 1);
    assert_int_equal(r1.pos, 16u);
    assert_int_equal(it1.pos, 16u);
    for (i = 0; i < sizeof(bad_pos) / sizeof(bad_pos[0]); i++) {
        if (bad_pos[i] != r1.pos) {
            r = r1;
            r.pos = bad_pos[i];
            HFAILS(PRAM_ERR_RANGE, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
        }
        /* the iterator for record 1 with a wrong position, a wrong
         * sequence number, or both */
        bad = it1;
        if (bad_pos[i] != it1.pos) {
            bad.pos = bad_pos[i];
            kept = bad;
            memset(&r, PATTERN, sizeof(r));
            rkept = r;
            HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_next(&lg, &bad, &r));
            HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_prev(&lg, &bad, &r));
            assert_memory_equal(&bad, &kept, sizeof(bad));
            assert_memory_equal(&r, &rkept, sizeof(r));
        }
        bad = it1;
        bad.seq = bad_pos[i];
        kept = bad;
        HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_next(&lg, &bad, &r));
        HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_prev(&lg, &bad, &r));
        assert_memory_equal(&bad, &kept, sizeof(bad));
        bad.pos = bad_pos[i] ^ 4u;
        HFAILS(PRAM_ERR_CORRUPT, &lg, pram_buf_next(&lg, &bad, &r));
    }
    /* The iterator they were copied from: record 1, then the end. */
    snapshot();
    assert_int_equal(pram_buf_next(&lg, &it1, &r), 1);
    check_unchanged("pram_buf_next(&lg, &it1)", __LINE__);
    assert_int_equal(r.seq, 1u);
    assert_int_equal(r.pos, 16u);
    assert_int_equal(r.len, sizeof(rec2) - 1u);
    assert_int_equal(r.check, r1.check);
    assert_int_equal(pram_buf_next(&lg, &it1, &r), 0);
    /* wrong length, wrong sequence number, a record not held (yet), a
     * check that was not the library's */
    r = r1;
    r.len = 5u;
    HFAILS(PRAM_ERR_RANGE, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
    r = r1;
    r.seq = 0u; /* record 0 is held, but not at 16 */
    HFAILS(PRAM_ERR_RANGE, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
    r = r1;
    r.seq = 2u;
    HFAILS(PRAM_ERR_RANGE, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
    r.seq = 0xFFFFFFFFu;
    HFAILS(PRAM_ERR_RANGE, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
    r = r1;
    r.check = r0.check;
    HFAILS(PRAM_ERR_RANGE, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
    r.check = 0u;
    HFAILS(PRAM_ERR_RANGE, &lg, pram_buf_read(&lg, &r, big, sizeof(big)));
    /* A ring's dropped record, though a new record now starts where it
     * started: not the record the caller was given. */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    for (i = 0; i < 3; i++)
        assert_int_equal(pram_buf_prev(&rg, &it, &r), 1); /* 4, 3, then 2 at 40 */
    assert_int_equal(r.seq, 2u);
    assert_int_equal(r.pos, 40u);
    it2 = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    assert_int_equal(pram_buf_next(&rg, &it2, &r0), 1); /* 2; next: 3 */
    assert_int_equal(r0.seq, 2u);
    assert_int_equal(pram_buf_append(&rg, "x", 1u), PRAM_OK); /* drops 2, goes to 40 */
    {
        pram_buf_iter_t newest = PRAM_BUF_ITER_INIT;
        assert_int_equal(pram_buf_prev(&rg, &newest, &r1), 1);
        assert_int_equal(r1.pos, 40u);
        assert_int_equal(r1.seq, 5u);
    }
    HFAILS(PRAM_ERR_RANGE, &rg, pram_buf_read(&rg, &r, big, sizeof(big)));
    HFAILS(PRAM_ERR_RANGE, &rg, pram_buf_read(&rg, &r0, big, sizeof(big)));
    /* ... the prev iterator that was on it has nothing older left ... */
    assert_int_equal(pram_buf_prev(&rg, &it, &r0), 0);
    /* ... and a next iterator whose next record (3) is dropped too goes
     * on from the oldest held. */
    assert_int_equal(pram_buf_append(&rg, "y", 1u), PRAM_OK); /* 52..64: drops nothing */
    assert_int_equal(pram_buf_count(&rg), 4);
    assert_int_equal(pram_buf_append(&rg, "z", 1u), PRAM_OK); /* drops 3, goes to 0 */
    assert_int_equal(pram_buf_count(&rg), 4);
    assert_int_equal(pram_buf_next(&rg, &it2, &r0), 1);
    assert_int_equal(r0.seq, 4u);
    assert_int_equal(r0.pos, 20u);
    assert_int_equal(pram_buf_next(&rg, &it2, &r0), 1);
    assert_int_equal(r0.seq, 5u);
    assert_int_equal(r0.pos, 40u);
    assert_int_equal(pram_buf_next(&rg, &it2, &r0), 1);
    assert_int_equal(r0.seq, 6u);
    assert_int_equal(r0.pos, 52u);
    assert_int_equal(pram_buf_next(&rg, &it2, &r0), 1); /* after the end of the area: 0 */
    assert_int_equal(r0.seq, 7u);
    assert_int_equal(r0.pos, 0u);
    assert_int_equal(pram_buf_next(&rg, &it2, &r0), 0);
}

/* Garbage iterators and records against a ring in its own heap block:
 * whatever they hold, the library loads nothing outside the storage (ASan
 * reports it in the sanitizer builds), stores nothing, and answers as
 * documented: an iterator next/prev filled, unaltered, gives exactly the
 * record after (or before) the one it returned last, or 0 at the end; a
 * fresh one (check 0, whatever else it holds) the oldest or the newest; an
 * altered one PRAM_ERR_CORRUPT with nothing else done.  read gives the
 * length only for a record exactly as handed out, else PRAM_ERR_RANGE (or
 * PRAM_ERR_TOO_LARGE).  Then the same with bytes of the data area damaged:
 * PRAM_ERR_CORRUPT is possible for the records they hit, but never a record
 * that does not check or an access outside. */
#define HEAP_CAP 160u
#define GARBAGE_TRIALS 20000

static uint64_t g_rng;

static uint32_t garbage32(uint32_t near)
{
    uint64_t x = test_rand(&g_rng);
    switch (x % 6u) {
    case 0:
        return (uint32_t)(x >> 32);                               /* anything      */
    case 1:
        return (uint32_t)((x >> 32) % (HEAP_CAP + 16u));          /* in or near    */
    case 2:
        return (uint32_t)((x >> 32) % (HEAP_CAP + 16u)) & ~3u;    /* aligned       */
    case 3:
        return near + (uint32_t)((x >> 32) % 9u) - 4u;            /* close to real */
    case 4:
        return 0xFFFFFFFFu - (uint32_t)((x >> 32) % 8u);          /* wraps around  */
    default:
        return near;
    }
}

typedef struct {
    uint32_t pos, len;
    uint8_t data[HEAP_CAP];
} truth_t;

/* The records the ring holds, as next filled them (t[k].rec), and the
 * iterators next and prev leave: fwd[k] returns record k next (fwd[count]
 * is at the end), back[k] returned record k last (prev returns k - 1). */
typedef struct {
    truth_t t[HEAP_CAP / 8u];
    pram_record_t rec[HEAP_CAP / 8u];
    pram_buf_iter_t fwd[HEAP_CAP / 8u + 1u], back[HEAP_CAP / 8u];
    uint32_t count;
} held_t;

static void garbage_trials(pram_buf_t *b, const uint8_t *area, const held_t *h, int damaged,
                           unsigned long *answers)
{
    uint32_t D = HEAP_CAP, head_seq = b->head_seq, count = h->count, i;
    const truth_t *t = h->t;
    uint8_t out[HEAP_CAP + 8u];
    uint64_t s0 = pram_test_stores;
    assert_int_equal(b->count, count);
    for (i = 0; i < GARBAGE_TRIALS; i++) {
        pram_buf_iter_t it, from, kept;
        pram_record_t r, rk;
        uint32_t k = (uint32_t)(test_rand(&g_rng) % (count + 1u)), cap, want;
        int fwd = (int)(test_rand(&g_rng) & 1u), fresh, altered, rc;
        /* an iterator: as next or prev left it, then maybe altered */
        from = fwd ? h->fwd[k] : h->back[k < count ? k : count - 1u];
        it = from;
        switch (test_rand(&g_rng) % 5u) {
        case 0:
            break;
        case 1:
            it.pos = garbage32(it.pos);
            break;
        case 2:
            it.seq = garbage32(it.seq);
            break;
        case 3:
            it.pos = garbage32(it.pos);
            it.seq = garbage32(head_seq + (uint32_t)(test_rand(&g_rng) % (count + 2u)));
            it.check = test_rand(&g_rng) % 4u ? garbage32(it.check) : 0u;
            break;
        default:
            it.check = garbage32(it.check);
            break;
        }
        fresh = it.check == 0u;
        altered = !fresh && memcmp(&it, &from, sizeof it) != 0;
        kept = it;
        memset(&r, 0x5A, sizeof r);
        rk = r;
        rc = fwd ? pram_buf_next(b, &it, &r) : pram_buf_prev(b, &it, &r);
        answers[rc == 1 ? 0 : rc == 0 ? 1 : 2]++;
        if (altered) {
            assert_int_equal(rc, PRAM_ERR_CORRUPT);
        } else {
            /* the record the iterator must give */
            if (fwd)
                want = fresh ? 0u : k;
            else
                want = fresh ? count - 1u : (k < count ? k : count - 1u) - 1u;
            if (want >= count) {
                assert_int_equal(rc, 0);
            } else if (rc == 1) {
                assert_memory_equal(&r, &h->rec[want], sizeof r);
                assert_ptr_equal(r.data, area + t[want].pos + PRAM_BUF_RECORD_HEADER);
                if (!damaged)
                    assert_memory_equal(r.data, t[want].data, r.len);
                assert_memory_equal(&it, fwd ? &h->fwd[want + 1u] : &h->back[want], sizeof it);
            } else {
                assert_true(damaged);
                assert_int_equal(rc, PRAM_ERR_CORRUPT);
            }
        }
        if (rc < 0) {
            /* nothing else happened */
            assert_memory_equal(&it, &kept, sizeof it);
            assert_memory_equal(&r, &rk, sizeof r);
        }
        /* a record: as handed out, then maybe altered */
        k = (uint32_t)(test_rand(&g_rng) % count);
        r = h->rec[k];
        switch (test_rand(&g_rng) % 6u) {
        case 0:
        case 1:
            break;
        case 2:
            r.seq = garbage32(head_seq + (uint32_t)(test_rand(&g_rng) % (count + 2u)));
            break;
        case 3:
            r.pos = garbage32(r.pos);
            break;
        case 4:
            r.len = garbage32(r.len);
            break;
        default:
            r.check = garbage32(r.check);
            break;
        }
        r.data = NULL;
        cap = (uint32_t)(test_rand(&g_rng) % (D + 8u));
        memset(out, PATTERN, sizeof out);
        rc = pram_buf_read(b, &r, out, cap);
        if (r.seq == h->rec[k].seq && r.pos == t[k].pos && r.len == t[k].len &&
            r.check == h->rec[k].check) {
            int expect = cap < r.len ? PRAM_ERR_TOO_LARGE : (int)r.len;
            if (!damaged)
                assert_int_equal(rc, expect);
            else
                assert_true(rc == expect || rc == PRAM_ERR_CORRUPT);
            if (rc >= 0)
                assert_memory_equal(out, t[k].data, r.len); /* it checked */
        } else {
            assert_int_equal(rc, PRAM_ERR_RANGE);
        }
        if (rc < 0)
            assert_untouched(out, sizeof out);
        answers[rc >= 0 ? 3 : rc == PRAM_ERR_RANGE ? 4 : 5]++;
    }
    assert_true(pram_test_stores == s0);
}

static void buf_garbage_iterators_and_records(void **state)
{
    uint32_t size = PRAM_BUF_STORAGE_SIZE(HEAP_CAP), i, n = 0;
    uint32_t *storage = (uint32_t *)malloc(size);
    uint8_t *area;
    pram_buf_def_t d;
    pram_buf_t b;
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    static held_t h;
    unsigned long answers[6] = {0, 0, 0, 0, 0, 0};
    int round;
    (void)state;
    assert_non_null(storage);
    memset(storage, 0, size);
    d = (pram_buf_def_t)PRAM_BUF_DEF_RING_AT(storage, size, 3);
    b = (pram_buf_t)PRAM_BUF_INIT(&d);
    area = (uint8_t *)storage + PRAM_BUF_CONTROL_SIZE;
    g_rng = 0x6761726261676521ull;
    assert_int_equal(pram_buf_open(&b), PRAM_BUF_COLD);
    /* records of 0 to 22 bytes, some streamed, until the ring has wrapped
     * more than once and holds records on both sides of its wrap */
    for (i = 0; i < 200u && (i < 40u || !b.wrap); i++) {
        uint8_t p[23];
        uint32_t len = (i * 7u) % 23u, j;
        for (j = 0; j < len; j++)
            p[j] = (uint8_t)(i * 31u + j);
        if (i % 3u == 0u) {
            assert_int_equal(pram_buf_begin(&b), PRAM_OK);
            assert_int_equal(pram_buf_write(&b, p, len / 2u), PRAM_OK);
            assert_int_equal(pram_buf_write(&b, p + len / 2u, len - len / 2u), PRAM_OK);
            assert_int_equal(pram_buf_commit(&b), PRAM_OK);
        } else {
            assert_int_equal(pram_buf_append(&b, p, len), PRAM_OK);
        }
    }
    assert_int_not_equal(b.wrap, 0u);
    memset(&h, 0, sizeof h);
    h.fwd[0] = it;
    while (pram_buf_next(&b, &it, &r) == 1) {
        assert_int_equal(r.seq, b.head_seq + n);
        h.rec[n] = r;
        h.t[n].pos = r.pos;
        h.t[n].len = r.len;
        memcpy(h.t[n].data, r.data, r.len);
        n++;
        h.fwd[n] = it;
    }
    assert_int_equal(n, b.count);
    assert_true(n >= 3u);
    h.count = n;
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    for (i = n; i-- > 0;) {
        assert_int_equal(pram_buf_prev(&b, &it, &r), 1);
        assert_memory_equal(&r, &h.rec[i], sizeof r);
        h.back[i] = it;
    }
    assert_int_equal(pram_buf_prev(&b, &it, &r), 0);
    for (round = 0; round < 4; round++) {
        uint32_t flips[3][2], j;
        uint8_t len_bytes[2];
        /* round 0: intact; then 1-3 damaged bytes (a payload, a header...) */
        for (j = 0; j < (uint32_t)round; j++) {
            flips[j][0] = (uint32_t)(test_rand(&g_rng) % HEAP_CAP);
            flips[j][1] = 1u + (uint32_t)(test_rand(&g_rng) % 255u);
            area[flips[j][0]] ^= (uint8_t)flips[j][1];
        }
        memcpy(len_bytes, area + h.t[n / 2u].pos + 4u, 2u);
        if (round == 3) /* and a length word made huge */
            memset(area + h.t[n / 2u].pos + 4u, 0xFF, 2u);
        garbage_trials(&b, area, &h, round > 0, answers);
        memcpy(area + h.t[n / 2u].pos + 4u, len_bytes, 2u);
        for (j = round; j-- > 0;)
            area[flips[j][0]] ^= (uint8_t)flips[j][1];
    }
    print_message("  garbage: %u records held; next/prev: %lu records, %lu ends, %lu corrupt; read: "
                  "%lu copied, %lu out of range, %lu other\n",
                  n, answers[0], answers[1], answers[2], answers[3], answers[4], answers[5]);
    assert_true(answers[0] > 0 && answers[1] > 0 && answers[2] > 0 && answers[3] > 0 &&
                answers[4] > 0);
    /* memory restored: a reboot finds the same */
    {
        pram_buf_t f = PRAM_BUF_INIT(&d);
        assert_int_equal(pram_buf_open(&f), PRAM_BUF_INTACT);
        assert_true(same_state(&f, &b));
    }
    free(storage);
}

/* ---- Buffers: regressions for library bugs found while writing these tests */

/* Sequence numbers never repeat: pram_record_t.seq is "unique over the
 * buffer's life" and a clear continues them.  A reset right after a clear's
 * first store (the clear mark, head_seq ^ 0x80000000, into the oldest
 * record's commit word) once reopened with the control block's old head_seq
 * and an empty chain, so the next record got the sequence number of a
 * record that was in the buffer before the clear (a cell that keeps "last
 * uploaded seq" would then skip the new records).  Open now finishes the
 * clear: head 0, head_seq = old head_seq + D/8 + 1 (D/8: the most records
 * the area can ever hold), committed before anything else. */
static void buf_seq_after_cut_clear(void **state)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    pram_buf_t f = PRAM_BUF_INIT(&scratch_def);
    interrupted_t x;
    uint32_t handed_out = sc.seq; /* records 0 .. handed_out - 1 existed */
    uint32_t head_seq = sc.head_seq, head = sc.head;
    (void)state;
    assert_int_equal(handed_out, 3u);
    assert_int_equal(head_seq, 0u);
    x.b = &sc;
    x.clear = 1;
    assert_int_equal(run_cut(interrupted_op, &x, 1u, 0u), 1); /* reset after the first store */
    assert_int_equal(mem.scratch[(PRAM_BUF_CONTROL_SIZE + head) / 4u], head_seq ^ 0x80000000u);
    assert_int_equal(pram_buf_open(&f), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&f), 0); /* the clear counts as done: all gone */
    assert_int_equal(f.head, 0u);
    assert_int_equal(f.head_seq, head_seq + RING_CAP / 8u + 1u);
    /* committed: a second open finds the same, and nothing comes back */
    {
        pram_buf_t g = PRAM_BUF_INIT(&scratch_def);
        assert_int_equal(pram_buf_open(&g), PRAM_BUF_INTACT);
        assert_true(same_state(&g, &f));
    }
    assert_int_equal(pram_buf_append(&f, "new", 3u), PRAM_OK);
    assert_int_equal(pram_buf_prev(&f, &it, &r), 1);
    if ((int32_t)(r.seq - handed_out) < 0)
        fail_msg("the record appended after a cut clear has seq %u, already handed out "
                 "(0..%u existed before the clear)",
                 r.seq, handed_out - 1u);
    assert_int_equal(r.seq, head_seq + RING_CAP / 8u + 1u);
    assert_int_equal(r.pos, 0u);
    assert_int_equal(pram_buf_prev(&f, &it, &r), 0);
}

/* An iterator that reached the end goes on with the records appended after
 * ("tail -f").  When the next record went to offset 0 (the ring wrapped)
 * and the word at the old tail happened to equal that sequence number
 * (here in a dropped record's payload), next once trusted the old tail as
 * a hint and returned PRAM_ERR_CORRUPT for an intact buffer instead of the
 * record at 0.  Next now computes the position from the chain: the end of
 * the record it returned last, or 0 when that one ended the upper part of
 * a wrapped ring. */
static void buf_iterator_follows_wrap(void **state)
{
    static uint32_t st[PRAM_BUF_STORAGE_SIZE(64) / 4u];
    static const pram_buf_def_t d = PRAM_BUF_DEF_RING_AT(st, sizeof(st), 1);
    pram_buf_t b = PRAM_BUF_INIT(&d);
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t x[13];
    uint8_t a[20];
    int rc;
    (void)state;
    memset(st, 0, sizeof(st));
    memset(x, 0, sizeof(x));
    x[12] = 3u; /* payload word at data offset 8 + 48 = 56 */
    memset(a, 'a', sizeof(a));
    assert_int_equal(pram_buf_open(&b), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_append(&b, x, sizeof(x)), PRAM_OK); /* seq 0 at 0, 60 bytes */
    assert_int_equal(pram_buf_append(&b, a, 20u), PRAM_OK);       /* drops 0; seq 1 at 0 */
    assert_int_equal(pram_buf_append(&b, a, 20u), PRAM_OK);       /* seq 2 at 28         */
    while ((rc = pram_buf_next(&b, &it, &r)) == 1)
        ;
    assert_int_equal(rc, 0);
    assert_int_equal(it.seq, 3u);
    assert_int_equal(it.pos, 56u);
    assert_int_equal(st[(PRAM_BUF_CONTROL_SIZE + 56u) / 4u], 3u); /* the look-alike */
    assert_int_equal(pram_buf_append(&b, a, 20u), PRAM_OK); /* drops 1; seq 3 at 0 */
    rc = pram_buf_next(&b, &it, &r);
    if (rc != 1)
        fail_msg("next after the wrap returned %d (%s), expected record 3 at 0", rc, pram_strerror(rc));
    assert_int_equal(r.seq, 3u);
    assert_int_equal(r.pos, 0u);
    assert_int_equal(pram_buf_next(&b, &it, &r), 0);
}

/* ---- Region map ------------------------------------------------------------- */

/* A map whose containers are given per case; the region is the committed
 * one (header, c_map, map_buf), so a call that went ahead and formatted would
 * be caught. */
static void map_boot_and_clear_fail(const pram_region_map_t *m, int code, const char *what)
{
    int cs[4] = {111, 111, 111, 111}, bs[4] = {222, 222, 222, 222};
    size_t i;
    print_message("  map %s -> %s\n", what, pram_strerror(code));
    FAILS(code, pram_region_boot(m, cs, bs));
    for (i = 0; i < 4; i++) {
        assert_int_equal(cs[i], 111);
        assert_int_equal(bs[i], 222);
    }
    FAILS(code, pram_region_boot(m, NULL, NULL));
    FAILS(code, pram_region_request_clear(m));
}

static void region_map_misuse(void **state)
{
    const pram_cell_t *cells[2];
    pram_buf_t *bufs[2];
    pram_region_map_t m;
    pram_region_t r = regm;
    pram_cell_t extra;
    pram_buf_t nodef = PRAM_BUF_INIT(NULL);
    (void)state;
#define MAP_RESET()          \
    do {                     \
        cells[0] = &c_map;   \
        cells[1] = &c_map;   \
        bufs[0] = &map_buf;  \
        bufs[1] = &map_buf;  \
        m.region = &regm;    \
        m.cells = cells;     \
        m.ncells = 1u;       \
        m.bufs = bufs;       \
        m.nbufs = 1u;        \
        m.schema = 1u;       \
    } while (0)
    MAP_RESET();
    /* control: the committed map boots warm */
    assert_int_equal(pram_region_boot(&m, NULL, NULL), PRAM_REGION_WARM);
    map_boot_and_clear_fail(NULL, PRAM_ERR_NULL, "NULL");
    assert_int_equal(pram_region_layout_hash(NULL), 0u);
    m.region = NULL;
    map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "region NULL");
    MAP_RESET();
    m.cells = NULL;
    map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "cells NULL, ncells 1");
    MAP_RESET();
    m.bufs = NULL;
    map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "bufs NULL, nbufs 1");
    MAP_RESET();
    cells[0] = NULL;
    map_boot_and_clear_fail(&m, PRAM_ERR_NULL, "cells[0] NULL");
    MAP_RESET();
    bufs[0] = NULL;
    map_boot_and_clear_fail(&m, PRAM_ERR_NULL, "bufs[0] NULL");
    MAP_RESET();
    cells[0] = &c_single; /* ordinary RAM, not this region */
    map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "cell of another region");
    MAP_RESET();
    bufs[0] = &nodef;
    map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "buffer handle without descriptor");
    MAP_RESET();
    bufs[0] = &lg;
    map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "buffer of another region");
    /* overlaps */
    MAP_RESET();
    extra = pair_cell_in(&regm, 0u, PRAM_SINGLE);
    cells[0] = &extra;
    map_boot_and_clear_fail(&m, PRAM_ERR_OVERLAP, "cell over the region header");
    extra.offset = PRAM_REGION_HEADER_SIZE - 4u;
    map_boot_and_clear_fail(&m, PRAM_ERR_OVERLAP, "cell over the header's last word");
    MAP_RESET();
    extra = pair_cell_in(&regm, MAP_CELL_OFFSET + 2u * PAIR_SLOT - 4u, PRAM_SINGLE);
    cells[1] = &extra;
    m.ncells = 2u;
    map_boot_and_clear_fail(&m, PRAM_ERR_OVERLAP, "two cells share a word");
    MAP_RESET();
    m.ncells = 2u; /* the same cell twice */
    map_boot_and_clear_fail(&m, PRAM_ERR_OVERLAP, "a cell listed twice");
    MAP_RESET();
    extra = pair_cell_in(&regm, MAP_BUF_OFFSET, PRAM_SINGLE);
    cells[0] = &extra;
    map_boot_and_clear_fail(&m, PRAM_ERR_OVERLAP, "cell over the buffer");
    /* bounds and alignment */
    MAP_RESET();
    extra = pair_cell_in(&regm, 112u, PRAM_SINGLE); /* 112 + 20 > 128 */
    cells[0] = &extra;
    m.nbufs = 0u;
    map_boot_and_clear_fail(&m, PRAM_ERR_RANGE, "cell past the end");
    extra.offset = MAP_CELL_OFFSET + 2u;
    map_boot_and_clear_fail(&m, PRAM_ERR_ALIGN, "cell offset misaligned");
    MAP_RESET();
    r.size = PRAM_REGION_HEADER_SIZE - 4u;
    m.region = &r;
    m.ncells = 0u;
    m.nbufs = 0u;
    map_boot_and_clear_fail(&m, PRAM_ERR_RANGE, "region smaller than its header");
    r = regm;
    r.width = 3u;
    map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "region width 3");
#undef MAP_RESET
    verify_intact();
}

/* ---- Regions whose stride is not a whole number of access units ------------- */

/* 16 units of 4 bytes, every 6 bytes, over mem.regmem: a 32-bit access at
 * base + 6 is misaligned (it faults on register memory), so the region is
 * malformed: every container in it is refused before any access. */
static const pram_region_t reg4s6 = PRAM_REGION(mem.regmem, 64, 4, 6);
PRAM_CELL_DECLARE_IN(s6_boot, boot_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_IN(s6_boot, &reg4s6, 0);

static void region_stride_not_whole_units(void **state)
{
    static const struct {
        unsigned width, stride;
    } bad[] = {{4u, 6u}, {4u, 2u}, {4u, 5u}, {4u, 1u}, {2u, 3u}, {2u, 1u}, {2u, 5u}};
    const pram_buf_def_t d6 = PRAM_BUF_DEF_IN(&reg4s6, 0u, PRAM_BUF_STORAGE_SIZE(16), 1);
    pram_buf_t b6 = PRAM_BUF_INIT(&d6);
    s6_boot_edit_t te;
    boot_t bv = v_boot;
    int rc = 12345, runs = 0;
    size_t i;
    (void)state;
    /* The typed path (no run-time descriptor check) refuses it too. */
    FAILS(PRAM_ERR_DESC, s6_boot_status());
    memset(&bv, PATTERN, sizeof bv);
    FAILS(PRAM_ERR_DESC, s6_boot_get(&bv));
    assert_untouched((const uint8_t *)&bv, sizeof bv);
    FAILS(PRAM_ERR_DESC, s6_boot_set(&v_boot));
    FAILS(PRAM_ERR_DESC, s6_boot_invalidate());
    FAILS(PRAM_ERR_DESC, s6_boot_edit_begin(&te, PRAM_EDIT_ZERO));
    assert_null(te.value);
    FAILS(PRAM_ERR_SCOPE, s6_boot_edit_commit(&te));
    snapshot();
    PRAM_EDIT_ZEROED(s6_boot, e, rc) { runs++; }
    check_failed(rc, PRAM_ERR_DESC, "PRAM_EDIT_ZEROED(s6_boot)", __LINE__);
    assert_int_equal(runs, 0);
    /* The generic API, with the typed descriptor and with run-time ones. */
    all_cell_calls_fail(&s6_boot, PRAM_ERR_DESC, "typed A/B cell, width 4 stride 6");
    {
        pram_cell_t c = pair_cell_in(&reg4s6, 0u, PRAM_SINGLE);
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "single cell, width 4 stride 6");
        c.offset = 24u;
        c.mode = PRAM_AB;
        all_cell_calls_fail(&c, PRAM_ERR_DESC, "A/B cell at 24, width 4 stride 6");
    }
    /* Buffers. */
    FAILS(PRAM_ERR_DESC, pram_buf_open(&b6));
    FAILS(PRAM_ERR_NOT_OPEN, pram_buf_append(&b6, rec1, 1u));
    FAILS(PRAM_ERR_NOT_OPEN, pram_buf_count(&b6));
    /* A region map over it. */
    {
        const pram_cell_t *cells[1];
        pram_region_map_t m;
        pram_cell_t c = pair_cell_in(&reg4s6, PRAM_REGION_HEADER_SIZE, PRAM_SINGLE);
        cells[0] = &c;
        m.region = &reg4s6;
        m.cells = cells;
        m.ncells = 1u;
        m.bufs = NULL;
        m.nbufs = 0u;
        m.schema = 1u;
        map_boot_and_clear_fail(&m, PRAM_ERR_DESC, "region width 4 stride 6");
    }
    /* Other widths and strides that are not multiples of them. */
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[64];
        pram_region_t r = test_region(mem.regmem, 64u, bad[i].width, bad[i].stride);
        pram_cell_t c = pair_cell_in(&r, 0u, PRAM_SINGLE);
        pram_buf_def_t d = PRAM_BUF_DEF_IN(&r, 0u, PRAM_BUF_STORAGE_SIZE(0u) + 8u, 1);
        pram_buf_t b = PRAM_BUF_INIT(&d);
        assert_int_equal(r.width, bad[i].width);
        assert_int_equal(r.port->width, bad[i].width);
        (void)snprintf(what, sizeof(what), "width %u stride %u", bad[i].width, bad[i].stride);
        all_cell_calls_fail(&c, PRAM_ERR_DESC, what);
        FAILS(PRAM_ERR_DESC, pram_buf_open(&b));
        /* Control: the same region with a whole-unit stride works. */
        r.stride = (uint8_t)(2u * bad[i].width);
        assert_int_equal(pram_cell_status(&c), PRAM_ERR_INVALID);
    }
    verify_intact();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(strerror_names, setup, teardown),
        cmocka_unit_test_setup_teardown(cell_null_pointers, setup, teardown),
        cmocka_unit_test_setup_teardown(cell_malformed_descriptors, setup, teardown),
        cmocka_unit_test_setup_teardown(cell_misaligned_storage, setup, teardown),
        cmocka_unit_test_setup_teardown(cell_region_range, setup, teardown),
        cmocka_unit_test_setup_teardown(cell_wrong_size, setup, teardown),
        cmocka_unit_test_setup_teardown(cell_invalid_and_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(edit_unknown_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(edit_not_open, setup, teardown),
        cmocka_unit_test_setup_teardown(edit_width_restricted_region, setup, teardown),
#if defined(PRAM_HAVE_SCOPE_GUARD)
        cmocka_unit_test_setup_teardown(edit_scope_left_by_break, setup, teardown),
#endif
        cmocka_unit_test_setup_teardown(buf_null_pointers, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_malformed_descriptors, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_not_open, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_stream_scope, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_busy_while_streaming, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_takeover, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_stream_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_no_space, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_stream_no_space, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_corrupt_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_damaged_records, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_stale_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_garbage_iterators_and_records, setup, teardown),
        cmocka_unit_test_setup_teardown(region_map_misuse, setup, teardown),
        cmocka_unit_test_setup_teardown(region_stride_not_whole_units, setup, teardown),
        /* Regressions for library bugs found with these tests (fixed). */
        cmocka_unit_test_setup_teardown(buf_seq_after_cut_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(buf_iterator_follows_wrap, setup, teardown),
        /* Last: this hits undefined behaviour in the library (see the
         * comment above it). */
        cmocka_unit_test_setup_teardown(strerror_int_min, setup, teardown),
        /* Very last: a NULL reaches a copy loop (a crash that ends the
         * program under the sanitizers; see above it). */
        cmocka_unit_test_setup_teardown(cell_typed_null_pointers, setup, teardown),
    };
    return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
