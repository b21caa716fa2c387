#include "test_support.h"

#include "pram/pram.h"

uint64_t pram_test_stores;
uint64_t pram_test_cut_at;
unsigned pram_test_tear;
jmp_buf *pram_test_boot;
int pram_test_misuse_count;
int pram_test_last_misuse;
void (*pram_test_on_store)(uint64_t n);
unsigned pram_test_crit_depth;
unsigned long pram_test_crit_enters;
unsigned long pram_test_crit_errors;
int pram_test_masking;

static int in_on_store;
static void (*irq_pending)(void);

int pram_test_store_hook(const struct pram_region *region, uintptr_t pos, uint32_t old,
                         uint32_t *value)
{
    uint64_t num = ++pram_test_stores;
    (void)region;
    (void)pos;
    if (pram_test_on_store && !in_on_store) {
        in_on_store = 1;
        pram_test_on_store(num);
        in_on_store = 0;
    }
    if (pram_test_cut_at == 0 || num != pram_test_cut_at)
        return 0;
    if (pram_test_tear) {
        union {
            uint32_t w;
            uint8_t b[4];
        } o, n;
        unsigned i;
        o.w = old;
        n.w = *value;
        for (i = 0; i < 4; i++)
            if (!(pram_test_tear & (1u << i)))
                n.b[i] = o.b[i];
        *value = n.w;
    }
    return 1;
}

void pram_test_power_cut(void)
{
    pram_test_cut_at = 0;
    /* A reset: no interrupt mask, nothing pending, no handler running. */
    pram_test_crit_depth = 0;
    irq_pending = NULL;
    in_on_store = 0;
    if (pram_test_boot)
        longjmp(*pram_test_boot, 1);
}

void pram_test_misuse(int what)
{
    pram_test_misuse_count++;
    pram_test_last_misuse = what;
}

uint32_t pram_test_critical_enter(void)
{
    pram_test_crit_enters++;
    return pram_test_crit_depth++;
}

void pram_test_critical_exit(uint32_t state)
{
    void (*isr)(void);
    if (pram_test_crit_depth == 0 || state != pram_test_crit_depth - 1u)
        pram_test_crit_errors++;
    pram_test_crit_depth = state;
    if (state == 0 && irq_pending) {
        isr = irq_pending;
        irq_pending = NULL;
        isr();
    }
}

void pram_test_irq_raise(void (*isr)(void))
{
    if (pram_test_masking && pram_test_crit_depth > 0) {
        if (irq_pending)
            pram_test_crit_errors++;
        irq_pending = isr;
        return;
    }
    isr();
}

int pram_test_irq_is_pending(void)
{
    return irq_pending != NULL;
}

uint64_t test_rand(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

void test_fill_random(void *dst, size_t len, uint64_t *s)
{
    uint8_t *d = (uint8_t *)dst;
    while (len--)
        *d++ = (uint8_t)(test_rand(s) >> 56);
}

pram_region_t test_region(volatile void *base, uint32_t size, unsigned width, unsigned stride)
{
    pram_region_t r0 = PRAM_REGION(base, size, 0, stride);
    pram_region_t r1 = PRAM_REGION(base, size, 1, stride);
    pram_region_t r2 = PRAM_REGION(base, size, 2, stride);
    pram_region_t r4 = PRAM_REGION(base, size, 4, stride);
    switch (width) {
    case 0:
        return r0;
    case 1:
        return r1;
    case 2:
        return r2;
    case 4:
        return r4;
    default:
        r4.width = (uint8_t)width;
        return r4;
    }
}
