/* Fuzz: the region manager over untrusted region bytes.
 *
 * Input: [region kind][image style][region bytes or a crafted header]
 * [script].  A 256-byte region of width 0, 4, 2 (stride 4), 1, or 1 (stride
 * 4) and five maps over it (cells of several geometries and a ring or linear
 * buffer at fixed offsets; one map moves and reschemas some of them, one is
 * only a buffer, one has no container, one differs only in its schema).  The
 * script boots maps, requests clears, sets cells, appends to buffers and
 * damages bytes.
 *
 * Promises checked at every boot:
 *  - the result is exactly the one the documented decision gives from the
 *    header as it stands (an independent decoder of the single-slot header
 *    of kind 2): invalid -> COLD, another layout or another layout hash ->
 *    RELAYOUT, clear requested -> CLEARED, else WARM;
 *  - cell_status[i] is what an independent oracle reads from the cell's
 *    bytes before the boot (COLD, RELAYOUT, WARM touch no container) and
 *    PRAM_ERR_INVALID after CLEARED (which zeroes every declared container);
 *    buf_status[i] is INTACT, COLD or REFORMED (COLD after CLEARED);
 *  - no byte outside the header and the map's containers changes; the
 *    header afterwards holds this map's hash and no clear request;
 *  - a second boot of the same map returns WARM with the same cell
 *    statuses, every buffer INTACT with the same records;
 *  - request_clear returns the header's state (PRAM_OK when valid), and the
 *    next boot of that map is CLEARED;
 *  - no access outside the region (access window over the backing memory,
 *    register-file width/unit rules, ASan on the exact allocation). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell_model.h"
#include "test_support.h"

#define RSIZE 256u
#define NMAPS 5u
#define MAXC 4u

/* A container of a map. */
typedef struct {
    uint32_t off;
    uint16_t size, vo, schema;
    uint8_t mode;
} cspec_t;
typedef struct {
    uint32_t off, size;
    uint16_t schema;
    uint8_t ring;
} bspec_t;
typedef struct {
    uint16_t schema;
    uint16_t ncells, nbufs;
    cspec_t c[MAXC];
    bspec_t b[1];
} mspec_t;

#define SS(size, vo) ((vo) == 16u ? (((size) + 16u + 7u) & ~7u) : (((size) + 12u + 3u) & ~3u))
static const mspec_t specs[NMAPS] = {
    /* v1: a counter, an 8-aligned A/B record, a 12-byte A/B record, a ring */
    {1u, 3u, 1u, {{20u, 4u, 12u, 1u, PRAM_SINGLE}, {40u, 8u, 16u, 1u, PRAM_AB}, {88u, 12u, 12u, 2u, PRAM_AB}},
     {{136u, 112u, 1u, 1u}}},
    /* v2: the 12-byte record gets schema 3, the 8-byte one moves, the ring
     * becomes linear and smaller, a 16-byte cell is added */
    {1u, 4u, 1u,
     {{20u, 4u, 12u, 1u, PRAM_SINGLE}, {48u, 8u, 16u, 1u, PRAM_AB}, {96u, 12u, 12u, 3u, PRAM_AB},
      {224u, 16u, 12u, 1u, PRAM_SINGLE}},
     {{144u, 80u, 1u, 0u}}},
    /* only a ring */
    {1u, 0u, 1u, {{0}}, {{20u, 236u, 2u, 1u}}},
    /* nothing but the header */
    {7u, 0u, 0u, {{0}}, {{0}}},
    /* v1 with another map schema: every container the same, another hash */
    {2u, 3u, 1u, {{20u, 4u, 12u, 1u, PRAM_SINGLE}, {40u, 8u, 16u, 1u, PRAM_AB}, {88u, 12u, 12u, 2u, PRAM_AB}},
     {{136u, 112u, 1u, 1u}}},
};

typedef struct {
    pram_cell_t cell[MAXC];
    const pram_cell_t *cp[MAXC];
    pram_buf_def_t def[1];
    pram_buf_t buf[1];
    pram_buf_t *bp[1];
    pram_region_map_t map;
    int opened; /* its buffers were opened by a boot (and not since invalidated) */
} map_t;

static fz_mem_t mem;
static map_t maps[NMAPS];
static uint8_t owned[NMAPS][RSIZE]; /* 1: header or a container of map k */

static void build_maps(void)
{
    unsigned k, i, j;
    const pram_region_t *r = fz_region(&mem);
    memset(owned, 0, sizeof owned);
    for (k = 0; k < NMAPS; k++) {
        const mspec_t *s = &specs[k];
        map_t *m = &maps[k];
        memset(m, 0, sizeof *m);
        for (j = 0; j < PRAM_REGION_HEADER_SIZE; j++)
            owned[k][j] = 1;
        for (i = 0; i < s->ncells; i++) {
            pram_cell_t *c = &m->cell[i];
            c->region = r;
            c->offset = s->c[i].off;
            c->size = s->c[i].size;
            c->schema = s->c[i].schema;
            c->value_offset = s->c[i].vo;
            c->slot_size = (uint16_t)SS(s->c[i].size, s->c[i].vo);
            c->mode = s->c[i].mode;
            c->kind = PRAM__KIND_CELL;
            m->cp[i] = c;
            for (j = 0; j < pram_cell_storage_size(c); j++)
                owned[k][c->offset + j] = 1;
        }
        for (i = 0; i < s->nbufs; i++) {
            pram_buf_def_t d = PRAM_BUF_DEF_IN(r, s->b[i].off, s->b[i].size, s->b[i].schema);
            pram_buf_t h = PRAM_BUF_INIT(&m->def[i]);
            d.mode = s->b[i].ring ? PRAM_BUF_RING : PRAM_BUF_LINEAR;
            m->def[i] = d;
            m->buf[i] = h;
            m->bp[i] = &m->buf[i];
            for (j = 0; j < s->b[i].size; j++)
                owned[k][s->b[i].off + j] = 1;
        }
        m->map.region = r;
        m->map.cells = s->ncells ? m->cp : NULL;
        m->map.ncells = s->ncells;
        m->map.bufs = s->nbufs ? m->bp : NULL;
        m->map.nbufs = s->nbufs;
        m->map.schema = s->schema;
    }
}

static int header_state(unsigned k, pram_region_header_t *hv)
{
    return fz_kind_oracle(&mem, 0u, PRAM__KIND_REGION, sizeof *hv, specs[k].schema, hv);
}

static int expected_boot(unsigned k)
{
    pram_region_header_t hv;
    int st = header_state(k, &hv);
    if (st == PRAM_ERR_INVALID)
        return PRAM_REGION_COLD;
    if (st == PRAM_ERR_LAYOUT || hv.layout_hash != pram_region_layout_hash(&maps[k].map))
        return PRAM_REGION_RELAYOUT;
    if (hv.flags & PRAM_REGION_CLEAR_REQUESTED)
        return PRAM_REGION_CLEARED;
    return PRAM_REGION_WARM;
}

static void crit_ok(void)
{
    FZ_CHECK(pram_test_crit_depth == 0u && pram_test_crit_errors == 0u,
             "critical sections unbalanced: depth %u, errors %lu", pram_test_crit_depth,
             pram_test_crit_errors);
}

/* Records of a buffer: count and, in order, seq/len/bytes (hashed). */
static uint32_t records_digest(pram_buf_t *b, int *count)
{
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    uint8_t d[PRAM_RECORD_MAX_SIZE];
    uint32_t h = 2166136261u, i;
    int n = pram_buf_count(b), rc, k;
    *count = n;
    for (k = 0; k <= n; k++) {
        rc = pram_buf_next(b, &it, &r);
        if (k == n) {
            FZ_CHECK(rc == 0, "next after count (%d) records: %d", n, rc);
            break;
        }
        FZ_CHECK(rc == 1, "next #%d of %d: %d", k, n, rc);
        rc = pram_buf_read(b, &r, d, sizeof d);
        FZ_CHECK(rc == (int)r.len, "read: %d, len %u", rc, r.len);
        h = (h ^ r.seq) * 16777619u;
        h = (h ^ r.len) * 16777619u;
        for (i = 0; i < r.len; i++)
            h = (h ^ d[i]) * 16777619u;
    }
    return h;
}

static void op_boot(unsigned k)
{
    map_t *m = &maps[k];
    const mspec_t *s = &specs[k];
    static uint8_t before[RSIZE], after[RSIZE];
    int want = expected_boot(k), rc, cs[MAXC], bs[1], cs2[MAXC], bs2[1], pre[MAXC], n1[1], n2[1];
    uint32_t i, dig[1] = {0};
    pram_region_header_t hv;
    for (i = 0; i < s->ncells; i++)
        pre[i] = fz_cell_oracle(&mem, &m->cell[i], NULL);
    fz_get(&mem, 0u, before, RSIZE);
    for (i = 0; i < MAXC; i++)
        cs[i] = cs2[i] = 99;
    bs[0] = bs2[0] = 99;
    rc = pram_region_boot(&m->map, cs, bs);
    crit_ok();
    FZ_CHECK(rc == want, "map %u boots %s, the header says %s", k, pram_strerror(rc), pram_strerror(want));
    fz_get(&mem, 0u, after, RSIZE);
    for (i = 0; i < RSIZE; i++)
        FZ_CHECK(owned[k][i] || before[i] == after[i], "boot of map %u changed byte %u, which no container "
                 "of it holds", k, i);
    FZ_CHECK(header_state(k, &hv) == PRAM_OK && hv.layout_hash == pram_region_layout_hash(&m->map) &&
                 (rc == PRAM_REGION_WARM ? !(hv.flags & PRAM_REGION_CLEAR_REQUESTED) : hv.flags == 0u),
             "after boot (%s) the header does not hold this map's hash with no request", pram_strerror(rc));
    for (i = 0; i < s->ncells; i++) {
        if (rc == PRAM_REGION_CLEARED) {
            uint32_t j;
            FZ_CHECK(cs[i] == PRAM_ERR_INVALID, "cleared, cell %u reads %s", i, pram_strerror(cs[i]));
            for (j = 0; j < pram_cell_storage_size(&m->cell[i]); j++)
                FZ_CHECK(after[m->cell[i].offset + j] == 0u, "cleared, cell %u byte %u not zero", i, j);
        } else {
            FZ_CHECK(cs[i] == pre[i], "cell %u: status %s after a %s boot, its bytes say %s", i,
                     pram_strerror(cs[i]), pram_strerror(rc), pram_strerror(pre[i]));
            FZ_CHECK(!memcmp(before + m->cell[i].offset, after + m->cell[i].offset,
                             pram_cell_storage_size(&m->cell[i])),
                     "a %s boot changed cell %u", pram_strerror(rc), i);
        }
        FZ_CHECK(cs[i] == fz_cell_oracle(&mem, &m->cell[i], NULL), "cell %u status differs from its bytes", i);
    }
    for (i = 0; i < s->nbufs; i++) {
        FZ_CHECK(fz_rc_in(bs[i], 3, PRAM_BUF_INTACT, PRAM_BUF_COLD, PRAM_BUF_REFORMED), "buffer open: %s",
                 pram_strerror(bs[i]));
        if (rc == PRAM_REGION_CLEARED)
            FZ_CHECK(bs[i] == PRAM_BUF_COLD, "cleared, the buffer opens %s", pram_strerror(bs[i]));
        dig[i] = records_digest(&m->buf[i], &n1[i]);
    }
    /* Again: nothing to decide any more. */
    rc = pram_region_boot(&m->map, cs2, bs2);
    crit_ok();
    FZ_CHECK(rc == PRAM_REGION_WARM, "second boot of map %u: %s", k, pram_strerror(rc));
    for (i = 0; i < s->ncells; i++)
        FZ_CHECK(cs2[i] == cs[i], "cell %u: %s, then %s at the second boot", i, pram_strerror(cs[i]),
                 pram_strerror(cs2[i]));
    for (i = 0; i < s->nbufs; i++) {
        FZ_CHECK(bs2[i] == PRAM_BUF_INTACT, "second boot: the buffer opens %s", pram_strerror(bs2[i]));
        FZ_CHECK(records_digest(&m->buf[i], &n2[i]) == dig[i] && n2[i] == n1[i],
                 "second boot: other records (%d, then %d)", n1[i], n2[i]);
    }
    for (i = 0; i < NMAPS; i++)
        maps[i].opened = 0;
    m->opened = 1;
}

static void op_request(unsigned k)
{
    pram_region_header_t hv;
    int st = header_state(k, &hv), rc = pram_region_request_clear(&maps[k].map);
    crit_ok();
    FZ_CHECK(rc == st, "request_clear: %s, the header is %s", pram_strerror(rc), pram_strerror(st));
    if (rc == PRAM_OK) {
        FZ_CHECK(header_state(k, &hv) == PRAM_OK && (hv.flags & PRAM_REGION_CLEAR_REQUESTED),
                 "request_clear returned OK, the header holds no request");
        FZ_CHECK(expected_boot(k) == PRAM_REGION_CLEARED ||
                     expected_boot(k) == PRAM_REGION_RELAYOUT,
                 "a requested clear would not be honoured");
    }
}

static void op_set(fz_in_t *in, unsigned k)
{
    map_t *m = &maps[k];
    uint8_t v[16] __attribute__((aligned(8))), got[16] __attribute__((aligned(8)));
    unsigned i, j;
    if (!specs[k].ncells)
        return;
    i = fz_u8(in) % specs[k].ncells;
    fz_take(in, v, sizeof v);
    FZ_CHECK(pram_cell_set(&m->cell[i], v, m->cell[i].size) == PRAM_OK, "set");
    FZ_CHECK(pram_cell_get(&m->cell[i], got, m->cell[i].size) == PRAM_OK &&
                 !memcmp(got, v, m->cell[i].size),
             "a cell in the region does not read back what was set");
    crit_ok();
    if (!m->opened) /* it may lie over the buffer another map opened */
        for (j = 0; j < NMAPS; j++)
            maps[j].opened = 0;
}

static void op_append(fz_in_t *in, unsigned k)
{
    map_t *m = &maps[k];
    uint8_t p[64];
    uint32_t len = fz_u8(in) % 64u;
    int rc, n0, n1;
    if (!specs[k].nbufs || !m->opened)
        return;
    fz_take(in, p, len);
    n0 = pram_buf_count(&m->buf[0]);
    rc = pram_buf_append(&m->buf[0], p, len);
    crit_ok();
    FZ_CHECK(fz_rc_in(rc, 3, PRAM_OK, PRAM_ERR_NO_SPACE, PRAM_ERR_TOO_LARGE), "append: %s", pram_strerror(rc));
    n1 = pram_buf_count(&m->buf[0]);
    FZ_CHECK(rc != PRAM_OK || n1 >= 1, "append OK, count %d", n1);
    FZ_CHECK(rc == PRAM_OK || n1 == n0, "a failed append changed the count");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t img[RSIZE];
    fz_in_t in = {data, size};
    unsigned kind = FZ_W0 + fz_u8(&in) % (FZ_NKINDS - FZ_W0), style = fz_u8(&in), ops = 0;
    fz_init();
    fz_mem_init(&mem, kind, RSIZE);
    build_maps();
    fz_where = fz_kind_name[kind];
    if ((style & 3u) == 0u) {
        fz_take(&in, img, RSIZE);
    } else {
        uint64_t g = fz_u8(&in) + 1u;
        test_fill_random(img, RSIZE, &g);
        if ((style & 3u) == 2u)
            memset(img, 0, RSIZE);
    }
    if (style & 4u) {
        /* A header this or another map wrote, with a clear request or not
         * (its CRC valid), and cells of v1 with values. */
        unsigned k = (style >> 3) % NMAPS;
        pram_region_header_t hv;
        hv.layout_hash = (style & 0x40u) ? fz_u32(&in) : pram_region_layout_hash(&maps[k].map);
        hv.flags = (style & 0x80u) ? fz_u8(&in) : 0u;
        ref_craft_layout(img, ref_layout_kind(12u, 8u, REF_KIND_REGION, specs[k].schema), 0u, &hv);
        if (style & 0x20u) {
            unsigned i;
            for (i = 0; i < specs[0].ncells; i++) {
                const cspec_t *c = &specs[0].c[i];
                uint8_t v[16];
                fz_take(&in, v, sizeof v);
                ref_craft(img + c->off + (c->mode == PRAM_AB && (v[0] & 1u) ? SS(c->size, c->vo) : 0u),
                          c->vo, c->size, c->schema, (uint16_t)v[1], v);
            }
        }
    }
    fz_put(&mem, 0u, img, RSIZE);
    pram_test_crit_depth = 0u;
    pram_test_crit_errors = 0u;
    fz_confine(&mem, 0u, RSIZE);
    while (in.n && ops++ < 16u) {
        unsigned op = fz_u8(&in), k = (op >> 3) % NMAPS;
        if (fz_trace)
            fprintf(stderr, "op %u map %u\n", op & 7u, k);
        switch (op & 7u) {
        case 0: case 1: op_boot(k); break;
        case 2: op_request(k); break;
        case 3: case 4: op_set(&in, k); break;
        case 5: op_append(&in, k); break;
        case 6: { /* damage */
            uint32_t at = fz_u8(&in);
            unsigned i;
            *fz_byte(&mem, at) ^= (uint8_t)(1u << (fz_u8(&in) & 7u));
            for (i = 0; i < NMAPS; i++)
                maps[i].opened = 0;
            break;
        }
        default: op_boot(k); op_boot((k + 1u) % NMAPS); break;
        }
    }
    fz_mem_free(&mem);
    fz_where = "";
    return 0;
}
