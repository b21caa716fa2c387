/* Deterministic torn-write sweep on Cortex-M under QEMU, across real resets.
 *
 * Run under `qemu-system-arm -icount shift=N`: one guest instruction is then
 * 2^N ns of virtual time, so SysTick fires after exactly as many instructions
 * on every run.
 * Each boot does one trial:
 *   1. if the previous boot was cut, check what the containers read now
 *      against what the host sweep (tests/test_powerloss.c) requires;
 *   2. rebuild the pre-operation state from zeroed storage (known commits;
 *      the ring rows restore a copy of the state their first trial built);
 *   3. arm SysTick with reload k: its handler records the interrupted pc and
 *      requests a system reset (DSB + SYSRESETREQ);
 *   4. run the operation.  If it returns before the tick, every cut point of
 *      that operation has been tried: check the uncut result and go on to the
 *      next operation with k = 1.  Otherwise the reset lands here again at
 *      step 1 and k grows by one.
 * The crash capture rows end in a reset of their own: a real BusFault taken
 * by PRAM_FAULT_HANDLERS(), captured into the reboot record, then the
 * library's reset, whose hook (pram_fault_set_reset_hook) marks the capture
 * complete, so that the next boot tells it from a cut.  The BusFault runs
 * below SysTick's priority: the cuts land in the fault entry and the
 * capture too.  Those rows first run once uncut, and the next boot checks
 * that result field by field before the sweep starts (see "Reboot record
 * rows").
 * The shift is chosen so that a tick is a little shorter than an instruction
 * (see g_csr): consecutive k then cut at the same or the next
 * instruction and none is skipped; operation 0 (a sled of NOPs) proves it on
 * every run.
 *
 * What is real here and not in the host sweep: the compiled code of the core
 * (store order as the compiler emitted it, the DSB), the exception entry, and
 * the memory surviving a system reset.  What the host sweep covers and this
 * does not: torn words (QEMU completes every store).
 *
 * The sweep's own state lives in .noinit as a plain struct with a magic and
 * an FNV-1a checksum computed here, so that a broken core cannot corrupt the
 * judge without being noticed.  Exit status 0 (semihosting SYS_EXIT) only if
 * there was no violation and every operation was seen cut both ways. */
#include <stddef.h>
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "pram/pram_reboot.h"

/* Every fault goes to pram_fault: the capture rows fault on purpose; any
 * other fault ends the run (see ts_capture_done). */
PRAM_FAULT_HANDLERS();

/* ---- Containers under test ------------------------------------------------ */

typedef struct {
    uint32_t w;
} v4_t;
/* Not a multiple of 4: the last value word is padded. */
typedef struct {
    uint8_t b[9];
} v9_t;
typedef struct {
    uint8_t b[30];
} v30_t;

PRAM_CELL_DECLARE_AT(c4s, v4_t, 1, PRAM_SINGLE);
PRAM_CELL_DECLARE_AT(c4ab, v4_t, 2, PRAM_AB);
PRAM_CELL_DECLARE_AT(c9s, v9_t, 3, PRAM_SINGLE);
PRAM_CELL_DECLARE_AT(c9ab, v9_t, 4, PRAM_AB);
PRAM_CELL_DECLARE_AT(c30s, v30_t, 5, PRAM_SINGLE);
PRAM_CELL_DECLARE_AT(c30ab, v30_t, 6, PRAM_AB);

#define BUF_CAP 256u
#define GUARD 0x5AFEC0DEu
#define NGUARDS 8u

/* Every container sits between guard words that nothing may ever write:
 * a store that strays outside its container is a violation too. */
typedef struct {
    uint32_t g0;
    c4s_slot_t c4s[1];
    uint32_t g1;
    c4ab_slot_t c4ab[2];
    uint32_t g2;
    c9s_slot_t c9s[1];
    uint32_t g3;
    c9ab_slot_t c9ab[2];
    uint32_t g4;
    c30s_slot_t c30s[1];
    uint32_t g5;
    c30ab_slot_t c30ab[2];
    uint32_t g6;
    uint32_t buf[PRAM_BUF_STORAGE_SIZE(BUF_CAP) / 4u];
    uint32_t g7;
} arena_t;

static PRAM_NOINIT arena_t arena;

PRAM_CELL_DEFINE_AT(c4s, arena.c4s);
PRAM_CELL_DEFINE_AT(c4ab, arena.c4ab);
PRAM_CELL_DEFINE_AT(c9s, arena.c9s);
PRAM_CELL_DEFINE_AT(c9ab, arena.c9ab);
PRAM_CELL_DEFINE_AT(c30s, arena.c30s);
PRAM_CELL_DEFINE_AT(c30ab, arena.c30ab);

static const pram_buf_def_t tbuf_def = PRAM_BUF_DEF_AT(arena.buf, sizeof arena.buf, 7);
/* The same storage as a ring, for the ring rows (each prepare zeroes it). */
static const pram_buf_def_t rbuf_def = PRAM_BUF_DEF_RING_AT(arena.buf, sizeof arena.buf, 8);

static volatile uint32_t *const guards[NGUARDS] = {
    &arena.g0, &arena.g1, &arena.g2, &arena.g3, &arena.g4, &arena.g5, &arena.g6, &arena.g7,
};

/* ---- Operations ------------------------------------------------------------- */

enum {
    K_CALIB,      /* 64 NOPs: checks that the sweep misses no instruction     */
    K_SET,        /* cell set V2 over V1, committed after V0 (A/B: both slots used) */
    K_SET_FIRST,  /* A/B cell set V2 with nothing valid                       */
    K_EDIT,       /* edit scope KEEP: begin, V1 -> V2 in place, commit        */
    K_INVALIDATE, /* invalidate a cell holding V1, committed after V0         */
    K_APPEND,     /* append R3 after R0..R2 (records from before a clear
                     beyond the tail)                                      */
    K_CLEAR,      /* clear a buffer holding R0..R2                            */
    K_RING,       /* ring append that wraps to offset 0, dropping 4 records  */
    K_STREAM,     /* the same record streamed in 3 writes: drops 1, moves to
                     offset 0 dropping 2, drops 1 more, commits              */
    K_REC_MARK,   /* pram_reboot_mark on the reboot record P                 */
    K_REC_BOOT,   /* the boot call's commit: pram_reboot_boot_with(none) on
                     P + a mark                                             */
    K_CRASH,      /* a real BusFault captured into P by PRAM_FAULT_HANDLERS */
    K_CRASH_LOG   /* the same, with the fault log set: the fault comes in the
                     middle of a streamed record on that log               */
};

static int is_record_op(uint32_t kind)
{
    return kind >= K_REC_MARK;
}

/* The ops whose end is a reset (the capture never returns). */
static int is_capture_op(uint32_t kind)
{
    return kind == K_CRASH || kind == K_CRASH_LOG;
}

enum { OUT_OLD, OUT_NEW, OUT_INVALID, OUT_VIOL, OUT_NONE };
#define REQ(o) (1u << (o))

typedef struct {
    const char *name;
    uint8_t kind;
    const pram_cell_t *cell; /* NULL: the buffer (or the calibration sled) */
    uint32_t len;            /* K_APPEND: payload bytes                    */
    uint32_t required;       /* outcomes that must each be seen at least once */
    uint8_t typed;           /* 1: through the cell's typed call, compiled here */
} op_t;

#define CELL_REQ(mode) (REQ(OUT_OLD) | REQ(OUT_NEW) | ((mode) == PRAM_SINGLE ? REQ(OUT_INVALID) : 0u))

static const op_t ops[] = {
    {"calibration, 64 nops", K_CALIB, NULL, 0u, 0u, 0u},
    {"cell set", K_SET, &c4s, 0u, CELL_REQ(PRAM_SINGLE), 0u},
    {"cell set", K_SET, &c4ab, 0u, CELL_REQ(PRAM_AB), 0u},
    {"cell set", K_SET, &c9s, 0u, CELL_REQ(PRAM_SINGLE), 0u},
    {"cell set", K_SET, &c9ab, 0u, CELL_REQ(PRAM_AB), 0u},
    {"cell set", K_SET, &c30s, 0u, CELL_REQ(PRAM_SINGLE), 0u},
    {"cell set", K_SET, &c30ab, 0u, CELL_REQ(PRAM_AB), 0u},
    {"cell set, first commit", K_SET_FIRST, &c4ab, 0u, REQ(OUT_INVALID) | REQ(OUT_NEW), 0u},
    {"cell edit KEEP+commit", K_EDIT, &c9s, 0u, CELL_REQ(PRAM_SINGLE), 0u},
    {"cell edit KEEP+commit", K_EDIT, &c9ab, 0u, CELL_REQ(PRAM_AB), 0u},
    {"cell invalidate", K_INVALIDATE, &c4s, 0u, REQ(OUT_OLD) | REQ(OUT_INVALID), 0u},
    {"cell invalidate", K_INVALIDATE, &c4ab, 0u, REQ(OUT_OLD) | REQ(OUT_INVALID), 0u},
    {"typed set", K_SET, &c4s, 0u, CELL_REQ(PRAM_SINGLE), 1u},
    {"typed set", K_SET, &c4ab, 0u, CELL_REQ(PRAM_AB), 1u},
    {"typed set", K_SET, &c9s, 0u, CELL_REQ(PRAM_SINGLE), 1u},
    {"typed set", K_SET, &c30ab, 0u, CELL_REQ(PRAM_AB), 1u},
    {"typed invalidate", K_INVALIDATE, &c4s, 0u, REQ(OUT_OLD) | REQ(OUT_INVALID), 1u},
    {"typed invalidate", K_INVALIDATE, &c4ab, 0u, REQ(OUT_OLD) | REQ(OUT_INVALID), 1u},
    {"buf append", K_APPEND, NULL, 6u, REQ(OUT_OLD) | REQ(OUT_NEW), 0u},
    {"buf append", K_APPEND, NULL, 23u, REQ(OUT_OLD) | REQ(OUT_NEW), 0u},
    {"buf clear", K_CLEAR, NULL, 0u, REQ(OUT_OLD) | REQ(OUT_NEW), 0u},
    {"ring append, drops 4", K_RING, NULL, 30u, REQ(OUT_OLD) | REQ(OUT_INVALID) | REQ(OUT_NEW), 0u},
    {"ring stream, 3 writes", K_STREAM, NULL, 30u, REQ(OUT_OLD) | REQ(OUT_INVALID) | REQ(OUT_NEW),
     0u},
    {"reboot mark", K_REC_MARK, NULL, 0u, REQ(OUT_OLD) | REQ(OUT_NEW), 0u},
    {"reboot boot commit", K_REC_BOOT, NULL, 0u, REQ(OUT_OLD) | REQ(OUT_NEW), 0u},
    {"fault capture", K_CRASH, NULL, 0u, REQ(OUT_OLD) | REQ(OUT_NEW), 0u},
    {"fault capture + log", K_CRASH_LOG, NULL, 0u, REQ(OUT_OLD) | REQ(OUT_INVALID) | REQ(OUT_NEW),
     0u},
};
#define NOPS (sizeof ops / sizeof ops[0])

/* The reboot record: its value (pram_reboot.c's private struct, never
 * looked into here: compared whole) and its storage, checked at boot. */
#define REC_VAL_WORDS 40u
#define REC_STORE_WORDS 96u
/* Record values the rows compare with: P, P + mark, after the boot call,
 * after each capture. */
enum { VAL_P, VAL_PM, VAL_BOOT, VAL_CRASH, VAL_CRASH_LOG, NVALS };

/* ---- Sweep state (.noinit, own checksum: nothing from the core) ---------- */

typedef struct {
    uint32_t cuts;      /* boots cut during this operation (values of k)    */
    uint32_t points;    /* cuts at another pc than the cut before: distinct */
    uint32_t out[4];    /* OUT_OLD .. OUT_VIOL                              */
    uint32_t missing;   /* required outcomes never seen (bit mask)          */
    uint32_t first_bad; /* k of the first violation, 0 if none              */
    uint32_t rank;      /* highest outcome rank seen so far, + 1            */
    uint32_t printed;   /* violation lines printed (bounded)                */
    uint32_t aux[4];    /* calibration: sled bitmap (2 words), first/last k;
                           ring rows: most records seen dropped, the set of
                           drop counts seen (bit mask)                     */
} op_stats_t;

typedef struct {
    uint32_t magic;
    uint32_t op;      /* operation being swept                          */
    uint32_t k;       /* SysTick reload of the next trial               */
    uint32_t armed;   /* a trial was started and has not come back      */
    uint32_t last_pc; /* pc of the previous cut of this operation       */
    uint32_t boots;
    op_stats_t st[NOPS];
    /* The ring rows' pre-operation state, built once through the API (see
     * prepare_ring) and restored before each of their trials; later the
     * crash log row's (linear buffer, see prepare_log).  SNAP_*. */
    uint32_t ring_ok;
    uint32_t ring_mem[PRAM_BUF_STORAGE_SIZE(BUF_CAP) / 4u];
    pram_buf_t ring_h;
    /* The reboot record rows (see "Reboot record rows" below). */
    uint32_t ref_run;   /* the trial under way is a capture's uncut reference */
    uint32_t rec_done;  /* REC_* bits: what has been built and verified     */
    uint32_t rec_p[REC_STORE_WORDS];  /* storage of P                       */
    uint32_t rec_pm[REC_STORE_WORDS]; /* storage of P + the mark            */
    uint32_t val[NVALS][REC_VAL_WORDS]; /* record values, VAL_*             */
    uint32_t crash_sp;  /* sp the reference capture recorded (the log line) */
    uint32_t sum; /* FNV-1a over everything above                   */
} sweep_t;

#define SWEEP_MAGIC 0x5EE97052u
/* Development only: start at this operation (the rows before it then miss
 * their outcomes and the run fails). */
#ifndef TS_FIRST_OP
#  define TS_FIRST_OP 0u
#endif
#define STARTED_MAGIC 0x57A27EDu
#define CUT_MARK 0xC07C07C0u
#define DONE_MARK 0xD0AEC0DEu /* the capture's reset hook ran: it completed */
#define K_MAX 400000u
#define MAX_PRINTED 4u /* per operation */

static PRAM_NOINIT sweep_t sweep;
/* Set once on the first boot: a later boot finding the sweep state broken
 * must fail instead of quietly starting over (QEMU RAM starts zeroed). */
static PRAM_NOINIT volatile uint32_t ts_started;

/* Written only by SysTick_Handler (assembly refers to it by name), and
 * mark by the capture rows' reset hook. */
typedef struct {
    uint32_t pc;
    uint32_t mark;
    uint32_t xpsr; /* stacked xPSR: its IPSR says what the cut interrupted */
} ts_cut_t;
extern volatile ts_cut_t ts_cut;
PRAM_NOINIT volatile ts_cut_t ts_cut;

static uint32_t fnv(const volatile uint32_t *p, uint32_t words)
{
    uint32_t h = 2166136261u, i;
    for (i = 0u; i < words; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

#define SWEEP_WORDS ((uint32_t)(offsetof(sweep_t, sum) / 4u))

static void state_save(void)
{
    sweep.sum = fnv((const volatile uint32_t *)&sweep, SWEEP_WORDS);
    __asm__ __volatile__("dsb 0xf" ::: "memory");
}

static int state_ok(void)
{
    return sweep.magic == SWEEP_MAGIC && sweep.op <= NOPS &&
           sweep.sum == fnv((const volatile uint32_t *)&sweep, SWEEP_WORDS);
}

/* ---- SysTick: the power cut ---------------------------------------------- */

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SYST_CALIB (*(volatile uint32_t *)0xE000E01Cu)
#define CALIB_NOREF (1u << 31)
#define CSR_ENABLE_TICKINT 3u
#define CSR_CLKSOURCE (1u << 2)
#define ICSR_PENDSTCLR (1u << 25)

/* The reference clock when there is one: 1 MHz on QEMU's mps2-an385, which
 * with -icount shift=10 (1024 ns per instruction) makes a tick a little
 * shorter than an instruction.  QEMU's mps2-an505 has none (SYST_CALIB.NOREF):
 * the 20 MHz processor clock, 50 ns, with shift=6 (64 ns) does the same.
 * Chosen once per boot, before anything is armed. */
static uint32_t g_csr;

void SysTick_Handler(void) __attribute__((naked));
/* Naked, so that the frame is still where exception entry put it: the
 * stacked pc (frame word 6) says which instruction the cut came before.
 * The DSB drains the pc store, as it would drain any store of the
 * interrupted code, before the reset request. */
void SysTick_Handler(void)
{
    __asm__ __volatile__("tst lr, #4\n\t"
                         "ite eq\n\t"
                         "mrseq r0, msp\n\t"
                         "mrsne r0, psp\n\t"
                         "ldr r1, [r0, #24]\n\t"
                         "movw r2, #:lower16:ts_cut\n\t"
                         "movt r2, #:upper16:ts_cut\n\t"
                         "str r1, [r2]\n\t"
                         "ldr r1, [r0, #28]\n\t"
                         "str r1, [r2, #8]\n\t"
                         "movw r1, #0x07C0\n\t"
                         "movt r1, #0xC07C\n\t"
                         "str r1, [r2, #4]\n\t"
                         "dsb 0xf\n\t"
                         "movw r0, #0xED0C\n\t"
                         "movt r0, #0xE000\n\t"
                         "movw r1, #0x0004\n\t"
                         "movt r1, #0x05FA\n\t"
                         "str r1, [r0]\n\t"
                         "dsb 0xf\n"
                         "1:\tb 1b\n");
}

static void systick_arm(uint32_t reload)
{
    SYST_CSR = 0u;
    SYST_RVR = reload;
    SYST_CVR = 0u;
    SYST_CSR = g_csr;
}

static void systick_off(void)
{
    SYST_CSR = 0u;
    SCB_ICSR = ICSR_PENDSTCLR;
}

/* ---- Calibration sled -------------------------------------------------------- */

extern const uint16_t ts_sled_nops[];
#define SLED_NOPS 64u

static void sled(void) __attribute__((naked, noinline));
static void sled(void)
{
    __asm__ __volatile__(".global ts_sled_nops\n"
                         "ts_sled_nops:\n"
                         ".rept 64\n\tnop\n.endr\n\t"
                         "bx lr\n");
}

/* ---- Values and records ------------------------------------------------------ */

/* Generation g of a value: every byte differs between generations, so a
 * value mixed from two of them can never compare equal to either. */
static uint8_t val_byte(uint32_t g, uint32_t i)
{
    return (uint8_t)(0x11u + 13u * i + 0x40u * g);
}

static void val_fill(uint8_t *v, uint32_t g, uint32_t n)
{
    uint32_t i;
    for (i = 0u; i < n; i++)
        v[i] = val_byte(g, i);
}

static int val_is(const uint8_t *v, uint32_t g, uint32_t n)
{
    uint32_t i;
    for (i = 0u; i < n; i++)
        if (v[i] != val_byte(g, i))
            return 0;
    return 1;
}

#define MAX_VAL 32u
#define MAX_REC 32u
#define REC_NEW 3u    /* the record the append op writes      */
#define REC_AFTER 4u  /* the record appended after each check */
#define REC_STALE 10u /* records cleared before R0 was appended */

static uint8_t rec_byte(uint32_t j, uint32_t i)
{
    return (uint8_t)(0x21u + 0x35u * j + 7u * i);
}

static uint32_t rec_len(uint32_t j, uint32_t new_len)
{
    static const uint8_t lens[] = {5u, 16u, 1u, 0u, 7u};
    /* Spaces 20 + 12 + 20 = 16 + 24 + 12 (R0..R2): the appended record's
     * header lands exactly on the header of a record from before the clear
     * (an earlier sequence number, a plausible length), the most believable
     * thing a cut can leave under the new one. */
    static const uint8_t stale[] = {12u, 3u, 12u, 9u, 30u};
    if (j == REC_NEW)
        return new_len;
    return j < REC_STALE ? lens[j] : stale[j - REC_STALE];
}

static void rec_fill(uint8_t *p, uint32_t j, uint32_t n)
{
    uint32_t i;
    for (i = 0u; i < n; i++)
        p[i] = rec_byte(j, i);
}

/* ---- Reporting ------------------------------------------------------------ */

static const char *const out_name[] = {"old", "new", "invalid", "VIOLATION", "-"};

static void put_pad(const char *s, uint32_t width, int right)
{
    uint32_t n = 0u;
    while (s[n] != '\0')
        n++;
    if (right)
        for (; n < width; n++)
            fw_puts(" ");
    fw_puts(s);
    if (!right)
        for (; n < width; n++)
            fw_puts(" ");
}

static void put_num(uint32_t v, uint32_t width)
{
    char b[FW_U32_DEC_SIZE];
    put_pad(fw_fmt_u32(b, v), width, 1);
}

static const char *mode_name(const op_t *op)
{
    if (op->kind == K_RING || op->kind == K_STREAM)
        return "ring";
    if (is_record_op(op->kind))
        return "record";
    if (!op->cell)
        return "-";
    return op->cell->mode == PRAM_AB ? "A/B" : "single";
}

static uint32_t op_size(const op_t *op)
{
    if (is_record_op(op->kind))
        return pram_reboot_cell()->size;
    return op->cell ? op->cell->size : op->len;
}

/* 1 while judging a boot that follows a cut (ts_cut.pc is then this cut's). */
static int g_after_cut;

static void violation(uint32_t opi, const char *what, int rc)
{
    op_stats_t *s = &sweep.st[opi];
    if (s->first_bad == 0u)
        s->first_bad = sweep.k;
    if (s->printed >= MAX_PRINTED)
        return;
    s->printed++;
    fw_puts("torn_sweep: VIOLATION op ");
    fw_put_u32(opi);
    fw_puts(" (");
    fw_puts(ops[opi].name);
    fw_puts(" ");
    fw_puts(mode_name(&ops[opi]));
    fw_puts(") k ");
    fw_put_u32(sweep.k);
    if (g_after_cut) {
        fw_puts(" pc ");
        fw_put_hex32(ts_cut.pc);
    } else {
        fw_puts(" (not cut)");
    }
    fw_puts(": ");
    fw_puts(what);
    if (rc != PRAM_OK) {
        fw_puts(" (");
        fw_puts(pram_strerror(rc));
        fw_puts(")");
    }
    fw_puts("\n");
}

/* ---- Pre-operation state ---------------------------------------------------- */

static pram_buf_t g_buf;                   /* opened by prepare, used by run */
static uint8_t g_val[MAX_VAL] PRAM_ALIGNED(4); /* typed values point into it */             /* value or payload the op writes */

static void raw_zero(void *addr, uint32_t bytes)
{
    volatile uint32_t *p = (volatile uint32_t *)addr;
    uint32_t i;
    for (i = 0u; i < bytes / 4u; i++)
        p[i] = 0u;
}

/* Returns 0, or the failing call's error: the sweep cannot go on then. */
static int prepare_buf(void)
{
    uint8_t rec[MAX_REC];
    uint32_t j;
    int rc;
    raw_zero(arena.buf, sizeof arena.buf);
    g_buf = (pram_buf_t)PRAM_BUF_INIT(&tbuf_def);
    rc = pram_buf_open(&g_buf);
    if (rc != PRAM_BUF_COLD)
        return rc < 0 ? rc : PRAM_ERR_CORRUPT;
    /* Records from before a clear beyond R0..R2's tail: the new record is
     * written over them and must never be read as one of them. */
    for (j = REC_STALE; j < REC_STALE + 5u; j++) {
        rec_fill(rec, j, rec_len(j, 0u));
        rc = pram_buf_append(&g_buf, rec, rec_len(j, 0u));
        if (rc)
            return rc;
    }
    rc = pram_buf_clear(&g_buf);
    if (rc)
        return rc;
    for (j = 0u; j < REC_NEW; j++) {
        rec_fill(rec, j, rec_len(j, 0u));
        rc = pram_buf_append(&g_buf, rec, rec_len(j, 0u));
        if (rc)
            return rc;
    }
    return PRAM_OK;
}

/* ---- Ring rows -------------------------------------------------------------
 * A fresh ring of 256 B gets records 0..14 (the record with sequence number
 * s holds rec_fill(s), ring_len[s] bytes).  The first six (30 B, 40 B each)
 * fill it to 240, a 1 B record to 252, then 5, 7 and 0 B records go to
 * offset 0 (the first of them wraps, dropping 0), and five more 30 B records
 * drop 1..5 as they go round.  Before the operation the ring holds 6..14,
 * wrapped:
 *
 *   0     16    32 40    80    120   160   200   240   252 256
 *   | 7   | 8   |9 | 10  | 11  | 12  | 13  | 14  | 6   |   |
 *
 * with the tail at 240 = the head.  Record 15 (30 B, 40 B of space) fits
 * nowhere: the operation drops 6 (above the wrap point: the head goes back
 * to 0), then 7, 8 and 9, and writes 15 at offset 0.  After it: 10..15.
 * Streamed in writes of 4, 8 and 18 B, the same record starts at 240 (the
 * begin drops 6), outgrows the end (drops 7 and 8 and moves to offset 0,
 * copying its first 4 B), then drops 9 as it reaches 30 B.
 *
 * A cut may leave records d..14 (d records dropped, d one of the drop
 * points: 0 or 4; streamed: 0, 1, 3 or 4), or 10..15; never a part of a
 * batch of drops, and nothing else.  In the table, "invalid" counts the
 * states with the dropped records gone and record 15 not (yet) there. */
#define SNAP_RING 1u
#define SNAP_LOG 2u
static const uint8_t ring_len[] = {30u, 30u, 30u, 30u, 30u, 30u, 1u, 5u, 7u, 0u,
                                   30u, 30u, 30u, 30u, 30u, 30u};
#define RING_PREP 15u  /* records the prepare appends: 0..14  */
#define RING_NEW 15u   /* the operation's record               */
#define RING_FIRST 6u  /* oldest record before the operation   */
#define RING_DROPS 4u  /* records the operation drops: 6..9    */
#define RING_AFTER_LEN 7u
#define RING_DROPS_APPEND ((1u << 0) | (1u << RING_DROPS))
#define RING_DROPS_STREAM ((1u << 0) | (1u << 1) | (1u << 3) | (1u << RING_DROPS))

static uint32_t ring_drop_points(const op_t *op)
{
    return op->kind == K_STREAM ? RING_DROPS_STREAM : RING_DROPS_APPEND;
}

/* The first trial builds the state through the API from zeroed storage and
 * keeps a copy (storage and handle) in the checksummed sweep state; later
 * trials restore the copy: the same bytes, for a fraction of the time. */
static int prepare_ring(void)
{
    uint8_t rec[MAX_REC];
    uint32_t j;
    int rc;
    if (sweep.ring_ok == SNAP_RING) {
        for (j = 0u; j < sizeof arena.buf / 4u; j++)
            arena.buf[j] = sweep.ring_mem[j];
        g_buf = sweep.ring_h;
        return PRAM_OK;
    }
    raw_zero(arena.buf, sizeof arena.buf);
    g_buf = (pram_buf_t)PRAM_BUF_INIT(&rbuf_def);
    rc = pram_buf_open(&g_buf);
    if (rc != PRAM_BUF_COLD)
        return rc < 0 ? rc : PRAM_ERR_CORRUPT;
    for (j = 0u; j < RING_PREP; j++) {
        rec_fill(rec, j, ring_len[j]);
        rc = pram_buf_append(&g_buf, rec, ring_len[j]);
        if (rc)
            return rc;
    }
    /* The layout drawn above, or the rows would not test what they say. */
    if (g_buf.head_seq != RING_FIRST || g_buf.count != RING_PREP - RING_FIRST || g_buf.head != 240u ||
        g_buf.tail != 240u || g_buf.wrap != 252u)
        return PRAM_ERR_CORRUPT;
    for (j = 0u; j < sizeof arena.buf / 4u; j++)
        sweep.ring_mem[j] = arena.buf[j];
    sweep.ring_h = g_buf;
    sweep.ring_ok = SNAP_RING;
    return PRAM_OK;
}

/* ---- Reboot record rows ------------------------------------------------------
 * The record (pram_reboot.c: one A/B cell in .noinit) starts every trial as
 * P: built once through the API from zeroed storage by two boot calls
 * (cold, then unknown: both slots written, so a cut can never bring back
 * the older one), its storage kept in the sweep state and copied back
 * before each trial.  The rows:
 *   reboot mark         pram_reboot_mark(USER, TS_MARK_ARG) on P -> P+mark
 *   reboot boot commit  pram_reboot_boot_with(&pram_reset_port_none) on
 *                       P+mark: reports software, takes the mark, commits
 *   fault capture       a real precise BusFault (ts_fault below) taken by
 *                       PRAM_FAULT_HANDLERS()'s entry, captured, committed
 *                       into P, then the library's reset; the reset hook
 *                       marks the capture complete
 *   + log line          the same with a fault log set (the linear buffer
 *                       holding R0..R2) and the fault in the middle of a
 *                       record streamed on it: the handler takes the log
 *                       over (abandoned=1) and appends its line
 * The BusFault handler runs below SysTick's priority, so the cut lands on
 * every instruction of the entry and the capture too.
 *
 * Each row's result is run uncut first and verified through the public
 * report (pram_reboot_boot_with) against values known here: every field of
 * the crash (pc = ts_fault_pc from the ELF, the registers ts_fault loads,
 * sp, the stack slice ts_fault pushes, CFSR/HFSR/BFAR of the BusFault,
 * EXC_RETURN, IPSR), the counts, the mark.  After a cut the record's value
 * must then equal the one before or the verified one after, word for word:
 * nothing else, and the counts with it.  With the log: the line (built here
 * from the verified crash) is there only with the crash, and whole. */

extern uint32_t __bss_start[];
extern uint32_t __stack_top[];

#define TS_MARK_ARG 0x5EE9A126u
/* What ts_fault loads before it faults; its stack slice is TS_STACK0 + i. */
#define TS_R0 0x0A0A0A0Au
#define TS_R2 0x0C0C0C0Cu
#define TS_R12 0x1C1C1C1Cu
#define TS_LR 0x0E0E0E0Fu
#define TS_STACK0 0x57AC0000u
#define TS_BAD_ADDRESS 0xA0000000u /* unmapped on both boards: precise BusFault */
/* cmp r0, r0 (Z, C), Thumb; thread mode; the sp is 8-aligned (no pad). */
#define TS_XPSR 0x61000000u
#define TS_EXC_RETURN 0xFFFFFFF9u  /* thread mode, MSP, no FP frame (Secure on v8-M) */
#define TS_BUSFAULT 5u

/* uint32_t ts_fault(void): pushes 8 known words, loads known values into
 * r0-r3, r12 and lr (r3 = sp), then loads from TS_BAD_ADDRESS at
 * ts_fault_pc.  Returns (restoring lr) only if that load did not fault. */
extern void ts_fault(void);
extern const uint16_t ts_fault_pc[];
__asm__(".pushsection .text.ts_fault,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".global ts_fault\n\t"
        ".type ts_fault, %function\n\t"
        ".thumb_func\n"
        "ts_fault:\n\t"
        "push {r4, lr}\n\t"
        "sub sp, sp, #32\n\t"
        "ldr r0, =0x57AC0000\n\t"
        "movs r1, #0\n"
        "1:\n\t"
        "str r0, [sp, r1, lsl #2]\n\t"
        "adds r0, r0, #1\n\t"
        "adds r1, r1, #1\n\t"
        "cmp r1, #8\n\t"
        "bne 1b\n\t"
        "ldr r0, =0x0A0A0A0A\n\t"
        "ldr r1, =0xA0000000\n\t"
        "ldr r2, =0x0C0C0C0C\n\t"
        "mov r3, sp\n\t"
        "ldr r12, =0x1C1C1C1C\n\t"
        "ldr lr, =0x0E0E0E0F\n\t"
        "cmp r0, r0\n\t"
        ".global ts_fault_pc\n"
        "ts_fault_pc:\n\t"
        "ldr r0, [r1]\n\t"
        "add sp, sp, #32\n\t"
        "pop {r4, pc}\n\t"
        ".ltorg\n\t"
        ".size ts_fault, . - ts_fault\n\t"
        ".popsection\n");

#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_SHPR1 (*(volatile uint32_t *)0xE000ED18u)
#define SCB_SHPR3 (*(volatile uint32_t *)0xE000ED20u)
#define SHCSR_BUSFAULTENA (1u << 17)

/* BusFault enabled, below SysTick: SysTick (priority 0) preempts the
 * capture; BusFault at 0x80.  Every boot (a reset clears them). */
static void fault_priorities(void)
{
    SCB_SHPR1 = (SCB_SHPR1 & ~(0xFFu << 8)) | (0x80u << 8);
    SCB_SHPR3 &= ~(0xFFu << 24);
    SCB_SHCSR |= SHCSR_BUSFAULTENA;
    __asm__ __volatile__("dsb 0xf\n\tisb 0xf" ::: "memory");
}

/* 1 while a capture row runs its operation. */
static volatile uint32_t g_capture_expected;

/* pram_fault's reset hook: runs after the capture committed, just before
 * the library's own reset.  A fault anywhere else ends the run. */
static void ts_capture_done(void)
{
    if (g_capture_expected != 1u) {
        fw_puts("torn_sweep: FAIL: a fault outside the capture rows (pram_fault captured it)\n");
        fw_exit(1);
    }
    ts_cut.mark = DONE_MARK;
    __asm__ __volatile__("dsb 0xf" ::: "memory");
}

static uint32_t words_eq(const volatile uint32_t *a, const volatile uint32_t *b, uint32_t n)
{
    uint32_t i;
    for (i = 0u; i < n; i++)
        if (a[i] != b[i])
            return 0u;
    return 1u;
}

static void words_copy(volatile uint32_t *dst, const volatile uint32_t *src, uint32_t n)
{
    uint32_t i;
    for (i = 0u; i < n; i++)
        dst[i] = src[i];
}

#define REC_CELL (pram_reboot_cell())
#define REC_VWORDS ((uint32_t)REC_CELL->size / 4u)
#define REC_SWORDS (pram_cell_storage_size(REC_CELL) / 4u)

/* The record's value into v (REC_VAL_WORDS words, zero-padded). */
static int rec_read(uint32_t *v)
{
    uint32_t i;
    for (i = 0u; i < REC_VAL_WORDS; i++)
        v[i] = 0u;
    return pram_cell_get(REC_CELL, v, REC_CELL->size);
}

/* REC_P_BUILT .. : what sweep.rec_done says is ready. */
#define REC_P_BUILT 0x1u
#define REC_PM_BUILT 0x2u
#define REC_BOOT_REF 0x4u
#define REC_CRASH_REF 0x8u
#define REC_CRASH_LOG_REF 0x10u

/* A check on a reference result: reports and fails the row. */
static int ref_fail(uint32_t opi, const char *what)
{
    violation(opi, what, PRAM_OK);
    sweep.st[opi].out[OUT_VIOL]++;
    return PRAM_ERR_CORRUPT;
}

/* A fresh boot call on the record as it is: its report. */
static const pram_reboot_report_t *rec_boot(void)
{
    pram_reboot_new_boot();
    return pram_reboot_boot_with(&pram_reset_port_none);
}

static int report_is(const pram_reboot_report_t *r, pram_reboot_reason_t reason, uint32_t mark,
                     uint32_t mark_arg, uint32_t boots, uint32_t crashes, uint32_t unexpected,
                     uint32_t has_crash)
{
    return r->reason == reason && r->causes == 0u && r->raw == 0u && r->mark == mark &&
           r->mark_arg == mark_arg && r->boots == boots && r->crashes == crashes &&
           r->unexpected == unexpected && r->cold == 0u && r->has_crash == has_crash;
}

/* P: boots 2, no crash, 1 unexpected (the second boot call: unknown). */
static int build_p(uint32_t opi)
{
    const pram_reboot_report_t *r;
    uint32_t i;
    if (REC_CELL->size % 4u != 0u || REC_VWORDS > REC_VAL_WORDS || REC_SWORDS > REC_STORE_WORDS)
        return ref_fail(opi, "the reboot record outgrew the sweep's copies (REC_VAL_WORDS, REC_STORE_WORDS)");
    raw_zero(REC_CELL->addr, pram_cell_storage_size(REC_CELL));
    r = rec_boot();
    if (r->reason != PRAM_REBOOT_POWER_ON || r->cold != 1u || r->boots != 1u)
        return ref_fail(opi, "building P: the first boot call on zeroed storage is not cold");
    r = rec_boot();
    if (!report_is(r, PRAM_REBOOT_UNKNOWN, 0u, 0u, 2u, 0u, 1u, 0u))
        return ref_fail(opi, "building P: the second boot call does not report unknown, boot 2");
    if (rec_read(sweep.val[VAL_P]) != PRAM_OK)
        return ref_fail(opi, "building P: the record does not read back");
    for (i = 0u; i < REC_SWORDS; i++)
        sweep.rec_p[i] = ((const uint32_t *)REC_CELL->addr)[i];
    sweep.rec_done |= REC_P_BUILT;
    return PRAM_OK;
}

static int restore_p(uint32_t opi)
{
    int rc = (sweep.rec_done & REC_P_BUILT) ? PRAM_OK : build_p(opi);
    if (rc == PRAM_OK)
        words_copy((volatile uint32_t *)REC_CELL->addr, sweep.rec_p, REC_SWORDS);
    return rc;
}

/* P + mark: the mark row's uncut result, and the boot row's start. */
static int build_pm(uint32_t opi)
{
    int rc = restore_p(opi);
    uint32_t i;
    if (rc)
        return rc;
    rc = pram_reboot_mark(PRAM_MARK_USER, TS_MARK_ARG);
    if (rc)
        return ref_fail(opi, "the uncut pram_reboot_mark failed");
    if (rec_read(sweep.val[VAL_PM]) != PRAM_OK)
        return ref_fail(opi, "the record does not read back after pram_reboot_mark");
    for (i = 0u; i < REC_SWORDS; i++)
        sweep.rec_pm[i] = ((const uint32_t *)REC_CELL->addr)[i];
    if (!report_is(rec_boot(), PRAM_REBOOT_SOFTWARE, PRAM_MARK_USER, TS_MARK_ARG, 3u, 0u, 1u, 0u))
        return ref_fail(opi, "after pram_reboot_mark the next boot does not report software with the mark");
    sweep.rec_done |= REC_PM_BUILT;
    return PRAM_OK;
}

static int restore_pm(uint32_t opi)
{
    int rc = (sweep.rec_done & REC_PM_BUILT) ? PRAM_OK : build_pm(opi);
    if (rc == PRAM_OK)
        words_copy((volatile uint32_t *)REC_CELL->addr, sweep.rec_pm, REC_SWORDS);
    return rc;
}

/* The boot row's uncut result: its own report, then the next boot's. */
static int build_boot_ref(uint32_t opi)
{
    int rc = restore_pm(opi);
    if (rc)
        return rc;
    if (!report_is(rec_boot(), PRAM_REBOOT_SOFTWARE, PRAM_MARK_USER, TS_MARK_ARG, 3u, 0u, 1u, 0u))
        return ref_fail(opi, "the uncut boot call on P + mark does not report software with the mark");
    if (rec_read(sweep.val[VAL_BOOT]) != PRAM_OK)
        return ref_fail(opi, "the record does not read back after the boot call");
    if (!report_is(rec_boot(), PRAM_REBOOT_UNKNOWN, 0u, 0u, 4u, 0u, 2u, 0u))
        return ref_fail(opi, "after the boot call the mark is still there, or the counts are wrong");
    sweep.rec_done |= REC_BOOT_REF;
    return PRAM_OK;
}

/* ---- The crash line (built here, not with pram_fault_format) ---------- */

#define LINE_MAX 100u

static uint32_t line_put(char *b, uint32_t n, const char *s)
{
    while (*s && n < LINE_MAX - 1u)
        b[n++] = *s++;
    return n;
}

static uint32_t line_hex(char *b, uint32_t n, const char *label, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    uint32_t i;
    n = line_put(b, n, label);
    n = line_put(b, n, "0x");
    for (i = 0u; i < 8u && n < LINE_MAX - 1u; i++)
        b[n++] = digits[(v >> (28u - 4u * i)) & 0xFu];
    return n;
}

/* The line the handler must log for the reference crash. */
static uint32_t expected_line(char *b)
{
    uint32_t n = line_put(b, 0u, "fault PRECISERR");
    n = line_hex(b, n, " pc=", (uint32_t)(uintptr_t)ts_fault_pc);
    n = line_hex(b, n, " lr=", TS_LR);
    n = line_hex(b, n, " sp=", sweep.crash_sp);
    n = line_hex(b, n, " addr=", TS_BAD_ADDRESS);
    n = line_put(b, n, " abandoned=1");
    b[n] = '\0';
    return n;
}

/* The crash log row's buffer: R0..R2, built like the append rows' and kept
 * as a copy (the ring rows' copy is not needed any more). */
static int prepare_log(void)
{
    uint32_t j;
    int rc;
    if (sweep.ring_ok == SNAP_LOG) {
        for (j = 0u; j < sizeof arena.buf / 4u; j++)
            arena.buf[j] = sweep.ring_mem[j];
        g_buf = sweep.ring_h;
        return PRAM_OK;
    }
    rc = prepare_buf();
    if (rc)
        return rc;
    for (j = 0u; j < sizeof arena.buf / 4u; j++)
        sweep.ring_mem[j] = arena.buf[j];
    sweep.ring_h = g_buf;
    sweep.ring_ok = SNAP_LOG;
    return PRAM_OK;
}

/* The crash log: 0 if it holds R0..R2, 1 if R0..R2 and then the expected
 * line, -1 (violation reported) for anything else. */
static int log_state(uint32_t opi)
{
    static const uint8_t ids[] = {0u, 1u, 2u};
    pram_buf_t h = PRAM_BUF_INIT(&tbuf_def);
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    char want[LINE_MAX], got[LINE_MAX];
    uint8_t rec[MAX_REC];
    uint32_t n = 0u, len, i;
    int rc = pram_buf_open(&h);
    if (rc != PRAM_BUF_INTACT) {
        violation(opi, "the crash log did not open intact", rc < 0 ? rc : PRAM_OK);
        return -1;
    }
    while ((rc = pram_buf_next(&h, &it, &r)) == 1) {
        if (n < 3u) {
            len = rec_len(ids[n], 0u);
            rec_fill(rec, ids[n], len);
            if (r.len != len || pram_buf_read(&h, &r, got, sizeof got) != (int)len) {
                violation(opi, "a log record before the crash line changed length", PRAM_OK);
                return -1;
            }
            for (i = 0u; i < len; i++)
                if ((uint8_t)got[i] != rec[i]) {
                    violation(opi, "a log record before the crash line changed", PRAM_OK);
                    return -1;
                }
        } else if (n == 3u) {
            len = expected_line(want);
            if (r.len != len || pram_buf_read(&h, &r, got, sizeof got) != (int)len) {
                violation(opi, "a record after R0..R2 that is not the crash line (length)", PRAM_OK);
                return -1;
            }
            for (i = 0u; i < len; i++)
                if (got[i] != want[i]) {
                    violation(opi, "a record after R0..R2 that is not the crash line", PRAM_OK);
                    return -1;
                }
        } else {
            violation(opi, "more than one record after R0..R2", PRAM_OK);
            return -1;
        }
        n++;
    }
    if (rc < 0 || n < 3u) {
        violation(opi, "the crash log lost records (or does not iterate)", rc < 0 ? rc : PRAM_OK);
        return -1;
    }
    return n == 4u ? 1 : 0;
}

/* On the boot after a capture's uncut reference run: verify the crash and
 * the counts through the report, keep the record's value. */
static int crash_reference(uint32_t opi)
{
    const op_t *op = &ops[opi];
    uint32_t which = op->kind == K_CRASH ? VAL_CRASH : VAL_CRASH_LOG;
    const pram_reboot_report_t *r;
    const pram_crash_t *c;
    uint32_t i, sfar_ok;
    if (rec_read(sweep.val[which]) != PRAM_OK)
        return ref_fail(opi, "after the uncut capture the record does not read back");
    r = rec_boot();
    c = &r->crash;
    if (!report_is(r, PRAM_REBOOT_FAULT, 0u, 0u, 3u, 1u, 2u, 1u))
        return ref_fail(opi, "after the uncut capture the report is not fault, boot 3, crash 1, unexpected 2");
    if (c->kind != PRAM_REBOOT_FAULT || c->reason != PRAM_FAULT_PRECISERR ||
        c->pc != (uint32_t)(uintptr_t)ts_fault_pc || c->lr != TS_LR || c->r0 != TS_R0 ||
        c->r1 != TS_BAD_ADDRESS || c->r2 != TS_R2 || c->r12 != TS_R12 || c->xpsr != TS_XPSR)
        return ref_fail(opi, "the captured crash: reason, pc, lr, r0-r2, r12 or xPSR wrong");
    if (c->sp != c->r3 || (c->sp & 7u) != 0u || c->exc_return != TS_EXC_RETURN ||
        c->exception != TS_BUSFAULT || c->flags != PRAM_CRASH_FRAME)
        return ref_fail(opi, "the captured crash: sp (ts_fault put it in r3), EXC_RETURN, IPSR or flags wrong");
    sfar_ok = c->sfar == 0u || c->sfar == TS_BAD_ADDRESS;
    if (c->cfsr != (PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID) || c->hfsr != 0u ||
        c->bfar != TS_BAD_ADDRESS || (c->mmfar != 0u && c->mmfar != TS_BAD_ADDRESS) || c->sfsr != 0u ||
        !sfar_ok)
        return ref_fail(opi, "the captured crash: CFSR, HFSR, BFAR, MMFAR, SFSR or SFAR wrong");
    if (c->file_id != 0u || c->line != 0u || c->boot != 2u || c->stack_words != PRAM_CRASH_STACK_WORDS)
        return ref_fail(opi, "the captured crash: file, line, boot or stack slice length wrong");
    for (i = 0u; i < PRAM_CRASH_STACK_WORDS; i++)
        if (c->stack[i] != (i < 8u ? TS_STACK0 + i : c->stack[i]))
            return ref_fail(opi, "the captured crash: the stack slice is not what ts_fault pushed");
    sweep.crash_sp = c->sp;
    if (op->kind == K_CRASH_LOG && log_state(opi) != 1)
        return ref_fail(opi, "after the uncut capture the crash line is not in the log");
    sweep.rec_done |= op->kind == K_CRASH ? REC_CRASH_REF : REC_CRASH_LOG_REF;
    return PRAM_OK;
}

static int crash_ref_done(const op_t *op)
{
    return (sweep.rec_done & (op->kind == K_CRASH ? REC_CRASH_REF : REC_CRASH_LOG_REF)) != 0u;
}

static int prepare_record(uint32_t opi)
{
    const op_t *op = &ops[opi];
    int rc;
    switch (op->kind) {
    case K_REC_MARK:
        if (!(sweep.rec_done & REC_PM_BUILT)) {
            rc = build_pm(opi);
            if (rc)
                return rc;
        }
        return restore_p(opi);
    case K_REC_BOOT:
        if (!(sweep.rec_done & REC_BOOT_REF)) {
            rc = build_boot_ref(opi);
            if (rc)
                return rc;
        }
        rc = restore_pm(opi);
        pram_reboot_new_boot();
        return rc;
    case K_CRASH_LOG:
        rc = prepare_log();
        if (rc)
            return rc;
        pram_fault_set_log(&g_buf);
        return restore_p(opi);
    default:
        pram_fault_set_log(NULL);
        return restore_p(opi);
    }
}

/* What a record row reads: old, new, invalid (the log row: crash, no line
 * yet) or a violation. */
static int judge_record(uint32_t opi)
{
    const op_t *op = &ops[opi];
    uint32_t got[REC_VAL_WORDS];
    const uint32_t *oldv, *newv;
    int rc = rec_read(got), out, line;
    switch (op->kind) {
    case K_REC_MARK:
        oldv = sweep.val[VAL_P];
        newv = sweep.val[VAL_PM];
        break;
    case K_REC_BOOT:
        oldv = sweep.val[VAL_PM];
        newv = sweep.val[VAL_BOOT];
        break;
    case K_CRASH:
        oldv = sweep.val[VAL_P];
        newv = sweep.val[VAL_CRASH];
        break;
    default:
        oldv = sweep.val[VAL_P];
        newv = sweep.val[VAL_CRASH_LOG];
        break;
    }
    if (rc != PRAM_OK) {
        violation(opi, "the reboot record does not read (an A/B record must keep the old one)", rc);
        return OUT_VIOL;
    }
    if (words_eq(got, newv, REC_VAL_WORDS))
        out = OUT_NEW;
    else if (words_eq(got, oldv, REC_VAL_WORDS))
        out = OUT_OLD;
    else {
        violation(opi, "the reboot record is neither the one before nor the whole result", PRAM_OK);
        return OUT_VIOL;
    }
    if (op->kind == K_CRASH_LOG) {
        line = log_state(opi);
        if (line < 0)
            return OUT_VIOL;
        if (line == 1 && out == OUT_OLD) {
            violation(opi, "the crash line is in the log without the crash in the record", PRAM_OK);
            return OUT_VIOL;
        }
        if (line == 0 && out == OUT_NEW)
            out = OUT_INVALID;
    }
    return out;
}

static int prepare(const op_t *op)
{
    const pram_cell_t *c = op->cell;
    int rc;
    if (is_record_op(op->kind))
        return prepare_record((uint32_t)(op - ops));
    switch (op->kind) {
    case K_CALIB:
        return PRAM_OK;
    case K_APPEND:
        rc = prepare_buf();
        rec_fill(g_val, REC_NEW, op->len);
        return rc;
    case K_CLEAR:
        return prepare_buf();
    case K_RING:
    case K_STREAM:
        rc = prepare_ring();
        rec_fill(g_val, RING_NEW, op->len);
        return rc;
    default:
        break;
    }
    raw_zero(c->addr, pram_cell_storage_size(c));
    if (op->kind != K_SET_FIRST) {
        /* V0 then V1: an A/B cell has then written both slots, and V0 must
         * never come back, whatever the cut. */
        val_fill(g_val, 0u, c->size);
        rc = pram_cell_set(c, g_val, c->size);
        if (rc)
            return rc;
        val_fill(g_val, 1u, c->size);
        rc = pram_cell_set(c, g_val, c->size);
        if (rc)
            return rc;
    }
    val_fill(g_val, 2u, c->size);
    return PRAM_OK;
}

/* ---- The operations themselves ------------------------------------------- */

/* The typed calls: each cell's own, compiled here with its constants. */
static int typed_set(const pram_cell_t *c)
{
    if (c == &c4s)
        return c4s_set((const v4_t *)(const void *)g_val);
    if (c == &c4ab)
        return c4ab_set((const v4_t *)(const void *)g_val);
    if (c == &c9s)
        return c9s_set((const v9_t *)(const void *)g_val);
    return c30ab_set((const v30_t *)(const void *)g_val);
}

static int typed_invalidate(const pram_cell_t *c)
{
    return c == &c4s ? c4s_invalidate() : c4ab_invalidate();
}

/* Everything between arming and disarming: the code path does not depend on
 * k, so k alone decides where the cut lands. */
static int run(const op_t *op)
{
    pram_edit_t e;
    uint8_t *p;
    uint32_t i;
    int rc;
    switch (op->kind) {
    case K_CALIB:
        sled();
        return PRAM_OK;
    case K_SET:
    case K_SET_FIRST:
        if (op->typed)
            return typed_set(op->cell);
        return pram_cell_set(op->cell, g_val, op->cell->size);
    case K_EDIT:
        rc = pram_cell_edit_begin(op->cell, &e, PRAM_EDIT_KEEP);
        if (rc)
            return rc;
        p = (uint8_t *)e.value;
        for (i = 0u; i < op->cell->size; i++)
            p[i] = g_val[i];
        return pram_cell_edit_commit(&e);
    case K_INVALIDATE:
        if (op->typed)
            return typed_invalidate(op->cell);
        return pram_cell_invalidate(op->cell);
    case K_APPEND:
    case K_RING:
        return pram_buf_append(&g_buf, g_val, op->len);
    case K_REC_MARK:
        return pram_reboot_mark(PRAM_MARK_USER, TS_MARK_ARG);
    case K_REC_BOOT:
        return pram_reboot_boot_with(&pram_reset_port_none) ? PRAM_OK : PRAM_ERR_NULL;
    case K_CRASH_LOG:
        /* A record half streamed when the fault comes: the handler's
         * takeover abandons it. */
        rc = pram_buf_begin(&g_buf);
        if (!rc)
            rc = pram_buf_write(&g_buf, g_val, 5u);
        if (rc)
            return rc;
        /* fall through */
    case K_CRASH:
        g_capture_expected = 1u;
        ts_fault(); /* returns only if the load did not fault */
        g_capture_expected = 0u;
        return PRAM_ERR_CORRUPT;
    case K_STREAM:
        rc = pram_buf_begin(&g_buf);
        if (!rc)
            rc = pram_buf_write(&g_buf, g_val, 4u);
        if (!rc)
            rc = pram_buf_write(&g_buf, g_val + 4, 8u);
        if (!rc)
            rc = pram_buf_write(&g_buf, g_val + 12, op->len - 12u);
        if (!rc)
            rc = pram_buf_commit(&g_buf);
        return rc;
    default:
        return pram_buf_clear(&g_buf);
    }
}

/* ---- Judging what a boot finds -------------------------------------------- */

static int guards_ok(uint32_t opi)
{
    uint32_t i;
    for (i = 0u; i < NGUARDS; i++)
        if (*guards[i] != GUARD) {
            violation(opi, "a guard word between containers was overwritten", PRAM_OK);
            return 0;
        }
    return 1;
}

/* What a cell reads: old (V1), new (V2), invalid, or a violation. */
static int judge_cell(uint32_t opi)
{
    const op_t *op = &ops[opi];
    const pram_cell_t *c = op->cell;
    uint8_t got[MAX_VAL];
    int rc = pram_cell_get(c, got, c->size), out;
    if (rc == PRAM_OK) {
        if (op->kind != K_INVALIDATE && val_is(got, 2u, c->size))
            out = OUT_NEW;
        else if (op->kind != K_SET_FIRST && val_is(got, 1u, c->size))
            out = OUT_OLD;
        else if (val_is(got, 0u, c->size)) {
            violation(opi, "reads V0, older than the value current before the operation", rc);
            return OUT_VIOL;
        } else {
            violation(opi, "reads a value that was never committed", rc);
            return OUT_VIOL;
        }
    } else if (rc == PRAM_ERR_INVALID) {
        if (c->mode == PRAM_AB && (op->kind == K_SET || op->kind == K_EDIT)) {
            violation(opi, "A/B cell reads invalid after a first commit", rc);
            return OUT_VIOL;
        }
        out = OUT_INVALID;
    } else {
        violation(opi, "cell status is neither a value nor invalid", rc);
        return OUT_VIOL;
    }
    /* The next write after the reset must work and read back. */
    val_fill(got, 3u, c->size);
    rc = pram_cell_set(c, got, c->size);
    if (rc == PRAM_OK) {
        val_fill(got, 0u, c->size);
        rc = pram_cell_get(c, got, c->size);
    }
    if (rc != PRAM_OK || !val_is(got, 3u, c->size)) {
        violation(opi, "a set after the reset does not read back", rc);
        return OUT_VIOL;
    }
    return out;
}

/* Opens a fresh handle and compares its records, in order, with the records
 * want[0..nwant) (R3 with the op's length).  Returns how many there are, or
 * -1 (violation reported) for anything that is not a prefix of want. */
static int walk_buf(uint32_t opi, const uint8_t *want_ids, uint32_t nwant)
{
    pram_buf_t h = PRAM_BUF_INIT(&tbuf_def);
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t got[MAX_REC], want[MAX_REC];
    uint32_t n = 0u, len, i;
    int rc = pram_buf_open(&h);
    if (rc != PRAM_BUF_INTACT) {
        violation(opi, "buffer did not open intact", rc < 0 ? rc : PRAM_OK);
        return -1;
    }
    while ((rc = pram_buf_next(&h, &it, &r)) == 1) {
        if (n >= nwant) {
            violation(opi, "more records than were ever appended", PRAM_OK);
            return -1;
        }
        len = rec_len(want_ids[n], ops[opi].len);
        if (r.len != len || pram_buf_read(&h, &r, got, sizeof got) != (int)len) {
            violation(opi, "a record of the wrong length, or out of order", PRAM_OK);
            return -1;
        }
        rec_fill(want, want_ids[n], len);
        for (i = 0u; i < len; i++)
            if (got[i] != want[i]) {
                violation(opi, "a record's bytes differ from what was appended", PRAM_OK);
                return -1;
            }
        n++;
    }
    if (rc < 0) {
        violation(opi, "iteration failed", rc);
        return -1;
    }
    return (int)n;
}

static int judge_buf(uint32_t opi)
{
    static const uint8_t seq_append[] = {0u, 1u, 2u, REC_NEW};
    const op_t *op = &ops[opi];
    pram_buf_t h = PRAM_BUF_INIT(&tbuf_def);
    uint8_t rec[MAX_REC], ids[REC_NEW + 2u];
    int n, out, rc, m;
    uint32_t i;
    n = walk_buf(opi, seq_append, op->kind == K_APPEND ? 4u : 3u);
    if (n < 0)
        return OUT_VIOL;
    if (op->kind == K_APPEND && (n == 3 || n == 4))
        out = n == 3 ? OUT_OLD : OUT_NEW;
    else if (op->kind == K_CLEAR && (n == 3 || n == 0))
        out = n == 3 ? OUT_OLD : OUT_NEW;
    else {
        violation(opi, op->kind == K_APPEND ? "records lost after an interrupted append"
                                            : "a clear kept some of the records and not others",
                  PRAM_OK);
        return OUT_VIOL;
    }
    /* The next append after the reset must work and come back last. */
    rc = pram_buf_open(&h);
    if (rc == PRAM_BUF_INTACT) {
        rec_fill(rec, REC_AFTER, rec_len(REC_AFTER, 0u));
        rc = pram_buf_append(&h, rec, rec_len(REC_AFTER, 0u));
    }
    if (rc != PRAM_OK) {
        violation(opi, "append after the reset failed", rc);
        return OUT_VIOL;
    }
    for (i = 0u; i < (uint32_t)n; i++)
        ids[i] = seq_append[i];
    ids[n] = REC_AFTER;
    m = walk_buf(opi, ids, (uint32_t)n + 1u);
    if (m < 0)
        return OUT_VIOL;
    if (m != n + 1) {
        violation(opi, "the record appended after the reset is not there", PRAM_OK);
        return OUT_VIOL;
    }
    return out;
}

/* Reads the ring through handle h: every record must be the one its
 * sequence number names (length and bytes), the sequence numbers
 * consecutive.  The last one may instead be the record appended after the
 * reset (`after`: its sequence number, else 0xFFFFFFFF).  Sets *first and
 * *n; 0, or -1 with the violation reported. */
static int walk_ring(uint32_t opi, const pram_buf_t *h, uint32_t after, uint32_t *first,
                     uint32_t *n)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t got[MAX_REC], want[MAX_REC];
    uint32_t len, id, i;
    int rc;
    *n = 0u;
    *first = 0u;
    while ((rc = pram_buf_next(h, &it, &r)) == 1) {
        if (*n == 0u)
            *first = r.seq;
        if (r.seq != *first + *n) {
            violation(opi, "ring records out of sequence", PRAM_OK);
            return -1;
        }
        if (r.seq == after) {
            id = REC_AFTER;
            len = RING_AFTER_LEN;
        } else if (r.seq >= RING_FIRST && r.seq <= RING_NEW) {
            id = r.seq;
            len = ring_len[r.seq];
        } else {
            violation(opi, "a ring record that was dropped before, or never appended", PRAM_OK);
            return -1;
        }
        if (r.len != len || pram_buf_read(h, &r, got, sizeof got) != (int)len) {
            violation(opi, "a ring record of the wrong length", PRAM_OK);
            return -1;
        }
        rec_fill(want, id, len);
        for (i = 0u; i < len; i++)
            if (got[i] != want[i]) {
                violation(opi, "a ring record's bytes differ from what was appended", PRAM_OK);
                return -1;
            }
        ++*n;
    }
    if (rc < 0) {
        violation(opi, "ring iteration failed", rc);
        return -1;
    }
    return 0;
}

/* Old (6..14), dropped (d..14 for a drop point d), or new (10..15). */
static int judge_ring(uint32_t opi)
{
    const op_t *op = &ops[opi];
    op_stats_t *s = &sweep.st[opi];
    pram_buf_t h = PRAM_BUF_INIT(&rbuf_def);
    uint8_t rec[MAX_REC];
    uint32_t first, n, last, drops, first2, n2;
    int out, rc = pram_buf_open(&h);
    if (rc != PRAM_BUF_INTACT) {
        violation(opi, "ring did not open intact", rc < 0 ? rc : PRAM_OK);
        return OUT_VIOL;
    }
    if (walk_ring(opi, &h, 0xFFFFFFFFu, &first, &n) != 0)
        return OUT_VIOL;
    if (n == 0u) {
        violation(opi, "the ring lost every record", PRAM_OK);
        return OUT_VIOL;
    }
    last = first + n - 1u;
    drops = first - RING_FIRST;
    if (last != RING_NEW && last != RING_NEW - 1u) {
        violation(opi, "the ring lost its newest committed record", PRAM_OK);
        return OUT_VIOL;
    }
    if (!(ring_drop_points(op) & (1u << drops))) {
        violation(opi, "some of a batch of dropped records are gone, not all", PRAM_OK);
        return OUT_VIOL;
    }
    if (last == RING_NEW && drops != RING_DROPS) {
        violation(opi, "the new record is there with records it had to drop", PRAM_OK);
        return OUT_VIOL;
    }
    out = last == RING_NEW ? OUT_NEW : drops ? OUT_INVALID : OUT_OLD;
    /* Drops only ever go forward from one cut to the next. */
    if (g_after_cut) {
        if (drops < s->aux[0]) {
            violation(opi, "fewer records dropped than a cut before it saw", PRAM_OK);
            return OUT_VIOL;
        }
        s->aux[0] = drops;
        if (out != OUT_NEW)
            s->aux[1] |= 1u << drops;
    }
    /* The next append after the reset must work and come back last, after
     * a suffix of what was there. */
    rec_fill(rec, REC_AFTER, RING_AFTER_LEN);
    rc = pram_buf_append(&h, rec, RING_AFTER_LEN);
    if (rc != PRAM_OK) {
        violation(opi, "ring append after the reset failed", rc);
        return OUT_VIOL;
    }
    if (walk_ring(opi, &h, last + 1u, &first2, &n2) != 0)
        return OUT_VIOL;
    if (n2 == 0u || first2 < first || first2 + n2 != last + 2u) {
        violation(opi, "the record appended after the reset is not last after a suffix", PRAM_OK);
        return OUT_VIOL;
    }
    return out;
}

static int judge(uint32_t opi)
{
    int out;
    if (ops[opi].kind == K_CALIB)
        return OUT_NONE;
    if (is_record_op(ops[opi].kind))
        out = judge_record(opi);
    else if (ops[opi].kind == K_RING || ops[opi].kind == K_STREAM)
        out = judge_ring(opi);
    else
        out = ops[opi].cell ? judge_cell(opi) : judge_buf(opi);
    if (!guards_ok(opi))
        out = OUT_VIOL;
    return out;
}

static uint32_t out_rank(int out)
{
    return out == OUT_OLD ? 0u : out == OUT_INVALID ? 1u : 2u;
}

/* A boot after a cut of operation opi at pc. */
static void after_cut(uint32_t opi, uint32_t pc)
{
    op_stats_t *s = &sweep.st[opi];
    uint32_t at;
    int out;
    g_after_cut = 1;
    s->cuts++;
    if (pc != sweep.last_pc)
        s->points++;
    sweep.last_pc = pc;
    if (ops[opi].kind == K_CALIB) {
        at = (uint32_t)(((uintptr_t)pc - (uintptr_t)ts_sled_nops) / 2u);
        if (pc >= (uint32_t)(uintptr_t)ts_sled_nops && at < SLED_NOPS) {
            s->aux[at / 32u] |= 1u << (at % 32u);
            if (s->aux[2] == 0u)
                s->aux[2] = sweep.k;
            s->aux[3] = sweep.k;
        }
    }
    out = judge(opi);
    /* Each store moves a container forward through old -> invalid -> new
     * (docs/design.md's tables): a later cut reading an earlier state means
     * a store undid what an earlier one established, even if both states
     * are allowed on their own (e.g. a single-slot magic written early). */
    if (out == OUT_OLD || out == OUT_INVALID || out == OUT_NEW) {
        if (out_rank(out) + 1u < s->rank) {
            violation(opi, "reads an earlier state than a cut before it did", PRAM_OK);
            out = OUT_VIOL;
        } else {
            s->rank = out_rank(out) + 1u;
        }
    }
    /* Capture rows: the record may change only once the BusFault handler
     * runs; cuts must land in it (SysTick preempts it). */
    if (is_capture_op(ops[opi].kind) && out != OUT_VIOL) {
        if ((ts_cut.xpsr & 0x1FFu) == TS_BUSFAULT) {
            s->aux[0]++;
            if (out == OUT_OLD)
                s->aux[1]++;
        } else if (out != OUT_OLD) {
            violation(opi, "the record or the log changed before the fault handler ran", PRAM_OK);
            out = OUT_VIOL;
        }
    }
    if (out != OUT_NONE)
        s->out[out]++;
    g_after_cut = 0;
}

/* The operation returned before the tick: its sweep is over. */
static void finished(uint32_t opi, int rc)
{
    const op_t *op = &ops[opi];
    op_stats_t *s = &sweep.st[opi];
    uint32_t i, missing = 0u;
    int out = OUT_NONE;
    if (rc != PRAM_OK) {
        violation(opi, "the uncut operation failed", rc);
        s->out[OUT_VIOL]++;
    } else if (op->kind != K_CALIB) {
        out = judge(opi);
        if (op->kind == K_INVALIDATE && out == OUT_INVALID)
            out = OUT_NEW;
        if (out != OUT_NEW) {
            if (out != OUT_VIOL)
                violation(opi, "the uncut operation does not read as its result", PRAM_OK);
            s->out[OUT_VIOL]++;
        }
    }
    for (i = 0u; i < OUT_VIOL; i++)
        if ((op->required & REQ(i)) && s->out[i] == 0u)
            missing |= REQ(i);
    if (op->kind == K_CALIB && (s->aux[0] != 0xFFFFFFFFu || s->aux[1] != 0xFFFFFFFFu))
        missing |= REQ(OUT_NONE);
    /* Ring rows: every drop point seen without the new record. */
    if ((op->kind == K_RING || op->kind == K_STREAM) && s->aux[1] != ring_drop_points(op))
        missing |= REQ(OUT_NONE);
    /* Capture rows: cut in the handler, before and after the commit. */
    if (is_capture_op(op->kind) && (s->aux[1] == 0u || s->aux[0] == s->aux[1]))
        missing |= REQ(OUT_NONE);
    s->missing = missing;
    fw_puts("torn_sweep: op ");
    fw_put_u32(opi);
    fw_puts(" ");
    fw_puts(op->name);
    fw_puts(" ");
    fw_puts(mode_name(op));
    fw_puts(" ");
    fw_put_u32(op_size(op));
    fw_puts(" B: ");
    fw_put_u32(s->cuts);
    fw_puts(" cuts (");
    fw_put_u32(s->points);
    fw_puts(" distinct pc)");
    for (i = 0u; i < OUT_VIOL + 1u; i++) {
        fw_puts(", ");
        fw_puts(out_name[i]);
        fw_puts(" ");
        fw_put_u32(s->out[i]);
    }
    fw_puts("\n");
    if (op->kind == K_CALIB) {
        fw_puts("torn_sweep: calibration: cuts at ");
        for (i = 0u; i < SLED_NOPS && ((s->aux[i / 32u] >> (i % 32u)) & 1u); i++) {
        }
        fw_put_u32(i == SLED_NOPS ? SLED_NOPS : i);
        fw_puts(i == SLED_NOPS ? " of 64 NOPs (all)" : " NOPs in a row, then one never cut");
        fw_puts(", by k = ");
        fw_put_u32(s->aux[2]);
        fw_puts("..");
        fw_put_u32(s->aux[3]);
        fw_puts(" (");
        fw_put_u32(s->aux[3] - s->aux[2] + 1u);
        fw_puts(" ticks for 64 instructions)\n");
    }
    if (is_capture_op(op->kind)) {
        fw_puts("torn_sweep: ");
        fw_puts(op->name);
        fw_puts(": ");
        fw_put_u32(s->aux[0]);
        fw_puts(" cuts in the BusFault handler (entry, capture, commit");
        fw_puts(op->kind == K_CRASH_LOG ? ", log line, reset), " : ", reset), ");
        fw_put_u32(s->aux[1]);
        fw_puts(" of them before the record changed\n");
    }
    if (missing) {
        fw_puts("torn_sweep: FAIL op ");
        fw_put_u32(opi);
        fw_puts(": outcomes never seen:");
        for (i = 0u; i <= OUT_NONE; i++)
            if (missing & REQ(i)) {
                fw_puts(" ");
                fw_puts(i != OUT_NONE             ? out_name[i]
                        : op->kind == K_CALIB      ? "every-sled-instruction"
                        : is_capture_op(op->kind) ? "cuts-in-the-fault-handler-before-and-after-the-commit"
                                                   : "every-drop-point");
            }
        fw_puts(" (the cuts do not cover the operation)\n");
    }
}

static int report(void)
{
    uint32_t i, viol = 0u, missing = 0u, cuts = 0u;
    fw_puts("torn_sweep: operation                mode    size   cuts  points    old    new invalid viol\n");
    for (i = 0u; i < NOPS; i++) {
        const op_stats_t *s = &sweep.st[i];
        fw_puts("torn_sweep: ");
        put_pad(ops[i].name, 24u, 0);
        put_pad(mode_name(&ops[i]), 7u, 0);
        put_num(op_size(&ops[i]), 5u);
        put_num(s->cuts, 7u);
        put_num(s->points, 8u);
        put_num(s->out[OUT_OLD], 7u);
        put_num(s->out[OUT_NEW], 7u);
        put_num(s->out[OUT_INVALID], 8u);
        put_num(s->out[OUT_VIOL], 5u);
        if (s->first_bad) {
            fw_puts("  first at k ");
            fw_put_u32(s->first_bad);
        }
        fw_puts(s->missing ? "  (outcome missing)\n" : "\n");
        viol += s->out[OUT_VIOL];
        missing |= s->missing;
        cuts += s->cuts;
    }
    fw_puts("torn_sweep: ring rows: 256 B ring holding records 6..14 (wrapped); record 15 (30 B) drops\n"
            "torn_sweep:   6..9 and goes to offset 0.  invalid = dropped records all gone, 15 not there\n"
            "torn_sweep:   yet (drop points seen: append 4; stream 1, 3, 4); new = 10..15\n"
            "torn_sweep: record rows: the reboot record (A/B).  old = the record before, word for word;\n"
            "torn_sweep:   new = the uncut result, verified field by field through the report (mark,\n"
            "torn_sweep:   counts; the crash of a real BusFault: pc, registers, stack, CFSR/BFAR, ...).\n"
            "torn_sweep:   + log: the fault comes mid-record on the crash log; invalid = crash, no line yet\n");
    fw_puts("torn_sweep: ");
    fw_put_u32(sweep.boots);
    fw_puts(" boots, ");
    fw_put_u32(cuts);
    fw_puts(" cuts, ");
    fw_put_u32(viol);
    fw_puts(" violations\n");
    sweep.magic = 0u; /* a later run in the same RAM starts over */
    state_save();
    if (viol != 0u || missing != 0u) {
        fw_puts(viol ? "torn_sweep: FAIL: violations\n" : "torn_sweep: FAIL: cuts missed outcomes\n");
        return 1;
    }
    fw_puts("torn_sweep: PASS\n");
    return 0;
}

int main(void)
{
    uint32_t i;
    int rc;
    systick_off();
    g_csr = CSR_ENABLE_TICKINT | (SYST_CALIB & CALIB_NOREF ? CSR_CLKSOURCE : 0u);
    if (!state_ok()) {
        if (ts_started == STARTED_MAGIC) {
            fw_puts("torn_sweep: FAIL: sweep state in .noinit damaged after the first boot\n");
            return 1;
        }
        for (i = 0u; i < SWEEP_WORDS; i++)
            ((volatile uint32_t *)&sweep)[i] = 0u;
        sweep.magic = SWEEP_MAGIC;
        sweep.k = 1u;
        sweep.op = TS_FIRST_OP;
        for (i = 0u; i < NGUARDS; i++)
            *guards[i] = GUARD;
        ts_started = STARTED_MAGIC;
        fw_puts("torn_sweep: start: ");
        fw_put_u32((uint32_t)NOPS);
        fw_puts(" operations, a reset at every k\n");
        fw_puts(g_csr & CSR_CLKSOURCE ? "torn_sweep: SysTick counts the processor clock (no reference clock)\n"
                                      : "torn_sweep: SysTick counts the reference clock\n");
    }
    sweep.boots++;
    pram_fault_set_ram(__bss_start, __stack_top);
    pram_fault_set_reset_hook(ts_capture_done);
    fault_priorities();
    if (sweep.armed) {
        if (ts_cut.mark == CUT_MARK) {
            after_cut(sweep.op, ts_cut.pc);
            sweep.armed = 0u;
            sweep.k++;
        } else if (ts_cut.mark == DONE_MARK && sweep.op < NOPS && is_capture_op(ops[sweep.op].kind)) {
            /* The capture ran to its reset, uncut. */
            sweep.armed = 0u;
            if (sweep.ref_run) {
                sweep.ref_run = 0u;
                if (crash_reference(sweep.op) != PRAM_OK) {
                    fw_puts("torn_sweep: FAIL: the uncut capture's result is wrong\n");
                    return 1;
                }
            } else {
                finished(sweep.op, PRAM_OK);
                sweep.op++;
                sweep.k = 1u;
                sweep.last_pc = 0u;
            }
            state_save();
        } else {
            fw_puts("torn_sweep: FAIL: a reset that was not the SysTick cut\n");
            return 1;
        }
    }
    for (;;) {
        if (sweep.op >= NOPS)
            return report();
        if (sweep.k > K_MAX) {
            fw_puts("torn_sweep: FAIL: operation still running after K_MAX ticks\n");
            return 1;
        }
        rc = prepare(&ops[sweep.op]);
        if (rc != PRAM_OK) {
            fw_puts("torn_sweep: FAIL: preparing op ");
            fw_put_u32(sweep.op);
            fw_puts(": ");
            fw_puts(pram_strerror(rc));
            fw_puts("\n");
            return 1;
        }
        ts_cut.mark = 0u;
        sweep.armed = 1u;
        if (is_capture_op(ops[sweep.op].kind) && !crash_ref_done(&ops[sweep.op])) {
            /* First the capture uncut (no SysTick): the next boot verifies
             * and keeps its result. */
            sweep.ref_run = 1u;
            state_save();
            (void)run(&ops[sweep.op]);
            fw_puts("torn_sweep: FAIL: the deliberate BusFault did not happen\n");
            return 1;
        }
        state_save();
        systick_arm(sweep.k);
        rc = run(&ops[sweep.op]);
        systick_off();
        sweep.armed = 0u;
        if (is_capture_op(ops[sweep.op].kind)) {
            fw_puts("torn_sweep: FAIL: the deliberate BusFault did not happen\n");
            return 1;
        }
        finished(sweep.op, rc);
        sweep.op++;
        sweep.k = 1u;
        sweep.last_pc = 0u;
        state_save();
    }
}
