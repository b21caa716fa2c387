/* Crash log on the host: signals stand in for faults.  A signal handler
 * fills a pram_crash_t and commits it with pram_fault_commit() (into the
 * reboot record, one line into the log), the next run's pram_reboot_boot()
 * reports it.  The same two modules as the firmware, none of their work
 * redone here.
 *
 * Each run of this program is one boot.  The RAM that survives the "reset"
 * is FILE, mapped MAP_SHARED (pram_host.h): a process killed by a signal
 * leaves exactly the bytes it had stored, as a core that resets leaves its
 * .noinit.  It holds the log (a 1 KiB ring, in place) and a copy of the
 * reboot record, which pram_reboot keeps in its own cell in this process's
 * .noinit: copied in before the boot call and back after every call that
 * changes it, and by the reset hook after a crash.
 *
 * A signal is not a Cortex-M fault, so the crash says what it can:
 * exception = the signal number; reason = the nearest pram_fault reason
 * (SIGSEGV, SIGBUS: PRECISERR, a bad data address, in bfar with BFARVALID;
 * SIGILL: UNDEFINSTR; SIGFPE: DIVBYZERO; others UNKNOWN); pc = the faulting
 * instruction's offset from this program's anchor function (ASLR moves the
 * image as a whole, so it is the same in every run); lr, sp 0.
 *
 * Usage: crash_log_host FILE [segv|fpe|ill|bus|abrt|loop|none]
 *   prints the report (reason, counts, the crash, the log's last lines
 *   newest first); "loop" then faults again (SIGSEGV) before the report is
 *   sent, as a program in a crash loop would: no ack, the first crash stays
 *   the one reported.  Otherwise acks, clears the log, logs 40 step lines
 *   ("boot N: step i", more than the ring holds), and faults as asked in
 *   the middle of a log line, or (none) exits marked (PRAM_MARK_USER). */
#define _GNU_SOURCE /* REG_RIP in <sys/ucontext.h> */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "pram/pram_host.h"
#include "pram/pram_reboot.h"

#define LOG_CAPACITY 1024u
#define LOG_SIZE PRAM_BUF_STORAGE_SIZE(LOG_CAPACITY)
#define STEPS 40u

static pram_region_t log_ram = PRAM_REGION(0, LOG_SIZE, 0, 0); /* base: in FILE */
static const pram_buf_def_t crash_log_def = PRAM_BUF_DEF_RING_IN(&log_ram, 0u, LOG_SIZE, 4);
static pram_buf_t crash_log = PRAM_BUF_INIT(&crash_log_def);

static unsigned char *ram;     /* FILE: the record's copy, then the log */
static size_t record_size;     /* the record cell's storage (A/B) */
static volatile sig_atomic_t crash_signal;

static void record_load(void)
{
    memcpy(pram_reboot_cell()->addr, ram, record_size);
}

static void record_save(void) /* memcpy: async-signal-safe */
{
    memcpy(ram, pram_reboot_cell()->addr, record_size);
}

/* ---- The deliberate faults ------------------------------------------------ */

static volatile uintptr_t bad_address = 0x10u;
static volatile int zero, numerator = 1000;

__attribute__((noinline)) static int fault_segv(void)
{
    return *(volatile int *)bad_address;
}

__attribute__((noinline)) static void fault_bus(void)
{
    /* A mapped page of a file truncated away: Linux raises SIGBUS. */
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
    return numerator / zero; /* x86-64 traps; AArch64 returns 0 (main raises) */
}

__attribute__((noinline)) static void fault_ill(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("ud2");
#elif defined(__aarch64__)
    __asm__ __volatile__("udf #0");
#endif
}

#define ANCHOR ((uintptr_t)&fault_segv)

/* ---- The handler: async-signal-safe only ------------------------------------ */

static uintptr_t pc_of(void *uctx)
{
    const ucontext_t *uc = (const ucontext_t *)uctx;
#if defined(__x86_64__) && defined(REG_RIP)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0u;
#endif
}

static void on_crash(int signo, siginfo_t *si, void *uctx)
{
    pram_crash_t c;
    memset(&c, 0, sizeof c);
    c.kind = PRAM_REBOOT_FAULT;
    c.exception = (uint32_t)signo;
    c.pc = (uint32_t)(pc_of(uctx) - ANCHOR);
    switch (signo) {
    case SIGSEGV:
    case SIGBUS:
        c.reason = PRAM_FAULT_PRECISERR;
        c.cfsr = PRAM_CFSR_PRECISERR | PRAM_CFSR_BFARVALID;
        c.bfar = (uint32_t)(uintptr_t)si->si_addr;
        break;
    case SIGILL:
        c.reason = PRAM_FAULT_UNDEFINSTR;
        break;
    case SIGFPE:
        c.reason = PRAM_FAULT_DIVBYZERO;
        break;
    default:
        c.reason = PRAM_FAULT_UNKNOWN;
        break;
    }
    crash_signal = signo;
    pram_fault_commit(&c); /* the record, the log line, then the reset hook */
}

/* The "reset": the record back to FILE, then die of the signal (restored
 * to its default action by SA_RESETHAND, blocked while in the handler). */
static void reset_hook(void)
{
    sigset_t s;
    record_save();
    (void)raise(crash_signal);
    sigemptyset(&s);
    sigaddset(&s, crash_signal);
    (void)sigprocmask(SIG_UNBLOCK, &s, NULL);
    _exit(128 + crash_signal);
}

/* ---- The report ------------------------------------------------------------------ */

static void where(uint32_t off)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } fns[] = {
        {"fault_segv", (void (*)(void))fault_segv},
        {"fault_bus", fault_bus},
        {"fault_fpe", (void (*)(void))fault_fpe},
        {"fault_ill", fault_ill},
    };
    uintptr_t pc = ANCHOR + (uintptr_t)(intptr_t)(int32_t)off, best = 0u;
    size_t i, found = 0u;
    for (i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        uintptr_t fn = (uintptr_t)fns[i].fn;
        if (fn <= pc && pc - fn < 256u && fn >= best) {
            best = fn;
            found = i + 1u;
        }
    }
    if (found)
        printf(" (%s+%u)", fns[found - 1u].name, (unsigned)(pc - best));
}

static const char *sig_name(uint32_t signo)
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

static void report(const pram_reboot_report_t *r)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t rec;
    char line[PRAM_RECORD_MAX_SIZE + 1];
    const pram_crash_t *c = &r->crash;
    int n;

    printf("boot %u: %s", (unsigned)r->boots, pram_reboot_reason_name(r->reason));
    if (r->cold)
        printf(" (cold)");
    if (r->mark == PRAM_MARK_USER)
        printf(" (mark user %u)", (unsigned)r->mark_arg);
    printf("; crashes %u, unexpected %u\n", (unsigned)r->crashes, (unsigned)r->unexpected);
    if (!r->has_crash)
        return;
    printf("crash: boot=%u signal=%u reason=%s: %s", (unsigned)c->boot, (unsigned)c->exception,
           pram_fault_reason_name((pram_fault_reason_t)c->reason), sig_name(c->exception));
    if (c->cfsr & PRAM_CFSR_BFARVALID)
        printf(", address 0x%x", (unsigned)c->bfar);
    printf("\ncrash: pc=anchor+0x%x", (unsigned)c->pc);
    where(c->pc);
    printf("\n");
    /* The log, newest first: the handlers' lines and the last line before. */
    while ((n = pram_buf_prev(&crash_log, &it, &rec)) > 0) {
        n = pram_buf_read(&crash_log, &rec, line, sizeof line - 1u);
        if (n < 0)
            break;
        line[n] = '\0';
        printf("log: %s\n", line);
        if (strncmp(line, "fault ", 6) != 0)
            break;
    }
    if (n < 0)
        printf("log: FAIL: %s\n", pram_strerror(n));
}

int main(int argc, char **argv)
{
    static const int handled[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    const char *what = argc > 2 ? argv[2] : "none";
    const pram_reboot_report_t *r;
    struct sigaction sa;
    sigset_t block, old;
    char step[32];
    size_t i;
    int rc;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s RAM-FILE [segv|fpe|ill|bus|abrt|loop|none]\n", argv[0]);
        return 2;
    }
    record_size = ((size_t)pram_reboot_cell()->slot_size * 2u + 7u) & ~(size_t)7u; /* A/B */
    ram = pram_host_map(argv[1], record_size + LOG_SIZE, NULL);
    if (!ram) {
        perror(argv[1]);
        return 1;
    }
    log_ram.base = ram + record_size;

    /* Boot: the record, the report, the log and the handlers, in that order. */
    record_load();
    r = pram_reboot_boot();
    record_save();
    if ((rc = pram_buf_open(&crash_log)) < 0) {
        fprintf(stderr, "log open: %s\n", pram_strerror(rc));
        return 1;
    }
    pram_fault_set_log(&crash_log);
    pram_fault_set_reset_hook(reset_hook);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&block);
    for (i = 0; i < sizeof handled / sizeof handled[0]; i++) {
        sigaddset(&sa.sa_mask, handled[i]); /* one crash at a time */
        sigaddset(&block, handled[i]);
    }
    for (i = 0; i < sizeof handled / sizeof handled[0]; i++)
        if (sigaction(handled[i], &sa, NULL) != 0) {
            perror("sigaction");
            return 1;
        }

    report(r);
    fflush(stdout);
    if (strcmp(what, "loop") == 0) {
        printf("-> crash loop: faulting (segv) before the report is sent, no ack\n");
        fflush(stdout);
        (void)fault_segv();
        return 1;
    }
    /* Sent (printed): ack.  The record's writers in thread code keep the
     * crash signals blocked: one writer at a time. */
    sigprocmask(SIG_BLOCK, &block, &old);
    rc = pram_reboot_ack();
    record_save();
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (rc == PRAM_OK)
        rc = pram_buf_clear(&crash_log);
    for (i = 1; rc == PRAM_OK && i <= STEPS; i++) {
        int len = snprintf(step, sizeof step, "boot %u: step %u", (unsigned)r->boots, (unsigned)i);
        rc = pram_buf_append(&crash_log, step, (size_t)len);
    }
    if (rc != PRAM_OK) {
        fprintf(stderr, "ack or log: %s\n", pram_strerror(rc));
        return 1;
    }
    if (strcmp(what, "none") == 0) {
        sigprocmask(SIG_BLOCK, &block, &old);
        rc = pram_reboot_mark(PRAM_MARK_USER, r->boots);
        record_save();
        printf("-> acked; %u step lines logged; exit marked user %u\n", STEPS, (unsigned)r->boots);
        return rc == PRAM_OK && pram_host_unmap(ram, record_size + LOG_SIZE) == 0 ? 0 : 1;
    }
    printf("-> acked; %u step lines logged; faulting (%s) in the middle of a log line\n", STEPS, what);
    fflush(stdout);
    /* A line begun and partly written, never committed: the handler's
     * pram_buf_takeover abandons it. */
    if ((rc = pram_buf_begin(&crash_log)) != PRAM_OK || (rc = pram_buf_write(&crash_log, "faulting: ", 10u)) != PRAM_OK) {
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
    /* The CPU did not trap (AArch64 division, an ISA without the opcode). */
    raise(strcmp(what, "fpe") == 0 ? SIGFPE : strcmp(what, "ill") == 0 ? SIGILL : SIGBUS);
    fprintf(stderr, "the fault did not kill the process\n");
    return 1;
}
