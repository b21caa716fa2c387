/* Running one operation with the power cut part-way (the device is in
 * test_support.h: pram_test_cut_at, pram_test_tear, pram_test_boot). */
#ifndef POWER_CUT_H
#define POWER_CUT_H

#include <stdint.h>

typedef void (*op_fn)(void *ctx);

/* Runs fn(ctx) with power cut right after its n-th store (0: never), that
 * store torn by `tear` (0: it lands whole).  The setjmp here is the boot
 * routine: returns 1 if power was cut (memory is what survived), 0 if fn
 * finished first.  Either way the device is disarmed on return.  fn must
 * keep any state it needs after a cut outside its own frame (ctx). */
int run_cut(op_fn fn, void *ctx, uint64_t n, unsigned tear);

#endif
