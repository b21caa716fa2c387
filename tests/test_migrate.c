/* Firmware updates that move containers (pram_migrate_run).
 *
 * A "firmware" here is a list of containers (name, cell or buffer, size,
 * schema); it is placed the way ld/pram_noinit.ld places real ones: sorted
 * by name, one after the other, 8-aligned, after the system area.  The old
 * firmware boots, fills every container with values derived from its name;
 * the new one boots, migrates, and every container is checked: unchanged
 * ones hold their values, changed ones report a changed layout, new ones
 * (even where a removed one of the same layout was) start empty.  Then the
 * same update with the power cut at every store of the migration (whole and
 * torn), and again during the resumed migration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_migrate.h"
#include "power_cut.h"
#include "test_support.h"

#define IMAGE_WORDS 2048u
static uint32_t image[IMAGE_WORDS] __attribute__((aligned(8)));

enum { CELL, BUF };
typedef struct {
    const char *name;
    int kind;
    uint32_t size; /* cell: value bytes (multiple of 4); buffer: capacity */
    uint16_t schema;
    uint8_t mode; /* cell: PRAM_SINGLE/PRAM_AB; buffer: PRAM_BUF_LINEAR/RING */
} spec_t;

#define MAXC 12
typedef struct {
    const spec_t *spec;
    uint32_t n;
    pram_container_t tab[MAXC];
    pram_cell_t cell[MAXC];
    pram_buf_def_t def[MAXC];
    pram_buf_t buf[MAXC];
} fw_t;

static uint32_t storage_of(const spec_t *s)
{
    if (s->kind == BUF)
        return PRAM_BUF_STORAGE_SIZE(s->size);
    return (12u + s->size) * (s->mode == PRAM_AB ? 2u : 1u);
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const spec_t *const *)a)->name, (*(const spec_t *const *)b)->name);
}

/* Place as the linker would; the table keeps the spec's (definition) order. */
static void fw_build(fw_t *fw, const spec_t *spec, uint32_t n)
{
    const spec_t *sorted[MAXC];
    uintptr_t at = ((uintptr_t)image + PRAM_MIGRATE_SYSTEM_SIZE + 7u) & ~(uintptr_t)7u;
    uint32_t i, k;
    assert_true(n <= MAXC);
    memset(fw, 0, sizeof *fw);
    fw->spec = spec;
    fw->n = n;
    for (i = 0; i < n; i++)
        sorted[i] = &spec[i];
    qsort(sorted, n, sizeof sorted[0], by_name);
    for (k = 0; k < n; k++) {
        const spec_t *s = sorted[k];
        i = (uint32_t)(s - spec);
        fw->tab[i].name = s->name;
        fw->tab[i].storage = (void *)at;
        fw->tab[i].size = storage_of(s);
        if (s->kind == CELL) {
            pram_cell_t c = {(void *)at, NULL, 0u, (uint16_t)s->size, s->schema, 12u,
                             (uint16_t)(12u + s->size), s->mode, PRAM__KIND_CELL};
            fw->cell[i] = c;
        } else {
            pram_buf_def_t d = {(void *)at, NULL, 0u, storage_of(s), s->schema, s->mode};
            fw->def[i] = d;
        }
        at = (at + storage_of(s) + 7u) & ~(uintptr_t)7u;
    }
    assert_true(at <= (uintptr_t)(image + IMAGE_WORDS));
}

static int fw_migrate(fw_t *fw, pram_migrate_report_t *rep)
{
    pram_migration_t m = {image, sizeof image, fw->tab, fw->n};
    return pram_migrate_run(&m, rep);
}

/* What a container holds, derived from its name and a generation. */
static void pattern(const char *name, uint32_t gen, uint8_t *out, uint32_t len)
{
    uint32_t h = 2166136261u, i;
    for (i = 0; name[i]; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    for (i = 0; i < len; i++)
        out[i] = (uint8_t)(h >> ((i % 4u) * 8u)) ^ (uint8_t)(i * 7u + gen);
}

static void fw_fill(fw_t *fw, uint32_t gen)
{
    uint8_t v[256];
    uint32_t i, r;
    for (i = 0; i < fw->n; i++) {
        const spec_t *s = &fw->spec[i];
        if (s->kind == CELL) {
            pattern(s->name, gen, v, s->size);
            assert_int_equal(pram_cell_set(&fw->cell[i], v, s->size), PRAM_OK);
        } else {
            pram_buf_t b = PRAM_BUF_INIT(&fw->def[i]);
            fw->buf[i] = b;
            assert_true(pram_buf_open(&fw->buf[i]) >= 0);
            for (r = 0; r < 3u; r++) {
                pattern(s->name, gen + r, v, 12u);
                assert_int_equal(pram_buf_append(&fw->buf[i], v, 12u), PRAM_OK);
            }
        }
    }
}

/* What each container of the new firmware must read after the update. */
enum { KEEPS, CHANGED, EMPTY, KEEPS_OR_EMPTY };

/* KEEPS, CHANGED or EMPTY for container s after an update from old. */
static int expected(const spec_t *old, uint32_t nold, const spec_t *s)
{
    uint32_t i;
    for (i = 0; i < nold; i++) {
        if (strcmp(old[i].name, s->name) != 0)
            continue;
        if (old[i].kind != s->kind || old[i].size != s->size || old[i].schema != s->schema)
            return CHANGED;
        /* A/B to single-slot keeps the value if slot 0 held the newest (the
         * mode is not part of the layout), else reads invalid. */
        return old[i].mode == s->mode ? KEEPS : KEEPS_OR_EMPTY;
    }
    return EMPTY;
}

/* Checks every container; returns the number of violations (messages
 * printed with `what`). */
static int fw_check(fw_t *fw, const spec_t *old, uint32_t nold, uint32_t gen, int lenient,
                    const char *what)
{
    uint8_t v[256], want[256];
    uint32_t i, r;
    int bad = 0, expect, rc;
    pram_record_t rec;
    for (i = 0; i < fw->n; i++) {
        const spec_t *s = &fw->spec[i];
        expect = expected(old, nold, s);
        if (lenient && expect != CHANGED)
            expect = expect == KEEPS ? KEEPS_OR_EMPTY : EMPTY;
        if (s->kind == CELL) {
            rc = pram_cell_get(&fw->cell[i], v, s->size);
            pattern(s->name, gen, want, s->size);
            if (rc == PRAM_OK && (expect == EMPTY || expect == CHANGED))
                bad++, print_message("%s: %s reads a value, should be %s\n", what, s->name,
                                     expect == EMPTY ? "empty" : "a changed layout");
            else if (rc == PRAM_OK && memcmp(v, want, s->size) != 0)
                bad++, print_message("%s: %s reads a wrong value\n", what, s->name);
            else if (rc != PRAM_OK && expect == KEEPS)
                bad++, print_message("%s: %s lost its value (%s)\n", what, s->name, pram_strerror(rc));
            else if (rc == PRAM_ERR_INVALID && expect == CHANGED && !lenient)
                bad++, print_message("%s: %s reads invalid, not a changed layout\n", what, s->name);
        } else {
            pram_buf_t b = PRAM_BUF_INIT(&fw->def[i]);
            pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
            fw->buf[i] = b;
            rc = pram_buf_open(&fw->buf[i]);
            if (expect == KEEPS && rc != PRAM_BUF_INTACT)
                bad++, print_message("%s: buffer %s opened %s\n", what, s->name, pram_strerror(rc));
            if (expect == CHANGED && rc != PRAM_BUF_REFORMED && !(lenient && rc == PRAM_BUF_COLD))
                bad++, print_message("%s: buffer %s opened %s, not reformed\n", what, s->name,
                                     pram_strerror(rc));
            for (r = 0; pram_buf_next(&fw->buf[i], &it, &rec) > 0; r++) {
                pattern(s->name, gen + r, want, 12u);
                if (expect == EMPTY || expect == CHANGED || rec.len != 12u ||
                    memcmp(rec.data, want, 12u) != 0)
                    bad++, print_message("%s: buffer %s record %u is wrong\n", what, s->name, r);
            }
            if ((expect == KEEPS && r != 3u) || (expect == KEEPS_OR_EMPTY && r != 0u && r != 3u))
                bad++, print_message("%s: buffer %s holds %u records\n", what, s->name, r);
        }
    }
    return bad;
}

/* ---- The updates ---------------------------------------------------------- */

#define S(name, size) {name, CELL, size, 1u, PRAM_SINGLE}
#define AB(name, size) {name, CELL, size, 1u, PRAM_AB}
#define RING(name, cap) {name, BUF, cap, 1u, PRAM_BUF_RING}

static const spec_t v1[] = {AB("boot", 8), S("crash", 32), RING("log", 256), AB("metrics", 16)};
static const spec_t add_start[] = {AB("boot", 8), S("crash", 32), RING("log", 256), AB("metrics", 16),
                                   AB("a_first", 4)};
static const spec_t add_middle[] = {AB("boot", 8), S("crash", 32), AB("dns", 12), RING("log", 256),
                                    AB("metrics", 16)};
static const spec_t add_end[] = {AB("boot", 8), S("crash", 32), RING("log", 256), AB("metrics", 16),
                                 S("zz_last", 24)};
static const spec_t removed[] = {AB("boot", 8), RING("log", 256), AB("metrics", 16)};
static const spec_t reordered[] = {AB("metrics", 16), RING("log", 256), S("crash", 32), AB("boot", 8)};
static const spec_t grown[] = {AB("boot", 12), S("crash", 32), RING("log", 256), AB("metrics", 16)};
static const spec_t reschema[] = {AB("boot", 8), {"crash", CELL, 32, 2u, PRAM_SINGLE}, RING("log", 256),
                                  AB("metrics", 16)};
static const spec_t add_buf[] = {AB("boot", 8), S("crash", 32), RING("events", 128), RING("log", 256),
                                 AB("metrics", 16)};
static const spec_t ring_grown[] = {AB("boot", 8), S("crash", 32), RING("log", 512), AB("metrics", 16)};
/* "crash" goes, "crash2" of the same type takes exactly its place: it must
 * start empty, not with the removed cell's value. */
static const spec_t renamed[] = {AB("boot", 8), S("crash2", 32), RING("log", 256), AB("metrics", 16)};
static const spec_t shrunk_all[] = {S("metrics", 16), AB("boot", 4)};
static const spec_t many[] = {AB("a_first", 4), AB("boot", 8), S("crash", 32), RING("events", 64),
                              RING("log", 256), AB("metrics", 20), S("zz_last", 4)};

typedef struct {
    const char *name;
    const spec_t *spec;
    uint32_t n;
} update_t;
#define U(x) {#x, x, sizeof(x) / sizeof(x[0])}
static const update_t updates[] = {U(add_start), U(add_middle), U(add_end), U(removed), U(reordered),
                                   U(grown),     U(reschema),   U(add_buf), U(ring_grown),
                                   U(renamed),   U(shrunk_all), U(many)};
#define NUPDATES (sizeof(updates) / sizeof(updates[0]))
#define NV1 (sizeof(v1) / sizeof(v1[0]))

static fw_t g_old, g_new;
static uint32_t g_old_image[IMAGE_WORDS];

/* The old firmware's life: first boot, values written, a later boot. */
static void boot_old(void)
{
    pram_migrate_report_t rep;
    memset(image, 0xA5, sizeof image); /* power-on garbage */
    fw_build(&g_old, v1, NV1);
    assert_int_equal(fw_migrate(&g_old, &rep), PRAM_MIGRATE_FIRST);
    fw_fill(&g_old, 1u);
    assert_int_equal(fw_migrate(&g_old, &rep), PRAM_MIGRATE_SAME);
    assert_int_equal(rep.kept, NV1);
    assert_int_equal(fw_check(&g_old, v1, NV1, 1u, 0, "old firmware"), 0);
    memcpy(g_old_image, image, sizeof image);
}

static void each_update_keeps_what_it_did_not_change(void **state)
{
    uint32_t u;
    pram_migrate_report_t rep;
    (void)state;
    for (u = 0; u < NUPDATES; u++) {
        const update_t *up = &updates[u];
        int rc;
        boot_old();
        fw_build(&g_new, up->spec, up->n);
        rc = fw_migrate(&g_new, &rep);
        print_message("  %-11s -> %-20s kept %u moved %u resized %u added %u removed %u lost %u\n",
                      up->name, pram_strerror(rc), rep.kept, rep.moved, rep.resized, rep.added,
                      rep.removed, rep.lost);
        /* Reordering definitions or changing a schema moves nothing. */
        assert_true(rc == PRAM_MIGRATE_DONE ||
                    (rc == PRAM_MIGRATE_SAME && (up->spec == reordered || up->spec == reschema)));
        assert_int_equal(rep.lost, 0);
        assert_int_equal(fw_check(&g_new, v1, NV1, 1u, 0, up->name), 0);
        /* The next boot finds the placement recorded. */
        assert_int_equal(fw_migrate(&g_new, &rep), PRAM_MIGRATE_SAME);
    }
}

static void report_counts_what_changed(void **state)
{
    pram_migrate_report_t rep;
    (void)state;
    boot_old();
    fw_build(&g_new, many, sizeof many / sizeof many[0]);
    assert_int_equal(fw_migrate(&g_new, &rep), PRAM_MIGRATE_DONE);
    /* boot, crash, log, metrics had; a_first, events, zz_last new; metrics grew. */
    assert_int_equal(rep.added, 3);
    assert_int_equal(rep.removed, 0);
    assert_int_equal(rep.resized, 1);
    assert_int_equal(rep.kept + rep.moved, 4);
    assert_int_equal(rep.lost, 0);
    boot_old();
    fw_build(&g_new, removed, sizeof removed / sizeof removed[0]);
    assert_int_equal(fw_migrate(&g_new, &rep), PRAM_MIGRATE_DONE);
    assert_int_equal(rep.removed, 1);
    assert_int_equal(rep.added, 0);
}

/* .noinit shrank and an old container lay past its new end (its bytes are
 * .data/.bss on a real target): it is reported lost and reads as nothing. */
static void past_the_end_is_lost(void **state)
{
    pram_migrate_report_t rep;
    pram_migration_t m;
    uintptr_t end = 0;
    uint32_t i;
    uint8_t v[16];
    (void)state;
    boot_old();
    fw_build(&g_new, removed, sizeof removed / sizeof removed[0]);
    for (i = 0; i < g_new.n; i++)
        if ((uintptr_t)g_new.tab[i].storage + g_new.tab[i].size > end)
            end = (uintptr_t)g_new.tab[i].storage + g_new.tab[i].size;
    m.system = image;
    m.span = end - (uintptr_t)image;
    m.containers = g_new.tab;
    m.count = g_new.n;
    assert_int_equal(pram_migrate_run(&m, &rep), PRAM_MIGRATE_DONE);
    assert_int_equal(rep.lost, 1);    /* metrics: it ended past the new end */
    assert_int_equal(rep.removed, 1); /* crash */
    assert_int_equal(rep.added, 0);
    assert_int_not_equal(pram_cell_get(&g_new.cell[2], v, 16), PRAM_OK);
    {
        uint8_t want[8], got[8];
        pattern("boot", 1u, want, 8);
        assert_int_equal(pram_cell_get(&g_new.cell[0], got, 8), PRAM_OK);
        assert_memory_equal(got, want, 8);
    }
    assert_int_equal(pram_migrate_run(&m, &rep), PRAM_MIGRATE_SAME);
}

/* Bytes the old firmware held and the new one does not are zeroed. */
static void removed_bytes_are_released(void **state)
{
    uintptr_t crash_at;
    uint32_t i, w, words;
    pram_migrate_report_t rep;
    (void)state;
    boot_old();
    crash_at = (uintptr_t)g_old.tab[1].storage;
    words = g_old.tab[1].size / 4u;
    fw_build(&g_new, shrunk_all, 2);
    assert_int_equal(fw_migrate(&g_new, &rep), PRAM_MIGRATE_DONE);
    for (w = 0; w < words; w++) {
        uintptr_t a = crash_at + 4u * w;
        int live = 0;
        for (i = 0; i < 2; i++)
            live |= a >= (uintptr_t)g_new.tab[i].storage &&
                    a < (uintptr_t)g_new.tab[i].storage + g_new.tab[i].size;
        if (!live)
            assert_int_equal(*(uint32_t *)a, 0u);
    }
}

/* ---- Power cut at every store of the migration ----------------------------- */

static void migrate_op(void *ctx)
{
    pram_migrate_report_t rep;
    (void)fw_migrate((fw_t *)ctx, &rep);
}

static uint64_t stores_of_update(void)
{
    uint64_t s0 = pram_test_stores;
    migrate_op(&g_new);
    return pram_test_stores - s0;
}

static const unsigned tears[] = {0x0u, 0x1u, 0x7u, 0xEu};

static void cut_at_every_store(void **state)
{
    uint32_t u, t, bad = 0;
    uint64_t n, stores, cuts = 0, resumed_cuts = 0, m, m_stores;
    (void)state;
    for (u = 0; u < NUPDATES; u++) {
        const update_t *up = &updates[u];
        boot_old();
        fw_build(&g_new, up->spec, up->n);
        stores = stores_of_update();
        for (n = 1; n <= stores; n++) {
            for (t = 0; t < sizeof tears / sizeof tears[0]; t++) {
                pram_migrate_report_t rep;
                char what[96];
                memcpy(image, g_old_image, sizeof image);
                if (!run_cut(migrate_op, &g_new, n, tears[t]))
                    fail_msg("%s: the migration ended before store %llu", up->name,
                             (unsigned long long)n);
                cuts++;
                /* Some cut points: cut the resumed migration too, at a few stores. */
                if (t == 0 && n % 7u == 1u) {
                    uint32_t saved[IMAGE_WORDS];
                    memcpy(saved, image, sizeof image);
                    m_stores = stores_of_update();
                    for (m = 1; m < m_stores; m += 1u + m_stores / 5u) {
                        memcpy(image, saved, sizeof image);
                        if (run_cut(migrate_op, &g_new, m, 0x3u))
                            resumed_cuts++;
                        snprintf(what, sizeof what, "%s, cut at %llu, then at %llu of the resume",
                                 up->name, (unsigned long long)n, (unsigned long long)m);
                        (void)fw_migrate(&g_new, &rep);
                        bad += (uint32_t)fw_check(&g_new, v1, NV1, 1u, 0, what);
                    }
                    memcpy(image, saved, sizeof image);
                }
                snprintf(what, sizeof what, "%s, cut at store %llu tear %#x", up->name,
                         (unsigned long long)n, tears[t]);
                {
                    int rc = fw_migrate(&g_new, &rep);
                    if (rc != PRAM_MIGRATE_DONE && rc != PRAM_MIGRATE_SAME)
                        bad++, print_message("%s: resumed migration returned %s\n", what, pram_strerror(rc));
                }
                bad += (uint32_t)fw_check(&g_new, v1, NV1, 1u, 0, what);
                if (fw_migrate(&g_new, &rep) != PRAM_MIGRATE_SAME)
                    bad++, print_message("%s: the placement was not recorded\n", what);
            }
        }
        if (bad)
            break;
    }
    print_message("  migration power cuts: %llu cut points (+%llu in resumed migrations), %u violations\n",
                  (unsigned long long)cuts, (unsigned long long)resumed_cuts, bad);
    assert_int_equal(bad, 0);
    assert_true(cuts > 1000u);
}

/* A migration cut part-way, then a third firmware boots: nothing it reads
 * may be a value it did not write, whatever the first one had moved. */
static void another_update_interrupts(void **state)
{
    uint64_t n, stores;
    uint32_t bad = 0, abandoned = 0;
    pram_migrate_report_t rep;
    fw_t third;
    (void)state;
    boot_old();
    fw_build(&g_new, many, sizeof many / sizeof many[0]);
    stores = stores_of_update();
    for (n = 1; n <= stores; n++) {
        int rc;
        memcpy(image, g_old_image, sizeof image);
        assert_true(run_cut(migrate_op, &g_new, n, 0));
        fw_build(&third, add_middle, sizeof add_middle / sizeof add_middle[0]);
        rc = fw_migrate(&third, &rep);
        assert_true(rc == PRAM_MIGRATE_ABANDONED || rc == PRAM_MIGRATE_DONE);
        abandoned += rc == PRAM_MIGRATE_ABANDONED;
        bad += (uint32_t)fw_check(&third, v1, NV1, 1u, 1, "third firmware");
    }
    print_message("  a third firmware after %llu cut migrations: %u abandoned, %u violations\n",
                  (unsigned long long)stores, abandoned, bad);
    assert_int_equal(bad, 0);
    assert_true(abandoned > 0u);
}

/* ---- Misuse: each a code of its own, nothing written ---------------------- */

static void misuse_changes_nothing(void **state)
{
    static uint32_t before[IMAGE_WORDS];
    pram_container_t tab[PRAM_MIGRATE_CAPACITY + 1u];
    pram_migration_t m;
    pram_migrate_report_t rep;
    uint32_t i;
    uint64_t s0;
    (void)state;
    boot_old();
    memcpy(before, image, sizeof image);
    s0 = pram_test_stores;
#define MIG(sys_, span_, t_, n_) (m.system = (sys_), m.span = (span_), m.containers = (t_), m.count = (n_), &m)
    assert_int_equal(pram_migrate_run(NULL, &rep), PRAM_ERR_NULL);
    assert_int_equal(pram_migrate_run(MIG(NULL, sizeof image, g_old.tab, NV1), &rep), PRAM_ERR_NULL);
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, NULL, 2), &rep), PRAM_ERR_NULL);
    assert_int_equal(pram_migrate_run(MIG((uint8_t *)image + 2, sizeof image, g_old.tab, NV1), &rep),
                     PRAM_ERR_ALIGN);
    assert_int_equal(pram_migrate_run(MIG(image, 16u, g_old.tab, NV1), &rep), PRAM_ERR_RANGE);
    for (i = 0; i <= PRAM_MIGRATE_CAPACITY; i++)
        tab[i] = g_old.tab[0];
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, tab, PRAM_MIGRATE_CAPACITY + 1u), &rep),
                     PRAM_ERR_TOO_LARGE);
    memcpy(tab, g_old.tab, sizeof g_old.tab[0] * NV1);
    tab[1].name = NULL;
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, tab, NV1), &rep), PRAM_ERR_NULL);
    memcpy(tab, g_old.tab, sizeof g_old.tab[0] * NV1);
    tab[1].storage = (uint8_t *)tab[1].storage + 2;
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, tab, NV1), &rep), PRAM_ERR_ALIGN);
    memcpy(tab, g_old.tab, sizeof g_old.tab[0] * NV1);
    tab[1].storage = image; /* inside the system area */
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, tab, NV1), &rep), PRAM_ERR_RANGE);
    memcpy(tab, g_old.tab, sizeof g_old.tab[0] * NV1);
    tab[1].storage = (uint8_t *)g_old.tab[0].storage + 4; /* over its neighbour */
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, tab, NV1), &rep), PRAM_ERR_OVERLAP);
    memcpy(tab, g_old.tab, sizeof g_old.tab[0] * NV1);
    tab[1].name = tab[0].name; /* two containers, one name */
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, tab, NV1), &rep), PRAM_ERR_DESC);
    memcpy(tab, g_old.tab, sizeof g_old.tab[0] * NV1);
    tab[1].size = 10u * 1024u * 1024u; /* past the span */
    assert_int_equal(pram_migrate_run(MIG(image, sizeof image, tab, NV1), &rep), PRAM_ERR_RANGE);
#undef MIG
    assert_true(pram_test_stores == s0);
    assert_memory_equal(before, image, sizeof image);
}

/* A directory of garbage, or a valid-looking one full of nonsense, is
 * untrusted input: the run stays inside the span and ends. */
static void garbage_system_area(void **state)
{
    uint64_t seed = 0x5EED0013u;
    uint32_t trial, w;
    pram_migrate_report_t rep;
    (void)state;
    fw_build(&g_new, many, sizeof many / sizeof many[0]);
    for (trial = 0; trial < 2000u; trial++) {
        int rc;
        test_fill_random(image, sizeof image, &seed);
        if (trial & 1u) {
            /* A committed directory with random entries: seal it through a
             * migration of a random table, then scramble the entries and
             * re-seal with the library's own CRC by running set again. */
            pram_cell_t dc = {(uint8_t *)image + 56, NULL, 0u,
                              (uint16_t)(4u + 8u * PRAM_MIGRATE_CAPACITY), (uint16_t)(0xD000u + PRAM_MIGRATE_CAPACITY),
                              12u, (uint16_t)(16u + 8u * PRAM_MIGRATE_CAPACITY), PRAM_SINGLE, PRAM__KIND_REGION};
            uint32_t v[1u + 2u * PRAM_MIGRATE_CAPACITY];
            test_fill_random(v, sizeof v, &seed);
            v[0] = (uint32_t)(test_rand(&seed) % (PRAM_MIGRATE_CAPACITY + 2u));
            for (w = 1; w < 1u + 2u * PRAM_MIGRATE_CAPACITY; w += 2u)
                if (test_rand(&seed) & 1u)
                    v[w] = 0; /* some plausible small offsets/sizes */
            for (w = 2; w < 1u + 2u * PRAM_MIGRATE_CAPACITY; w += 2u)
                v[w] = (uint32_t)(test_rand(&seed) % IMAGE_WORDS) | (uint32_t)(test_rand(&seed) % 512u) << 16;
            assert_int_equal(pram_cell_set(&dc, v, sizeof v), PRAM_OK);
        }
        rc = fw_migrate(&g_new, &rep);
        assert_true(rc >= 0);
        assert_int_equal(fw_migrate(&g_new, &rep), PRAM_MIGRATE_SAME);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_update_keeps_what_it_did_not_change),
        cmocka_unit_test(report_counts_what_changed),
        cmocka_unit_test(removed_bytes_are_released),
        cmocka_unit_test(past_the_end_is_lost),
        cmocka_unit_test(misuse_changes_nothing),
        cmocka_unit_test(garbage_system_area),
        cmocka_unit_test(another_update_interrupts),
        cmocka_unit_test(cut_at_every_store),
    };
    return cmocka_run_group_tests_name("migrate", tests, NULL, NULL);
}
