/* make test-pramdump: a firmware that crashes, so that pramdump has a
 * reboot record with a crash in it to decode (QEMU mps2-an385, Cortex-M3).
 *
 *   boot 1  sets the cell pd_counter, logs five lines to the ring pd_log,
 *           then loads from an unmapped address: BusFault PRECISERR;
 *           pram_fault's handler captures it, logs its own line, resets
 *   boot 2  prints the reboot report and the crash as "pd-crash: key=value"
 *           lines (what pramdump must decode from the image), does not
 *           acknowledge the crash, writes .noinit to the host file
 *           pd-crash.noinit.bin (semihosting) and exits
 *
 * tests/pramdump/run.sh compares pramdump's decoding of that file with
 * these lines, field by field. */
#include <stdint.h>

#include "fw.h"
#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "pram/pram_reboot.h"

PRAM_FAULT_HANDLERS();

PRAM_CELL_DECLARE(pd_counter, uint32_t, 3, PRAM_AB);
PRAM_CELL_DEFINE(pd_counter);
PRAM_BUF_DEFINE_RING(pd_log, 192, 2);

#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)

static void kv(const char *key, uint32_t v)
{
    fw_puts("pd-crash: ");
    fw_puts(key);
    fw_puts("=");
    fw_put_hex32(v);
    fw_puts("\n");
}

static int fail(const char *what, int rc)
{
    fw_puts("pd-crash: FAIL ");
    fw_puts(what);
    fw_puts(" ");
    fw_puts(pram_strerror(rc));
    fw_puts("\n");
    return 1;
}

int main(void)
{
    const pram_reboot_report_t *r;
    const pram_crash_t *c;
    uint32_t v = 0x5EED0000u, i;
    char line[] = "boot 1: line 0";
    int rc = pram_migrate(NULL);
    if (rc < 0)
        return fail("migrate", rc);
    r = pram_reboot_boot();
    if ((rc = pram_buf_open(&pd_log)) < 0)
        return fail("log open", rc);
    pram_fault_set_log(&pd_log);
    SCB_SHCSR |= 7u << 16; /* MemManage, BusFault, UsageFault as themselves */
    __asm__ __volatile__("dsb 0xf\n\tisb 0xf" ::: "memory");

    if (r->boots == 1u) {
        if ((rc = pd_counter_set(&v)) != PRAM_OK)
            return fail("counter", rc);
        v = 0x5EED0001u;
        if ((rc = pd_counter_set(&v)) != PRAM_OK)
            return fail("counter", rc);
        for (i = 1u; i <= 5u; i++) {
            line[13] = (char)('0' + i);
            if ((rc = pram_buf_append(&pd_log, line, sizeof line - 1u)) != PRAM_OK)
                return fail("log append", rc);
        }
        fw_puts("pd-crash: faulting\n");
        (void)*(volatile uint32_t *)0xA0000000u;
        return fail("no fault", 0);
    }
    c = &r->crash;
    kv("boots", r->boots);
    kv("crashes", r->crashes);
    kv("unexpected", r->unexpected);
    kv("has_crash", r->has_crash);
    kv("kind", c->kind);
    kv("reason", c->reason);
    kv("pc", c->pc);
    kv("lr", c->lr);
    kv("sp", c->sp);
    kv("xpsr", c->xpsr);
    kv("exc_return", c->exc_return);
    kv("exception", c->exception);
    kv("cfsr", c->cfsr);
    kv("hfsr", c->hfsr);
    kv("bfar", c->bfar);
    kv("boot", c->boot);
    kv("flags", c->flags);
    kv("stack_words", c->stack_words);
    if (pd_counter_get(&v) != PRAM_OK || v != 0x5EED0001u)
        return fail("counter lost", 0);
    kv("records", (uint32_t)pram_buf_count(&pd_log));
    if (fw_write_file("pd-crash.noinit.bin", __pram_noinit_start,
                      (uint32_t)((uintptr_t)__pram_noinit_end - (uintptr_t)__pram_noinit_start)) != 0)
        return fail("dump", 0);
    fw_puts("pd-crash: dumped\n");
    return 0;
}
