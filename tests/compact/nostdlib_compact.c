/* make check-compact-nostdlib: every compact-cell call (typed in .noinit,
 * at an address, in register files of width 4, 2 and 1; generic; edits),
 * linked with the whole core by tests/size/nostdlib.sh (as its
 * nostdlib_fw.c) with -nostdlib and no libgcc, at every -O level: a
 * memset/memcpy the compiler emits for a struct copy or an array
 * initialiser, or a libgcc helper, fails the link. */
#include <stdint.h>

#include "pram/pram.h"
#include "pram/pram_compact.h"

typedef struct {
    uint8_t b[13];
} odd13_t;
typedef struct {
    uint32_t w[16];
} big_t;
typedef struct {
    uint64_t u;
} al8_t;

PRAM_COMPACT_DECLARE(n_single, uint32_t, 1, PRAM_SINGLE);
PRAM_COMPACT_DEFINE(n_single);
PRAM_COMPACT_DECLARE(n_ab, odd13_t, 2, PRAM_AB);
PRAM_COMPACT_DEFINE(n_ab);
PRAM_COMPACT_DECLARE(n_big, big_t, 3, PRAM_AB);
PRAM_COMPACT_DEFINE(n_big);
PRAM_COMPACT_DECLARE(n_al8, al8_t, 4, PRAM_AB);
PRAM_COMPACT_DEFINE(n_al8);

static uint32_t at_words[8];
PRAM_COMPACT_DECLARE_AT(n_at, uint16_t, 5, PRAM_AB);
PRAM_COMPACT_DEFINE_AT(n_at, at_words);

static uint32_t regs4[4], regs2[8], regs1[8];
static const pram_region_t r4 = PRAM_REGION(regs4, 16, 4, 4);
static const pram_region_t r2 = PRAM_REGION(regs2, 16, 2, 4);
static const pram_region_t r1 = PRAM_REGION(regs1, 8, 1, 0);
PRAM_COMPACT_DECLARE_IN(n_r4, uint32_t, 6, PRAM_AB);
PRAM_COMPACT_DEFINE_IN(n_r4, &r4, 0);
PRAM_COMPACT_DECLARE_IN(n_r2, uint32_t, 7, PRAM_AB);
PRAM_COMPACT_DEFINE_IN(n_r2, &r2, 0);
PRAM_COMPACT_DECLARE_IN(n_r1, uint16_t, 8, PRAM_SINGLE);
PRAM_COMPACT_DEFINE_IN(n_r1, &r1, 0);

volatile int nostdlib_sink;
volatile uint32_t nostdlib_sink32;

static void use(int v)
{
    nostdlib_sink += v;
}

int main(void);
int main(void)
{
    uint32_t u = 1u;
    uint16_t h = 2u;
    odd13_t o;
    big_t big;
    al8_t a8;
    unsigned i;
    n_single_edit_t es;
    n_ab_edit_t eab;
    pram_compact_edit_t ge;
    for (i = 0u; i < sizeof o.b; i++)
        o.b[i] = (uint8_t)i;
    for (i = 0u; i < 16u; i++)
        big.w[i] = i;
    a8.u = 3u;
    use(n_single_set(&u));
    use(n_single_get(&u));
    use(n_single_status());
    use(n_single_is_valid());
    use(n_single_invalidate());
    use(n_ab_set(&o));
    use(n_ab_get(&o));
    use(n_big_set(&big));
    use(n_big_get(&big));
    use(n_al8_set(&a8));
    use(n_al8_get(&a8));
    use(n_at_set(&h));
    use(n_at_get(&h));
    use(n_r4_set(&u));
    use(n_r4_get(&u));
    use(n_r4_invalidate());
    use(n_r2_set(&u));
    use(n_r2_get(&u));
    use(n_r1_set(&h));
    use(n_r1_get(&h));
    use(n_r1_status());
    if (n_single_edit_begin(&es, PRAM_EDIT_ZERO) == PRAM_OK) {
        *es.value = 7u;
        use(n_single_edit_commit(&es));
    }
    if (n_ab_edit_begin(&eab, PRAM_EDIT_KEEP) == PRAM_OK) {
        eab.value->b[0]++;
        use(n_ab_edit_abort(&eab));
    }
    use(pram_compact_edit_begin(&n_r4, &ge, PRAM_EDIT_KEEP));
    use(pram_compact_edit_commit(&ge));
    use(pram_compact_set(&n_ab, &o, sizeof o));
    use(pram_compact_get(&n_ab, &o, sizeof o));
    use(pram_compact_is_valid(&n_ab));
    nostdlib_sink32 = pram_compact_storage_size(&n_big);
    return 0;
}

/* Entry point (linked with -e nostdlib_start, no startup files). */
void nostdlib_start(void);
void nostdlib_start(void)
{
    (void)main();
    for (;;) {
    }
}
