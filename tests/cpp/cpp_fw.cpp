/* A Cortex-M firmware translation unit using pram.hpp (Cell, Mutator,
 * Buffer, range-for over records) and the C macros (a C-style cell, a ring
 * buffer, the fault handlers), linked by make test-cpp with the Cortex-M4
 * core library and nothing else: -nostdlib -nostartfiles, no libc, no
 * libstdc++, no libgcc.  The link fails on any symbol they would bring
 * (memcpy, memset, __cxa_*, __aeabi_*); make test-cpp then checks that no
 * static constructor exists (.init_array) and the cells are NOBITS. */
#include "pram/pram.hpp"
#include "pram/pram_fault.h"

namespace {

struct BootInfo {
    uint32_t boots;
    uint32_t last_pc;
};
struct Stamp {
    uint64_t ticks;
    uint16_t id;
};

} /* namespace */

/* Placed and migrated like a C container (pram_migrate.h). */
PRAM_CONTAINER_STORAGE(boot) pram::Cell<BootInfo, 1, PRAM_AB> boot;
PRAM_CONTAINER_ENTRY(boot, boot);
PRAM_NOINIT pram::Cell<Stamp, 2, PRAM_SINGLE> stamp;
PRAM_CELL_DECLARE(c_count, uint32_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(c_count);
PRAM_BUF_DEFINE_RING(fw_log, 256, 1);
PRAM_FAULT_HANDLERS();

volatile uint32_t fw_sink;

extern "C" int main();

int main()
{
    if (pram_migrate(nullptr) < 0)
        return 1;
    BootInfo bi = boot.get().value_or(BootInfo{0u, 0u});
    bi.boots++;
    (void)boot.set(bi);
    if (auto m = boot.mutator())
        m->last_pc = 0x1234u;
    {
        auto z = stamp.mutator_zeroed();
        if (z)
            z->ticks = 99u;
        else
            (void)z.abort();
    }
    if (!stamp.is_valid())
        (void)stamp.invalidate();
    pram_cell_t d = boot.descriptor();
    fw_sink = uint32_t(pram_cell_status(&d));
    {
        pram::Mutator<uint32_t> m(c_count, PRAM_EDIT_ZERO);
        if (m)
            *m = bi.boots;
    }

    pram::Buffer log{fw_log};
    if (log.open() >= 0) {
        (void)log.append(bi);
        (void)log.begin_record();
        (void)log.write("boot ", 5);
        (void)log.write(bi.boots);
        (void)log.commit();
        auto recs = log.records();
        for (const pram_record_t& r : recs)
            fw_sink = fw_sink + r.len;
        fw_sink = fw_sink + uint32_t(recs.error()) + uint32_t(log.count());
    }
    return 0;
}
