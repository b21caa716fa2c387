/* The cell tests' oracle: see cell_model.h. */
#include "cell_model.h"

#include <string.h>

#include "ref_crc.h"

uint32_t rd32(const uint8_t *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

void wr32(uint8_t *p, uint32_t w)
{
    memcpy(p, &w, 4);
}

uint32_t ref_layout_kind(size_t vo, size_t size, unsigned kind, uint16_t schema)
{
    return (uint32_t)(size + vo - 12u) | ((uint32_t)kind << 13) | (vo == 16u ? 0x8000u : 0u) |
           ((uint32_t)schema << 16);
}

uint32_t ref_layout(size_t vo, size_t size, uint16_t schema)
{
    return ref_layout_kind(vo, size, REF_KIND_CELL, schema);
}

int ref_valid(const uint8_t *s, size_t vo, size_t size, uint16_t schema, uint16_t *seq)
{
    uint32_t layout = ref_layout(vo, size, schema), seal;
    if (rd32(s) != CELL_MAGIC || rd32(s + 8) != layout)
        return 0;
    seal = rd32(s + 4);
    if ((uint16_t)(seal >> 16) != ref_slot_crc(s, layout, (uint16_t)seal))
        return 0;
    if (seq)
        *seq = (uint16_t)seal;
    return 1;
}

int ref_state(const uint8_t *s, size_t vo, size_t size, uint16_t schema, size_t room,
              uint16_t *seq)
{
    uint32_t stored, seal;
    size_t span;
    if (rd32(s) != CELL_MAGIC)
        return PRAM_ERR_INVALID;
    stored = rd32(s + 8);
    seal = rd32(s + 4);
    /* Only the span says where the covered bytes end; bit 15 and the kind
     * (bits 13-14) are part of the identity, not of the bound. */
    span = stored & 0x1FFFu;
    if (span == 0u || 12u + span > room)
        return PRAM_ERR_INVALID;
    if ((uint16_t)(seal >> 16) != ref_slot_crc(s, stored, (uint16_t)seal))
        return PRAM_ERR_INVALID;
    if (seq)
        *seq = (uint16_t)seal;
    return stored == ref_layout(vo, size, schema) ? PRAM_OK : PRAM_ERR_LAYOUT;
}

void ref_craft_layout(uint8_t *s, uint32_t layout, uint16_t seq, const void *value)
{
    size_t vo = (layout & 0x8000u) ? 16u : 12u, end = 12u + (layout & 0x1FFFu);
    memset(s + 12, 0, (end < vo ? end : vo) - 12u);
    if (end > vo)
        memcpy(s + vo, value, end - vo);
    wr32(s, CELL_MAGIC);
    wr32(s + 8, layout);
    wr32(s + 4, (uint32_t)seq | ((uint32_t)ref_slot_crc(s, layout, seq) << 16));
}

void ref_craft(uint8_t *s, size_t vo, size_t size, uint16_t schema, uint16_t seq,
               const void *value)
{
    ref_craft_layout(s, ref_layout(vo, size, schema), seq, value);
}

uint8_t *cell_mem(const pram_cell_t *c)
{
    if (c->region)
        return (uint8_t *)(uintptr_t)c->region->base + c->offset;
    return (uint8_t *)c->addr;
}

uint8_t *mem_of(const cell_case_t *k)
{
    return cell_mem(k->cell);
}

size_t nslots(const cell_case_t *k)
{
    return k->mode == PRAM_AB ? 2u : 1u;
}

size_t storage_len(const cell_case_t *k)
{
    return k->ss * nslots(k);
}

int count_magic(const cell_case_t *k)
{
    int n = rd32(mem_of(k)) == CELL_MAGIC;
    if (k->mode == PRAM_AB)
        n += rd32(mem_of(k) + k->ss) == CELL_MAGIC;
    return n;
}

int count_valid(const cell_case_t *k)
{
    int n = ref_valid(mem_of(k), k->vo, k->size, k->schema, NULL);
    if (k->mode == PRAM_AB)
        n += ref_valid(mem_of(k) + k->ss, k->vo, k->size, k->schema, NULL);
    return n;
}

int ref_newest(const cell_case_t *k, uint16_t *seq, int *ambiguous)
{
    uint16_t s0 = 0, s1 = 0;
    int ok0 = ref_valid(mem_of(k), k->vo, k->size, k->schema, &s0);
    int ok1 = k->mode == PRAM_AB && ref_valid(mem_of(k) + k->ss, k->vo, k->size, k->schema, &s1);
    uint16_t d = (uint16_t)(s1 - s0);
    int pick = -1;
    if (ok0 && ok1)
        pick = d != 0u && d < 0x8000u ? 1 : 0;
    else if (ok0)
        pick = 0;
    else if (ok1)
        pick = 1;
    if (seq)
        *seq = pick == 1 ? s1 : s0;
    if (ambiguous)
        *ambiguous = ok0 && ok1 && (d == 0u || d == 0x8000u);
    return pick;
}

int ref_cell_state(const cell_case_t *k, int *pick)
{
    uint16_t s0 = 0, s1 = 0;
    int st0, st1, p = -1, st;
    if (k->mode != PRAM_AB) {
        st = ref_state(mem_of(k), k->vo, k->size, k->schema, k->ss, NULL);
        if (st == PRAM_OK)
            p = 0;
    } else {
        st0 = ref_state(mem_of(k), k->vo, k->size, k->schema, 2u * k->ss, &s0);
        st1 = ref_state(mem_of(k) + k->ss, k->vo, k->size, k->schema, k->ss, &s1);
        if (st0 == PRAM_OK && st1 == PRAM_OK)
            p = (uint16_t)(s1 - s0) >= 1u && (uint16_t)(s1 - s0) <= 0x7FFFu ? 1 : 0;
        else if (st0 == PRAM_OK)
            p = 0;
        else if (st1 == PRAM_OK)
            p = 1;
        if (p >= 0)
            st = PRAM_OK;
        else if (st0 == PRAM_ERR_LAYOUT || st1 == PRAM_ERR_LAYOUT)
            st = PRAM_ERR_LAYOUT;
        else
            st = PRAM_ERR_INVALID;
    }
    if (pick)
        *pick = p;
    return st;
}

size_t value_words(size_t size)
{
    return (size + 3u) / 4u;
}

size_t commit_store(const cell_case_t *k)
{
    return value_words(k->size) + 4u;
}

size_t set_stores(const cell_case_t *k)
{
    return commit_store(k) + (k->mode == PRAM_AB ? 1u : 0u);
}

void op_cell_set(void *cell_op)
{
    cell_op_t *x = (cell_op_t *)cell_op;
    x->rc = pram_cell_set(x->cell, x->value, x->size);
}

void op_cell_invalidate(void *cell_op)
{
    cell_op_t *x = (cell_op_t *)cell_op;
    x->rc = pram_cell_invalidate(x->cell);
}

void op_typed_set(void *cell_op)
{
    cell_op_t *x = (cell_op_t *)cell_op;
    x->rc = x->typed->set(x->value);
}

void op_typed_invalidate(void *cell_op)
{
    cell_op_t *x = (cell_op_t *)cell_op;
    x->rc = x->typed->invalidate();
}
