/* The fuzz builds' replacement for tests/support/regfile.c: the same
 * register-file rules (exact width, unit boundary, alignment), failing by
 * abort() instead of a cmocka assertion (which, outside a cmocka test, would
 * exit()), plus a window: every access the library makes through the
 * PRAM_HW_LOAD/STORE hooks must lie inside the container or region under
 * test.  regfile.h's API, so that test-support code links unchanged. */
#include "fuzz.h"

static regfile_t *active;
static uintptr_t win_lo, win_hi;
unsigned long fz_hw_loads, fz_hw_stores;

void regfile_attach(regfile_t *rf)
{
    active = rf;
}

void fz_window(const volatile void *lo, size_t len)
{
    win_lo = (uintptr_t)lo;
    win_hi = len ? win_lo + len : 0u;
}

static void check(uintptr_t a, unsigned width, const char *what)
{
    uintptr_t base, end, off;
    if (win_hi && (a < win_lo || a + width > win_hi))
        fz_fail(__FILE__, __LINE__,
                "%u-byte %s at %#lx outside the container/region under test [%#lx, %#lx) (%s)",
                width, what, (unsigned long)a, (unsigned long)win_lo, (unsigned long)win_hi,
                fz_where);
    if (!active)
        return;
    base = (uintptr_t)active->base;
    end = base + (uintptr_t)active->units * active->stride;
    if (a + width <= base || a >= end)
        return;
    off = a - base;
    if (width != active->width || off % active->stride != 0u || a % width != 0u)
        fz_fail(__FILE__, __LINE__,
                "register file (width %u, stride %u): %u-byte %s at +%#lx (%s)",
                (unsigned)active->width, (unsigned)active->stride, width, what,
                (unsigned long)off, fz_where);
    if (*what == 'l')
        active->loads++;
    else
        active->stores++;
}

uint32_t pram_test_hw_load(const volatile void *addr, unsigned width)
{
    check((uintptr_t)addr, width, "load");
    fz_hw_loads++;
    switch (width) {
    case 1:
        return *(const volatile uint8_t *)addr;
    case 2:
        return *(const volatile uint16_t *)addr;
    default:
        return *(const volatile uint32_t *)addr;
    }
}

void pram_test_hw_store(volatile void *addr, unsigned width, uint32_t value)
{
    check((uintptr_t)addr, width, "store");
    fz_hw_stores++;
    switch (width) {
    case 1:
        *(volatile uint8_t *)addr = (uint8_t)value;
        break;
    case 2:
        *(volatile uint16_t *)addr = (uint16_t)value;
        break;
    default:
        *(volatile uint32_t *)addr = value;
        break;
    }
}
