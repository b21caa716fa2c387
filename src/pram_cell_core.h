/* pram — internal: the cell core, one small function per operation over a
 * shared slot check (slot_state) and seal.  Included twice:
 *   src/pram_cell.c         cells at addresses (ordinary memory, plain
 *                           accesses), the path every .noinit cell takes;
 *   src/pram_cell_region.c  cells in regions, reached only through a
 *                           region's port, so a program without regions
 *                           links none of it.
 * The includer defines CORE_R(c), the region accesses go through (NULL for
 * plain memory), and CORE_WHERE(c, pos), which locates the storage.
 *
 * Slot: magic, seal (sequence | CRC-16 << 16), layout, value (docs/design.md
 * has byte layouts).  Commit order of a slot:
 *   1. magic <- 0          the slot is now invalid, whatever follows
 *   2. value words         (skipped by an edit: the caller wrote in place)
 *   3. layout word
 *   4. seal word           sequence | CRC-16 over layout and value
 *   5. magic <- MAGIC      commit point; a torn word here is not MAGIC
 * A reset anywhere before 5 leaves the slot invalid; A/B cells write the slot
 * that does not hold the current value, so that one stays readable, and
 *   6. other slot's magic <- 0   (A/B) the old value is no longer needed
 * so that at rest exactly one slot is valid. */
#ifndef PRAM_CELL_CORE_H
#define PRAM_CELL_CORE_H

#include "pram_cell_internal.h"

#define OFF_SEAL 4u
#define OFF_LAYOUT 8u
#define HEADER_SIZE 12u

#if PRAM_ENABLE_AB
#  define IS_AB(c) ((c)->mode == PRAM_AB)
#else
#  define IS_AB(c) ((void)(c), 0)
#endif

/* One call's view of a cell: where it is and which slot an operation reads
 * or writes. */
typedef struct {
    uintptr_t pos;  /* storage start (address, or offset in a region) */
    uintptr_t slot; /* the slot holding the value / the target slot    */
    uint16_t seq;   /* that slot's sequence                             */
} view_t;

/* The cell's state, or a location error: only the former lets a write go on. */
static int is_state(int st)
{
    return st == PRAM_OK || st == PRAM_ERR_INVALID || st == PRAM_ERR_LAYOUT;
}

/* CRC-16/CCITT-FALSE over the layout word and the value (and the padding
 * between them, for values at 16) as stored, the register starting at
 * 0xFFFF ^ seq so that the sequence is covered too. */
static uint16_t slot_crc(const pram_region_t *r, uintptr_t slot, uint32_t layout, uint16_t seq)
{
    return pram__crc16((uint16_t)(PRAM_CRC16_INIT ^ seq), r, slot + OFF_LAYOUT,
                       PRAM__LAYOUT_END(layout) - OFF_LAYOUT);
}

/* The slot at `slot`, with `room` bytes of this cell's storage from there,
 * read as untrusted input: PRAM_OK (and *seq); PRAM_ERR_LAYOUT if it is a
 * committed slot of another size or schema (its own CRC checks, over a value
 * inside our storage); else PRAM_ERR_INVALID.  The stored size is believed
 * only once bounded by room. */
static int slot_state(const pram_cell_t *c, uintptr_t slot, uint32_t room, uint16_t *seq)
{
    const pram_region_t *r = CORE_R(c);
    uint32_t layout, seal;
    if (pram__load32(r, slot) != c->magic)
        return PRAM_ERR_INVALID;
    seal = pram__load32(r, slot + OFF_SEAL);
    layout = pram__load32(r, slot + OFF_LAYOUT);
    if (!PRAM__LAYOUT_SIZE(layout) || PRAM__LAYOUT_END(layout) > room ||
        slot_crc(r, slot, layout, (uint16_t)seal) != (uint16_t)(seal >> 16))
        return PRAM_ERR_INVALID;
    *seq = (uint16_t)seal;
    return layout == pram__layout_of(c) ? PRAM_OK : PRAM_ERR_LAYOUT;
}

/* Locate, then find the slot holding the committed value (v->slot; slot 0
 * if none).  A/B: the valid slot with the newer sequence in 16-bit serial
 * arithmetic wins (both are valid only after a reset between a commit and
 * its retire); equal ones pick slot 0; with none valid, LAYOUT if either
 * slot is another layout's.  Returns the state or a location error. */
static int find(const pram_cell_t *c, view_t *v)
{
    uint16_t seq1 = 0u;
    int st = CORE_WHERE(c, &v->pos), st1;
    v->slot = v->pos;
    v->seq = 0u;
    if (st)
        return st;
    st = slot_state(c, v->pos, pram__cell_storage(c), &v->seq);
    if (IS_AB(c)) {
        st1 = slot_state(c, v->pos + c->slot_size, c->slot_size, &seq1);
        if (st1 == PRAM_OK && (st || (uint16_t)(seq1 - v->seq - 1u) < 0x7FFFu)) {
            v->slot += c->slot_size;
            v->seq = seq1;
            st = PRAM_OK;
        } else if (st == PRAM_ERR_INVALID) {
            st = st1;
        }
    }
    return st;
}

/* Aim a view at the other slot of an A/B cell, with the next sequence: the
 * target of a write while v->slot holds the current value. */
static void aim_other(const pram_cell_t *c, view_t *v)
{
    v->slot = v->pos + (v->slot == v->pos ? c->slot_size : 0u);
    v->seq++;
}

/* Locate and aim for set.  Single-slot reads nothing.  A/B reads only the
 * magic words while at most one slot holds the magic (every state at rest):
 * the new value goes to the other slot with that one's sequence + 1, which
 * is right whether or not the magic one checks, since the retire then clears
 * it.  With both magic words set it finds the current value.  Returns a
 * location error or the cell's state. */
static int prepare(const pram_cell_t *c, view_t *v)
{
    const pram_region_t *r = CORE_R(c);
    uintptr_t other;
    int st = CORE_WHERE(c, &v->pos), m0, m1;
    v->slot = v->pos;
    v->seq = 0u;
    if (st || !IS_AB(c))
        return st;
    other = v->pos + c->slot_size;
    m0 = pram__load32(r, v->pos) == c->magic;
    m1 = pram__load32(r, other) == c->magic;
    if (m0 && m1) {
        st = find(c, v);
    } else if (m0 || m1) {
        v->slot = m0 ? v->pos : other;
        v->seq = (uint16_t)pram__load32(r, v->slot + OFF_SEAL);
    }
    if (st == PRAM_OK && (m0 || m1)) {
        aim_other(c, v);
    } else {
        v->slot = v->pos; /* nothing valid: slot 0, sequence 1 */
        v->seq = 1u;
    }
    return st;
}

/* Steps 3-5, and 6 for A/B.  The CRC is over what memory now holds, not the
 * caller's copy: the seal then vouches for the stored bytes even if a write
 * did not take.  The retire is issued only after the commit reached memory,
 * and is flushed too: a retire lost in a cache at reset would let a later
 * corruption of the new slot bring the stale value back as current. */
static void seal(const pram_cell_t *c, const view_t *v)
{
    const pram_region_t *r = CORE_R(c);
    uint32_t layout = pram__layout_of(c);
    pram__store32(r, v->slot + OFF_LAYOUT, layout);
    pram__store32(r, v->slot + OFF_SEAL,
                  (uint32_t)v->seq | ((uint32_t)slot_crc(r, v->slot, layout, v->seq) << 16));
    pram__store32(r, v->slot, c->magic);
    pram__committed(r, v->slot, c->slot_size);
    if (IS_AB(c)) {
        uintptr_t other = v->pos + (v->slot == v->pos ? c->slot_size : 0u);
        pram__store32(r, other, 0u);
        pram__committed(r, other, 4u);
    }
}

/* ---- The operations ---------------------------------------------------------- */

static PRAM_ALWAYS_INLINE int core_status(const pram_cell_t *c)
{
    view_t v;
    return find(c, &v);
}

static PRAM_ALWAYS_INLINE int core_get(const pram_cell_t *c, void *out)
{
    view_t v;
    int st = find(c, &v);
    if (st == PRAM_OK)
        pram__read(CORE_R(c), v.slot + c->value_offset, out, c->size);
    return st;
}

static PRAM_ALWAYS_INLINE int core_set(const pram_cell_t *c, const void *value)
{
    view_t v;
    int st = prepare(c, &v);
    if (!is_state(st))
        return st;
    pram__store32(CORE_R(c), v.slot, 0u);
    pram__write(CORE_R(c), v.slot + c->value_offset, value, c->size);
    seal(c, &v);
    return PRAM_OK;
}

/* A/B: the slot a reader would not pick first (by sequence alone, as a
 * reader orders two valid slots), so that a reset in between leaves the
 * newest value or none, never an older one; no CRC is needed for that.
 * Single-slot: one store, no read. */
static PRAM_ALWAYS_INLINE int core_invalidate(const pram_cell_t *c)
{
    const pram_region_t *r = CORE_R(c);
    uintptr_t pos, newer;
    int st = CORE_WHERE(c, &pos);
    if (st)
        return st;
    newer = pos;
    if (IS_AB(c)) {
        if ((uint16_t)(pram__load32(r, pos + c->slot_size + OFF_SEAL) -
                       pram__load32(r, pos + OFF_SEAL) - 1u) < 0x7FFFu)
            newer += c->slot_size;
        pram__store32(r, newer == pos ? pos + c->slot_size : pos, 0u);
    }
    pram__store32(r, newer, 0u);
    pram__committed(r, pos, pram__cell_storage(c));
    return PRAM_OK;
}

/* Opens the target slot; KEEP on A/B copies the current value into it, ZERO
 * zero-fills it.  Errors in order: location, flags, access, then (KEEP) the
 * cell's state. */
static PRAM_ALWAYS_INLINE int core_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    const pram_region_t *r = CORE_R(c);
    view_t v;
    uintptr_t cur;
    int st, rc;
    e->cell = c;
    e->value = NULL;
    e->state = PRAM__EDIT_DONE;
    st = find(c, &v);
    rc = st;
    if (is_state(st)) {
        if (flags & ~PRAM_EDIT_ZERO)
            rc = PRAM_ERR_FLAGS;
        else if (!pram__direct(r, v.pos))
            rc = PRAM_ERR_ACCESS;
        else if (flags & PRAM_EDIT_ZERO)
            rc = PRAM_OK;
    }
    e->result = rc;
    if (rc)
        return rc;
    cur = v.slot + c->value_offset;
    if (IS_AB(c) && st == PRAM_OK) {
        aim_other(c, &v);
    } else {
        v.slot = v.pos;
        v.seq = IS_AB(c) ? 1u : 0u;
    }
    pram__store32(r, v.slot, 0u);
    if (flags & PRAM_EDIT_ZERO)
        pram__zero(r, v.slot + c->value_offset, c->size);
    else if (IS_AB(c))
        pram__copy(r, v.slot + c->value_offset, cur, c->size);
    e->value = pram__direct(r, v.slot + c->value_offset);
    e->slot = (uint8_t)(v.slot != v.pos);
    e->seq = v.seq;
    e->state = PRAM__EDIT_OPEN;
    return PRAM_OK;
}

/* The edit is caller-owned RAM (its state and cell checked by the caller):
 * its slot and value pointer must be the ones begin handed out. */
static PRAM_ALWAYS_INLINE int core_edit_commit(const pram_cell_t *c, pram_edit_t *e)
{
    view_t v;
    int rc = CORE_WHERE(c, &v.pos);
    if (rc)
        return rc;
    v.slot = v.pos + e->slot * c->slot_size;
    v.seq = e->seq;
    if (e->slot >= (IS_AB(c) ? 2u : 1u) || !e->value ||
        e->value != pram__direct(CORE_R(c), v.slot + c->value_offset))
        return PRAM_ERR_SCOPE;
    e->state = PRAM__EDIT_DONE;
    e->value = NULL;
    e->result = PRAM_OK;
    seal(c, &v);
    return PRAM_OK;
}

#endif /* PRAM_CELL_CORE_H */
