/* Pigweed's Persistent<uint32_t> size-report program (as size_pw.c: set 42,
 * set 13, invalidate, then if a value is held, read it, asserting the read
 * worked, and test it) on a compact cell (pram/pram_compact.h) or, for
 * comparison, on today's cell, in mode SIZE_MODE:
 *   SIZE_COMPACT   a compact uint32_t cell in .noinit
 *   SIZE_CELL      a PRAM_CELL_DECLARE uint32_t cell in .noinit
 *   (neither)      the baseline: the same work on a plain volatile uint32_t
 * `make size` prints what each adds over the baseline (size.mk).  Not meant
 * to run. */
#include "pram/pram.h"
#include "pram/pram_compact.h"

volatile uint32_t size_sink;

void size_assert_fail(void) __attribute__((noreturn));
void size_assert_fail(void)
{
    for (;;) {
    }
}

#if defined(SIZE_COMPACT)
PRAM_COMPACT_DECLARE(persistent, uint32_t, 1, SIZE_MODE);
PRAM_COMPACT_DEFINE(persistent);
#elif defined(SIZE_CELL)
PRAM_CELL_DECLARE(persistent, uint32_t, 1, SIZE_MODE);
PRAM_CELL_DEFINE(persistent);
#endif

int main(void);
int main(void)
{
#if defined(SIZE_COMPACT) || defined(SIZE_CELL)
    uint32_t v = 42u;
    (void)persistent_set(&v);
    v = 13u;
    (void)persistent_set(&v);
    (void)persistent_invalidate();
    if (persistent_is_valid()) {
        if (persistent_get(&v) != PRAM_OK)
            size_assert_fail();
        if (v == 0u)
            return 1;
    }
#else
    static volatile uint32_t value;
    value = 42u;
    value = 13u;
    value = 0u;
    if (value == 0u)
        return 1;
#endif
    return 0;
}

/* Entry point (linked with -e size_start, no startup files). */
void size_start(void);
void size_start(void)
{
    size_sink = (uint32_t)main();
    for (;;) {
    }
}
