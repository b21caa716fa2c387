// expect: big_exceeds_PRAM_CELL_MAX_SIZE
// std: c++11
#include "pram/pram.h"

/* The C macros' checks are static_assert in C++ too. */
typedef struct {
    uint8_t b[PRAM_CELL_MAX_SIZE + 4u];
} big_t;
PRAM_CELL_DECLARE(big, big_t, 1, PRAM_SINGLE);
