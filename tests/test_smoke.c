#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "pram/pram.h"
#include "test_support.h"

typedef struct { uint32_t a; uint16_t b; uint8_t c; } small_t;
PRAM_CELL_DECLARE(sc, small_t);
PRAM_CELL_DEFINE(sc, 3, PRAM_AB);
PRAM_BUF_DEFINE(lg, 256, 1);

static void smoke(void **state)
{
    small_t v = {1, 2, 3}, o;
    int rc;
    (void)state;
    assert_int_equal(sc_get(&o), PRAM_ERR_INVALID);
    assert_int_equal(sc_set(&v), PRAM_OK);
    assert_int_equal(sc_get(&o), PRAM_OK);
    assert_int_equal(o.a, 1);
    PRAM_EDIT(sc, e, rc) { e.value->a = 42; }
    assert_int_equal(rc, PRAM_OK);
    assert_int_equal(sc_get(&o), PRAM_OK);
    assert_int_equal(o.a, 42);
    assert_int_equal(pram_buf_open(&lg), PRAM_BUF_COLD);
    assert_int_equal(pram_buf_append(&lg, "hello", 5), PRAM_OK);
    assert_int_equal(pram_buf_open(&lg), PRAM_BUF_INTACT);
    assert_int_equal(pram_buf_count(&lg), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(smoke)};
    return cmocka_run_group_tests_name("smoke", tests, NULL, NULL);
}
