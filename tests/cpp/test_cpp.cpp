/* The C++ interface (pram/pram.hpp) against the C one: a pram::Cell is the
 * same bytes as a C cell of its type, schema and mode after the same calls,
 * each side reads what the other wrote, and Cell, Mutator and Buffer behave
 * as their C counterparts (docs/cpp.md).  Plain memory, no test hooks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
extern "C" { /* this cmocka.h has no guard of its own */
#include <cmocka.h>
}
#include <string.h>

#include "pram/pram.hpp"
#include "c_cells.h"
#include "cpp_macros.h"

namespace {

using U32 = pram::Cell<cc_u32_t, 3, PRAM_SINGLE>;
using U32ab = pram::Cell<cc_u32_t, 3, PRAM_AB>;
using Al8 = pram::Cell<cc_al8_t, 0x8005, PRAM_SINGLE>;
using Al8ab = pram::Cell<cc_al8_t, 0x8005, PRAM_AB>;

/* The cells as a firmware places them. */
PRAM_NOINIT U32 x_u32;
PRAM_NOINIT U32ab x_u32ab;
PRAM_NOINIT Al8 x_al8;
PRAM_NOINIT Al8ab x_al8ab;

static_assert(std::is_trivially_default_constructible<U32ab>::value, "no constructor runs");
static_assert(std::is_trivially_destructible<Al8ab>::value, "no destructor runs");
static_assert(sizeof(U32) == sizeof(c_u32_storage_t) && alignof(U32) == alignof(c_u32_storage_t), "");
static_assert(sizeof(U32ab) == sizeof(c_u32ab_storage_t) && alignof(U32ab) == alignof(c_u32ab_storage_t), "");
static_assert(sizeof(Al8) == sizeof(c_al8_storage_t) && alignof(Al8) == alignof(c_al8_storage_t), "");
static_assert(sizeof(Al8ab) == sizeof(c_al8ab_storage_t) && alignof(Al8ab) == alignof(c_al8ab_storage_t), "");
static_assert(U32::value_offset == 12u && Al8::value_offset == 16u, "");

void wipe(void *p, size_t n, uint8_t byte)
{
    memset(p, byte, n);
}
template <typename C>
void wipe(C &cell, uint8_t byte = 0u)
{
    wipe(static_cast<void *>(&cell), sizeof cell, byte);
}

int setup(void **)
{
    wipe(x_u32);
    wipe(x_u32ab);
    wipe(x_al8);
    wipe(x_al8ab);
    wipe(&c_u32__storage, sizeof c_u32__storage, 0u);
    wipe(&c_u32ab__storage, sizeof c_u32ab__storage, 0u);
    wipe(&c_al8__storage, sizeof c_al8__storage, 0u);
    wipe(&c_al8ab__storage, sizeof c_al8ab__storage, 0u);
    return 0;
}

cc_u32_t u32(uint32_t v)
{
    cc_u32_t x;
    x.v = v;
    return x;
}
/* Padding zeroed, so that byte comparisons see only the fields. */
cc_al8_t al8(uint8_t tag, uint64_t u, uint16_t w)
{
    cc_al8_t x;
    memset(&x, 0, sizeof x);
    x.tag = tag;
    x.u = u;
    x.w = w;
    return x;
}

template <typename C>
void expect_nothing(const C &cell, int err)
{
    typename C::value_type out;
    memset(&out, 0x5A, sizeof out);
    assert_int_equal(cell.status(), err);
    assert_false(cell.is_valid());
    auto r = cell.get();
    assert_false(r.ok());
    assert_false(static_cast<bool>(r));
    assert_int_equal(r.error(), err);
    assert_int_equal(cell.get(out), err);
    const uint8_t *b = reinterpret_cast<const uint8_t *>(&out); /* untouched */
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(b[i], 0x5A);
}

/* ---- Cell ------------------------------------------------------------------ */

void zeroed_and_garbage_read_invalid(void **)
{
    expect_nothing(x_u32, PRAM_ERR_INVALID);
    expect_nothing(x_u32ab, PRAM_ERR_INVALID);
    expect_nothing(x_al8, PRAM_ERR_INVALID);
    expect_nothing(x_al8ab, PRAM_ERR_INVALID);
    uint32_t seed = 12345u;
    for (int round = 0; round < 64; round++) {
        uint8_t *p = reinterpret_cast<uint8_t *>(&x_al8ab);
        for (size_t i = 0; i < sizeof x_al8ab; i++) {
            seed = seed * 1103515245u + 12345u;
            p[i] = static_cast<uint8_t>(seed >> 16);
        }
        expect_nothing(x_al8ab, PRAM_ERR_INVALID);
        wipe(x_u32, static_cast<uint8_t>(round * 4 + 1));
        expect_nothing(x_u32, PRAM_ERR_INVALID);
    }
}

void set_get_roundtrip(void **)
{
    for (uint32_t v = 1u; v < 5u; v++) {
        assert_int_equal(x_u32.set(u32(v)), PRAM_OK);
        assert_int_equal(x_u32ab.set(u32(v * 10u)), PRAM_OK);
        assert_int_equal(x_al8.set(al8(static_cast<uint8_t>(v), 0x1122334455667788ull + v, 7u)), PRAM_OK);
        assert_int_equal(x_al8ab.set(al8(9u, v, static_cast<uint16_t>(v))), PRAM_OK);
        auto a = x_u32.get();
        assert_true(a.ok());
        assert_int_equal(a.error(), PRAM_OK);
        assert_int_equal(a->v, v);
        assert_int_equal((*a).v, v);
        assert_int_equal(a.value().v, v);
        assert_int_equal(x_u32ab.get().value_or(u32(0u)).v, v * 10u);
        cc_al8_t w;
        assert_int_equal(x_al8.get(w), PRAM_OK);
        assert_true(w.tag == v && w.u == 0x1122334455667788ull + v && w.w == 7u);
        auto b = x_al8ab.get();
        assert_true(b && b->u == v && b->w == v && b->tag == 9u);
        assert_true(x_u32.is_valid() && x_u32ab.is_valid() && x_al8.is_valid() && x_al8ab.is_valid());
    }
    x_u32.invalidate();
    assert_int_equal(x_u32.get().value_or(u32(77u)).v, 77u);
}

/* The same calls on a C cell and a C++ cell leave the same bytes. */
template <typename C, typename V>
void same_bytes_case(C &cell, void *c_storage, int (*c_set)(const V *), int (*c_get)(V *), const V *vals,
                     int n)
{
    for (int i = 0; i < n; i++) {
        assert_int_equal(cell.set(vals[i]), PRAM_OK);
        assert_int_equal(c_set(&vals[i]), PRAM_OK);
        assert_memory_equal(&cell, c_storage, sizeof cell);
        V out;
        assert_int_equal(c_get(&out), PRAM_OK);
        assert_memory_equal(&out, &vals[i], sizeof out);
    }
    assert_int_equal(cell.invalidate(), PRAM_OK);
    assert_memory_not_equal(&cell, c_storage, sizeof cell); /* C's still holds its value */
}

void same_bytes_as_c(void **)
{
    const cc_u32_t uv[] = {u32(1u), u32(0xDEADBEEFu), u32(0u), u32(42u), u32(7u)};
    const cc_al8_t av[] = {al8(1u, 2u, 3u), al8(0xFFu, ~0ull, 0xFFFFu), al8(0u, 0u, 0u), al8(5u, 6u, 7u)};
    same_bytes_case(x_u32, &c_u32__storage, c_u32_set_c, c_u32_get_c, uv, 5);
    same_bytes_case(x_u32ab, &c_u32ab__storage, c_u32ab_set_c, c_u32ab_get_c, uv, 5);
    same_bytes_case(x_al8, &c_al8__storage, c_al8_set_c, c_al8_get_c, av, 4);
    same_bytes_case(x_al8ab, &c_al8ab__storage, c_al8ab_set_c, c_al8ab_get_c, av, 4);
    /* the C macros' invalidate (compiled as C++ here): the same stores */
    assert_int_equal(c_u32_invalidate(), PRAM_OK);
    assert_memory_equal(&x_u32, &c_u32__storage, sizeof x_u32);
    assert_int_equal(c_al8ab_invalidate(), PRAM_OK);
    assert_memory_equal(&x_al8ab, &c_al8ab__storage, sizeof x_al8ab);
}

/* The descriptor is the C one but for the address. */
template <typename C>
void same_descriptor(const C &cell, const pram_cell_t &c)
{
    pram_cell_t d = cell.descriptor();
    assert_ptr_equal(d.addr, &cell);
    assert_null(d.region);
    assert_int_equal(d.offset, c.offset);
    assert_int_equal(d.size, c.size);
    assert_int_equal(d.schema, c.schema);
    assert_int_equal(d.value_offset, c.value_offset);
    assert_int_equal(d.slot_size, c.slot_size);
    assert_int_equal(d.mode, c.mode);
    assert_int_equal(d.kind, c.kind);
    assert_int_equal(pram_cell_storage_size(&d), sizeof cell);
}

void descriptor_matches_c(void **)
{
    same_descriptor(x_u32, c_u32);
    same_descriptor(x_u32ab, c_u32ab);
    same_descriptor(x_al8, c_al8);
    same_descriptor(x_al8ab, c_al8ab);
    /* and the generic API works on it */
    pram_cell_t d = x_al8ab.descriptor();
    cc_al8_t v = al8(3u, 4u, 5u), out;
    assert_int_equal(pram_cell_set(&d, &v, sizeof v), PRAM_OK);
    assert_int_equal(x_al8ab.get(out), PRAM_OK);
    assert_memory_equal(&out, &v, sizeof v);
    assert_int_equal(pram_cell_status(&d), PRAM_OK);
    assert_int_equal(pram_cell_invalidate(&d), PRAM_OK);
    assert_int_equal(x_al8ab.status(), PRAM_ERR_INVALID);
}

/* One storage, seen from both languages. */
void c_reads_cpp_and_back(void **)
{
    U32ab &v_u32ab = *reinterpret_cast<U32ab *>(&c_u32ab__storage);
    Al8 &v_al8 = *reinterpret_cast<Al8 *>(&c_al8__storage);
    cc_u32_t o;
    cc_al8_t a;
    assert_int_equal(v_u32ab.set(u32(1234u)), PRAM_OK);
    assert_int_equal(c_u32ab_get_c(&o), PRAM_OK);
    assert_int_equal(o.v, 1234u);
    assert_int_equal(c_u32ab_edit_c(99u), PRAM_OK); /* a C edit scope */
    assert_int_equal(v_u32ab.get()->v, 99u);
    o = u32(5u);
    assert_int_equal(c_u32ab_set_c(&o), PRAM_OK);
    assert_int_equal(v_u32ab.get()->v, 5u);
    {
        auto m = v_u32ab.mutator();
        assert_true(static_cast<bool>(m));
        m->v = 6u;
    }
    assert_int_equal(c_u32ab_get_c(&o), PRAM_OK);
    assert_int_equal(o.v, 6u);
    a = al8(1u, 0xABCDEF0123456789ull, 2u);
    assert_int_equal(v_al8.set(a), PRAM_OK);
    cc_al8_t b;
    assert_int_equal(c_al8_get_c(&b), PRAM_OK);
    assert_memory_equal(&a, &b, sizeof a);
    a.u = 17u;
    assert_int_equal(c_al8_set_c(&a), PRAM_OK);
    assert_true(v_al8.get()->u == 17u);
    assert_int_equal(v_al8.invalidate(), PRAM_OK);
    assert_int_equal(c_al8_status(), PRAM_ERR_INVALID);
}

void schema_change_reads_layout(void **)
{
    assert_int_equal(x_u32ab.set(u32(1u)), PRAM_OK);
    auto &v2 = *reinterpret_cast<pram::Cell<cc_u32_t, 4, PRAM_AB> *>(&x_u32ab);
    expect_nothing(v2, PRAM_ERR_LAYOUT);
    /* another size too: a uint16_t cell over a cc_u32_t one (same slot size) */
    assert_int_equal(x_u32.set(u32(1u)), PRAM_OK);
    auto &v3 = *reinterpret_cast<pram::Cell<uint16_t, 3, PRAM_SINGLE> *>(&x_u32);
    static_assert(sizeof v3 == sizeof x_u32, "");
    expect_nothing(v3, PRAM_ERR_LAYOUT);
    /* the new schema's first set replaces it */
    assert_int_equal(v2.set(u32(2u)), PRAM_OK);
    assert_int_equal(v2.get()->v, 2u);
    assert_int_equal(x_u32ab.status(), PRAM_ERR_LAYOUT);
}

void invalidate_both_modes(void **)
{
    assert_int_equal(x_u32.set(u32(1u)), PRAM_OK);
    assert_int_equal(x_u32ab.set(u32(1u)), PRAM_OK);
    assert_int_equal(x_u32ab.set(u32(2u)), PRAM_OK);
    assert_int_equal(x_u32.invalidate(), PRAM_OK);
    assert_int_equal(x_u32ab.invalidate(), PRAM_OK);
    expect_nothing(x_u32, PRAM_ERR_INVALID);
    expect_nothing(x_u32ab, PRAM_ERR_INVALID);
    assert_int_equal(x_u32ab.invalidate(), PRAM_OK); /* twice: fine */
    assert_int_equal(x_u32ab.set(u32(3u)), PRAM_OK);
    assert_int_equal(x_u32ab.get()->v, 3u);
}

/* ---- Mutator --------------------------------------------------------------- */

void mutator_commits_at_scope_end(void **)
{
    assert_int_equal(x_al8ab.set(al8(1u, 2u, 3u)), PRAM_OK);
    assert_int_equal(x_u32.set(u32(10u)), PRAM_OK);
    {
        auto m = x_al8ab.mutator();
        assert_true(static_cast<bool>(m));
        assert_int_equal(m.result(), PRAM_OK);
        assert_true(m->u == 2u); /* KEEP: starts from the committed value */
        m->u = 20u;
        (*m).w = 30u;
        /* still open: the previous value reads */
        assert_true(x_al8ab.get()->u == 2u);
    }
    auto v = x_al8ab.get();
    assert_true(v.ok() && v->tag == 1u && v->u == 20u && v->w == 30u);
    {
        auto m = x_u32.mutator();
        assert_true(static_cast<bool>(m));
        m->v += 1u;
        assert_int_equal(x_u32.status(), PRAM_ERR_INVALID); /* single: open reads invalid */
    }
    assert_int_equal(x_u32.get()->v, 11u);
    if (auto m = x_u32.mutator())
        m->v = 12u;
    assert_int_equal(x_u32.get()->v, 12u);
}

void mutator_abort_keeps_old_value(void **)
{
    assert_int_equal(x_u32ab.set(u32(5u)), PRAM_OK);
    {
        auto m = x_u32ab.mutator();
        m->v = 6u;
        assert_int_equal(m.abort(), PRAM_OK);
        assert_false(static_cast<bool>(m));
        assert_null(m.get());
        assert_int_equal(m.result(), PRAM_EDIT_ABORTED);
        assert_int_equal(m.commit(), PRAM_ERR_SCOPE);
        assert_int_equal(m.abort(), PRAM_ERR_SCOPE);
    } /* the destructor does not commit an aborted edit */
    assert_int_equal(x_u32ab.get()->v, 5u);
    /* single-slot: nothing to go back to */
    assert_int_equal(x_u32.set(u32(5u)), PRAM_OK);
    {
        auto m = x_u32.mutator();
        assert_int_equal(m.abort(), PRAM_OK);
    }
    assert_int_equal(x_u32.status(), PRAM_ERR_INVALID);
}

void mutator_explicit_commit(void **)
{
    assert_int_equal(x_al8.set(al8(1u, 1u, 1u)), PRAM_OK);
    {
        auto m = x_al8.mutator();
        m->w = 2u;
        assert_int_equal(m.commit(), PRAM_OK);
        assert_false(static_cast<bool>(m));
        assert_int_equal(m.result(), PRAM_OK);
        assert_true(x_al8.get()->w == 2u);
        assert_int_equal(m.commit(), PRAM_ERR_SCOPE);
        /* a set after the commit is not undone by the destructor */
        assert_int_equal(x_al8.set(al8(3u, 3u, 3u)), PRAM_OK);
    }
    assert_true(x_al8.get()->w == 3u);
}

void mutator_keep_on_invalid_fails(void **)
{
    {
        auto m = x_u32ab.mutator();
        assert_false(static_cast<bool>(m));
        assert_int_equal(m.result(), PRAM_ERR_INVALID);
        assert_null(m.get());
        assert_int_equal(m.commit(), PRAM_ERR_SCOPE);
    }
    expect_nothing(x_u32ab, PRAM_ERR_INVALID);
    {
        auto m = x_al8.mutator(PRAM_EDIT_KEEP | 4u);
        assert_false(static_cast<bool>(m));
        assert_int_equal(m.result(), PRAM_ERR_FLAGS);
    }
    {
        auto m = x_u32ab.mutator_zeroed(); /* any prior state */
        assert_true(static_cast<bool>(m));
        assert_int_equal(m->v, 0u);
        m->v = 8u;
    }
    assert_int_equal(x_u32ab.get()->v, 8u);
}

void mutator_on_c_descriptor(void **)
{
    cc_u32_t o = u32(40u);
    assert_int_equal(c_u32ab_set_c(&o), PRAM_OK);
    {
        pram::Mutator<cc_u32_t> m(c_u32ab);
        assert_true(static_cast<bool>(m));
        m->v++;
    }
    assert_int_equal(c_u32ab_get_c(&o), PRAM_OK);
    assert_int_equal(o.v, 41u);
    {
        pram::Mutator<cc_al8_t> m(c_u32ab); /* wrong type */
        assert_false(static_cast<bool>(m));
        assert_int_equal(m.result(), PRAM_ERR_SIZE);
    }
    pram_cell_t bad = c_u32ab;
    bad.addr = static_cast<char *>(bad.addr) + 2;
    {
        pram::Mutator<cc_u32_t> m(bad, PRAM_EDIT_ZERO);
        assert_int_equal(m.result(), PRAM_ERR_ALIGN);
    }
    assert_int_equal(c_u32ab_get_c(&o), PRAM_OK);
    assert_int_equal(o.v, 41u);
}

/* ---- Buffer ---------------------------------------------------------------- */

PRAM_BUF_DEFINE_RING(ring, 256, 1);
PRAM_BUF_DEFINE(linear, 64, 2);

struct Rec {
    uint32_t n;
    uint16_t k;
    uint16_t pad;
};

void buffer_append_iterate_clear(void **)
{
    wipe(ring__storage, sizeof ring__storage, 0u);
    pram::Buffer b{ring};
    assert_int_equal(b.open(), PRAM_BUF_COLD);
    assert_true(b.is_open());
    assert_int_equal(b.count(), 0);
    for (auto &r : b.records()) {
        (void)r;
        fail_msg("an empty buffer has no records");
    }
    assert_int_equal(b.append("boot", 4), PRAM_OK);
    Rec rec = {7u, 8u, 0u};
    assert_int_equal(b.append(rec), PRAM_OK);
    assert_int_equal(b.begin_record(), PRAM_OK);
    assert_int_equal(b.append("x", 1), PRAM_ERR_BUSY);
    assert_int_equal(b.write("t=", 2), PRAM_OK);
    uint16_t num = 0x3132u;
    assert_int_equal(b.write(num), PRAM_OK);
    assert_int_equal(b.commit(), PRAM_OK);
    assert_int_equal(b.begin_record(), PRAM_OK);
    assert_int_equal(b.write("dropped", 7), PRAM_OK);
    assert_int_equal(b.cancel(), PRAM_OK);
    assert_int_equal(b.count(), 3);
    assert_true(b.space() > 0);

    const uint32_t lens[] = {4u, sizeof(Rec), 4u};
    int i = 0;
    auto recs = b.records();
    for (const pram_record_t &r : recs) {
        assert_true(i < 3);
        assert_int_equal(r.len, lens[i]);
        char copy[16];
        assert_int_equal(b.read(r, copy, sizeof copy), static_cast<int>(r.len));
        assert_memory_equal(copy, r.data, r.len);
        if (i == 1)
            assert_memory_equal(r.data, &rec, sizeof rec);
        i++;
    }
    assert_int_equal(i, 3);
    assert_int_equal(recs.error(), 0);

    /* a ring keeps the newest: fill it many times over */
    for (uint32_t n = 0; n < 100u; n++)
        assert_int_equal(b.append(Rec{n, 1u, 0u}), PRAM_OK);
    uint32_t expect = 0u, seen = 0u;
    for (const pram_record_t &r : b.records()) {
        Rec got;
        memcpy(&got, r.data, sizeof got);
        if (!seen)
            expect = got.n;
        assert_int_equal(got.n, expect);
        expect++;
        seen++;
    }
    assert_int_equal(expect, 100u);
    assert_int_equal(seen, static_cast<uint32_t>(b.count()));

    assert_int_equal(b.takeover(), PRAM_OK);
    assert_int_equal(b.clear(), PRAM_OK);
    assert_int_equal(b.count(), 0);
    assert_true(b.records().begin() == b.records().end());
    /* a new boot keeps what was committed */
    assert_int_equal(b.append("again", 5), PRAM_OK);
    assert_int_equal(b.open(), PRAM_BUF_INTACT);
    assert_int_equal(b.count(), 1);
}

void buffer_linear_and_errors(void **)
{
    wipe(linear__storage, sizeof linear__storage, 0xA5u);
    pram::Buffer b{linear};
    assert_int_equal(b.count(), PRAM_ERR_NOT_OPEN);
    assert_int_equal(b.append("x", 1), PRAM_ERR_NOT_OPEN);
    assert_int_equal(b.open(), PRAM_BUF_COLD);
    uint8_t big[64] = {0};
    assert_int_equal(b.append(big), PRAM_ERR_TOO_LARGE);
    assert_int_equal(b.append(big, 40), PRAM_OK);
    assert_int_equal(b.append(big, 40), PRAM_ERR_NO_SPACE);
    assert_int_equal(b.commit(), PRAM_ERR_SCOPE);
    /* damage the record after open: the walk stops with the error */
    auto recs = b.records();
    auto it = recs.begin();
    assert_true(it != recs.end());
    reinterpret_cast<uint8_t *>(linear__storage)[PRAM_BUF_CONTROL_SIZE + 8u + 3u] ^= 1u;
    int n = 0;
    for (const pram_record_t &r : b.records()) {
        (void)r;
        n++;
    }
    assert_int_equal(n, 0);
    auto again = b.records();
    for (const pram_record_t &r : again)
        (void)r;
    assert_int_equal(again.error(), PRAM_ERR_CORRUPT);
    assert_true(&b.handle() == &linear);
}

/* ---- The C macros from C++ ------------------------------------------------- */

void c_macros_from_cpp(void **)
{
    assert_int_equal(cpp_macros_run(), 0);
}

} /* namespace */

int main()
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(zeroed_and_garbage_read_invalid, setup),
        cmocka_unit_test_setup(set_get_roundtrip, setup),
        cmocka_unit_test_setup(same_bytes_as_c, setup),
        cmocka_unit_test_setup(descriptor_matches_c, setup),
        cmocka_unit_test_setup(c_reads_cpp_and_back, setup),
        cmocka_unit_test_setup(schema_change_reads_layout, setup),
        cmocka_unit_test_setup(invalidate_both_modes, setup),
        cmocka_unit_test_setup(mutator_commits_at_scope_end, setup),
        cmocka_unit_test_setup(mutator_abort_keeps_old_value, setup),
        cmocka_unit_test_setup(mutator_explicit_commit, setup),
        cmocka_unit_test_setup(mutator_keep_on_invalid_fails, setup),
        cmocka_unit_test_setup(mutator_on_c_descriptor, setup),
        cmocka_unit_test_setup(buffer_append_iterate_clear, setup),
        cmocka_unit_test_setup(buffer_linear_and_errors, setup),
        cmocka_unit_test_setup(c_macros_from_cpp, setup),
    };
    return cmocka_run_group_tests_name("test_cpp", tests, nullptr, nullptr);
}
