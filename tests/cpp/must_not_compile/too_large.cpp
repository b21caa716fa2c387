// expect: pram_Cell_type_exceeds_PRAM_CELL_MAX_SIZE
#include "pram/pram.hpp"

struct Big {
    uint8_t b[PRAM_CELL_MAX_SIZE + 1u];
};
PRAM_NOINIT pram::Cell<Big, 1, PRAM_SINGLE> c;
