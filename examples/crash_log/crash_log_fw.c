/* Crash log on Cortex-M under QEMU: real faults, captured in the fault
 * handler, reported on the next boot.
 *
 * The fault handlers (crash_log_shim.S) hand the stacked frame and EXC_RETURN
 * to crash_capture(), which writes a typed crash record into a pram cell,
 * appends a one-line summary to the log, and resets the machine.
 *
 * The log is a ring (PRAM_BUF_DEFINE_RING): the firmware writes its own
 * lines there as it works ("boot N: step i", 40 per boot, more than the
 * 512 B hold), so it keeps the newest ones, and the crash line comes right
 * after the last line written before the fault.  From boot 2 on, the fault
 * comes in the middle of a line: the firmware has begun a streamed record
 * (pram_buf_begin, a pram_buf_write or two) and faults before it commits.
 * The handle is then busy, and an append would get PRAM_ERR_BUSY: the
 * handler calls pram_buf_takeover() first, which abandons the unfinished
 * line exactly as a reset there would, then appends the crash line.  The
 * next boot checks that the log holds the newest step lines, in order, then
 * the crash line, and nothing of the abandoned line.
 *
 * pram is built here with PRAM_CRITICAL_PRIMASK (examples/examples.mk):
 * every writing pram call masks interrupts, as a firmware whose ISRs also
 * log would want; a fault is still taken (escalated to HardFault if it
 * happens inside such a call) and takeover still applies.
 *
 * Every boot first reports and retires a recorded crash (and clears the
 * log), logs its 40 step lines, then faults on purpose:
 *
 *   boot 1  load from an unmapped address        -> BusFault, precise
 *           (between two log lines: takeover has nothing to abandon)
 *   boot 2  undefined instruction (UDF)          -> UsageFault UNDEFINSTR
 *   boot 3  UDIV by zero with CCR.DIV_0_TRP      -> UsageFault DIVBYZERO
 *   boot 4  the bad load with BusFault disabled  -> HardFault FORCED
 *   boot 5  does not report (a crash loop) nor log steps, UDF again: the
 *           handler must keep boot 4's record and only count this one
 *   boot 6  reports boot 4's crash with 1 repeat, checks that, exits QEMU 0
 * Boots 2 to 5 fault in the middle of a log line.  Boot 6's log holds boot
 * 4's newest step lines, then the crash lines of boots 4 and 5.
 *
 * The handler keeps the FIRST unreported crash: a fault in a boot that never
 * got as far as reporting (the usual crash loop) would otherwise replace the
 * crash that started the loop with its consequences.
 *
 * Each report ends with one "record:" line, which
 * examples/tools/check_crash_log.sh compares with the ELF's crash_site_*
 * symbols (`make qemu-crash-log`).
 */
#include <stddef.h>
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"

/* ---- System control block --------------------------------------------- */
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

#define CCR_DIV_0_TRP (1u << 4)
#define SHCSR_MEMFAULTENA (1u << 16)
#define SHCSR_BUSFAULTENA (1u << 17)
#define SHCSR_USGFAULTENA (1u << 18)

/* CFSR = UFSR << 16 | BFSR << 8 | MMFSR */
#define CFSR_IACCVIOL (1u << 0)
#define CFSR_DACCVIOL (1u << 1)
#define CFSR_MUNSTKERR (1u << 3)
#define CFSR_MSTKERR (1u << 4)
#define CFSR_MLSPERR (1u << 5)
#define CFSR_MMARVALID (1u << 7)
#define CFSR_IBUSERR (1u << 8)
#define CFSR_PRECISERR (1u << 9)
#define CFSR_IMPRECISERR (1u << 10)
#define CFSR_UNSTKERR (1u << 11)
#define CFSR_STKERR (1u << 12)
#define CFSR_LSPERR (1u << 13)
#define CFSR_BFARVALID (1u << 15)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_INVSTATE (1u << 17)
#define CFSR_INVPC (1u << 18)
#define CFSR_NOCP (1u << 19)
#define CFSR_STKOF (1u << 20) /* Armv8-M: stack limit */
#define CFSR_UNALIGNED (1u << 24)
#define CFSR_DIVBYZERO (1u << 25)

#define HFSR_VECTTBL (1u << 1)
#define HFSR_FORCED (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)

#define EXC_RETURN_SPSEL (1u << 2) /* frame on PSP */
#define EXC_RETURN_FTYPE (1u << 4) /* 0: extended frame with FP registers */
#define XPSR_ALIGNER (1u << 9)     /* 4 bytes of padding above the frame */

#define FRAME_WORDS 8u
#define FRAME_WORDS_FP 26u /* + s0-s15, FPSCR, reserved */
#define STACK_SLICE_WORDS 8u

/* ---- Persistent state ----------------------------------------------------- */

/* Why the core faulted, decoded once in the handler (the report can still
 * show every raw bit).  Stored as a byte, so only append new codes. */
enum crash_reason {
    REASON_UNKNOWN = 0,
    REASON_IACCVIOL,
    REASON_DACCVIOL,
    REASON_MSTKERR,
    REASON_MUNSTKERR,
    REASON_MLSPERR,
    REASON_IBUSERR,
    REASON_PRECISERR,
    REASON_IMPRECISERR,
    REASON_STKERR,
    REASON_UNSTKERR,
    REASON_LSPERR,
    REASON_UNDEFINSTR,
    REASON_INVSTATE,
    REASON_INVPC,
    REASON_NOCP,
    REASON_STKOF,
    REASON_UNALIGNED,
    REASON_DIVBYZERO,
    REASON_VECTTBL,
    REASON_DEBUGEVT,
    REASON_COUNT
};

#define CRASH_FRAME_VALID 1u /* r0..xpsr were read from a stack in RAM */

typedef struct {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr; /* stacked by the hardware */
    uint32_t cfsr, hfsr, mmfar, bfar;
    uint32_t exc_return;
    uint32_t frame_addr;  /* where the frame was (MSP or PSP at entry) */
    uint32_t boot;        /* boot count of the boot that crashed */
    uint16_t exception;   /* IPSR: 3 HardFault, 4 MemManage, 5 BusFault, 6 UsageFault */
    uint8_t reason;       /* enum crash_reason */
    uint8_t flags;        /* CRASH_FRAME_VALID */
    uint32_t stack_words; /* how many of stack[] were inside RAM */
    uint32_t stack[STACK_SLICE_WORDS]; /* the caller's stack above the frame */
} crash_t;

/* Crashes that came while a record was still unreported. */
typedef struct {
    uint32_t count;
    uint32_t last_pc;
    uint32_t last_exception;
    uint32_t last_boot;
} crash_repeat_t;

typedef struct {
    uint32_t boots;
} boot_info_t;

PRAM_CELL_DECLARE(boot_info, boot_info_t, 1, PRAM_AB);
PRAM_CELL_DECLARE(crash_rec, crash_t, 2, PRAM_SINGLE);
PRAM_CELL_DECLARE(crash_repeat, crash_repeat_t, 3, PRAM_AB);

PRAM_CELL_DEFINE(boot_info);
/* Single slot: the handler only ever writes this cell while it is invalid,
 * so there is no previous value for an A/B pair to keep. */
PRAM_CELL_DEFINE(crash_rec);
PRAM_CELL_DEFINE(crash_repeat);
/* A ring: it keeps the newest lines, so after a crash the lines just before
 * it.  A crash loop's lines push out the oldest ones. */
PRAM_BUF_DEFINE_RING(crash_log, 512, 4);

/* Lines the firmware logs before its deliberate fault (not in a crash-loop
 * boot, which faults before doing anything). */
#define STEPS 40u

/* ---- From the shim and the linker script ----------------------------------- */
FW_NORETURN void crash_capture(const uint32_t *frame, uint32_t exc_return);
uint32_t crash_fault_badaddr(void);
uint32_t crash_fault_forced(void);
void crash_fault_udf(void);
void crash_fault_loop(void);
uint32_t crash_fault_div0(uint32_t n, uint32_t d);
extern const uint8_t crash_site_badaddr[];
extern const uint8_t crash_site_forced[];
extern const uint8_t crash_site_udf[];
extern const uint8_t crash_site_loop[];
extern const uint8_t crash_site_div0[];

/* Stacks live in [__data_start, __stack_top): .noinit lies below, so a
 * stack pointer outside this range is not followed. */
extern uint32_t __data_start[];
extern uint32_t __stack_top[];

static uint32_t addr_of(const volatile void *p)
{
    return (uint32_t)(uintptr_t)p;
}

/* ---- Capture (handler mode, fresh stack, never returns) ------------------ */

static uint8_t decode_reason(uint32_t cfsr, uint32_t hfsr)
{
    /* Most specific first: a fault that happened while stacking is reported
     * as such even if the instruction that caused it also set a bit. */
    static const struct {
        uint32_t bit;
        uint8_t reason;
    } order[] = {
        {CFSR_STKOF, REASON_STKOF},           {CFSR_MSTKERR, REASON_MSTKERR},
        {CFSR_STKERR, REASON_STKERR},         {CFSR_MUNSTKERR, REASON_MUNSTKERR},
        {CFSR_UNSTKERR, REASON_UNSTKERR},     {CFSR_MLSPERR, REASON_MLSPERR},
        {CFSR_LSPERR, REASON_LSPERR},         {CFSR_IACCVIOL, REASON_IACCVIOL},
        {CFSR_DACCVIOL, REASON_DACCVIOL},     {CFSR_IBUSERR, REASON_IBUSERR},
        {CFSR_PRECISERR, REASON_PRECISERR},   {CFSR_IMPRECISERR, REASON_IMPRECISERR},
        {CFSR_UNDEFINSTR, REASON_UNDEFINSTR}, {CFSR_INVSTATE, REASON_INVSTATE},
        {CFSR_INVPC, REASON_INVPC},           {CFSR_NOCP, REASON_NOCP},
        {CFSR_UNALIGNED, REASON_UNALIGNED},   {CFSR_DIVBYZERO, REASON_DIVBYZERO},
    };
    size_t i;
    for (i = 0u; i < sizeof order / sizeof order[0]; i++)
        if (cfsr & order[i].bit)
            return order[i].reason;
    if (hfsr & HFSR_VECTTBL)
        return REASON_VECTTBL;
    if (hfsr & HFSR_DEBUGEVT)
        return REASON_DEBUGEVT;
    return REASON_UNKNOWN;
}

/* 1 if [addr, addr + bytes) is 4-aligned stack RAM.  The frame pointer comes
 * from a core that just faulted: following a wild one would fault again
 * inside the handler, which on a HardFault means lockup. */
static int in_stack_ram(uint32_t addr, uint32_t bytes)
{
    uint32_t lo = addr_of(__data_start), hi = addr_of(__stack_top);
    return (addr & 3u) == 0u && addr >= lo && addr <= hi && bytes <= hi - addr;
}

static void fill_record(crash_t *c, const uint32_t *frame, uint32_t exc_return, uint32_t cfsr,
                        uint32_t hfsr, uint32_t mmfar, uint32_t bfar, uint32_t ipsr, uint32_t boot)
{
    uint32_t fa = addr_of(frame), words, above, i;
    c->cfsr = cfsr;
    c->hfsr = hfsr;
    c->mmfar = mmfar;
    c->bfar = bfar;
    c->exc_return = exc_return;
    c->frame_addr = fa;
    c->boot = boot;
    c->exception = (uint16_t)(ipsr & 0x1FFu);
    c->reason = decode_reason(cfsr, hfsr);
    /* A stacking error means the frame is not (all) there. */
    if ((cfsr & (CFSR_STKERR | CFSR_MSTKERR | CFSR_STKOF)) || !in_stack_ram(fa, FRAME_WORDS * 4u))
        return;
    c->r0 = frame[0];
    c->r1 = frame[1];
    c->r2 = frame[2];
    c->r3 = frame[3];
    c->r12 = frame[4];
    c->lr = frame[5];
    c->pc = frame[6];
    c->xpsr = frame[7];
    c->flags = CRASH_FRAME_VALID;
    /* The caller's stack starts above the frame, its FP part and the
     * alignment word. */
    words = (exc_return & EXC_RETURN_FTYPE) ? FRAME_WORDS : FRAME_WORDS_FP;
    if (c->xpsr & XPSR_ALIGNER)
        words++;
    above = fa + words * 4u;
    for (i = 0u; i < STACK_SLICE_WORDS && in_stack_ram(above + i * 4u, 4u); i++)
        c->stack[i] = frame[words + i];
    c->stack_words = i;
}

static const char *exception_name(uint32_t exception)
{
    switch (exception) {
    case 3u:
        return "HardFault";
    case 4u:
        return "MemManage";
    case 5u:
        return "BusFault";
    case 6u:
        return "UsageFault";
    case 7u:
        return "SecureFault";
    default:
        return "exception";
    }
}

/* Bounded string building for the log line: no snprintf in a handler. */
static char *append(char *p, const char *end, const char *s)
{
    while (*s != '\0' && p < end)
        *p++ = *s++;
    return p;
}

static char *append_hex(char *p, const char *end, const char *label, uint32_t v)
{
    char hex[FW_HEX32_SIZE];
    p = append(p, end, label);
    return append(p, end, fw_fmt_hex32(hex, v));
}

void crash_capture(const uint32_t *frame, uint32_t exc_return)
{
    /* Status registers first, before anything else can touch them. */
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR, mmfar = SCB_MMFAR, bfar = SCB_BFAR;
    uint32_t ipsr, boot = 0u, pc = 0u, abandoned;
    boot_info_t bi;
    crash_repeat_t rep;
    char line[128], num[FW_U32_DEC_SIZE], *p = line;
    const char *end = line + sizeof line - 1u;
    int rc;

    __asm__ __volatile__("mrs %0, ipsr" : "=r"(ipsr));
    if (boot_info_get(&bi) == PRAM_OK)
        boot = bi.boots;
    if (in_stack_ram(addr_of(frame), FRAME_WORDS * 4u) &&
        !(cfsr & (CFSR_STKERR | CFSR_MSTKERR | CFSR_STKOF)))
        pc = frame[6];

    if (!crash_rec_valid()) {
        PRAM_EDIT_ZEROED(crash_rec, e, rc) {
            fill_record(e.value, frame, exc_return, cfsr, hfsr, mmfar, bfar, ipsr, boot);
        }
        (void)rc; /* nothing better to do from here than carry on to the log */
    } else {
        /* An unreported crash is there: it is the one worth keeping. */
        if (crash_repeat_get(&rep) != PRAM_OK)
            rep.count = 0u;
        rep.count++;
        rep.last_pc = pc;
        rep.last_exception = ipsr & 0x1FFu;
        rep.last_boot = boot;
        (void)crash_repeat_set(&rep);
    }

    /* The crashed code may have been in the middle of a log line (or of a
     * pram call): takeover abandons it, as a reset there would, so that the
     * append below is not refused as busy.  Nothing was in progress: it
     * does nothing.  The handle is plain RAM that startup code resets: not
     * open if the fault came before main opened it. */
    abandoned = crash_log.busy != 0u;
    if (pram_buf_takeover(&crash_log) == PRAM_ERR_NOT_OPEN)
        (void)pram_buf_open(&crash_log);
    p = append(p, end, exception_name(ipsr & 0x1FFu));
    p = append_hex(p, end, " pc=", pc);
    p = append_hex(p, end, " cfsr=", cfsr);
    if (hfsr != 0u)
        p = append_hex(p, end, " hfsr=", hfsr);
    if (cfsr & CFSR_BFARVALID)
        p = append_hex(p, end, " bfar=", bfar);
    if (cfsr & CFSR_MMARVALID)
        p = append_hex(p, end, " mmfar=", mmfar);
    p = append(p, end, " boot=");
    p = append(p, end, fw_fmt_u32(num, boot));
    if (abandoned)
        p = append(p, end, " abandoned=1"); /* a line was being written */
    /* A ring: the oldest lines make room.  A failure here has no better
     * outcome than the reset: the record and the repeat count still tell. */
    (void)pram_buf_append(&crash_log, line, (size_t)(p - line));

    fw_reset(); /* DSB first, so the stores above reach RAM */
}

/* ---- Report (thread mode, next boot) --------------------------------------- */

static const struct {
    uint32_t bit;
    const char *name;
} cfsr_bits[] = {
    {CFSR_IACCVIOL, "IACCVIOL"},     {CFSR_DACCVIOL, "DACCVIOL"},   {CFSR_MUNSTKERR, "MUNSTKERR"},
    {CFSR_MSTKERR, "MSTKERR"},       {CFSR_MLSPERR, "MLSPERR"},     {CFSR_MMARVALID, "MMARVALID"},
    {CFSR_IBUSERR, "IBUSERR"},       {CFSR_PRECISERR, "PRECISERR"}, {CFSR_IMPRECISERR, "IMPRECISERR"},
    {CFSR_UNSTKERR, "UNSTKERR"},     {CFSR_STKERR, "STKERR"},       {CFSR_LSPERR, "LSPERR"},
    {CFSR_BFARVALID, "BFARVALID"},   {CFSR_UNDEFINSTR, "UNDEFINSTR"}, {CFSR_INVSTATE, "INVSTATE"},
    {CFSR_INVPC, "INVPC"},           {CFSR_NOCP, "NOCP"},           {CFSR_STKOF, "STKOF"},
    {CFSR_UNALIGNED, "UNALIGNED"},   {CFSR_DIVBYZERO, "DIVBYZERO"},
};

static const struct {
    uint32_t bit;
    const char *name;
} hfsr_bits[] = {
    {HFSR_VECTTBL, "VECTTBL"},
    {HFSR_FORCED, "FORCED"},
    {HFSR_DEBUGEVT, "DEBUGEVT"},
};

static const char *const reason_text[REASON_COUNT] = {
    "unknown fault",
    "instruction access violation (MemManage)",
    "data access violation (MemManage)",
    "MemManage fault while stacking",
    "MemManage fault while unstacking",
    "MemManage fault during lazy FP stacking",
    "instruction bus error",
    "precise bus fault",
    "imprecise bus fault",
    "bus fault while stacking",
    "bus fault while unstacking",
    "bus fault during lazy FP stacking",
    "undefined instruction",
    "invalid state (Thumb bit clear in a branch target or xPSR)",
    "invalid EXC_RETURN on exception return",
    "coprocessor access (FPU off or absent)",
    "stack limit overflow",
    "unaligned access",
    "divide by zero",
    "vector table read error",
    "debug event",
};

/* Names of the known fault sites, to say where a pc is. */
static const char *site_name(uint32_t pc)
{
    if (pc == addr_of(crash_site_badaddr))
        return "crash_site_badaddr";
    if (pc == addr_of(crash_site_forced))
        return "crash_site_forced";
    if (pc == addr_of(crash_site_udf))
        return "crash_site_udf";
    if (pc == addr_of(crash_site_loop))
        return "crash_site_loop";
    if (pc == addr_of(crash_site_div0))
        return "crash_site_div0";
    return NULL;
}

static void put_hex(const char *label, uint32_t v)
{
    fw_puts(label);
    fw_put_hex32(v);
}

static void put_bits(uint32_t v, int cfsr)
{
    size_t i, n = cfsr ? sizeof cfsr_bits / sizeof cfsr_bits[0] : sizeof hfsr_bits / sizeof hfsr_bits[0];
    int any = 0;
    for (i = 0u; i < n; i++) {
        uint32_t bit = cfsr ? cfsr_bits[i].bit : hfsr_bits[i].bit;
        if (v & bit) {
            fw_puts(any ? " " : " = ");
            fw_puts(cfsr ? cfsr_bits[i].name : hfsr_bits[i].name);
            any = 1;
        }
    }
}

static void report(const crash_t *c, const crash_repeat_t *rep, uint32_t boot)
{
    const char *site = site_name(c->pc);
    uint32_t i;

    fw_puts("crash: ");
    fw_puts(exception_name(c->exception));
    fw_puts(" (exception ");
    fw_put_u32(c->exception);
    fw_puts(") in boot ");
    fw_put_u32(c->boot);
    fw_puts(", reported in boot ");
    fw_put_u32(boot);
    fw_puts("\n");

    fw_puts("crash: ");
    fw_puts(c->reason < REASON_COUNT ? reason_text[c->reason] : "unknown fault");
    if ((c->cfsr & CFSR_BFARVALID) && (c->reason == REASON_PRECISERR))
        put_hex(" at ", c->bfar);
    if ((c->cfsr & CFSR_MMARVALID) && (c->reason == REASON_DACCVIOL))
        put_hex(" at ", c->mmfar);
    if (c->hfsr & HFSR_FORCED) {
        fw_puts(", escalated to HardFault");
        if (c->exception == 3u)
            fw_puts(" (the configurable fault was disabled or could not be taken)");
    }
    if (c->flags & CRASH_FRAME_VALID) {
        put_hex(", pc ", c->pc);
        if (site) {
            fw_puts(" (");
            fw_puts(site);
            fw_puts(")");
        }
        put_hex(", lr ", c->lr);
    } else {
        fw_puts(", stacked frame unreadable");
        put_hex(" (sp ", c->frame_addr);
        fw_puts(")");
    }
    fw_puts("\n");

    put_hex("crash: cfsr ", c->cfsr);
    put_bits(c->cfsr, 1);
    put_hex("; hfsr ", c->hfsr);
    put_bits(c->hfsr, 0);
    put_hex("; mmfar ", c->mmfar);
    put_hex(" bfar ", c->bfar);
    fw_puts("\n");

    if (c->flags & CRASH_FRAME_VALID) {
        put_hex("crash: r0 ", c->r0);
        put_hex(" r1 ", c->r1);
        put_hex(" r2 ", c->r2);
        put_hex(" r3 ", c->r3);
        put_hex(" r12 ", c->r12);
        put_hex(" lr ", c->lr);
        put_hex(" pc ", c->pc);
        put_hex(" xpsr ", c->xpsr);
        fw_puts("\n");
        put_hex("crash: stack above frame at ", c->frame_addr);
        fw_puts(":");
        for (i = 0u; i < c->stack_words && i < STACK_SLICE_WORDS; i++)
            put_hex(" ", c->stack[i]);
        fw_puts("\n");
    }
    if (rep->count != 0u) {
        fw_puts("crash: ");
        fw_put_u32(rep->count);
        fw_puts(rep->count == 1u ? " later crash" : " later crashes");
        fw_puts(" before this report, kept out of the record; last: ");
        fw_puts(exception_name(rep->last_exception));
        put_hex(" pc ", rep->last_pc);
        fw_puts(" in boot ");
        fw_put_u32(rep->last_boot);
        fw_puts("\n");
    }

    /* One machine-readable line, for check_crash_log.sh. */
    fw_puts("record:");
    put_hex(" exc=", c->exception);
    put_hex(" pc=", c->pc);
    put_hex(" cfsr=", c->cfsr);
    put_hex(" hfsr=", c->hfsr);
    put_hex(" bfar=", c->bfar);
    put_hex(" mmfar=", c->mmfar);
    fw_puts(" boot=");
    fw_put_u32(c->boot);
    fw_puts(" frame=");
    fw_put_u32(c->flags & CRASH_FRAME_VALID);
    fw_puts(" repeats=");
    fw_put_u32(rep->count);
    put_hex(" repeat_pc=", rep->count ? rep->last_pc : 0u);
    fw_puts("\n");
}

static int fail(const char *what, int rc)
{
    fw_puts("crash_log: FAIL ");
    fw_puts(what);
    if (rc != 0) {
        fw_puts(": ");
        fw_puts(pram_strerror(rc));
    }
    fw_puts("\n");
    return 1;
}

/* ---- The log ---------------------------------------------------------------- */

static uint32_t text_len(const char *t)
{
    uint32_t n = 0u;
    while (t[n] != '\0')
        n++;
    return n;
}

/* 1 if t contains sub. */
static int has(const char *t, const char *sub)
{
    uint32_t i, j;
    for (i = 0u; t[i] != '\0'; i++) {
        for (j = 0u; sub[j] != '\0' && t[i + j] == sub[j]; j++) {
        }
        if (sub[j] == '\0')
            return 1;
    }
    return 0;
}

/* Decimal digits at *t, advancing it; 0 if there are none. */
static int parse_u32(const char **t, uint32_t *v)
{
    const char *p = *t;
    *v = 0u;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        *v = *v * 10u + (uint32_t)(*p++ - '0');
    *t = p;
    return 1;
}

/* "boot B: step I", exactly: 1 and *boot, *step. */
static int parse_step(const char *t, uint32_t *boot, uint32_t *step)
{
    if (t[0] != 'b' || t[1] != 'o' || t[2] != 'o' || t[3] != 't' || t[4] != ' ')
        return 0;
    t += 5;
    if (!parse_u32(&t, boot) || !has(t, ": step ") || t[0] != ':')
        return 0;
    t += 7;
    return parse_u32(&t, step) && *t == '\0';
}

/* A line the fault handler wrote. */
static int is_crash_line(const char *t)
{
    return has(t, " pc=0x");
}

static void put_line_u32(const char *a, uint32_t v, const char *b)
{
    fw_puts(a);
    fw_put_u32(v);
    fw_puts(b);
}

static int log_fail(const char *what, const char *line)
{
    fw_puts("crash_log: FAIL log: ");
    fw_puts(what);
    if (line) {
        fw_puts(": ");
        fw_puts(line);
    }
    fw_puts("\n");
    return 1;
}

/* Prints the crash lines ("log: ...") and what the ring kept, and checks it
 * against what the crashed boot wrote: a run of its step lines ending with
 * the last one (the oldest dropped), then one crash line per crash, and no
 * trace of a line that was being written when a fault came.  0 if so. */
static int report_log(const crash_t *c, const crash_repeat_t *rep)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    char line[129];
    uint32_t nrec = 0u, steps = 0u, first = 0u, last = 0u, crashes = 0u, abandoned = 0u, b, i;
    int n, rc;

    while ((rc = pram_buf_next(&crash_log, &it, &r)) > 0) {
        n = pram_buf_read(&crash_log, &r, line, sizeof line - 1u);
        if (n < 0)
            return log_fail("a line does not read back", pram_strerror(n));
        line[n] = '\0';
        nrec++;
        if (parse_step(line, &b, &i)) {
            if (crashes)
                return log_fail("a step line after a crash line", line);
            if (b != c->boot || (steps && i != last + 1u))
                return log_fail("a step line out of order, or of another boot", line);
            first = steps ? first : i;
            last = i;
            steps++;
        } else if (is_crash_line(line)) {
            crashes++;
            abandoned += has(line, " abandoned=1") ? 1u : 0u;
            fw_puts("log: ");
            fw_puts(line);
            fw_puts("\n");
        } else {
            return log_fail("a line that was never committed", line);
        }
    }
    if (rc < 0)
        return log_fail("iteration failed", pram_strerror(rc));
    if (crashes != rep->count + 1u)
        return log_fail("not one crash line per crash", NULL);
    /* The crashed boot wrote STEPS lines (a crash-loop boot none): the ring
     * keeps the newest, so they end with the last and the first is gone. */
    if (!steps || last != STEPS || first == 1u)
        return log_fail("the step lines are not the newest ones", NULL);
    put_line_u32("ring: ", nrec, " lines: ");
    put_line_u32("steps ", first, "..");
    put_line_u32("", last, " of the 40 that boot ");
    put_line_u32("", c->boot, " logged (the ring dropped the oldest), then ");
    put_line_u32("", crashes, crashes == 1u ? " crash line\n" : " crash lines\n");
    if (abandoned == 1u)
        fw_puts("ring: the fault came in the middle of a line: the handler's pram_buf_takeover abandoned "
                "it, nothing of it is in the log\n");
    else if (abandoned)
        put_line_u32("ring: ", abandoned,
                     " faults came in the middle of a line: the handler's pram_buf_takeover abandoned "
                     "each, nothing of them is in the log\n");
    /* Newest first, as "the last lines before the crash" are read. */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    n = 0;
    while ((rc = pram_buf_prev(&crash_log, &it, &r)) > 0) {
        n++;
        if ((uint32_t)n == crashes + 1u) {
            rc = pram_buf_read(&crash_log, &r, line, sizeof line - 1u);
            if (rc < 0)
                return log_fail("a line does not read back", pram_strerror(rc));
            line[rc] = '\0';
            fw_puts("ring: newest first (pram_buf_prev), the last line before the crash: ");
            fw_puts(line);
            fw_puts("\n");
        }
    }
    if (rc < 0 || (uint32_t)n != nrec)
        return log_fail("newest-first iteration does not see the same lines", NULL);
    return 0;
}

/* What the firmware logs as it works: whole lines. */
static int log_steps(uint32_t boot)
{
    char line[40], num[FW_U32_DEC_SIZE], *p;
    const char *end = line + sizeof line - 1u;
    uint32_t i;
    int rc;
    for (i = 1u; i <= STEPS; i++) {
        p = append(line, end, "boot ");
        p = append(p, end, fw_fmt_u32(num, boot));
        p = append(p, end, ": step ");
        p = append(p, end, fw_fmt_u32(num, i));
        rc = pram_buf_append(&crash_log, line, (size_t)(p - line));
        if (rc != PRAM_OK)
            return fail("log append", rc);
    }
    return 0;
}

/* A line written in pieces, as a formatter would, straight into the log:
 * begun, two parts written, never committed (the fault comes first). */
static int begin_line(uint32_t boot, const char *what)
{
    char num[FW_U32_DEC_SIZE];
    int rc = pram_buf_begin(&crash_log);
    if (rc == PRAM_OK)
        rc = pram_buf_write(&crash_log, "boot ", 5u);
    if (rc == PRAM_OK)
        rc = pram_buf_write(&crash_log, fw_fmt_u32(num, boot), text_len(num));
    if (rc == PRAM_OK)
        rc = pram_buf_write(&crash_log, ": faulting: ", 12u);
    if (rc == PRAM_OK)
        rc = pram_buf_write(&crash_log, what, text_len(what));
    return rc == PRAM_OK ? 0 : fail("log line begin/write", rc);
}

static uint32_t primask(void)
{
    uint32_t v;
    __asm__ __volatile__("mrs %0, primask" : "=r"(v));
    return v;
}

/* Begins the line the fault will interrupt; every pram call so far must
 * have left interrupts as it found them (enabled). */
static int mid_line(uint32_t boot, const char *what)
{
    if (begin_line(boot, what) != 0)
        return 1;
    if (primask() != 0u)
        return fail("PRIMASK still set after the pram calls", 0);
    return 0;
}

/* ---- Boot sequence ----------------------------------------------------------- */

#define CRASH_LOOP_BOOT 5u
#define LAST_BOOT 6u

static void barriers(void)
{
    __asm__ __volatile__("dsb 0xf\n\tisb 0xf" ::: "memory");
}

int main(void)
{
    boot_info_t bi;
    crash_t c;
    crash_repeat_t rep;
    int rc, have;
    volatile uint32_t zero = 0u;

    rc = boot_info_get(&bi);
    if (rc != PRAM_OK)
        bi.boots = 0u;
    bi.boots++;
    rc = boot_info_set(&bi);
    if (rc != PRAM_OK)
        return fail("boot counter set", rc);
    fw_put_kv_u32("boot", bi.boots);

    rc = pram_buf_open(&crash_log);
    if (rc < 0)
        return fail("log open", rc);
    if (rc == PRAM_BUF_COLD) {
        fw_puts("crash_log: log buffer was not valid: formatted\n");
#if PRAM_CRITICAL == PRAM_CRITICAL_PRIMASK
        fw_puts("crash_log: the log is a 512 B ring; pram calls mask interrupts (PRAM_CRITICAL_PRIMASK)\n");
#else
        fw_puts("crash_log: the log is a 512 B ring\n");
#endif
    }

    /* Without these the three configurable faults all arrive as HardFault. */
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
    SCB_CCR |= CCR_DIV_0_TRP;
    barriers();

    have = 0;
    rc = crash_rec_get(&c);
    if (bi.boots == CRASH_LOOP_BOOT) {
        /* Stands for a firmware that crashes again before it gets as far as
         * reporting: the record from boot 4 must survive this. */
        fw_puts("crash_log: crash loop: this boot faults before reporting\n");
    } else if (rc == PRAM_OK) {
        have = 1;
        if (crash_repeat_get(&rep) != PRAM_OK)
            rep.count = 0u;
        report(&c, &rep, bi.boots);
        if (report_log(&c, &rep) != 0)
            return 1;
        /* Retire in this order: a reset part-way, or a crash right now,
         * gets this crash reported again, never lost. */
        if (rep.count != 0u && (rc = crash_repeat_invalidate()) != PRAM_OK)
            return fail("repeat invalidate", rc);
        if ((rc = pram_buf_clear(&crash_log)) != PRAM_OK)
            return fail("log clear", rc);
        if ((rc = crash_rec_invalidate()) != PRAM_OK)
            return fail("crash invalidate", rc);
        fw_puts("crash: reported, record invalidated, log cleared\n");
    } else {
        fw_puts("crash_log: no crash recorded (");
        fw_puts(pram_strerror(rc));
        fw_puts(")\n");
    }

    /* The boot's work, logged (a crash-loop boot faults before any). */
    if (bi.boots < CRASH_LOOP_BOOT) {
        if (log_steps(bi.boots) != 0)
            return 1;
        put_line_u32("crash_log: logged ", STEPS, " step lines\n");
    }

    switch (bi.boots) {
    case 1u:
        fw_puts("crash_log: faulting: load from a bad address\n");
        (void)crash_fault_badaddr();
        break;
    case 2u:
        fw_puts("crash_log: faulting: undefined instruction, in the middle of a log line\n");
        if (mid_line(bi.boots, "undefined instruction") != 0)
            return 1;
        crash_fault_udf();
        break;
    case 3u:
        fw_puts("crash_log: faulting: divide by zero, in the middle of a log line\n");
        if (mid_line(bi.boots, "divide by zero") != 0)
            return 1;
        (void)crash_fault_div0(7u, zero);
        break;
    case 4u:
        fw_puts("crash_log: faulting: load from a bad address, BusFault disabled, in the middle of a log line\n");
        SCB_SHCSR &= ~SHCSR_BUSFAULTENA;
        barriers();
        if (mid_line(bi.boots, "bad load") != 0)
            return 1;
        (void)crash_fault_forced();
        break;
    case CRASH_LOOP_BOOT:
        fw_puts("crash_log: faulting: undefined instruction, record unreported, in the middle of a log line\n");
        if (mid_line(bi.boots, "undefined instruction") != 0)
            return 1;
        crash_fault_loop();
        break;
    case LAST_BOOT:
        if (!have)
            return fail("boot 6 found no crash record", 0);
        if (c.pc != addr_of(crash_site_forced) || c.exception != 3u || rep.count != 1u ||
            rep.last_pc != addr_of(crash_site_loop))
            return fail("crash loop did not keep the first crash", 0);
        fw_puts("crash_log: crash loop kept the first crash, counted 1 more\n");
        /* A clean slate, so the next run (on a board as in QEMU) starts over. */
        if ((rc = boot_info_invalidate()) != PRAM_OK)
            return fail("boot counter invalidate", rc);
        fw_puts("crash_log: done, 5 faults in 6 boots, 4 reports\n");
        return 0;
    default:
        return fail("unexpected boot number (stale boot counter?)", 0);
    }
    return fail("the deliberate fault did not fault", 0);
}
