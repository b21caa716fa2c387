/* The vector table and entry of the reboot and fault size programs
 * (tests/size/size_reboot.c), linked into them and into their baseline
 * alike, so that what they add is the library's code and not the table:
 * a firmware has one anyway.  The fault entries start as weak defaults (an
 * endless loop, as a CMSIS startup file gives them); PRAM_FAULT_HANDLERS()
 * in a program overrides them.  Not meant to run. */
#include <stdint.h>

int main(void);
void size_start(void);
void size_default_handler(void);
void NMI_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void SecureFault_Handler(void);

void size_default_handler(void)
{
    for (;;) {
    }
}

#define SIZE_WEAK_DEFAULT __attribute__((weak, alias("size_default_handler")))
void NMI_Handler(void) SIZE_WEAK_DEFAULT;
void HardFault_Handler(void) SIZE_WEAK_DEFAULT;
void MemManage_Handler(void) SIZE_WEAK_DEFAULT;
void BusFault_Handler(void) SIZE_WEAK_DEFAULT;
void UsageFault_Handler(void) SIZE_WEAK_DEFAULT;
void SecureFault_Handler(void) SIZE_WEAK_DEFAULT;

typedef void (*size_vector_t)(void);
/* Entry 0 (the initial stack pointer) left 0: nothing runs. */
static size_vector_t const size_vectors[8] = {
    0, size_start, NMI_Handler, HardFault_Handler, MemManage_Handler, BusFault_Handler,
    UsageFault_Handler, SecureFault_Handler,
};

volatile uintptr_t size_vector_sink;

/* Entry point (linked with -e size_start, no startup files).  It refers to
 * the table so that --gc-sections keeps it, as a linker script's KEEP
 * would in a firmware. */
void size_start(void)
{
    size_vector_sink = (uintptr_t)size_vectors;
    (void)main();
    for (;;) {
    }
}
