/* Crash capture (pram_fault.h) on the host: the decoding the Cortex-M fault
 * handler runs, fed with synthetic exception frames, then the commit path
 * into the reboot record and the log, with the reset replaced by a longjmp.
 *
 * - Frames: basic and FPU-extended, with and without the alignment pad, on
 *   MSP and PSP, with and without the Armv8-M additional state context, at
 *   every position near the end of RAM; every register checked against the
 *   value the test put in that stack slot, sp against the documented frame
 *   sizes (32 / 104 bytes, +4 pad, +40 context), the stack slice against
 *   the words above it, clipped at the end of RAM.
 * - Frames outside RAM (before it, after it, straddling its end, unaligned,
 *   NULL) and frames the hardware failed to stack: nothing is read.  The
 *   fake RAM is a heap block of its own, so under ASan any read outside it
 *   is a heap-buffer-overflow.
 * - Decoding: every CFSR, HFSR and SFSR bit alone, and every pair of
 *   reason bits (the more specific wins, in the documented order).
 * - Commit: pram_reboot_new_boot() + pram_reboot_boot_with(none) report
 *   PRAM_REBOOT_FAULT with the captured crash; a second crash before the
 *   ack only counts; assertions report PRAM_REBOOT_ASSERT with file id and
 *   line; the log line is appended after pram_buf_takeover, also when the
 *   fault interrupts a streamed record or an append at any of its stores;
 *   a fault inside the capture resets at once; power cut at every store
 *   of the capture keeps the crash whole or absent, and the log line only
 *   with the crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "power_cut.h"
#include "test_support.h"

/* ---- Fake RAM: a heap block of its own ------------------------------------- */

#define RAM_WORDS 512u
static uint32_t *ram;
static pram_fault_regs_t regs;

/* What RAM holds where the test put nothing: distinct per word. */
static uint32_t pattern(uint32_t i) { return 0x5A000000u + i; }

static uintptr_t ram_addr(uint32_t word) { return (uintptr_t)ram + (uintptr_t)word * 4u; }

static void ram_fill(void)
{
    uint32_t i;
    for (i = 0; i < RAM_WORDS; i++)
        ram[i] = pattern(i);
}

static unsigned resets;
static void test_reset(void)
{
    resets++;
    pram_test_power_cut(); /* longjmps to run_cut's boot */
}

static int setup(void **state)
{
    (void)state;
    ram = malloc(RAM_WORDS * 4u);
    assert_non_null(ram);
    ram_fill();
    memset(&regs, 0, sizeof regs);
    regs.have = PRAM_FAULT_HAVE_CFSR | PRAM_FAULT_HAVE_SFSR;
    regs.ipsr = 3u;
    regs.ram_start = (uintptr_t)ram;
    regs.ram_end = (uintptr_t)(ram + RAM_WORDS);
    pram_fault_set_reset_hook(test_reset);
    pram_fault_set_log(NULL);
    pram_fault_set_ram(NULL, NULL);
    pram_fault_new_boot();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(ram);
    ram = NULL;
    pram_test_on_store = NULL;
    pram_fault_set_log(NULL);
    return 0;
}

/* ---- Synthetic frames ------------------------------------------------------- */

#define XPSR_BASE 0x61000000u /* Thumb bit, flags */
static uint32_t reg_value(uint32_t i) { return 0x10101010u * (i + 1u); } /* r0 .. pc */

#define EXC_MSP 0xFFFFFFF9u    /* thread mode, MSP, basic frame */
#define EXC_PSP 0xFFFFFFFDu    /* thread mode, PSP, basic frame */
#define EXC_MSP_FP 0xFFFFFFE9u /* MSP, extended frame */
#define EXC_PSP_FP 0xFFFFFFEDu /* PSP, extended frame */
#define EXC_DCRS 0x20u

typedef struct {
    uint32_t at;    /* word index of the frame pointer */
    uint32_t exc;   /* EXC_RETURN */
    int pad;        /* xPSR bit 9 */
    uint32_t base;  /* word index of r0 */
    uint32_t sp;    /* word index of the stack pointer before the exception */
} frame_t;

/* Writes a frame at word `at` as the hardware would: the additional state
 * context (when EXC_RETURN.DCRS is 0), r0 r1 r2 r3 r12 lr pc xPSR, the FP
 * words of an extended frame, the pad word. */
static frame_t put_frame(uint32_t at, uint32_t exc, int pad)
{
    frame_t f;
    uint32_t i, ctx = (exc & EXC_DCRS) ? 0u : 10u, words = (exc & 0x10u) ? 8u : 26u;
    f.at = at;
    f.exc = exc;
    f.pad = pad;
    f.base = at + ctx;
    f.sp = f.base + words + (pad ? 1u : 0u);
    assert_true(f.sp <= RAM_WORDS);
    for (i = 0; i < ctx; i++)
        ram[at + i] = 0xC0C00000u + i;
    for (i = 0; i < 7u; i++)
        ram[f.base + i] = reg_value(i);
    ram[f.base + 7u] = XPSR_BASE | (pad ? (1u << 9) : 0u);
    for (i = 8u; i < words; i++)
        ram[f.base + i] = 0xF0F00000u + i;
    if (pad)
        ram[f.base + words] = 0xDEADBEEFu;
    return f;
}

static void check_frame(const pram_crash_t *c, const frame_t *f)
{
    uint32_t i, n = RAM_WORDS - f->sp < PRAM_CRASH_STACK_WORDS ? RAM_WORDS - f->sp : PRAM_CRASH_STACK_WORDS;
    uint32_t flags = PRAM_CRASH_FRAME | ((f->exc & 4u) ? PRAM_CRASH_PSP : 0u) |
                     ((f->exc & 0x10u) ? 0u : PRAM_CRASH_FPU);
    assert_int_equal(c->kind, PRAM_REBOOT_FAULT);
    assert_int_equal(c->r0, reg_value(0));
    assert_int_equal(c->r1, reg_value(1));
    assert_int_equal(c->r2, reg_value(2));
    assert_int_equal(c->r3, reg_value(3));
    assert_int_equal(c->r12, reg_value(4));
    assert_int_equal(c->lr, reg_value(5));
    assert_int_equal(c->pc, reg_value(6));
    assert_int_equal(c->xpsr, XPSR_BASE | (f->pad ? (1u << 9) : 0u));
    assert_int_equal(c->sp, (uint32_t)ram_addr(f->sp));
    assert_int_equal(c->exc_return, f->exc);
    assert_int_equal(c->flags, flags);
    assert_int_equal(c->stack_words, n);
    for (i = 0; i < n; i++)
        assert_int_equal(c->stack[i], ram[f->sp + i]);
    for (; i < PRAM_CRASH_STACK_WORDS; i++)
        assert_int_equal(c->stack[i], 0u);
    assert_int_equal(c->file_id, 0u);
    assert_int_equal(c->line, 0u);
    assert_int_equal(c->boot, 0u);
}

/* Nothing read: registers and slice 0, sp = the frame pointer. */
static void check_unread(const pram_crash_t *c, uintptr_t frame, uint32_t exc)
{
    uint32_t i;
    assert_int_equal(c->kind, PRAM_REBOOT_FAULT);
    assert_int_equal(c->r0 | c->r1 | c->r2 | c->r3 | c->r12 | c->lr | c->pc | c->xpsr, 0u);
    assert_int_equal(c->sp, (uint32_t)frame);
    assert_int_equal(c->flags & PRAM_CRASH_FRAME, 0u);
    assert_int_equal(c->flags & PRAM_CRASH_PSP, (exc & 4u) ? PRAM_CRASH_PSP : 0u);
    assert_int_equal(c->stack_words, 0u);
    for (i = 0; i < PRAM_CRASH_STACK_WORDS; i++)
        assert_int_equal(c->stack[i], 0u);
}

static void fill_at(pram_crash_t *c, uint32_t at, uint32_t exc)
{
    memset(c, 0xEE, sizeof *c); /* fill must set every field */
    pram_fault_fill(c, (const uint32_t *)ram_addr(at), exc, &regs);
}

/* ---- Frames ------------------------------------------------------------------ */

static void frame_basic_msp(void **state)
{
    pram_crash_t c;
    frame_t f = put_frame(100u, EXC_MSP, 0);
    (void)state;
    regs.cfsr = PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID;
    regs.bfar = 0xA0000000u;
    regs.mmfar = 0x12345678u;
    regs.hfsr = PRAM_HFSR_FORCED;
    regs.sfsr = 0u;
    regs.sfar = 0x87654321u;
    regs.ipsr = 0xFFFFFE05u; /* only the low 9 bits are the exception */
    fill_at(&c, 100u, EXC_MSP);
    check_frame(&c, &f);
    assert_int_equal(c.sp, (uint32_t)ram_addr(100u + 8u)); /* 32 bytes above */
    assert_int_equal(c.reason, PRAM_FAULT_PRECISERR);
    assert_int_equal(c.exception, 5u);
    assert_int_equal(c.cfsr, PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID);
    assert_int_equal(c.hfsr, PRAM_HFSR_FORCED);
    assert_int_equal(c.bfar, 0xA0000000u);
    assert_int_equal(c.mmfar, 0x12345678u);
    assert_int_equal(c.sfsr, 0u);
    assert_int_equal(c.sfar, 0x87654321u);
    assert_int_equal(c.stack[0], pattern(108u));
}

static void frame_basic_psp_pad(void **state)
{
    pram_crash_t c;
    frame_t f = put_frame(200u, EXC_PSP, 1);
    (void)state;
    fill_at(&c, 200u, EXC_PSP);
    check_frame(&c, &f);
    /* 32 bytes of frame, 4 of padding: the pad word is not in the slice. */
    assert_int_equal(c.sp, (uint32_t)ram_addr(200u + 9u));
    assert_int_equal(c.stack[0], pattern(209u));
    assert_true(c.flags & PRAM_CRASH_PSP);
}

static void frame_fpu(void **state)
{
    pram_crash_t c;
    frame_t f = put_frame(40u, EXC_MSP_FP, 0);
    (void)state;
    fill_at(&c, 40u, EXC_MSP_FP);
    check_frame(&c, &f);
    assert_int_equal(c.sp, (uint32_t)ram_addr(40u + 26u)); /* 104 bytes */
    assert_true(c.flags & PRAM_CRASH_FPU);
    assert_int_equal(c.stack[0], pattern(66u));

    ram_fill();
    f = put_frame(300u, EXC_PSP_FP, 1);
    fill_at(&c, 300u, EXC_PSP_FP);
    check_frame(&c, &f);
    assert_int_equal(c.sp, (uint32_t)ram_addr(300u + 27u)); /* 104 + 4 */
    assert_int_equal(c.flags, PRAM_CRASH_FRAME | PRAM_CRASH_FPU | PRAM_CRASH_PSP);
}

/* Armv8-M: EXC_RETURN.DCRS = 0, r4-r11 and the signature below the frame. */
static void frame_v8m_context(void **state)
{
    pram_crash_t c;
    uint32_t exc = 0xFFFFFFFDu & ~EXC_DCRS;
    frame_t f = put_frame(64u, exc, 1);
    (void)state;
    fill_at(&c, 64u, exc);
    check_frame(&c, &f);
    assert_int_equal(c.sp, (uint32_t)ram_addr(64u + 10u + 8u + 1u));
    assert_int_equal(c.r0, reg_value(0)); /* not the integrity signature */
}

/* Every combination, at every frame position from well inside RAM to where
 * the frame just fits: the slice is clipped at the end of RAM. */
static void frame_all_combinations(void **state)
{
    static const uint32_t excs[] = {EXC_MSP, EXC_PSP, EXC_MSP_FP, EXC_PSP_FP, EXC_MSP & ~EXC_DCRS,
                                    EXC_PSP & ~EXC_DCRS, EXC_MSP_FP & ~EXC_DCRS, EXC_PSP_FP & ~EXC_DCRS};
    pram_crash_t c;
    uint32_t e, at, n = 0, clipped = 0;
    int pad;
    (void)state;
    for (e = 0; e < sizeof excs / sizeof excs[0]; e++) {
        for (pad = 0; pad <= 1; pad++) {
            uint32_t ctx = (excs[e] & EXC_DCRS) ? 0u : 10u, words = (excs[e] & 0x10u) ? 8u : 26u;
            uint32_t last = RAM_WORDS - ctx - words - (uint32_t)pad; /* sp lands at the end */
            for (at = last - 2u * PRAM_CRASH_STACK_WORDS; at <= last; at++) {
                frame_t f;
                ram_fill();
                f = put_frame(at, excs[e], pad);
                fill_at(&c, at, excs[e]);
                check_frame(&c, &f);
                clipped += c.stack_words < PRAM_CRASH_STACK_WORDS;
                n++;
            }
            assert_int_equal(c.stack_words, 0u); /* the last: sp == end of RAM */
        }
    }
    assert_int_equal(clipped, 16u * PRAM_CRASH_STACK_WORDS);
    assert_true(n > 200u);
}

/* Frames not (all) inside RAM are not read: ASan would see any read. */
static void frame_outside_ram(void **state)
{
    pram_crash_t c;
    uintptr_t end = (uintptr_t)(ram + RAM_WORDS), start = (uintptr_t)ram;
    const uintptr_t outside[] = {
        end,               /* just after */
        end + 64u,         /* after */
        end - 4u,          /* straddles the end by 28 bytes */
        end - 28u,         /* straddles by 4 */
        start - 32u,       /* before */
        start - 4u,        /* straddles the start */
        start + 2u,        /* unaligned */
        start + 101u,      /* unaligned */
        0u,                /* NULL */
        (uintptr_t)-32,    /* wraps */
    };
    uint32_t i;
    (void)state;
    ram_fill();
    regs.cfsr = PRAM_CFSR_UNDEFINSTR;
    for (i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        memset(&c, 0xEE, sizeof c);
        pram_fault_fill(&c, (const uint32_t *)outside[i], EXC_PSP, &regs);
        check_unread(&c, outside[i], EXC_PSP);
        assert_int_equal(c.reason, PRAM_FAULT_UNDEFINSTR); /* decoded all the same */
        assert_int_equal(c.cfsr, PRAM_CFSR_UNDEFINSTR);
        assert_int_equal(c.exception, 3u);
    }
    /* The last frame that fits exactly is read: the bound is exact. */
    put_frame(RAM_WORDS - 8u, EXC_MSP, 0);
    fill_at(&c, RAM_WORDS - 8u, EXC_MSP);
    assert_true(c.flags & PRAM_CRASH_FRAME);
    assert_int_equal(c.stack_words, 0u);
    /* With the context, 10 more words must be inside. */
    memset(&c, 0, sizeof c);
    pram_fault_fill(&c, (const uint32_t *)(end - 32u), EXC_MSP & ~EXC_DCRS, &regs);
    check_unread(&c, end - 32u, EXC_MSP);
    /* An empty or inverted RAM range reads nothing. */
    regs.ram_end = regs.ram_start;
    fill_at(&c, 100u, EXC_MSP);
    check_unread(&c, ram_addr(100u), EXC_MSP);
    regs.ram_end = regs.ram_start - 4u;
    fill_at(&c, 100u, EXC_MSP);
    check_unread(&c, ram_addr(100u), EXC_MSP);
    /* No registers at all: nothing read, reason "HardFault". */
    memset(&c, 0xEE, sizeof c);
    pram_fault_fill(&c, (const uint32_t *)ram_addr(100u), EXC_MSP, NULL);
    check_unread(&c, ram_addr(100u), EXC_MSP);
    assert_int_equal(c.reason, PRAM_FAULT_HARDFAULT);
    pram_fault_fill(NULL, ram, EXC_MSP, &regs); /* no crash: nothing happens */
}

/* A stacking error means the frame is not (all) there: not read. */
static void frame_stacking_errors(void **state)
{
    static const uint32_t unreadable[] = {PRAM_CFSR_MSTKERR, PRAM_CFSR_STKERR, PRAM_CFSR_MUNSTKERR,
                                          PRAM_CFSR_UNSTKERR, PRAM_CFSR_STKOF};
    static const uint32_t readable[] = {PRAM_CFSR_MLSPERR, PRAM_CFSR_LSPERR, PRAM_CFSR_IBUSERR,
                                        PRAM_CFSR_IMPRECISERR};
    pram_crash_t c;
    frame_t f;
    uint32_t i;
    (void)state;
    f = put_frame(120u, EXC_PSP_FP, 1);
    for (i = 0; i < sizeof unreadable / sizeof unreadable[0]; i++) {
        regs.cfsr = unreadable[i] | PRAM_CFSR_PRECISERR;
        fill_at(&c, 120u, EXC_PSP_FP);
        check_unread(&c, ram_addr(120u), EXC_PSP_FP);
        assert_true(c.flags & PRAM_CRASH_FPU);
        assert_int_equal(c.cfsr, regs.cfsr);
    }
    for (i = 0; i < sizeof readable / sizeof readable[0]; i++) {
        regs.cfsr = readable[i];
        fill_at(&c, 120u, EXC_PSP_FP);
        check_frame(&c, &f);
    }
}

/* Armv6-M: no status registers were read. */
static void frame_v6m(void **state)
{
    pram_crash_t c;
    frame_t f = put_frame(10u, EXC_MSP, 1);
    (void)state;
    regs.have = 0u;
    regs.cfsr = PRAM_CFSR_STKERR; /* not read: ignored, and the frame is read */
    regs.sfsr = PRAM_SFSR_INVEP;
    fill_at(&c, 10u, EXC_MSP);
    check_frame(&c, &f);
    assert_int_equal(c.reason, PRAM_FAULT_HARDFAULT);
    assert_int_equal(c.cfsr | c.hfsr | c.mmfar | c.bfar | c.sfsr | c.sfar, 0u);
    /* CFSR only (Armv7-M): SFSR/SFAR stay 0. */
    regs.have = PRAM_FAULT_HAVE_CFSR;
    regs.cfsr = PRAM_CFSR_DIVBYZERO;
    regs.sfar = 0x1234u;
    fill_at(&c, 10u, EXC_MSP);
    assert_int_equal(c.reason, PRAM_FAULT_DIVBYZERO);
    assert_int_equal(c.sfsr | c.sfar, 0u);
    /* SFSR only. */
    regs.have = PRAM_FAULT_HAVE_SFSR;
    fill_at(&c, 10u, EXC_MSP);
    assert_int_equal(c.reason, PRAM_FAULT_INVEP);
    assert_int_equal(c.cfsr, 0u);
    assert_int_equal(c.sfar, 0x1234u);
}

/* ---- Decoding ------------------------------------------------------------------ */

/* The documented order, most specific first (pram_fault.h). */
static const struct {
    int reg; /* 0 CFSR, 1 HFSR, 2 SFSR */
    uint32_t bit;
    pram_fault_reason_t reason;
} order[] = {
    {0, PRAM_CFSR_STKOF, PRAM_FAULT_STKOF},          {0, PRAM_CFSR_MSTKERR, PRAM_FAULT_MSTKERR},
    {0, PRAM_CFSR_STKERR, PRAM_FAULT_STKERR},        {0, PRAM_CFSR_MUNSTKERR, PRAM_FAULT_MUNSTKERR},
    {0, PRAM_CFSR_UNSTKERR, PRAM_FAULT_UNSTKERR},    {0, PRAM_CFSR_MLSPERR, PRAM_FAULT_MLSPERR},
    {0, PRAM_CFSR_LSPERR, PRAM_FAULT_LSPERR},        {2, PRAM_SFSR_LSPERR, PRAM_FAULT_SLSPERR},
    {2, PRAM_SFSR_LSERR, PRAM_FAULT_LSERR},          {2, PRAM_SFSR_INVEP, PRAM_FAULT_INVEP},
    {2, PRAM_SFSR_INVIS, PRAM_FAULT_INVIS},          {2, PRAM_SFSR_INVER, PRAM_FAULT_INVER},
    {2, PRAM_SFSR_AUVIOL, PRAM_FAULT_AUVIOL},        {2, PRAM_SFSR_INVTRAN, PRAM_FAULT_INVTRAN},
    {0, PRAM_CFSR_IACCVIOL, PRAM_FAULT_IACCVIOL},    {0, PRAM_CFSR_DACCVIOL, PRAM_FAULT_DACCVIOL},
    {0, PRAM_CFSR_IBUSERR, PRAM_FAULT_IBUSERR},      {0, PRAM_CFSR_PRECISERR, PRAM_FAULT_PRECISERR},
    {0, PRAM_CFSR_IMPRECISERR, PRAM_FAULT_IMPRECISERR}, {0, PRAM_CFSR_UNDEFINSTR, PRAM_FAULT_UNDEFINSTR},
    {0, PRAM_CFSR_INVSTATE, PRAM_FAULT_INVSTATE},    {0, PRAM_CFSR_INVPC, PRAM_FAULT_INVPC},
    {0, PRAM_CFSR_NOCP, PRAM_FAULT_NOCP},            {0, PRAM_CFSR_UNALIGNED, PRAM_FAULT_UNALIGNED},
    {0, PRAM_CFSR_DIVBYZERO, PRAM_FAULT_DIVBYZERO},  {1, PRAM_HFSR_VECTTBL, PRAM_FAULT_VECTTBL},
    {1, PRAM_HFSR_DEBUGEVT, PRAM_FAULT_DEBUGEVT},    {1, PRAM_HFSR_FORCED, PRAM_FAULT_FORCED},
};
#define NORDER (sizeof order / sizeof order[0])

static pram_fault_reason_t decode_bits(const uint32_t v[3]) { return pram_fault_decode(v[0], v[1], v[2]); }

/* Every bit of each register alone: its reason, or UNKNOWN for the bits
 * that name no cause (the VALID bits, reserved bits). */
static void decode_every_bit(void **state)
{
    uint32_t reg, bit, i, named = 0;
    (void)state;
    assert_int_equal(pram_fault_decode(0u, 0u, 0u), PRAM_FAULT_UNKNOWN);
    for (reg = 0; reg < 3u; reg++) {
        for (bit = 0; bit < 32u; bit++) {
            uint32_t v[3] = {0u, 0u, 0u};
            pram_fault_reason_t want = PRAM_FAULT_UNKNOWN;
            v[reg] = 1u << bit;
            for (i = 0; i < NORDER; i++)
                if (order[i].reg == (int)reg && order[i].bit == v[reg])
                    want = order[i].reason;
            named += want != PRAM_FAULT_UNKNOWN;
            assert_int_equal(decode_bits(v), want);
        }
    }
    assert_int_equal(named, NORDER);
    /* Spelled out, for the bits that must name nothing. */
    assert_int_equal(pram_fault_decode(PRAM_CFSR_MMARVALID | PRAM_CFSR_BFARVALID, 0u, PRAM_SFSR_SFARVALID),
                     PRAM_FAULT_UNKNOWN);
    assert_int_equal(pram_fault_decode(PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID, PRAM_HFSR_FORCED, 0u),
                     PRAM_FAULT_PRECISERR);
    /* Every reason but UNKNOWN and HARDFAULT comes from exactly one bit. */
    assert_int_equal(NORDER + 2u, PRAM_FAULT_REASON_COUNT);
}

/* Every pair of reason bits: the earlier in the order wins; and every
 * suffix of the order set at once: its first. */
static void decode_precedence(void **state)
{
    uint32_t i, j, pairs = 0;
    (void)state;
    for (i = 0; i < NORDER; i++) {
        for (j = 0; j < NORDER; j++) {
            uint32_t v[3] = {0u, 0u, 0u};
            if (i == j)
                continue;
            v[order[i].reg] |= order[i].bit;
            v[order[j].reg] |= order[j].bit;
            assert_int_equal(decode_bits(v), order[i < j ? i : j].reason);
            pairs++;
        }
    }
    assert_int_equal(pairs, NORDER * (NORDER - 1u));
    for (i = 0; i < NORDER; i++) {
        uint32_t v[3] = {0u, 0u, 0u};
        for (j = i; j < NORDER; j++)
            v[order[j].reg] |= order[j].bit;
        assert_int_equal(decode_bits(v), order[i].reason);
    }
    assert_int_equal(pram_fault_decode(0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu), PRAM_FAULT_STKOF);
}

static void reason_names(void **state)
{
    uint32_t i, j;
    (void)state;
    for (i = 0; i < PRAM_FAULT_REASON_COUNT; i++) {
        const char *n = pram_fault_reason_name((pram_fault_reason_t)i);
        assert_non_null(n);
        assert_true(strlen(n) > 0u && strcmp(n, "?") != 0);
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ", n[0]));
        assert_true(strlen(pram_fault_reason_text((pram_fault_reason_t)i)) > 5u);
        for (j = 0; j < i; j++)
            assert_string_not_equal(n, pram_fault_reason_name((pram_fault_reason_t)j));
    }
    for (i = 0; i < NORDER; i++) /* the bit's own name, where one names it */
        if (order[i].reason != PRAM_FAULT_SLSPERR)
            assert_non_null(strstr("STKOF MSTKERR STKERR MUNSTKERR UNSTKERR MLSPERR LSPERR LSERR INVEP INVIS "
                                   "INVER AUVIOL INVTRAN IACCVIOL DACCVIOL IBUSERR PRECISERR IMPRECISERR "
                                   "UNDEFINSTR INVSTATE INVPC NOCP UNALIGNED DIVBYZERO VECTTBL DEBUGEVT FORCED",
                                   pram_fault_reason_name(order[i].reason)));
    assert_string_equal(pram_fault_reason_name(PRAM_FAULT_REASON_COUNT), "?");
    assert_string_equal(pram_fault_reason_text(PRAM_FAULT_REASON_COUNT), "?");
    assert_string_equal(pram_fault_reason_name(PRAM_FAULT_PRECISERR), "PRECISERR");
    assert_string_equal(pram_fault_reason_name(PRAM_FAULT_UNKNOWN), "UNKNOWN");
}

/* ---- The log line and the file id ------------------------------------------------ */

static void format_lines(void **state)
{
    pram_crash_t c;
    char buf[160];
    uint32_t n;
    (void)state;
    memset(&c, 0, sizeof c);
    c.kind = PRAM_REBOOT_FAULT;
    c.reason = PRAM_FAULT_PRECISERR;
    c.cfsr = PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID;
    c.bfar = 0xA0000000u;
    c.pc = 0x1234u;
    c.lr = 0xABCDEF01u;
    c.sp = 0x2000FFD0u;
    n = pram_fault_format(buf, sizeof buf, &c, 0);
    assert_string_equal(buf, "fault PRECISERR pc=0x00001234 lr=0xabcdef01 sp=0x2000ffd0 addr=0xa0000000");
    assert_int_equal(n, strlen(buf));
    c.cfsr = PRAM_CFSR_PRECISERR; /* BFAR not valid: no address */
    pram_fault_format(buf, sizeof buf, &c, 1);
    assert_string_equal(buf, "fault PRECISERR pc=0x00001234 lr=0xabcdef01 sp=0x2000ffd0 abandoned=1");
    c.reason = PRAM_FAULT_DACCVIOL;
    c.cfsr = PRAM_CFSR_DACCVIOL | PRAM_CFSR_MMARVALID | PRAM_CFSR_BFARVALID;
    c.mmfar = 0x10u;
    pram_fault_format(buf, sizeof buf, &c, 0);
    assert_string_equal(buf, "fault DACCVIOL pc=0x00001234 lr=0xabcdef01 sp=0x2000ffd0 addr=0x00000010");
    c.reason = PRAM_FAULT_AUVIOL;
    c.cfsr = 0u;
    c.sfsr = PRAM_SFSR_AUVIOL | PRAM_SFSR_SFARVALID;
    c.sfar = 0x30000000u;
    pram_fault_format(buf, sizeof buf, &c, 0);
    assert_string_equal(buf, "fault AUVIOL pc=0x00001234 lr=0xabcdef01 sp=0x2000ffd0 addr=0x30000000");
    c.reason = PRAM_FAULT_UNDEFINSTR; /* a VALID bit of another kind: no address */
    c.cfsr = PRAM_CFSR_UNDEFINSTR | PRAM_CFSR_BFARVALID;
    pram_fault_format(buf, sizeof buf, &c, 0);
    assert_string_equal(buf, "fault UNDEFINSTR pc=0x00001234 lr=0xabcdef01 sp=0x2000ffd0");

    memset(&c, 0, sizeof c);
    c.kind = PRAM_REBOOT_ASSERT;
    c.file_id = 0x5C0F7E12u;
    c.line = 87u;
    c.pc = 0xB40u;
    c.lr = 0xA1Bu;
    c.sp = 0x2000FFE8u;
    pram_fault_format(buf, sizeof buf, &c, 0);
    assert_string_equal(buf, "assert file=0x5c0f7e12 line=87 pc=0x00000b40 lr=0x00000a1b sp=0x2000ffe8");
    c.line = 0u;
    pram_fault_format(buf, sizeof buf, &c, 0);
    assert_non_null(strstr(buf, " line=0 "));
    c.line = 4294967295u;
    pram_fault_format(buf, sizeof buf, &c, 1);
    assert_string_equal(buf, "assert file=0x5c0f7e12 line=4294967295 pc=0x00000b40 lr=0x00000a1b "
                             "sp=0x2000ffe8 abandoned=1");
    c.line = 1000000000u;
    pram_fault_format(buf, sizeof buf, &c, 0);
    assert_non_null(strstr(buf, " line=1000000000 "));
    c.line = 1090u;
    pram_fault_format(buf, sizeof buf, &c, 0);
    assert_non_null(strstr(buf, " line=1090 "));

    /* Cut to the buffer, always terminated. */
    memset(buf, 'x', sizeof buf);
    n = pram_fault_format(buf, 10u, &c, 0);
    assert_int_equal(n, 9u);
    assert_string_equal(buf, "assert fi");
    assert_int_equal(buf[10], 'x');
    n = pram_fault_format(buf, 1u, &c, 0);
    assert_int_equal(n, 0u);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(pram_fault_format(buf, 0u, &c, 0), 0u);
    assert_int_equal(pram_fault_format(NULL, 10u, &c, 0), 0u);
    assert_int_equal(pram_fault_format(buf, 10u, NULL, 0), 0u);
    assert_string_equal(buf, "");
}

static uint32_t fnv1a_reversed(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t k;
    for (k = 0; k < n && k < 24u; k++)
        h = (h ^ (unsigned char)s[n - 1u - k]) * 16777619u;
    return h;
}

static void file_ids(void **state)
{
    static const char long_path[] = "some/deep/directory/tree/and/then/src/module_name.c";
    (void)state;
    assert_int_equal(pram_fault_file_id(""), 2166136261u);
    assert_int_equal(pram_fault_file_id("a"), 0xE40C292Cu); /* FNV-1a("a") */
    assert_int_equal(pram_fault_file_id(NULL), 2166136261u);
    assert_int_equal(pram_fault_file_id(__FILE__), fnv1a_reversed(__FILE__, strlen(__FILE__)));
    assert_int_equal(PRAM_FILE_ID, pram_fault_file_id(__FILE__));
    assert_int_equal(PRAM_FILE_ID_OF("a"), 0xE40C292Cu);
    assert_int_equal(PRAM_FILE_ID_OF(""), 2166136261u);
    assert_int_equal(PRAM_FILE_ID_OF(long_path), pram_fault_file_id(long_path));
    /* Only the last 24 characters count. */
    assert_int_equal(pram_fault_file_id(long_path), pram_fault_file_id(long_path + sizeof long_path - 25u));
    assert_int_not_equal(pram_fault_file_id(long_path), pram_fault_file_id(long_path + sizeof long_path - 24u));
    assert_int_not_equal(pram_fault_file_id("src/a.c"), pram_fault_file_id("src/b.c"));
}

/* ---- Commit into the reboot record ------------------------------------------------- */

PRAM_BUF_DEFINE_RING(flog, 512, 7);

/* The log handle as a reset leaves it (startup code re-initialises .bss/.data). */
static void log_reset_handle(void) { flog = (pram_buf_t)PRAM_BUF_INIT(&flog__def); }

static void log_lines(char lines[][128], int *n)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    int rc;
    *n = 0;
    while ((rc = pram_buf_next(&flog, &it, &r)) > 0) {
        assert_true(*n < 16);
        rc = pram_buf_read(&flog, &r, lines[*n], 127u);
        assert_true(rc >= 0);
        lines[*n][rc] = '\0';
        (*n)++;
    }
    assert_int_equal(rc, 0);
}

static void log_prepare(void)
{
    log_reset_handle();
    assert_true(pram_buf_open(&flog) >= 0);
    assert_int_equal(pram_buf_clear(&flog), PRAM_OK);
    assert_int_equal(pram_buf_append(&flog, "boot: one", 9u), PRAM_OK);
    assert_int_equal(pram_buf_append(&flog, "boot: two", 9u), PRAM_OK);
    assert_int_equal(pram_buf_append(&flog, "boot: three", 11u), PRAM_OK);
}

static const pram_reboot_report_t *boot(void)
{
    pram_reboot_new_boot();
    pram_fault_new_boot();
    return pram_reboot_boot_with(&pram_reset_port_none);
}

/* A boot that has acknowledged whatever was there: no crash pending.
 * Returns the crash count so far (counts run since the record was cold). */
static uint32_t fresh_record(void)
{
    const pram_reboot_report_t *r;
    (void)boot();
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_UNKNOWN);
    assert_int_equal(r->has_crash, 0u);
    return r->crashes;
}

typedef struct {
    const uint32_t *frame;
    uint32_t exc;
    const pram_fault_regs_t *regs;
} cap_t;

static void op_capture(void *ctx)
{
    const cap_t *c = ctx;
    pram_fault_capture_with(c->frame, c->exc, c->regs);
}

/* Runs a capture; it must end in exactly one reset. */
static void capture(uint32_t at, uint32_t exc)
{
    cap_t c;
    unsigned before = resets;
    c.frame = (const uint32_t *)ram_addr(at);
    c.exc = exc;
    c.regs = &regs;
    assert_int_equal(run_cut(op_capture, &c, 0, 0), 1);
    assert_int_equal(resets, before + 1u);
}

static void check_same_crash(const pram_crash_t *got, const pram_crash_t *want)
{
    const uint32_t *g = (const uint32_t *)got, *w = (const uint32_t *)want;
    size_t i, boot_word = offsetof(pram_crash_t, boot) / 4u;
    for (i = 0; i < sizeof *got / 4u; i++)
        if (i != boot_word)
            assert_int_equal(g[i], w[i]);
}

static void commit_reports_fault(void **state)
{
    const pram_reboot_report_t *r;
    pram_crash_t want;
    uint32_t boots, crashes;
    (void)state;
    crashes = fresh_record();
    boots = pram_reboot_report()->boots;
    put_frame(100u, EXC_PSP, 1);
    regs.cfsr = PRAM_CFSR_UNDEFINSTR;
    regs.ipsr = 6u;
    pram_fault_fill(&want, (const uint32_t *)ram_addr(100u), EXC_PSP, &regs);
    capture(100u, EXC_PSP);
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
    assert_int_equal(r->has_crash, 1u);
    assert_int_equal(r->crashes, crashes + 1u);
    assert_int_equal(r->boots, boots + 1u);
    check_same_crash(&r->crash, &want);
    assert_int_equal(r->crash.boot, boots);
    assert_int_equal(r->crash.pc, reg_value(6));
    assert_int_equal(r->crash.reason, PRAM_FAULT_UNDEFINSTR);
    assert_int_equal(r->crash.exception, 6u);
    assert_string_equal(pram_reboot_reason_name(r->reason), "fault");
    /* The report stays until the ack; the next boot is ordinary again. */
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_UNKNOWN);
    assert_int_equal(r->has_crash, 1u);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
    assert_int_equal(boot()->has_crash, 0u);
}

/* A crash loop: the second crash before the ack only counts. */
static void commit_second_crash_counts(void **state)
{
    const pram_reboot_report_t *r;
    pram_crash_t first;
    uint32_t crashes;
    (void)state;
    crashes = fresh_record();
    put_frame(100u, EXC_MSP, 0);
    regs.cfsr = PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID;
    regs.bfar = 0xA0000000u;
    regs.ipsr = 5u;
    pram_fault_fill(&first, (const uint32_t *)ram_addr(100u), EXC_MSP, &regs);
    capture(100u, EXC_MSP);
    /* The next boot crashes before anyone reports: a different crash. */
    ram[106] = 0x0BADC0DEu; /* another pc */
    regs.cfsr = PRAM_CFSR_UNDEFINSTR;
    regs.ipsr = 3u;
    (void)boot();
    capture(100u, EXC_MSP);
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT); /* this reset was a crash too */
    assert_int_equal(r->crashes, crashes + 2u);
    check_same_crash(&r->crash, &first);
    assert_int_equal(r->crash.pc, reg_value(6));
    assert_int_equal(r->crash.reason, PRAM_FAULT_PRECISERR);
    /* Acknowledged: the next crash is kept again. */
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
    capture(100u, EXC_MSP);
    r = boot();
    assert_int_equal(r->crashes, crashes + 3u);
    assert_int_equal(r->crash.pc, 0x0BADC0DEu);
    assert_int_equal(r->crash.reason, PRAM_FAULT_UNDEFINSTR);
}

/* pram_fault_capture reads the registers itself: on the host none, and the
 * RAM given with pram_fault_set_ram. */
static void commit_capture_reads_regs(void **state)
{
    const pram_reboot_report_t *r;
    pram_fault_regs_t got;
    (void)state;
    pram_fault_read_regs(&got);
    assert_int_equal(got.have, 0u);
    assert_int_equal(got.ram_start, 0u);
    assert_int_equal(got.ram_end, 0u);
    pram_fault_set_ram(ram, ram + RAM_WORDS);
    pram_fault_read_regs(&got);
    assert_int_equal(got.ram_start, (uintptr_t)ram);
    assert_int_equal(got.ram_end, (uintptr_t)(ram + RAM_WORDS));
    assert_int_equal(got.cfsr | got.hfsr | got.sfsr | got.ipsr, 0u);

    fresh_record();
    put_frame(50u, EXC_MSP_FP, 1);
    {
        jmp_buf jb;
        unsigned before = resets;
        pram_test_boot = &jb;
        if (setjmp(jb) == 0)
            pram_fault_capture((const uint32_t *)ram_addr(50u), EXC_MSP_FP);
        pram_test_boot = NULL;
        assert_int_equal(resets, before + 1u);
    }
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
    assert_int_equal(r->crash.reason, PRAM_FAULT_HARDFAULT);
    assert_int_equal(r->crash.pc, reg_value(6));
    assert_int_equal(r->crash.sp, (uint32_t)ram_addr(50u + 27u));
    assert_int_equal(r->crash.flags, PRAM_CRASH_FRAME | PRAM_CRASH_FPU);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
    pram_fault_set_ram(NULL, NULL);
}

/* ---- Assertions ---------------------------------------------------------------------- */

typedef struct {
    uint32_t file_id, line;
    int use_macro;
} assert_ctx_t;

static uint32_t assert_line, assert_lr;

static PRAM_NOINLINE void asserting(int ok)
{
    assert_lr = (uint32_t)(uintptr_t)__builtin_return_address(0);
    assert_line = __LINE__ + 1u;
    PRAM_ASSERT(ok == 1);
}

static void op_assert(void *ctx)
{
    const assert_ctx_t *a = ctx;
    if (a->use_macro)
        asserting(0);
    else
        pram_fault_assert(a->file_id, a->line);
}

static void assert_reports(void **state)
{
    const pram_reboot_report_t *r;
    assert_ctx_t a;
    unsigned before;
    (void)state;
    fresh_record();
    a.file_id = 0x1234u;
    a.line = 4321u;
    a.use_macro = 0;
    before = resets;
    assert_int_equal(run_cut(op_assert, &a, 0, 0), 1);
    assert_int_equal(resets, before + 1u);
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_ASSERT);
    assert_string_equal(pram_reboot_reason_name(r->reason), "assert");
    assert_int_equal(r->has_crash, 1u);
    assert_int_equal(r->crash.kind, PRAM_REBOOT_ASSERT);
    assert_int_equal(r->crash.file_id, 0x1234u);
    assert_int_equal(r->crash.line, 4321u);
    assert_int_not_equal(r->crash.pc, 0u);
    assert_int_equal(r->crash.lr, 0u); /* pram_fault_assert has no lr to give */
    assert_int_not_equal(r->crash.sp, 0u);
    assert_int_equal(r->crash.reason | r->crash.exc_return | r->crash.cfsr | r->crash.flags, 0u);
    assert_int_equal(r->crash.r0 | r->crash.xpsr, 0u);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);

    /* PRAM_ASSERT: this file's id, the line, the asserting function's lr. */
    a.use_macro = 1;
    assert_int_equal(run_cut(op_assert, &a, 0, 0), 1);
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_ASSERT);
    assert_int_equal(r->crash.file_id, pram_fault_file_id(__FILE__));
    assert_int_equal(r->crash.line, assert_line);
    assert_int_equal(r->crash.lr, assert_lr);
    assert_int_not_equal(r->crash.pc, 0u);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);

    /* A passing PRAM_ASSERT does nothing. */
    before = resets;
    asserting(1);
    assert_int_equal(resets, before);
}

static void assert_fill(void **state)
{
    pram_crash_t c;
    uint32_t i;
    (void)state;
    regs.ipsr = 0x10u; /* asserted in an interrupt handler */
    memset(&c, 0xEE, sizeof c);
    pram_fault_fill_assert(&c, 7u, 99u, 0x800u, 0x901u, ram_addr(RAM_WORDS - 3u), &regs);
    assert_int_equal(c.kind, PRAM_REBOOT_ASSERT);
    assert_int_equal(c.file_id, 7u);
    assert_int_equal(c.line, 99u);
    assert_int_equal(c.pc, 0x800u);
    assert_int_equal(c.lr, 0x901u);
    assert_int_equal(c.sp, (uint32_t)ram_addr(RAM_WORDS - 3u));
    assert_int_equal(c.exception, 0x10u);
    assert_int_equal(c.stack_words, 3u); /* clipped at the end of RAM */
    for (i = 0; i < 3u; i++)
        assert_int_equal(c.stack[i], pattern(RAM_WORDS - 3u + i));
    for (; i < PRAM_CRASH_STACK_WORDS; i++)
        assert_int_equal(c.stack[i], 0u);
    assert_int_equal(c.reason | c.exc_return | c.flags | c.r0 | c.xpsr | c.cfsr | c.boot, 0u);
    /* An sp outside RAM: no slice, nothing read. */
    pram_fault_fill_assert(&c, 7u, 99u, 0x800u, 0x901u, ram_addr(RAM_WORDS), &regs);
    assert_int_equal(c.stack_words, 0u);
    pram_fault_fill_assert(&c, 7u, 99u, 0x800u, 0x901u, (uintptr_t)ram - 16u, &regs);
    assert_int_equal(c.stack_words, 0u);
    pram_fault_fill_assert(&c, 7u, 99u, 0x800u, 0x901u, ram_addr(4u) + 2u, &regs);
    assert_int_equal(c.stack_words, 0u);
    pram_fault_fill_assert(&c, 7u, 99u, 0x800u, 0x901u, ram_addr(4u), NULL);
    assert_int_equal(c.stack_words, 0u);
    assert_int_equal(c.exception, 0u);
    pram_fault_fill_assert(NULL, 7u, 99u, 0x800u, 0x901u, ram_addr(4u), &regs);
}

/* ---- The log line ------------------------------------------------------------------------ */

static void log_line_appended(void **state)
{
    char lines[16][128], want[128];
    const pram_reboot_report_t *r;
    int n;
    (void)state;
    fresh_record();
    log_prepare();
    pram_fault_set_log(&flog);
    put_frame(100u, EXC_MSP, 0);
    regs.cfsr = PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID;
    regs.bfar = 0xA0000000u;
    capture(100u, EXC_MSP);
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
    pram_fault_format(want, sizeof want, &r->crash, 0);
    assert_non_null(strstr(want, "fault PRECISERR pc=0x70707070 lr=0x60606060 sp="));
    assert_non_null(strstr(want, " addr=0xa0000000"));
    log_reset_handle();
    assert_int_equal(pram_buf_open(&flog), PRAM_BUF_INTACT);
    log_lines(lines, &n);
    assert_int_equal(n, 4);
    assert_string_equal(lines[0], "boot: one");
    assert_string_equal(lines[2], "boot: three");
    assert_string_equal(lines[3], want);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);

    /* A handle nobody opened yet (a fault early at boot): opened, appended. */
    log_reset_handle();
    assert_int_equal(pram_buf_is_open(&flog), 0);
    capture(100u, EXC_MSP);
    (void)boot();
    log_reset_handle();
    assert_int_equal(pram_buf_open(&flog), PRAM_BUF_INTACT);
    log_lines(lines, &n);
    assert_int_equal(n, 5);
    assert_string_equal(lines[4], want);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
}

/* The fault came while the code was writing a streamed record. */
static void log_line_after_open_stream(void **state)
{
    char lines[16][128], want[128];
    const pram_reboot_report_t *r;
    int n;
    (void)state;
    fresh_record();
    log_prepare();
    pram_fault_set_log(&flog);
    assert_int_equal(pram_buf_begin(&flog), PRAM_OK);
    assert_int_equal(pram_buf_write(&flog, "boot: half a li", 15u), PRAM_OK);
    assert_int_equal(pram_buf_append(&flog, "x", 1u), PRAM_ERR_BUSY);
    put_frame(100u, EXC_PSP, 0);
    regs.cfsr = PRAM_CFSR_DIVBYZERO;
    capture(100u, EXC_PSP);
    r = boot();
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
    pram_fault_format(want, sizeof want, &r->crash, 1);
    assert_non_null(strstr(want, "fault DIVBYZERO pc=0x70707070 "));
    assert_non_null(strstr(want, " abandoned=1"));
    log_reset_handle();
    assert_int_equal(pram_buf_open(&flog), PRAM_BUF_INTACT);
    log_lines(lines, &n);
    assert_int_equal(n, 4);
    assert_string_equal(lines[2], "boot: three");
    assert_string_equal(lines[3], want);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
}

/* The fault came at every store of an append: takeover abandons it, the
 * crash line follows the committed lines, nothing of the interrupted one. */
static uint64_t fault_store;
static int fault_runs;
static cap_t fault_cap;

static void on_store_fault(uint64_t n)
{
    if (n == fault_store) {
        fault_runs++;
        pram_fault_capture_with(fault_cap.frame, fault_cap.exc, fault_cap.regs);
    }
}

static const char interrupted[] = "boot: a line the fault interrupts, 40 B";

static void op_append(void *ctx)
{
    (void)ctx;
    (void)pram_buf_append(&flog, interrupted, sizeof interrupted - 1u);
}

static void log_line_after_interrupted_append(void **state)
{
    char lines[16][128], want[128];
    uint64_t s0, stores, k;
    int n;
    (void)state;
    pram_fault_set_log(&flog);
    put_frame(100u, EXC_MSP, 0);
    regs.cfsr = PRAM_CFSR_IMPRECISERR;
    fault_cap.frame = (const uint32_t *)ram_addr(100u);
    fault_cap.exc = EXC_MSP;
    fault_cap.regs = &regs;
    /* Stores of the append alone. */
    log_prepare();
    s0 = pram_test_stores;
    op_append(NULL);
    stores = pram_test_stores - s0;
    assert_true(stores >= 10u);
    for (k = 1; k <= stores; k++) {
        const pram_reboot_report_t *r;
        fresh_record();
        log_prepare();
        fault_runs = 0;
        fault_store = pram_test_stores + k;
        pram_test_on_store = on_store_fault;
        assert_int_equal(run_cut(op_append, NULL, 0, 0), 1);
        pram_test_on_store = NULL;
        assert_int_equal(fault_runs, 1);
        r = boot();
        assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
        assert_int_equal(r->crash.reason, PRAM_FAULT_IMPRECISERR);
        pram_fault_format(want, sizeof want, &r->crash, 1);
        log_reset_handle();
        assert_int_equal(pram_buf_open(&flog), PRAM_BUF_INTACT);
        log_lines(lines, &n);
        assert_int_equal(n, 4);
        assert_string_equal(lines[0], "boot: one");
        assert_string_equal(lines[2], "boot: three");
        assert_string_equal(lines[3], want);
    }
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
}

/* A fault inside the capture (at each of its stores) resets at once: the
 * second crash is never recorded, the first is whole or absent. */
static void nested_fault_resets(void **state)
{
    const pram_reboot_report_t *r;
    cap_t c;
    uint64_t s0, stores, k;
    unsigned kept = 0, lost = 0, before;
    (void)state;
    pram_fault_set_log(&flog);
    put_frame(100u, EXC_MSP, 0);
    regs.cfsr = PRAM_CFSR_UNDEFINSTR;
    c.frame = (const uint32_t *)ram_addr(100u);
    c.exc = EXC_MSP;
    c.regs = &regs;
    /* The inner fault: another frame, another reason. */
    put_frame(200u, EXC_PSP, 0);
    ram[206] = 0x0BADC0DEu;
    fault_cap.frame = (const uint32_t *)ram_addr(200u);
    fault_cap.exc = EXC_PSP;
    fault_cap.regs = &regs;
    /* Stores of a whole capture. */
    fresh_record();
    log_prepare();
    s0 = pram_test_stores;
    assert_int_equal(run_cut(op_capture, &c, 0, 0), 1);
    stores = pram_test_stores - s0;
    assert_true(stores >= 20u);
    for (k = 1; k <= stores; k++) {
        uint32_t crashes = fresh_record();
        log_prepare();
        before = resets;
        fault_runs = 0;
        fault_store = pram_test_stores + k;
        pram_test_on_store = on_store_fault;
        assert_int_equal(run_cut(op_capture, &c, 0, 0), 1);
        pram_test_on_store = NULL;
        assert_int_equal(fault_runs, 1);
        assert_int_equal(resets, before + 1u); /* the inner one reset at once */
        r = boot();
        if (r->has_crash) {
            assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
            assert_int_equal(r->crashes, crashes + 1u);
            assert_int_equal(r->crash.pc, reg_value(6));
            kept++;
        } else {
            assert_int_equal(r->reason, PRAM_REBOOT_UNKNOWN);
            assert_int_equal(r->crashes, crashes);
            lost++;
        }
    }
    assert_true(kept > 0u && lost > 0u);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
}

/* A fault at every store of the reboot record's own writes (mark, ack,
 * the boot call): the capture's set of the same A/B cell still commits the
 * crash, and the interrupted write is whole or absent. */
typedef enum { OP_MARK, OP_ACK, OP_BOOT } record_op_t;
static record_op_t record_op;

static void op_record(void *ctx)
{
    (void)ctx;
    if (record_op == OP_MARK)
        (void)pram_reboot_mark(PRAM_MARK_USER, 77u);
    else if (record_op == OP_ACK)
        (void)pram_reboot_ack();
    else {
        pram_reboot_new_boot();
        (void)pram_reboot_boot_with(&pram_reset_port_none);
    }
}

static void fault_during_record_write(void **state)
{
    static const char *const names[] = {"mark", "ack", "boot"};
    uint64_t s0, stores, k;
    unsigned op, applied, total = 0;
    (void)state;
    put_frame(100u, EXC_MSP, 0);      /* crash A: the one pending for the ack */
    put_frame(200u, EXC_PSP, 0);      /* crash B: the fault during the write */
    ram[206] = 0x0BADC0DEu;
    regs.cfsr = PRAM_CFSR_UNDEFINSTR;
    fault_cap.frame = (const uint32_t *)ram_addr(200u);
    fault_cap.exc = EXC_PSP;
    fault_cap.regs = &regs;
    for (op = OP_MARK; op <= OP_BOOT; op++) {
        record_op = (record_op_t)op;
        fresh_record();
        if (op == OP_ACK)
            capture(100u, EXC_MSP);
        s0 = pram_test_stores;
        op_record(NULL);
        stores = pram_test_stores - s0;
        assert_true(stores >= 10u);
        applied = 0;
        for (k = 1; k <= stores; k++) {
            const pram_reboot_report_t *r;
            uint32_t crashes = fresh_record(), boots = pram_reboot_report()->boots;
            if (op == OP_ACK)
                capture(100u, EXC_MSP); /* A pending */
            fault_runs = 0;
            fault_store = pram_test_stores + k;
            pram_test_on_store = on_store_fault;
            assert_int_equal(run_cut(op_record, NULL, 0, 0), 1);
            pram_test_on_store = NULL;
            assert_int_equal(fault_runs, 1);
            r = boot();
            assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
            assert_int_equal(r->has_crash, 1u);
            if (op == OP_ACK) {
                /* A is kept (ack not landed) or B (ack landed first). */
                assert_int_equal(r->crashes, crashes + 2u);
                assert_true(r->crash.pc == reg_value(6) || r->crash.pc == 0x0BADC0DEu);
                applied += r->crash.pc == 0x0BADC0DEu;
            } else {
                assert_int_equal(r->crashes, crashes + 1u);
                assert_int_equal(r->crash.pc, 0x0BADC0DEu);
                assert_int_equal(r->crash.flags, PRAM_CRASH_FRAME | PRAM_CRASH_PSP);
                if (op == OP_MARK) {
                    assert_true(r->mark == PRAM_MARK_NONE || (r->mark == PRAM_MARK_USER && r->mark_arg == 77u));
                    applied += r->mark == PRAM_MARK_USER;
                } else {
                    /* The interrupted boot counted itself, or not. */
                    assert_true(r->boots == boots + 1u || r->boots == boots + 2u);
                    applied += r->boots == boots + 2u;
                }
            }
            total++;
        }
        assert_true(applied > 0u && applied < stores); /* both outcomes seen */
        print_message("fault at each of the %u stores of %s: crash always recorded; the write landed in %u\n",
                      (unsigned)stores, names[op], applied);
    }
    assert_true(total > 30u);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
}

/* Power cut at every store of a capture, whole and torn: the next boot has
 * the crash or the record as before, and the log line only with the crash. */
static void power_cut_during_capture(void **state)
{
    static const unsigned tears[] = {0x0u, 0x1u, 0x3u, 0x7u, 0xEu};
    char lines[16][128], want[128];
    pram_crash_t expect;
    cap_t c;
    uint64_t s0, stores, k;
    unsigned t, with = 0, without = 0, line_only_with = 0;
    (void)state;
    pram_fault_set_log(&flog);
    put_frame(100u, EXC_PSP_FP, 1);
    regs.cfsr = PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID;
    regs.bfar = 0xA0000004u;
    c.frame = (const uint32_t *)ram_addr(100u);
    c.exc = EXC_PSP_FP;
    c.regs = &regs;
    pram_fault_fill(&expect, c.frame, c.exc, &regs);
    pram_fault_format(want, sizeof want, &expect, 0);
    fresh_record();
    log_prepare();
    s0 = pram_test_stores;
    assert_int_equal(run_cut(op_capture, &c, 0, 0), 1);
    stores = pram_test_stores - s0;
    for (t = 0; t < sizeof tears / sizeof tears[0]; t++) {
        for (k = 1; k <= stores + 1u; k++) {
            const pram_reboot_report_t *r;
            int n, crash;
            uint32_t crashes = fresh_record();
            log_prepare();
            assert_int_equal(run_cut(op_capture, &c, k, tears[t]), 1);
            r = boot();
            crash = r->has_crash != 0u;
            if (crash) {
                assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
                assert_int_equal(r->crashes, crashes + 1u);
                check_same_crash(&r->crash, &expect);
                with++;
            } else {
                assert_int_equal(r->reason, PRAM_REBOOT_UNKNOWN);
                assert_int_equal(r->crashes, crashes);
                without++;
            }
            log_reset_handle();
            assert_true(pram_buf_open(&flog) == PRAM_BUF_INTACT);
            log_lines(lines, &n);
            assert_true(n == 3 || n == 4);
            assert_string_equal(lines[2], "boot: three");
            if (n == 4) {
                assert_true(crash); /* the line never comes without the crash */
                assert_string_equal(lines[3], want);
                line_only_with++;
            }
            if (k > stores) /* the capture finished: both there */
                assert_true(crash && n == 4);
        }
    }
    assert_true(with > 0u && without > 0u && line_only_with > 0u);
    print_message("power cut during capture: %u stores, %u cuts: %u kept the crash (%u with the log line), "
                  "%u the record as before\n",
                  (unsigned)stores, with + without, with, line_only_with, without);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(frame_basic_msp, setup, teardown),
        cmocka_unit_test_setup_teardown(frame_basic_psp_pad, setup, teardown),
        cmocka_unit_test_setup_teardown(frame_fpu, setup, teardown),
        cmocka_unit_test_setup_teardown(frame_v8m_context, setup, teardown),
        cmocka_unit_test_setup_teardown(frame_all_combinations, setup, teardown),
        cmocka_unit_test_setup_teardown(frame_outside_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(frame_stacking_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(frame_v6m, setup, teardown),
        cmocka_unit_test_setup_teardown(decode_every_bit, setup, teardown),
        cmocka_unit_test_setup_teardown(decode_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(reason_names, setup, teardown),
        cmocka_unit_test_setup_teardown(format_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(file_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(commit_reports_fault, setup, teardown),
        cmocka_unit_test_setup_teardown(commit_second_crash_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(commit_capture_reads_regs, setup, teardown),
        cmocka_unit_test_setup_teardown(assert_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(assert_fill, setup, teardown),
        cmocka_unit_test_setup_teardown(log_line_appended, setup, teardown),
        cmocka_unit_test_setup_teardown(log_line_after_open_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(log_line_after_interrupted_append, setup, teardown),
        cmocka_unit_test_setup_teardown(nested_fault_resets, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_during_record_write, setup, teardown),
        cmocka_unit_test_setup_teardown(power_cut_during_capture, setup, teardown),
    };
    return cmocka_run_group_tests_name("fault", tests, NULL, NULL);
}
