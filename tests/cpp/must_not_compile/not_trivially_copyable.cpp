// expect: pram_Cell_type_must_be_trivially_copyable
#include "pram/pram.hpp"

struct Counted {
    Counted() = default;
    Counted(const Counted &o) : n(o.n + 1u) {}
    uint32_t n;
};
PRAM_NOINIT pram::Cell<Counted, 1, PRAM_AB> c;
