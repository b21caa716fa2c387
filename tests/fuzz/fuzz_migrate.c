/* Fuzz: migration over an untrusted system area and container bytes.
 *
 * Two modes (the input's first byte):
 *
 * Image mode.  A fixed table of four containers (A/B and single cells, a
 * ring) placed as ld/pram_noinit.ld places them, after the system area,
 * inside a span of a fuzzed length.  The whole image comes from the input
 * (raw bytes, or garbage with a directory and journal slots crafted with
 * valid CRCs: entries naming this table's containers or others, at fuzzed
 * offsets and sizes, the plan and target hashes computed as documented or
 * not, any phase, step and progress).  Promises: pram_migrate_run returns
 * SAME, FIRST, DONE or ABANDONED, never an error; it reads and writes
 * nothing outside [system, system + span) (access window over the exact
 * heap allocation, ASan); the directory it leaves names exactly this
 * table's placement; the report adds up; a second run returns
 * PRAM_MIGRATE_SAME and stores nothing.
 *
 * History mode.  Two to four firmware generations, each a fuzzed subset of
 * eight names (single or A/B cells of 4..40 bytes, schema 1 or 2; rings),
 * boot one after the other over the same memory, which starts as fixed
 * power-on garbage.  Each boot migrates (possibly cut by a power failure at
 * a fuzzed store, whole or torn, after which the same or the next
 * generation boots), then checks every cell, then sets some cells to
 * fuzzed values and appends to buffers; between boots up to three single
 * bits of the image flip (never a layout word's span bits: a flipped span
 * makes the CRC cover other bytes, which CRC-16 does not guard against with
 * certainty).  Values are sanitized so that no word of them is within three
 * bit flips of the commit magic (a value that embeds a whole valid slot
 * would be indistinguishable from one).  Promise: after a migration that
 * found its directory (SAME, DONE), a cell that reads PRAM_OK reads a value
 * (of its layout) that a container of the same name held in an earlier
 * generation; after FIRST (no directory: containers check themselves where
 * they are, as without migration) one that some container of that layout
 * held (and from then on, once a bit flip has destroyed the directory:
 * see "Orphans" below); after ABANDONED none reads a value and every buffer
 * opens COLD.
 * Also: results documented, a second run SAME, the directory names this
 * generation's placement, nothing outside the span touched. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell_model.h"
#include "power_cut.h"
#include "test_support.h"

#define SYS PRAM_MIGRATE_SYSTEM_SIZE
#define CAP PRAM_MIGRATE_CAPACITY
#define JOURNAL_SCHEMA 0xFE01u
#define DIR_SCHEMA (0xD000u + CAP)
#define DIR_VALUE (4u + 8u * CAP)
#define DIR_AT 56u
#define MAXN 8u

enum { CELL, BUF };
typedef struct {
    const char *name;
    int kind;
    uint32_t size; /* cell: value bytes (multiple of 4); buffer: capacity */
    uint16_t schema;
    uint8_t mode;
} spec_t;

typedef struct {
    uint32_t n;
    spec_t spec[MAXN];
    pram_container_t tab[MAXN];
    pram_cell_t cell[MAXN];
    pram_buf_def_t def[MAXN];
    uint32_t end; /* bytes from the system area's start to the last container's end */
    uint32_t span; /* history mode: where this firmware's .noinit ends */
} fw_t;

static uint8_t *image;
static uint32_t image_len;
static fz_mem_t mem; /* describes image, for the oracles */

static uint32_t storage_of(const spec_t *s)
{
    if (s->kind == BUF)
        return PRAM_BUF_STORAGE_SIZE(s->size);
    return (12u + s->size) * (s->mode == PRAM_AB ? 2u : 1u);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const spec_t *)a)->name, ((const spec_t *)b)->name);
}

/* Placed as ld/pram_noinit.ld places them: sorted by name, 8-aligned, after
 * the system area.  The table lists them in another order (definition
 * order: reversed here). */
static void fw_build(fw_t *fw)
{
    uint32_t at = (SYS + 7u) & ~7u, i;
    qsort(fw->spec, fw->n, sizeof fw->spec[0], by_name);
    for (i = 0; i < fw->n; i++) {
        const spec_t *s = &fw->spec[i];
        uint32_t t = fw->n - 1u - i;
        fw->tab[t].name = s->name;
        fw->tab[t].storage = image + at;
        fw->tab[t].size = storage_of(s);
        memset(&fw->cell[i], 0, sizeof fw->cell[i]);
        if (s->kind == CELL) {
            pram_cell_t c = {image + at, NULL, 0u, (uint16_t)s->size, s->schema, 12u,
                             (uint16_t)(12u + s->size), s->mode, PRAM__KIND_CELL};
            fw->cell[i] = c;
        } else {
            pram_buf_def_t d = {image + at, NULL, 0u, storage_of(s), s->schema, s->mode};
            fw->def[i] = d;
        }
        at = (at + storage_of(s) + 7u) & ~7u;
    }
    fw->end = at;
}

static uint32_t name_hash(const char *s)
{
    return pram_crc32(0u, s, strlen(s));
}

static void crit_ok(void)
{
    FZ_CHECK(pram_test_crit_depth == 0u && pram_test_crit_errors == 0u,
             "critical sections unbalanced: depth %u, errors %lu", pram_test_crit_depth,
             pram_test_crit_errors);
}

/* The directory must name exactly fw's placement: {n, entries sorted by
 * offset: name CRC-32, offset | size << 16 in words}. */
static void check_directory(const fw_t *fw)
{
    uint8_t v[DIR_VALUE];
    uint32_t i;
    int st = fz_kind_oracle(&mem, DIR_AT, PRAM__KIND_REGION, DIR_VALUE, (uint16_t)DIR_SCHEMA, v);
    FZ_CHECK(st == PRAM_OK, "after the run the directory reads %s", pram_strerror(st));
    FZ_CHECK(rd32(v) == fw->n, "the directory counts %u containers, the table %u", rd32(v), fw->n);
    for (i = 0; i < fw->n; i++) {
        const spec_t *s = &fw->spec[i]; /* sorted by name = by offset */
        uint32_t off = (uint32_t)(((uint8_t *)fw->cell[i].addr ? (uint8_t *)fw->cell[i].addr
                                                               : (uint8_t *)fw->def[i].addr) -
                                  image) / 4u;
        FZ_CHECK(rd32(v + 4u + 8u * i) == name_hash(s->name) &&
                     rd32(v + 8u + 8u * i) == (off | (storage_of(s) / 4u) << 16),
                 "directory entry %u does not name %s at word %u", i, s->name, off);
    }
}

static int run(const fw_t *fw, uint32_t span, pram_migrate_report_t *rep)
{
    pram_migration_t m;
    m.system = image;
    m.span = span;
    m.containers = fw->tab;
    m.count = fw->n;
    memset(rep, 0xEE, sizeof *rep);
    return pram_migrate_run(&m, rep);
}

/* A completed run's result, report, directory; then a second run: SAME,
 * nothing stored. */
static void after_run(const fw_t *fw, uint32_t span, int rc, const pram_migrate_report_t *rep)
{
    static uint8_t snapshot[8192];
    pram_migrate_report_t r2;
    uint64_t s0;
    crit_ok();
    FZ_CHECK(fz_rc_in(rc, 4, PRAM_MIGRATE_SAME, PRAM_MIGRATE_FIRST, PRAM_MIGRATE_DONE, PRAM_MIGRATE_ABANDONED),
             "pram_migrate_run: %s", pram_strerror(rc));
    if (rc == PRAM_MIGRATE_SAME)
        FZ_CHECK((uint32_t)rep->kept == fw->n && !rep->moved && !rep->added && !rep->removed && !rep->lost &&
                     !rep->resized,
                 "SAME with a report of kept %u moved %u added %u removed %u lost %u", rep->kept, rep->moved,
                 rep->added, rep->removed, rep->lost);
    else if (rc == PRAM_MIGRATE_DONE)
        /* All zero: a migration cut while it rewrote the directory, finished
         * (the report of the run that did the moves is not kept). */
        FZ_CHECK(((uint32_t)rep->kept + rep->moved + rep->added + rep->lost == fw->n ||
                  !(rep->kept | rep->moved | rep->added | rep->lost | rep->removed | rep->resized)) &&
                     rep->resized <= fw->n && rep->removed <= CAP,
                 "DONE: kept %u + moved %u + added %u + lost %u is not the %u containers", rep->kept,
                 rep->moved, rep->added, rep->lost, fw->n);
    else if (rc == PRAM_MIGRATE_ABANDONED)
        FZ_CHECK((uint32_t)rep->lost == fw->n, "ABANDONED: lost %u of %u", rep->lost, fw->n);
    check_directory(fw);
    memcpy(snapshot, image, image_len);
    s0 = pram_test_stores;
    rc = run(fw, span, &r2);
    crit_ok();
    FZ_CHECK(rc == PRAM_MIGRATE_SAME, "the run after a migration: %s", pram_strerror(rc));
    FZ_CHECK(pram_test_stores == s0 && !memcmp(snapshot, image, image_len),
             "a run that found the placement recorded stored something");
}

/* ---- Image mode ----------------------------------------------------------------- */

static const char *const pool[MAXN] = {"a_first", "boot", "crash", "dns", "events", "log", "metrics", "zz_last"};

static uint32_t target_hash(const uint32_t *ent, uint32_t n)
{
    uint32_t h = pram_crc32(0u, &n, 4u);
    return pram_crc32(h, ent, 8u * n);
}

static void image_mode(fz_in_t *in)
{
    static const spec_t fixed[] = {{"boot", CELL, 8u, 1u, PRAM_AB},
                                   {"crash", CELL, 32u, 1u, PRAM_SINGLE},
                                   {"log", BUF, 256u, 1u, PRAM_BUF_RING},
                                   {"metrics", CELL, 16u, 1u, PRAM_AB}};
    static fw_t fw;
    unsigned extra = fz_u8(in) % 64u, flags = fz_u8(in), i;
    uint32_t span, dir[DIR_VALUE / 4u], oldn = 0, newent[2u * MAXN], target, plan;
    uint8_t slot[12u + DIR_VALUE];
    pram_migrate_report_t rep;
    int rc;
    memset(&fw, 0, sizeof fw);
    fw.n = 4u;
    memcpy(fw.spec, fixed, sizeof fixed);
    image_len = 2048u;
    image = (uint8_t *)malloc(image_len);
    fw_build(&fw);
    span = fw.end + 4u * extra;
    free(image);
    /* Exactly the span: ASan catches any access past it. */
    image_len = span;
    image = (uint8_t *)malloc(image_len);
    fw_build(&fw);
    if (flags & 1u) {
        fz_take(in, image, span);
    } else {
        uint64_t g = fz_u8(in) + 1u;
        test_fill_random(image, span, &g);
        if (flags & 0x80u)
            memset(image, 0, span);
    }
    /* This table's directory as the run will compute it (the target). */
    for (i = 0; i < fw.n; i++) {
        newent[2u * i] = name_hash(fw.spec[i].name);
        newent[2u * i + 1u] = (uint32_t)((uint8_t *)(fw.cell[i].addr ? fw.cell[i].addr : fw.def[i].addr) - image) / 4u |
                              (storage_of(&fw.spec[i]) / 4u) << 16;
    }
    target = target_hash(newent, fw.n);
    memset(dir, 0, sizeof dir);
    if (flags & 2u) { /* a directory with a valid CRC */
        unsigned cnt = fz_u8(in) % (CAP + 2u);
        dir[0] = cnt;
        oldn = cnt <= CAP ? cnt : 0u;
        for (i = 0; i < cnt && i < CAP; i++) {
            unsigned h = fz_u8(in), o = fz_u8(in);
            dir[1u + 2u * i] = h < 0xC0u ? name_hash(pool[h % MAXN]) : fz_u32(in);
            if (o < 0x40u && i < fw.n) /* where this table has one of them */
                dir[2u + 2u * i] = newent[2u * (o % fw.n) + 1u] + (uint32_t)(fz_u8(in) % 5u) - 2u;
            else if (o < 0xF0u)
                dir[2u + 2u * i] = (SYS / 4u + fz_u16(in) % (span / 4u)) | (fz_u8(in) % 96u) << 16;
            else
                dir[2u + 2u * i] = fz_u32(in);
        }
        if (flags & 4u) /* exactly this placement */
            memcpy(dir + 1, newent, 8u * fw.n), dir[0] = fw.n, oldn = fw.n;
        ref_craft_layout(slot, ref_layout_kind(12u, DIR_VALUE, REF_KIND_REGION, (uint16_t)DIR_SCHEMA), 0u, dir);
        memcpy(image + DIR_AT, slot, 12u + DIR_VALUE);
    }
    plan = pram_crc32(target, dir, 4u + 8u * oldn);
    for (i = 0; i < 2u; i++) {
        uint32_t j[4];
        unsigned sel;
        if (!(flags & (8u << i)))
            continue;
        /* This firmware's journal (its target, the plan over the directory
         * above), another firmware's over the same directory (another
         * target, the plan that goes with it), or anything.  Never this
         * plan with another target: the library writes plan and target
         * together, and only a forged CRC could part them. */
        sel = fz_u8(in);
        if ((sel & 3u) == 0u) {
            j[1] = target;
            j[0] = plan;
        } else if ((sel & 3u) == 1u) {
            j[1] = fz_u32(in);
            j[0] = pram_crc32(j[1], dir, 4u + 8u * oldn);
        } else {
            j[1] = fz_u32(in);
            j[0] = fz_u32(in);
        }
        j[2] = (uint32_t)(fz_u8(in) % 5u) << 24 | (fz_u8(in) % 8u);
        j[3] = (sel & 4u) ? fz_u32(in) : fz_u8(in) % 64u;
        ref_craft_layout(slot, ref_layout_kind(12u, 16u, REF_KIND_REGION, (uint16_t)JOURNAL_SCHEMA),
                         (uint16_t)fz_u16(in), j);
        memcpy(image + 28u * i, slot, 28u);
    }
    mem.phys = image;
    mem.phys_len = image_len;
    fz_window(image, span);
    rc = run(&fw, span, &rep);
    after_run(&fw, span, rc, &rep);
    fz_window(NULL, 0u);
    free(image);
    image = NULL;
}

/* ---- History mode ------------------------------------------------------------------ */

#define IMG 2048u
#define MAXHELD 256u

/* Values a name held, with the layout they were written in. */
typedef struct {
    uint32_t n;
    uint32_t layout[MAXHELD];
    uint8_t v[MAXHELD][40];
} held_t;
static held_t held[MAXN];

static uint32_t layout_of(const pram_cell_t *c)
{
    return ref_layout(c->value_offset, c->size, c->schema);
}

static void hold(unsigned name, uint32_t layout, const uint8_t *v, uint32_t size)
{
    held_t *h = &held[name];
    uint32_t i;
    for (i = 0; i < h->n; i++)
        if (h->layout[i] == layout && !memcmp(h->v[i], v, size))
            return;
    if (h->n < MAXHELD) {
        h->layout[h->n] = layout;
        memset(h->v[h->n], 0, 40u);
        memcpy(h->v[h->n], v, size);
        h->n++;
    }
}

static int was_held(int name, uint32_t layout, const uint8_t *v, uint32_t size)
{
    uint32_t i, k;
    for (k = 0; k < MAXN; k++) {
        if (name >= 0 && (int)k != name)
            continue;
        for (i = 0; i < held[k].n; i++)
            if (held[k].layout[i] == layout && !memcmp(held[k].v[i], v, size))
                return 1;
    }
    return 0;
}

static unsigned pool_index(const char *name)
{
    unsigned i;
    for (i = 0; i < MAXN; i++)
        if (!strcmp(pool[i], name))
            return i;
    return 0;
}

/* No word of a value within three bit flips of the commit magic. */
static void sanitize(uint8_t *v, uint32_t len)
{
    uint32_t i, w;
    for (i = 0; i + 4u <= len; i += 4u) {
        memcpy(&w, v + i, 4u);
        if (__builtin_popcount(w ^ PRAM_MAGIC_CELL) <= 3)
            v[i] ^= 0x0Fu;
    }
}

static void gen_spec(fz_in_t *in, fw_t *fw)
{
    static const uint32_t csize[8] = {4u, 8u, 12u, 16u, 20u, 24u, 32u, 40u};
    static const uint32_t bsize[4] = {32u, 64u, 96u, 128u};
    unsigned i, b;
    fw->n = 0;
    for (i = 0; i < MAXN; i++) {
        spec_t *s;
        b = fz_u8(in);
        if (!(b & 1u))
            continue;
        s = &fw->spec[fw->n++];
        s->name = pool[i];
        s->schema = (uint16_t)(1u + ((b >> 6) & 1u));
        switch ((b >> 1) & 3u) {
        case 0: s->kind = CELL; s->mode = PRAM_SINGLE; s->size = csize[(b >> 3) & 7u]; break;
        case 3: s->kind = BUF; s->mode = PRAM_BUF_RING; s->size = bsize[(b >> 3) & 3u]; break;
        default: s->kind = CELL; s->mode = PRAM_AB; s->size = csize[(b >> 3) & 7u]; break;
        }
    }
}

/* A bit may flip anywhere in the span except bits 0-12 (the span) of a
 * layout word: of the journal's and the directory's slots, and of every
 * container of the generation that just ran. */
static int span_bit(const fw_t *fw, uint32_t byte, unsigned bit)
{
    uint32_t lw[4u + 2u * MAXN], n = 0, i;
    lw[n++] = 8u;
    lw[n++] = 28u + 8u;
    lw[n++] = DIR_AT + 8u;
    for (i = 0; i < fw->n; i++) {
        uint32_t at = (uint32_t)((uint8_t *)(fw->spec[i].kind == CELL ? fw->cell[i].addr : fw->def[i].addr) - image);
        uint32_t ss = fw->spec[i].kind == CELL ? 12u + fw->spec[i].size : 24u;
        lw[n++] = at + 8u;
        if (fw->spec[i].kind == BUF || fw->spec[i].mode == PRAM_AB)
            lw[n++] = at + ss + 8u;
    }
    for (i = 0; i < n; i++)
        if (byte == lw[i] || (byte == lw[i] + 1u && bit <= 4u))
            return 1;
    return 0;
}

typedef struct {
    const fw_t *fw;
    uint32_t span;
    pram_migrate_report_t rep;
    int rc;
} mig_t;

static void mig_fn(void *ctx)
{
    mig_t *m = (mig_t *)ctx;
    m->rc = run(m->fw, m->span, &m->rep);
}

/* Orphans.  A run that starts with no valid directory after a placement was
 * recorded, because a bit flip damaged the directory, returns FIRST:
 * without a directory containers check themselves where they are
 * (documented), and the bytes of the containers the lost directory named
 * are owned by nothing, so a container may later find one of their slots.
 * From such a run on, a value read is only required to be one that some
 * container of its layout held.  (A directory lost to a cut migration and
 * another firmware is not this case: that run abandons and zeroes the whole
 * span; nor is anything without damage.)  PRAM_FUZZ_MIGRATE_STRICT=1 in the
 * environment keeps the strict check even then. */
static int orphans, strict;

static void check_cells(const fw_t *fw, int rc)
{
    uint8_t v[48], o[48];
    uint32_t i;
    for (i = 0; i < fw->n; i++) {
        const spec_t *s = &fw->spec[i];
        int st;
        if (s->kind == BUF) {
            pram_buf_t b = PRAM_BUF_INIT(&fw->def[i]);
            st = pram_buf_open(&b);
            FZ_CHECK(fz_rc_in(st, 3, PRAM_BUF_INTACT, PRAM_BUF_COLD, PRAM_BUF_REFORMED), "buffer %s opens %s",
                     s->name, pram_strerror(st));
            if (rc == PRAM_MIGRATE_ABANDONED)
                FZ_CHECK(st == PRAM_BUF_COLD, "abandoned, yet buffer %s opens %s", s->name, pram_strerror(st));
            continue;
        }
        st = pram_cell_get(&fw->cell[i], v, s->size);
        FZ_CHECK(st == fz_cell_oracle(&mem, &fw->cell[i], o), "cell %s: get %s, its bytes say otherwise",
                 s->name, pram_strerror(st));
        if (st != PRAM_OK)
            continue;
        FZ_CHECK(rc != PRAM_MIGRATE_ABANDONED, "abandoned, yet cell %s reads a value", s->name);
        if (rc == PRAM_MIGRATE_FIRST || orphans)
            FZ_CHECK(was_held(-1, layout_of(&fw->cell[i]), v, s->size),
                     "no directory: cell %s reads a value no container of its layout ever held", s->name);
        else
            FZ_CHECK(was_held((int)pool_index(s->name), layout_of(&fw->cell[i]), v, s->size),
                     "after %s, cell %s reads a value that %s never held", pram_strerror(rc), s->name, s->name);
        hold(pool_index(s->name), layout_of(&fw->cell[i]), v, s->size);
    }
}

static void use_cells(fz_in_t *in, const fw_t *fw, uint64_t *g)
{
    uint8_t v[48];
    uint32_t i;
    for (i = 0; i < fw->n; i++) {
        const spec_t *s = &fw->spec[i];
        unsigned c = fz_u8(in);
        if (s->kind == BUF) {
            pram_buf_t b = PRAM_BUF_INIT(&fw->def[i]);
            unsigned k;
            (void)pram_buf_open(&b);
            for (k = 0; k < (c & 3u); k++) {
                uint32_t len = (uint32_t)(test_rand(g) % 24u);
                test_fill_random(v, len, g);
                sanitize(v, len);
                (void)pram_buf_append(&b, v, len);
            }
            continue;
        }
        if ((c & 3u) == 0u)
            continue;
        if ((c & 3u) == 3u) {
            FZ_CHECK(pram_cell_invalidate(&fw->cell[i]) == PRAM_OK, "invalidate");
            continue;
        }
        test_fill_random(v, s->size, g);
        v[0] = (uint8_t)c;
        sanitize(v, s->size);
        FZ_CHECK(pram_cell_set(&fw->cell[i], v, s->size) == PRAM_OK, "set");
        hold(pool_index(s->name), layout_of(&fw->cell[i]), v, s->size);
        if ((c & 3u) == 2u) { /* and again: an A/B cell's other slot */
            v[1] ^= 0x40u;
            sanitize(v, s->size);
            FZ_CHECK(pram_cell_set(&fw->cell[i], v, s->size) == PRAM_OK, "set");
            hold(pool_index(s->name), layout_of(&fw->cell[i]), v, s->size);
        }
    }
    crit_ok();
}

static void history_mode(fz_in_t *in)
{
    static fw_t gens[4];
    unsigned ngen = 2u + fz_u8(in) % 3u, g = 0, attempts = 0, flips = 0, recorded = 0;
    int dir_before;
    uint64_t prng = 0x5EEDull;
    memset(held, 0, sizeof held);
    orphans = 0;
    strict = getenv("PRAM_FUZZ_MIGRATE_STRICT") != NULL;
    image_len = IMG;
    image = (uint8_t *)malloc(IMG);
    memset(image, 0xA5, IMG); /* power-on garbage, not the fuzzer's */
    mem.phys = image;
    mem.phys_len = IMG;
    for (g = 0; g < ngen; g++) {
        unsigned shrink;
        memset(&gens[g], 0, sizeof gens[g]);
        gen_spec(in, &gens[g]);
        fw_build(&gens[g]);
        /* .noinit may end before the memory does (a firmware's own,
         * fixed): what lies past it is .data/.bss, written by startup code
         * at every boot before the migration runs. */
        shrink = fz_u8(in);
        gens[g].span = IMG;
        if (shrink >= 0xC0u && gens[g].end + 8u * (shrink & 0x3Fu) < IMG)
            gens[g].span = gens[g].end + 8u * (shrink & 0x3Fu);
    }
    g = 0;
    while (g < ngen && attempts++ < 8u) {
        fw_t *fw = &gens[g];
        unsigned cut = fz_u8(in), tear = fz_u8(in) & 15u;
        uint32_t span = fw->span, i;
        mig_t m;
        memset(image + span, 0x5A, IMG - span);
        if (fz_trace)
            fprintf(stderr, "boot gen %u (n %u end %u) span %u cut %u tear %u\n", g, fw->n, fw->end, span,
                    cut < 0x60u ? 1u + cut : 0u, tear);
        if (fz_trace) {
            uint8_t j[16];
            unsigned k;
            for (k = 0; k < 2u; k++) {
                int st = fz_kind_oracle(&mem, 28u * k, PRAM__KIND_REGION, 16u, (uint16_t)JOURNAL_SCHEMA, j);
                fprintf(stderr, "  journal slot %u: %s seq %u", k, pram_strerror(st), rd32(image + 28u * k + 4u) & 0xFFFFu);
                if (st == PRAM_OK)
                    fprintf(stderr, " plan %08x target %08x step %08x progress %u", rd32(j), rd32(j + 4), rd32(j + 8),
                            rd32(j + 12));
                fprintf(stderr, "\n");
            }
            fprintf(stderr, "  directory: %s\n",
                    pram_strerror(fz_kind_oracle(&mem, DIR_AT, PRAM__KIND_REGION, DIR_VALUE, (uint16_t)DIR_SCHEMA, NULL)));
        }
        dir_before = fz_kind_oracle(&mem, DIR_AT, PRAM__KIND_REGION, DIR_VALUE, (uint16_t)DIR_SCHEMA, NULL) ==
                     PRAM_OK;
        if (!dir_before && recorded && flips && !strict)
            orphans = 1;
        fz_window(image, span);
        m.fw = fw;
        m.span = span;
        m.rc = 99;
        if (cut < 0x60u ? run_cut(mig_fn, &m, 1u + cut, tear) : (mig_fn(&m), 0)) {
            /* Power failed mid-migration: the same firmware boots again, or
             * (an update flashed meanwhile) the next one. */
            fz_window(NULL, 0u);
            if (fz_u8(in) & 1u)
                g++;
            continue;
        }
        after_run(fw, span, m.rc, &m.rep);
        if (fz_trace)
            fprintf(stderr, "  -> %s kept %u moved %u added %u removed %u lost %u\n", pram_strerror(m.rc),
                    m.rep.kept, m.rep.moved, m.rep.added, m.rep.removed, m.rep.lost);
        recorded = 1;
        check_cells(fw, m.rc);
        use_cells(in, fw, &prng);
        fz_window(NULL, 0u);
        /* Damage between boots: at most three single bits in all. */
        for (i = fz_u8(in) % 4u; i > 0u && flips < 3u; i--) {
            uint32_t byte = fz_u16(in) % span;
            unsigned bit = fz_u8(in) & 7u;
            if (span_bit(fw, byte, bit))
                continue;
            image[byte] ^= (uint8_t)(1u << bit);
            flips++;
            if (fz_trace)
                fprintf(stderr, "  flip byte %u bit %u\n", byte, bit);
        }
        g++;
    }
    free(image);
    image = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in_t in = {data, size};
    unsigned mode = fz_u8(&in);
    fz_init();
    memset(&mem, 0, sizeof mem);
    mem.kind = FZ_MEM;
    pram_test_crit_depth = 0u;
    pram_test_crit_errors = 0u;
    fz_where = mode & 1u ? "history" : "image";
    if (mode & 1u)
        history_mode(&in);
    else
        image_mode(&in);
    fz_window(NULL, 0u);
    fz_where = "";
    return 0;
}
