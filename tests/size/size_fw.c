/* A small firmware that uses one cell of a struct type: get, set, an edit
 * scope and invalidate.  Built with SIZE_USE_PRAM (mode SIZE_MODE), and
 * twice without as baselines: empty (main does nothing) and SIZE_PLAIN (the
 * same work on a plain variable).  `make size` (tests/size/size.sh) prints
 * both differences: what the library adds.  Not meant to run. */
#include "pram/pram.h"

typedef struct {
    uint32_t count;
} counter_t;

volatile uint32_t size_sink;

#ifdef SIZE_USE_PRAM
PRAM_CELL_DECLARE(counter, counter_t, 1, SIZE_MODE);
PRAM_CELL_DEFINE(counter);
#endif

int main(void);
int main(void)
{
#ifdef SIZE_USE_PRAM
    counter_t v;
    int rc;
    if (counter_get(&v) != PRAM_OK)
        v.count = 0;
    v.count++;
    (void)counter_set(&v);
    PRAM_EDIT(counter, e, rc)
    {
        e.value->count++;
    }
    (void)counter_invalidate();
    size_sink = v.count + (uint32_t)rc;
#elif defined(SIZE_PLAIN)
    static volatile counter_t plain;
    counter_t v;
    v.count = plain.count;
    v.count++;
    plain.count = v.count;
    plain.count = plain.count + 1u;
    plain.count = 0u;
    size_sink = v.count;
#else
    size_sink = 0;
#endif
    return 0;
}

/* Entry point (linked with -e size_start, no startup files).  No libc
 * function is defined here: a call to one (memset, memcpy) fails the link. */
void size_start(void);
void size_start(void)
{
    (void)main();
    for (;;) {
    }
}
