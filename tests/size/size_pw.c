/* The program of Pigweed's pw_persistent_ram size report for
 * Persistent<uint32_t>, on one uint32_t cell: set 42, set 13, invalidate,
 * then if a value is held, read it (asserting the read worked) and test it.
 *
 * Built three ways by tests/size/size.sh:
 *   (nothing)                     the baseline: the same work on a plain
 *                                 volatile uint32_t, as Pigweed measures it;
 *   SIZE_USE_PRAM                 with a pram cell (mode SIZE_MODE);
 *   SIZE_USE_PRAM and SIZE_EDIT   plus one edit scope, to show what an edit
 *                                 scope adds on its own.
 * `make size` reports the flash the cell adds over the baseline.  Not meant
 * to run. */
#include "pram/pram.h"

volatile uint32_t size_sink;

/* The assert's failure path, defined (and dropped when unused) in every
 * variant alike. */
void size_assert_fail(void) __attribute__((noreturn));
void size_assert_fail(void)
{
    for (;;) {
    }
}

#ifdef SIZE_USE_PRAM
PRAM_CELL_DECLARE(persistent, uint32_t, 1, SIZE_MODE);
PRAM_CELL_DEFINE(persistent);
#endif

int main(void);
int main(void)
{
#ifdef SIZE_USE_PRAM
    uint32_t v = 42u;
    (void)persistent_set(&v);
    v = 13u;
    (void)persistent_set(&v);
#  ifdef SIZE_EDIT
    {
        int rc;
        PRAM_EDIT(persistent, e, rc)
        {
            *e.value += 1u;
        }
        (void)rc;
    }
#  endif
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
