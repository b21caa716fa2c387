/* Shared test support: the power-cut device and small helpers.
 *
 * Power cut: set pram_test_cut_at = N (1-based) and the N-th store into
 * persistent memory is applied (torn per pram_test_tear), then control
 * longjmps to the jmp_buf in pram_test_boot: the memory image is then what
 * RAM holds after the reset.  pram_test_stores counts every store. */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "pram/pram_region.h"

extern uint64_t pram_test_stores;  /* stores since start (never reset by lib)   */
extern uint64_t pram_test_cut_at;  /* 0: never; else cut after this store number */
extern unsigned pram_test_tear;    /* bit i set: byte i of the cut store is new;
                                      0: the whole store lands (clean cut)      */
extern jmp_buf *pram_test_boot;    /* where a power cut resumes                 */
extern int pram_test_misuse_count; /* PRAM_MISUSE calls                          */
extern int pram_test_last_misuse;

/* Called by the store hook before every store (once counted: n is that
 * store's number in pram_test_stores), with the store not yet made; it is
 * not re-entered by the stores it makes itself (those are counted and can
 * be cut as usual).  It may longjmp away through pram_test_power_cut().
 * (A torn cut of the same store tears against the word as it was before
 * the callback ran.)  NULL: none. */
extern void (*pram_test_on_store)(uint64_t n);

/* Critical sections (PRAM_CRITICAL_ENTER/EXIT in pram_test_config.h).
 * pram_test_crit_depth: current nesting; pram_test_crit_enters counts the
 * enters; pram_test_crit_errors counts exits whose state does not match
 * the depth (unbalanced or crossed sections).  With pram_test_masking set,
 * an interrupt raised while depth > 0 is held pending and runs at the
 * outermost exit, as a masked interrupt does when the mask is restored;
 * otherwise (and at depth 0) it runs at once.  A power cut resets depth
 * and pending interrupts (a reset does).  One pending interrupt at most: a
 * second raise while one is pending counts in pram_test_crit_errors. */
extern unsigned pram_test_crit_depth;
extern unsigned long pram_test_crit_enters;
extern unsigned long pram_test_crit_errors;
extern int pram_test_masking;
void pram_test_irq_raise(void (*isr)(void));
/* 1 if an interrupt is pending. */
int pram_test_irq_is_pending(void);

/* Deterministic PRNG (xorshift64*), seeded explicitly so failures replay. */
uint64_t test_rand(uint64_t *state);
void test_fill_random(void *dst, size_t len, uint64_t *state);

/* A region built at run time as PRAM_REGION(base, size, width, stride) builds
 * it, i.e. with the port of that width, for width 0, 1, 2 or 4.  Any other
 * width gives a malformed region: PRAM_REGION's with width 4 (and its port),
 * then .width set to `width`. */
pram_region_t test_region(volatile void *base, uint32_t size, unsigned width, unsigned stride);

#endif
