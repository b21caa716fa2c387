/* make test-cpp's size comparison, the C++ side (tests/cpp/size_c.c). */
#include "pram/pram.hpp"

PRAM_NOINIT pram::Cell<uint32_t, 1, PRAM_SINGLE> sz_single;
PRAM_NOINIT pram::Cell<uint32_t, 1, PRAM_AB> sz_ab;

extern "C" {
int size_set_single(uint32_t v);
int size_get_single(uint32_t *out);
int size_set_ab(uint32_t v);
int size_get_ab(uint32_t *out);
int size_invalidate_ab(void);
int size_edit_ab(void);
}

int size_set_single(uint32_t v) { return sz_single.set(v); }
int size_get_single(uint32_t *out) { return sz_single.get(*out); }
int size_set_ab(uint32_t v) { return sz_ab.set(v); }
int size_get_ab(uint32_t *out) { return sz_ab.get(*out); }
int size_invalidate_ab(void) { return sz_ab.invalidate(); }
int size_edit_ab(void)
{
    auto m = sz_ab.mutator();
    if (m)
        *m += 1u;
    return m.commit();
}
