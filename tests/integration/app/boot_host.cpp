// Integration consumer, host, C++ (pram/pram.hpp): the boot counter of
// boot_host.c with pram::Cell.  FILE is the RAM that survives each run.
//
//   boot_host_cxx FILE              prints "boot N" (1 after a cold start)
//   boot_host_cxx FILE invalidate   invalidates the counter, prints "invalid"
#include <cstdio>
#include <cstring>

#include "pram/pram.hpp"
#include "pram/pram_host.h"

PRAM_NOINIT pram::Cell<uint32_t, /*schema*/ 1, PRAM_AB> counter;

int main(int argc, char** argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && std::strcmp(argv[2], "invalidate") != 0)) {
        std::fprintf(stderr, "usage: %s FILE [invalidate]\n", argv[0]);
        return 2;
    }
    void* ram = pram_host_map(argv[1], sizeof counter, nullptr);
    if (!ram) {
        std::perror(argv[1]);
        return 1;
    }
    std::memcpy(static_cast<void*>(&counter), ram, sizeof counter); // the RAM that survived

    bool ok = true;
    if (argc == 3) {
        counter.invalidate();
        ok = !counter.is_valid();
        if (ok)
            std::printf("invalid\n");
    } else {
        if (counter.is_valid()) {
            auto m = counter.mutator(); // an edit in place, committed at scope end
            if (m)
                *m += 1;
            else
                ok = false;
        } else {
            ok = counter.set(1u) == PRAM_OK;
        }
        auto r = counter.get();
        ok = ok && r.ok();
        if (ok)
            std::printf("boot %u\n", unsigned(*r));
    }

    std::memcpy(ram, static_cast<const void*>(&counter), sizeof counter);
    if (pram_host_unmap(ram, sizeof counter) != 0 || !ok) {
        std::fprintf(stderr, "boot_host_cxx: failed\n");
        return 1;
    }
    return 0;
}
