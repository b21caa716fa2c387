/* pram — internal: the cell core.  Included twice:
 *   src/pram_cell.c         cells in ordinary memory (region NULL): the
 *                           slot functions become pram__ram_find/open/seal/
 *                           invalidate, which typed cells call from code the
 *                           PRAM_CELL_DECLARE macros compile at each call
 *                           site with the cell's geometry as constants;
 *   src/pram_cell_region.c  cells in regions, reached only through a
 *                           region's port, so a program without regions
 *                           links none of it.
 * A cell's geometry is its storage position, its layout word and its shape
 * (slot size | A/B << 16).  The includer defines CORE_FIND, CORE_OPEN,
 * CORE_SEAL and CORE_INVALIDATE (the slot functions for its memory) and
 * CORE_WHERE(c, pos) (locates a descriptor's storage) for the descriptor
 * operations at the end.
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
#define MAGIC PRAM_MAGIC_CELL

#define SS(shape) (PRAM_ENABLE_AB ? (shape) & 0xFFFFu : (shape))
#define AB(shape) (PRAM_ENABLE_AB && ((shape) >> 16))
#define STORAGE(shape) (SS(shape) << (AB(shape) ? 1 : 0))
/* A ticket names the slot a write goes to and its sequence (both 0 for
 * single-slot cells, which lets the compiler drop them there). */
#define TICKET(index, seq) (((uint32_t)(index) << 16) | ((uint32_t)(seq) & 0xFFFFu))
#define TICKET_SLOT(pos, shape, ticket) ((pos) + (AB(shape) ? ((ticket) >> 16) * SS(shape) : 0u))
#define TICKET_SEQ(shape, ticket) (AB(shape) ? (ticket) & 0xFFFFu : 0u)

/* 1 if sequence a is newer than b in 16-bit serial arithmetic. */
static int newer(uint32_t a, uint32_t b)
{
    return (uint16_t)(a - b - 1u) < 0x7FFFu;
}

/* CRC-16/CCITT-FALSE over the layout word and the value (and the padding
 * between them, for values at 16) as stored, the register starting at
 * 0xFFFF ^ seq so that the sequence is covered too. */
static uint16_t slot_crc(const pram_region_t *r, uintptr_t slot, uint32_t layout, uint32_t seq)
{
    return pram__crc16((uint16_t)(PRAM_CRC16_INIT ^ seq), r, slot + OFF_LAYOUT,
                       PRAM__LAYOUT_END(layout) - OFF_LAYOUT);
}

/* The slot at `slot`, with `room` bytes of the cell's storage from there,
 * read as untrusted input: PRAM_OK (and *seq); PRAM_ERR_LAYOUT if it is a
 * committed slot of another layout (size, schema or kind: its own CRC
 * checks, over a span inside our storage); else PRAM_ERR_INVALID.  The
 * stored span is believed only once bounded by room. */
static int slot_state(const pram_region_t *r, uintptr_t slot, uint32_t room, uint32_t mine,
                      uint32_t *seq)
{
    uint32_t layout, seal;
    if (pram__load32(r, slot) != MAGIC)
        return PRAM_ERR_INVALID;
    seal = pram__load32(r, slot + OFF_SEAL);
    layout = pram__load32(r, slot + OFF_LAYOUT);
    /* 1 <= span <= room - 12, in one unsigned compare (room is at least 16:
     * a slot holds a 12-byte header and a value, padded to 4). */
    if (PRAM__LAYOUT_SPAN(layout) - 1u >= room - 12u ||
        slot_crc(r, slot, layout, seal & 0xFFFFu) != (uint16_t)(seal >> 16))
        return PRAM_ERR_INVALID;
    *seq = seal & 0xFFFFu;
    return layout != mine ? PRAM_ERR_LAYOUT : PRAM_OK;
}

/* The slot holding the committed value: its index (0 or 1) and *seq, or
 * the cell's state, PRAM_ERR_INVALID or PRAM_ERR_LAYOUT.  A/B: the valid
 * slot with the newer sequence wins (both are valid only after a reset
 * between a commit and its retire); equal ones pick slot 0; with none
 * valid, LAYOUT if either slot is another layout's. */
static int t_find(const pram_region_t *r, uintptr_t pos, uint32_t layout, uint32_t shape,
                  uint32_t *seq)
{
    uint32_t s1 = 0u;
    int st0, st1;
    *seq = 0u;
    st0 = slot_state(r, pos, STORAGE(shape), layout, seq);
    if (!AB(shape))
        return st0;
    st1 = slot_state(r, pos + SS(shape), SS(shape), layout, &s1);
    if (st1 == PRAM_OK && (st0 || newer(s1, *seq))) {
        *seq = s1;
        return 1;
    }
    return st0 == PRAM_ERR_INVALID ? st1 : st0;
}

/* Step 1 of a write: pick the target slot and open it (magic <- 0).
 * Single: slot 0, no read.  A/B: the slot not holding the current value,
 * with its sequence + 1.  Only the magic words are read while at most one
 * slot holds the magic (every state at rest): the new value goes to the
 * other slot, right whether or not the magic one checks, since the retire
 * then clears it.  With both magic words set, the current value is found;
 * with nothing valid, slot 0 and sequence 1.  Returns the ticket. */
static uint32_t t_open(const pram_region_t *r, uintptr_t pos, uint32_t layout, uint32_t shape)
{
    uint32_t index = 0u, seq = 0u;
    int m0, m1, st;
    if (AB(shape)) {
        m0 = pram__load32(r, pos) == MAGIC;
        m1 = pram__load32(r, pos + SS(shape)) == MAGIC;
        seq = 1u;
        if (m0 && m1) {
            st = t_find(r, pos, layout, shape, &seq);
            index = st == 0 ? 1u : 0u;
            seq = st >= 0 ? seq + 1u : 1u;
        } else if (m0 || m1) {
            index = m0 ? 1u : 0u;
            seq = pram__load32(r, pos + (m0 ? 0u : SS(shape)) + OFF_SEAL) + 1u;
        }
    }
    pram__store32(r, TICKET_SLOT(pos, shape, TICKET(index, 0u)), 0u);
    return TICKET(index, seq);
}

/* Steps 3-5, and 6 for A/B.  The CRC is over what memory now holds, not the
 * caller's copy: the seal then vouches for the stored bytes even if a write
 * did not take.  The retire is issued only after the commit reached memory,
 * and is flushed too: a retire lost in a cache at reset would let a later
 * corruption of the new slot bring the stale value back as current. */
static void t_seal(const pram_region_t *r, uintptr_t pos, uint32_t layout, uint32_t shape,
                   uint32_t ticket)
{
    uintptr_t slot = TICKET_SLOT(pos, shape, ticket);
    uint32_t seq = TICKET_SEQ(shape, ticket);
    pram__store32(r, slot + OFF_LAYOUT, layout);
    pram__store32(r, slot + OFF_SEAL, seq | ((uint32_t)slot_crc(r, slot, layout, seq) << 16));
    pram__store32(r, slot, MAGIC);
    pram__committed(r, slot, SS(shape));
    if (AB(shape)) {
        slot = TICKET_SLOT(pos, shape, ticket ^ 0x10000u);
        pram__store32(r, slot, 0u);
        pram__committed(r, slot, 4u);
    }
}

/* A/B: first the slot a reader would not pick (by sequence alone, as a
 * reader orders two valid slots), so that a reset in between leaves the
 * newest value or none, never an older one; no CRC is needed for that.
 * Single-slot: one store, no read. */
static void t_invalidate(const pram_region_t *r, uintptr_t pos, uint32_t shape)
{
    uintptr_t newest = pos;
    if (AB(shape)) {
        if (newer(pram__load32(r, pos + SS(shape) + OFF_SEAL), pram__load32(r, pos + OFF_SEAL)))
            newest += SS(shape);
        pram__store32(r, newest == pos ? pos + SS(shape) : pos, 0u);
    }
    pram__store32(r, newest, 0u);
    pram__committed(r, pos, STORAGE(shape));
}

/* ---- Operations on a descriptor (generic API, cells in regions, edits) ------ */

static uint32_t shape_of(const pram_cell_t *c)
{
    return (uint32_t)c->slot_size | (PRAM_ENABLE_AB && c->mode == PRAM_AB ? 0x10000u : 0u);
}

static PRAM_ALWAYS_INLINE int core_status(const pram_cell_t *c)
{
    uintptr_t pos;
    int rc = CORE_WHERE(c, &pos);
    if (rc)
        return rc;
    rc = CORE_FIND(c, pos, pram__layout_of(c), shape_of(c));
    return rc > 0 ? PRAM_OK : rc;
}

static PRAM_ALWAYS_INLINE int core_get(const pram_cell_t *c, void *out)
{
    uintptr_t pos;
    int rc = CORE_WHERE(c, &pos);
    if (rc)
        return rc;
    rc = CORE_FIND(c, pos, pram__layout_of(c), shape_of(c));
    if (rc < 0)
        return rc;
    pram__read(CORE_R(c), pos + (uint32_t)rc * c->slot_size + c->value_offset, out, c->size);
    return PRAM_OK;
}

static PRAM_ALWAYS_INLINE int core_set(const pram_cell_t *c, const void *value)
{
    uintptr_t pos;
    uint32_t ticket, cs;
    int rc = CORE_WHERE(c, &pos);
    if (rc)
        return rc;
    cs = PRAM_CRITICAL_ENTER();
    ticket = CORE_OPEN(c, pos, pram__layout_of(c), shape_of(c));
    pram__write(CORE_R(c), TICKET_SLOT(pos, shape_of(c), ticket) + c->value_offset, value,
                c->size);
    CORE_SEAL(c, pos, pram__layout_of(c), shape_of(c), ticket);
    PRAM_CRITICAL_EXIT(cs);
    return PRAM_OK;
}

static PRAM_ALWAYS_INLINE int core_invalidate(const pram_cell_t *c)
{
    uintptr_t pos;
    uint32_t cs;
    int rc = CORE_WHERE(c, &pos);
    if (rc)
        return rc;
    cs = PRAM_CRITICAL_ENTER();
    CORE_INVALIDATE(c, pos, shape_of(c));
    PRAM_CRITICAL_EXIT(cs);
    return PRAM_OK;
}

/* Opens the target slot; KEEP on A/B copies the current value into it, ZERO
 * zero-fills it.  Errors in order: location, flags, access, then (KEEP) the
 * cell's state. */
static PRAM_ALWAYS_INLINE int core_edit_begin(const pram_cell_t *c, pram_edit_t *e, unsigned flags)
{
    const pram_region_t *r = CORE_R(c);
    uintptr_t pos, slot;
    uint32_t ticket, cs;
    int st;
    e->cell = c;
    e->value = NULL;
    e->state = PRAM__EDIT_DONE;
    st = CORE_WHERE(c, &pos);
    if (!st && (flags & ~PRAM_EDIT_ZERO))
        st = PRAM_ERR_FLAGS;
    else if (!st && !pram__direct(r, pos))
        st = PRAM_ERR_ACCESS;
    else if (!st && !(flags & PRAM_EDIT_ZERO)) {
        st = CORE_FIND(c, pos, pram__layout_of(c), shape_of(c));
        st = st > 0 ? PRAM_OK : st;
    }
    e->result = st;
    if (st)
        return st;
    cs = PRAM_CRITICAL_ENTER();
    ticket = CORE_OPEN(c, pos, pram__layout_of(c), shape_of(c));
    slot = TICKET_SLOT(pos, shape_of(c), ticket) + c->value_offset;
    if (flags & PRAM_EDIT_ZERO)
        pram__zero(r, slot, c->size);
    else if (AB(shape_of(c)))
        pram__copy(r, slot, TICKET_SLOT(pos, shape_of(c), ticket ^ 0x10000u) + c->value_offset,
                   c->size);
    PRAM_CRITICAL_EXIT(cs);
    e->value = pram__direct(r, slot);
    e->slot = (uint8_t)(ticket >> 16);
    e->seq = (uint16_t)ticket;
    e->state = PRAM__EDIT_OPEN;
    return PRAM_OK;
}

/* The edit is caller-owned RAM (its state and cell checked by the caller):
 * its slot and value pointer must be the ones begin handed out. */
static PRAM_ALWAYS_INLINE int core_edit_commit(const pram_cell_t *c, pram_edit_t *e)
{
    uintptr_t pos;
    uint32_t ticket, cs;
    int rc = CORE_WHERE(c, &pos);
    if (rc)
        return rc;
    ticket = TICKET(e->slot, e->seq);
    if (e->slot >= (AB(shape_of(c)) ? 2u : 1u) || !e->value ||
        e->value != pram__direct(CORE_R(c), TICKET_SLOT(pos, shape_of(c), ticket) + c->value_offset))
        return PRAM_ERR_SCOPE;
    e->state = PRAM__EDIT_DONE;
    e->value = NULL;
    e->result = PRAM_OK;
    cs = PRAM_CRITICAL_ENTER();
    CORE_SEAL(c, pos, pram__layout_of(c), shape_of(c), ticket);
    PRAM_CRITICAL_EXIT(cs);
    return PRAM_OK;
}

#endif /* PRAM_CELL_CORE_H */
