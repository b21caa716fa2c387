/* The program around tests/cpp/size_c.c or size_cpp.cpp: calls each
 * function once, so that a -nostdlib --gc-sections link keeps exactly what
 * the cell calls need. */
#include <stdint.h>

int size_set_single(uint32_t v);
int size_get_single(uint32_t *out);
int size_set_ab(uint32_t v);
int size_get_ab(uint32_t *out);
int size_invalidate_ab(void);
int size_edit_ab(void);
int main(void);

volatile int size_sink;

int main(void)
{
    uint32_t v = 0u;
    size_sink = size_set_single(42u) + size_get_single(&v) + size_set_ab(v) + size_get_ab(&v) +
                size_invalidate_ab() + size_edit_ab();
    return 0;
}
