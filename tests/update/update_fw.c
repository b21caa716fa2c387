/* Firmware updates across real QEMU runs, RAM kept (tests/update/update.mk).
 *
 * One source, one firmware per -DLAYOUT.  LAYOUT 1 is the base (V1): cells
 * "boot" (A/B, two words), "crash" (single, 32 bytes), "metrics" (A/B, 16
 * bytes) and the ring "log" (256 bytes).  The others are updates of it:
 *
 *   2 add_start   + "a_new" (sorts first: every container moves up)
 *   3 add_middle  + "dns" (between crash and log)
 *   4 add_end     + "zz_new" (last: nothing moves)
 *   5 remove      - "crash" (log and metrics move down; metrics' old bytes
 *                 end past the new __pram_noinit_end)
 *   6 reorder     the same containers defined in another order (nothing moves)
 *   7 grow        "boot" (A/B) and "crash" (single) grow by a word: they read
 *                 a changed layout, crash, log and metrics move up
 *   8 schema      "crash" schema 1 -> 2 (same size: reads a changed layout)
 *   9 add_buf     + the ring "events" (between crash and log)
 *  10 rename      "crash" gone, "crash2" of the same type exactly where it
 *                 was: must start empty, not with crash's value
 *  11 ring_grow   "log" 256 -> 512 bytes (reformed; metrics moves up)
 *
 * A run of V1 on fresh RAM (pram_migrate: FIRST) writes every container
 * (values derived from its name; A/B cells twice, so both slots are used;
 * three records to each buffer) and writes [__pram_noinit_start,
 * __pram_noinit_end) to the host file v1.noinit.bin.  An update then boots
 * with that file loaded where .noinit is before the CPU starts (QEMU's
 * -device loader, through the RAM's mirror: update.mk says why), calls
 * pram_migrate, prints its result and report, checks both against what this
 * layout must give, checks every container (kept value, changed layout,
 * empty, reformed, intact with its three records), calls pram_migrate again
 * (must be SAME) and prints "update <name>: ok" or FAIL lines.  V1 booted on
 * its own dump is the update "same".  An update that passed leaves its own
 * .noinit in after-<name>.bin (it wrote nothing but what opening a reformed
 * buffer formats).  -DUPDATE_CONTROL_NO_MIGRATE: the update without
 * pram_migrate, whose checks must fail (update.mk's control).
 *
 * -DDOWNGRADE_FROM=<n> (with LAYOUT 1): V1 flashed back over update n, booted
 * on after-<name>.bin: its pram_migrate moves the containers back
 * (docs/lifecycle.md), and each must read as V1 left it, except a container
 * update n did not have (released: empty) and a buffer it reformed
 * (reformed again).  Prints "downgrade <name>: ok".
 *
 * -DUPDATE_CUT (with tests/update/update_cut.h forced in, core included):
 * the same update with a real reset (SYSRESETREQ) right after each store
 * pram_migrate makes, one QEMU run for all of them.  The dump sits in
 * PSRAM (the loader writes it again at every reset, its length beside it);
 * the firmware copies it into .noinit itself, so that it happens once per
 * cut and not at every reset:
 *   restore the dump, cut the migration at store N (a reset), the next boot
 *   resumes it uncut and checks everything, reset, N + 1 ...
 * until a migration runs out of stores before N.  Its state lives in PSRAM
 * too, which QEMU keeps across resets and nothing else uses. */
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"

#ifndef LAYOUT
#  error "build with -DLAYOUT=<1..11>"
#endif

#define L_V1 1
#define L_ADD_START 2
#define L_ADD_MIDDLE 3
#define L_ADD_END 4
#define L_REMOVE 5
#define L_REORDER 6
#define L_GROW 7
#define L_SCHEMA 8
#define L_ADD_BUF 9
#define L_RENAME 10
#define L_RING_GROW 11

#ifdef DOWNGRADE_FROM
#  if LAYOUT != L_V1
#    error "DOWNGRADE_FROM is V1's: LAYOUT 1"
#  endif
#  define FROM DOWNGRADE_FROM
#  define TAG "downgrade "
#else
#  define FROM 0
#  define TAG "update "
#endif

/* ---- The containers of this layout ------------------------------------------- */

typedef struct {
    uint32_t a, b;
#if LAYOUT == L_GROW
    uint32_t c;
#endif
} boot_t;
#if LAYOUT == L_GROW
typedef struct { uint32_t w[9]; } crash_t;
#else
typedef struct { uint32_t w[8]; } crash_t;
#endif
typedef struct { uint32_t w[4]; } metrics_t;
typedef struct { uint32_t w[3]; } dns_t;
typedef struct { uint32_t w[6]; } zz_t;

#define HAS_CRASH (LAYOUT != L_REMOVE && LAYOUT != L_RENAME)
#define CRASH_SCHEMA (LAYOUT == L_SCHEMA ? 2 : 1)
#define LOG_CAPACITY (LAYOUT == L_RING_GROW ? 512 : 256)

PRAM_CELL_DECLARE(boot, boot_t, 1, PRAM_AB);
PRAM_CELL_DECLARE(metrics, metrics_t, 1, PRAM_AB);
#if HAS_CRASH
PRAM_CELL_DECLARE(crash, crash_t, CRASH_SCHEMA, PRAM_SINGLE);
#endif
#if LAYOUT == L_ADD_START
PRAM_CELL_DECLARE(a_new, uint32_t, 1, PRAM_SINGLE);
#endif
#if LAYOUT == L_ADD_MIDDLE
PRAM_CELL_DECLARE(dns, dns_t, 1, PRAM_AB);
#endif
#if LAYOUT == L_ADD_END
PRAM_CELL_DECLARE(zz_new, zz_t, 1, PRAM_SINGLE);
#endif
#if LAYOUT == L_RENAME
PRAM_CELL_DECLARE(crash2, crash_t, 1, PRAM_SINGLE);
#endif

/* Definition order: not the names' order, and reversed by "reorder". */
#if LAYOUT == L_REORDER
PRAM_BUF_DEFINE_RING(log, LOG_CAPACITY, 1);
PRAM_CELL_DEFINE(metrics);
PRAM_CELL_DEFINE(crash);
PRAM_CELL_DEFINE(boot);
#else
PRAM_CELL_DEFINE(metrics);
PRAM_CELL_DEFINE(boot);
PRAM_BUF_DEFINE_RING(log, LOG_CAPACITY, 1);
#  if HAS_CRASH
PRAM_CELL_DEFINE(crash);
#  endif
#endif
#if LAYOUT == L_ADD_START
PRAM_CELL_DEFINE(a_new);
#endif
#if LAYOUT == L_ADD_MIDDLE
PRAM_CELL_DEFINE(dns);
#endif
#if LAYOUT == L_ADD_END
PRAM_CELL_DEFINE(zz_new);
#endif
#if LAYOUT == L_ADD_BUF
PRAM_BUF_DEFINE_RING(events, 128, 1);
#endif
#if LAYOUT == L_RENAME
PRAM_CELL_DEFINE(crash2);
#endif

/* What each container must read after the update.  AB_RESIZED: an A/B
 * cell whose size changed must not read a value: PRAM_ERR_LAYOUT, or
 * PRAM_ERR_INVALID when its newest value sat in slot B (at the old slot
 * size: the new geometry looks for slot B elsewhere, where it finds no
 * header; as it would without migration).  V1 writes every cell twice, so
 * that is the case here; a line says so. */
enum { KEEP, LAYOUT_CHANGED, AB_RESIZED, EMPTY, REFORMED };

typedef struct {
    const char *name;       /* its C name: the values derive from it */
    const pram_cell_t *cell; /* a cell, or */
    pram_buf_t *buf;        /* a buffer */
    uint32_t size;          /* cell value bytes */
    int expect;
} ctr_t;

#define CELL(n, e) { #n, &n, 0, (uint32_t)sizeof(n##_value_t), e }
#define BUF(n, e) { #n, 0, &n, 0u, e }

static const ctr_t ctrs[] = {
    CELL(boot, LAYOUT == L_GROW ? AB_RESIZED : KEEP),
#if HAS_CRASH
    CELL(crash, LAYOUT == L_SCHEMA || LAYOUT == L_GROW ? LAYOUT_CHANGED
                : FROM == L_REMOVE || FROM == L_RENAME  ? EMPTY
                                                         : KEEP),
#endif
    BUF(log, LAYOUT == L_RING_GROW || FROM == L_RING_GROW ? REFORMED : KEEP),
    CELL(metrics, KEEP),
#if LAYOUT == L_ADD_START
    CELL(a_new, EMPTY),
#endif
#if LAYOUT == L_ADD_MIDDLE
    CELL(dns, EMPTY),
#endif
#if LAYOUT == L_ADD_END
    CELL(zz_new, EMPTY),
#endif
#if LAYOUT == L_ADD_BUF
    BUF(events, EMPTY),
#endif
#if LAYOUT == L_RENAME
    CELL(crash2, EMPTY),
#endif
};
#define NCTR (sizeof ctrs / sizeof ctrs[0])

/* What pram_migrate must say: result, kept, moved, resized, added, removed
 * (lost always 0). */
typedef struct {
    const char *name;
    int result;
    uint16_t kept, moved, resized, added, removed;
} expect_t;

static const expect_t want =
#if FROM == L_V1
    {"same", PRAM_MIGRATE_SAME, 4, 0, 0, 0, 0};
#elif FROM == L_ADD_START
    {"add_start", PRAM_MIGRATE_DONE, 0, 4, 0, 0, 1};
#elif FROM == L_ADD_MIDDLE
    {"add_middle", PRAM_MIGRATE_DONE, 2, 2, 0, 0, 1};
#elif FROM == L_ADD_END
    {"add_end", PRAM_MIGRATE_DONE, 4, 0, 0, 0, 1};
#elif FROM == L_REMOVE
    {"remove", PRAM_MIGRATE_DONE, 1, 2, 0, 1, 0};
#elif FROM == L_REORDER
    {"reorder", PRAM_MIGRATE_SAME, 4, 0, 0, 0, 0};
#elif FROM == L_GROW
    {"grow", PRAM_MIGRATE_DONE, 1, 3, 2, 0, 0};
#elif FROM == L_SCHEMA
    {"schema", PRAM_MIGRATE_SAME, 4, 0, 0, 0, 0};
#elif FROM == L_ADD_BUF
    {"add_buf", PRAM_MIGRATE_DONE, 2, 2, 0, 0, 1};
#elif FROM == L_RENAME
    {"rename", PRAM_MIGRATE_DONE, 3, 0, 0, 1, 1};
#elif FROM == L_RING_GROW
    {"ring_grow", PRAM_MIGRATE_DONE, 3, 1, 1, 0, 0};
#elif FROM != 0
#  error "DOWNGRADE_FROM: 1 to 11"
#elif LAYOUT == L_V1
    {"same", PRAM_MIGRATE_SAME, 4, 0, 0, 0, 0};
#elif LAYOUT == L_ADD_START
    {"add_start", PRAM_MIGRATE_DONE, 0, 4, 0, 1, 0};
#elif LAYOUT == L_ADD_MIDDLE
    {"add_middle", PRAM_MIGRATE_DONE, 2, 2, 0, 1, 0};
#elif LAYOUT == L_ADD_END
    {"add_end", PRAM_MIGRATE_DONE, 4, 0, 0, 1, 0};
#elif LAYOUT == L_REMOVE
    {"remove", PRAM_MIGRATE_DONE, 1, 2, 0, 0, 1};
#elif LAYOUT == L_REORDER
    {"reorder", PRAM_MIGRATE_SAME, 4, 0, 0, 0, 0};
#elif LAYOUT == L_GROW
    {"grow", PRAM_MIGRATE_DONE, 1, 3, 2, 0, 0};
#elif LAYOUT == L_SCHEMA
    {"schema", PRAM_MIGRATE_SAME, 4, 0, 0, 0, 0};
#elif LAYOUT == L_ADD_BUF
    {"add_buf", PRAM_MIGRATE_DONE, 2, 2, 0, 1, 0};
#elif LAYOUT == L_RENAME
    {"rename", PRAM_MIGRATE_DONE, 3, 0, 0, 1, 1};
#elif LAYOUT == L_RING_GROW
    {"ring_grow", PRAM_MIGRATE_DONE, 3, 1, 1, 0, 0};
#else
#  error "unknown LAYOUT"
#endif

/* ---- Values ---------------------------------------------------------------- */

#define RECORDS 3u
#define RECORD_BYTES 12u
#define MAX_VALUE 64u

/* The bytes a container holds, from its name and a generation. */
static void pattern(const char *name, uint32_t gen, uint8_t *out, uint32_t len)
{
    uint32_t h = 2166136261u, i;
    for (i = 0; name[i]; i++)
        h = (h ^ (uint8_t)name[i]) * 16777619u;
    for (i = 0; i < len; i++)
        out[i] = (uint8_t)((uint8_t)(h >> ((i % 4u) * 8u)) ^ (uint8_t)(i * 7u + gen));
}

static int same_bytes(const uint8_t *a, const uint8_t *b, uint32_t len)
{
    uint32_t i;
    for (i = 0; i < len; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* "update <name>: FAIL <container> <what>" */
static int failures;
static void fail(const char *ctr, const char *what, int rc)
{
    fw_puts(TAG);
    fw_puts(want.name);
    fw_puts(": FAIL ");
    fw_puts(ctr);
    fw_puts(" ");
    fw_puts(what);
    fw_puts(" (");
    fw_puts(pram_strerror(rc));
    fw_puts(")\n");
    failures++;
}

/* V1's life before the update: every container written. */
#ifndef UPDATE_CUT
static int fill(void)
{
    uint8_t v[MAX_VALUE];
    uint32_t i, r;
    int bad = 0;
    for (i = 0; i < NCTR; i++) {
        const ctr_t *c = &ctrs[i];
        if (c->cell) {
            pattern(c->name, 0u, v, c->size); /* an older value first: both slots used */
            bad += pram_cell_set(c->cell, v, c->size) != PRAM_OK;
            pattern(c->name, 1u, v, c->size);
            bad += pram_cell_set(c->cell, v, c->size) != PRAM_OK;
        } else {
            bad += pram_buf_open(c->buf) < 0;
            for (r = 0; r < RECORDS; r++) {
                pattern(c->name, r, v, RECORD_BYTES);
                bad += pram_buf_append(c->buf, v, RECORD_BYTES) != PRAM_OK;
            }
        }
    }
    return bad;
}
#endif

/* Every container against what this layout expects of it. */
#ifdef UPDATE_CUT
static int noted = 1; /* the AB_RESIZED line: not in the sweep */
#else
static int noted; /* the AB_RESIZED line, once */
#endif
static void check(void)
{
    uint8_t v[MAX_VALUE], w[MAX_VALUE];
    uint32_t i, r;
    int rc;
    for (i = 0; i < NCTR; i++) {
        const ctr_t *c = &ctrs[i];
        if (c->cell) {
            rc = pram_cell_get(c->cell, v, c->size);
            pattern(c->name, 1u, w, c->size);
            if (c->expect == KEEP && rc != PRAM_OK)
                fail(c->name, "lost its value", rc);
            else if (c->expect == KEEP && !same_bytes(v, w, c->size))
                fail(c->name, "reads a wrong value", rc);
            else if (c->expect == LAYOUT_CHANGED && rc != PRAM_ERR_LAYOUT)
                fail(c->name, "should read a changed layout", rc);
            else if (c->expect == AB_RESIZED && rc != PRAM_ERR_LAYOUT && rc != PRAM_ERR_INVALID)
                fail(c->name, "should read a changed layout (or invalid)", rc);
            else if (c->expect == AB_RESIZED && rc == PRAM_ERR_INVALID && !noted) {
                noted = 1;
                fw_puts(TAG);
                fw_puts(want.name);
                fw_puts(": note ");
                fw_puts(c->name);
                fw_puts(" (A/B, resized, newest value in slot B) reads PRAM_ERR_INVALID, "
                        "not PRAM_ERR_LAYOUT\n");
            }
            else if (c->expect == EMPTY && rc != PRAM_ERR_INVALID)
                fail(c->name, "should be empty", rc);
        } else {
            pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
            pram_record_t rec;
            rc = pram_buf_open(c->buf);
            if (c->expect == KEEP && rc != PRAM_BUF_INTACT)
                fail(c->name, "should open intact", rc);
            else if (c->expect == EMPTY && rc != PRAM_BUF_COLD)
                fail(c->name, "should open cold (empty)", rc);
            else if (c->expect == REFORMED && rc != PRAM_BUF_REFORMED)
                fail(c->name, "should open reformed", rc);
            for (r = 0; (rc = pram_buf_next(c->buf, &it, &rec)) > 0; r++) {
                pattern(c->name, r, w, RECORD_BYTES);
                if (c->expect != KEEP || r >= RECORDS || rec.len != RECORD_BYTES ||
                    pram_buf_read(c->buf, &rec, v, sizeof v) != (int)RECORD_BYTES ||
                    !same_bytes(v, w, RECORD_BYTES)) {
                    fail(c->name, "holds a wrong record", rc);
                    break;
                }
            }
            if (rc < 0)
                fail(c->name, "records do not read", rc);
            else if (c->expect == KEEP && r != RECORDS)
                fail(c->name, "lost records", rc);
        }
    }
}

static void put_report(const char *what, int rc, const pram_migrate_report_t *r)
{
    fw_puts(TAG);
    fw_puts(want.name);
    fw_puts(what);
    fw_puts(rc == PRAM_MIGRATE_SAME ? "PRAM_MIGRATE_SAME" : pram_strerror(rc));
    fw_puts(": kept ");
    fw_put_u32(r->kept);
    fw_puts(" moved ");
    fw_put_u32(r->moved);
    fw_puts(" resized ");
    fw_put_u32(r->resized);
    fw_puts(" added ");
    fw_put_u32(r->added);
    fw_puts(" removed ");
    fw_put_u32(r->removed);
    fw_puts(" lost ");
    fw_put_u32(r->lost);
    fw_puts("\n");
}

static int report_is(const pram_migrate_report_t *r, uint16_t kept, uint16_t moved, uint16_t resized,
                     uint16_t added, uint16_t removed)
{
    return r->kept == kept && r->moved == moved && r->resized == resized && r->added == added &&
           r->removed == removed && r->lost == 0u;
}

/* The second boot of this firmware finds its placement recorded. */
static void check_again(void)
{
    pram_migrate_report_t rep;
    int rc = pram_migrate(&rep);
    if (rc != PRAM_MIGRATE_SAME || !report_is(&rep, (uint16_t)NCTR, 0u, 0u, 0u, 0u))
        fail("pram_migrate", "again: not SAME, all kept", rc);
}

static uint32_t noinit_bytes(void)
{
    return (uint32_t)((uintptr_t)__pram_noinit_end - (uintptr_t)__pram_noinit_start);
}

#ifndef UPDATE_CUT

int main(void)
{
    pram_migrate_report_t rep = {0u, 0u, 0u, 0u, 0u, 0u};
#ifdef UPDATE_CONTROL_NO_MIGRATE
    /* Linked, not called: without it there would be no system area, and
     * every container would sit PRAM_MIGRATE_SYSTEM_SIZE lower. */
    int (*volatile linked)(pram_migrate_report_t *) = pram_migrate;
    int rc = want.result;
    (void)linked;
#else
    int rc = pram_migrate(&rep);
#endif
    if (LAYOUT == L_V1 && FROM == 0 && rc == PRAM_MIGRATE_FIRST) {
        /* V1 on fresh RAM: fill, and leave the bytes for the updates. */
        int bad = fill();
        check();
        check_again();
        if (bad || failures) {
            fw_puts("update v1: FAIL writing the containers\n");
            return 1;
        }
        if (fw_write_file("v1.noinit.bin", __pram_noinit_start, noinit_bytes()) != 0) {
            fw_puts("update v1: FAIL writing v1.noinit.bin\n");
            return 1;
        }
        fw_put_kv_u32("update v1: containers written, .noinit dumped to v1.noinit.bin, bytes",
                      noinit_bytes());
        return 0;
    }
#ifdef UPDATE_CONTROL_NO_MIGRATE
    /* The control (update.mk): this layout without the migration, which must
     * be seen to fail the container checks. */
    check();
    fw_puts("update-control ");
    fw_puts(want.name);
    fw_puts(failures ? ": failed, as it must without pram_migrate\n" : ": FAIL, passed without pram_migrate\n");
    return 0;
#endif
    put_report(": pram_migrate ", rc, &rep);
    if (rc != want.result)
        fail("pram_migrate", "result", rc);
    else if (!report_is(&rep, want.kept, want.moved, want.resized, want.added, want.removed))
        fail("pram_migrate", "report", rc);
    check();
    check_again();
    if (!failures && FROM == 0) {
        /* For the downgrade: this firmware's .noinit, as it leaves it. */
        char path[32] = "after-";
        uint32_t i = 6u, k;
        for (k = 0; want.name[k] && i < sizeof path - 5u; k++)
            path[i++] = want.name[k];
        path[i++] = '.', path[i++] = 'b', path[i++] = 'i', path[i++] = 'n', path[i] = '\0';
        if (fw_write_file(path, __pram_noinit_start, noinit_bytes()) != 0)
            fail(path, "not written", 0);
    }
    fw_puts(TAG);
    fw_puts(want.name);
    fw_puts(failures ? ": FAIL\n" : ": ok\n");
    return failures != 0;
}

#else /* UPDATE_CUT */

/* PSRAM, outside everything the firmware links: the dump and its length
 * (written by QEMU's loader at every reset) and the sweep's state. */
#define CUT_DUMP ((const uint32_t *)0x21000000u)
#define CUT_DUMP_LEN (*(const volatile uint32_t *)0x210FFFF0u)
#define CUT_MAGIC 0xC07C07C0u

typedef struct {
    uint32_t magic;
    uint32_t cut;       /* the store of the migration to reset after */
    uint32_t resuming;  /* 1: this boot follows a cut */
    uint32_t cuts;      /* cuts made */
    uint32_t failed;    /* resumed migrations that failed a check */
    uint32_t done, same; /* what the resumed pram_migrate said */
} cut_state_t;
#define STATE (*(volatile cut_state_t *)0x21100000u)

/* Stores counted during the cut migration only. */
static uint32_t stores;
static int armed;

int upd_store_hook(uintptr_t pos)
{
    (void)pos;
    return armed && ++stores == STATE.cut;
}

void upd_power_cut(void)
{
    armed = 0;
    STATE.resuming = 1u;
    STATE.cuts = STATE.cuts + 1u;
    fw_reset();
}

/* The update's .noinit as V1 left it: its dump, zeros past its end. */
static void restore(void)
{
    volatile uint32_t *d = __pram_noinit_start;
    uint32_t n = noinit_bytes() / 4u, len = CUT_DUMP_LEN / 4u, i;
    for (i = 0; i < n; i++)
        d[i] = i < len ? CUT_DUMP[i] : 0u;
}

int main(void)
{
    pram_migrate_report_t rep;
    int rc;
    if (STATE.magic != CUT_MAGIC) {
        STATE.magic = CUT_MAGIC;
        STATE.cut = 1u;
        STATE.resuming = 0u;
        STATE.cuts = STATE.failed = STATE.done = STATE.same = 0u;
    }
    if (STATE.resuming) {
        /* After the reset: the migration resumes, and all must be as after
         * an uncut one. */
        STATE.resuming = 0u;
        rc = pram_migrate(&rep);
        if (rc == PRAM_MIGRATE_DONE)
            STATE.done = STATE.done + 1u;
        else if (rc == PRAM_MIGRATE_SAME)
            STATE.same = STATE.same + 1u;
        else
            fail("pram_migrate", "resumed: not DONE or SAME", rc);
        check();
        check_again();
        if (failures) {
            fw_put_kv_u32("update-cut: FAIL after the reset at store", STATE.cut);
            STATE.failed = STATE.failed + 1u;
        }
        STATE.cut = STATE.cut + 1u;
        fw_reset(); /* the next cut starts on a fresh boot */
    }
    if (CUT_DUMP_LEN == 0u || CUT_DUMP_LEN > noinit_bytes() + 4096u) {
        fw_puts("update-cut: FAIL no dump loaded\n");
        return 1;
    }
    restore();
    stores = 0u;
    armed = 1;
    rc = pram_migrate(&rep); /* resets after store STATE.cut, if it has that many */
    armed = 0;
    /* It ran out of stores: the sweep is over, this is the uncut update. */
    put_report(": uncut pram_migrate ", rc, &rep);
    if (rc != want.result || !report_is(&rep, want.kept, want.moved, want.resized, want.added, want.removed))
        fail("pram_migrate", "uncut: result or report", rc);
    check();
    check_again();
    fw_puts("update-cut ");
    fw_puts(want.name);
    fw_put_kv_u32(": stores in the migration", stores);
    fw_puts("update-cut ");
    fw_puts(want.name);
    fw_put_kv_u32(": resets, one after each store", STATE.cuts);
    fw_puts("update-cut ");
    fw_puts(want.name);
    fw_puts(": resumed DONE ");
    fw_put_u32(STATE.done);
    fw_puts(", SAME ");
    fw_put_u32(STATE.same);
    fw_puts(", failed ");
    fw_put_u32(STATE.failed);
    fw_puts("\n");
    fw_puts("update-cut ");
    fw_puts(want.name);
    fw_puts(failures || STATE.failed || STATE.cuts + 1u != STATE.cut || STATE.cuts != stores ? ": FAIL\n"
                                                                                        : ": ok\n");
    return failures || STATE.failed;
}

#endif /* UPDATE_CUT */
