// Integration consumer, Cortex-M, C++ (pram/pram.hpp), built with
// -fno-exceptions -fno-rtti: the boot counter of fw_main.c with pram::Cell.
// Only linked, never run: the test checks the ELF's placement and that no
// static constructor exists (the startup runs none, and none may touch
// .noinit).
#include <cstdint>

#include "pram/pram.hpp"

PRAM_NOINIT pram::Cell<uint32_t, /*schema*/ 1, PRAM_AB> counter;

volatile uint32_t fw_boots; // for a debugger

// From the linker script.
extern "C" uint32_t __data_lma[], __data_start[], __data_end[];
extern "C" uint32_t __bss_start[], __bss_end[], __stack_top[];

extern "C" void Reset_Handler(void);
static void run();

namespace {
struct Vectors {
    uint32_t* initial_sp;
    void (*reset)(void);
};
}

__attribute__((section(".vectors"), used)) static const Vectors vectors = {__stack_top, Reset_Handler};

extern "C" void Reset_Handler(void)
{
    volatile uint32_t* dst = __data_start; // volatile: no memcpy/memset calls
    const uint32_t* src = __data_lma;
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end;)
        *dst++ = 0u;
    run();
    for (;;) {
    }
}

static void run()
{
    if (!counter.is_valid()) {
        counter.set(1u);
    } else if (auto m = counter.mutator()) {
        *m += 1;
    }
    auto r = counter.get();
    fw_boots = r.ok() ? *r : 0u;
}
