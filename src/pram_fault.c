/* pram — crash capture: decoding (pure, tested on the host), commit into the
 * reboot record, the log line, the reset.  The naked entries that find the
 * exception frame are in pram_fault_shim.c.
 *
 * Everything here runs in a fault handler: no malloc, no locks, no libc, no
 * division (Armv6-M would call libgcc), bounded loops, and no struct copies
 * or zeroing loops a compiler could turn into memset/memcpy calls (the
 * stores go through volatile). */
#include "pram/pram.h"
#include "pram/pram_fault.h"

/* ---- Run-time settings (plain .bss: zero until set at boot) ------------------- */

static uintptr_t ram_start_set, ram_end_set;
static pram_buf_t *fault_log;
/* Set with the log: a firmware without one links no buffer code. */
static void (*log_writer)(pram_buf_t *log, const pram_crash_t *crash);
static void (*reset_hook)(void);
/* Set while a capture runs: a fault inside it (or an assertion from a
 * fault) resets at once instead of capturing again. */
static volatile uint32_t capturing;
#define CAPTURING 0xFA17C0DEu

/* Called from assembly only (pram_fault_shim.c): kept under LTO too. */
#if defined(PRAM_GNU_ATTRIBUTES)
#  define CALLED_FROM_ASM __attribute__((used))
#else
#  define CALLED_FROM_ASM
#endif

#if defined(PRAM_FAULT_LOG)
extern pram_buf_t PRAM_FAULT_LOG;
#endif

#if !(defined(PRAM_FAULT_RAM_START) && defined(PRAM_FAULT_RAM_END)) && PRAM_FAULT_CORTEX_M && \
    defined(PRAM_GNU_ATTRIBUTES)
#  define RAM_FROM_LINKER 1
/* Weak: 0 when the linker script does not define them (nothing is read). */
extern const uint32_t pram_fault_ram_start[] __attribute__((weak));
extern const uint32_t pram_fault_ram_end[] __attribute__((weak));
#endif

void pram_fault_set_ram(const volatile void *start, const volatile void *end)
{
    ram_start_set = (uintptr_t)start;
    ram_end_set = (uintptr_t)end;
}

static void append_line(pram_buf_t *log, const pram_crash_t *crash);

void pram_fault_set_log(pram_buf_t *log)
{
    fault_log = log;
    log_writer = log ? append_line : 0;
}

void pram_fault_set_reset_hook(void (*hook)(void))
{
    reset_hook = hook;
}

void pram_fault_new_boot(void)
{
    capturing = 0u;
}

static void ram_range(uintptr_t *start, uintptr_t *end)
{
    if (ram_start_set != ram_end_set) {
        *start = ram_start_set;
        *end = ram_end_set;
        return;
    }
#if defined(PRAM_FAULT_RAM_START) && defined(PRAM_FAULT_RAM_END)
    *start = (uintptr_t)(PRAM_FAULT_RAM_START);
    *end = (uintptr_t)(PRAM_FAULT_RAM_END);
#elif defined(RAM_FROM_LINKER)
    *start = (uintptr_t)pram_fault_ram_start;
    *end = (uintptr_t)pram_fault_ram_end;
#else
    *start = 0u;
    *end = 0u;
#endif
}

/* ---- Helpers -------------------------------------------------------------------- */

static void zero_words(void *p, uint32_t bytes)
{
    volatile uint32_t *w = (volatile uint32_t *)p;
    uint32_t i;
    for (i = 0u; i < bytes / 4u; i++)
        w[i] = 0u;
}

/* 1 if [addr, addr + bytes) is 4-aligned and inside the RAM range. */
static int in_ram(const pram_fault_regs_t *regs, uintptr_t addr, uintptr_t bytes)
{
    uintptr_t lo = regs->ram_start, hi = regs->ram_end;
    return (addr & 3u) == 0u && lo < hi && addr >= lo && addr <= hi && bytes <= hi - addr;
}

/* Words that can be read from addr up to the end of RAM, at most n. */
static uint32_t words_in_ram(const pram_fault_regs_t *regs, uintptr_t addr, uint32_t n)
{
    uintptr_t room;
    if (!in_ram(regs, addr, 0u))
        return 0u;
    room = (regs->ram_end - addr) / 4u;
    return room < (uintptr_t)n ? (uint32_t)room : n;
}

static void read_slice(pram_crash_t *out, const volatile uint32_t *sp, uint32_t n)
{
    uint32_t i;
    for (i = 0u; i < n; i++)
        out->stack[i] = sp[i];
    out->stack_words = n;
}

/* ---- Decoding ---------------------------------------------------------------------- */

enum { REG_CFSR, REG_SFSR, REG_HFSR };

/* Most specific first: errors while (un)stacking or saving FP state, then
 * security violations, MemManage and bus errors, usage faults, and last the
 * HardFault-only causes. */
static const uint8_t precedence[][3] = {
    {REG_CFSR, 20u, PRAM_FAULT_STKOF},     {REG_CFSR, 4u, PRAM_FAULT_MSTKERR},
    {REG_CFSR, 12u, PRAM_FAULT_STKERR},    {REG_CFSR, 3u, PRAM_FAULT_MUNSTKERR},
    {REG_CFSR, 11u, PRAM_FAULT_UNSTKERR},  {REG_CFSR, 5u, PRAM_FAULT_MLSPERR},
    {REG_CFSR, 13u, PRAM_FAULT_LSPERR},    {REG_SFSR, 5u, PRAM_FAULT_SLSPERR},
    {REG_SFSR, 7u, PRAM_FAULT_LSERR},      {REG_SFSR, 0u, PRAM_FAULT_INVEP},
    {REG_SFSR, 1u, PRAM_FAULT_INVIS},      {REG_SFSR, 2u, PRAM_FAULT_INVER},
    {REG_SFSR, 3u, PRAM_FAULT_AUVIOL},     {REG_SFSR, 4u, PRAM_FAULT_INVTRAN},
    {REG_CFSR, 0u, PRAM_FAULT_IACCVIOL},   {REG_CFSR, 1u, PRAM_FAULT_DACCVIOL},
    {REG_CFSR, 8u, PRAM_FAULT_IBUSERR},    {REG_CFSR, 9u, PRAM_FAULT_PRECISERR},
    {REG_CFSR, 10u, PRAM_FAULT_IMPRECISERR}, {REG_CFSR, 16u, PRAM_FAULT_UNDEFINSTR},
    {REG_CFSR, 17u, PRAM_FAULT_INVSTATE},  {REG_CFSR, 18u, PRAM_FAULT_INVPC},
    {REG_CFSR, 19u, PRAM_FAULT_NOCP},      {REG_CFSR, 24u, PRAM_FAULT_UNALIGNED},
    {REG_CFSR, 25u, PRAM_FAULT_DIVBYZERO}, {REG_HFSR, 1u, PRAM_FAULT_VECTTBL},
    {REG_HFSR, 31u, PRAM_FAULT_DEBUGEVT},  {REG_HFSR, 30u, PRAM_FAULT_FORCED},
};

pram_fault_reason_t pram_fault_decode(uint32_t cfsr, uint32_t hfsr, uint32_t sfsr)
{
    uint32_t i;
    for (i = 0u; i < (uint32_t)(sizeof precedence / sizeof precedence[0]); i++) {
        uint32_t v = precedence[i][0] == REG_CFSR ? cfsr : precedence[i][0] == REG_SFSR ? sfsr : hfsr;
        if ((v >> precedence[i][1]) & 1u)
            return (pram_fault_reason_t)precedence[i][2];
    }
    return PRAM_FAULT_UNKNOWN;
}

/* The n-th of a list of NUL-terminated strings in one array: one object,
 * so that --gc-sections drops the whole list with its function (string
 * literals would all share one mergeable section that stays). */
static const char *nth(const char *list, uint32_t n)
{
    while (n--)
        while (*list++ != '\0') {
        }
    return list;
}

const char *pram_fault_reason_name(pram_fault_reason_t reason)
{
    static const char names[] =
        "UNKNOWN\0IACCVIOL\0DACCVIOL\0MSTKERR\0MUNSTKERR\0MLSPERR\0IBUSERR\0PRECISERR\0"
        "IMPRECISERR\0STKERR\0UNSTKERR\0LSPERR\0UNDEFINSTR\0INVSTATE\0INVPC\0NOCP\0STKOF\0"
        "UNALIGNED\0DIVBYZERO\0VECTTBL\0DEBUGEVT\0FORCED\0HARDFAULT\0INVEP\0INVIS\0INVER\0"
        "AUVIOL\0INVTRAN\0SLSPERR\0LSERR";
    return (unsigned)reason < PRAM_FAULT_REASON_COUNT ? nth(names, (uint32_t)reason) : "?";
}

const char *pram_fault_reason_text(pram_fault_reason_t reason)
{
    static const char texts[] =
        "unknown fault (no status bit set)\0"
        "instruction access violation (MemManage)\0"
        "data access violation (MemManage)\0"
        "MemManage fault while stacking\0"
        "MemManage fault while unstacking\0"
        "MemManage fault during lazy FP state saving\0"
        "bus error on instruction fetch\0"
        "precise data bus error\0"
        "imprecise data bus error\0"
        "bus error while stacking\0"
        "bus error while unstacking\0"
        "bus error during lazy FP state saving\0"
        "undefined instruction\0"
        "invalid state (Thumb bit clear in a branch target or xPSR)\0"
        "invalid EXC_RETURN on exception return\0"
        "coprocessor access (FPU off or absent)\0"
        "stack limit overflow\0"
        "unaligned access\0"
        "divide by zero\0"
        "vector table read error\0"
        "debug event\0"
        "HardFault escalated with no other cause recorded\0"
        "HardFault (the core has no fault status registers)\0"
        "invalid Secure entry point\0"
        "invalid integrity signature on exception return\0"
        "invalid exception return (SecureFault)\0"
        "attribution unit violation (Non-secure access to Secure memory)\0"
        "invalid transition from Secure to Non-secure\0"
        "SecureFault during lazy FP state saving\0"
        "lazy state error (SecureFault)";
    return (unsigned)reason < PRAM_FAULT_REASON_COUNT ? nth(texts, (uint32_t)reason) : "?";
}

void pram_fault_fill(pram_crash_t *out, const uint32_t *frame, uint32_t exc_return,
                     const pram_fault_regs_t *regs)
{
    static const pram_fault_regs_t none = {0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u};
    const volatile uint32_t *f;
    uintptr_t fa = (uintptr_t)frame;
    uint32_t ctx, words, pad;

    if (!out)
        return;
    if (!regs)
        regs = &none;
    zero_words(out, (uint32_t)sizeof *out);
    out->kind = PRAM_REBOOT_FAULT;
    out->exc_return = exc_return;
    out->exception = regs->ipsr & 0x1FFu;
    if (regs->have & PRAM_FAULT_HAVE_CFSR) {
        out->cfsr = regs->cfsr;
        out->hfsr = regs->hfsr;
        out->mmfar = regs->mmfar;
        out->bfar = regs->bfar;
    }
    if (regs->have & PRAM_FAULT_HAVE_SFSR) {
        out->sfsr = regs->sfsr;
        out->sfar = regs->sfar;
    }
    out->reason = (regs->have & (PRAM_FAULT_HAVE_CFSR | PRAM_FAULT_HAVE_SFSR))
                      ? (uint32_t)pram_fault_decode(out->cfsr, out->hfsr, out->sfsr)
                      : (uint32_t)PRAM_FAULT_HARDFAULT;
    if (exc_return & PRAM_EXC_RETURN_SPSEL)
        out->flags |= PRAM_CRASH_PSP;
    if (!(exc_return & PRAM_EXC_RETURN_FTYPE))
        out->flags |= PRAM_CRASH_FPU;
    out->sp = (uint32_t)fa; /* where the frame should have been, if unreadable */

    /* Armv8-M: r4-r11 and the integrity signature below the frame. */
    ctx = (exc_return & PRAM_EXC_RETURN_DCRS) ? 0u : PRAM_FAULT_CONTEXT_WORDS;
    words = (exc_return & PRAM_EXC_RETURN_FTYPE) ? PRAM_FAULT_FRAME_WORDS : PRAM_FAULT_FRAME_FP_WORDS;
    if ((out->cfsr & PRAM_CFSR_FRAME_UNREADABLE) ||
        !in_ram(regs, fa, (uintptr_t)(ctx + PRAM_FAULT_FRAME_WORDS) * 4u))
        return;
    f = (const volatile uint32_t *)frame + ctx;
    out->r0 = f[0];
    out->r1 = f[1];
    out->r2 = f[2];
    out->r3 = f[3];
    out->r12 = f[4];
    out->lr = f[5];
    out->pc = f[6];
    out->xpsr = f[7];
    out->flags |= PRAM_CRASH_FRAME;
    pad = (out->xpsr & PRAM_XPSR_ALIGN_PAD) ? 1u : 0u;
    out->sp = (uint32_t)(fa + (uintptr_t)(ctx + words + pad) * 4u);
    /* The stack pointer before the exception: checked on its own (it lies
     * beyond the part of the frame checked above). */
    if ((uintptr_t)(ctx + words + pad) * 4u <= regs->ram_end - fa) {
        uint32_t n = words_in_ram(regs, fa + (uintptr_t)(ctx + words + pad) * 4u, PRAM_CRASH_STACK_WORDS);
        read_slice(out, f + words + pad, n);
    }
}

void pram_fault_fill_assert(pram_crash_t *out, uint32_t file_id, uint32_t line, uint32_t pc,
                            uint32_t lr, uintptr_t sp, const pram_fault_regs_t *regs)
{
    if (!out)
        return;
    zero_words(out, (uint32_t)sizeof *out);
    out->kind = PRAM_REBOOT_ASSERT;
    out->file_id = file_id;
    out->line = line;
    out->pc = pc;
    out->lr = lr;
    out->sp = (uint32_t)sp;
    if (!regs)
        return;
    out->exception = regs->ipsr & 0x1FFu;
    read_slice(out, (const volatile uint32_t *)sp, words_in_ram(regs, sp, PRAM_CRASH_STACK_WORDS));
}

/* ---- The log line ------------------------------------------------------------------ */

typedef struct {
    char *p, *end; /* end: where the NUL goes at the latest */
} out_t;

static void put_str(out_t *o, const char *s)
{
    while (*s && o->p < o->end)
        *o->p++ = *s++;
}

static void put_hex(out_t *o, const char *label, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    uint32_t i;
    put_str(o, label);
    put_str(o, "0x");
    for (i = 0u; i < 8u && o->p < o->end; i++)
        *o->p++ = digits[(v >> (28u - 4u * i)) & 0xFu];
}

/* Decimal by subtraction: no division (Armv6-M has none). */
static void put_dec(out_t *o, const char *label, uint32_t v)
{
    static const uint32_t pow10[] = {1000000000u, 100000000u, 10000000u, 1000000u, 100000u,
                                     10000u,      1000u,      100u,      10u,      1u};
    uint32_t i;
    int started = 0;
    put_str(o, label);
    for (i = 0u; i < 10u && o->p < o->end; i++) {
        char d = '0';
        while (v >= pow10[i]) {
            v -= pow10[i];
            d++;
        }
        if (d != '0' || started || i == 9u) {
            *o->p++ = d;
            started = 1;
        }
    }
}

/* The fault address register valid for the reason, if any. */
static int fault_address(const pram_crash_t *c, uint32_t *addr)
{
    uint32_t r = c->reason;
    if (r >= PRAM_FAULT_IACCVIOL && r <= PRAM_FAULT_MLSPERR && (c->cfsr & PRAM_CFSR_MMARVALID)) {
        *addr = c->mmfar;
        return 1;
    }
    if (r >= PRAM_FAULT_IBUSERR && r <= PRAM_FAULT_LSPERR && (c->cfsr & PRAM_CFSR_BFARVALID)) {
        *addr = c->bfar;
        return 1;
    }
    if (r >= PRAM_FAULT_INVEP && r <= PRAM_FAULT_LSERR && (c->sfsr & PRAM_SFSR_SFARVALID)) {
        *addr = c->sfar;
        return 1;
    }
    return 0;
}

uint32_t pram_fault_format(char *buf, uint32_t cap, const pram_crash_t *crash, int abandoned)
{
    out_t o;
    uint32_t addr;
    if (!buf || cap == 0u)
        return 0u;
    o.p = buf;
    o.end = buf + cap - 1u;
    if (crash) {
        if (crash->kind == PRAM_REBOOT_ASSERT) {
            put_hex(&o, "assert file=", crash->file_id);
            put_dec(&o, " line=", crash->line);
        } else {
            put_str(&o, "fault ");
            put_str(&o, pram_fault_reason_name((pram_fault_reason_t)crash->reason));
        }
        put_hex(&o, " pc=", crash->pc);
        put_hex(&o, " lr=", crash->lr);
        put_hex(&o, " sp=", crash->sp);
        if (crash->kind != PRAM_REBOOT_ASSERT && fault_address(crash, &addr))
            put_hex(&o, " addr=", addr);
        if (abandoned)
            put_str(&o, " abandoned=1");
    }
    *o.p = '\0';
    return (uint32_t)(o.p - buf);
}

/* ---- Registers, reset ------------------------------------------------------------- */

static uint32_t read_ipsr(void)
{
#if PRAM_FAULT_CORTEX_M && defined(PRAM_GNU_ATTRIBUTES)
    uint32_t v;
    __asm__ __volatile__("mrs %0, ipsr" : "=r"(v));
    return v;
#else
    return 0u;
#endif
}

#define SCB_REG(addr) (*(const volatile uint32_t *)(addr))

/* What any code may read, privileged or not: IPSR and the RAM range. */
static void read_basic(pram_fault_regs_t *regs)
{
    zero_words(regs, (uint32_t)sizeof *regs);
    regs->ipsr = read_ipsr();
    ram_range(&regs->ram_start, &regs->ram_end);
}

void pram_fault_read_regs(pram_fault_regs_t *regs)
{
    if (!regs)
        return;
    read_basic(regs);
#if PRAM_FAULT_MAINLINE
    regs->cfsr = SCB_REG(PRAM_FAULT_SCB_CFSR);
    regs->hfsr = SCB_REG(PRAM_FAULT_SCB_HFSR);
    regs->mmfar = SCB_REG(PRAM_FAULT_SCB_MMFAR);
    regs->bfar = SCB_REG(PRAM_FAULT_SCB_BFAR);
    regs->have |= PRAM_FAULT_HAVE_CFSR;
#endif
#if PRAM_FAULT_READ_SFSR && PRAM_FAULT_CORTEX_M
    regs->sfsr = SCB_REG(PRAM_FAULT_SCB_SFSR);
    regs->sfar = SCB_REG(PRAM_FAULT_SCB_SFAR);
    regs->have |= PRAM_FAULT_HAVE_SFSR;
#endif
}

/* 0 in unprivileged thread mode: there the AIRCR write below faults. */
static int privileged(void)
{
#if PRAM_FAULT_CORTEX_M && defined(PRAM_GNU_ATTRIBUTES)
    uint32_t control;
    __asm__ __volatile__("mrs %0, control" : "=r"(control));
    return read_ipsr() != 0u || (control & 1u) == 0u;
#else
    return 1;
#endif
}

static PRAM_FAULT_NORETURN void fault_reset(void)
{
    void (*hook)(void) = reset_hook;
    /* Done: a fault from here on (the reset's own write, from unprivileged
     * code) would be a new capture.  Unprivileged, it stays set, so that
     * the BusFault of the AIRCR write resets at once. */
    if (privileged())
        capturing = 0u;
    PRAM_BARRIER();
    if (hook)
        hook();
#if defined(PRAM_FAULT_RESET)
    PRAM_FAULT_RESET();
#elif PRAM_FAULT_CORTEX_M
    *(volatile uint32_t *)PRAM_FAULT_SCB_AIRCR = 0x05FA0004u; /* VECTKEY | SYSRESETREQ */
    PRAM_DSB();
#else
    PRAM_TRAP();
#endif
    for (;;) {
    }
}

/* A capture already running (this one faulted, or asserted): reset now,
 * keeping what it committed. */
static void enter_capture(void)
{
    if (capturing == CAPTURING)
        fault_reset();
    capturing = CAPTURING;
}

/* ---- Commit ------------------------------------------------------------------------- */

#define FAULT_LINE_MAX 96u /* the longest line is 92 characters */

/* Its own frame, so that the line is not on the stack during the commit. */
static PRAM_NOINLINE void append_line(pram_buf_t *log, const pram_crash_t *crash)
{
    char line[FAULT_LINE_MAX];
    uint32_t n;
    int rc = pram_buf_takeover(log), abandoned = rc == PRAM_BUF_ABANDONED;
    if (rc == PRAM_ERR_NOT_OPEN)
        rc = pram_buf_open(log);
    if (rc < 0)
        return;
    n = pram_fault_format(line, FAULT_LINE_MAX, crash, abandoned);
    (void)pram_buf_append(log, line, n);
}

void pram_fault_commit(const pram_crash_t *crash)
{
    pram_buf_t *log = fault_log;
    void (*writer)(pram_buf_t *, const pram_crash_t *) = log_writer;
#if defined(PRAM_FAULT_LOG)
    if (!log || !writer) {
        log = &PRAM_FAULT_LOG;
        writer = append_line;
    }
#endif
    if (crash) {
        (void)pram_reboot_crash(crash);
        if (log && writer)
            writer(log, crash);
    }
    fault_reset();
}

void pram_fault_capture_with(const uint32_t *frame, uint32_t exc_return, const pram_fault_regs_t *regs)
{
    pram_crash_t crash;
    enter_capture();
    pram_fault_fill(&crash, frame, exc_return, regs);
    pram_fault_commit(&crash);
}

CALLED_FROM_ASM void pram_fault_capture(const uint32_t *frame, uint32_t exc_return)
{
    pram_fault_regs_t regs;
    pram_fault_read_regs(&regs); /* first: before anything can change them */
    pram_fault_capture_with(frame, exc_return, &regs);
}

/* ---- Assertions --------------------------------------------------------------------- */

static PRAM_FAULT_NORETURN void assert_capture(uint32_t file_id, uint32_t line, uint32_t pc, uint32_t lr,
                                               uintptr_t sp)
{
    pram_fault_regs_t regs;
    pram_crash_t crash;
    enter_capture();
    read_basic(&regs); /* not the SCB: unprivileged code may assert */
    pram_fault_fill_assert(&crash, file_id, line, pc, lr, sp, &regs);
    pram_fault_commit(&crash);
}

CALLED_FROM_ASM void pram__fault_assert_entry(uint32_t file_id, uint32_t line, const uint32_t *saved)
{
    /* The Thumb bit of the return address cleared: an instruction address,
     * as a stacked pc is. */
    assert_capture(file_id, line, saved[1] & ~1u, saved[0], (uintptr_t)(saved + 2));
}

#if !PRAM_FAULT_ENTRIES
/* Without the naked entries (host, other compilers): the return address
 * as the compiler gives it, and this frame's address for sp. */
#  if defined(PRAM_GNU_ATTRIBUTES)
#    define FRAME_ADDRESS() ((uintptr_t)__builtin_frame_address(0))
#  else
#    define FRAME_ADDRESS() ((uintptr_t)&file_id)
#  endif

PRAM_NOINLINE void pram_fault_assert_lr(uint32_t file_id, uint32_t line, const void *lr)
{
    uintptr_t ra = (uintptr_t)PRAM_FAULT_RETURN_ADDRESS();
#  if PRAM_FAULT_CORTEX_M
    ra &= ~(uintptr_t)1u;
#  endif
    assert_capture(file_id, line, (uint32_t)ra, (uint32_t)(uintptr_t)lr, FRAME_ADDRESS());
}

PRAM_NOINLINE void pram_fault_assert(uint32_t file_id, uint32_t line)
{
    uintptr_t ra = (uintptr_t)PRAM_FAULT_RETURN_ADDRESS();
#  if PRAM_FAULT_CORTEX_M
    ra &= ~(uintptr_t)1u;
#  endif
    assert_capture(file_id, line, (uint32_t)ra, 0u, FRAME_ADDRESS());
}
#endif

uint32_t pram_fault_file_id(const char *path)
{
    uint32_t h = 2166136261u, n = 0u, k;
    if (!path)
        return h;
    while (path[n] != '\0' && n < 0xFFFFu)
        n++;
    for (k = 0u; k < 24u && k < n; k++)
        h = (h ^ (uint32_t)(unsigned char)path[n - 1u - k]) * 16777619u;
    return h;
}
