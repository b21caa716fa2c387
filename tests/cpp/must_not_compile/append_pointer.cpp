// expect: pram_Buffer_takes_the_bytes_of_a_trivially_copyable_object_not_a_pointer
#include "pram/pram.hpp"

PRAM_BUF_DEFINE(log, 64, 1);

int f(const char *line)
{
    pram::Buffer b{log};
    return b.append(line); /* would store the pointer, not the line */
}
