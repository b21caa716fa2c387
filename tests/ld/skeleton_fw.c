/* Links through ld/cortex_m.ld the way a new user's firmware would: with the
 * toolchain's startup files and newlib (SKELETON_CRT0) or without them. */
#include <stdint.h>

#include "pram/pram.h"

typedef struct { uint32_t boots; } boots_t;
PRAM_CELL_DECLARE(boots, boots_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(boots);
PRAM_BUF_DEFINE_RING(trace, 256, 1);

extern uint32_t __stack_top[];
extern uint32_t __data_lma[], __data_start[], __data_end[], __bss_start[], __bss_end[];
int main(void);
void Reset_Handler(void);

typedef void (*handler_t)(void);
typedef struct { uint32_t *sp; handler_t reset; } vectors_t;
__attribute__((section(".vectors"), used)) static const vectors_t vectors = { __stack_top, Reset_Handler };

#ifdef SKELETON_CRT0
#include <stdio.h>
void _start(void);
static int constructed;
__attribute__((constructor)) static void construct(void) { constructed = 1; }
#endif

void Reset_Handler(void)
{
    uint32_t *s = __data_lma, *d = __data_start;
    while (d < __data_end)
        *d++ = *s++;
#ifdef SKELETON_CRT0
    _start(); /* zeroes .bss, runs constructors, calls main, exit */
#else
    for (d = __bss_start; d < __bss_end; d++)
        *d = 0;
    (void)main();
#endif
    for (;;) {
    }
}

int main(void)
{
    boots_t b;
    if (boots_get(&b) != PRAM_OK)
        b.boots = 0;
    b.boots++;
    (void)boots_set(&b);
    (void)pram_buf_open(&trace);
    (void)pram_buf_append(&trace, &b, sizeof b);
#ifdef SKELETON_CRT0
    printf("boot %lu %d\n", (unsigned long)b.boots, constructed);
#endif
    return 0;
}
