/* Integration consumer, Cortex-M: a boot counter in a pram cell in .noinit,
 * with the smallest startup there is (vector table, .data/.bss set-up, main).
 * Only linked, never run: the test checks the ELF's placement. */
#include <stdint.h>

#include "pram/pram.h"

#if defined(CONSUMER_EXPECT_CRITICAL) && PRAM_CRITICAL != CONSUMER_EXPECT_CRITICAL
#  error "pram's options did not reach this consumer (PRAM_CRITICAL)"
#endif

PRAM_CELL_DECLARE(boots, uint32_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(boots);

volatile uint32_t fw_boots; /* for a debugger */

/* From the linker script. */
extern uint32_t __data_lma[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[], __stack_top[];

void Reset_Handler(void);
int main(void);

typedef struct {
    uint32_t *initial_sp;
    void (*reset)(void);
} vectors_t;

__attribute__((section(".vectors"), used)) static const vectors_t vectors = {__stack_top, Reset_Handler};

void Reset_Handler(void)
{
    volatile uint32_t *dst = __data_start; /* volatile: no memcpy/memset calls */
    const uint32_t *src = __data_lma;
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end;)
        *dst++ = 0u;
    /* .noinit (between __pram_noinit_start and __pram_noinit_end) is left alone. */
    (void)main();
    for (;;) {
    }
}

int main(void)
{
    uint32_t n;
    if (boots_get(&n) != PRAM_OK)
        n = 0u;
    n++;
    (void)boots_set(&n);
    fw_boots = n;
    return 0;
}
