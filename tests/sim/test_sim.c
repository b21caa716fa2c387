/* Tests of the host power-cut test kit itself (pram_sim.h), built with the
 * kit's configuration (pram_sim_config.h), not the library tests' one: it
 * counts stores right (pram's own figures, docs/design.md), tears the cut
 * store as the mask says, reports violations at the right cut, replays them,
 * reproduces random and linear schedules from their seed, restores the
 * image, and refuses misuse with its error codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pram/pram.h"
#include "pram/pram_sim.h"

/* ---- Persistent memory: a buffer of ours, cells and a buffer in it --------- */

static uint32_t ram[256]; /* the image of most tests */
static const pram_region_t ram_region = PRAM_REGION(ram, sizeof ram, 0, 0);

PRAM_CELL_DECLARE_IN(single, uint32_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_IN(single, &ram_region, 0);
PRAM_CELL_DECLARE_IN(ab, uint32_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_IN(ab, &ram_region, 64);
/* The typed calls of a cell at an address of the buffer. */
PRAM_CELL_DECLARE_AT(at, uint32_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE_AT(at, &ram[40]);

static const pram_buf_def_t log_def = PRAM_BUF_DEF_AT(&ram[64], 512, 1);
static pram_buf_t log_buf = PRAM_BUF_INIT(&log_def);

/* Two raw words, for exact control over the stores an op makes. */
#define WORD_A (&ram[200])
#define WORD_B (&ram[201])

/* A cell in the program's .noinit: the containers image. */
PRAM_CELL_DECLARE(noinit_cell, uint32_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(noinit_cell);

static pram_sim_image_t img;

static void store(volatile uint32_t *w, uint32_t v)
{
    pram__store32(NULL, (uintptr_t)w, v);
}

static int setup(void **state)
{
    (void)state;
    memset(ram, 0, sizeof ram);
    assert_int_equal(pram_sim_image_memory(&img, ram, sizeof ram), PRAM_SIM_OK);
    return 0;
}

/* ---- Callbacks ------------------------------------------------------------ */

static uint32_t value_to_set;
static void op_single_set(void *ctx)
{
    (void)ctx;
    (void)single_set(&value_to_set);
}
static void op_ab_set(void *ctx)
{
    (void)ctx;
    (void)ab_set(&value_to_set);
}
static void op_at_set(void *ctx)
{
    (void)ctx;
    (void)at_set(&value_to_set);
}
static void op_generic_set(void *ctx)
{
    (void)ctx;
    (void)pram_cell_set(&single, &value_to_set, sizeof value_to_set);
}
static int check_ok(void *ctx, char *msg, size_t cap)
{
    (void)ctx;
    (void)msg;
    (void)cap;
    return 0;
}

/* An A/B cell reads its old value or its new one after a cut, nothing else. */
static uint32_t old_value;
static int check_ab_old_or_new(void *ctx, char *msg, size_t cap)
{
    uint32_t v;
    int rc = ab_get(&v);
    (void)ctx;
    if (rc != PRAM_OK) {
        snprintf(msg, cap, "ab unreadable: %s", pram_strerror(rc));
        return 1;
    }
    if (v != old_value && v != value_to_set) {
        snprintf(msg, cap, "ab reads %08lx", (unsigned long)v);
        return 1;
    }
    return 0;
}

/* Raw words A and B: "B is never set while A is not". */
static int ordered_first_a = 1;
static void op_ab_words(void *ctx)
{
    (void)ctx;
    if (ordered_first_a) {
        store(WORD_A, 0xFFFFFFFFu);
        store(WORD_B, 0xFFFFFFFFu);
    } else {
        store(WORD_B, 0xFFFFFFFFu);
        store(WORD_A, 0xFFFFFFFFu);
    }
}
static int check_b_after_a(void *ctx, char *msg, size_t cap)
{
    (void)ctx;
    if (*WORD_B != 0u && *WORD_A != 0xFFFFFFFFu) {
        snprintf(msg, cap, "B %08lx while A %08lx", (unsigned long)*WORD_B, (unsigned long)*WORD_A);
        return 1;
    }
    return 0;
}

#define MAX_SEEN 64
static pram_sim_violation_t seen[MAX_SEEN];
static int nseen;
static void on_violation(void *ctx, const pram_sim_violation_t *v)
{
    (void)ctx;
    if (nseen < MAX_SEEN)
        seen[nseen] = *v;
    nseen++;
}

static pram_sim_case_t make_case(void (*op)(void *), int (*check)(void *, char *, size_t))
{
    pram_sim_case_t c;
    memset(&c, 0, sizeof c);
    c.image = &img;
    c.op = op;
    c.check = check;
    return c;
}

/* ---- Counting ------------------------------------------------------------------ */

/* docs/design.md: a set is W+4 stores single-slot, W+5 A/B (W value words). */
static void test_counts_cell_set(void **state)
{
    pram_sim_case_t c = make_case(op_single_set, check_ok);
    pram_sim_result_t r;
    uint32_t n = 0;
    uint64_t before;
    (void)state;
    value_to_set = 0x12345678u;
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_OK);
    assert_int_equal(n, 5); /* single-slot uint32_t: 1 + 4 */
    c.op = op_ab_set;
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_OK);
    assert_int_equal(n, 6); /* A/B uint32_t: 1 + 5 */
    c.op = op_at_set;
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_OK);
    assert_int_equal(n, 5); /* typed call compiled in this file, cell at an address */
    c.op = op_generic_set;
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_OK);
    assert_int_equal(n, 5); /* the generic call, in the library */
    /* The count left the image as it was (all zero)... */
    assert_int_equal(single_status(), PRAM_ERR_INVALID);
    /* ...and the counter counts outside runs too. */
    before = pram_sim_stores();
    (void)single_set(&value_to_set);
    assert_int_equal(pram_sim_stores() - before, 5);
    before = pram_sim_stores();
    (void)ab_set(&value_to_set);
    (void)ab_set(&value_to_set);
    assert_int_equal(pram_sim_stores() - before, 12);
    /* A sweep says the same, and tries stores x tears cut points. */
    c.op = op_ab_set;
    c.check = check_ab_old_or_new;
    old_value = 0x12345678u;
    value_to_set = 0xCAFEF00Du;
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
    assert_int_equal(r.stores, 6);
    assert_int_equal(r.cut_points, 6 * PRAM_SIM_TEARS_DEFAULT_COUNT);
    assert_int_equal(r.checks, 6 * PRAM_SIM_TEARS_DEFAULT_COUNT + 1);
    assert_int_equal(r.violations, 0);
    assert_int_equal(r.uncut, 0);
    assert_int_equal(r.unhooked, 0);
}

static void boot_log(void *ctx)
{
    (void)ctx;
    log_buf = (pram_buf_t)PRAM_BUF_INIT(&log_def);
    (void)pram_buf_open(&log_buf);
}
static void op_append10(void *ctx)
{
    (void)ctx;
    (void)pram_buf_append(&log_buf, "0123456789", 10); /* no cmocka assert in a callback */
}
/* Every record reads whole: "0123456789", in order. */
static int check_log(void *ctx, char *msg, size_t cap)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    int rc;
    (void)ctx;
    while ((rc = pram_buf_next(&log_buf, &it, &rec)) > 0)
        if (rec.len != 10 || memcmp(rec.data, "0123456789", 10) != 0) {
            snprintf(msg, cap, "record %lu of %lu bytes", (unsigned long)rec.seq, (unsigned long)rec.len);
            return 1;
        }
    if (rc < 0) {
        snprintf(msg, cap, "iteration: %s", pram_strerror(rc));
        return 1;
    }
    return 0;
}

/* docs/design.md: an append is W+3 stores when the head does not move. */
static void test_counts_buffer_append(void **state)
{
    pram_sim_case_t c = make_case(op_append10, check_log);
    pram_sim_result_t r;
    uint32_t n = 0;
    (void)state;
    c.boot = boot_log;
    boot_log(NULL); /* formats */
    assert_int_equal(pram_buf_append(&log_buf, "0123456789", 10), PRAM_OK);
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_OK);
    assert_int_equal(n, 3 + 3);
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
    assert_int_equal(r.stores, 6);
    /* The image is back as it was: one record. */
    assert_int_equal(pram_buf_count(&log_buf), 1);
}

/* ---- Tears ----------------------------------------------------------------------- */

static void test_tear_masks(void **state)
{
    pram_sim_case_t c = make_case(op_ab_words, check_ok);
    static const unsigned masks[] = {0x0u, 0x1u, 0x3u, 0x7u, 0x8u, 0xEu, 0xFu, 0x5u};
    union {
        uint32_t w;
        unsigned char b[4];
    } got, want;
    size_t i;
    unsigned k;
    (void)state;
    ordered_first_a = 1;
    for (i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        *WORD_A = 0x11223344u;
        *WORD_B = 0u;
        /* cut after store 1 (A <- FFFFFFFF) torn by the mask */
        assert_int_equal(pram_sim_replay(&c, 1, masks[i], NULL), 0);
        got.w = *WORD_A;
        want.w = 0x11223344u;
        for (k = 0; k < 4; k++)
            if (masks[i] == 0u || (masks[i] & (1u << k)))
                want.b[k] = 0xFFu;
        assert_int_equal(got.w, want.w);
        assert_int_equal(*WORD_B, 0u); /* nothing after the cut */
    }
    /* A torn value word of a real cell: old bytes where the mask is clear. */
    value_to_set = 0xAABBCCDDu;
    c.op = op_single_set;
    memset(ram, 0, sizeof ram);
    assert_int_equal(pram_sim_replay(&c, 2, 0x3u, NULL), 0); /* store 2: the value word */
    want.w = 0xAABBCCDDu;
    want.b[2] = 0;
    want.b[3] = 0;
    assert_int_equal(ram[3], want.w); /* the value sits at byte 12 */
    assert_int_equal(single_status(), PRAM_ERR_INVALID);
}

/* ---- Violations, replay ------------------------------------------------------------ */

static void test_violations_at_the_right_cut(void **state)
{
    pram_sim_case_t c = make_case(op_ab_words, check_b_after_a);
    pram_sim_result_t r;
    pram_sim_violation_t v;
    char line[256];
    int i;
    (void)state;
    c.on_violation = on_violation;
    /* Right order: nothing. */
    ordered_first_a = 1;
    nseen = 0;
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
    assert_int_equal(r.stores, 2);
    assert_int_equal(r.cut_points, 12);
    assert_int_equal(nseen, 0);
    /* Wrong order: cut 1 (B landed, whole or torn: never zero) under every
     * mask, cut 2 under every mask that leaves A torn. */
    ordered_first_a = 0;
    nseen = 0;
    assert_int_equal(pram_sim_sweep(&c, &r), 6 + 5);
    assert_int_equal(r.violations, 11);
    assert_int_equal(nseen, 11);
    for (i = 0; i < 6; i++) {
        assert_int_equal(seen[i].schedule, PRAM_SIM_SWEEP);
        assert_int_equal(seen[i].cut, 1);
        assert_int_equal(seen[i].tear, ((const unsigned[])PRAM_SIM_TEARS_DEFAULT)[i]);
    }
    for (i = 6; i < 11; i++) {
        assert_int_equal(seen[i].cut, 2);
        assert_int_not_equal(seen[i].tear, 0);
    }
    assert_int_equal(r.first.cut, 1);
    assert_int_equal(r.first.tear, 0);
    assert_string_equal(r.first.msg, "B ffffffff while A 00000000");
    /* The image is as the sweep found it. */
    assert_int_equal(*WORD_A, 0u);
    assert_int_equal(*WORD_B, 0u);
    /* Replay: the same violation, and the image left as the cut left it. */
    assert_int_equal(pram_sim_replay(&c, r.first.cut, r.first.tear, &v), 1);
    assert_string_equal(v.msg, r.first.msg);
    assert_int_equal(v.cut, 1);
    assert_int_equal(*WORD_B, 0xFFFFFFFFu);
    assert_int_equal(*WORD_A, 0u);
    *WORD_B = 0u;
    assert_int_equal(pram_sim_replay(&c, 2, 0x7, &v), 1);
    assert_string_equal(v.msg, "B ffffffff while A 00ffffff");
    memset(ram, 0, sizeof ram);
    assert_int_equal(pram_sim_replay(&c, 2, 0x0, &v), 0);
    memset(ram, 0, sizeof ram);
    assert_int_equal(pram_sim_replay(&c, 0, 0x0, &v), 0); /* uncut */
    /* Formatting. */
    assert_true(pram_sim_format(&r.first, line, sizeof line) > 0);
    assert_string_equal(line, "sweep: cut after store 1 (tear 0x0): B ffffffff while A 00000000 "
                              "[pram_sim_replay(c, 1, 0x0)]");
    assert_true(pram_sim_format(&r.first, NULL, 0) > 0);
}

static void test_custom_tears_and_log(void **state)
{
    static const unsigned only_clean[] = {0x0u};
    pram_sim_case_t c = make_case(op_ab_words, check_b_after_a);
    pram_sim_result_t r;
    FILE *f = tmpfile();
    char buf[512];
    size_t n;
    (void)state;
    assert_non_null(f);
    ordered_first_a = 0;
    c.tears = only_clean;
    c.ntears = 1;
    c.log = f;
    assert_int_equal(pram_sim_sweep(&c, &r), 1); /* only cut 1, clean */
    assert_int_equal(r.cut_points, 2);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, "sweep: cut after store 1 (tear 0x0): B ffffffff while A 00000000 "
                             "[pram_sim_replay(c, 1, 0x0)]\n");
}

/* A violation of the op itself, uncut: cut 0. */
static int check_never(void *ctx, char *msg, size_t cap)
{
    (void)ctx;
    snprintf(msg, cap, "never");
    return 1;
}
static void test_violation_uncut(void **state)
{
    pram_sim_case_t c = make_case(op_ab_words, check_never);
    pram_sim_result_t r;
    (void)state;
    assert_int_equal(pram_sim_sweep(&c, &r), 1 + 2 * 6);
    assert_int_equal(r.first.cut, 0);
    assert_int_equal(pram_sim_random(&c, 5, 10, &r), 1); /* stops at the first */
    assert_int_equal(r.first.schedule, PRAM_SIM_RANDOM);
    assert_int_equal(r.first.step, 0);
    assert_int_equal(r.steps, 0);
}

/* ---- Schedules ------------------------------------------------------------------------ */

/* A counter kept as two raw words: A (the count) and B (its copy).  The op
 * increments it; the invariant: B == A or B == A - 1 (written in that
 * order), and its RAM copy comes from the image at boot.  The op first
 * brings a lagging B up to A: without that, two cuts in a row after the A
 * store leave B two behind (the kit's long life found it: seed 1, step 7). */
static uint32_t counter_ram;
static int counter_b_first;
static void boot_counter(void *ctx)
{
    (void)ctx;
    counter_ram = *WORD_A;
}
static void op_counter(void *ctx)
{
    uint32_t n = counter_ram + 1u;
    (void)ctx;
    if (!counter_b_first && *WORD_B != *WORD_A)
        store(WORD_B, *WORD_A);
    if (counter_b_first) {
        store(WORD_B, n);
        store(WORD_A, n);
    } else {
        store(WORD_A, n);
        store(WORD_B, n);
    }
    counter_ram = n;
}
static int check_counter(void *ctx, char *msg, size_t cap)
{
    uint32_t a = *WORD_A, b = *WORD_B;
    (void)ctx;
    if (b == a || b + 1u == a)
        return 0;
    snprintf(msg, cap, "A %lu B %lu", (unsigned long)a, (unsigned long)b);
    return 1;
}

static void test_random_reproducible(void **state)
{
    pram_sim_case_t c = make_case(op_counter, check_counter);
    pram_sim_result_t r1, r2;
    pram_sim_violation_t v;
    static const unsigned only_clean[] = {0x0u};
    (void)state;
    c.boot = boot_counter;
    c.reps = 4;
    /* Right order, clean cuts: a long life without a violation. */
    counter_b_first = 0;
    c.tears = only_clean;
    c.ntears = 1;
    assert_int_equal(pram_sim_random(&c, 1, 300, &r1), 0);
    assert_int_equal(r1.steps, 300);
    assert_int_equal(r1.cut_points, 300);
    assert_int_equal(*WORD_A, 0u); /* the image restored */
    /* Wrong order: found, and the same seed finds the same. */
    counter_b_first = 1;
    assert_int_equal(pram_sim_random(&c, 42, 1000, &r1), 1);
    assert_int_equal(pram_sim_random(&c, 42, 1000, &r2), 1);
    assert_int_equal(r1.steps, r2.steps);
    assert_int_equal(r1.first.step, r2.first.step);
    assert_int_equal(r1.first.cut, r2.first.cut);
    assert_int_equal(r1.first.rep, r2.first.rep);
    assert_int_equal(r1.first.tear, r2.first.tear);
    assert_int_equal(r1.first.seed, 42);
    assert_string_equal(r1.first.msg, r2.first.msg);
    assert_int_equal(r1.first.schedule, PRAM_SIM_RANDOM);
    assert_true(r1.first.rep >= 1 && r1.first.rep <= 4);
    assert_true(r1.first.cut >= 1 && r1.first.cut <= 2);
    /* The replay stops at that step, image as the cut left it. */
    assert_int_equal(pram_sim_replay_random(&c, 42, r1.first.step, &v), 1);
    assert_int_equal(v.step, r1.first.step);
    assert_int_equal(v.cut, r1.first.cut);
    assert_int_equal(v.rep, r1.first.rep);
    assert_string_equal(v.msg, r1.first.msg);
    assert_int_equal(check_counter(NULL, v.msg, sizeof v.msg), 1);
    /* A step before it: no violation (image first restored by hand). */
    memset(ram, 0, sizeof ram);
    if (r1.first.step > 1)
        assert_int_equal(pram_sim_replay_random(&c, 42, r1.first.step - 1, &v), 0);
    memset(ram, 0, sizeof ram);
    /* Another seed, another life (almost surely another first violation). */
    assert_int_equal(pram_sim_random(&c, 43, 1000, &r2), 1);
    assert_true(r2.first.seed == 43);
}

static void test_linear(void **state)
{
    pram_sim_case_t c = make_case(op_counter, check_counter);
    pram_sim_result_t r1, r2;
    pram_sim_violation_t v;
    static const unsigned only_clean[] = {0x0u};
    (void)state;
    c.boot = boot_counter;
    c.tears = only_clean;
    c.ntears = 1;
    /* Right order: try 1 cut at its store 1 (A); try 2 (B catches up, A)
     * cut at 2; try 3 (B, A, B) cut at 3; try 4 makes 2 stores: through. */
    counter_b_first = 0;
    assert_int_equal(pram_sim_linear(&c, 9, &r1), 0);
    assert_int_equal(r1.steps, 4);
    assert_int_equal(r1.cut_points, 3);
    assert_int_equal(*WORD_A, 0u); /* the image restored */
    /* Wrong order: the first cut breaks it. */
    counter_b_first = 1;
    assert_int_equal(pram_sim_linear(&c, 9, &r1), 1);
    assert_int_equal(r1.first.schedule, PRAM_SIM_LINEAR);
    assert_int_equal(r1.first.step, 1);
    assert_int_equal(r1.first.cut, 1);
    assert_int_equal(pram_sim_replay_linear(&c, 9, 1, &v), 1);
    assert_string_equal(v.msg, r1.first.msg);
    memset(ram, 0, sizeof ram);
    /* Tears from the seed: the same seed, the same schedule. */
    c.tears = NULL;
    counter_b_first = 0;
    assert_true(pram_sim_linear(&c, 1234, &r1) >= 0);
    assert_true(pram_sim_linear(&c, 1234, &r2) >= 0);
    assert_int_equal(r1.steps, r2.steps);
    assert_int_equal(r1.violations, r2.violations);
    assert_int_equal(r1.first.tear, r2.first.tear);
    /* A replay past where the op got through: not reached. */
    counter_b_first = 0;
    c.tears = only_clean;
    c.ntears = 1;
    memset(ram, 0, sizeof ram);
    assert_int_equal(pram_sim_replay_linear(&c, 9, 10, &v), PRAM_SIM_ERR_NONDET);
}

/* ---- Images ----------------------------------------------------------------------------- */

static void test_file_image(void **state)
{
    char path[] = "/tmp/pram_sim_test_XXXXXX";
    pram_sim_image_t fimg;
    static pram_region_t freg = PRAM_REGION(0, 4096, 0, 0);
    static const pram_cell_t fcell = PRAM_CELL_INIT_IN(ab, &freg, 128);
    pram_sim_case_t c;
    pram_sim_result_t r;
    int fd = mkstemp(path), created = 0;
    uint32_t v = 7, got = 0;
    (void)state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(pram_sim_image_file(&fimg, path, 4096, &created), PRAM_SIM_OK);
    assert_int_equal(created, 1);
    assert_int_equal(fimg.kind, PRAM_SIM_IMAGE_FILE);
    freg.base = fimg.base;
    assert_int_equal(pram_cell_set(&fcell, &v, sizeof v), PRAM_OK);
    c = make_case(op_ab_words, check_ok);
    c.image = &fimg;
    /* op stores in ram[], not in the file: refused. */
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_OUTSIDE);
    assert_int_equal(pram_sim_image_close(&fimg), PRAM_SIM_OK);
    assert_int_equal(fimg.kind, PRAM_SIM_IMAGE_NONE);
    /* Mapped again: the value survived (the file is the memory). */
    assert_int_equal(pram_sim_image_file(&fimg, path, 4096, &created), PRAM_SIM_OK);
    assert_int_equal(created, 0);
    freg.base = fimg.base;
    assert_int_equal(pram_cell_get(&fcell, &got, sizeof got), PRAM_OK);
    assert_int_equal(got, 7);
    assert_int_equal(pram_sim_image_close(&fimg), PRAM_SIM_OK);
    unlink(path);
    assert_int_equal(pram_sim_image_file(&fimg, "/nonexistent-dir/x", 64, NULL), PRAM_SIM_ERR_IO);
}

static void op_noinit_set(void *ctx)
{
    (void)ctx;
    (void)noinit_cell_set(&value_to_set);
}
static void test_containers_image(void **state)
{
    pram_sim_image_t cimg;
    pram_sim_case_t c = make_case(op_noinit_set, check_ok);
    pram_sim_result_t r;
    uint32_t v;
    (void)state;
    assert_int_equal(pram_sim_image_containers(&cimg), PRAM_SIM_OK);
    assert_true(cimg.count >= 1);
    assert_true(pram_sim_image_bytes(&cimg) >= PRAM_CELL_SIZE(noinit_cell));
    assert_int_equal(pram_sim_image_fill(&cimg, 0), PRAM_SIM_OK);
    c.image = &cimg;
    value_to_set = 99;
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
    assert_int_equal(r.stores, 6);
    assert_int_equal(noinit_cell_status(), PRAM_ERR_INVALID); /* restored */
    /* Stores in ram[] are outside this image. */
    c.op = op_ab_words;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_OUTSIDE);
    assert_int_equal(noinit_cell_get(&v), PRAM_ERR_INVALID);
}

/* A register file emulated in the buffer: width 2, stride 4 (STM32F1 BKP). */
static const pram_region_t regs = PRAM_REGION(&ram[224], 64, 2, 4);
PRAM_CELL_DECLARE_IN(regcell, uint32_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_IN(regcell, &regs, 0);
static void op_reg_set(void *ctx)
{
    (void)ctx;
    (void)regcell_set(&value_to_set);
}
static void test_register_region(void **state)
{
    pram_sim_case_t c = make_case(op_reg_set, check_ok);
    pram_sim_result_t r;
    pram_sim_image_t small;
    (void)state;
    value_to_set = 0x01020304u;
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
    assert_int_equal(r.stores, 6);
    assert_int_equal(r.unhooked, 0);
    /* An image that ends before the register file's far units. */
    assert_int_equal(pram_sim_image_memory(&small, ram, 224 * 4 + 32), PRAM_SIM_OK);
    c.image = &small;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_OUTSIDE);
}

static void test_image_helpers(void **state)
{
    static unsigned char a[sizeof ram], b[sizeof ram];
    pram_sim_image_t none;
    (void)state;
    memset(&none, 0, sizeof none);
    assert_int_equal(pram_sim_image_bytes(&img), sizeof ram);
    assert_int_equal(pram_sim_image_bytes(&none), 0);
    assert_int_equal(pram_sim_image_bytes(NULL), 0);
    assert_int_equal(pram_sim_image_garbage(&img, 77), PRAM_SIM_OK);
    assert_int_equal(pram_sim_image_save(&img, a, sizeof a), PRAM_SIM_OK);
    assert_int_equal(pram_sim_image_garbage(&img, 77), PRAM_SIM_OK);
    assert_int_equal(pram_sim_image_save(&img, b, sizeof b), PRAM_SIM_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(pram_sim_image_garbage(&img, 78), PRAM_SIM_OK);
    assert_memory_not_equal(ram, a, sizeof a);
    assert_int_equal(pram_sim_image_load(&img, a, sizeof a), PRAM_SIM_OK);
    assert_memory_equal(ram, a, sizeof a);
    assert_int_equal(pram_sim_image_fill(&img, 0xA5), PRAM_SIM_OK);
    assert_int_equal(ram[17], 0xA5A5A5A5u);
    /* Misuse. */
    assert_int_equal(pram_sim_image_memory(NULL, ram, 4), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_image_memory(&none, NULL, 4), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_image_memory(&none, ram, 0), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_image_file(&none, NULL, 4, NULL), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_image_file(&none, "/tmp/x", 0, NULL), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_image_containers(NULL), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_image_close(NULL), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_image_save(&img, a, sizeof a - 1), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_image_save(&img, NULL, sizeof a), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_image_save(&none, a, sizeof a), PRAM_SIM_ERR_NO_IMAGE);
    assert_int_equal(pram_sim_image_load(&img, a, sizeof a - 1), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_image_load(&none, a, sizeof a), PRAM_SIM_ERR_NO_IMAGE);
    assert_int_equal(pram_sim_image_fill(&img, 0x100), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_image_fill(&none, 0), PRAM_SIM_ERR_NO_IMAGE);
    assert_int_equal(pram_sim_image_garbage(NULL, 1), PRAM_SIM_ERR_NULL);
}

/* ---- Misuse -------------------------------------------------------------------------------- */

static void op_nothing(void *ctx)
{
    (void)ctx;
}
static void op_many(void *ctx)
{
    int i;
    (void)ctx;
    for (i = 0; i < 100; i++)
        store(WORD_A, (uint32_t)i);
}
static int nondet_calls;
static void op_nondet(void *ctx)
{
    (void)ctx;
    /* fewer stores each time: a count kept outside the image and boot */
    if (nondet_calls++ == 0) {
        store(WORD_A, 1);
        store(WORD_B, 1);
    } else {
        store(WORD_A, 1);
    }
}
static int nested_rc;
static void op_nested(void *ctx)
{
    pram_sim_case_t c = make_case(op_ab_words, check_ok);
    pram_sim_result_t r;
    (void)ctx;
    store(WORD_A, 5);
    nested_rc = pram_sim_sweep(&c, &r);
}
static void op_plain(void *ctx)
{
    (void)ctx;
    store(WORD_A, 5);
    ram[202] = 9; /* not through pram */
    ram[203] = 9;
}

static void test_misuse(void **state)
{
    pram_sim_case_t c = make_case(op_ab_words, check_ok);
    pram_sim_result_t r;
    pram_sim_violation_t v;
    pram_sim_image_t none;
    static const unsigned bad_tear[] = {0x0u, 0x10u};
    uint32_t n;
    (void)state;
    memset(&none, 0, sizeof none);
    assert_int_equal(pram_sim_sweep(NULL, &r), PRAM_SIM_ERR_NULL);
    c.op = NULL;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_NULL);
    c.op = op_ab_words;
    c.check = NULL;
    assert_int_equal(pram_sim_random(&c, 1, 1, &r), PRAM_SIM_ERR_NULL);
    c.check = check_ok;
    c.image = NULL;
    assert_int_equal(pram_sim_linear(&c, 1, &r), PRAM_SIM_ERR_NO_IMAGE);
    c.image = &none;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_NO_IMAGE);
    c.image = &img;
    assert_int_equal(pram_sim_sweep(&c, NULL), 0); /* the result is optional */
    c.tears = bad_tear;
    c.ntears = 2;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_ARG);
    c.ntears = 0;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_ARG);
    c.tears = NULL;
    assert_int_equal(pram_sim_replay(&c, 1, 0x10, &v), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_replay_random(&c, 1, 0, &v), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_replay_linear(&c, 1, 0, &v), PRAM_SIM_ERR_ARG);
    assert_int_equal(pram_sim_count(&c, NULL), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_reset(NULL), PRAM_SIM_ERR_NULL);
    assert_int_equal(pram_sim_format(NULL, NULL, 0), PRAM_SIM_ERR_NULL);
    /* An op that stores nothing (or was compiled without the kit's config). */
    c.op = op_nothing;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_NO_STORES);
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_ERR_NO_STORES);
    /* More stores than allowed. */
    c.op = op_many;
    c.max_stores = 10;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_TOO_MANY);
    assert_int_equal(*WORD_A, 0u); /* restored */
    c.max_stores = 0;
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_OK);
    assert_int_equal(n, 100);
    /* An op that does not repeat itself. */
    c.op = op_nondet;
    nondet_calls = 0;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_NONDET);
    assert_int_equal(r.stores, 2);
    assert_int_equal(r.uncut, PRAM_SIM_TEARS_DEFAULT_COUNT);
    /* Called from a callback. */
    c.op = op_nested;
    nested_rc = 0;
    assert_int_equal(pram_sim_count(&c, &n), PRAM_SIM_OK);
    assert_int_equal(nested_rc, PRAM_SIM_ERR_BUSY);
    /* Plain stores into the image: counted, not cut points. */
    c.op = op_plain;
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
    assert_int_equal(r.stores, 1);
    assert_int_equal(r.unhooked, 2);
    /* Names. */
    assert_string_equal(pram_sim_strerror(PRAM_SIM_ERR_OUTSIDE), "PRAM_SIM_ERR_OUTSIDE");
    assert_string_equal(pram_sim_strerror(PRAM_SIM_OK), "PRAM_SIM_OK");
    assert_string_equal(pram_sim_strerror(-1), "?");
}

/* A callback that leaves by a longjmp of its own (as a failing cmocka
 * assertion does): the kit is busy until pram_sim_abandon(). */
static jmp_buf escape;
static void op_escape(void *ctx)
{
    (void)ctx;
    store(WORD_A, 1);
    longjmp(escape, 1);
}
static void test_abandon(void **state)
{
    pram_sim_case_t c = make_case(op_escape, check_ok);
    pram_sim_result_t r;
    (void)state;
    if (setjmp(escape) == 0)
        (void)pram_sim_sweep(&c, &r);
    c.op = op_ab_words;
    assert_int_equal(pram_sim_sweep(&c, &r), PRAM_SIM_ERR_BUSY);
    pram_sim_abandon();
    memset(ram, 0, sizeof ram);
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
}

/* The boot callback runs after every cut and last of all. */
static int boots;
static void boot_count(void *ctx)
{
    (void)ctx;
    boots++;
}
static void test_boot_calls(void **state)
{
    pram_sim_case_t c = make_case(op_ab_words, check_ok);
    pram_sim_result_t r;
    (void)state;
    c.boot = boot_count;
    boots = 0;
    assert_int_equal(pram_sim_sweep(&c, &r), 0);
    /* count run: boot before, boot after; each cut: before and after; end: 1 */
    assert_int_equal(boots, 2 + 2 * 12 + 1);
    boots = 0;
    assert_int_equal(pram_sim_reset(&c), PRAM_SIM_OK);
    assert_int_equal(boots, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_counts_cell_set, setup),
        cmocka_unit_test_setup(test_counts_buffer_append, setup),
        cmocka_unit_test_setup(test_tear_masks, setup),
        cmocka_unit_test_setup(test_violations_at_the_right_cut, setup),
        cmocka_unit_test_setup(test_custom_tears_and_log, setup),
        cmocka_unit_test_setup(test_violation_uncut, setup),
        cmocka_unit_test_setup(test_random_reproducible, setup),
        cmocka_unit_test_setup(test_linear, setup),
        cmocka_unit_test_setup(test_file_image, setup),
        cmocka_unit_test_setup(test_containers_image, setup),
        cmocka_unit_test_setup(test_register_region, setup),
        cmocka_unit_test_setup(test_image_helpers, setup),
        cmocka_unit_test_setup(test_misuse, setup),
        cmocka_unit_test_setup(test_abandon, setup),
        cmocka_unit_test_setup(test_boot_calls, setup),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
