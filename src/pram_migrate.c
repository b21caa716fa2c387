/* pram — moving containers to where a new firmware placed them.
 *
 * The system area: an A/B journal cell, then a single-slot directory cell
 * ({count, entries sorted by offset}: name hash, offset and size in words
 * from the system area's start).  The directory says where the previous
 * firmware had its containers; it is rewritten only once this firmware's
 * placement is in effect.  A migration is a fixed plan computed from the old
 * directory and this firmware's table, so a reset at any store can resume
 * it: the journal records the plan's hash and how far it got.
 *
 * Order: moves (containers moving down, lowest first; then those moving up,
 * highest first: with the containers' order unchanged, no move overwrites
 * bytes a later move still needs); then the release pass (zero every word
 * of the old containers that holds nothing now); then the directory. */
#include "pram/pram_migrate.h"

#include "pram_cell_internal.h"

#define JOURNAL_SCHEMA 0xFE01u
#define DIR_SCHEMA (0xD000u + (uint32_t)PRAM_MIGRATE_CAPACITY)
#define JOURNAL_BYTES 56u /* two slots of 12 + 16 */
#define DIR_VALUE_BYTES (4u + 8u * (uint32_t)PRAM_MIGRATE_CAPACITY)
#define SYS_WORDS (PRAM_MIGRATE_SYSTEM_SIZE / 4u)
#define MAX_WORDS 0x10000u /* offsets and sizes are 16-bit word counts */

#define PHASE_MOVE 0u
#define PHASE_RELEASE 1u
#define PHASE_RECORD 2u
#define PHASE_ABANDON 3u /* releasing everything: redone until recorded */

PRAM_STATIC_ASSERT(PRAM_MIGRATE_CAPACITY >= 1u && PRAM_MIGRATE_CAPACITY <= 255u,
                   PRAM_MIGRATE_CAPACITY_is_1_to_255);

typedef struct {
    uint32_t plan;     /* hash of (new directory, old directory)        */
    uint32_t target;   /* hash of the new directory alone               */
    uint32_t step;     /* phase << 24 | index of the next move          */
    uint32_t progress; /* words of that move done                       */
} journal_t;

typedef struct {
    uint32_t hash;
    uint32_t off, size; /* words from the system area's start */
} entry_t;

/* Everything one run works from; the new entries are this firmware's table
 * sorted by address (order[]), their name hashes in hash[]. */
typedef struct {
    uintptr_t sys;
    uint32_t span; /* words from sys that are pram's to write */
    const pram_container_t *tab;
    uint32_t n;
    uint8_t order[PRAM_MIGRATE_CAPACITY];
    uint32_t hash[PRAM_MIGRATE_CAPACITY];
    uintptr_t old; /* the old directory's value, 0 if none */
    uint32_t old_n;
    uint8_t match[PRAM_MIGRATE_CAPACITY]; /* by sorted position: old index + 1, or 0 */
    int moves_ok;  /* 0: the plan would overwrite a source: no moves */
    pram_cell_t jc, dc;
} run_t;

static uint32_t name_hash(const char *s)
{
    uint32_t len = 0u;
    while (len < 64u && s[len])
        len++;
    return pram_crc32(0u, s, len);
}

static void new_entry(const run_t *r, uint32_t i, entry_t *e)
{
    const pram_container_t *c = &r->tab[r->order[i]];
    e->hash = r->hash[r->order[i]];
    e->off = (uint32_t)(((uintptr_t)c->storage - r->sys) / 4u);
    e->size = c->size / 4u;
}

/* Old entry j, raw. */
static void old_raw(const run_t *r, uint32_t j, entry_t *e)
{
    uintptr_t p = r->old + 4u + 8u * j;
    uint32_t w = pram__load32(NULL, p + 4u);
    e->hash = pram__load32(NULL, p);
    e->off = w & 0xFFFFu;
    e->size = w >> 16;
}

/* Old entry j, if it can be moved: it lies wholly in what is pram's to
 * touch now. */
static int old_entry(const run_t *r, uint32_t j, entry_t *e)
{
    old_raw(r, j, e);
    return e->size != 0u && e->off >= SYS_WORDS && e->off + e->size <= r->span;
}

/* Old entry j clipped to the span, for releasing: a container that ran
 * past a .noinit that shrank still has its first bytes inside. */
static int old_extent(const run_t *r, uint32_t j, entry_t *e)
{
    old_raw(r, j, e);
    if (e->size == 0u || e->off < SYS_WORDS || e->off >= r->span)
        return 0;
    if (e->size > r->span - e->off)
        e->size = r->span - e->off;
    return 1;
}

/* The old entry of the container at sorted position i, if it had one. */
static int old_of(const run_t *r, uint32_t i, entry_t *e)
{
    return r->match[i] && old_entry(r, r->match[i] - 1u, e);
}

static void match_old(run_t *r)
{
    entry_t t, f;
    uint32_t i, j;
    for (i = 0; i < r->n; i++) {
        new_entry(r, i, &t);
        r->match[i] = 0u;
        for (j = 0; j < r->old_n && !r->match[i]; j++)
            if (old_entry(r, j, &f) && f.hash == t.hash)
                r->match[i] = (uint8_t)(j + 1u);
    }
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* Move k of the plan: downward movers in ascending order, then upward
 * movers in descending order.  Fills src, dst, len (words); 0 past the end. */
static int move_at(const run_t *r, uint32_t k, entry_t *from, entry_t *to)
{
    uint32_t pass, i, seen = 0u;
    for (pass = 0; pass < 2u; pass++) {
        for (i = 0; i < r->n; i++) {
            uint32_t at = pass ? r->n - 1u - i : i;
            new_entry(r, at, to);
            if (!old_of(r, at, from) || from->off == to->off ||
                (pass == 0u) != (to->off < from->off))
                continue;
            if (seen++ == k)
                return 1;
        }
    }
    return 0;
}

static int overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a < b + blen && b < a + alen;
}

/* No move may write bytes a later move still has to read. */
static int plan_is_safe(const run_t *r)
{
    entry_t f, t, f2, t2;
    uint32_t k, m;
    for (k = 0; move_at(r, k, &f, &t); k++)
        for (m = k + 1u; move_at(r, m, &f2, &t2); m++)
            if (overlaps(t.off, min_u32(f.size, t.size), f2.off, min_u32(f2.size, t2.size)))
                return 0;
    return 1;
}

static int journal_set(const run_t *r, uint32_t plan, uint32_t target, uint32_t step, uint32_t progress)
{
    journal_t j;
    j.plan = plan;
    j.target = target;
    j.step = step;
    j.progress = progress;
    return pram__cell_set(&r->jc, &j);
}

static void store_if_changed(uintptr_t p, uint32_t v)
{
    if (pram__load32(NULL, p) != v)
        pram__store32(NULL, p, v);
}

/* One move, resumable: chunks no longer than the distance moved, so that a
 * chunk never overwrites its own source words, each followed by a journal
 * commit of the progress. */
static int do_move(const run_t *r, uint32_t plan, uint32_t target, uint32_t k, uint32_t done,
                   const entry_t *f, const entry_t *t)
{
    uint32_t len = min_u32(f->size, t->size), up = t->off > f->off;
    uint32_t dist = up ? t->off - f->off : f->off - t->off;
    uint32_t chunk = min_u32(dist, len), i, c;
    uintptr_t src = r->sys + 4u * f->off, dst = r->sys + 4u * t->off;
    int rc = PRAM_OK;
    while (done < len && rc == PRAM_OK) {
        c = min_u32(chunk, len - done);
        for (i = 0; i < c; i++) {
            uint32_t w = up ? len - 1u - done - i : done + i;
            store_if_changed(dst + 4u * w, pram__load32(NULL, src + 4u * w));
        }
        pram__committed(NULL, dst + 4u * (up ? len - done - c : done), 4u * c);
        done += c;
        rc = done < len ? journal_set(r, plan, target, (PHASE_MOVE << 24) | k, done)
                        : journal_set(r, plan, target, (PHASE_MOVE << 24) | (k + 1u), 0u);
    }
    return rc;
}

/* Words of the container at sorted position i that hold its own bytes
 * after the moves (none when abandoning, or when its move was refused). */
static uint32_t live_words(const run_t *r, uint32_t i, int keep_live)
{
    entry_t t, f;
    new_entry(r, i, &t);
    if (!keep_live || !old_of(r, i, &f) || (!r->moves_ok && f.off != t.off))
        return 0u;
    return min_u32(f.size, t.size);
}

/* Zero every word of [off, off + size) outside the live ranges (which are
 * sorted by offset and disjoint): one pass over the range. */
static void release(const run_t *r, uint32_t off, uint32_t size, int keep_live)
{
    uint32_t w = off, end = off + size, i, a, b;
    entry_t t;
    for (i = 0; i <= r->n && w < end; i++) {
        if (i < r->n) {
            new_entry(r, i, &t);
            a = t.off;
            b = t.off + live_words(r, i, keep_live);
        } else {
            a = b = end;
        }
        for (; w < end && w < a; w++)
            store_if_changed(r->sys + 4u * w, 0u);
        if (w < b)
            w = b;
    }
    pram__committed(NULL, r->sys + 4u * off, 4u * size);
}

static void release_old(const run_t *r, int keep_live)
{
    entry_t f;
    uint32_t j;
    for (j = 0; j < r->old_n; j++)
        if (old_extent(r, j, &f))
            release(r, f.off, f.size, keep_live);
}

/* The directory, written through an edit so no copy of it sits on the stack. */
static int record(const run_t *r)
{
    pram_edit_t e;
    entry_t t;
    uintptr_t v;
    uint32_t i;
    int rc = pram__cell_edit_begin(&r->dc, &e, PRAM_EDIT_ZERO);
    if (rc)
        return rc;
    v = (uintptr_t)e.value;
    pram__store32(NULL, v, r->n);
    for (i = 0; i < r->n; i++) {
        new_entry(r, i, &t);
        pram__store32(NULL, v + 4u + 8u * i, t.hash);
        pram__store32(NULL, v + 8u + 8u * i, t.off | t.size << 16);
    }
    return pram__edit_commit_on(&r->dc, &e);
}

/* Hash of the new directory (target), and of it followed by the old one. */
static uint32_t hash_new(const run_t *r)
{
    uint32_t h = pram_crc32(0u, &r->n, 4u), i, w[2];
    entry_t t;
    for (i = 0; i < r->n; i++) {
        new_entry(r, i, &t);
        w[0] = t.hash;
        w[1] = t.off | t.size << 16;
        h = pram_crc32(h, w, 8u);
    }
    return h;
}

static int same_placement(const run_t *r)
{
    entry_t t, f;
    uint32_t i;
    if (r->old_n != r->n)
        return 0;
    for (i = 0; i < r->n; i++) {
        new_entry(r, i, &t);
        if (!old_entry(r, i, &f) || f.hash != t.hash || f.off != t.off || f.size != t.size)
            return 0;
    }
    return 1;
}

/* Whether the old directory names hash at all, in range or not. */
static int old_names(const run_t *r, uint32_t hash)
{
    uint32_t j;
    for (j = 0; j < r->old_n; j++)
        if (pram__load32(NULL, r->old + 4u + 8u * j) == hash)
            return 1;
    return 0;
}

static void count(const run_t *r, pram_migrate_report_t *rep)
{
    entry_t t, f;
    uint32_t i, j, h;
    for (i = 0; i < r->n; i++) {
        new_entry(r, i, &t);
        if (!old_of(r, i, &f)) {
            /* Named before but out of reach (past this .noinit's end):
             * lost; never named: added. */
            if (old_names(r, t.hash))
                rep->lost++;
            else
                rep->added++;
            continue;
        }
        if (f.size != t.size)
            rep->resized++;
        if (f.off == t.off)
            rep->kept++;
        else if (r->moves_ok)
            rep->moved++;
        else
            rep->lost++;
    }
    for (j = 0; j < r->old_n; j++) {
        h = pram__load32(NULL, r->old + 4u + 8u * j);
        for (i = 0; i < r->n && r->hash[i] != h; i++) {
        }
        if (i == r->n)
            rep->removed++;
    }
}

/* Check the table and sort it by address; nothing is written before this
 * has passed. */
static int prepare(run_t *r, const pram_migration_t *m)
{
    uint32_t i, j, end;
    uintptr_t a;
    if (!m || !m->system || (m->count && !m->containers))
        return PRAM_ERR_NULL;
    if (m->count > PRAM_MIGRATE_CAPACITY)
        return PRAM_ERR_TOO_LARGE;
    r->sys = (uintptr_t)m->system;
    if (r->sys & 3u)
        return PRAM_ERR_ALIGN;
    r->span = (uint32_t)(m->span / 4u);
    if (r->span > MAX_WORDS || r->span < SYS_WORDS)
        return PRAM_ERR_RANGE;
    r->tab = m->containers;
    r->n = m->count;
    for (i = 0; i < r->n; i++) {
        const pram_container_t *c = &r->tab[i];
        if (!c->name || !c->storage)
            return PRAM_ERR_NULL;
        a = (uintptr_t)c->storage;
        if ((a & 3u) || (c->size & 3u))
            return PRAM_ERR_ALIGN;
        if (a < r->sys + PRAM_MIGRATE_SYSTEM_SIZE || c->size == 0u || c->size > 4u * r->span ||
            (a - r->sys) / 4u > r->span - c->size / 4u)
            return PRAM_ERR_RANGE;
        r->hash[i] = name_hash(c->name);
        /* Insertion sort by address, checking overlap and names. */
        for (j = i; j > 0 && (uintptr_t)r->tab[r->order[j - 1u]].storage > a; j--)
            r->order[j] = r->order[j - 1u];
        r->order[j] = (uint8_t)i;
        for (j = 0; j < i; j++) {
            if (r->hash[j] == r->hash[i])
                return PRAM_ERR_DESC;
            end = (uint32_t)((uintptr_t)r->tab[j].storage - r->sys) / 4u;
            if (overlaps((uint32_t)(a - r->sys) / 4u, c->size / 4u, end, r->tab[j].size / 4u))
                return PRAM_ERR_OVERLAP;
        }
    }
    pram__header_cell(&r->jc, m->system, NULL, 0u, PRAM__KIND_REGION, (uint16_t)sizeof(journal_t),
                      (uint16_t)JOURNAL_SCHEMA, PRAM_AB);
    pram__header_cell(&r->dc, (void *)(r->sys + JOURNAL_BYTES), NULL, 0u, PRAM__KIND_REGION,
                      (uint16_t)DIR_VALUE_BYTES, (uint16_t)DIR_SCHEMA, PRAM_SINGLE);
    r->old = 0u;
    r->old_n = 0u;
    if (pram__cell_status(&r->dc) == PRAM_OK) {
        r->old = r->sys + JOURNAL_BYTES + 12u;
        r->old_n = pram__load32(NULL, r->old);
        if (r->old_n > PRAM_MIGRATE_CAPACITY)
            r->old_n = 0u, r->old = 0u;
    }
    match_old(r);
    return PRAM_OK;
}

static int finish(const run_t *r, pram_migrate_report_t *report, const pram_migrate_report_t *rep,
                  int rc, int result)
{
    (void)r;
    if (report) { /* field by field: a struct copy is a memcpy call on Armv6-M */
        report->kept = rep->kept;
        report->moved = rep->moved;
        report->resized = rep->resized;
        report->added = rep->added;
        report->removed = rep->removed;
        report->lost = rep->lost;
    }
    return rc ? rc : result;
}

/* Release every byte of the span after the system area (where the
 * interrupted migration left bytes is not known: only zeroing all of them
 * keeps a later container from reading another's), then record this
 * placement.  The journal says so first: until the record is done, every
 * boot (of any firmware) abandons again, so none ever takes the bytes for a
 * migration to resume. */
static int abandon(const run_t *r, pram_migrate_report_t *report, pram_migrate_report_t *rep,
                   uint32_t target)
{
    int rc = journal_set(r, 0u, target, PHASE_ABANDON << 24, 0u);
    if (rc == PRAM_OK) {
        release(r, SYS_WORDS, r->span - SYS_WORDS, 0);
        rc = record(r);
    }
    if (rc == PRAM_OK)
        rc = journal_set(r, 0u, target, PHASE_RECORD << 24, 0u);
    rep->lost = (uint16_t)r->n;
    return finish(r, report, rep, rc, PRAM_MIGRATE_ABANDONED);
}

int pram_migrate_run(const pram_migration_t *m, pram_migrate_report_t *report)
{
    run_t r;
    journal_t j;
    entry_t f, t;
    pram_migrate_report_t rep;
    uint32_t target, plan, phase, k, done;
    int rc, have_j;
    /* The journal is an A/B cell. */
    if (!PRAM_ENABLE_AB)
        return m ? PRAM_ERR_DESC : PRAM_ERR_NULL;
    rc = prepare(&r, m);
    if (rc)
        return rc;
    rep.kept = rep.moved = rep.resized = rep.added = rep.removed = rep.lost = 0u;
    have_j = pram__cell_get(&r.jc, &j) == PRAM_OK;
    target = hash_new(&r);
    r.moves_ok = 1;
    if (have_j && (j.step >> 24) == PHASE_ABANDON)
        return abandon(&r, report, &rep, target);
    if (!r.old) {
        /* No directory: the first boot with migration, or a cold one (no
         * journal either: containers validate themselves, as without
         * migration); a cut while the directory was being rewritten at the
         * end of this very migration (the journal says so: finish it); or
         * anything else (another firmware's migration, cut while it wrote
         * its directory; damage): where bytes came from is unknown, so this
         * placement's bytes are released. */
        if (have_j && (j.step >> 24) == PHASE_RECORD && j.target == target) {
            rc = record(&r);
            return finish(&r, report, &rep, rc, PRAM_MIGRATE_DONE);
        }
        if (!have_j) {
            rc = record(&r);
            return finish(&r, report, &rep, rc, PRAM_MIGRATE_FIRST);
        }
        return abandon(&r, report, &rep, target);
    }
    plan = pram_crc32(target, (const void *)r.old, 4u + 8u * r.old_n);
    /* Another firmware's migration, cut part-way — moving or releasing, or
     * done with both but cut before its directory's first store (the
     * journal's target is not the directory here): its moves may have put
     * anything anywhere. */
    if (have_j && j.plan != plan &&
        ((j.step >> 24) < PHASE_RECORD ||
         ((j.step >> 24) == PHASE_RECORD && j.target != pram_crc32(0u, (const void *)r.old, 4u + 8u * r.old_n))))
        return abandon(&r, report, &rep, target);
    if (same_placement(&r)) {
        rep.kept = (uint16_t)r.n;
        return finish(&r, report, &rep, PRAM_OK, PRAM_MIGRATE_SAME);
    }
    r.moves_ok = plan_is_safe(&r);
    count(&r, &rep);
    phase = PHASE_MOVE, k = 0u, done = 0u;
    if (have_j && j.plan == plan) {
        phase = j.step >> 24;
        k = j.step & 0xFFFFFFu;
        done = j.progress;
    } else {
        rc = journal_set(&r, plan, target, PHASE_MOVE << 24, 0u);
    }
    if (phase == PHASE_MOVE && r.moves_ok) {
        for (; rc == PRAM_OK && move_at(&r, k, &f, &t); k++, done = 0u) {
            if (done > min_u32(f.size, t.size))
                done = 0u; /* a damaged journal cannot be trusted past the move */
            rc = do_move(&r, plan, target, k, done, &f, &t);
        }
    }
    if (rc == PRAM_OK && phase <= PHASE_RELEASE) {
        if (phase < PHASE_RELEASE)
            rc = journal_set(&r, plan, target, PHASE_RELEASE << 24, 0u);
        if (rc == PRAM_OK)
            release_old(&r, 1);
        if (rc == PRAM_OK)
            rc = journal_set(&r, plan, target, PHASE_RECORD << 24, 0u);
    }
    if (rc == PRAM_OK)
        rc = record(&r);
    return finish(&r, report, &rep, rc, PRAM_MIGRATE_DONE);
}

/* ---- The linker's table and the built-in system area ------------------------ */

#if defined(PRAM_GNU_ATTRIBUTES) && defined(__ELF__)
/* ld defines these for an output section named pram_containers (and for
 * the input sections of that name when the script does not place them). */
extern const pram_container_t __start_pram_containers[] __attribute__((weak));
extern const pram_container_t __stop_pram_containers[] __attribute__((weak));
extern char __pram_noinit_end[] __attribute__((weak));

/* First in .noinit (ld/pram_noinit.ld places it before every container). */
static uint32_t pram__system[PRAM_MIGRATE_SYSTEM_SIZE / 4u]
    __attribute__((section(".noinit.pram_system"), aligned(8)));

const pram_container_t *pram_containers(uint32_t *count)
{
    /* A pointer difference, not a division: no libgcc call on Armv6-M. */
    const pram_container_t *a = __start_pram_containers, *b = __stop_pram_containers;
    if (count)
        *count = a && b > a ? (uint32_t)(b - a) : 0u;
    return a;
}

int pram_migrate(pram_migrate_report_t *report)
{
    pram_migration_t m;
    uintptr_t end = (uintptr_t)__pram_noinit_end, sys = (uintptr_t)pram__system;
    uint32_t i;
    m.system = pram__system;
    m.containers = pram_containers(&m.count);
    if (end <= sys) { /* a script without pram_noinit.ld: up to the last container */
        for (i = 0, end = sys + PRAM_MIGRATE_SYSTEM_SIZE; i < m.count; i++)
            if ((uintptr_t)m.containers[i].storage + m.containers[i].size > end)
                end = (uintptr_t)m.containers[i].storage + m.containers[i].size;
    }
    m.span = (uint32_t)(end - sys);
    return pram_migrate_run(&m, report);
}
#else
const pram_container_t *pram_containers(uint32_t *count)
{
    if (count)
        *count = 0u;
    return NULL;
}

int pram_migrate(pram_migrate_report_t *report)
{
    (void)report;
    return PRAM_ERR_DESC;
}
#endif
