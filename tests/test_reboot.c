/* pram_reboot on the host: the reason each combination of hardware cause,
 * mark and crash gives, the counts, reading the report twice, acking, a
 * crash loop, and a power cut at every store of mark, boot, crash and ack.
 *
 * The hardware is a model port: a raw register whose bits are the
 * PRAM_RESET_* causes themselves, sticky until clear() (as RCC_CSR until
 * RMVF).  Each simulated boot is pram_reboot_new_boot() then
 * pram_reboot_boot_with(&model).  Expected reasons come from the order
 * documented in pram_reboot.h / docs/reboot.md, written out per case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram/pram.h"
#include "power_cut.h"
#include "test_support.h"

/* ---- the model port ------------------------------------------------------ */

static uint32_t hw_flags;  /* the sticky register */
static unsigned hw_reads, hw_clears;

static uint32_t model_read(void)
{
    hw_reads++;
    return hw_flags;
}

static uint32_t model_causes(uint32_t raw)
{
    return raw & 0x7Fu;
}

static void model_clear(void)
{
    hw_clears++;
    hw_flags = 0u;
}

static const pram_reset_port_t model = {"model", model_read, model_causes, model_clear};

/* A reset with these causes set in the register, then the boot call. */
static const pram_reboot_report_t *boot(uint32_t causes)
{
    hw_flags |= causes;
    pram_reboot_new_boot();
    return pram_reboot_boot_with(&model);
}

/* The record's storage, through its (global) descriptor. */

static uint8_t *rec_mem(void)
{
    return (uint8_t *)pram_reboot_cell()->addr;
}

static size_t rec_bytes(void)
{
    return (size_t)pram_reboot_cell()->slot_size * 2u;
}

static void wipe(uint8_t fill)
{
    memset(rec_mem(), fill, rec_bytes());
    hw_flags = 0u;
}

static pram_crash_t crash_at(uint32_t pc, uint32_t kind)
{
    pram_crash_t c;
    unsigned i;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.reason = 3u;
    c.pc = pc;
    c.lr = pc + 0x100u;
    c.sp = 0x20001F00u;
    c.xpsr = 0x01000003u;
    c.cfsr = 0x00020000u;
    c.line = kind == PRAM_REBOOT_ASSERT ? 77u : 0u;
    c.file_id = kind == PRAM_REBOOT_ASSERT ? 0xF11Eu : 0u;
    c.flags = PRAM_CRASH_FRAME;
    c.stack_words = PRAM_CRASH_STACK_WORDS;
    for (i = 0; i < PRAM_CRASH_STACK_WORDS; i++)
        c.stack[i] = pc ^ i;
    return c;
}

/* ---- reasons and counts ------------------------------------------------- */

static void cold_then_reasons(void **state)
{
    const pram_reboot_report_t *r;
    (void)state;
    wipe(0x00);
    r = boot(0u);
    assert_int_equal(r->reason, PRAM_REBOOT_POWER_ON); /* record lost: cold */
    assert_int_equal(r->cold, 1u);
    assert_int_equal(r->boots, 1u);
    assert_int_equal(r->unexpected, 0u);
    assert_int_equal(r->crashes, 0u);
    assert_int_equal(r->has_crash, 0u);

    r = boot(PRAM_RESET_PIN);
    assert_int_equal(r->reason, PRAM_REBOOT_PIN);
    assert_int_equal(r->cold, 0u);
    assert_int_equal(r->boots, 2u);
    assert_int_equal(r->unexpected, 0u);
    assert_int_equal(r->raw, PRAM_RESET_PIN);
    assert_int_equal(r->causes, PRAM_RESET_PIN);

    r = boot(PRAM_RESET_SOFTWARE); /* nobody marked it */
    assert_int_equal(r->reason, PRAM_REBOOT_UNEXPECTED);
    assert_int_equal(r->unexpected, 1u);

    assert_int_equal(pram_reboot_mark(PRAM_MARK_UPDATE, 42u), PRAM_OK);
    r = boot(PRAM_RESET_SOFTWARE | PRAM_RESET_PIN); /* many parts raise the pin too */
    assert_int_equal(r->reason, PRAM_REBOOT_SOFTWARE);
    assert_int_equal(r->mark, PRAM_MARK_UPDATE);
    assert_int_equal(r->mark_arg, 42u);
    assert_int_equal(r->unexpected, 1u);

    r = boot(PRAM_RESET_SOFTWARE); /* the mark was taken by that boot */
    assert_int_equal(r->reason, PRAM_REBOOT_UNEXPECTED);
    assert_int_equal(r->mark, PRAM_MARK_NONE);
    assert_int_equal(r->unexpected, 2u);

    assert_int_equal(pram_reboot_mark(PRAM_MARK_USER, 1u), PRAM_OK);
    r = boot(PRAM_RESET_WATCHDOG | PRAM_RESET_PIN); /* the intended reset never came */
    assert_int_equal(r->reason, PRAM_REBOOT_WATCHDOG);
    assert_int_equal(r->mark, PRAM_MARK_USER); /* still shown */
    assert_int_equal(r->unexpected, 3u);

    assert_int_equal(pram_reboot_mark(PRAM_MARK_WATCHDOG, 0u), PRAM_OK); /* early warning */
    r = boot(PRAM_RESET_SOFTWARE);
    assert_int_equal(r->reason, PRAM_REBOOT_WATCHDOG);
    assert_int_equal(r->unexpected, 4u);

    r = boot(PRAM_RESET_LOCKUP);
    assert_int_equal(r->reason, PRAM_REBOOT_LOCKUP);
    r = boot(PRAM_RESET_BROWNOUT | PRAM_RESET_WATCHDOG);
    assert_int_equal(r->reason, PRAM_REBOOT_BROWNOUT);
    r = boot(PRAM_RESET_OTHER);
    assert_int_equal(r->reason, PRAM_REBOOT_UNKNOWN);
    assert_int_equal(r->boots, 10u);
    assert_int_equal(r->unexpected, 7u);

    /* Power-on: the counts start again, whatever else is set. */
    r = boot(PRAM_RESET_POWER_ON | PRAM_RESET_PIN | PRAM_RESET_BROWNOUT);
    assert_int_equal(r->reason, PRAM_REBOOT_POWER_ON);
    assert_int_equal(r->cold, 0u);
    assert_int_equal(r->boots, 1u);
    assert_int_equal(r->unexpected, 0u);
}

/* The hardware is read and cleared once per boot; the report is the same
 * for the rest of the boot; a flag cleared is not reported again. */
static void read_once_and_not_sticky(void **state)
{
    const pram_reboot_report_t *r, *again;
    (void)state;
    wipe(0xFF);
    (void)boot(0u);
    hw_reads = hw_clears = 0u;
    r = boot(PRAM_RESET_WATCHDOG);
    assert_int_equal(hw_reads, 1u);
    assert_int_equal(hw_clears, 1u);
    assert_int_equal(hw_flags, 0u);
    again = pram_reboot_boot_with(&model); /* a second module calls it too */
    assert_ptr_equal(again, r);
    assert_ptr_equal(pram_reboot_report(), r);
    assert_int_equal(hw_reads, 1u);
    assert_int_equal(r->reason, PRAM_REBOOT_WATCHDOG);
    r = boot(PRAM_RESET_SOFTWARE);
    assert_int_equal(r->reason, PRAM_REBOOT_UNEXPECTED); /* not watchdog again */
    pram_reboot_new_boot();
    assert_null(pram_reboot_report());
}

static void crashes_and_ack(void **state)
{
    const pram_reboot_report_t *r;
    pram_crash_t c1 = crash_at(0x08001234u, PRAM_REBOOT_FAULT);
    pram_crash_t c2 = crash_at(0x08005678u, PRAM_REBOOT_FAULT);
    pram_crash_t a = crash_at(0x08009ABCu, PRAM_REBOOT_ASSERT);
    (void)state;
    wipe(0x00);
    (void)boot(0u);
    (void)boot(PRAM_RESET_PIN); /* boots = 2 */
    assert_int_equal(pram_reboot_crash(NULL), PRAM_ERR_NULL);
    assert_int_equal(pram_reboot_crash(&c1), PRAM_OK);
    r = boot(PRAM_RESET_SOFTWARE); /* the handler's SYSRESETREQ */
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
    assert_int_equal(r->has_crash, 1u);
    assert_int_equal(r->crashes, 1u);
    assert_int_equal(r->unexpected, 1u);
    assert_int_equal(r->crash.pc, c1.pc);
    assert_int_equal(r->crash.boot, 2u); /* the boot that crashed */
    c1.boot = 2u;
    assert_memory_equal(&r->crash, &c1, sizeof c1);

    /* Not acknowledged: a crash loop keeps the first and counts. */
    assert_int_equal(pram_reboot_crash(&c2), PRAM_OK);
    r = boot(PRAM_RESET_SOFTWARE);
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
    assert_int_equal(r->crashes, 2u);
    assert_int_equal(r->crash.pc, c1.pc);
    assert_int_equal(pram_reboot_crash(&c2), PRAM_OK);
    r = boot(PRAM_RESET_SOFTWARE);
    assert_int_equal(r->crashes, 3u);
    assert_int_equal(r->crash.pc, c1.pc);

    /* A boot without a new crash still shows the unacknowledged one. */
    r = boot(PRAM_RESET_PIN);
    assert_int_equal(r->reason, PRAM_REBOOT_PIN);
    assert_int_equal(r->has_crash, 1u);
    assert_int_equal(pram_reboot_ack(), PRAM_OK);
    assert_int_equal(r->has_crash, 0u); /* the report follows */
    r = boot(PRAM_RESET_PIN);
    assert_int_equal(r->has_crash, 0u);
    assert_int_equal(r->crashes, 3u);

    /* After the ack the next crash is kept: an assertion this time. */
    assert_int_equal(pram_reboot_crash(&a), PRAM_OK);
    r = boot(PRAM_RESET_SOFTWARE);
    assert_int_equal(r->reason, PRAM_REBOOT_ASSERT);
    assert_int_equal(r->crash.line, 77u);
    assert_int_equal(r->crash.file_id, 0xF11Eu);
    assert_int_equal(r->crash.pc, a.pc);
    assert_int_equal(r->crashes, 4u);

    /* A crash before the first boot's record exists is kept too. */
    wipe(0x5A);
    assert_int_equal(pram_reboot_crash(&c2), PRAM_OK);
    r = boot(PRAM_RESET_SOFTWARE);
    assert_int_equal(r->reason, PRAM_REBOOT_FAULT);
    assert_int_equal(r->crash.pc, c2.pc);
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(pram_reboot_reason_name(PRAM_REBOOT_WATCHDOG), "watchdog");
    assert_string_equal(pram_reboot_mark_name(PRAM_MARK_NONE), "none");
    assert_string_equal(pram_reboot_mark_name(PRAM_MARK_UPDATE), "update");
    assert_string_equal(pram_reboot_mark_name(PRAM_MARK_USER), "user");
    assert_string_equal(pram_reboot_mark_name(PRAM_MARK_LOW_BATTERY), "low battery");
    assert_string_equal(pram_reboot_mark_name(PRAM_MARK_WATCHDOG), "watchdog");
    assert_string_equal(pram_reboot_mark_name(PRAM_MARK_WATCHDOG + 1u), "?");
    assert_string_equal(pram_reboot_mark_name(PRAM_MARK_APP), "app");
    assert_string_equal(pram_reboot_mark_name(0xFFFFFFFFu), "app");
    assert_string_equal(pram_reboot_reason_name(PRAM_REBOOT_UNEXPECTED), "unexpected");
    assert_string_equal(pram_reboot_reason_name(PRAM_REBOOT_POWER_ON), "power-on");
    assert_string_equal(pram_reboot_reason_name(PRAM_REBOOT_REASON_COUNT), "?");
    assert_string_equal(pram_reboot_reason_name((pram_reboot_reason_t)-1), "?");
}

/* ---- power cuts ------------------------------------------------------------ */

enum { OP_MARK, OP_CRASH, OP_ACK, OP_BOOT, OP_COUNT };
static const char *const op_names[OP_COUNT] = {"mark", "crash", "ack", "boot"};
static int g_op;

static void run_op(void *unused)
{
    pram_crash_t c = crash_at(0x0800BEEFu, PRAM_REBOOT_FAULT);
    (void)unused;
    switch (g_op) {
    case OP_MARK:
        (void)pram_reboot_mark(PRAM_MARK_UPDATE, 7u);
        break;
    case OP_CRASH:
        (void)pram_reboot_crash(&c);
        break;
    case OP_ACK:
        (void)pram_reboot_ack();
        break;
    default:
        (void)boot(PRAM_RESET_PIN);
        break;
    }
}

/* What the next boot (a software reset) reports, from the current image;
 * the image is restored afterwards. */
static pram_reboot_report_t probe(void)
{
    pram_reboot_report_t r;
    uint8_t keep[512];
    assert_true(rec_bytes() <= sizeof keep);
    memcpy(keep, rec_mem(), rec_bytes());
    r = *boot(PRAM_RESET_SOFTWARE);
    memcpy(rec_mem(), keep, rec_bytes());
    hw_flags = 0u;
    return r;
}

static int same(const pram_reboot_report_t *a, const pram_reboot_report_t *b)
{
    return a->reason == b->reason && a->mark == b->mark && a->mark_arg == b->mark_arg &&
           a->boots == b->boots && a->crashes == b->crashes && a->unexpected == b->unexpected &&
           a->cold == b->cold && a->has_crash == b->has_crash &&
           memcmp(&a->crash, &b->crash, sizeof a->crash) == 0;
}

/* Pre-states: cold, a plain record, a marked one, one holding a crash. */
static void prestate(int ps)
{
    pram_crash_t c = crash_at(0x08000F00u, PRAM_REBOOT_FAULT);
    wipe(0x00);
    (void)boot(0u);
    (void)boot(PRAM_RESET_PIN);
    if (ps == 1)
        (void)pram_reboot_mark(PRAM_MARK_USER, 3u);
    if (ps == 2)
        (void)pram_reboot_crash(&c);
    if (ps == 3)
        wipe(0x00);
    pram_reboot_new_boot();
    (void)pram_reboot_boot_with(&model); /* the boot the operation runs in */
    hw_flags = 0u;
}

static void power_cut_every_store(void **state)
{
    static const unsigned tears[] = {0u, 0x1u, 0x3u, 0x7u, 0x8u, 0xEu};
    uint8_t pre[512];
    unsigned long cuts = 0, as_before = 0, as_after = 0;
    int op, ps;
    (void)state;
    for (op = 0; op < OP_COUNT; op++) {
        for (ps = 0; ps < 4; ps++) {
            pram_reboot_report_t before, after, got;
            uint64_t s0, stores, n;
            unsigned t;
            g_op = op;
            prestate(ps);
            memcpy(pre, rec_mem(), rec_bytes());
            before = probe();
            s0 = pram_test_stores;
            run_op(NULL);
            stores = pram_test_stores - s0;
            after = probe();
            if (!stores) { /* an ack with nothing to acknowledge writes nothing */
                assert_int_equal(op, OP_ACK);
                assert_true(same(&before, &after));
                continue;
            }
            for (n = 1; n <= stores; n++) {
                for (t = 0; t < sizeof tears / sizeof tears[0]; t++) {
                    memcpy(rec_mem(), pre, rec_bytes());
                    pram_reboot_new_boot();
                    (void)run_cut(run_op, NULL, n, tears[t]);
                    got = probe();
                    cuts++;
                    if (same(&got, &before))
                        as_before++;
                    else if (same(&got, &after))
                        as_after++;
                    else
                        fail_msg("%s from pre-state %d, cut after store %u of %u (tear 0x%x): "
                                 "the next boot reports %s, boots %u, crashes %u, neither the "
                                 "state before nor after",
                                 op_names[op], ps, (unsigned)n, (unsigned)stores, tears[t],
                                 pram_reboot_reason_name(got.reason), got.boots, got.crashes);
                }
            }
        }
    }
    print_message("reboot record: %lu cuts over mark, crash, ack and boot: %lu as before, %lu as "
                  "after, 0 otherwise\n", cuts, as_before, as_after);
    assert_true(as_before > 0u && as_after > 0u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cold_then_reasons),
        cmocka_unit_test(read_once_and_not_sticky),
        cmocka_unit_test(crashes_and_ack),
        cmocka_unit_test(names),
        cmocka_unit_test(power_cut_every_store),
    };
    return cmocka_run_group_tests_name("reboot", tests, NULL, NULL);
}
