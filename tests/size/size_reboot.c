/* What the reboot record and the Cortex-M crash capture add to a firmware
 * (make size), over an empty main with the same vector table
 * (tests/size/size_vec.c, linked into every one of these programs).
 *
 *   (none)              the baseline: main does nothing
 *   SIZE_REBOOT         the boot call (report read, counts, mark taken),
 *                       pram_reboot_ack when there is a crash to forget,
 *                       pram_reboot_mark before an intended reset; the port
 *                       is the library's PRAM_RESET_PORT, set when
 *                       src/pram_reboot.c is compiled
 *   SIZE_FAULT          SIZE_REBOOT + PRAM_FAULT_HANDLERS(): the fault
 *                       entries, the capture and its commit into the record
 *   SIZE_FAULT_LOG      SIZE_FAULT + one line per crash into a 256 B ring
 *                       log, opened at boot (buffer code and storage
 *                       included)
 *   SIZE_FAULT_ASSERT   SIZE_FAULT + one PRAM_ASSERT site
 * Not meant to run. */
#include "pram/pram.h"
#if defined(SIZE_REBOOT) || defined(SIZE_FAULT) || defined(SIZE_FAULT_LOG) || defined(SIZE_FAULT_ASSERT)
#  include "pram/pram_reboot.h"
#  define SIZE_USES_REBOOT 1
#endif
#if defined(SIZE_FAULT) || defined(SIZE_FAULT_LOG) || defined(SIZE_FAULT_ASSERT)
#  include "pram/pram_fault.h"
PRAM_FAULT_HANDLERS();
#endif

volatile uint32_t size_sink;

#ifdef SIZE_FAULT_LOG
PRAM_BUF_DEFINE_RING(size_crash_log, 256, 1);
#endif

int main(void);
int main(void)
{
#ifdef SIZE_USES_REBOOT
    const pram_reboot_report_t *r = pram_reboot_boot();
#  ifdef SIZE_FAULT_LOG
    (void)pram_buf_open(&size_crash_log);
    pram_fault_set_log(&size_crash_log);
#  endif
    size_sink = (uint32_t)r->reason + r->boots + r->crashes + r->unexpected;
    if (r->has_crash) {
        size_sink = r->crash.pc;
        (void)pram_reboot_ack();
    }
#  ifdef SIZE_FAULT_ASSERT
    PRAM_ASSERT(size_sink != 0xDEADu);
#  endif
    (void)pram_reboot_mark(PRAM_MARK_USER, size_sink);
#else
    size_sink = 0u;
#endif
    return 0;
}
