/* pram — region manager: layout hash, cold/relayout/clear decisions. */
#include "pram/pram_region_map.h"

#include "pram_cell_internal.h"

/* The region header: a single-slot cell at offset 0. */
static void header_cell(const pram_region_map_t *m, pram_cell_t *hc)
{
    pram__header_cell(hc, NULL, m->region, 0u, PRAM__KIND_REGION,
                      (uint16_t)sizeof(pram_region_header_t), m->schema, PRAM_SINGLE);
}

typedef struct {
    uint32_t start, len;
} span_t;

/* Container i of the map (cells first, then buffers) as a span; its own
 * descriptor must point into this region. */
static int span_of(const pram_region_map_t *m, uint32_t i, span_t *s)
{
    if (i < m->ncells) {
        const pram_cell_t *c = m->cells[i];
        if (!c)
            return PRAM_ERR_NULL;
        if (c->region != m->region)
            return PRAM_ERR_DESC;
        s->start = c->offset;
        s->len = pram_cell_storage_size(c);
    } else {
        const pram_buf_t *b = m->bufs[i - m->ncells];
        if (!b)
            return PRAM_ERR_NULL;
        if (!b->def || b->def->region != m->region)
            return PRAM_ERR_DESC;
        s->start = b->def->offset;
        s->len = b->def->size;
    }
    return PRAM_OK;
}

/* Bounds and overlap of every container, header included.  O(n^2) in the
 * number of containers, which the map fixes at build time. */
static int check_map(const pram_region_map_t *m)
{
    uint32_t n, i, j;
    span_t a, b;
    uintptr_t pos;
    int rc;
    if (!m)
        return PRAM_ERR_NULL;
    if (!m->region || (m->ncells && !m->cells) || (m->nbufs && !m->bufs))
        return PRAM_ERR_DESC;
    rc = pram__locate(m->region, NULL, 0u, PRAM_REGION_HEADER_SIZE, &pos);
    if (rc)
        return rc;
    n = (uint32_t)m->ncells + m->nbufs;
    for (i = 0; i < n; i++) {
        rc = span_of(m, i, &a);
        if (rc)
            return rc;
        rc = pram__locate(m->region, NULL, a.start, a.len, &pos);
        if (rc)
            return rc;
        if (a.start < PRAM_REGION_HEADER_SIZE)
            return PRAM_ERR_OVERLAP;
        /* Every j < i passed span_of above; checked again, not assumed. */
        for (j = 0; j < i; j++) {
            if (span_of(m, j, &b) == PRAM_OK && a.start < b.start + b.len &&
                b.start < a.start + a.len)
                return PRAM_ERR_OVERLAP;
        }
    }
    return PRAM_OK;
}

static uint32_t crc32_u32(uint32_t crc, uint32_t v)
{
    uint8_t b[4];
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
    return pram_crc32(crc, b, 4);
}

uint32_t pram_region_layout_hash(const pram_region_map_t *m)
{
    uint32_t h = 0u, i;
    if (!m || !m->region)
        return 0u;
    h = crc32_u32(h, m->region->size);
    h = crc32_u32(h, m->schema);
    for (i = 0; i < m->ncells; i++) {
        const pram_cell_t *c = m->cells ? m->cells[i] : NULL;
        if (!c)
            continue;
        h = crc32_u32(h, 0xCE11u);
        h = crc32_u32(h, c->offset);
        h = crc32_u32(h, (uint32_t)c->size | ((uint32_t)c->schema << 16));
        h = crc32_u32(h, (uint32_t)c->mode | ((uint32_t)c->value_offset << 8) |
                             ((uint32_t)c->slot_size << 16));
    }
    for (i = 0; i < m->nbufs; i++) {
        const pram_buf_t *b = m->bufs ? m->bufs[i] : NULL;
        if (!b || !b->def)
            continue;
        h = crc32_u32(h, 0xB0Fu);
        h = crc32_u32(h, b->def->offset);
        h = crc32_u32(h, b->def->size);
        h = crc32_u32(h, b->def->schema);
    }
    return h;
}

/* Zero the declared containers, then commit a fresh header.  The header is
 * written last, so a reset before it repeats this boot's decision. */
static void format_region(const pram_region_map_t *m, uint32_t hash)
{
    pram_cell_t hc;
    pram_region_header_t hv;
    uint32_t i, n = (uint32_t)m->ncells + m->nbufs;
    span_t s;
    uintptr_t pos;
    header_cell(m, &hc);
    for (i = 0; i < n; i++) {
        if (span_of(m, i, &s) == PRAM_OK &&
            pram__locate(m->region, NULL, s.start, s.len, &pos) == PRAM_OK)
            pram__zero(m->region, pos, s.len);
    }
    hv.layout_hash = hash;
    hv.flags = 0u;
    (void)pram_cell_set(&hc, &hv, sizeof hv);
}

int pram_region_boot(const pram_region_map_t *m, int *cell_status, int *buf_status)
{
    pram_cell_t hc;
    pram_region_header_t hv;
    uint32_t hash, i;
    int rc = check_map(m), result;
    if (rc)
        return rc;
    header_cell(m, &hc);
    hash = pram_region_layout_hash(m);
    rc = pram_cell_get(&hc, &hv, sizeof hv);
    if (rc != PRAM_OK)
        result = rc == PRAM_ERR_LAYOUT ? PRAM_REGION_RELAYOUT : PRAM_REGION_COLD;
    else if (hv.layout_hash != hash)
        result = PRAM_REGION_RELAYOUT;
    else if (hv.flags & PRAM_REGION_CLEAR_REQUESTED)
        result = PRAM_REGION_CLEARED;
    else
        result = PRAM_REGION_WARM;
    if (result == PRAM_REGION_RELAYOUT || result == PRAM_REGION_COLD) {
        /* An update: every container checks itself at its offset, so one
         * whose layout is unchanged keeps its value and a changed one
         * reports it (a buffer reforms itself when opened below).  Only the
         * header is rewritten.  Cold is treated alike: a reset while this
         * very header was rewritten leaves it invalid, and formatting then
         * would lose what the update kept; on a real first power-up nothing
         * validates anyway. */
        hv.layout_hash = hash;
        hv.flags = 0u;
        (void)pram_cell_set(&hc, &hv, sizeof hv);
    } else if (result != PRAM_REGION_WARM) {
        format_region(m, hash);
    }
    for (i = 0; i < m->ncells; i++)
        if (cell_status)
            cell_status[i] = pram_cell_status(m->cells[i]);
    for (i = 0; i < m->nbufs; i++) {
        rc = pram_buf_open(m->bufs[i]);
        if (buf_status)
            buf_status[i] = rc;
    }
    return result;
}

int pram_region_request_clear(const pram_region_map_t *m)
{
    pram_cell_t hc;
    pram_region_header_t hv;
    int rc = check_map(m);
    if (rc)
        return rc;
    header_cell(m, &hc);
    rc = pram_cell_get(&hc, &hv, sizeof hv);
    if (rc != PRAM_OK)
        return rc; /* not formatted yet: the next boot formats anyway */
    hv.flags |= PRAM_REGION_CLEAR_REQUESTED;
    return pram_cell_set(&hc, &hv, sizeof hv);
}
