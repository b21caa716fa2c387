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

/* Deterministic PRNG (xorshift64*), seeded explicitly so failures replay. */
uint64_t test_rand(uint64_t *state);
void test_fill_random(void *dst, size_t len, uint64_t *state);

/* A region built at run time as PRAM_REGION(base, size, width, stride) builds
 * it, i.e. with the port of that width, for width 0, 1, 2 or 4.  Any other
 * width gives a malformed region: PRAM_REGION's with width 4 (and its port),
 * then .width set to `width`. */
pram_region_t test_region(volatile void *base, uint32_t size, unsigned width, unsigned stride);

#endif
