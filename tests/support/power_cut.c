#include "power_cut.h"

#include <setjmp.h>
#include <stddef.h>

#include "test_support.h"

/* Nothing local is modified between setjmp and the longjmp back to it. */
int run_cut(op_fn fn, void *ctx, uint64_t n, unsigned tear)
{
    jmp_buf boot;
    pram_test_boot = &boot;
    pram_test_tear = tear;
    if (setjmp(boot) != 0) {
        pram_test_boot = NULL;
        pram_test_tear = 0;
        return 1;
    }
    pram_test_cut_at = n ? pram_test_stores + n : 0;
    fn(ctx);
    pram_test_cut_at = 0;
    pram_test_boot = NULL;
    pram_test_tear = 0;
    return 0;
}
