/* Crash log on the host: a signal handler records the crash in persistent
 * memory, the next run reports it.
 *
 * Each run of this program is one boot.  The "RAM that survives the reset"
 * is a file mapped MAP_SHARED (pram_host.h): a process killed by a signal
 * leaves exactly the bytes it had stored, as a core that resets leaves its
 * .noinit RAM.  Containers sit at fixed offsets of a region over the file.
 *
 * Usage: crash_log_host FILE [segv|abrt|fpe|ill|bus|loop|none]
 *   1. count the boot;
 *   2. report a recorded crash, check and print the log, retire both;
 *   3. log 40 step lines ("boot N: step i") to the log, a ring that keeps
 *      the newest;
 *   4. crash as asked (default none) in the middle of a log line (begun,
 *      partly written, not committed), or exit 0.
 * "loop" faults before steps 2 and 3, as a program stuck in a crash loop
 * would.
 *
 * The handler (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) runs only
 * async-signal-safe code: the pram core (no locks, no allocation, no I/O),
 * hand-made number formatting, sigaction and raise.  It keeps the FIRST
 * unreported crash, counts later ones, calls pram_buf_takeover() to abandon
 * the log line the crashed code was writing (its append would otherwise be
 * refused as busy), appends its crash line, then re-raises the signal with
 * the default action so the parent sees the process die of it.
 */
#define _GNU_SOURCE /* REG_RIP and friends in <sys/ucontext.h> */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "pram/pram.h"
#include "pram/pram_host.h"

typedef struct {
    uint32_t boots;
} boot_info_t;

#define CRASH_HAVE_PC 1u

typedef struct {
    uint64_t addr;   /* si_addr: faulting address (SEGV, BUS), instruction (ILL, FPE) */
    uint64_t pc;     /* from the ucontext, 0 if this CPU is not known here */
    uint64_t pc_rel; /* pc - IMAGE_ANCHOR: comparable across runs despite ASLR */
    uint64_t sp;
    uint32_t boot;
    int32_t signo;
    int32_t code; /* si_code */
    uint32_t pid;
    uint32_t flags; /* CRASH_HAVE_PC */
    uint32_t reserved;
} host_crash_t;

typedef struct {
    uint32_t count;
    int32_t last_signo;
    uint32_t last_boot;
    uint32_t reserved;
} crash_repeat_t;

PRAM_CELL_DECLARE_IN(boot_info, boot_info_t, 1, PRAM_AB);
PRAM_CELL_DECLARE_IN(crash_rec, host_crash_t, 2, PRAM_SINGLE);
PRAM_CELL_DECLARE_IN(crash_repeat, crash_repeat_t, 3, PRAM_AB);

/* Fixed offsets: what a board's backup SRAM layout would be.  8-aligned, so
 * the 64-bit fields of a record are aligned where an edit points into it. */
#define ALIGN8(n) (((n) + 7u) & ~7u)
#define LOG_CAPACITY 1024u
#define OFF_BOOT 0u
#define OFF_CRASH ALIGN8(OFF_BOOT + PRAM_CELL_SIZE(boot_info))
#define OFF_REPEAT ALIGN8(OFF_CRASH + PRAM_CELL_SIZE(crash_rec))
#define OFF_LOG ALIGN8(OFF_REPEAT + PRAM_CELL_SIZE(crash_repeat))
#define RAM_SIZE (OFF_LOG + PRAM_BUF_STORAGE_SIZE(LOG_CAPACITY))

static pram_region_t ram = PRAM_REGION(0, RAM_SIZE, 0, 0); /* base set at run time */

PRAM_CELL_DEFINE_IN(boot_info, &ram, OFF_BOOT);
/* Single slot: the handler writes it only while it is invalid, so an A/B
 * pair would have no previous value to keep. */
PRAM_CELL_DEFINE_IN(crash_rec, &ram, OFF_CRASH);
PRAM_CELL_DEFINE_IN(crash_repeat, &ram, OFF_REPEAT);
/* A ring: it keeps the newest lines, the ones just before a crash. */
static const pram_buf_def_t crash_log_def =
    PRAM_BUF_DEF_RING_IN(&ram, OFF_LOG, PRAM_BUF_STORAGE_SIZE(LOG_CAPACITY), 4);
#define STEPS 40u /* lines each boot logs before it faults */
static pram_buf_t crash_log = PRAM_BUF_INIT(&crash_log_def);

static const int handled[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define NHANDLED (sizeof handled / sizeof handled[0])

/* The handler may read only what is fixed before any fault can happen. */
static uint32_t this_boot;

/* ---- The deliberate faults ------------------------------------------------ */

/* volatile: the compiler must neither see the value nor fold the access. */
static volatile uintptr_t bad_address = 0x10u;
static volatile int zero, numerator = 1000;

__attribute__((noinline)) static int fault_segv(void)
{
    return *(volatile int *)bad_address;
}

__attribute__((noinline)) static void fault_bus(void)
{
    /* A mapped page whose file has been truncated away: Linux raises SIGBUS
     * (BUS_ADRERR) on access, as a bus with nothing behind an address. */
    FILE *f = tmpfile();
    volatile char *p;
    if (!f || ftruncate(fileno(f), 4096) != 0)
        return;
    p = (volatile char *)mmap(NULL, 4096, PROT_READ, MAP_SHARED, fileno(f), 0);
    if (p == (volatile char *)MAP_FAILED || ftruncate(fileno(f), 0) != 0)
        return;
    (void)p[0];
}

__attribute__((noinline)) static int fault_fpe(void)
{
    /* x86-64 traps an integer division by zero; AArch64 returns 0 and
     * the caller raises SIGFPE itself. */
    return numerator / zero; /* not 1 / x: GCC computes that without dividing */
}

__attribute__((noinline)) static void fault_ill(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("ud2");
#elif defined(__aarch64__)
    __asm__ __volatile__("udf #0");
#endif
}

/* Any function of this program: ASLR moves the whole image, not its parts,
 * so a pc minus this is the same in every run of the same binary. */
#define IMAGE_ANCHOR ((uint64_t)(uintptr_t)&fault_segv)

/* ---- Handler: async-signal-safe only --------------------------------------- */

static char *put_str(char *p, const char *end, const char *s)
{
    while (*s != '\0' && p < end)
        *p++ = *s++;
    return p;
}

static char *put_hex(char *p, const char *end, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = digits[v & 0xFu];
        v >>= 4;
    } while (v != 0u);
    p = put_str(p, end, "0x");
    while (n > 0 && p < end)
        *p++ = tmp[--n];
    return p;
}

static char *put_dec(char *p, const char *end, int64_t sv)
{
    char tmp[20];
    int n = 0;
    uint64_t v = (uint64_t)sv;
    if (sv < 0) {
        p = put_str(p, end, "-");
        v = 0u - v;
    }
    do {
        tmp[n++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (n > 0 && p < end)
        *p++ = tmp[--n];
    return p;
}

static const char *sig_name(int signo)
{
    switch (signo) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    case SIGABRT:
        return "SIGABRT";
    default:
        return "signal";
    }
}

static int pc_from(void *uctx, uint64_t *pc, uint64_t *sp)
{
    const ucontext_t *uc = (const ucontext_t *)uctx;
#if defined(__x86_64__) && defined(REG_RIP)
    *pc = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    *sp = (uint64_t)uc->uc_mcontext.gregs[REG_RSP];
    return 1;
#elif defined(__aarch64__)
    *pc = (uint64_t)uc->uc_mcontext.pc;
    *sp = (uint64_t)uc->uc_mcontext.sp;
    return 1;
#else
    (void)uc;
    *pc = 0u;
    *sp = 0u;
    return 0;
#endif
}

static void on_crash(int signo, siginfo_t *si, void *uctx)
{
    uint64_t pc = 0u, sp = 0u;
    int have_pc = pc_from(uctx, &pc, &sp), rc, abandoned;
    crash_repeat_t rep;
    char line[128], *p = line;
    const char *end = line + sizeof line;

    if (!crash_rec_valid()) {
        PRAM_EDIT_ZEROED(crash_rec, e, rc) {
            e.value->addr = (uint64_t)(uintptr_t)si->si_addr;
            e.value->pc = pc;
            e.value->pc_rel = pc - IMAGE_ANCHOR;
            e.value->sp = sp;
            e.value->boot = this_boot;
            e.value->signo = signo;
            e.value->code = si->si_code;
            e.value->pid = (uint32_t)getpid();
            e.value->flags = have_pc ? CRASH_HAVE_PC : 0u;
        }
        (void)rc; /* nothing better to do from here than carry on */
    } else {
        /* An unreported crash is there: it is the one worth keeping. */
        if (crash_repeat_get(&rep) != PRAM_OK)
            memset(&rep, 0, sizeof rep); /* memset is async-signal-safe (POSIX 2016) */
        rep.count++;
        rep.last_signo = signo;
        rep.last_boot = this_boot;
        (void)crash_repeat_set(&rep);
    }

    p = put_str(p, end, sig_name(signo));
    p = put_str(p, end, " addr=");
    p = put_hex(p, end, (uint64_t)(uintptr_t)si->si_addr);
    if (have_pc) {
        p = put_str(p, end, " pc=");
        p = put_hex(p, end, pc);
    }
    p = put_str(p, end, " code=");
    p = put_dec(p, end, si->si_code);
    p = put_str(p, end, " boot=");
    p = put_dec(p, end, (int64_t)this_boot);
    /* The crashed code may have been in the middle of a log line (or of a
     * pram call): abandon it, as a reset there would.  Not open yet (a
     * crash before main opened it): open. */
    abandoned = crash_log.busy != 0u;
    if (abandoned)
        p = put_str(p, end, " abandoned=1");
    if (pram_buf_takeover(&crash_log) == PRAM_ERR_NOT_OPEN)
        (void)pram_buf_open(&crash_log);
    (void)pram_buf_append(&crash_log, line, (size_t)(p - line));

    /* SA_RESETHAND already restored the default action; the signal is
     * blocked in here, so it is delivered, and kills, on return.  A fault
     * signal would also come back by itself on re-executing the faulting
     * instruction, but abort() or a kill(2) would not. */
    (void)raise(signo);
}

/* ---- Report (next run) --------------------------------------------------------- */

static const char *code_name(int signo, int code)
{
    if (code == SI_USER)
        return "SI_USER";
    if (code == SI_TKILL)
        return "SI_TKILL";
    switch (signo) {
    case SIGSEGV:
        return code == SEGV_MAPERR ? "SEGV_MAPERR: address not mapped"
               : code == SEGV_ACCERR ? "SEGV_ACCERR: no permission" : "?";
    case SIGBUS:
        return code == BUS_ADRALN ? "BUS_ADRALN" : code == BUS_ADRERR ? "BUS_ADRERR: no such address"
               : code == BUS_OBJERR ? "BUS_OBJERR" : "?";
    case SIGILL:
        return code == ILL_ILLOPN ? "ILL_ILLOPN: illegal operand"
               : code == ILL_ILLOPC ? "ILL_ILLOPC: illegal opcode" : "?";
    case SIGFPE:
        return code == FPE_INTDIV ? "FPE_INTDIV: integer divide by zero" : "?";
    default:
        return "?";
    }
}

/* Which deliberate fault a pc from an earlier run falls in, by its offset
 * from main (the same in every run of this binary, whatever ASLR did). */
static void where(const host_crash_t *c)
{
    const struct {
        const char *name;
        uintptr_t fn;
    } fns[] = {
        {"fault_segv", (uintptr_t)&fault_segv}, {"fault_bus", (uintptr_t)&fault_bus},
        {"fault_fpe", (uintptr_t)&fault_fpe},   {"fault_ill", (uintptr_t)&fault_ill},
    };
    uint64_t pc = IMAGE_ANCHOR + c->pc_rel, best = 0u;
    size_t i, found = 0u;
    if (!(c->flags & CRASH_HAVE_PC))
        return;
    /* The nearest start at or below pc, if close enough to be that function. */
    for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        uint64_t fn = (uint64_t)fns[i].fn;
        if (fn <= pc && pc - fn < 256u && fn >= best) {
            best = fn;
            found = i + 1u;
        }
    }
    if (found)
        printf(" (in %s+%u)", fns[found - 1u].name, (unsigned)(pc - best));
}

/* Prints the log (step lines summarized, crash lines whole) and checks it
 * against what the boots wrote: step lines in order (each boot logs all of
 * its own before it may crash; the ring drops the oldest), then the crash
 * lines (one per crash since the last report), and nothing of a line that a
 * crash interrupted.  0 if so. */
static int report_log(const host_crash_t *c, unsigned repeats)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    char line[PRAM_RECORD_MAX_SIZE + 1];
    unsigned b, i, nrec = 0, steps = 0, fb = 0, fi = 0, lb = 0, last = 0, crashes = 0, abandoned = 0;
    int n, rc, k;
    const unsigned me = (unsigned)this_boot;
    while ((rc = pram_buf_next(&crash_log, &it, &r)) > 0) {
        n = pram_buf_read(&crash_log, &r, line, sizeof line - 1u);
        if (n < 0) {
            printf("boot %u: log: FAIL: a line does not read back (%s)\n", me, pram_strerror(n));
            return 1;
        }
        line[n] = '\0';
        nrec++;
        if (sscanf(line, "boot %u: step %u%n", &b, &i, &k) == 2 && line[k] == '\0') {
            if (crashes || b > c->boot ||
                (steps && (b == lb ? i != last + 1u : b < lb || last != STEPS || i != 1u))) {
                printf("boot %u: log: FAIL: a step line out of order: %s\n", me, line);
                return 1;
            }
            if (!steps) {
                fb = b;
                fi = i;
            }
            lb = b;
            last = i;
            steps++;
        } else if (strstr(line, " boot=") != NULL && strncmp(line, "SIG", 3) == 0) {
            crashes++;
            abandoned += strstr(line, " abandoned=1") != NULL;
            printf("boot %u: log: %s\n", me, line);
        } else {
            printf("boot %u: log: FAIL: a line that was never committed: %s\n", me, line);
            return 1;
        }
    }
    if (rc < 0 || crashes != repeats + 1u) {
        printf("boot %u: log: FAIL: %s\n", me, rc < 0 ? pram_strerror(rc) : "not one crash line per crash");
        return 1;
    }
    if (steps && last != STEPS) {
        printf("boot %u: log: FAIL: the newest step line is not a boot's last\n", me);
        return 1;
    }
    if (steps)
        printf("boot %u: log: the ring also kept the %u step lines before %s, \"boot %u: step %u\" to "
               "\"boot %u: step %u\"%s\n",
               me, steps, crashes == 1 ? "it" : "them", fb, fi, lb, last,
               fi > 1 ? " (it dropped the older ones)" : "");
    if (abandoned)
        printf("boot %u: log: %u %s in the middle of a log line: the handler's pram_buf_takeover "
               "abandoned it, nothing of it is in the log\n",
               me, abandoned, abandoned == 1 ? "crash came" : "crashes came");
    /* Newest first, as one reads "the last lines before the crash". */
    it = (pram_buf_iter_t)PRAM_BUF_ITER_INIT;
    for (k = 0; (rc = pram_buf_prev(&crash_log, &it, &r)) > 0; k++) {
    }
    if (rc < 0 || (unsigned)k != nrec) {
        printf("boot %u: log: FAIL: newest-first iteration does not see the same lines\n", me);
        return 1;
    }
    return 0;
}

static int report(void)
{
    host_crash_t c;
    crash_repeat_t rep;
    int rc = crash_rec_get(&c);

    if (rc != PRAM_OK) {
        printf("boot %u: no crash recorded (%s)\n", (unsigned)this_boot, pram_strerror(rc));
        return 0;
    }
    printf("boot %u: crash in boot %u (pid %u): %s (%s)", (unsigned)this_boot, (unsigned)c.boot,
           (unsigned)c.pid, sig_name(c.signo), code_name(c.signo, c.code));
    /* si_code <= 0: sent by kill/raise/abort, si_addr is not an address. */
    if (c.code > 0)
        printf(", %s 0x%llx", c.signo == SIGSEGV || c.signo == SIGBUS ? "fault address" : "at",
               (unsigned long long)c.addr);
    if (c.flags & CRASH_HAVE_PC) {
        printf(", pc 0x%llx", (unsigned long long)c.pc);
        where(&c);
        printf(", sp 0x%llx", (unsigned long long)c.sp);
    }
    printf("\n");
    if (crash_repeat_get(&rep) != PRAM_OK)
        rep.count = 0u;
    if (rep.count != 0u)
        printf("boot %u: %u later crash(es) before this report, not recorded; last %s in boot %u\n",
               (unsigned)this_boot, (unsigned)rep.count, sig_name(rep.last_signo),
               (unsigned)rep.last_boot);
    if (report_log(&c, (unsigned)rep.count) != 0)
        return 1;
    /* Retire in this order: a crash or kill part-way gets this crash
     * reported again, never lost. */
    if ((rc = crash_repeat_invalidate()) != PRAM_OK || (rc = pram_buf_clear(&crash_log)) != PRAM_OK ||
        (rc = crash_rec_invalidate()) != PRAM_OK) {
        fprintf(stderr, "retiring the crash failed: %s\n", pram_strerror(rc));
        return 1;
    }
    return 0;
}

/* ---- Boot ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    const char *what = argc > 2 ? argv[2] : "none";
    struct sigaction sa;
    sigset_t block, old;
    boot_info_t bi;
    size_t i;
    int rc;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s RAM-FILE [segv|abrt|fpe|ill|bus|loop|none]\n", argv[0]);
        return 2;
    }
    ram.base = pram_host_map(argv[1], ram.size, NULL);
    if (!ram.base) {
        perror(argv[1]);
        return 1;
    }

    /* Until the handlers are in place nothing here writes from a signal;
     * after that, thread code that writes the crash cells keeps the handled
     * signals blocked: one writer per cell.  The log needs none of that:
     * the handler takes it over. */
    if (boot_info_get(&bi) != PRAM_OK)
        bi.boots = 0u;
    bi.boots++;
    if ((rc = boot_info_set(&bi)) != PRAM_OK) {
        fprintf(stderr, "boot counter: %s\n", pram_strerror(rc));
        return 1;
    }
    this_boot = bi.boots;
    if ((rc = pram_buf_open(&crash_log)) < 0) {
        fprintf(stderr, "log open: %s\n", pram_strerror(rc));
        return 1;
    }

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&block);
    for (i = 0; i < NHANDLED; i++) {
        sigaddset(&sa.sa_mask, handled[i]); /* one crash handler at a time */
        sigaddset(&block, handled[i]);
    }
    for (i = 0; i < NHANDLED; i++)
        if (sigaction(handled[i], &sa, NULL) != 0) {
            perror("sigaction");
            return 1;
        }

    if (strcmp(what, "loop") == 0) {
        /* A program that crashes again before it gets as far as reporting:
         * the recorded crash must survive, this one only counted. */
        printf("boot %u: crash loop: faulting (segv) before reporting\n", (unsigned)this_boot);
        fflush(stdout);
        (void)fault_segv();
        return 1;
    }

    sigprocmask(SIG_BLOCK, &block, &old);
    rc = report();
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return 1;
    fflush(stdout);

    /* The boot's work, logged.  The log needs no blocked signals: the
     * handler takes it over. */
    for (i = 1; i <= STEPS; i++) {
        char step[32];
        int n = snprintf(step, sizeof step, "boot %u: step %u", (unsigned)this_boot, (unsigned)i);
        if ((rc = pram_buf_append(&crash_log, step, (size_t)n)) != PRAM_OK) {
            fprintf(stderr, "log append: %s\n", pram_strerror(rc));
            return 1;
        }
    }

    if (strcmp(what, "none") == 0) {
        printf("boot %u: no fault this time, exiting 0\n", (unsigned)this_boot);
        return pram_host_unmap((void *)ram.base, ram.size) == 0 ? 0 : 1;
    }
    printf("boot %u: faulting: %s, in the middle of a log line\n", (unsigned)this_boot, what);
    fflush(stdout);
    /* A line written in pieces straight into the log, as a formatter
     * would, and never committed: the fault comes first. */
    if ((rc = pram_buf_begin(&crash_log)) != PRAM_OK ||
        (rc = pram_buf_write(&crash_log, "faulting: ", 10u)) != PRAM_OK ||
        (rc = pram_buf_write(&crash_log, what, strlen(what))) != PRAM_OK) {
        fprintf(stderr, "log line: %s\n", pram_strerror(rc));
        return 1;
    }
    if (strcmp(what, "segv") == 0)
        (void)fault_segv();
    else if (strcmp(what, "bus") == 0)
        fault_bus();
    else if (strcmp(what, "fpe") == 0)
        (void)fault_fpe();
    else if (strcmp(what, "ill") == 0)
        fault_ill();
    else if (strcmp(what, "abrt") == 0)
        abort();
    else {
        fprintf(stderr, "unknown fault '%s'\n", what);
        return 2;
    }
    /* The CPU did not trap (AArch64 division, an ISA without the opcode):
     * deliver the signal the fault would have raised. */
    if (strcmp(what, "fpe") == 0)
        raise(SIGFPE);
    else if (strcmp(what, "ill") == 0)
        raise(SIGILL);
    else if (strcmp(what, "bus") == 0)
        raise(SIGBUS);
    fprintf(stderr, "the fault did not kill the process\n");
    return 1;
}
