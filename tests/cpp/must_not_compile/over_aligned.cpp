// expect: pram_Cell_type_alignment_over_8_is_not_supported
#include "pram/pram.hpp"

struct alignas(16) Wide {
    uint32_t w[4];
};
PRAM_NOINIT pram::Cell<Wide, 1, PRAM_AB> c;
