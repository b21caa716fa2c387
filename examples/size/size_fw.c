/* The smallest firmware that uses one cell: get, set, an edit scope and
 * invalidate.  Built with SIZE_USE_PRAM, and twice without as baselines:
 * empty (main does nothing) and SIZE_PLAIN (the same work on a plain
 * variable, as Pigweed's size reports measure Persistent<uint32_t>).
 * `make size` prints both differences: what the library adds.  Not meant to
 * run. */
#include "pram/pram.h"

typedef struct {
    uint32_t count;
} counter_t;

volatile uint32_t size_sink;

#ifdef SIZE_USE_PRAM
PRAM_CELL_DECLARE(counter, counter_t);
PRAM_CELL_DEFINE(counter, 1, SIZE_MODE);
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

/* Entry point and the one libc function GCC may call for the edit scope's
 * zero-initialised state (freestanding GCC requires memset): counted as part
 * of the library's cost when referenced, dropped by --gc-sections otherwise. */
void size_start(void);
void size_start(void)
{
    (void)main();
    for (;;) {
    }
}

void *memset(void *dst, int c, size_t n) __attribute__((used));
void *memset(void *dst, int c, size_t n)
{
    unsigned char *p = (unsigned char *)dst;
    while (n--)
        *p++ = (unsigned char)c;
    return dst;
}
