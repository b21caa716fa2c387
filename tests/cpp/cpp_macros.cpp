/* The C API's macros from C++ (C++11 and later): cells declared, defined at
 * an address and in a region, edit scopes (commit, abort, zeroed), buffers
 * and their iterators, regions and maps, the fault and assert macros.
 * Compiled with -Wall -Wextra -Wpedantic -Werror
 * -Wzero-as-null-pointer-constant by g++ and clang++. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_fault.h"
#include "cpp_macros.h"

namespace {
struct pair_t {
    uint32_t a;
    uint32_t b;
};
struct wide_t {
    uint64_t u;
    uint8_t tag;
};
}

/* In a namespace: the storage and descriptor get C linkage all the same. */
namespace app {
PRAM_CELL_DECLARE(m_pair, pair_t, 2, PRAM_AB);
PRAM_CELL_DEFINE(m_pair);
}
PRAM_CELL_DECLARE(m_wide, wide_t, 1, PRAM_SINGLE);
PRAM_CELL_DEFINE(m_wide);

/* At an address, and in a region of ordinary memory. */
static uint64_t at_mem[8];
PRAM_CELL_DECLARE_AT(m_at, pair_t, 4, PRAM_AB);
PRAM_CELL_DEFINE_AT(m_at, at_mem);
static uint64_t region_mem[32];
static const pram_region_t m_region = PRAM_REGION(region_mem, sizeof region_mem, 0, 0);
PRAM_CELL_DECLARE_IN(m_in, pair_t, 5, PRAM_AB);
PRAM_CELL_DEFINE_IN(m_in, &m_region, 16);
/* A register file: compiled, not run. */
static uint32_t regs[16];
static const pram_region_t m_regs PRAM_MAYBE_UNUSED = PRAM_REGION(regs, sizeof regs, 4, 0);
static const pram_cell_t *const m_cells[] = {&m_in};
static pram_buf_t *const m_bufs[] = {PRAM__NULL};
static const pram_region_map_t m_map PRAM_MAYBE_UNUSED = {&m_region, m_cells, 1, m_bufs, 0, 1};

PRAM_BUF_DEFINE(m_log, 256, 1);
PRAM_BUF_DEFINE_RING(m_ring, 128, 2);
static uint32_t own_buf_mem[PRAM_BUF_STORAGE_SIZE(64) / 4u];
static const pram_buf_def_t own_def = PRAM_BUF_DEF_RING_AT(own_buf_mem, sizeof own_buf_mem, 3);
static pram_buf_t own_buf = PRAM_BUF_INIT(&own_def);

PRAM_FAULT_HANDLERS();
PRAM_STATIC_ASSERT(PRAM_CELL_SIZE(m_wide) == 32u, m_wide_is_one_32_byte_slot);
PRAM_STATIC_ASSERT(PRAM_FILE_ID_OF("a/b.c") == PRAM_FILE_ID_OF("a/b.c"), file_ids_fold);

#define CHECK(x)                 \
    do {                         \
        if (!(x))                \
            return __LINE__;     \
    } while (0)

static int cells()
{
    using namespace app;
    pair_t p = {1u, 2u};
    wide_t w;
    memset(&w, 0, sizeof w);
    w.u = 0x0102030405060708ull;
    w.tag = 9u;
    memset(at_mem, 0, sizeof at_mem);
    memset(region_mem, 0, sizeof region_mem);
    CHECK(m_pair_set(&p) == PRAM_OK);
    CHECK(m_pair_is_valid());
    p.a = 0u;
    CHECK(m_pair_get(&p) == PRAM_OK && p.a == 1u && p.b == 2u);
    CHECK(m_wide_set(&w) == PRAM_OK);
    w.u = 0u;
    CHECK(m_wide_get(&w) == PRAM_OK && w.u == 0x0102030405060708ull && w.tag == 9u);
    CHECK(m_at_status() == PRAM_ERR_INVALID && m_at_set(&p) == PRAM_OK && m_at_is_valid());
    CHECK(m_in_get(&p) == PRAM_ERR_INVALID && m_in_set(&p) == PRAM_OK && m_in_get(&p) == PRAM_OK);
    CHECK(m_in_invalidate() == PRAM_OK && m_in_status() == PRAM_ERR_INVALID);
    CHECK(pram_cell_status(&m_pair) == PRAM_OK && pram_cell_storage_size(&m_pair) == PRAM_CELL_SIZE(m_pair));
    return 0;
}

static int edits()
{
    using namespace app;
    int rc = -100;
    pair_t p;
    PRAM_EDIT(m_pair, e, rc)
    {
        e.value->a = 10u;
    }
    CHECK(rc == PRAM_OK && m_pair_get(&p) == PRAM_OK && p.a == 10u && p.b == 2u);
    PRAM_EDIT(m_pair, e, rc)
    {
        e.value->a = 11u;
        PRAM_EDIT_ABORT(e);
    }
    CHECK(rc == PRAM_EDIT_ABORTED && m_pair_get(&p) == PRAM_OK && p.a == 10u);
    PRAM_EDIT_ZEROED(m_pair, e, rc)
    {
        e.value->b = 7u;
    }
    CHECK(rc == PRAM_OK && m_pair_get(&p) == PRAM_OK && p.a == 0u && p.b == 7u);
    m_pair_edit_t te;
    CHECK(m_pair_edit_begin(&te, PRAM_EDIT_KEEP) == PRAM_OK && te.value);
    te.value->a = 3u;
    CHECK(m_pair_edit_commit(&te) == PRAM_OK && m_pair_get(&p) == PRAM_OK && p.a == 3u);
    pram_edit_t ge = PRAM_EDIT_INIT;
    CHECK(pram_cell_edit_begin(&m_pair, &ge, PRAM_EDIT_KEEP) == PRAM_OK);
    CHECK(pram_cell_edit_abort(&ge) == PRAM_OK && m_pair_get(&p) == PRAM_OK && p.a == 3u);
    return 0;
}

static int bufs()
{
    pram_buf_t *all[] = {&m_log, &m_ring, &own_buf};
    for (pram_buf_t *b : all) {
        pram_record_t r;
        pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
        int n = 0;
        CHECK(pram_buf_open(b) >= 0 && pram_buf_clear(b) == PRAM_OK);
        CHECK(pram_buf_append(b, "one", 3) == PRAM_OK && pram_buf_append(b, "three", 5) == PRAM_OK);
        while (pram_buf_next(b, &it, &r) > 0)
            n += static_cast<int>(r.len);
        CHECK(n == 8);
        pram_buf_iter_t back = PRAM_BUF_ITER_INIT;
        CHECK(pram_buf_prev(b, &back, &r) == 1 && r.len == 5u);
    }
    return 0;
}

int cpp_macros_run()
{
    int rc = cells();
    if (!rc)
        rc = edits();
    if (!rc)
        rc = bufs();
    PRAM_ASSERT(rc >= 0);
    return rc;
}
