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
 * A second scenario (kill_ring) does the same with a ring buffer alone in
 * its own file: whole appends, records streamed in chunks (committed or
 * cancelled), fault-handler takeovers over an interrupted append, clear or
 * stream followed by a crash record, and clears; the ring wraps and drops
 * records all the time.  The writer logs each operation's resulting record
 * count and next sequence number; the validator checks that every record
 * is one that was written (bytes derived from its tag), with consecutive
 * sequence numbers, next and prev agreeing, and that they are the newest
 * committed records in order (see validate_ring).
 *
 * Environment: PRAM_KILL_SEED (replays the operation sequences and the kill
 * delays; the exact instant a kill lands depends on scheduling),
 * PRAM_KILL_COUNT (kills per scenario, default 1000 in every variant: about
 * 3 s each, 4 s under ASan).  Each scenario stops at 60 s once at least 1000
 * kills (or PRAM_KILL_COUNT if lower) are done. */
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
#include "power_cut.h"
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

/* The ring scenario's file: one ring buffer between two guard gaps.  Records
 * of 4 to RING_MAXLEN bytes: about a dozen per lap of the data area. */
#define RING_CAP 1024u
#define RING_STORAGE PRAM_BUF_STORAGE_SIZE(RING_CAP)
#define RING_OFF GAP
#define RING_REGION_SIZE (RING_OFF + RING_STORAGE + GAP)
#define RING_MAXLEN 200u
#define RING_MAXSPACE PRAM_BUF_RECORD_SPACE(RING_MAXLEN)
#define RING_MAXREC (RING_CAP / PRAM_BUF_RECORD_HEADER)

static pram_region_t ring_region = PRAM_REGION(0, RING_REGION_SIZE, 0, 0); /* base set per boot */
static const pram_buf_def_t kr_def = PRAM_BUF_DEF_RING_IN(&ring_region, RING_OFF, RING_STORAGE, 8);
static pram_buf_t kr = PRAM_BUF_INIT(&kr_def);

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
    uint32_t aux, aux2;
    uint32_t seal; /* written last: the entry exists once it matches */
} logent_t;

#define LOG_CAP (1u << 17)
static logent_t *log_area; /* shared anonymous mapping, LOG_CAP entries */

static uint32_t seal_of(uint32_t round, uint32_t idx, uint32_t kind, uint32_t op, uint32_t target,
                        uint32_t ctr, int32_t rc, uint32_t aux, uint32_t aux2)
{
    uint64_t h = mix64(((uint64_t)round << 32) | idx);
    h = mix64(h ^ ((uint64_t)kind << 48) ^ ((uint64_t)op << 40) ^ ((uint64_t)target << 32) ^ ctr);
    h = mix64(h ^ ((uint64_t)(uint32_t)rc << 32) ^ aux);
    h = mix64(h ^ aux2);
    return (uint32_t)h | 1u; /* a zeroed entry never matches */
}

/* The entry sealed at index i of this round's log, or NULL. */
static const logent_t *log_entry(uint32_t round, uint32_t i)
{
    const logent_t *e = &log_area[i];
    if (e->seal != seal_of(round, i, e->kind, e->op, e->target, e->ctr, e->rc, e->aux, e->aux2))
        return NULL;
    return e;
}

static uint32_t w_round, w_idx; /* writer side */

static void log_put2(uint32_t kind, uint32_t op, uint32_t target, uint32_t ctr, int32_t rc,
                     uint32_t aux, uint32_t aux2)
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
    e->aux2 = aux2;
    PRAM_COMPILER_BARRIER();
    e->seal = seal_of(w_round, w_idx, kind, op, target, ctr, rc, aux, aux2);
    PRAM_COMPILER_BARRIER();
    w_idx++;
}

static void log_put(uint32_t kind, uint32_t op, uint32_t target, uint32_t ctr, int32_t rc, uint32_t aux)
{
    log_put2(kind, op, target, ctr, rc, aux, 0u);
}

/* ---- Writer process ---------------------------------------------------------- */

static char region_path[512];

/* This process's boot: the file becomes region r's memory. */
static void *boot_map(pram_region_t *r)
{
    void *base = pram_host_map(region_path, r->size, NULL);
    if (base)
        r->base = base;
    return base;
}

static void writer(uint32_t round, uint32_t ctr, uint64_t rng)
{
    int force_clear = 0;
    (void)alarm(60); /* a lost writer cannot outlive the test */
    w_round = round;
    w_idx = 0;
    if (!boot_map(&kill_region))
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

/* ---- Ring scenario: writer ------------------------------------------------------ */

/* The writer appends whole records, streams records in chunks (committed or
 * cancelled part-way), plays a fault handler (an append or a clear cut after
 * a random store, or a record streamed part-way, then pram_buf_takeover and
 * a crash record), and rarely clears.  A record's payload is a function of
 * its tag, in its first 4 bytes: the operation's counter, | CRASH_TAG for
 * the crash record of a fault.  After each operation the writer logs the
 * record count and the handle's next sequence number: which records a ring
 * drops is its placement (test_ring.c checks it against a model); here the
 * count says it and the validator bounds it (ring_kept_enough). */
enum { R_OPEN = 1, R_APPEND, R_STREAM, R_CANCEL, R_FAULT, R_CLEAR, R_COUNT };
static const char *const r_names[R_COUNT] = {"?", "open", "append", "stream", "cancel", "fault", "clear"};
enum { FAULT_IN_APPEND, FAULT_IN_STREAM, FAULT_IN_CLEAR, FAULT_KINDS }; /* what it interrupted (target) */
#define CRASH_TAG 0x80000000u
#define PRESENT_BIT 0x10000u /* fault: the interrupted record is in the ring after all */
#define SALT_RING 5u

static uint32_t ring_len(uint32_t tag)
{
    uint64_t h = mix64((uint64_t)tag * 5u + 11u);
    switch (h % 16u) {
    case 0:
        return RING_MAXLEN;
    case 1:
        return 4u;
    default:
        return 4u + (uint32_t)((h >> 8) % 120u);
    }
}

static void ring_payload(uint32_t tag, uint8_t *out)
{
    pattern(SALT_RING, 98u, tag, out, ring_len(tag));
    put_le32(out, tag);
}

/* Streams record `tag` in chunks of 1-48 bytes, stopping after `upto` of its
 * bytes: PRAM_OK or the first error. */
static int stream_part(uint32_t tag, uint32_t upto, uint64_t *rng)
{
    uint8_t pay[RING_MAXLEN];
    uint32_t done = 0, len = ring_len(tag), k;
    int rc = pram_buf_begin(&kr);
    ring_payload(tag, pay);
    if (upto > len)
        upto = len;
    while (rc == PRAM_OK && done < upto) {
        k = 1u + (uint32_t)(test_rand(rng) % 48u);
        if (k > upto - done)
            k = upto - done;
        rc = pram_buf_write(&kr, pay + done, k);
        done += k;
    }
    return rc;
}

typedef struct {
    uint32_t tag;
} fault_append_t;

static void fault_append_op(void *p)
{
    const fault_append_t *x = (const fault_append_t *)p;
    uint8_t pay[RING_MAXLEN];
    ring_payload(x->tag, pay);
    (void)pram_buf_append(&kr, pay, ring_len(x->tag));
}

static void fault_clear_op(void *p)
{
    (void)p;
    (void)pram_buf_clear(&kr);
}

/* 1 if the record before the newest is the one tagged `tag`. */
static int second_newest_is(uint32_t tag)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t p[RING_MAXLEN];
    if (pram_buf_prev(&kr, &it, &r) != 1 || pram_buf_prev(&kr, &it, &r) != 1)
        return 0;
    return pram_buf_read(&kr, &r, p, sizeof p) >= 4 && get_le32(p) == tag;
}

static void ring_writer(uint32_t round, uint32_t ctr, uint64_t rng)
{
    uint8_t pay[RING_MAXLEN];
    (void)alarm(60); /* a lost writer cannot outlive the test */
    w_round = round;
    w_idx = 0;
    if (!boot_map(&ring_region))
        _exit(3);
    log_put(K_INTENT, R_OPEN, 0, ctr, 0, 0);
    {
        int rc = pram_buf_open(&kr);
        log_put2(K_COMMIT, R_OPEN, 0, ctr, rc, (uint32_t)pram_buf_count(&kr), kr.seq);
    }
    for (;;) {
        uint32_t r = (uint32_t)(test_rand(&rng) >> 32), pick = r % 1000u, op, target = 0, aux = 0;
        uint32_t len;
        int rc, trc;
        ctr++;
        len = ring_len(ctr);
        if (pick < 560u)
            op = R_APPEND;
        else if (pick < 800u)
            op = R_STREAM;
        else if (pick < 870u)
            op = R_CANCEL;
        else if (pick < 995u)
            op = R_FAULT;
        else
            op = R_CLEAR;
        if (op == R_FAULT)
            target = (r >> 12) % FAULT_KINDS;
        log_put(K_INTENT, op, target, ctr, 0, 0);
        switch (op) {
        case R_APPEND:
            ring_payload(ctr, pay);
            rc = pram_buf_append(&kr, pay, len);
            break;
        case R_STREAM:
            rc = stream_part(ctr, len, &rng);
            if (rc == PRAM_OK)
                rc = pram_buf_commit(&kr);
            break;
        case R_CANCEL:
            rc = stream_part(ctr, (uint32_t)(test_rand(&rng) % (len + 1u)), &rng);
            if (rc == PRAM_OK)
                rc = pram_buf_cancel(&kr);
            break;
        case R_FAULT:
            /* What the fault interrupted: an append or a clear cut right
             * after a random one of its stores (run_cut returns with memory
             * as that store left it, the handle still busy: where a fault
             * handler takes over), or a record streamed part-way. */
            if (target == FAULT_IN_APPEND) {
                fault_append_t x;
                x.tag = ctr;
                (void)run_cut(fault_append_op, &x, 1u + test_rand(&rng) % (len / 4u + 24u), 0u);
                rc = PRAM_OK;
            } else if (target == FAULT_IN_CLEAR) {
                (void)run_cut(fault_clear_op, NULL, 1u + test_rand(&rng) % 12u, 0u);
                rc = PRAM_OK;
            } else {
                rc = stream_part(ctr, (uint32_t)(test_rand(&rng) % (len + 1u)), &rng);
            }
            trc = pram_buf_takeover(&kr);
            ring_payload(ctr | CRASH_TAG, pay);
            if (rc == PRAM_OK && trc < 0)
                rc = trc;
            if (rc == PRAM_OK)
                rc = pram_buf_append(&kr, pay, ring_len(ctr | CRASH_TAG));
            if (rc == PRAM_OK && second_newest_is(ctr))
                aux = PRESENT_BIT;
            break;
        default:
            rc = pram_buf_clear(&kr);
            break;
        }
        log_put2(K_COMMIT, op, target, ctr, rc, aux | ((uint32_t)pram_buf_count(&kr) & 0xFFFFu), kr.seq);
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
    int outcome; /* in-flight op: 0 none, 1 old state, 2 new state, 3 invalid (torn);
                    ring: 3 records dropped and no new one, 4 cleared */
    /* ring scenario: the records seen, oldest first */
    uint32_t ring_n, ring_m; /* ring_m: how many of them the model had */
    uint32_t ring_tag[RING_MAXREC], ring_seq[RING_MAXREC];
    int ring_complete; /* they are every record committed since the last clear */
    int ring_wrapped;  /* some record lies before the one ahead of it */
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
        const logent_t *e = log_entry(round, i);
        if (!e)
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

/* ---- Ring scenario: model and replay -------------------------------------------- */

typedef struct {
    int formatted;
    int complete; /* holds every record committed since the last clear */
    int seq_known;
    uint32_t top_seq; /* the highest sequence number a committed record had */
    uint32_t n;   /* records held, oldest first: */
    uint32_t tag[RING_MAXREC + 2u], seq[RING_MAXREC + 2u];
} ring_model_t;

static ring_model_t rmodel;
static pending_t rpend;

/* Zeroed memory: nothing formatted, nothing dropped. */
static void ring_model_reset(void)
{
    memset(&rmodel, 0, sizeof rmodel);
    rmodel.complete = 1;
}

/* Figures */
static unsigned long rs_kills, rs_violations, rs_ops, rs_ops_by[R_COUNT], rs_drop_ops, rs_dropped,
    rs_present, rs_inflight, rs_inflight_op[R_COUNT], rs_old, rs_new, rs_drops_only, rs_cleared,
    rs_checked, rs_wrapped, rs_boot_kills, rs_fault_clears, rs_seq_reused;

static uint32_t ring_bytes(const uint32_t *tag, uint32_t n)
{
    uint32_t i, u = 0;
    for (i = 0; i < n; i++)
        u += PRAM_BUF_RECORD_SPACE(ring_len(tag[i]));
    return u;
}

/* What a ring that has dropped records still holds.  It drops the oldest
 * only until a record of `need` <= RING_MAXSPACE bytes fits at its tail or
 * at offset 0; the last record dropped was < RING_MAXSPACE, and the unused
 * end before a wrap < RING_MAXSPACE, so the records kept, the one added
 * included, fill more than RING_CAP - 2 * RING_MAXSPACE; a record cancelled
 * (or cut) after its drops takes another RING_MAXSPACE away.  A ring that
 * dropped more than that keeps fewer than the newest records it could. */
static int ring_kept_enough(const uint32_t *tag, uint32_t n)
{
    return ring_bytes(tag, n) + 3u * RING_MAXSPACE >= RING_CAP;
}

/* Sequence numbers never repeat over the buffer's life (pram_record_t,
 * pram_buf_clear): a new record's is above every one committed before, in
 * this image (a format, at first power-up, starts again from 0).  A repeat
 * is counted (rs_seq_reused), not a violation: the records are right. */
static void seq_seen(uint32_t seq, uint32_t round, uint32_t tag)
{
    if (rmodel.seq_known && (int32_t)(seq - rmodel.top_seq) <= 0 && rs_seq_reused++ == 0)
        note("round %u: ring record %08x has seq %u, not above %u, the highest before it "
             "(test_errors.c buf_seq_after_cut_clear)\n",
             round, tag, seq, rmodel.top_seq);
    rmodel.seq_known = 1; /* a repeat is counted once: the numbers go on from it */
    rmodel.top_seq = seq;
}

/* Adds the newest record to the model: 0, or -1 if its sequence number
 * does not follow the newest one's. */
static int rm_push(uint32_t tag, uint32_t seq, uint32_t round)
{
    if (rmodel.n && seq != rmodel.seq[rmodel.n - 1u] + 1u)
        return -1;
    seq_seen(seq, round, tag);
    if (rmodel.n >= RING_MAXREC + 2u)
        return -1;
    rmodel.tag[rmodel.n] = tag;
    rmodel.seq[rmodel.n] = seq;
    rmodel.n++;
    return 0;
}

/* Keeps the newest c records: how many it dropped, or -1 if c > held. */
static int rm_keep(uint32_t c)
{
    uint32_t d;
    if (c > rmodel.n)
        return -1;
    d = rmodel.n - c;
    memmove(rmodel.tag, rmodel.tag + d, c * sizeof rmodel.tag[0]);
    memmove(rmodel.seq, rmodel.seq + d, c * sizeof rmodel.seq[0]);
    rmodel.n = c;
    return (int)d;
}

static int ring_replay(uint32_t round, uint32_t *next_ctr)
{
    uint32_t i;
    int bad = 0;
    rpend.active = 0;
    for (i = 0; i < LOG_CAP; i++) {
        const logent_t *e = log_entry(round, i);
        uint32_t count, next_seq;
        int dropped;
        if (!e)
            break;
        if (e->ctr >= *next_ctr)
            *next_ctr = e->ctr + 1u;
        if (e->kind == K_INTENT) {
            if (rpend.active)
                return note("round %u: log: two intents\n", round), bad + 1;
            rpend.active = 1, rpend.op = e->op, rpend.target = e->target, rpend.ctr = e->ctr;
            continue;
        }
        if (!rpend.active || rpend.op != e->op || rpend.target != e->target || rpend.ctr != e->ctr)
            return note("round %u: log: commit without its intent\n", round), bad + 1;
        rpend.active = 0;
        rs_ops++;
        rs_ops_by[e->op < R_COUNT ? e->op : 0]++;
        count = e->aux & 0xFFFFu;
        next_seq = e->aux2;
        if (e->op == R_OPEN) {
            int want = rmodel.formatted ? PRAM_BUF_INTACT : PRAM_BUF_COLD;
            if (e->rc != want || (rmodel.formatted && count != rmodel.n) ||
                (rmodel.n && next_seq != rmodel.seq[rmodel.n - 1u] + 1u)) {
                note("round %u: ring writer open: rc %d count %u next seq %u, expected rc %d count %u\n",
                     round, e->rc, count, next_seq, want, rmodel.n);
                bad++;
            }
            if (!rmodel.formatted)
                rmodel.n = 0, rmodel.complete = 1;
            rmodel.formatted = 1;
            continue;
        }
        if (e->rc != PRAM_OK) {
            note("round %u: ring %s ctr %u returned %d (%s)\n", round, r_names[e->op], e->ctr, e->rc,
                 pram_strerror(e->rc));
            bad++;
            continue;
        }
        if (e->op == R_CLEAR) {
            rmodel.n = 0, rmodel.complete = 1;
            continue;
        }
        if ((e->aux & PRESENT_BIT) && !(e->op == R_FAULT && e->target == FAULT_IN_APPEND)) {
            note("round %u: ring %s ctr %u: an abandoned streamed record is in the ring\n", round,
                 r_names[e->op], e->ctr);
            bad++;
        }
        if (e->aux & PRESENT_BIT)
            rs_present++;
        if (e->op == R_FAULT && e->target == FAULT_IN_CLEAR && count != rmodel.n + 1u) {
            /* The clear went through before the crash record: all gone. */
            if (count != 1u) {
                note("round %u: ring fault in a clear, ctr %u: %u records held before it, %u "
                     "after it and the crash record\n",
                     round, e->ctr, rmodel.n, count);
                return bad + 1;
            }
            rmodel.n = 0, rmodel.complete = 1;
            rs_fault_clears++;
        }
        if (((e->aux & PRESENT_BIT) && rm_push(e->ctr, next_seq - 2u, round)) ||
            (e->op == R_FAULT && rm_push(e->ctr | CRASH_TAG, next_seq - 1u, round)) ||
            ((e->op == R_APPEND || e->op == R_STREAM) && rm_push(e->ctr, next_seq - 1u, round))) {
            note("round %u: ring %s ctr %u: its record has seq %u, after the newest seq %u\n",
                 round, r_names[e->op], e->ctr, next_seq - 1u,
                 rmodel.n ? rmodel.seq[rmodel.n - 1u] : 0u);
            return bad + 1;
        }
        dropped = rm_keep(count);
        if (dropped < 0) {
            note("round %u: after ring %s ctr %u the writer counts %u records, the model %u\n", round,
                 r_names[e->op], e->ctr, count, rmodel.n);
            return bad + 1;
        }
        if (dropped > 0) {
            rmodel.complete = 0;
            rs_drop_ops++;
            rs_dropped += (unsigned long)dropped;
        }
        if (!rmodel.complete && !ring_kept_enough(rmodel.tag, rmodel.n)) {
            note("round %u: after ring %s ctr %u: %u records of %u bytes kept\n", round,
                 r_names[e->op], e->ctr, rmodel.n, ring_bytes(rmodel.tag, rmodel.n));
            bad++;
        }
        if (bad)
            return bad;
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

/* Records seen oldest first (seq[i], pos[i]), n of them: their sequence
 * numbers are consecutive, and pram_buf_prev walks them back newest first. */
static void check_order(const char *what, const pram_buf_t *b, const uint32_t *seq,
                        const uint32_t *pos, uint32_t n)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint32_t i, k = n;
    int rc;
    for (i = 1; i < n; i++)
        if (seq[i] != seq[i - 1u] + 1u) {
            vnote("%s: record %u has seq %u after seq %u: a gap in the sequence\n", what, i,
                  seq[i], seq[i - 1u]);
            return;
        }
    while ((rc = pram_buf_prev(b, &it, &r)) == 1) {
        if (k == 0 || r.seq != seq[k - 1u] || r.pos != pos[k - 1u]) {
            vnote("%s: prev gave seq %u at %u, next had %s seq %u at %u\n", what, r.seq, r.pos,
                  k ? "" : "nothing more, last", k ? seq[k - 1u] : 0u, k ? pos[k - 1u] : 0u);
            return;
        }
        k--;
    }
    if (rc != 0 || k != 0)
        vnote("%s: prev returned %d with %u records not walked back\n", what, rc, k);
}

static void validate_buffer(void)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t p[PRAM_RECORD_MAX_SIZE > 128u ? 128u : PRAM_RECORD_MAX_SIZE], want[80];
    uint32_t n = 0, with_new[MAXREC + 1], seqs[MAXREC], poss[MAXREC];
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
        seqs[n] = r.seq;
        poss[n] = r.pos;
        obs->rec[n++] = ctr;
    }
    if (rc < 0)
        vnote("buffer: next returned %d after %u records\n", rc, n);
    cnt = pram_buf_count(&kb);
    if (cnt != (int)n)
        vnote("buffer: count %d but %u records iterated\n", cnt, n);
    if (rc == 0)
        check_order("buffer", &kb, seqs, poss, n);
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
    b = (const uint8_t *)boot_map(&kill_region);
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

/* ---- Ring scenario: validator --------------------------------------------------- */

/* The records the operation in flight may add after the committed ones. */
static uint32_t ring_new_tags(uint32_t *t)
{
    uint32_t n = 0;
    if (!rpend.active)
        return 0;
    if (rpend.op == R_APPEND || rpend.op == R_STREAM ||
        (rpend.op == R_FAULT && rpend.target == FAULT_IN_APPEND))
        t[n++] = rpend.ctr;
    if (rpend.op == R_FAULT)
        t[n++] = rpend.ctr | CRASH_TAG;
    return n;
}

/* A fresh boot opens the ring: every record is one that was written (its
 * bytes are its tag's), sequence numbers consecutive, next and prev agree;
 * the records are the newest committed ones in order - all of them, or,
 * with an append, stream or fault in flight, without some of the oldest
 * (its drops), or with a clear in flight (a fault's too) none - then
 * possibly the in-flight operation's record(s), whole; never fewer than
 * ring_kept_enough unless cleared. */
static void validate_ring(void)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t p[RING_MAXLEN + 4u], want[RING_MAXLEN];
    uint32_t n = 0, i, k, j, m, nnew, news[2], pos[RING_MAXREC];
    uint32_t *tag = obs->ring_tag, *seq = obs->ring_seq;
    int rc = pram_buf_open(&kr), cnt, dropping, clearing;
    if (rmodel.formatted ? rc != PRAM_BUF_INTACT : (rc != PRAM_BUF_COLD && rc != PRAM_BUF_INTACT))
        vnote("ring: open %d, expected %s\n", rc, rmodel.formatted ? "INTACT" : "COLD or INTACT");
    if (rc < 0)
        return;
    while ((rc = pram_buf_next(&kr, &it, &r)) == 1) {
        int len = pram_buf_read(&kr, &r, p, sizeof p);
        if (len < 4 || n >= RING_MAXREC) {
            vnote("ring: record %u has length %d\n", n, len);
            break;
        }
        tag[n] = get_le32(p);
        ring_payload(tag[n], want);
        if ((uint32_t)len != ring_len(tag[n]) || memcmp(p, want, (size_t)len) != 0) {
            vnote("ring: record %u (seq %u, len %d) is not a record ever written\n", n, r.seq, len);
            break;
        }
        seq[n] = r.seq;
        pos[n] = r.pos;
        if (n && pos[n] < pos[n - 1u])
            obs->ring_wrapped = 1;
        n++;
    }
    if (rc < 0)
        vnote("ring: next returned %d after %u records\n", rc, n);
    cnt = pram_buf_count(&kr);
    if (cnt != (int)n)
        vnote("ring: count %d but %u records iterated\n", cnt, n);
    if (rc == 0)
        check_order("ring", &kr, seq, pos, n);
    obs->ring_n = n;

    /* Against the model: tag[0..m) are its records from j on, all of them
     * up to its newest; then what the operation in flight adds. */
    j = rmodel.n;
    for (k = 0; n && k < rmodel.n; k++)
        if (rmodel.tag[k] == tag[0]) {
            j = k;
            break;
        }
    m = rmodel.n - j;
    if (m > n) {
        vnote("ring: %u records end with tag %08x, before the newest committed (%08x)\n", n,
              tag[n - 1u], rmodel.tag[rmodel.n - 1u]);
        return;
    }
    for (k = 0; k < m; k++)
        if (tag[k] != rmodel.tag[j + k] || seq[k] != rmodel.seq[j + k]) {
            vnote("ring: record %u is tag %08x seq %u, committed was tag %08x seq %u\n", k, tag[k],
                  seq[k], rmodel.tag[j + k], rmodel.seq[j + k]);
            return;
        }
    obs->ring_m = m;
    nnew = ring_new_tags(news);
    if (n - m > nnew) {
        vnote("ring: %u records after the committed ones (first tag %08x); in flight: %s\n", n - m,
              tag[m], rpend.active ? r_names[rpend.op] : "none");
        return;
    }
    /* The new ones: the in-flight record(s), in order (a fault's interrupted
     * append may be absent while its crash record is there). */
    for (k = m, i = 0; k < n; k++, i++) {
        for (; i < nnew && news[i] != tag[k]; i++)
            ;
        if (i == nnew) {
            vnote("ring: record %u, tag %08x, was never committed; in flight: %s ctr %u\n", k,
                  tag[k], rpend.active ? r_names[rpend.op] : "none", rpend.ctr);
            return;
        }
    }
    clearing = rpend.active && (rpend.op == R_CLEAR ||
                                (rpend.op == R_FAULT && rpend.target == FAULT_IN_CLEAR));
    dropping = rpend.active && rpend.op != R_OPEN && !clearing;
    if (j > 0 && !dropping && !(clearing && m == 0)) {
        vnote("ring: the %u oldest committed records are gone, %u kept; in flight: %s\n", j, m,
              rpend.active ? r_names[rpend.op] : "none");
        return;
    }
    if (clearing && m == 0 && rmodel.n > 0) {
        obs->outcome = 4;
        obs->ring_complete = 1;
        return;
    }
    obs->ring_complete = rmodel.complete && j == 0;
    if (!obs->ring_complete && !ring_kept_enough(tag, n))
        vnote("ring: only %u records of %u bytes left (tags %08x..); in flight: %s\n", n,
              ring_bytes(tag, n), n ? tag[0] : 0u, rpend.active ? r_names[rpend.op] : "none");
    if (rpend.active)
        obs->outcome = n > m ? 2 : j > 0 ? 3 : 1;
}

static void ring_validator(void)
{
    const uint8_t *b;
    uint32_t i, gaps[][2] = {{0, RING_OFF}, {RING_OFF + RING_STORAGE, RING_REGION_SIZE}};
    (void)alarm(60);
    memset(obs, 0, sizeof *obs);
    b = (const uint8_t *)boot_map(&ring_region);
    if (!b) {
        vnote("ring validator: cannot map %s\n", region_path);
        _exit(1);
    }
    for (i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
        uint32_t g;
        for (g = gaps[i][0]; g < gaps[i][1]; g++)
            if (b[g]) {
                vnote("guard byte at %u is %02x: a store outside the ring\n", g, b[g]);
                break;
            }
    }
    validate_ring();
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

/* The region file back to `size` zero bytes: RAM at first power-up. */
static int region_reset(uint32_t size)
{
    int fd = open(region_path, O_RDWR);
    int ok = fd >= 0 && ftruncate(fd, 0) == 0 && ftruncate(fd, (off_t)size) == 0;
    if (fd >= 0)
        (void)close(fd);
    return ok;
}

typedef void (*writer_fn)(uint32_t round, uint32_t ctr, uint64_t rng);

/* What a scenario's run shares: the file, the shared log and verdict, the
 * seed, the kill count and the clock. */
typedef struct {
    uint64_t seed, rng;
    unsigned long target, min_kills;
    double t0;
} run_t;

static void run_start(run_t *run, const char *name, uint32_t size)
{
    const char *tmp = getenv("TMPDIR");
    int fd;
    run->seed = env_ul("PRAM_KILL_SEED", 0x6B696C6C5EEDull);
    run->rng = run->seed;
    run->target = env_ul("PRAM_KILL_COUNT", 1000ul);
    run->min_kills = run->target < 1000ul ? run->target : 1000ul;
    first_msg[0] = '\0';
    (void)snprintf(region_path, sizeof region_path, "%s/pram_kill_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    fd = mkstemp(region_path);
    assert_true(fd >= 0);
    (void)close(fd);
    log_area = (logent_t *)mmap(NULL, LOG_CAP * sizeof(logent_t), PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    obs = (obs_t *)mmap(NULL, sizeof(obs_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(log_area != MAP_FAILED && obs != MAP_FAILED);
    assert_true(region_reset(size));
    printf("%s: seed PRAM_KILL_SEED=0x%llx, %lu kills requested, region %u bytes in %s\n", name,
           (unsigned long long)run->seed, run->target, (unsigned)size, region_path);
    fflush(stdout);
    run->t0 = now_s();
}

/* 1 while more kills are wanted (stops at 60 s once min_kills are done). */
static int run_more(const run_t *run, unsigned long kills)
{
    return kills < run->target && !(now_s() - run->t0 > 60.0 && kills >= run->min_kills);
}

static void run_end(void)
{
    (void)unlink(region_path);
    (void)munmap(log_area, LOG_CAP * sizeof(logent_t));
    (void)munmap(obs, sizeof(obs_t));
}

/* Forks a writer and SIGKILLs it after a random 0-3 ms: 0 if the kill ended
 * it, else 1 (and a note). */
static int kill_writer(run_t *run, writer_fn fn, uint32_t round, uint32_t ctr, uint32_t *delay_us)
{
    pid_t w;
    int status;
    struct timespec d;
    *delay_us = (uint32_t)(test_rand(&run->rng) % 3001u);
    fflush(stdout);
    fflush(stderr);
    w = fork();
    assert_true(w >= 0);
    if (w == 0)
        fn(round, ctr, run->seed ^ mix64(round));
    d.tv_sec = 0;
    d.tv_nsec = (long)*delay_us * 1000L;
    while (nanosleep(&d, &d) != 0 && errno == EINTR)
        ;
    (void)kill(w, SIGKILL);
    while (waitpid(w, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return 0;
    note("round %u: writer ended by itself (status 0x%x)\n", round, status);
    return 1;
}

/* Runs the validator as a fresh process (a boot): 0 if it passed, else 1
 * (and a note). */
static int run_validator(void (*fn)(void), uint32_t round, uint32_t delay_us, const char *inflight,
                         uint32_t ctr)
{
    pid_t v;
    int status;
    fflush(stdout);
    fflush(stderr);
    v = fork();
    assert_true(v >= 0);
    if (v == 0)
        fn();
    while (waitpid(v, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && obs->done && !obs->violations)
        return 0;
    note("round %u (kill after %u us, in flight: %s ctr %u): validator status 0x%x, %d "
         "violations:\n%s",
         round, delay_us, inflight, ctr, status, obs->violations, obs->msg);
    return 1;
}

static void print_first_problems(const run_t *run)
{
    if (first_msg[0])
        printf("kill: first problems (replay with PRAM_KILL_SEED=0x%llx):\n%s",
               (unsigned long long)run->seed, first_msg);
    fflush(stdout);
}

static void kill_reboot(void **state)
{
    run_t run;
    double elapsed;
    uint32_t round = 0, next_ctr = 1, delay_us = 0;
    (void)state;
    run_start(&run, "kill", REGION_SIZE);
    memset(&model, 0, sizeof model);
    while (run_more(&run, st_kills)) {
        int bad;
        round++;
        bad = kill_writer(&run, writer, round, next_ctr, &delay_us);
        st_kills++;
        st_writer_died += (unsigned long)bad;
        bad += replay(round, &next_ctr);
        next_ctr += 2u;
        if (pend.active) {
            st_inflight++;
            st_inflight_op[pend.op]++;
        }
        if (!model.formatted || (pend.active && pend.op == OP_OPEN))
            st_boot_kills++;
        bad += run_validator(validator, round, delay_us, pend.active ? op_names[pend.op] : "none",
                             pend.ctr);
        if (bad) {
            st_violations += (unsigned long)bad;
            assert_true(region_reset(REGION_SIZE)); /* start over from zeroed RAM */
            memset(&model, 0, sizeof model);
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
    elapsed = now_s() - run.t0;
    run_end();
    printf("kill: %lu kills, %lu violations, %lu unexpected return codes, seed 0x%llx, %.1f s\n",
           st_kills, st_violations, st_rc_mismatch, (unsigned long long)run.seed, elapsed);
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
    print_first_problems(&run);
    assert_true(st_kills >= run.min_kills);
    assert_int_equal(st_violations, 0);
    assert_int_equal(st_rc_mismatch, 0);
}

/* The same with a ring buffer alone (see "Ring scenario" above). */
static void kill_ring(void **state)
{
    run_t run;
    double elapsed;
    uint32_t round = 0, next_ctr = 1, delay_us = 0, i;
    (void)state;
    run_start(&run, "kill ring", RING_REGION_SIZE);
    ring_model_reset();
    while (run_more(&run, rs_kills)) {
        int bad;
        round++;
        bad = kill_writer(&run, ring_writer, round, next_ctr, &delay_us);
        rs_kills++;
        bad += ring_replay(round, &next_ctr);
        next_ctr += 2u;
        if (rpend.active) {
            rs_inflight++;
            rs_inflight_op[rpend.op < R_COUNT ? rpend.op : 0]++;
        }
        if (!rmodel.formatted || (rpend.active && rpend.op == R_OPEN))
            rs_boot_kills++;
        bad += run_validator(ring_validator, round, delay_us,
                             rpend.active && rpend.op < R_COUNT ? r_names[rpend.op] : "none",
                             rpend.ctr);
        if (bad) {
            rs_violations += (unsigned long)bad;
            assert_true(region_reset(RING_REGION_SIZE)); /* start over from zeroed RAM */
            ring_model_reset();
            continue;
        }
        rs_checked += obs->ring_n;
        for (i = obs->ring_m; i < obs->ring_n; i++) /* the in-flight operation's */
            seq_seen(obs->ring_seq[i], round, obs->ring_tag[i]);
        rs_wrapped += (unsigned long)obs->ring_wrapped;
        if (rpend.active) {
            if (obs->outcome == 2)
                rs_new++;
            else if (obs->outcome == 3)
                rs_drops_only++;
            else if (obs->outcome == 4)
                rs_cleared++;
            else
                rs_old++;
        }
        /* Adopt what the validator saw: it is one of the allowed states. */
        rmodel.formatted = 1;
        rmodel.complete = obs->ring_complete;
        rmodel.n = obs->ring_n;
        memcpy(rmodel.tag, obs->ring_tag, sizeof obs->ring_tag);
        memcpy(rmodel.seq, obs->ring_seq, sizeof obs->ring_seq);
    }
    elapsed = now_s() - run.t0;
    run_end();
    printf("kill ring: %lu kills, %lu violations, seed 0x%llx, %.1f s\n", rs_kills, rs_violations,
           (unsigned long long)run.seed, elapsed);
    printf("kill ring: %lu operations committed (append %lu, streamed %lu, cancelled %lu, "
           "fault takeover + crash record %lu: interrupted append kept %lu, interrupted clear "
           "done %lu; clear %lu); %lu records dropped by %lu operations\n",
           rs_ops, rs_ops_by[R_APPEND], rs_ops_by[R_STREAM], rs_ops_by[R_CANCEL], rs_ops_by[R_FAULT],
           rs_present, rs_fault_clears, rs_ops_by[R_CLEAR], rs_dropped, rs_drop_ops);
    printf("kill ring: %lu records checked after the kills, %lu images wrapped; killed with an "
           "operation in flight %lu times (old state kept %lu, new record %lu, records dropped "
           "and no new one %lu, cleared %lu); during first boot/format %lu\n",
           rs_checked, rs_wrapped, rs_inflight, rs_old, rs_new, rs_drops_only, rs_cleared,
           rs_boot_kills);
    printf("kill ring: sequence numbers went back %lu times\n", rs_seq_reused);
    printf("kill ring: in flight by operation:");
    {
        int o;
        for (o = 1; o < R_COUNT; o++)
            printf(" %s %lu", r_names[o], rs_inflight_op[o]);
    }
    printf("\n");
    print_first_problems(&run);
    assert_true(rs_kills >= run.min_kills);
    assert_int_equal(rs_violations, 0);
    assert_int_equal(rs_seq_reused, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(kill_reboot), cmocka_unit_test(kill_ring)};
    return cmocka_run_group_tests_name("kill", tests, NULL, NULL);
}
