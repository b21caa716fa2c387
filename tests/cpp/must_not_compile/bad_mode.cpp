// expect: pram_Cell_mode_must_be_PRAM_SINGLE_or_PRAM_AB_with_PRAM_ENABLE_AB
#include "pram/pram.hpp"

PRAM_NOINIT pram::Cell<uint32_t, 1, 3> c;
