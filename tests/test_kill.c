/* Cross-process reboots (issue 3, part 2): SIGKILL a writer at random moments.
 *
 * The persistent region is a file mapped MAP_SHARED (pram_host_map), so every
 * process is a boot and a killed process leaves exactly the bytes it stored.
 * It holds six cells (single and A/B, 4 to 256 bytes) and a record buffer at
 * fixed offsets, with zero guard gaps between them.
 *
 * Each round:
 *   1. fork a writer: it maps the file, opens the buffer and loops forever
 *      over random operations (set, edit scope keep/zeroed/aborted,
 *      invalidate, append, clear).  Every operation gets a fresh counter value
 *      and every value it stores is derived from that counter, so a value
 *      names the operation that wrote it.  Before an operation the writer logs
 *      an INTENT entry, after it a COMMIT entry (with the return code).  The
 *      log is a shared anonymous mapping written with plain stores, sealed
 *      entry by entry (the seal word is written last), so logging costs a few
 *      nanoseconds and kills land inside library calls, not in syscalls;
 *   2. the parent sleeps a random 0-3 ms and SIGKILLs it;
 *   3. the parent replays the log into its model: committed operations are
 *      applied (and their return codes checked), a trailing INTENT without
 *      COMMIT is the operation in flight;
 *   4. a fresh process maps the file and validates every container against
 *      the model: each cell reads its committed value or, if the operation in
 *      flight targets it, the new value (single-slot: or invalid); never a
 *      value never written; A/B never invalid after a commit unless the last
 *      committed operation invalidated it; the buffer opens INTACT and holds
 *      exactly the records committed since the last committed clear, in order,
 *      plus possibly the one in flight (or none after a clear in flight); the
 *      guard gaps are still zero.  It reports what it saw through shared
 *      memory and exits 0/1;
 *   5. the parent adopts what was seen (validated) as the model; the next
 *      writer continues from that state: it is a reboot.
 *
 * Environment: PRAM_KILL_SEED (replays the operation sequences and the kill
 * delays; the exact instant a kill lands depends on scheduling),
 * PRAM_KILL_COUNT (kills, default 1000 in every variant: about 3 s, 6 s under
 * ASan).  The run stops at 60 s once at least 1000 kills (or PRAM_KILL_COUNT
 * if lower) are done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pram/pram.h"
#include "pram/pram_host.h"
#include "test_support.h"

/* ---- Layout ----------------------------------------------------------------- */

typedef struct { uint8_t b[7]; } k7_t;
typedef struct { uint32_t w[6]; } k24_t;
typedef struct { uint8_t b[100]; } k100_t;
typedef struct { uint8_t b[201]; } k201_t;
typedef struct { uint8_t b[256]; } k256_t;

PRAM_CELL_DECLARE_IN(kc_u32, uint32_t, 1, PRAM_SINGLE);
PRAM_CELL_DECLARE_IN(kc_b7, k7_t, 2, PRAM_AB);
PRAM_CELL_DECLARE_IN(kc_w24, k24_t, 3, PRAM_SINGLE);
PRAM_CELL_DECLARE_IN(kc_b100, k100_t, 4, PRAM_AB);
PRAM_CELL_DECLARE_IN(kc_b201, k201_t, 5, PRAM_SINGLE);
PRAM_CELL_DECLARE_IN(kc_b256, k256_t, 6, PRAM_AB);

#define GAP 16u /* zero guard bytes before, between and after containers */
#define OFF_U32 GAP
#define OFF_B7 (OFF_U32 + PRAM_CELL_SIZE(kc_u32) + GAP)
#define OFF_W24 (OFF_B7 + PRAM_CELL_SIZE(kc_b7) + GAP)
#define OFF_B100 (OFF_W24 + PRAM_CELL_SIZE(kc_w24) + GAP)
#define OFF_B201 (OFF_B100 + PRAM_CELL_SIZE(kc_b100) + GAP)
#define OFF_B256 (OFF_B201 + PRAM_CELL_SIZE(kc_b201) + GAP)
#define OFF_BUF (OFF_B256 + PRAM_CELL_SIZE(kc_b256) + GAP)
#define BUF_CAP 512u
#define BUF_STORAGE PRAM_BUF_STORAGE_SIZE(BUF_CAP)
#define REGION_SIZE (OFF_BUF + BUF_STORAGE + GAP)

static pram_region_t kill_region = PRAM_REGION(0, REGION_SIZE, 0, 0); /* base set per boot */

PRAM_CELL_DEFINE_IN(kc_u32, &kill_region, OFF_U32);
PRAM_CELL_DEFINE_IN(kc_b7, &kill_region, OFF_B7);
PRAM_CELL_DEFINE_IN(kc_w24, &kill_region, OFF_W24);
PRAM_CELL_DEFINE_IN(kc_b100, &kill_region, OFF_B100);
PRAM_CELL_DEFINE_IN(kc_b201, &kill_region, OFF_B201);
PRAM_CELL_DEFINE_IN(kc_b256, &kill_region, OFF_B256);

static const pram_buf_def_t kb_def = PRAM_BUF_DEF_IN(&kill_region, OFF_BUF, BUF_STORAGE, 7);
static pram_buf_t kb = PRAM_BUF_INIT(&kb_def);

/* ---- Values: everything stored is a function of (container, counter) ----- */

static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Pattern `salt` of container `who` for counter ctr; counter in the first 4
 * bytes (when they exist) so a value names the operation that wrote it. */
static void pattern(uint32_t salt, unsigned who, uint32_t ctr, uint8_t *out, size_t n)
{
    uint64_t s = mix64(((uint64_t)salt << 40) ^ ((uint64_t)who << 32) ^ ctr), w = 0;
    size_t j;
    for (j = 0; j < n; j++) {
        if ((j & 7u) == 0)
            w = mix64(s + j);
        out[j] = (uint8_t)(w >> (8u * (j & 7u)));
    }
    if (n >= 4)
        put_le32(out, salt == 1u ? ctr : ~ctr);
}

#define SALT_VALUE 1u   /* set / zeroed edit                     */
#define SALT_MASK 2u    /* xor mask of a keep edit               */
#define SALT_JUNK 3u    /* written into an edit that is aborted  */
#define SALT_RECORD 4u  /* record payload                        */

static void value_of(unsigned cell, uint32_t ctr, uint8_t *out, size_t n)
{
    pattern(SALT_VALUE, cell, ctr, out, n);
}

static void xor_mask(unsigned cell, uint32_t ctr, uint8_t *v, size_t n)
{
    uint8_t m[256];
    size_t j;
    pattern(SALT_MASK, cell, ctr, m, n);
    m[0] |= 1u; /* never the identity */
    for (j = 0; j < n; j++)
        v[j] ^= m[j];
}

static uint32_t record_len(uint32_t ctr)
{
    return 4u + (uint32_t)(mix64((uint64_t)ctr * 3u + 7u) % 61u);
}

static void record_of(uint32_t ctr, uint8_t *out)
{
    pattern(SALT_RECORD, 99u, ctr, out, record_len(ctr));
    put_le32(out, ctr);
}

/* ---- Cells: typed edit scopes through the public macros ------------------- */

#define KILL_EDIT_FNS(name)                                                            \
    static int name##_keep_op(unsigned idx, uint32_t ctr)                              \
    {                                                                                  \
        int rc = -100;                                                                 \
        PRAM_EDIT(name, e, rc) { xor_mask(idx, ctr, (uint8_t *)e.value, sizeof *e.value); } \
        return rc;                                                                     \
    }                                                                                  \
    static int name##_zero_op(unsigned idx, uint32_t ctr)                              \
    {                                                                                  \
        int rc = -100;                                                                 \
        PRAM_EDIT_ZEROED(name, e, rc) { value_of(idx, ctr, (uint8_t *)e.value, sizeof *e.value); } \
        return rc;                                                                     \
    }                                                                                  \
    static int name##_abort_op(unsigned idx, uint32_t ctr)                             \
    {                                                                                  \
        int rc = -100;                                                                 \
        PRAM_EDIT_ZEROED(name, e, rc)                                                  \
        {                                                                              \
            pattern(SALT_JUNK, idx, ctr, (uint8_t *)e.value, sizeof *e.value);         \
            PRAM_EDIT_ABORT(e);                                                        \
        }                                                                              \
        return rc;                                                                     \
    }

KILL_EDIT_FNS(kc_u32)
KILL_EDIT_FNS(kc_b7)
KILL_EDIT_FNS(kc_w24)
KILL_EDIT_FNS(kc_b100)
KILL_EDIT_FNS(kc_b201)
KILL_EDIT_FNS(kc_b256)

typedef int (*edit_fn)(unsigned idx, uint32_t ctr);
typedef struct {
    const char *name;
    const pram_cell_t *cell;
    edit_fn keep, zero, abort_;
} kcell_t;

#define KCELL(name) { #name, &name, name##_keep_op, name##_zero_op, name##_abort_op }
static const kcell_t cells[] = {KCELL(kc_u32),  KCELL(kc_b7),   KCELL(kc_w24),
                                KCELL(kc_b100), KCELL(kc_b201), KCELL(kc_b256)};
#define NCELLS (sizeof cells / sizeof cells[0])
#define MAXV 256u
#define MAXREC (BUF_CAP / PRAM_BUF_RECORD_HEADER)

/* ---- The log: sealed entries in shared memory ------------------------------ */

enum { K_INTENT = 1, K_COMMIT = 2 };
enum { OP_OPEN = 1, OP_SET, OP_KEEP, OP_ZERO, OP_ABORT, OP_INVAL, OP_APPEND, OP_CLEAR, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"?",     "open",   "set",    "edit-keep", "edit-zero",
                                               "edit-abort", "invalidate", "append", "clear"};

typedef struct {
    uint32_t kind, op, target, ctr;
    int32_t rc;
    uint32_t aux;
    uint32_t seal; /* written last: the entry exists once it matches */
    uint32_t pad;
} logent_t;

#define LOG_CAP (1u << 17)
static logent_t *log_area; /* shared anonymous mapping, LOG_CAP entries */

static uint32_t seal_of(uint32_t round, uint32_t idx, uint32_t kind, uint32_t op, uint32_t target,
                        uint32_t ctr, int32_t rc, uint32_t aux)
{
    uint64_t h = mix64(((uint64_t)round << 32) | idx);
    h = mix64(h ^ ((uint64_t)kind << 48) ^ ((uint64_t)op << 40) ^ ((uint64_t)target << 32) ^ ctr);
    h = mix64(h ^ ((uint64_t)(uint32_t)rc << 32) ^ aux);
    return (uint32_t)h | 1u; /* a zeroed entry never matches */
}

static uint32_t w_round, w_idx; /* writer side */

static void log_put(uint32_t kind, uint32_t op, uint32_t target, uint32_t ctr, int32_t rc, uint32_t aux)
{
    volatile logent_t *e = (volatile logent_t *)&log_area[w_idx];
    if (w_idx >= LOG_CAP - 1u) { /* full: wait to be killed (does not happen at 0-3 ms) */
        for (;;)
            pause();
    }
    e->kind = kind;
    e->op = op;
    e->target = target;
    e->ctr = ctr;
    e->rc = rc;
    e->aux = aux;
    PRAM_COMPILER_BARRIER();
    e->seal = seal_of(w_round, w_idx, kind, op, target, ctr, rc, aux);
    PRAM_COMPILER_BARRIER();
    w_idx++;
}

/* ---- Writer process ---------------------------------------------------------- */

static char region_path[512];

static void *boot_map(void)
{
    void *base = pram_host_map(region_path, REGION_SIZE, NULL);
    if (base)
        kill_region.base = base;
    return base;
}

static void writer(uint32_t round, uint32_t ctr, uint64_t rng)
{
    int force_clear = 0;
    (void)alarm(60); /* a lost writer cannot outlive the test */
    w_round = round;
    w_idx = 0;
    if (!boot_map())
        _exit(3);
    log_put(K_INTENT, OP_OPEN, 0, ctr, 0, 0);
    {
        int rc = pram_buf_open(&kb);
        int n = pram_buf_count(&kb);
        log_put(K_COMMIT, OP_OPEN, 0, ctr, rc, (uint32_t)n);
    }
    for (;;) {
        uint32_t r = (uint32_t)(test_rand(&rng) >> 32);
        uint32_t pick = r % 100u, op, target = (r >> 8) % (uint32_t)NCELLS;
        uint32_t aux = 0;
        int rc;
        const kcell_t *k = &cells[target];
        ctr++;
        if (force_clear)
            op = OP_CLEAR;
        else if (pick < 26u)
            op = OP_SET;
        else if (pick < 36u)
            op = OP_KEEP;
        else if (pick < 43u)
            op = OP_ZERO;
        else if (pick < 47u)
            op = OP_ABORT;
        else if (pick < 53u)
            op = OP_INVAL;
        else if (pick < 96u)
            op = OP_APPEND;
        else
            op = OP_CLEAR;
        if (op == OP_APPEND || op == OP_CLEAR)
            target = 0;
        log_put(K_INTENT, op, target, ctr, 0, 0);
        switch (op) {
        case OP_SET: {
            uint8_t v[MAXV];
            value_of(target, ctr, v, k->cell->size);
            rc = pram_cell_set(k->cell, v, k->cell->size);
            break;
        }
        case OP_KEEP:
            rc = k->keep(target, ctr);
            break;
        case OP_ZERO:
            rc = k->zero(target, ctr);
            break;
        case OP_ABORT:
            rc = k->abort_(target, ctr);
            break;
        case OP_INVAL:
            rc = pram_cell_invalidate(k->cell);
            break;
        case OP_APPEND: {
            uint8_t p[80];
            record_of(ctr, p);
            rc = pram_buf_append(&kb, p, record_len(ctr));
            force_clear = rc == PRAM_ERR_NO_SPACE; /* full: the next operation clears */
            aux = (uint32_t)pram_buf_count(&kb);
            break;
        }
        default:
            rc = pram_buf_clear(&kb);
            force_clear = 0;
            break;
        }
        log_put(K_COMMIT, op, target, ctr, rc, aux);
    }
}

/* ---- Model ---------------------------------------------------------------------- */

typedef struct {
    int valid;
    uint8_t v[MAXV];
} cstate_t;

typedef struct {
    cstate_t cell[NCELLS];
    int formatted; /* the buffer's first format committed */
    uint32_t nrec;
    uint32_t rec[MAXREC]; /* counters of the committed records, in order */
} model_t;

typedef struct {
    int active;
    uint32_t op, target, ctr;
} pending_t;

/* What the validator saw, and its verdict (shared anonymous mapping). */
typedef struct {
    int done;
    int violations;
    cstate_t cell[NCELLS];
    uint32_t nrec;
    uint32_t rec[MAXREC];
    int outcome; /* in-flight op: 0 none, 1 old state, 2 new state, 3 invalid (torn) */
    char msg[1024];
} obs_t;

static model_t model;
static pending_t pend;
static obs_t *obs;

static uint32_t used_bytes(const uint32_t *rec, uint32_t n)
{
    uint32_t i, u = 0;
    for (i = 0; i < n; i++)
        u += PRAM_BUF_RECORD_SPACE(record_len(rec[i]));
    return u;
}

static int is_ab(unsigned i)
{
    return cells[i].cell->mode == PRAM_AB;
}

/* The state a cell has after op (ctr) commits on top of `old`; returns 0 if
 * the op cannot produce a new value (a keep edit of an invalid cell). */
static int cell_after(unsigned i, uint32_t op, uint32_t ctr, const cstate_t *old, cstate_t *out)
{
    size_t n = cells[i].cell->size;
    *out = *old;
    switch (op) {
    case OP_SET:
    case OP_ZERO:
        out->valid = 1;
        value_of(i, ctr, out->v, n);
        return 1;
    case OP_KEEP:
        if (!old->valid)
            return 0;
        xor_mask(i, ctr, out->v, n);
        return 1;
    case OP_ABORT:
        if (!is_ab(i))
            out->valid = 0;
        return 1;
    case OP_INVAL:
        out->valid = 0;
        return 1;
    default:
        return 0;
    }
}

static int expected_rc(uint32_t op, unsigned i, int rc)
{
    switch (op) {
    case OP_KEEP:
        return model.cell[i].valid ? PRAM_OK : PRAM_ERR_INVALID;
    case OP_ABORT:
        return PRAM_EDIT_ABORTED; /* documented result of PRAM_EDIT_ABORT */
    default:
        (void)rc;
        return PRAM_OK;
    }
}

/* Figures */
static unsigned long st_kills, st_violations, st_rc_mismatch, st_ops, st_inflight,
    st_inflight_old, st_inflight_new, st_inflight_torn, st_boot_kills, st_writer_died;
static unsigned long st_inflight_op[OP_COUNT];
static char first_msg[2048];

static void note(const char *fmt, ...)
{
    va_list ap;
    size_t l = strlen(first_msg);
    if (l + 2 >= sizeof first_msg)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(first_msg + l, sizeof first_msg - l, fmt, ap);
    va_end(ap);
}

/* Replays one round's log into the model.  Returns the number of problems. */
static int replay(uint32_t round, uint32_t *next_ctr)
{
    uint32_t i;
    int bad = 0;
    pend.active = 0;
    for (i = 0; i < LOG_CAP; i++) {
        const logent_t *e = &log_area[i];
        if (e->seal != seal_of(round, i, e->kind, e->op, e->target, e->ctr, e->rc, e->aux))
            break;
        if (e->ctr >= *next_ctr)
            *next_ctr = e->ctr + 1u;
        if (e->kind == K_INTENT) {
            if (pend.active)
                return note("round %u: log: two intents\n", round), bad + 1;
            pend.active = 1, pend.op = e->op, pend.target = e->target, pend.ctr = e->ctr;
            continue;
        }
        if (!pend.active || pend.op != e->op || pend.target != e->target || pend.ctr != e->ctr)
            return note("round %u: log: commit without its intent\n", round), bad + 1;
        pend.active = 0;
        st_ops++;
        if (e->op == OP_OPEN) {
            int want = model.formatted ? PRAM_BUF_INTACT : PRAM_BUF_COLD;
            if (e->rc != want || (model.formatted && e->aux != model.nrec)) {
                note("round %u: writer open: rc %d count %u, expected rc %d count %u\n", round,
                     e->rc, e->aux, want, model.nrec);
                bad++;
            }
            if (!model.formatted)
                model.nrec = 0;
            model.formatted = 1;
        } else if (e->op == OP_APPEND) {
            uint32_t len = record_len(e->ctr);
            int fits = used_bytes(model.rec, model.nrec) + PRAM_BUF_RECORD_SPACE(len) <= BUF_CAP;
            if (e->rc != (fits ? PRAM_OK : PRAM_ERR_NO_SPACE)) {
                note("round %u: append ctr %u: rc %d, model says %s\n", round, e->ctr, e->rc,
                     fits ? "fits" : "no space");
                bad++;
            }
            if (e->rc == PRAM_OK && model.nrec < MAXREC)
                model.rec[model.nrec++] = e->ctr;
            if (e->aux != model.nrec) {
                note("round %u: after append ctr %u the writer counts %u records, model %u\n",
                     round, e->ctr, e->aux, model.nrec);
                bad++;
            }
        } else if (e->op == OP_CLEAR) {
            if (e->rc != PRAM_OK)
                note("round %u: clear: rc %d\n", round, e->rc), bad++;
            else
                model.nrec = 0;
        } else {
            unsigned t = e->target;
            int want = expected_rc(e->op, t, e->rc);
            cstate_t next;
            if (e->rc != want) {
                if (st_rc_mismatch++ == 0)
                    note("round %u: %s %s ctr %u returned %d, expected %d (%s)\n", round,
                         op_names[e->op], cells[t].name, e->ctr, e->rc, want,
                         want == PRAM_EDIT_ABORTED ? "PRAM_EDIT_ABORTED" : pram_strerror(want));
            }
            if (e->rc >= 0 && cell_after(t, e->op, e->ctr, &model.cell[t], &next))
                model.cell[t] = next;
        }
    }
    return bad;
}

/* ---- Validator process -------------------------------------------------------- */

static void vnote(const char *fmt, ...)
{
    va_list ap;
    size_t l = strlen(obs->msg);
    obs->violations++;
    if (l + 2 >= sizeof obs->msg)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(obs->msg + l, sizeof obs->msg - l, fmt, ap);
    va_end(ap);
}

static int same_state(const cstate_t *a, const cstate_t *b, size_t n)
{
    return a->valid == b->valid && (!a->valid || memcmp(a->v, b->v, n) == 0);
}

static void validate_cells(void)
{
    unsigned i;
    for (i = 0; i < NCELLS; i++) {
        const pram_cell_t *c = cells[i].cell;
        size_t n = c->size;
        cstate_t seen, alt;
        int st = pram_cell_status(c), rc, has_new = 0, ok;
        memset(&seen, 0, sizeof seen);
        rc = pram_cell_get(c, seen.v, n);
        if (rc != st)
            vnote("%s: status %d but get %d\n", cells[i].name, st, rc);
        if (rc != PRAM_OK && rc != PRAM_ERR_INVALID)
            vnote("%s: get returned %d (%s)\n", cells[i].name, rc, pram_strerror(rc));
        seen.valid = rc == PRAM_OK;
        obs->cell[i] = seen;
        ok = same_state(&seen, &model.cell[i], n);
        if (pend.active && pend.target == i && pend.op >= OP_SET && pend.op <= OP_INVAL) {
            has_new = cell_after(i, pend.op, pend.ctr, &model.cell[i], &alt);
            if (ok)
                obs->outcome = 1;
            else if (has_new && same_state(&seen, &alt, n))
                ok = 1, obs->outcome = alt.valid ? 2 : 3;
            else if (!is_ab(i) && !seen.valid && pend.op != OP_INVAL && has_new)
                ok = 1, obs->outcome = 3; /* single-slot write cut part-way */
        }
        if (!ok) {
            if (!seen.valid)
                vnote("%s (%s): reads invalid (%d), committed state is %s; in flight: %s\n",
                      cells[i].name, is_ab(i) ? "A/B" : "single", rc,
                      model.cell[i].valid ? "valid" : "invalid",
                      pend.active ? op_names[pend.op] : "none");
            else
                vnote("%s (%s): reads a value never committed (first word %08x; committed %s %08x)"
                      "; in flight: %s on %s\n",
                      cells[i].name, is_ab(i) ? "A/B" : "single",
                      n >= 4 ? get_le32(seen.v) : seen.v[0],
                      model.cell[i].valid ? "valid" : "invalid",
                      n >= 4 ? get_le32(model.cell[i].v) : model.cell[i].v[0],
                      pend.active ? op_names[pend.op] : "none",
                      pend.active && pend.op >= OP_SET && pend.op <= OP_INVAL ? cells[pend.target].name : "-");
        }
    }
}

static int same_list(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0);
}

static void validate_buffer(void)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t p[PRAM_RECORD_MAX_SIZE > 128u ? 128u : PRAM_RECORD_MAX_SIZE], want[80];
    uint32_t n = 0, with_new[MAXREC + 1];
    int rc = pram_buf_open(&kb), cnt;
    if (model.formatted ? rc != PRAM_BUF_INTACT : (rc != PRAM_BUF_COLD && rc != PRAM_BUF_INTACT))
        vnote("buffer: open %d, expected %s\n", rc, model.formatted ? "INTACT" : "COLD or INTACT");
    if (rc < 0)
        return;
    while ((rc = pram_buf_next(&kb, &it, &r)) == 1) {
        int len = pram_buf_read(&kb, &r, p, sizeof p);
        uint32_t ctr;
        if (len < 4 || n >= MAXREC) {
            vnote("buffer: record %u has length %d\n", n, len);
            break;
        }
        ctr = get_le32(p);
        record_of(ctr, want);
        if ((uint32_t)len != record_len(ctr) || memcmp(p, want, (size_t)len) != 0) {
            vnote("buffer: record %u (len %d) is not a record ever written\n", n, len);
            break;
        }
        obs->rec[n++] = ctr;
    }
    if (rc < 0)
        vnote("buffer: next returned %d after %u records\n", rc, n);
    cnt = pram_buf_count(&kb);
    if (cnt != (int)n)
        vnote("buffer: count %d but %u records iterated\n", cnt, n);
    obs->nrec = n;
    if (same_list(obs->rec, n, model.rec, model.formatted ? model.nrec : 0u)) {
        if (pend.active && (pend.op == OP_APPEND || pend.op == OP_CLEAR || pend.op == OP_OPEN))
            obs->outcome = 1;
        return;
    }
    if (pend.active && pend.op == OP_APPEND && model.nrec < MAXREC) {
        memcpy(with_new, model.rec, model.nrec * sizeof *with_new);
        with_new[model.nrec] = pend.ctr;
        if (same_list(obs->rec, n, with_new, model.nrec + 1u)) {
            obs->outcome = 2;
            return;
        }
    }
    if (pend.active && pend.op == OP_CLEAR && n == 0) {
        obs->outcome = 2;
        return;
    }
    vnote("buffer: %u records (first ctr %u, last %u), committed list has %u (first %u, last %u)%s%s\n",
          n, n ? obs->rec[0] : 0u, n ? obs->rec[n - 1u] : 0u, model.nrec,
          model.nrec ? model.rec[0] : 0u, model.nrec ? model.rec[model.nrec - 1u] : 0u,
          pend.active ? "; in flight: " : "", pend.active ? op_names[pend.op] : "");
}

static void validator(void)
{
    const uint8_t *b;
    uint32_t i, gaps[][2] = {{0, OFF_U32},
                             {OFF_U32 + PRAM_CELL_SIZE(kc_u32), OFF_B7},
                             {OFF_B7 + PRAM_CELL_SIZE(kc_b7), OFF_W24},
                             {OFF_W24 + PRAM_CELL_SIZE(kc_w24), OFF_B100},
                             {OFF_B100 + PRAM_CELL_SIZE(kc_b100), OFF_B201},
                             {OFF_B201 + PRAM_CELL_SIZE(kc_b201), OFF_B256},
                             {OFF_B256 + PRAM_CELL_SIZE(kc_b256), OFF_BUF},
                             {OFF_BUF + BUF_STORAGE, REGION_SIZE}};
    (void)alarm(60);
    memset(obs, 0, sizeof *obs);
    b = (const uint8_t *)boot_map();
    if (!b) {
        vnote("validator: cannot map %s\n", region_path);
        _exit(1);
    }
    for (i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
        uint32_t j;
        for (j = gaps[i][0]; j < gaps[i][1]; j++)
            if (b[j]) {
                vnote("guard byte at %u is %02x: a store outside every container\n", j, b[j]);
                break;
            }
    }
    validate_cells();
    validate_buffer();
    obs->done = 1;
    _exit(obs->violations ? 1 : 0);
}

/* ---- Driver --------------------------------------------------------------------- */

static unsigned long env_ul(const char *name, unsigned long dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtoul(s, NULL, 0) : dflt;
}

static double now_s(void)
{
    struct timespec t;
    (void)clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int region_reset(void)
{
    int fd = open(region_path, O_RDWR);
    int ok = fd >= 0 && ftruncate(fd, 0) == 0 && ftruncate(fd, REGION_SIZE) == 0;
    if (fd >= 0)
        (void)close(fd);
    memset(&model, 0, sizeof model);
    return ok;
}

static void kill_reboot(void **state)
{
    uint64_t seed = env_ul("PRAM_KILL_SEED", 0x6B696C6C5EEDull), rng;
    unsigned long target = env_ul("PRAM_KILL_COUNT", 1000ul);
    unsigned long min_kills = target < 1000ul ? target : 1000ul;
    const char *tmp = getenv("TMPDIR");
    double t0 = now_s(), elapsed;
    uint32_t round = 0, next_ctr = 1;
    int fd;
    (void)state;
    rng = seed;
    (void)snprintf(region_path, sizeof region_path, "%s/pram_kill_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    fd = mkstemp(region_path);
    assert_true(fd >= 0);
    (void)close(fd);
    log_area = (logent_t *)mmap(NULL, LOG_CAP * sizeof(logent_t), PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    obs = (obs_t *)mmap(NULL, sizeof(obs_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(log_area != MAP_FAILED && obs != MAP_FAILED);
    assert_true(region_reset());
    printf("kill: seed PRAM_KILL_SEED=0x%llx, %lu kills requested, region %u bytes in %s\n",
           (unsigned long long)seed, target, (unsigned)REGION_SIZE, region_path);
    fflush(stdout);

    while (st_kills < target) {
        pid_t w, v;
        int status, bad;
        struct timespec d;
        uint32_t delay_us;
        if (now_s() - t0 > 60.0 && st_kills >= min_kills)
            break;
        round++;
        delay_us = (uint32_t)(test_rand(&rng) % 3001u);
        fflush(stdout);
        fflush(stderr);
        w = fork();
        assert_true(w >= 0);
        if (w == 0)
            writer(round, next_ctr, seed ^ mix64(round));
        d.tv_sec = 0;
        d.tv_nsec = (long)delay_us * 1000L;
        while (nanosleep(&d, &d) != 0 && errno == EINTR)
            ;
        (void)kill(w, SIGKILL);
        while (waitpid(w, &status, 0) < 0 && errno == EINTR)
            ;
        st_kills++;
        bad = 0;
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            st_writer_died++;
            note("round %u: writer ended by itself (status 0x%x)\n", round, status);
            bad++;
        }
        bad += replay(round, &next_ctr);
        next_ctr += 2u;
        if (pend.active) {
            st_inflight++;
            st_inflight_op[pend.op]++;
        }
        if (!model.formatted || (pend.active && pend.op == OP_OPEN))
            st_boot_kills++;
        v = fork();
        assert_true(v >= 0);
        if (v == 0)
            validator();
        while (waitpid(v, &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !obs->done || obs->violations) {
            bad++;
            note("round %u (kill after %u us, in flight: %s ctr %u): validator status 0x%x, %d "
                 "violations:\n%s",
                 round, delay_us, pend.active ? op_names[pend.op] : "none", pend.ctr, status,
                 obs->violations, obs->msg);
        }
        if (bad) {
            st_violations += (unsigned long)bad;
            assert_true(region_reset()); /* start over from zeroed RAM */
            continue;
        }
        if (pend.active) {
            if (obs->outcome == 2)
                st_inflight_new++;
            else if (obs->outcome == 3)
                st_inflight_torn++;
            else
                st_inflight_old++;
        }
        /* Adopt what the validator saw: it is one of the allowed states. */
        memcpy(model.cell, obs->cell, sizeof model.cell);
        model.formatted = 1;
        model.nrec = obs->nrec;
        memcpy(model.rec, obs->rec, sizeof model.rec);
    }
    elapsed = now_s() - t0;
    (void)unlink(region_path);
    (void)munmap(log_area, LOG_CAP * sizeof(logent_t));
    (void)munmap(obs, sizeof(obs_t));
    printf("kill: %lu kills, %lu violations, %lu unexpected return codes, seed 0x%llx, %.1f s\n",
           st_kills, st_violations, st_rc_mismatch, (unsigned long long)seed, elapsed);
    printf("kill: %lu operations committed; killed with an operation in flight %lu times "
           "(old state kept %lu, new state %lu, single-slot torn -> invalid %lu); during first "
           "boot/format %lu\n",
           st_ops, st_inflight, st_inflight_old, st_inflight_new, st_inflight_torn, st_boot_kills);
    printf("kill: in flight by operation:");
    {
        int o;
        for (o = 1; o < OP_COUNT; o++)
            printf(" %s %lu", op_names[o], st_inflight_op[o]);
    }
    printf("\n");
    if (first_msg[0])
        printf("kill: first problems (replay with PRAM_KILL_SEED=0x%llx):\n%s",
               (unsigned long long)seed, first_msg);
    fflush(stdout);
    assert_true(st_kills >= min_kills);
    assert_int_equal(st_violations, 0);
    assert_int_equal(st_rc_mismatch, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(kill_reboot)};
    return cmocka_run_group_tests_name("kill", tests, NULL, NULL);
}
