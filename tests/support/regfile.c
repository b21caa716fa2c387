#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "regfile.h"

static regfile_t *active;

void regfile_attach(regfile_t *rf)
{
    active = rf;
}

/* Returns 1 if addr is inside the active register file (after checking the
 * access is legal there), 0 for ordinary memory. */
static int regfile_check(uintptr_t a, unsigned width)
{
    uintptr_t base, end, off;
    if (!active)
        return 0;
    base = (uintptr_t)active->base;
    end = base + (uintptr_t)active->units * active->stride;
    if (a + width <= base || a >= end)
        return 0;
    off = a - base;
    if (width != active->width)
        fail_msg("register file: %u-byte access at +0x%lx, only %u-byte allowed", width,
                 (unsigned long)off, (unsigned)active->width);
    if (off % active->stride != 0)
        fail_msg("register file: access at +0x%lx is not on a %u-byte unit boundary",
                 (unsigned long)off, (unsigned)active->stride);
    if (a % width != 0)
        fail_msg("register file: misaligned %u-byte access at +0x%lx", width, (unsigned long)off);
    return 1;
}

uint32_t pram_test_hw_load(const volatile void *addr, unsigned width)
{
    uintptr_t a = (uintptr_t)addr;
    if (regfile_check(a, width))
        active->loads++;
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
    uintptr_t a = (uintptr_t)addr;
    if (regfile_check(a, width))
        active->stores++;
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
