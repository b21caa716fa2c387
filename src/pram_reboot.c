/* pram — the reboot record: reset cause, marks, crashes and counts.
 *
 * One A/B cell holds the counts since cold boot, the mark an intended reset
 * left, whether a crash was captured since the last boot, and the first
 * unacknowledged crash.  Every change is one cell set: a reset at any store
 * leaves the record as it was before or after the call, never between. */
#include "pram/pram.h"
#include "pram/pram_reboot.h"

typedef struct reboot_record {
    uint32_t boots;      /* since cold boot                              */
    uint32_t crashes;    /* crashes captured since cold boot             */
    uint32_t unexpected; /* unexpected reboots since cold boot           */
    uint32_t mark;       /* left by pram_reboot_mark, taken by the boot  */
    uint32_t mark_arg;
    uint32_t crash_new;  /* a crash was captured since the last boot     */
    uint32_t has_crash;  /* crash is the first unacknowledged one        */
    pram_crash_t crash;
} reboot_record_t;

/* Schema: bump when reboot_record_t changes meaning. */
#define RECORD_SCHEMA 0x7B01u

/* A/B, so that a reset in the middle of an update keeps the previous record
 * (with A/B compiled out, a torn update reads as a lost record: cold). */
#define RECORD_MODE (PRAM_ENABLE_AB ? PRAM_AB : PRAM_SINGLE)

PRAM_CELL_DECLARE(pram__reboot_record, reboot_record_t, RECORD_SCHEMA, RECORD_MODE);
PRAM_CELL_DEFINE(pram__reboot_record);

static pram_reboot_report_t report;
static uint32_t report_ready;

/* Fills r field by field: a struct assignment or zero initialiser of this
 * size would be a memset/memcpy call, which a -nostdlib firmware lacks. */
static void zero_words(void *p, uint32_t bytes)
{
    uint32_t *w = (uint32_t *)p, i;
    for (i = 0; i < bytes / 4u; i++)
        ((volatile uint32_t *)w)[i] = 0u;
}

static void copy_words(void *dst, const void *src, uint32_t bytes)
{
    uint32_t *d = (uint32_t *)dst, i;
    const uint32_t *s = (const uint32_t *)src;
    for (i = 0; i < bytes / 4u; i++)
        ((volatile uint32_t *)d)[i] = s[i];
}

/* The record, or a zeroed one when it is not valid: 1 if it was valid. */
static int load(reboot_record_t *rec)
{
    if (pram__reboot_record_get(rec) == PRAM_OK)
        return 1;
    zero_words(rec, sizeof *rec);
    return 0;
}

int pram_reboot_mark(uint32_t mark, uint32_t arg)
{
    reboot_record_t rec;
    (void)load(&rec);
    rec.mark = mark;
    rec.mark_arg = arg;
    return pram__reboot_record_set(&rec);
}

int pram_reboot_crash(const pram_crash_t *crash)
{
    reboot_record_t rec;
    if (!crash)
        return PRAM_ERR_NULL;
    (void)load(&rec);
    rec.crashes++;
    rec.crash_new = 1u;
    if (!rec.has_crash) {
        copy_words(&rec.crash, crash, sizeof rec.crash);
        rec.crash.boot = rec.boots;
        rec.has_crash = 1u;
    }
    return pram__reboot_record_set(&rec);
}

int pram_reboot_ack(void)
{
    reboot_record_t rec;
    int rc = pram__reboot_record_get(&rec);
    if (rc)
        return rc;
    if (report_ready)
        report.has_crash = 0u;
    if (!rec.has_crash)
        return PRAM_OK;
    rec.has_crash = 0u;
    return pram__reboot_record_set(&rec);
}

/* Strongest evidence first.  Power and brown-out lose what a crash or a mark
 * said about the time before; a crash captured since the last boot explains
 * the software reset its handler made; a watchdog or a lockup overrides a
 * mark (the intended reset did not come in time); a mark explains a
 * software reset; the pin is reported last, since many parts raise it with
 * every internal reset too. */
static pram_reboot_reason_t decide(uint32_t causes, int valid, const reboot_record_t *rec)
{
    if (!valid || (causes & PRAM_RESET_POWER_ON))
        return PRAM_REBOOT_POWER_ON;
    if (causes & PRAM_RESET_BROWNOUT)
        return PRAM_REBOOT_BROWNOUT;
    if (rec->crash_new)
        return rec->has_crash && rec->crash.kind == PRAM_REBOOT_ASSERT ? PRAM_REBOOT_ASSERT
                                                                        : PRAM_REBOOT_FAULT;
    if ((causes & PRAM_RESET_WATCHDOG) || rec->mark == PRAM_MARK_WATCHDOG)
        return PRAM_REBOOT_WATCHDOG;
    if (causes & PRAM_RESET_LOCKUP)
        return PRAM_REBOOT_LOCKUP;
    if (rec->mark != PRAM_MARK_NONE)
        return PRAM_REBOOT_SOFTWARE;
    if (causes & PRAM_RESET_SOFTWARE)
        return PRAM_REBOOT_UNEXPECTED;
    if (causes & PRAM_RESET_PIN)
        return PRAM_REBOOT_PIN;
    return PRAM_REBOOT_UNKNOWN;
}

static int is_unexpected(pram_reboot_reason_t r)
{
    return r != PRAM_REBOOT_POWER_ON && r != PRAM_REBOOT_PIN && r != PRAM_REBOOT_SOFTWARE;
}

const pram_reboot_report_t *pram_reboot_boot_with(const pram_reset_port_t *port)
{
    reboot_record_t rec;
    uint32_t raw = 0u, causes = 0u;
    int valid;
    if (report_ready)
        return &report;
    if (port && port->read) {
        raw = port->read();
        causes = port->causes ? port->causes(raw) : 0u;
        if (port->clear)
            port->clear();
    }
    valid = load(&rec);
    report.reason = decide(causes, valid, &rec);
    if (report.reason == PRAM_REBOOT_POWER_ON) {
        /* Counts restart; a crash still held in a valid record survives a
         * power-on only if the RAM did: keep it for the report. */
        rec.boots = 0u;
        rec.crashes = rec.crash_new ? 1u : 0u;
        rec.unexpected = 0u;
        if (!valid)
            rec.has_crash = 0u;
    }
    rec.boots++;
    if (is_unexpected(report.reason))
        rec.unexpected++;
    report.causes = causes;
    report.raw = raw;
    report.mark = rec.mark;
    report.mark_arg = rec.mark_arg;
    report.boots = rec.boots;
    report.crashes = rec.crashes;
    report.unexpected = rec.unexpected;
    report.cold = valid ? 0u : 1u;
    report.has_crash = rec.has_crash;
    copy_words(&report.crash, &rec.crash, sizeof report.crash);
    rec.mark = PRAM_MARK_NONE;
    rec.mark_arg = 0u;
    rec.crash_new = 0u;
    (void)pram__reboot_record_set(&rec);
    report_ready = 1u;
    return &report;
}

const pram_reboot_report_t *pram_reboot_boot(void)
{
    return pram_reboot_boot_with(&PRAM_RESET_PORT);
}

const pram_cell_t *pram_reboot_cell(void)
{
    return &pram__reboot_record;
}

void pram_reboot_new_boot(void)
{
    report_ready = 0u;
}

const pram_reboot_report_t *pram_reboot_report(void)
{
    return report_ready ? &report : (const pram_reboot_report_t *)0;
}

const char *pram_reboot_reason_name(pram_reboot_reason_t reason)
{
    static const char *const names[PRAM_REBOOT_REASON_COUNT] = {
        "unknown",    "power-on", "pin",    "brown-out", "watchdog",
        "software",   "unexpected", "lockup", "fault",   "assert",
    };
    return (unsigned)reason < PRAM_REBOOT_REASON_COUNT ? names[reason] : "?";
}

const char *pram_reboot_mark_name(uint32_t mark)
{
    static const char *const names[] = {"none", "update", "user", "low battery", "watchdog"};
    if (mark < sizeof names / sizeof names[0])
        return names[mark];
    return mark >= PRAM_MARK_APP ? "app" : "?";
}
