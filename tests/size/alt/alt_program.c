/* Measurement only: the Pigweed-equivalent program of tests/size/size_pw.c
 * with the typed operations of one uint32_t cell written out at the call
 * site, every constant of the cell folded (what a header-only typed API that
 * knows schema, mode and placement in the declaration would generate).
 * ALT_OUT_OF_LINE: the four operations as out-of-line per-cell functions
 * instead (what a DEFINE that emits per-cell functions would generate).
 * SIZE_USE_PRAM unset: the plain-variable baseline. */
#include <stdint.h>

#ifdef ALT_MAGIC_PARAM
#  define MAGIC_ARG , 0xE424D8F0u
#  define MAGIC_DECL , uint32_t magic
#else
#  define MAGIC_ARG
#  define MAGIC_DECL
#endif
#ifdef ALT_OUT_OF_LINE
#  define OP
#else
#  define OP static inline
#endif

int alt_find(uintptr_t slot, uint32_t mine, uint32_t room MAGIC_DECL);
void alt_seal(uintptr_t slot, uint32_t layout, uint32_t seq MAGIC_DECL);

volatile uint32_t size_sink;
void size_assert_fail(void) __attribute__((noreturn));
void size_assert_fail(void)
{
    for (;;) {
    }
}

#ifdef SIZE_USE_PRAM
__attribute__((section(".noinit"))) uint32_t alt_storage[4];
#  define SLOT ((uintptr_t)alt_storage)
#  define LAYOUT (4u | (1u << 16)) /* 4 bytes at 12, schema 1 */
#  define STORE(pos, v) (*(volatile uint32_t *)(pos) = (v))
OP int alt_status(void);
OP int alt_get(uint32_t *out);
OP int alt_set(const uint32_t *v);
OP int alt_invalidate(void);
OP int alt_status(void)
{
    return alt_find(SLOT, LAYOUT, sizeof alt_storage MAGIC_ARG);
}
OP int alt_get(uint32_t *out)
{
    int rc = alt_status();
    if (!rc)
        *out = ((const volatile uint32_t *)alt_storage)[3];
    return rc;
}
OP int alt_set(const uint32_t *v)
{
    STORE(SLOT, 0u);
    STORE(SLOT + 12u, *v);
    alt_seal(SLOT, LAYOUT, 0u MAGIC_ARG);
    return 0;
}
OP int alt_invalidate(void)
{
    STORE(SLOT, 0u);
    __asm__ __volatile__("dsb 0xF" ::: "memory");
    return 0;
}
#endif

int main(void);
int main(void)
{
#ifdef SIZE_USE_PRAM
    uint32_t v = 42u;
    (void)alt_set(&v);
    v = 13u;
    (void)alt_set(&v);
    (void)alt_invalidate();
    if (alt_status() == 0) {
        if (alt_get(&v) != 0)
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

void size_start(void);
void size_start(void)
{
    size_sink = (uint32_t)main();
    for (;;) {
    }
}
