/* CRC-16/CCITT-FALSE and CRC-32/ISO-HDLC: every variant against independent
 * oracles.
 *
 * Oracles (nothing here is a value captured from pram's own code):
 *   CRC-16: Python's binascii.crc_hqx(data, 0xFFFF) (CRC-16/CCITT-FALSE), the
 *           catalogue check value 0x29B1 and Pigweed's pw_checksum vector; and
 *           the algebraic residue property of a non-reflected CRC without
 *           final XOR: crc(data || crc(data) big-endian) == 0.
 *   CRC-32: zlib's crc32(), linked in (-lz), and the check value 0xCBF43926.
 *
 * Random data comes from test_fill_random() (xorshift64*, tests/support).
 * The Python constants below replay that PRNG; the script that produced them
 * is the ORACLE SCRIPT comment at the end of this file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "pram/pram.h"
#include "test_support.h"

#define MAX_LEN 1024u

typedef uint16_t (*crc16_fn)(uint16_t, const void *, size_t);
typedef uint32_t (*crc32_fn)(uint32_t, const void *, size_t);

static const struct {
    const char *name;
    crc16_fn fn;
} crc16_variants[] = {
    {"pram_crc16_bitwise", pram_crc16_bitwise},
    {"pram_crc16_nibble", pram_crc16_nibble},
    {"pram_crc16_byte", pram_crc16_byte},
    {"pram_crc16", pram_crc16},
};

static const struct {
    const char *name;
    crc32_fn fn;
} crc32_variants[] = {
    {"pram_crc32_bitwise", pram_crc32_bitwise},
    {"pram_crc32_nibble", pram_crc32_nibble},
    {"pram_crc32_byte", pram_crc32_byte},
    {"pram_crc32", pram_crc32},
};

#define N16 (sizeof(crc16_variants) / sizeof(crc16_variants[0]))
#define N32 (sizeof(crc32_variants) / sizeof(crc32_variants[0]))

static uint8_t buf[MAX_LEN + 2u];

/* ---- Known vectors ---------------------------------------------------------- */

/* Values from Python (an implementation independent of pram):
 *   python3 -c "import binascii,zlib; d=<data>; print(hex(binascii.crc_hqx(d,0xFFFF)), hex(zlib.crc32(d)))"
 * e.g. d=b'123456789' -> 0x29b1 0xcbf43926.  The CRC-32 column is checked
 * against zlib at run time as well. */
typedef struct {
    const char *label;
    const uint8_t *data;
    size_t len;
    uint16_t crc16;
    uint32_t crc32;
} vector_t;

static const uint8_t v_digits[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
static const uint8_t v_pigweed[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t v_A[] = {'A'};
static const uint8_t v_00[] = {0x00};
static const uint8_t v_ff[] = {0xFF};
static const uint8_t v_00x4[] = {0x00, 0x00, 0x00, 0x00};
static const uint8_t v_ffx4[] = {0xFF, 0xFF, 0xFF, 0xFF};
static const char v_fox[] = "The quick brown fox jumps over the lazy dog";
static const uint8_t v_pram[] = {'p', 'r', 'a', 'm'};
static uint8_t v_0_255[256]; /* bytes(range(256)), filled in setup */

static const vector_t *vectors(size_t *n)
{
    static vector_t v[11];
    size_t i;
    for (i = 0; i < sizeof(v_0_255); i++)
        v_0_255[i] = (uint8_t)i;
    /* b'' -> crc_hqx 0xffff (the init value), zlib 0x0 */
    v[0] = (vector_t){"empty", v_digits, 0, 0xFFFFu, 0x00000000u};
    /* b'123456789' : CRC catalogue check values */
    v[1] = (vector_t){"123456789", v_digits, 9, 0x29B1u, 0xCBF43926u};
    /* bytes(range(1,10)) : pw_checksum Crc16Ccitt test vector 0x3B0A */
    v[2] = (vector_t){"bytes 1..9 (pigweed)", v_pigweed, 9, 0x3B0Au, 0x40EFAB9Eu};
    /* b'A' */
    v[3] = (vector_t){"A", v_A, 1, 0xB915u, 0xD3D99E8Bu};
    /* b'\x00' */
    v[4] = (vector_t){"00", v_00, 1, 0xE1F0u, 0xD202EF8Du};
    /* b'\xff' */
    v[5] = (vector_t){"ff", v_ff, 1, 0xFF00u, 0xFF000000u};
    /* b'\x00'*4 */
    v[6] = (vector_t){"00 x4", v_00x4, 4, 0x84C0u, 0x2144DF1Cu};
    /* b'\xff'*4 */
    v[7] = (vector_t){"ff x4", v_ffx4, 4, 0x1D0Fu, 0xFFFFFFFFu};
    /* b'The quick brown fox jumps over the lazy dog' */
    v[8] = (vector_t){"fox", (const uint8_t *)v_fox, sizeof(v_fox) - 1u, 0x8FDDu, 0x414FA339u};
    /* bytes(range(256)) */
    v[9] = (vector_t){"bytes 0..255", v_0_255, 256, 0x3FBDu, 0x29058C73u};
    /* b'pram' */
    v[10] = (vector_t){"pram", v_pram, 4, 0xF5CDu, 0x52EB84BDu};
    *n = sizeof(v) / sizeof(v[0]);
    return v;
}

static void crc16_known_vectors(void **state)
{
    size_t n, i, k;
    const vector_t *v = vectors(&n);
    (void)state;
    assert_int_equal(PRAM_CRC16_INIT, 0xFFFF);
    for (i = 0; i < n; i++) {
        for (k = 0; k < N16; k++) {
            uint16_t got = crc16_variants[k].fn(PRAM_CRC16_INIT, v[i].data, v[i].len);
            if (got != v[i].crc16)
                print_error("%s(\"%s\") = 0x%04X, expected 0x%04X\n", crc16_variants[k].name,
                            v[i].label, got, v[i].crc16);
            assert_int_equal(got, v[i].crc16);
        }
    }
}

static void crc32_known_vectors(void **state)
{
    size_t n, i, k;
    const vector_t *v = vectors(&n);
    (void)state;
    for (i = 0; i < n; i++) {
        uint32_t z = (uint32_t)crc32(0L, v[i].data, (uInt)v[i].len);
        /* the pasted constant and zlib agree: guards the table above */
        assert_int_equal(z, v[i].crc32);
        for (k = 0; k < N32; k++) {
            uint32_t got = crc32_variants[k].fn(0u, v[i].data, v[i].len);
            if (got != z)
                print_error("%s(\"%s\") = 0x%08" PRIX32 ", zlib 0x%08" PRIX32 "\n",
                            crc32_variants[k].name, v[i].label, got, z);
            assert_int_equal(got, z);
        }
    }
}

/* A zero-length call returns the seed unchanged, whatever the seed. */
static void empty_input_returns_seed(void **state)
{
    static const uint16_t seeds16[] = {0x0000u, 0x0001u, 0x29B1u, 0x8000u, 0xFFFFu};
    static const uint32_t seeds32[] = {0u, 1u, 0xCBF43926u, 0x80000000u, 0xFFFFFFFFu};
    size_t i, k;
    (void)state;
    for (i = 0; i < sizeof(seeds16) / sizeof(seeds16[0]); i++)
        for (k = 0; k < N16; k++)
            assert_int_equal(crc16_variants[k].fn(seeds16[i], v_digits, 0), seeds16[i]);
    for (i = 0; i < sizeof(seeds32) / sizeof(seeds32[0]); i++) {
        /* zlib agrees that an empty continuation is the identity */
        assert_int_equal((uint32_t)crc32(seeds32[i], v_digits, 0), seeds32[i]);
        for (k = 0; k < N32; k++)
            assert_int_equal(crc32_variants[k].fn(seeds32[i], v_digits, 0), seeds32[i]);
    }
}

/* ---- CRC-16: every variant, every length 0..1024 -------------------------- */

/* Python, replaying test_fill_random from seed SEED_VARIANTS with one fresh
 * buffer of each length L = 0..1024 (see ORACLE SCRIPT below):
 *   DIGEST16 = zlib.crc32(b''.join(crc_hqx(buf_L, 0xFFFF).to_bytes(2,'big') for L))
 * and a few of the individual crc_hqx values, for a precise failure message. */
#define SEED_VARIANTS 0x5EED00000000C016ull
#define DIGEST16 0xDB8B6617u
static const struct {
    uint32_t len;
    uint16_t crc;
} spot16[] = {
    {0, 0xFFFFu},   {1, 0x2A8Du},   {2, 0x6542u},    {3, 0xBAF6u},    {4, 0xBE43u},
    {5, 0x4FB7u},   {8, 0x977Cu},   {16, 0x51A4u},   {17, 0x6723u},   {255, 0x49CCu},
    {256, 0x340Au}, {1023, 0xF3C2u}, {1024, 0xAF84u},
};

static void crc16_variants_agree_every_length(void **state)
{
    static uint8_t digest[2u * (MAX_LEN + 1u)];
    uint64_t seed = SEED_VARIANTS;
    uint32_t len;
    size_t k, s = 0;
    (void)state;
    print_message("crc16 variants: seed 0x%016" PRIX64 ", lengths 0..%u\n", (uint64_t)SEED_VARIANTS,
                  MAX_LEN);
    for (len = 0; len <= MAX_LEN; len++) {
        uint16_t ref, c;
        test_fill_random(buf, len, &seed);
        ref = pram_crc16_bitwise(PRAM_CRC16_INIT, buf, len);
        for (k = 0; k < N16; k++) {
            c = crc16_variants[k].fn(PRAM_CRC16_INIT, buf, len);
            if (c != ref)
                print_error("len %" PRIu32 ": %s 0x%04X != bitwise 0x%04X\n", len, crc16_variants[k].name,
                            c, ref);
            assert_int_equal(c, ref);
            /* Residue: appending the CRC (big-endian) divides out exactly. */
            buf[len] = (uint8_t)(c >> 8);
            buf[len + 1u] = (uint8_t)c;
            c = crc16_variants[k].fn(PRAM_CRC16_INIT, buf, len + 2u);
            if (c != 0u)
                print_error("len %" PRIu32 ": %s residue 0x%04X != 0\n", len, crc16_variants[k].name, c);
            assert_int_equal(c, 0);
        }
        if (s < sizeof(spot16) / sizeof(spot16[0]) && spot16[s].len == len) {
            if (ref != spot16[s].crc)
                print_error("len %" PRIu32 ": crc 0x%04X, python crc_hqx 0x%04X\n", len, ref, spot16[s].crc);
            assert_int_equal(ref, spot16[s].crc);
            s++;
        }
        digest[2u * len] = (uint8_t)(ref >> 8);
        digest[2u * len + 1u] = (uint8_t)ref;
    }
    assert_int_equal(s, sizeof(spot16) / sizeof(spot16[0]));
    /* All 1025 CRCs against Python's at once. */
    assert_int_equal((uint32_t)crc32(0L, digest, (uInt)sizeof(digest)), DIGEST16);
}

/* ---- CRC-32: every variant against zlib, every length 0..1024 ------------- */

#define SEED_CRC32 0x5EED00000000C032ull

static void crc32_variants_match_zlib_every_length(void **state)
{
    uint64_t seed = SEED_CRC32;
    uint32_t len;
    size_t k;
    (void)state;
    print_message("crc32 variants: seed 0x%016" PRIX64 ", lengths 0..%u\n", (uint64_t)SEED_CRC32,
                  MAX_LEN);
    for (len = 0; len <= MAX_LEN; len++) {
        uint32_t z;
        test_fill_random(buf, len, &seed);
        z = (uint32_t)crc32(0L, buf, (uInt)len);
        for (k = 0; k < N32; k++) {
            uint32_t c = crc32_variants[k].fn(0u, buf, len);
            if (c != z)
                print_error("len %" PRIu32 ": %s 0x%08" PRIX32 " != zlib 0x%08" PRIX32 "\n", len,
                            crc32_variants[k].name, c, z);
            assert_int_equal(c, z);
        }
    }
}

/* ---- Incremental: split at every point -------------------------------------- */

/* Python, replaying test_fill_random(buf, 1024, seed=SEED_INCR):
 *   binascii.crc_hqx(buf, 0xFFFF) == INCR16, zlib.crc32(buf) == INCR32 */
#define SEED_INCR 0x5EED00000000A11Cull
#define INCR16 0xA58Fu
#define INCR32 0x550104F9u

static void crc16_incremental_every_split(void **state)
{
    uint64_t seed = SEED_INCR;
    size_t n, i, k, j, split;
    const vector_t *v = vectors(&n);
    (void)state;
    print_message("crc16 incremental: seed 0x%016" PRIX64 "\n", (uint64_t)SEED_INCR);
    test_fill_random(buf, MAX_LEN, &seed);
    for (k = 0; k < N16; k++) {
        crc16_fn f = crc16_variants[k].fn;
        for (split = 0; split <= MAX_LEN; split++) {
            uint16_t c = f(f(PRAM_CRC16_INIT, buf, split), buf + split, MAX_LEN - split);
            if (c != INCR16)
                print_error("%s split %zu: 0x%04X, python 0x%04X\n", crc16_variants[k].name, split,
                            c, INCR16);
            assert_int_equal(c, INCR16);
        }
        /* The known vectors too, in pieces. */
        for (i = 0; i < n; i++)
            for (split = 0; split <= v[i].len; split++)
                assert_int_equal(f(f(PRAM_CRC16_INIT, v[i].data, split), v[i].data + split,
                                   v[i].len - split),
                                 v[i].crc16);
        /* Byte by byte. */
        {
            uint16_t c = PRAM_CRC16_INIT;
            for (split = 0; split < MAX_LEN; split++)
                c = f(c, buf + split, 1);
            assert_int_equal(c, INCR16);
        }
    }
    /* Mixed variants: the state is just the CRC value, so continuing with
     * another variant must give the same result. */
    for (k = 0; k < N16; k++)
        for (j = 0; j < N16; j++)
            for (split = 0; split <= MAX_LEN; split += 37)
                assert_int_equal(crc16_variants[j].fn(crc16_variants[k].fn(PRAM_CRC16_INIT, buf,
                                                                            split),
                                                      buf + split, MAX_LEN - split),
                                 INCR16);
}

static void crc32_incremental_every_split(void **state)
{
    uint64_t seed = SEED_INCR;
    size_t k, j, split;
    (void)state;
    print_message("crc32 incremental: seed 0x%016" PRIX64 "\n", (uint64_t)SEED_INCR);
    test_fill_random(buf, MAX_LEN, &seed);
    assert_int_equal((uint32_t)crc32(0L, buf, MAX_LEN), INCR32);
    for (split = 0; split <= MAX_LEN; split++) {
        /* zlib's own seeding: crc32(crc32(0, a), b) == crc32(0, a + b) */
        uint32_t za = (uint32_t)crc32(0L, buf, (uInt)split);
        uint32_t zab = (uint32_t)crc32(za, buf + split, (uInt)(MAX_LEN - split));
        assert_int_equal(zab, INCR32);
        for (k = 0; k < N32; k++) {
            crc32_fn f = crc32_variants[k].fn;
            uint32_t a = f(0u, buf, split);
            uint32_t ab = f(a, buf + split, MAX_LEN - split);
            /* the intermediate value is zlib's, so it can be handed to zlib */
            assert_int_equal(a, za);
            if (ab != INCR32)
                print_error("%s split %zu: 0x%08" PRIX32 ", zlib 0x%08" PRIX32 "\n",
                            crc32_variants[k].name, split, ab, (uint32_t)INCR32);
            assert_int_equal(ab, INCR32);
            /* continue zlib's state with ours and ours with zlib's */
            assert_int_equal(f(za, buf + split, MAX_LEN - split), INCR32);
            assert_int_equal((uint32_t)crc32(a, buf + split, (uInt)(MAX_LEN - split)), INCR32);
        }
    }
    for (k = 0; k < N32; k++) {
        uint32_t c = 0u;
        for (split = 0; split < MAX_LEN; split++)
            c = crc32_variants[k].fn(c, buf + split, 1);
        assert_int_equal(c, INCR32);
        for (j = 0; j < N32; j++)
            for (split = 0; split <= MAX_LEN; split += 37)
                assert_int_equal(crc32_variants[j].fn(crc32_variants[k].fn(0u, buf, split),
                                                      buf + split, MAX_LEN - split),
                                 INCR32);
    }
}

/* Continuing from arbitrary seeds matches zlib too (not just from 0). */
static void crc32_arbitrary_seeds_match_zlib(void **state)
{
    uint64_t seed = 0x5EED0000000055EDull;
    int i;
    size_t k;
    (void)state;
    for (i = 0; i < 200; i++) {
        uint32_t s32 = (uint32_t)test_rand(&seed);
        uint32_t len = (uint32_t)(test_rand(&seed) % 64u);
        uint32_t z;
        test_fill_random(buf, len, &seed);
        z = (uint32_t)crc32(s32, buf, (uInt)len);
        for (k = 0; k < N32; k++)
            assert_int_equal(crc32_variants[k].fn(s32, buf, len), z);
    }
}

/* Misaligned data: every variant is byte-wise, check it at each start offset. */
static void crc_unaligned_start(void **state)
{
    static uint8_t big[MAX_LEN + 8u];
    size_t off, k;
    size_t n;
    const vector_t *v = vectors(&n);
    (void)state;
    for (off = 0; off < 8u; off++) {
        memcpy(big + off, v[1].data, v[1].len);
        for (k = 0; k < N16; k++)
            assert_int_equal(crc16_variants[k].fn(PRAM_CRC16_INIT, big + off, v[1].len), 0x29B1u);
        for (k = 0; k < N32; k++)
            assert_int_equal(crc32_variants[k].fn(0u, big + off, v[1].len), 0xCBF43926u);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc16_known_vectors),
        cmocka_unit_test(crc32_known_vectors),
        cmocka_unit_test(empty_input_returns_seed),
        cmocka_unit_test(crc16_variants_agree_every_length),
        cmocka_unit_test(crc32_variants_match_zlib_every_length),
        cmocka_unit_test(crc16_incremental_every_split),
        cmocka_unit_test(crc32_incremental_every_split),
        cmocka_unit_test(crc32_arbitrary_seeds_match_zlib),
        cmocka_unit_test(crc_unaligned_start),
    };
    return cmocka_run_group_tests_name("crc", tests, NULL, NULL);
}

/* ORACLE SCRIPT (python3; produced DIGEST16, spot16, INCR16, INCR32):
 *
 *   import binascii, zlib
 *   M = (1 << 64) - 1
 *   def rnd(s):                        # tests/support test_rand, xorshift64*
 *       x = s if s else 0x9E3779B97F4A7C15
 *       x ^= x >> 12; x ^= (x << 25) & M; x ^= x >> 27
 *       return x, (x * 0x2545F4914F6CDD1D) & M
 *   def fill(n, s):                    # test_fill_random: top byte of each draw
 *       out = bytearray()
 *       for _ in range(n):
 *           s, r = rnd(s); out.append(r >> 56)
 *       return bytes(out), s
 *   s = 0x5EED00000000C016; dig = bytearray()
 *   for L in range(1025):
 *       b, s = fill(L, s); c = binascii.crc_hqx(b, 0xFFFF)
 *       dig += c.to_bytes(2, 'big')
 *       if L in (0,1,2,3,4,5,8,16,17,255,256,1023,1024): print(L, hex(c))
 *   print(hex(zlib.crc32(bytes(dig))))                     # DIGEST16
 *   b, _ = fill(1024, 0x5EED00000000A11C)
 *   print(hex(binascii.crc_hqx(b, 0xFFFF)), hex(zlib.crc32(b)))   # INCR16, INCR32
 */
