/* pram — why did it reboot?  One reboot record in an A/B cell, the reset
 * cause read once per boot, and crashes captured by fault handlers.
 *
 *   pram_reboot_mark(PRAM_MARK_UPDATE, version);   // before an intended reset
 *   NVIC_SystemReset();
 *   ...
 *   const pram_reboot_report_t *r = pram_reboot_boot();   // once, early at boot
 *   log("reboot: %s, boot %u", pram_reboot_reason_name(r->reason), r->boots);
 *   if (r->has_crash) send(&r->crash);
 *   pram_reboot_ack();                            // sent: forget the crash
 *
 * The boot call reads the hardware reset cause through the port named by
 * PRAM_RESET_PORT (pram_config.h) exactly once, clears its sticky flags,
 * combines it with a mark and a captured crash, updates the counts and
 * commits the record before returning.  pram_reboot_report() returns the
 * same report for the rest of the boot, so two modules never race to read
 * and clear the hardware.  A crash captured while an earlier one is still
 * unacknowledged only counts: a crash loop keeps the first.
 *
 * Fault-handler safe (no locks, no malloc, bounded): pram_reboot_mark and
 * pram_reboot_crash.  docs/reboot.md has what each reason means per part. */
#ifndef PRAM_REBOOT_H
#define PRAM_REBOOT_H

#include <stdint.h>

#include "pram_cell.h"
#include "pram_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why the last reset happened, as the report gives it. */
typedef enum pram_reboot_reason {
    PRAM_REBOOT_UNKNOWN = 0,   /* nothing marked, no crash, the port cannot tell */
    PRAM_REBOOT_POWER_ON = 1,  /* power-on, or the record was lost (cold)        */
    PRAM_REBOOT_PIN = 2,       /* the external reset pin                         */
    PRAM_REBOOT_BROWNOUT = 3,  /* supply dropped below the brown-out threshold   */
    PRAM_REBOOT_WATCHDOG = 4,  /* a watchdog expired                             */
    PRAM_REBOOT_SOFTWARE = 5,  /* a software reset marked with pram_reboot_mark  */
    PRAM_REBOOT_UNEXPECTED = 6,/* a software reset nobody marked                 */
    PRAM_REBOOT_LOCKUP = 7,    /* the core locked up (fault in a fault handler)  */
    PRAM_REBOOT_FAULT = 8,     /* a fault handler captured a crash and reset     */
    PRAM_REBOOT_ASSERT = 9,    /* an assertion captured its site and reset       */
    PRAM_REBOOT_REASON_COUNT = 10
} pram_reboot_reason_t;

/* Hardware causes a reset-cause port decodes (several may be set at once). */
#define PRAM_RESET_POWER_ON 0x01u
#define PRAM_RESET_PIN 0x02u
#define PRAM_RESET_BROWNOUT 0x04u
#define PRAM_RESET_WATCHDOG 0x08u
#define PRAM_RESET_SOFTWARE 0x10u
#define PRAM_RESET_LOCKUP 0x20u
#define PRAM_RESET_OTHER 0x40u /* a cause with no reason of its own (wake-up, debugger, ...) */

/* A reset-cause port: one small file per vendor (src/pram_reset_*.c). */
typedef struct pram_reset_port {
    const char *name;
    uint32_t (*read)(void);            /* the raw register(s), unmodified     */
    uint32_t (*causes)(uint32_t raw);  /* PRAM_RESET_* bits of a raw value    */
    void (*clear)(void);               /* clears the sticky flags             */
} pram_reset_port_t;

extern const pram_reset_port_t pram_reset_port_none;
extern const pram_reset_port_t pram_reset_port_stm32f0;
extern const pram_reset_port_t pram_reset_port_stm32f1;
extern const pram_reset_port_t pram_reset_port_stm32f4;
extern const pram_reset_port_t pram_reset_port_stm32f7;
extern const pram_reset_port_t pram_reset_port_stm32l4;
extern const pram_reset_port_t pram_reset_port_stm32g0;
extern const pram_reset_port_t pram_reset_port_stm32g4;
extern const pram_reset_port_t pram_reset_port_stm32h7;
extern const pram_reset_port_t pram_reset_port_nrf52;
extern const pram_reset_port_t pram_reset_port_rp2040;
extern const pram_reset_port_t pram_reset_port_samd21;
extern const pram_reset_port_t pram_reset_port_samd51;

/* Marks (pram_reboot_mark): why the firmware is about to reset itself. */
#define PRAM_MARK_NONE 0u
#define PRAM_MARK_UPDATE 1u      /* firmware update: arg = new version, say */
#define PRAM_MARK_USER 2u        /* the user asked (button, command)         */
#define PRAM_MARK_LOW_BATTERY 3u
/* Left by a watchdog's early-warning interrupt (or NMI) just before the
 * watchdog resets: reported as PRAM_REBOOT_WATCHDOG, on parts whose reset
 * register cannot tell (or with the "none" port). */
#define PRAM_MARK_WATCHDOG 4u
#define PRAM_MARK_APP 0x100u     /* application codes from here on           */

#ifndef PRAM_CRASH_STACK_WORDS
#  define PRAM_CRASH_STACK_WORDS 8u /* words of the crashed code's stack kept */
#endif

/* What a fault handler (pram_fault.h) or an assertion captured.  Registers
 * not captured (an assertion has no exception frame) are 0. */
typedef struct pram_crash {
    uint32_t kind;       /* PRAM_REBOOT_FAULT or PRAM_REBOOT_ASSERT           */
    uint32_t reason;     /* pram_fault_reason_t (fault); 0 (assert)           */
    uint32_t pc, lr, sp, xpsr;
    uint32_t r0, r1, r2, r3, r12;
    uint32_t exc_return; /* fault: EXC_RETURN; assert: 0                      */
    uint32_t exception;  /* IPSR at capture: 3 HardFault .. 7 SecureFault     */
    uint32_t cfsr, hfsr, mmfar, bfar, sfsr, sfar; /* 0 where the core has none */
    uint32_t file_id;    /* assert: a short id of the file                    */
    uint32_t line;       /* assert: the line                                  */
    uint32_t boot;       /* the record's boot count when it crashed           */
    uint32_t flags;      /* PRAM_CRASH_*                                      */
    uint32_t stack_words;                      /* valid words in stack[]     */
    uint32_t stack[PRAM_CRASH_STACK_WORDS];    /* above the exception frame  */
} pram_crash_t;

#define PRAM_CRASH_FRAME 0x1u /* r0..xpsr were read from a stack in RAM */
#define PRAM_CRASH_FPU 0x2u   /* the frame was the extended (FPU) one   */
#define PRAM_CRASH_PSP 0x4u   /* the frame was on the process stack     */

/* The report of this boot.  (Its tag is not pram_reboot_report: in C++ the
 * function of that name would hide it, which -Wshadow reports.) */
typedef struct pram_reboot_report_s {
    pram_reboot_reason_t reason;
    uint32_t causes;       /* PRAM_RESET_* bits the port decoded            */
    uint32_t raw;          /* the raw reset register value, as read once    */
    uint32_t mark, mark_arg; /* the mark found (any reason), 0 if none     */
    uint32_t boots;        /* since cold boot, this one included            */
    uint32_t crashes;      /* crashes captured since cold boot              */
    uint32_t unexpected;   /* reboots since cold boot that were neither
                              marked, power-on nor the pin                  */
    uint32_t cold;         /* 1: the record was not valid (counts restart)  */
    uint32_t has_crash;    /* crash holds the first unacknowledged crash    */
    pram_crash_t crash;
} pram_reboot_report_t;

/* Before an intended reset: the next boot reports PRAM_REBOOT_SOFTWARE with
 * this mark (unless the hardware saw something stronger: power, brown-out,
 * watchdog, lockup, or a crash came first).  Returns 0 or an error. */
int pram_reboot_mark(uint32_t mark, uint32_t arg);
/* Once per boot, before anything else may reset: see the header comment.
 * Never NULL. */
const pram_reboot_report_t *pram_reboot_boot(void);
/* The same boot's report; NULL before pram_reboot_boot. */
const pram_reboot_report_t *pram_reboot_report(void);
/* The report's crash was sent somewhere: the next crash is kept again.
 * Returns 0 or an error. */
int pram_reboot_ack(void);
/* For fault handlers and assertions (pram_fault.c calls it): counts the
 * crash and keeps it if no earlier one is unacknowledged.  Does not reset. */
int pram_reboot_crash(const pram_crash_t *crash);
/* "watchdog", "software", ... for logs (constant strings, no stdio). */
const char *pram_reboot_reason_name(pram_reboot_reason_t reason);
/* "none", "update", "user", "low battery", "watchdog", "app" (from
 * PRAM_MARK_APP on), "?" for the codes in between: constant strings. */
const char *pram_reboot_mark_name(uint32_t mark);

/* The boot call with an explicit port (tests, several candidate ports). */
const pram_reboot_report_t *pram_reboot_boot_with(const pram_reset_port_t *port);
/* Host programs that simulate several boots in one process: forget this
 * boot's report, as a reset would (the record is untouched). */
void pram_reboot_new_boot(void);
/* The record's cell (an A/B cell in .noinit): for host programs that keep
 * it in a file between runs, and tools that read it from a RAM image.  Its
 * storage is addr .. addr + 2 * slot_size. */
const pram_cell_t *pram_reboot_cell(void);

#ifdef __cplusplus
}
#endif

#endif /* PRAM_REBOOT_H */
