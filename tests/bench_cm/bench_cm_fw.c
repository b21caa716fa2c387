/* bench_cm: instructions per pram operation on Cortex-M3, under
 * `qemu-system-arm -M mps2-an385 -icount shift=0` (make bench-cm).
 *
 * Counting.  With -icount shift=0 every guest instruction is 1 ns of virtual
 * time and SysTick with CLKSOURCE=1 ticks at 25 MHz: one tick per 40
 * instructions.  SysTick runs free as a 24-bit down-counter, interrupts off.
 * Each operation is timed alone, CVR read before and after, its setup (refill
 * a buffer, re-commit a cell) outside the timed region.  A tick is 40
 * instructions, so one reading alone is coarse; but writing CVR restarts the
 * tick phase, and a dither loop of 3 instructions per turn (3 and 40 are
 * coprime) then starts the timed region at each of the 40 phases once per 40
 * runs.  Summed over those runs, the ticks counted are exactly the
 * instructions run / 40: the mean is exact, not merely well resolved.  Runs
 * are 80 = 2 x 40, the second 40 with the phases shifted by one, so that an
 * operation alternating between two states (the two slots of an A/B cell)
 * sees every phase in both.  The cost of an empty operation (the call and the
 * two CVR reads) is subtracted.
 *
 * Self-checks, before anything else: 4000 NOPs must measure 40 +- 1
 * instructions per tick (a changed QEMU timing would otherwise give wrong
 * figures silently), and 7 NOPs must measure 7.00 instructions (proves the
 * phase dithering).  Either failing, or any pram call failing, ends the run
 * with a non-zero exit status.  Speed itself is only reported, never a
 * failure: targets are printed with "ok" or "over".
 *
 * Floors (bench_cm_floor.c, same flags): get/set/edit: a plain word copy of
 * the value plus one pram_crc16 over it; append (linear or ring) and a
 * streamed record: the same over the payload; open: one pram_crc16 over the
 * bytes the records occupy; invalidate: one word store and a DSB.
 *
 * Before the table, each buffer row is run once untimed and checked: a ring
 * row drops exactly the records its label says, a streamed record reads
 * back as the bytes written, each crafted open keeps the records and zeroes
 * (or not) what its comment says.  A row that does not do what it is named
 * after fails the run. */
#include <stddef.h>
#include <stdint.h>

#include "bench_cm.h"
#include "fw.h"
#include "pram/pram.h"

#define BENCH_NOINLINE __attribute__((noinline, noclone))
#define BENCH_UNUSED __attribute__((unused))

/* ---- SysTick ---------------------------------------------------------------- */

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_CSR_ENABLE 0x1u
#define SYST_CSR_CLKSOURCE 0x4u /* processor clock; TICKINT (0x2) stays off */
#define SYST_MASK 0x00FFFFFFu

#define PHASES 40u    /* nominal instructions per tick: one run per phase */
#define REPS 80u      /* runs per figure: 2 x PHASES, see the top comment */
#define DITHER_MIN 16u /* dither turns: >= 48 instructions, past the first tick */

/* 3 * turns instructions (turns >= 1). */
static inline void dither(uint32_t turns)
{
    __asm__ __volatile__("1:\n\t"
                         "subs %0, %0, #1\n\t"
                         "nop\n\t"
                         "bne 1b"
                         : "+l"(turns)
                         :
                         : "cc");
}

/* ---- Results and failures ----------------------------------------------------- */

static int g_rc;            /* what the last operation returned (0: fine)  */
static uint32_t g_fail;     /* failures seen                               */
static const char *g_what;  /* what is being measured, for messages        */
static uint32_t g_empty;    /* ticks of the empty operation over REPS runs */
static uint32_t g_ipt_x100; /* instructions per tick, x100 (calibrated)    */

static void fail(const char *what, const char *detail, int rc)
{
    fw_puts("bench_cm: FAIL ");
    fw_puts(what);
    fw_puts(": ");
    fw_puts(detail);
    if (rc != 0) {
        fw_puts(" returned ");
        fw_put_i32(rc);
        fw_puts(" (");
        fw_puts(pram_strerror(rc));
        fw_puts(")");
    }
    fw_puts("\n");
    g_fail++;
}

/* Sum of ticks over REPS runs of op, each preceded by setup (untimed). */
static BENCH_NOINLINE uint32_t run_ticks(bench_fn_t setup, bench_fn_t op, void *ctx)
{
    uint32_t i, sum = 0u;
    for (i = 0u; i < REPS; i++) {
        uint32_t turns = DITHER_MIN + (i + i / PHASES) % PHASES, t0, t1;
        g_rc = 0;
        if (setup) {
            setup(ctx);
            if (g_rc != 0) {
                fail(g_what, "setup", g_rc);
                return sum;
            }
        }
        SYST_CVR = 0u; /* restarts the tick phase */
        dither(turns);
        t0 = SYST_CVR;
        op(ctx);
        t1 = SYST_CVR;
        sum += (t0 - t1) & SYST_MASK;
        if (g_rc != 0) {
            fail(g_what, "operation", g_rc);
            return sum;
        }
    }
    return sum;
}

/* Mean instructions of one op, x100, the empty operation subtracted. */
static uint32_t measure_x100(const char *what, bench_fn_t setup, bench_fn_t op, void *ctx)
{
    uint32_t ticks;
    g_what = what;
    ticks = run_ticks(setup, op, ctx);
    if (ticks < g_empty) {
        fail(what, "measured below the empty operation", 0);
        return 0u;
    }
    return (uint32_t)(((uint64_t)(ticks - g_empty) * g_ipt_x100 + REPS / 2u) / REPS);
}

/* ---- Calibration operations --------------------------------------------------- */

/* Just the call and return: what every figure has in common (besides the two
 * CVR reads).  Operations store their result (g_rc, bench_sink) and floors
 * theirs (bench_sink) alike, two instructions counted on both sides. */
static BENCH_NOINLINE void op_empty(void *ctx)
{
    (void)ctx;
}

static BENCH_NOINLINE void op_nop4000(void *ctx)
{
    (void)ctx;
    __asm__ __volatile__(".rept 4000\n\tnop\n\t.endr");
}

static BENCH_NOINLINE void op_nop7(void *ctx)
{
    (void)ctx;
    __asm__ __volatile__(".rept 7\n\tnop\n\t.endr");
}

/* ---- Cells -------------------------------------------------------------------- */

typedef struct {
    uint32_t w[1];
} v4_t;
typedef struct {
    uint32_t w[16];
} v64_t;
typedef struct {
    uint32_t w[256];
} v1k_t;

/* A typed cell and its operations through the typed API.  set's setup changes
 * the value; invalidate's commits one so that there is something to
 * invalidate; get and edit need none (a value is committed before). */
#define BENCH_CELL(name, type, schema, mode)                                      \
    PRAM_CELL_DECLARE(name, type, schema, mode);                                                \
    PRAM_CELL_DEFINE(name);                                         \
    static type name##_io;                                                        \
    static BENCH_UNUSED BENCH_NOINLINE void name##_op_get(void *ctx)              \
    {                                                                             \
        (void)ctx;                                                                \
        g_rc = name##_get(&name##_io);                                            \
    }                                                                             \
    static BENCH_UNUSED BENCH_NOINLINE void name##_op_set(void *ctx)              \
    {                                                                             \
        (void)ctx;                                                                \
        g_rc = name##_set(&name##_io);                                            \
    }                                                                             \
    static BENCH_UNUSED BENCH_NOINLINE void name##_op_edit(void *ctx)             \
    {                                                                             \
        name##_edit_t e;                                                          \
        (void)ctx;                                                                \
        g_rc = name##_edit_begin(&e, PRAM_EDIT_KEEP);                             \
        if (g_rc == PRAM_OK) {                                                    \
            e.value->w[0]++;                                                      \
            g_rc = name##_edit_commit(&e);                                        \
        }                                                                         \
    }                                                                             \
    static BENCH_UNUSED BENCH_NOINLINE void name##_op_invalidate(void *ctx)       \
    {                                                                             \
        (void)ctx;                                                                \
        g_rc = name##_invalidate();                                               \
    }                                                                             \
    static BENCH_UNUSED void name##_setup_set(void *ctx)                          \
    {                                                                             \
        (void)ctx;                                                                \
        name##_io.w[0]++;                                                         \
    }                                                                             \
    static BENCH_UNUSED void name##_setup_invalidate(void *ctx)                   \
    {                                                                             \
        (void)ctx;                                                                \
        name##_io.w[0]++;                                                         \
        g_rc = name##_set(&name##_io);                                            \
    }                                                                             \
    static int name##_prepare(void)                                               \
    {                                                                             \
        uint32_t i;                                                               \
        for (i = 0u; i < sizeof(name##_io.w) / sizeof(name##_io.w[0]); i++)      \
            name##_io.w[i] = 0x9E3779B9u * (i + 1u) + (uint32_t)(schema);         \
        return name##_set(&name##_io);                                            \
    }                                                                             \
    typedef int name##_bench_end_t /* takes the caller's ';' */

BENCH_CELL(c4s, v4_t, 1, PRAM_SINGLE);
BENCH_CELL(c4ab, v4_t, 2, PRAM_AB);
BENCH_CELL(c64s, v64_t, 3, PRAM_SINGLE);
BENCH_CELL(c64ab, v64_t, 4, PRAM_AB);
BENCH_CELL(c1ks, v1k_t, 5, PRAM_SINGLE);
BENCH_CELL(c1kab, v1k_t, 6, PRAM_AB);

/* ---- Buffers ------------------------------------------------------------------ */

#define BUF_CAP 4096u
#define SMALL_REC 16u
#define LARGE_REC 256u
#define OPEN_RECS 100u
#define OPEN_REC 32u
#define OPEN_BYTES (OPEN_RECS * PRAM_BUF_RECORD_SPACE(OPEN_REC))
/* Records of SMALL_REC before the timed append, for a fill of about pct %. */
#define FILL_RECS(pct) ((BUF_CAP * (pct) / 100u + PRAM_BUF_RECORD_SPACE(SMALL_REC) / 2u) / \
                        PRAM_BUF_RECORD_SPACE(SMALL_REC))

PRAM_BUF_DEFINE(append_buf, BUF_CAP, 1);
PRAM_BUF_DEFINE(open_buf, BUF_CAP, 2);
PRAM_BUF_DEFINE(crafted_buf, BUF_CAP, 3);
PRAM_BUF_DEFINE_RING(ring_buf, BUF_CAP, 4);

static uint8_t g_payload[LARGE_REC];

typedef struct {
    pram_buf_t *buf;
    const uint8_t *data;
    uint32_t len;
    uint32_t prefill;     /* records of fill_len appended by the setup      */
    uint32_t fill_len;    /* 0: SMALL_REC                                    */
    uint32_t chunks;      /* streamed rows: writes (the record in equal parts,
                             or, with `odd`, alternating len/4 +- 1 bytes)  */
    uint32_t odd;
    uint32_t drops;       /* ring rows: records the timed append must drop   */
} buf_ctx_t;

/* Ring fills: a 4096 B ring filled with records of one size, then one more
 * (it wraps, dropping the oldest): from then on every append of that size
 * drops exactly one record.  RING_FILL(len) is that many records. */
#define RING_FILL(len) (BUF_CAP / PRAM_BUF_RECORD_SPACE(len) + 1u)

static buf_ctx_t g_app16_0 = {&append_buf, g_payload, SMALL_REC, 0u, 0u, 0u, 0u, 0u};
static buf_ctx_t g_app16_50 = {&append_buf, g_payload, SMALL_REC, FILL_RECS(50u), 0u, 0u, 0u, 0u};
static buf_ctx_t g_app16_99 = {&append_buf, g_payload, SMALL_REC, FILL_RECS(99u), 0u, 0u, 0u, 0u};
static buf_ctx_t g_app256_0 = {&append_buf, g_payload, LARGE_REC, 0u, 0u, 0u, 0u, 0u};
static buf_ctx_t g_ring16 = {&ring_buf, g_payload, SMALL_REC, RING_FILL(SMALL_REC), SMALL_REC, 0u, 0u, 1u};
static buf_ctx_t g_ring256 = {&ring_buf, g_payload, LARGE_REC, RING_FILL(LARGE_REC), LARGE_REC, 0u, 0u, 1u};
static buf_ctx_t g_ring256_11 = {&ring_buf, g_payload, LARGE_REC, RING_FILL(SMALL_REC), SMALL_REC, 0u, 0u,
                                 PRAM_BUF_RECORD_SPACE(LARGE_REC) / PRAM_BUF_RECORD_SPACE(SMALL_REC)};
static buf_ctx_t g_stream16 = {&append_buf, g_payload, SMALL_REC, 0u, 0u, 4u, 0u, 0u};
static buf_ctx_t g_stream16_odd = {&append_buf, g_payload, SMALL_REC, 0u, 0u, 4u, 1u, 0u};
static buf_ctx_t g_stream256 = {&append_buf, g_payload, LARGE_REC, 0u, 0u, 4u, 0u, 0u};
static buf_ctx_t g_open = {&open_buf, g_payload, OPEN_REC, OPEN_RECS, 0u, 0u, 0u, 0u};
static buf_ctx_t g_crafted = {&crafted_buf, g_payload, 0u, 0u, 0u, 0u, 0u, 0u};

static void setup_append(void *ctx)
{
    const buf_ctx_t *c = (const buf_ctx_t *)ctx;
    uint32_t i, n = c->fill_len ? c->fill_len : SMALL_REC;
    g_rc = pram_buf_clear(c->buf);
    for (i = 0u; i < c->prefill && g_rc == PRAM_OK; i++) {
        g_payload[0] = (uint8_t)i;
        g_rc = pram_buf_append(c->buf, g_payload, n);
    }
}

static BENCH_NOINLINE void op_append(void *ctx)
{
    const buf_ctx_t *c = (const buf_ctx_t *)ctx;
    g_rc = pram_buf_append(c->buf, c->data, c->len);
}

/* begin, c->chunks writes, commit: the same record as one append. */
static BENCH_NOINLINE void op_stream(void *ctx)
{
    const buf_ctx_t *c = (const buf_ctx_t *)ctx;
    uint32_t i, at = 0u, part = c->len / c->chunks, n;
    int rc = pram_buf_begin(c->buf);
    for (i = 0u; i < c->chunks && rc == PRAM_OK; i++) {
        n = i + 1u == c->chunks ? c->len - at : c->odd ? part + 1u - 2u * (i & 1u) : part;
        rc = pram_buf_write(c->buf, c->data + at, n);
        at += n;
    }
    if (rc == PRAM_OK)
        rc = pram_buf_commit(c->buf);
    g_rc = rc;
}

/* ---- Crafted images for open ----------------------------------------------
 * Open's work, whatever the memory holds: the walk (each record passed
 * costs its header checks and a CRC over its payload; a record that fails
 * costs at most a CRC over the bytes up to its limit, and only the one at
 * the tail and the one tried at offset 0 can fail), then the scan of the
 * bytes outside the chain (at most two loads per word) and at most one
 * zeroing of them.  The images below each push one part to its limit: the
 * largest of them, over the data area's size, is the bound. */
#define DATA_W (PRAM_BUF_CONTROL_SIZE / 4u)

/* Every 8 bytes, the next sequence number and the largest length that fits
 * there, with a wrong CRC (the image that used to cost n^2/16 bytes of
 * CRC): the walk CRCs 4080 bytes at the head before it fails, the scan
 * stops at the first word and the whole area is zeroed. */
static void setup_crafted(void *ctx)
{
    uint32_t at, n, seq;
    (void)ctx;
    g_rc = pram_buf_clear(&crafted_buf);
    seq = crafted_buf.seq;
    for (at = 0u; at + PRAM_BUF_RECORD_HEADER <= BUF_CAP; at += 8u) {
        n = (BUF_CAP - at - PRAM_BUF_RECORD_HEADER) & ~3u;
        if (n > PRAM_RECORD_MAX_SIZE)
            n = PRAM_RECORD_MAX_SIZE;
        crafted_buf__storage[DATA_W + at / 4u] = seq;
        crafted_buf__storage[DATA_W + at / 4u + 1u] = n;
    }
    /* Make sure the head's CRC is wrong (the rest is never CRCed). */
    n = pram_crc16((uint16_t)(PRAM_CRC16_INIT ^ (seq & 0xFFFFu)), &crafted_buf__storage[DATA_W + 2u],
                   PRAM_RECORD_MAX_SIZE);
    crafted_buf__storage[DATA_W + 1u] = PRAM_RECORD_MAX_SIZE | ((n ^ 1u) << 16);
}

/* A chain of 512 empty records: the most records 4 KiB can hold, so the
 * most per-record work (no CRC bytes, nothing outside the chain). */
static void setup_crafted_empty(void *ctx)
{
    uint32_t i;
    (void)ctx;
    g_rc = pram_buf_clear(&crafted_buf);
    for (i = 0u; i < BUF_CAP / PRAM_BUF_RECORD_HEADER && g_rc == PRAM_OK; i++)
        g_rc = pram_buf_append(&crafted_buf, g_payload, 0u);
}

/* An empty buffer whose every other word is the next sequence number and
 * the others an implausible length (0xFFFF): the scan loads every word,
 * and two of every other one, finds nothing and zeroes nothing. */
static void setup_crafted_scan(void *ctx)
{
    uint32_t at, seq;
    (void)ctx;
    g_rc = pram_buf_clear(&crafted_buf);
    seq = crafted_buf.seq;
    for (at = 0u; at < BUF_CAP; at += 8u) {
        crafted_buf__storage[DATA_W + at / 4u] = seq;
        crafted_buf__storage[DATA_W + at / 4u + 1u] = 0xFFFFFFFFu;
    }
}

/* pram_buf_open over an intact buffer: PRAM_BUF_INTACT is 0. */
static BENCH_NOINLINE void op_open(void *ctx)
{
    const buf_ctx_t *c = (const buf_ctx_t *)ctx;
    g_rc = pram_buf_open(c->buf);
}

/* ---- CRC-16 variants ---------------------------------------------------------- */

#define CRC_BYTES 1024u
#if PRAM_CRC16_IMPL == PRAM_CRC_BITWISE
#  define CRC16_CONFIGURED "bitwise"
#elif PRAM_CRC16_IMPL == PRAM_CRC_NIBBLE
#  define CRC16_CONFIGURED "nibble"
#elif PRAM_CRC16_IMPL == PRAM_CRC_BYTE
#  define CRC16_CONFIGURED "byte"
#else
#  define CRC16_CONFIGURED "hw"
#endif
static uint8_t g_crc_data[CRC_BYTES];

static BENCH_NOINLINE void op_crc_bitwise(void *ctx)
{
    (void)ctx;
    bench_sink = pram_crc16_bitwise(PRAM_CRC16_INIT, g_crc_data, CRC_BYTES);
}

static BENCH_NOINLINE void op_crc_nibble(void *ctx)
{
    (void)ctx;
    bench_sink = pram_crc16_nibble(PRAM_CRC16_INIT, g_crc_data, CRC_BYTES);
}

static BENCH_NOINLINE void op_crc_byte(void *ctx)
{
    (void)ctx;
    bench_sink = pram_crc16_byte(PRAM_CRC16_INIT, g_crc_data, CRC_BYTES);
}

static BENCH_NOINLINE void op_crc_configured(void *ctx)
{
    (void)ctx;
    bench_sink = pram_crc16(PRAM_CRC16_INIT, g_crc_data, CRC_BYTES);
}

/* ---- Floors ------------------------------------------------------------------- */

static uint32_t g_floor_src[BUF_CAP / 4u];
static uint32_t g_floor_dst[BUF_CAP / 4u];

enum { F_CC4, F_CC64, F_CC1K, F_CC16, F_CC256, F_OPEN, F_STORE, F_COUNT };

static bench_floor_t g_floor_ctx[F_COUNT] = {
    {g_floor_dst, g_floor_src, 4u},
    {g_floor_dst, g_floor_src, 64u},
    {g_floor_dst, g_floor_src, 1024u},
    {g_floor_dst, g_floor_src, SMALL_REC},
    {g_floor_dst, g_floor_src, LARGE_REC},
    {g_floor_dst, g_floor_src, OPEN_BYTES},
    {g_floor_dst, g_floor_src, 4u},
};
static const bench_fn_t g_floor_fn[F_COUNT] = {
    bench_floor_copy_crc, bench_floor_copy_crc, bench_floor_copy_crc, bench_floor_copy_crc,
    bench_floor_copy_crc, bench_floor_crc,      bench_floor_store_dsb,
};
static const char *const g_floor_name[F_COUNT] = {
    "floor copy+crc 4 B",  "floor copy+crc 64 B",  "floor copy+crc 1024 B", "floor copy+crc 16 B",
    "floor copy+crc 256 B", "floor crc open bytes", "floor store+dsb",
};
static uint32_t g_floor_x100[F_COUNT];

/* ---- The table ---------------------------------------------------------------- */

enum { T_NONE, T_CELL, T_APPEND, T_OPEN };
static const uint32_t g_target_x100[] = {0u, 150u, 130u, 120u};

/* Rows whose figures the derived ratios below the table use. */
#define ROW_APPEND0 1u
#define ROW_APPEND99 2u
#define ROW_APPEND256 3u
#define ROW_RING16 4u
#define ROW_RING256 5u
#define ROW_STREAM16 6u
#define ROW_STREAM256 7u
#define ROW_CRAFTED 8u  /* the crafted open images: 8, 9, 10 */
#define ROW_KEPT 11u

typedef struct {
    const char *op;
    const char *size;
    const char *mode;
    bench_fn_t setup;
    bench_fn_t fn;
    void *ctx;
    uint8_t floor;
    uint8_t target;
    uint8_t flags;
} row_t;

static const row_t g_rows[] = {
    {"cell get", "4 B", "single", NULL, c4s_op_get, NULL, F_CC4, T_NONE, 0u},
    {"cell get", "4 B", "A/B", NULL, c4ab_op_get, NULL, F_CC4, T_NONE, 0u},
    {"cell get", "64 B", "single", NULL, c64s_op_get, NULL, F_CC64, T_CELL, 0u},
    {"cell get", "64 B", "A/B", NULL, c64ab_op_get, NULL, F_CC64, T_CELL, 0u},
    {"cell get", "1 KiB", "single", NULL, c1ks_op_get, NULL, F_CC1K, T_CELL, 0u},
    {"cell get", "1 KiB", "A/B", NULL, c1kab_op_get, NULL, F_CC1K, T_CELL, 0u},
    {"cell set", "4 B", "single", c4s_setup_set, c4s_op_set, NULL, F_CC4, T_NONE, 0u},
    {"cell set", "4 B", "A/B", c4ab_setup_set, c4ab_op_set, NULL, F_CC4, T_NONE, 0u},
    {"cell set", "64 B", "single", c64s_setup_set, c64s_op_set, NULL, F_CC64, T_CELL, 0u},
    {"cell set", "64 B", "A/B", c64ab_setup_set, c64ab_op_set, NULL, F_CC64, T_CELL, 0u},
    {"cell set", "1 KiB", "single", c1ks_setup_set, c1ks_op_set, NULL, F_CC1K, T_CELL, 0u},
    {"cell set", "1 KiB", "A/B", c1kab_setup_set, c1kab_op_set, NULL, F_CC1K, T_CELL, 0u},
    {"edit commit", "64 B", "single", NULL, c64s_op_edit, NULL, F_CC64, T_NONE, 0u},
    {"edit commit", "64 B", "A/B", NULL, c64ab_op_edit, NULL, F_CC64, T_NONE, 0u},
    {"invalidate", "64 B", "single", c64s_setup_invalidate, c64s_op_invalidate, NULL, F_STORE,
     T_NONE, 0u},
    {"invalidate", "64 B", "A/B", c64ab_setup_invalidate, c64ab_op_invalidate, NULL, F_STORE,
     T_NONE, 0u},
    {"invalidate", "1 KiB", "A/B", c1kab_setup_invalidate, c1kab_op_invalidate, NULL, F_STORE,
     T_NONE, 0u},
    {"buf append", "16 B", "0% full", setup_append, op_append, &g_app16_0, F_CC16, T_APPEND,
     ROW_APPEND0},
    {"buf append", "16 B", "50% full", setup_append, op_append, &g_app16_50, F_CC16, T_APPEND, 0u},
    {"buf append", "16 B", "99% full", setup_append, op_append, &g_app16_99, F_CC16, T_APPEND,
     ROW_APPEND99},
    {"buf append", "256 B", "0% full", setup_append, op_append, &g_app256_0, F_CC256, T_APPEND,
     ROW_APPEND256},
    {"ring append", "16 B", "drops 1", setup_append, op_append, &g_ring16, F_CC16, T_APPEND,
     ROW_RING16},
    {"ring append", "256 B", "drops 1", setup_append, op_append, &g_ring256, F_CC256, T_APPEND,
     ROW_RING256},
    {"ring append", "256 B", "drops 11", setup_append, op_append, &g_ring256_11, F_CC256, T_APPEND,
     0u},
    {"buf stream", "16 B", "4 writes", setup_append, op_stream, &g_stream16, F_CC16, T_APPEND,
     ROW_STREAM16},
    {"buf stream", "16 B", "5+3+5+3", setup_append, op_stream, &g_stream16_odd, F_CC16, T_APPEND,
     0u},
    {"buf stream", "256 B", "4 writes", setup_append, op_stream, &g_stream256, F_CC256, T_APPEND,
     ROW_STREAM256},
    {"buf open", "4 KiB", "100x32 B", NULL, op_open, &g_open, F_OPEN, T_OPEN, 0u},
    {"buf open", "4 KiB", "crafted", setup_crafted, op_open, &g_crafted, F_OPEN, T_NONE, ROW_CRAFTED},
    {"buf open", "4 KiB", "512 empty", setup_crafted_empty, op_open, &g_crafted, F_OPEN, T_NONE,
     ROW_CRAFTED + 1u},
    {"buf open", "4 KiB", "scan only", setup_crafted_scan, op_open, &g_crafted, F_OPEN, T_NONE,
     ROW_CRAFTED + 2u},
};
#define NROWS (sizeof g_rows / sizeof g_rows[0])

/* ---- Line formatting (no printf) ---------------------------------------------- */

typedef struct {
    char s[128];
    uint32_t n;
} line_t;

static void l_str(line_t *l, const char *s)
{
    while (*s && l->n < sizeof l->s - 2u)
        l->s[l->n++] = *s++;
}

static uint32_t str_len(const char *s)
{
    uint32_t n = 0u;
    while (s[n])
        n++;
    return n;
}

static void l_spaces(line_t *l, uint32_t n)
{
    while (n-- > 0u)
        l_str(l, " ");
}

static void l_left(line_t *l, const char *s, uint32_t width)
{
    uint32_t n = str_len(s);
    l_str(l, s);
    l_spaces(l, n < width ? width - n : 0u);
}

static void l_right(line_t *l, const char *s, uint32_t width)
{
    uint32_t n = str_len(s);
    l_spaces(l, n < width ? width - n : 0u);
    l_str(l, s);
}

/* v/100 with two decimals. */
static const char *fmt_x100(char *buf, uint32_t v)
{
    char *p;
    (void)fw_fmt_u32(buf, v / 100u);
    p = buf + str_len(buf);
    p[0] = '.';
    p[1] = (char)('0' + (char)(v % 100u / 10u));
    p[2] = (char)('0' + (char)(v % 10u));
    p[3] = '\0';
    return buf;
}

static void l_x100(line_t *l, uint32_t v, uint32_t width)
{
    char buf[16];
    l_right(l, fmt_x100(buf, v), width);
}

static void l_u32(line_t *l, uint32_t v, uint32_t width)
{
    char buf[FW_U32_DEC_SIZE];
    l_right(l, fw_fmt_u32(buf, v), width);
}

static void l_end(line_t *l)
{
    l->s[l->n++] = '\n';
    l->s[l->n] = '\0';
    fw_puts(l->s);
    l->n = 0u;
}

static void put_line(const char *s)
{
    fw_puts(s);
    fw_puts("\n");
}

static uint32_t ratio_x100(uint32_t num_x100, uint32_t den_x100)
{
    if (den_x100 == 0u)
        return 0u;
    return (uint32_t)(((uint64_t)num_x100 * 100u + den_x100 / 2u) / den_x100);
}

/* Columns: operation, size, mode, instructions, floor, ratio, target, verdict. */
#define W_OP 12u
#define W_SIZE 6u
#define W_MODE 9u
#define W_NUM 10u
#define W_RATIO 9u

static void table_header(void)
{
    line_t l;
    l.n = 0u;
    l_left(&l, "operation", W_OP);
    l_right(&l, "size", W_SIZE);
    l_str(&l, "  ");
    l_left(&l, "mode", W_MODE);
    l_right(&l, "instr", W_NUM);
    l_right(&l, "floor", W_NUM);
    l_right(&l, "ratio", W_RATIO);
    l_str(&l, "  target");
    l_end(&l);
    put_line("-----------------------------------------------------------------------------");
}

static void table_row(const char *op, const char *size, const char *mode, uint32_t instr_x100,
                      uint32_t floor_x100, uint32_t ratio, uint32_t target_x100)
{
    line_t l;
    l.n = 0u;
    l_left(&l, op, W_OP);
    l_right(&l, size, W_SIZE);
    l_str(&l, "  ");
    l_left(&l, mode, W_MODE);
    if (instr_x100 || floor_x100) {
        l_x100(&l, instr_x100, W_NUM);
        l_x100(&l, floor_x100, W_NUM);
    } else {
        l_spaces(&l, 2u * W_NUM);
    }
    l_x100(&l, ratio, W_RATIO);
    if (target_x100) {
        l_str(&l, "  <= ");
        l_x100(&l, target_x100, 4u);
        l_str(&l, ratio <= target_x100 ? "  ok" : "  over");
    } else {
        l_str(&l, "  -");
    }
    l_end(&l);
}

/* ---- Main --------------------------------------------------------------------- */

static int calibrate(void)
{
    uint32_t nops, d, nop7_x100;
    line_t l;
    char buf[16];
    g_what = "calibration";
    g_empty = run_ticks(NULL, op_empty, NULL);
    nops = run_ticks(NULL, op_nop4000, NULL);
    d = nops > g_empty ? nops - g_empty : 0u; /* 0: SysTick not counting instructions */
    g_ipt_x100 = d ? (4000u * REPS * 100u + d / 2u) / d : 0u;
    l.n = 0u;
    l_str(&l, "calibration: 4000 NOPs x ");
    l_u32(&l, REPS, 0u);
    l_str(&l, " runs = ");
    l_u32(&l, d, 0u);
    l_str(&l, " ticks -> ");
    l_str(&l, fmt_x100(buf, g_ipt_x100));
    l_str(&l, " instructions/tick");
    if (g_ipt_x100 < 3900u || g_ipt_x100 > 4100u) {
        l_str(&l, ": FAIL, expected 40 +- 1 (QEMU timing changed?)");
        l_end(&l);
        return -1;
    }
    l_str(&l, " (ok: 40 +- 1)");
    l_end(&l);

    nop7_x100 = measure_x100("7 NOPs", NULL, op_nop7, NULL);
    l_str(&l, "resolution: 7 NOPs measure ");
    l_str(&l, fmt_x100(buf, nop7_x100));
    l_str(&l, " instructions; timing overhead ");
    l_str(&l, fmt_x100(buf, (uint32_t)(((uint64_t)g_empty * g_ipt_x100 + REPS / 2u) / REPS)));
    l_str(&l, " (subtracted)");
    if (nop7_x100 < 650u || nop7_x100 > 750u) {
        l_str(&l, ": FAIL, expected 7.00");
        l_end(&l);
        return -1;
    }
    l_end(&l);
    return 0;
}

static int prepare(void)
{
    uint32_t i;
    int rc;
    for (i = 0u; i < sizeof g_payload; i++)
        g_payload[i] = (uint8_t)(i * 7u + 1u);
    for (i = 0u; i < CRC_BYTES; i++)
        g_crc_data[i] = (uint8_t)(i * 13u + 5u);
    for (i = 0u; i < BUF_CAP / 4u; i++)
        g_floor_src[i] = 0x01000193u * (i + 1u);
    if ((rc = c4s_prepare()) != PRAM_OK || (rc = c4ab_prepare()) != PRAM_OK ||
        (rc = c64s_prepare()) != PRAM_OK || (rc = c64ab_prepare()) != PRAM_OK ||
        (rc = c1ks_prepare()) != PRAM_OK || (rc = c1kab_prepare()) != PRAM_OK) {
        fail("prepare", "cell set", rc);
        return -1;
    }
    if ((rc = pram_buf_open(&append_buf)) < 0 || (rc = pram_buf_open(&open_buf)) < 0 ||
        (rc = pram_buf_open(&crafted_buf)) < 0 || (rc = pram_buf_open(&ring_buf)) < 0 ||
        (rc = pram_buf_clear(&open_buf)) != PRAM_OK) {
        fail("prepare", "buffer open/clear", rc);
        return -1;
    }
    for (i = 0u; i < OPEN_RECS; i++) {
        g_payload[0] = (uint8_t)i;
        if ((rc = pram_buf_append(&open_buf, g_payload, OPEN_REC)) != PRAM_OK) {
            fail("prepare", "append to the open buffer", rc);
            return -1;
        }
    }
    return 0;
}

/* ---- Checks (untimed): each buffer row does what its label says ---------- */

static void check_ring(const char *what, buf_ctx_t *c)
{
    uint32_t before;
    g_what = what;
    setup_append(c);
    if (g_rc != PRAM_OK) {
        fail(what, "setup", g_rc);
        return;
    }
    before = c->buf->head_seq;
    op_append(c);
    if (g_rc != PRAM_OK)
        fail(what, "append", g_rc);
    else if (c->buf->head_seq - before != c->drops)
        fail(what, "dropped another number of records than its label says", 0);
}

static void check_stream(const char *what, buf_ctx_t *c)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t back[LARGE_REC];
    uint32_t i;
    int n;
    setup_append(c);
    op_stream(c);
    if (g_rc != PRAM_OK) {
        fail(what, "stream", g_rc);
        return;
    }
    n = pram_buf_prev(c->buf, &it, &r);
    if (n == 1)
        n = pram_buf_read(c->buf, &r, back, sizeof back);
    if (n != (int)c->len) {
        fail(what, "the streamed record does not read back", n < 0 ? n : 0);
        return;
    }
    for (i = 0u; i < c->len; i++)
        if (back[i] != c->data[i]) {
            fail(what, "the streamed record's bytes differ from those written", 0);
            return;
        }
}

/* Runs setup + open once; open's result and the records it keeps must be
 * `want` records, and the first data word zeroed or not as `zeroed` says. */
static void check_crafted(const char *what, bench_fn_t setup, int want, int zeroed)
{
    uint32_t w0;
    setup(&g_crafted);
    if (g_rc != PRAM_OK) {
        fail(what, "setup", g_rc);
        return;
    }
    w0 = crafted_buf__storage[DATA_W];
    op_open(&g_crafted);
    if (g_rc != PRAM_BUF_INTACT)
        fail(what, "open did not find the control block intact", g_rc < 0 ? g_rc : 0);
    else if (pram_buf_count(&crafted_buf) != want)
        fail(what, "open kept another number of records", 0);
    else if (w0 != 0u && (crafted_buf__storage[DATA_W] == 0u) != (zeroed != 0))
        fail(what, zeroed ? "open did not zero the area" : "open zeroed the area", 0);
}

static void check_rows(void)
{
    check_ring("ring append 16 B drops 1", &g_ring16);
    check_ring("ring append 256 B drops 1", &g_ring256);
    check_ring("ring append 256 B drops 11", &g_ring256_11);
    check_stream("buf stream 16 B 4 writes", &g_stream16);
    check_stream("buf stream 16 B 5+3+5+3", &g_stream16_odd);
    check_stream("buf stream 256 B 4 writes", &g_stream256);
    check_crafted("buf open crafted", setup_crafted, 0, 1);
    check_crafted("buf open 512 empty", setup_crafted_empty, (int)(BUF_CAP / PRAM_BUF_RECORD_HEADER), 0);
    check_crafted("buf open scan only", setup_crafted_scan, 0, 0);
}

/* "label  size  mode  ratio": a ratio of two rows' figures. */
static void derived_row(const char *op, const char *size, const char *mode, uint32_t num, uint32_t den,
                        uint32_t target)
{
    table_row(op, size, mode, 0u, 0u, ratio_x100(num, den), target);
}

/* "  what: a - b instructions" */
static void diff_line(const char *what, uint32_t a_x100, uint32_t b_x100)
{
    line_t l;
    char buf[16];
    l.n = 0u;
    l_str(&l, what);
    l_str(&l, a_x100 >= b_x100 ? "+" : "-");
    l_str(&l, fmt_x100(buf, a_x100 >= b_x100 ? a_x100 - b_x100 : b_x100 - a_x100));
    l_str(&l, " instructions");
    l_end(&l);
}

int main(void)
{
    static const char *const crc_names[] = {"bitwise", "nibble", "byte",
                                                 "pram_crc16 (" CRC16_CONFIGURED ")"};
    static const bench_fn_t crc_fns[] = {op_crc_bitwise, op_crc_nibble, op_crc_byte,
                                         op_crc_configured};
    uint32_t i, kept[ROW_KEPT] = {0u};
    line_t l;

    __asm__ __volatile__("cpsid i" ::: "memory");
    SYST_CSR = 0u;
    SYST_RVR = SYST_MASK;
    SYST_CVR = 0u;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE;

    put_line("bench_cm: instructions per pram operation, Cortex-M3 (QEMU mps2-an385, -icount shift=0)");
    if (calibrate() != 0)
        return 1;
    if (prepare() != 0)
        return 1;
    check_rows();
    if (g_fail)
        return 1;

    for (i = 0u; i < F_COUNT; i++)
        g_floor_x100[i] = measure_x100(g_floor_name[i], NULL, g_floor_fn[i], &g_floor_ctx[i]);

    put_line("core: -Os, pram_fw_config.h, all CRC variants built; pram_crc16 = " CRC16_CONFIGURED);
    put_line("each figure: mean of 80 runs timed alone, setup untimed; ratio = instr / floor");
    put_line("");
    table_header();
    for (i = 0u; i < NROWS; i++) {
        const row_t *r = &g_rows[i];
        uint32_t x = measure_x100(r->op, r->setup, r->fn, r->ctx);
        uint32_t f = g_floor_x100[r->floor];
        table_row(r->op, r->size, r->mode, x, f, ratio_x100(x, f), g_target_x100[r->target]);
        kept[r->flags] = x;
    }
    derived_row("append ratio", "16 B", "99% / 0%", kept[ROW_APPEND99], kept[ROW_APPEND0], 110u);
    derived_row("ring/append", "16 B", "drops 1", kept[ROW_RING16], kept[ROW_APPEND0], 0u);
    derived_row("ring/append", "256 B", "drops 1", kept[ROW_RING256], kept[ROW_APPEND256], 0u);
    derived_row("stream/apnd", "16 B", "4 writes", kept[ROW_STREAM16], kept[ROW_APPEND0], 0u);
    derived_row("stream/apnd", "256 B", "4 writes", kept[ROW_STREAM256], kept[ROW_APPEND256], 0u);
    put_line("");
    diff_line("ring append dropping 1 record, over the plain append: 16 B ", kept[ROW_RING16],
              kept[ROW_APPEND0]);
    diff_line("                                                     256 B ", kept[ROW_RING256],
              kept[ROW_APPEND256]);
    diff_line("streamed in 4 writes, over one append:                16 B ", kept[ROW_STREAM16],
              kept[ROW_APPEND0]);
    diff_line("                                                     256 B ", kept[ROW_STREAM256],
              kept[ROW_APPEND256]);
    {
        uint32_t worst = kept[ROW_CRAFTED];
        char buf[16];
        for (i = 1u; i < 3u; i++)
            if (kept[ROW_CRAFTED + i] > worst)
                worst = kept[ROW_CRAFTED + i];
        l.n = 0u;
        l_str(&l, "open, the worst crafted image: ");
        l_str(&l, fmt_x100(buf, worst));
        l_str(&l, " instructions, ");
        l_str(&l, fmt_x100(buf, (worst + BUF_CAP / 2u) / BUF_CAP));
        l_str(&l, " per byte of the 4096 B data area");
        l_end(&l);
    }
    if (pram_buf_count(&open_buf) != (int)OPEN_RECS)
        fail("buf open", "pram_buf_count after open", pram_buf_count(&open_buf));
    put_line("");
    put_line("floors: get/set/edit/append/stream = word copy of the payload + pram_crc16 over it;");
    put_line("        open = pram_crc16 over the records' bytes (100 x 40 B = 4000 B);");
    put_line("        invalidate = one word store + DSB");
    put_line("ring: 4096 B, full of records of the fill size and wrapped; the timed append drops");
    put_line("      1 record of its own size, or 11 of 16 B for a 256 B one");
    put_line("open crafted: every 8 B the next seq + the largest length that fits, bad CRC at the");
    put_line("      head (walk CRCs 4080 B, then zeroes the area); 512 empty: 512 records of 0 B;");
    put_line("      scan only: empty chain, every other word the next seq, scanned, nothing zeroed");
    l.n = 0u;
    l_str(&l, "fill: 50% = ");
    l_u32(&l, FILL_RECS(50u), 0u);
    l_str(&l, " records (");
    l_u32(&l, FILL_RECS(50u) * PRAM_BUF_RECORD_SPACE(SMALL_REC), 0u);
    l_str(&l, " B), 99% = ");
    l_u32(&l, FILL_RECS(99u), 0u);
    l_str(&l, " records (");
    l_u32(&l, FILL_RECS(99u) * PRAM_BUF_RECORD_SPACE(SMALL_REC), 0u);
    l_str(&l, " B) of a 4096 B data area");
    l_end(&l);

    put_line("");
    put_line("crc16 variant       bytes      instr  instr/byte");
    put_line("-------------------------------------------------");
    for (i = 0u; i < sizeof crc_fns / sizeof crc_fns[0]; i++) {
        uint32_t x = measure_x100(crc_names[i], NULL, crc_fns[i], NULL);
        l_left(&l, crc_names[i], 19u);
        l_u32(&l, CRC_BYTES, 6u);
        l_x100(&l, x, 11u);
        l_x100(&l, (x + CRC_BYTES / 2u) / CRC_BYTES, 12u);
        l_end(&l);
    }
    put_line("");
    if (g_fail) {
        l_str(&l, "bench_cm: FAIL: ");
        l_u32(&l, g_fail, 0u);
        l_str(&l, " failures");
        l_end(&l);
        return 1;
    }
    put_line("bench_cm: done (targets are reported, never enforced)");
    return 0;
}
