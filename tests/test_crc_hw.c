/* The hardware-CRC hook: src/pram_crc16.c compiled with PRAM_CRC16_IMPL ==
 * PRAM_CRC_HW must route every pram_crc16() call through PRAM_CRC16_HW and
 * give the same results as the software variants.  The "peripheral" here is
 * a register-level model of a CRC unit with a programmable 16-bit
 * polynomial, fed one byte at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_support.h"

static struct {
    uint32_t poly, dr; /* POL and DR registers */
    unsigned calls;
} fake_crc_unit = {0x1021u, 0u, 0u};

static uint16_t fake_hw_crc16(uint16_t seed, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    fake_crc_unit.calls++;
    fake_crc_unit.dr = seed; /* INIT register write */
    while (len--) {
        unsigned bit;
        fake_crc_unit.dr ^= (uint32_t)*p++ << 8;
        for (bit = 0; bit < 8; bit++)
            fake_crc_unit.dr = ((fake_crc_unit.dr << 1) ^ ((fake_crc_unit.dr & 0x8000u) ? fake_crc_unit.poly : 0u)) & 0xFFFFu;
    }
    return (uint16_t)fake_crc_unit.dr;
}

/* Build the CRC unit as a firmware with a hardware CRC would: only the hook
 * path, under another name so the library's own pram_crc16 stays linked. */
#define PRAM_CRC16_IMPL 4 /* PRAM_CRC_HW */
#define PRAM_CRC16_HW(crc, data, len) fake_hw_crc16(crc, data, len)
#undef PRAM_CRC_ALL_VARIANTS
#define PRAM_CRC_ALL_VARIANTS 0
#define pram_crc16 hw_build_pram_crc16
#include "../src/pram_crc16.c"
#undef pram_crc16

static void hw_hook_is_used_and_agrees(void **state)
{
    static uint8_t buf[1024];
    uint64_t seed = 0x48570001u;
    size_t len;
    (void)state;
    assert_int_equal(PRAM_CRC16_IMPL, PRAM_CRC_HW);
    assert_int_equal(hw_build_pram_crc16(PRAM_CRC16_INIT, "123456789", 9), 0x29B1);
    test_fill_random(buf, sizeof buf, &seed);
    for (len = 0; len <= sizeof buf; len++) {
        unsigned before = fake_crc_unit.calls;
        uint16_t want = pram_crc16_bitwise(PRAM_CRC16_INIT, buf, len);
        assert_int_equal(hw_build_pram_crc16(PRAM_CRC16_INIT, buf, len), want);
        assert_int_equal(fake_crc_unit.calls, before + 1u);
        /* Incremental, as the library uses it: header then value. */
        if (len >= 6)
            assert_int_equal(hw_build_pram_crc16(hw_build_pram_crc16(PRAM_CRC16_INIT, buf, 6), buf + 6, len - 6), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(hw_hook_is_used_and_agrees)};
    return cmocka_run_group_tests_name("crc hardware hook", tests, NULL, NULL);
}
