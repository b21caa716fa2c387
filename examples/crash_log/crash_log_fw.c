/* Crash log on Cortex-M under QEMU: real faults, captured by pram_fault,
 * reported by pram_reboot on the next boot.  A thin user of both modules:
 *
 *   PRAM_FAULT_HANDLERS();                 // the vector table's fault slots
 *   pram_migrate(NULL);                    // first thing at every boot
 *   r = pram_reboot_boot();                // then the reboot report
 *   pram_fault_set_log(&crash_log);        // the handler's line goes there
 *   ... print r->reason, the counts, r->crash, the log's last lines ...
 *   pram_reboot_ack();                     // sent: the next crash is kept
 *
 * All the capture work (finding the frame, status registers, the commit,
 * the log line, the reset) is the library's.  What is left here is what an
 * application would write: the report, and the faults it provokes on
 * purpose.  The stack range the handler may read is given at link time
 * (pram_fault_ram_start/_end, examples/examples.mk).
 *
 * The log is a 512 B ring the firmware also writes its own lines to
 * ("boot N: step i", 40 a boot, more than it holds), so after a crash it
 * ends with the newest of them, then the handler's line.  From boot 2 on
 * the fault comes in the middle of a line (pram_buf_begin and two writes,
 * never committed): the handler's pram_buf_takeover abandons it, as a reset
 * there would, and its own line says " abandoned=1".  pram is built with
 * PRAM_CRITICAL_PRIMASK here (examples/examples.mk), as for a log that ISRs
 * also write.
 *
 * The boots (`make qemu-crash-log` checks each line, the crash against the
 * ELF's crash_site_* symbols: examples/tools/check_crash_log.sh):
 *
 *   1  power-on      steps, then a load from an unmapped address: BusFault
 *                    PRECISERR (Armv6-M: HardFault), between two lines
 *   2  fault         reports 1, acks; steps; mid-line UDF: UsageFault
 *   3  fault         reports 2, acks; steps; mid-line UDIV by zero with
 *                    CCR.DIV_0_TRP: UsageFault DIVBYZERO (Armv6-M, which
 *                    has no divide: an unaligned load, HardFault)
 *   4  fault         reports 3, acks; steps; mid-line, the bad load again
 *                    with BusFault disabled: HardFault, HFSR.FORCED
 *                    (Armv6-M: a HardFault like the others)
 *   5, 6  fault      a crash loop: report boot 4's crash but fault again
 *                    (mid-line UDF) before it is sent, so no ack
 *   7  fault         boot 4's crash is still the one reported, 2 more
 *                    counted; acks; steps; PRAM_ASSERT fails
 *   8  assert        reports the assertion's line; acks; marked reset
 *   9  software      (mark user 8); reset unmarked
 *  10  unknown       the reset-cause port is "none" (QEMU models none of
 *                    these boards' reset registers); done, QEMU exits 0
 *
 * On an FPU build (mps2-an386, Cortex-M4F) every fault site first executes
 * an FP instruction: CONTROL.FPCA is then set and the core stacks the
 * extended frame (EXC_RETURN 0xFFFFFFE9).  Every site copies sp into r3
 * before it faults, so the report can show that the library found the
 * caller's sp above either frame (sp == r3). */
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "pram/pram_reboot.h"

PRAM_FAULT_HANDLERS();

/* The log: a ring in .noinit, named to the fault handler at every boot. */
PRAM_BUF_DEFINE_RING(crash_log, 512, 4);
#define STEPS 40u

/* ---- The deliberate faults ------------------------------------------------
 * Assembly, so that each faulting instruction sits exactly at a global
 * crash_site_* label (plain labels: even values, no Thumb bit), which the
 * check compares with the reported pc.  crash_bad_address is absolute: the
 * check compares BFAR with it.  0xA0000000 is unmapped on every board here
 * (on mps2-an385, 0x01010000-0x1FFFFFFF is a stub that never faults). */
#if defined(__ARM_FP)
#  define FP_TOUCH "vmov s0, r0\n\t" /* CONTROL.FPCA = 1: extended frame */
#else
#  define FP_TOUCH ""
#endif
#define SITE(fn, label, setup, insn)                                         \
    ".global " #fn "\n\t.type " #fn ", %function\n\t.thumb_func\n" #fn ":\n\t" \
    FP_TOUCH setup "mov r3, sp\n\t.global " #label "\n" #label ":\n\t" insn  \
    "\n\tbx lr\n\t.ltorg\n\t.size " #fn ", . - " #fn "\n\t"
#if PRAM_FAULT_MAINLINE
#  define SITE_3 SITE(crash_fault_div0, crash_site_div0, "", "udiv r0, r0, r1")
#else
#  define SITE_3 SITE(crash_fault_unaligned, crash_site_unaligned, "mov r1, sp\n\tadds r1, #1\n\t", "ldr r0, [r1]")
#endif
__asm__(".pushsection .text.crash_sites, \"ax\", %progbits\n\t"
        ".syntax unified\n\t.thumb\n\t"
        ".global crash_bad_address\n\t.set crash_bad_address, 0xA0000000\n\t"
        SITE(crash_fault_badaddr, crash_site_badaddr, "ldr r1, =crash_bad_address\n\t", "ldr r0, [r1]")
        SITE(crash_fault_forced, crash_site_forced, "ldr r1, =crash_bad_address\n\t", "ldr r0, [r1]")
        SITE(crash_fault_udf, crash_site_udf, "", "udf #0")
        SITE(crash_fault_loop, crash_site_loop, "", "udf #1")
        SITE_3
        ".popsection");
void crash_fault_badaddr(void);
void crash_fault_forced(void);
void crash_fault_udf(void);
void crash_fault_loop(void);
void crash_fault_div0(uint32_t n, uint32_t d);
void crash_fault_unaligned(void);

/* The assertion: its pc is the return address of the call PRAM_ASSERT
 * makes (the check finds that bl in the ELF, and its line). */
static volatile uint32_t asserted_len = 99u;
void crash_assert_site(uint32_t len);
__attribute__((noinline)) void crash_assert_site(uint32_t len)
{
    PRAM_ASSERT(len <= 16u);
}

/* ---- Output ---------------------------------------------------------------- */

static void put_hex(const char *label, uint32_t v)
{
    fw_puts(label);
    fw_put_hex32(v);
}

static void put_u32(const char *label, uint32_t v)
{
    fw_puts(label);
    fw_put_u32(v);
}

static int fail(const char *what, int rc)
{
    fw_puts("crash_log: FAIL ");
    fw_puts(what);
    if (rc != 0)
        fw_puts(pram_strerror(rc));
    fw_puts("\n");
    return 1;
}

static const char *exception_name(uint32_t exception)
{
    static const char *const names[] = {"HardFault", "MemManage", "BusFault", "UsageFault", "SecureFault"};
    return exception >= 3u && exception <= 7u ? names[exception - 3u] : "exception";
}

/* "boot 2: fault; crashes 1, unexpected 1" (the check's -x lines) and the
 * crash, as key=value for check_crash_log.sh. */
static void print_report(const pram_reboot_report_t *r)
{
    const pram_crash_t *c = &r->crash;
    put_u32("boot ", r->boots);
    fw_puts(": ");
    fw_puts(pram_reboot_reason_name(r->reason));
    if (r->cold)
        fw_puts(" (cold)");
    if (r->mark == PRAM_MARK_USER) {
        put_u32(" (mark user ", r->mark_arg);
        fw_puts(")");
    }
    put_u32("; crashes ", r->crashes);
    put_u32(", unexpected ", r->unexpected);
    fw_puts("\n");
    if (!r->has_crash)
        return;
    put_u32("crash: boot=", c->boot);
    if (c->kind == PRAM_REBOOT_ASSERT) {
        put_u32(" assert line=", c->line);
        put_hex(" file=", c->file_id);
    } else {
        put_u32(" exception=", c->exception);
        fw_puts(" reason=");
        fw_puts(pram_fault_reason_name((pram_fault_reason_t)c->reason));
        fw_puts(": ");
        fw_puts(exception_name(c->exception));
        fw_puts(", ");
        fw_puts(pram_fault_reason_text((pram_fault_reason_t)c->reason));
    }
    fw_puts("\n");
    put_hex("crash: pc=", c->pc);
    put_hex(" lr=", c->lr);
    put_hex(" sp=", c->sp);
    if (c->kind == PRAM_REBOOT_FAULT) {
        put_hex(" r3=", c->r3);
        put_hex(" exc_return=", c->exc_return);
        fw_puts(!(c->flags & PRAM_CRASH_FRAME) ? " frame=none" : (c->flags & PRAM_CRASH_FPU) ? " frame=fpu" : " frame=basic");
#if PRAM_FAULT_MAINLINE
        put_hex("\ncrash: cfsr=", c->cfsr);
        put_hex(" hfsr=", c->hfsr);
        put_hex(" mmfar=", c->mmfar);
        put_hex(" bfar=", c->bfar);
#endif
#if PRAM_FAULT_READ_SFSR
        put_hex(" sfsr=", c->sfsr);
        put_hex(" sfar=", c->sfar);
#endif
    }
    fw_puts("\n");
}

/* ---- The log ---------------------------------------------------------------- */

static int starts(const char *t, const char *prefix)
{
    while (*prefix != '\0')
        if (*t++ != *prefix++)
            return 0;
    return 1;
}

static int parse_u32(const char **t, uint32_t *v)
{
    const char *p = *t;
    *v = 0u;
    while (*p >= '0' && *p <= '9')
        *v = *v * 10u + (uint32_t)(*p++ - '0');
    if (p == *t)
        return 0;
    *t = p;
    return 1;
}

/* "boot B: step I", exactly. */
static int parse_step(const char *t, uint32_t *boot, uint32_t *step)
{
    if (!starts(t, "boot "))
        return 0;
    t += 5;
    if (!parse_u32(&t, boot) || !starts(t, ": step "))
        return 0;
    t += 7;
    return parse_u32(&t, step) && *t == '\0';
}

/* The log's last lines, newest first (pram_buf_prev): the handler's lines,
 * then the last step line before the first crash, printed; then checks the
 * rest: the crashed boot's step lines counting down, the oldest dropped by
 * the ring, and nothing else (nothing of a line a fault interrupted). */
static int report_log(uint32_t crashed_boot)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    char line[128];
    uint32_t lines = 0u, crashes = 0u, steps = 0u, b, i, want = STEPS;
    int n;
    while ((n = pram_buf_prev(&crash_log, &it, &rec)) > 0) {
        n = pram_buf_read(&crash_log, &rec, line, sizeof line - 1u);
        if (n < 0)
            return fail("log read: ", n);
        line[n] = '\0';
        lines++;
        if (!steps && (starts(line, "fault ") || starts(line, "assert "))) {
            crashes++;
        } else if (parse_step(line, &b, &i) && b == crashed_boot && i == want && want > 0u) {
            want--;
            if (steps++)
                continue;
        } else {
            fw_puts("log: ");
            fw_puts(line);
            return fail("log: not a crash line, nor the crashed boot's next older step line", 0);
        }
        fw_puts("log: ");
        fw_puts(line);
        fw_puts("\n");
    }
    if (n < 0)
        return fail("log iteration: ", n);
    if (!crashes || !steps || want == 0u)
        return fail("log: no crash line, no step line, or the ring dropped nothing", 0);
    put_u32("ring: ", lines);
    put_u32(" lines: ", crashes);
    put_u32(" from the handler, then steps 40..", want + 1u);
    put_u32(" of boot ", crashed_boot);
    fw_puts(" (the ring dropped the older ones)\n");
    return 0;
}

static uint32_t cat(char *line, uint32_t n, const char *s)
{
    while (*s != '\0')
        line[n++] = *s++;
    return n;
}

static int log_steps(uint32_t boot)
{
    char line[32], num[FW_U32_DEC_SIZE];
    uint32_t i, n;
    int rc;
    for (i = 1u; i <= STEPS; i++) {
        n = cat(line, 0u, "boot ");
        n = cat(line, n, fw_fmt_u32(num, boot));
        n = cat(line, n, ": step ");
        n = cat(line, n, fw_fmt_u32(num, i));
        if ((rc = pram_buf_append(&crash_log, line, n)) != PRAM_OK)
            return fail("log append: ", rc);
    }
    return 0;
}

static uint32_t primask(void)
{
    uint32_t v;
    __asm__ __volatile__("mrs %0, primask" : "=r"(v));
    return v;
}

/* A line begun and partly written, as a formatter writes straight into the
 * log; the fault comes before its commit. */
static int mid_line(void)
{
    int rc = pram_buf_begin(&crash_log);
    if (rc == PRAM_OK)
        rc = pram_buf_write(&crash_log, "faulting: ", 10u);
    if (rc == PRAM_OK)
        rc = pram_buf_write(&crash_log, "this never reaches the log", 26u);
    if (rc != PRAM_OK)
        return fail("log begin/write: ", rc);
    if (primask() != 0u) /* every pram call restored what it masked */
        return fail("PRIMASK still set after the pram calls", 0);
    return 0;
}

/* ---- Boot ------------------------------------------------------------------- */

#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SHCSR_BUSFAULTENA (1u << 17)

static FW_NORETURN void reset_marked(uint32_t mark, uint32_t arg)
{
    int rc = pram_reboot_mark(mark, arg);
    if (rc != PRAM_OK)
        fw_exit(fail("pram_reboot_mark: ", rc));
    fw_reset();
}

int main(void)
{
    int rc = pram_migrate(NULL); /* first: containers an update moved */
    const pram_reboot_report_t *r = pram_reboot_boot(); /* reads the cause once */
    uint32_t boot = r->boots;
    if (rc < 0)
        return fail("migrate: ", rc);

    rc = pram_buf_open(&crash_log);
    if (rc < 0)
        return fail("log open: ", rc);
    pram_fault_set_log(&crash_log);
#if PRAM_FAULT_MAINLINE
    /* MemManage, BusFault, UsageFault as themselves, not as HardFault;
     * an integer division by zero faults. */
    SCB_SHCSR |= 7u << 16;
    SCB_CCR |= 1u << 4;
    __asm__ __volatile__("dsb 0xf\n\tisb 0xf" ::: "memory");
#endif

    print_report(r);
    if (r->has_crash && report_log(r->crash.boot) != 0)
        return 1;
    if (boot == 5u || boot == 6u) {
        fw_puts("crash_log: crash loop: faulting again before the report is sent (no ack)\n");
        if (mid_line() != 0)
            return 1;
        crash_fault_loop();
        return fail("the loop fault did not fault", 0);
    }
    if (boot == 7u) {
        if (r->crash.boot != 4u || r->crashes != 6u)
            return fail("crash loop: boot 4's crash not kept, or the loop not counted", 0);
        fw_puts("crash_log: crash loop: boot 4's crash kept, the 2 after it counted\n");
    }
    /* Sent (printed): acknowledge, and start the log afresh. */
    if ((rc = pram_reboot_ack()) != PRAM_OK || (rc = pram_buf_clear(&crash_log)) != PRAM_OK)
        return fail("ack or log clear: ", rc);

    if (boot <= 4u || boot == 7u) {
        if (log_steps(boot) != 0)
            return 1;
    }
    switch (boot) {
    case 1u:
        fw_puts("crash_log: faulting: load from an unmapped address\n");
        crash_fault_badaddr();
        break;
    case 2u:
        fw_puts("crash_log: faulting mid-line: undefined instruction\n");
        if (mid_line() != 0)
            return 1;
        crash_fault_udf();
        break;
    case 3u:
#if PRAM_FAULT_MAINLINE
        fw_puts("crash_log: faulting mid-line: divide by zero\n");
        if (mid_line() != 0)
            return 1;
        crash_fault_div0(7u, 0u);
#else
        fw_puts("crash_log: faulting mid-line: unaligned load\n");
        if (mid_line() != 0)
            return 1;
        crash_fault_unaligned();
#endif
        break;
    case 4u:
#if PRAM_FAULT_MAINLINE
        fw_puts("crash_log: faulting mid-line: the bad load, BusFault disabled\n");
        SCB_SHCSR &= ~SHCSR_BUSFAULTENA;
        __asm__ __volatile__("dsb 0xf\n\tisb 0xf" ::: "memory");
#else
        fw_puts("crash_log: faulting mid-line: the bad load again\n");
#endif
        if (mid_line() != 0)
            return 1;
        crash_fault_forced();
        break;
    case 7u:
        fw_puts("crash_log: asserting\n");
        crash_assert_site(asserted_len);
        break;
    case 8u:
        fw_puts("crash_log: reset marked user 8\n");
        reset_marked(PRAM_MARK_USER, 8u);
    case 9u:
        fw_puts("crash_log: reset unmarked\n");
        fw_reset();
    case 10u:
        if (r->reason != PRAM_REBOOT_UNKNOWN || r->crashes != 7u || r->unexpected != 8u)
            return fail("the last boot's reason or counts", 0);
        fw_puts("crash_log: done, 10 boots: 6 faults, 1 assert, a marked and an unmarked reset\n");
        return 0;
    default:
        return fail("unexpected boot number", 0);
    }
    return fail("the deliberate fault did not fault", 0);
}
