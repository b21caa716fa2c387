/* pram — compact cells (pram/pram_compact.h; docs/compact.md).
 *
 * Slot: header word (tag | seq << 12 | CRC-16 << 16), then the value padded
 * to 4.  Commit order of a slot:
 *   1. header <- 0         the slot is invalid from here on
 *   2. value words         (skipped by an edit: the caller wrote in place)
 *   3. header <- new       commit point
 *   4. (A/B) the other slot's header <- 0   (retire)
 * A/B writes the slot that does not hold the newest valid value.  A header
 * store torn against the 0 before it keeps some bytes 0: a 0 high tag byte
 * fails bit 11, a 0 low tag byte is never a valid tag, and a tag intact with
 * a CRC byte 0 fails the CRC over unchanged bytes; so only the whole new
 * word commits.  A torn retire or invalidate (bytes of a valid header
 * zeroed) fails the same way or leaves the header as it was.
 *
 * A cell's geometry is (storage position, geo word: tag | size << 12 |
 * A/B << 19).  The core below is written once, always inlined, for a region
 * r; it is instantiated for ordinary memory (r NULL: plain loads and
 * stores, what the typed calls of cells in RAM link) and, with regions
 * enabled, for register files reached through their port.  Every access
 * goes through pram__load32/pram__store32 (pram_access.h). */
#include "pram/pram_compact.h"

#include "pram_mem.h"

#define G_TAG(g) ((g) & 0xFFFu)
#define G_SIZE(g) (((g) >> 12) & 0x7Fu)
#define G_AB(g) (PRAM_ENABLE_AB && ((g) & PRAM__COMPACT_GEO_AB))
#define G_PAD(g) ((G_SIZE(g) + 3u) & ~3u)
#define G_SLOT(g) (4u + G_PAD(g))
#define G_STORAGE(g) (G_SLOT(g) << (G_AB(g) ? 1 : 0))
/* Tags issued: index 0..1983 (31 schemas x 64 sizes). */
#define TAG_INDEXES (64u * (PRAM_COMPACT_MAX_SCHEMA + 1u))
/* find and open return a ticket: slot index (bit 0) | sequence << 4. */
#define T_INDEX(t) ((uint32_t)(t) & 1u)
#define T_SEQ(t) (((uint32_t)(t) >> 4) & 15u)

/* The value size a tag stands for, 0 if it is not a tag ever issued (bit 11
 * clear, low byte 0, or past the last index: 0x000 and 0xFFF among them). */
static uint32_t tag_size(uint32_t tag)
{
    uint32_t hi = (tag >> 8) & 0xFu, lo = tag & 0xFFu, i;
    if (hi < 8u || lo == 0u)
        return 0u;
    i = (hi - 8u) * 255u + lo - 1u;
    return i < TAG_INDEXES ? (i & 63u) + 1u : 0u;
}

/* 1 if 4-bit sequence a is newer than b: a - b in 1..7 (mod 16).  Both slots
 * are valid only after a reset between a commit and its retire, when the
 * newer is the older + 1. */
static int newer(uint32_t a, uint32_t b)
{
    return ((a - b) & 15u) - 1u < 7u;
}

/* CRC-16/CCITT-FALSE of the header's low half (low byte first) and `len`
 * value bytes as stored. */
static PRAM_ALWAYS_INLINE uint16_t c_crc(const pram_region_t *r, uintptr_t slot, uint32_t low,
                                         uint32_t len)
{
    uint8_t b[2];
    b[0] = (uint8_t)low;
    b[1] = (uint8_t)(low >> 8);
    return pram__crc16(pram_crc16(PRAM_CRC16_INIT, b, 2u), r, slot + 4u, len);
}

/* The slot at `slot` with `room` bytes after its header inside the cell's
 * storage, as untrusted input: its sequence (>= 0) if it holds our layout,
 * PRAM_ERR_LAYOUT if another size or schema's whose CRC checks over bytes
 * inside our storage, else PRAM_ERR_INVALID.  Single-slot cells seal
 * sequence 0, and accept no other. */
static PRAM_ALWAYS_INLINE int c_state(const pram_region_t *r, uintptr_t slot, uint32_t room,
                                      uint32_t mine, uint32_t ab)
{
    uint32_t h = pram__load32(r, slot), len = (tag_size(h & 0xFFFu) + 3u) & ~3u;
    if (!len || len > room || (!ab && (h & 0xF000u)) ||
        c_crc(r, slot, h & 0xFFFFu, len) != (uint16_t)(h >> 16))
        return PRAM_ERR_INVALID;
    return (h & 0xFFFu) == mine ? (int)((h >> 12) & 15u) : PRAM_ERR_LAYOUT;
}

static int ram_state(uintptr_t slot, uint32_t room, uint32_t mine, uint32_t ab)
{
    return c_state(NULL, slot, room, mine, ab);
}

/* The slot holding the committed value, as a ticket, or PRAM_ERR_INVALID /
 * PRAM_ERR_LAYOUT.  A/B: the valid slot with the newer sequence (slot 0 if
 * neither is newer); with none valid, LAYOUT if either slot is another
 * layout's. */
static PRAM_ALWAYS_INLINE int c_find(const pram_region_t *r, uintptr_t pos, uint32_t g);
/* Step 1: the target slot's header <- 0.  Single: slot 0, sequence 0.  A/B:
 * the slot not holding the newest valid value, its sequence + 1 (slot 0 and
 * sequence 1 with none valid).  Returns the ticket. */
static PRAM_ALWAYS_INLINE uint32_t c_open(const pram_region_t *r, uintptr_t pos, uint32_t g);

/* The instances for ordinary memory, one per mode, so that a program with
 * only single-slot cells links no A/B code. */
#define RAM_FIND(pos, g) (G_AB(g) ? pram__compact_ram_find2(pos, g) : pram__compact_ram_find1(pos, g))
#define RAM_SET(pos, g, v) (G_AB(g) ? pram__compact_ram_set2(pos, g, v) : pram__compact_ram_set1(pos, g, v))
#define RAM_INVALIDATE(pos, g) \
    (G_AB(g) ? pram__compact_ram_invalidate2(pos, g) : pram__compact_ram_invalidate1(pos, g))

#if PRAM_ENABLE_REGIONS
static int reg_state(const pram_region_t *r, uintptr_t slot, uint32_t room, uint32_t mine, uint32_t ab)
{
    return c_state(r, slot, room, mine, ab);
}
static int reg_find(const pram_region_t *r, uintptr_t pos, uint32_t g)
{
    return c_find(r, pos, g);
}
#  define STATE(r, slot, room, mine, ab) \
    (PRAM__PORTED(r) ? reg_state(r, slot, room, mine, ab) : ram_state(slot, room, mine, ab))
#  define FIND(r, pos, g) (PRAM__PORTED(r) ? reg_find(r, pos, g) : RAM_FIND(pos, g))
#else
#  define STATE(r, slot, room, mine, ab) ((void)(r), ram_state(slot, room, mine, ab))
#  define FIND(r, pos, g) ((void)(r), RAM_FIND(pos, g))
#endif

static PRAM_ALWAYS_INLINE int c_find(const pram_region_t *r, uintptr_t pos, uint32_t g)
{
    int st0 = STATE(r, pos, G_STORAGE(g) - 4u, G_TAG(g), G_AB(g)), st1;
    if (!G_AB(g))
        return st0 < 0 ? st0 : 0;
    st1 = STATE(r, pos + G_SLOT(g), G_SLOT(g) - 4u, G_TAG(g), 1u);
    if (st1 >= 0 && (st0 < 0 || newer((uint32_t)st1, (uint32_t)st0)))
        return 1 | (st1 << 4);
    if (st0 >= 0)
        return st0 << 4;
    return st0 == PRAM_ERR_INVALID ? st1 : st0;
}

static PRAM_ALWAYS_INLINE uint32_t c_open(const pram_region_t *r, uintptr_t pos, uint32_t g)
{
    uint32_t t = 0u;
    int f;
    if (G_AB(g)) {
        f = FIND(r, pos, g);
        t = f >= 0 ? (T_INDEX(f) ^ 1u) | (((T_SEQ(f) + 1u) & 15u) << 4) : 1u << 4;
    }
    pram__store32(r, pos + T_INDEX(t) * G_SLOT(g), 0u);
    return t;
}

/* Steps 3 and 4.  The CRC is over what memory holds, not the caller's copy.
 * The retire is issued after the commit reached memory. */
static PRAM_ALWAYS_INLINE void c_seal(const pram_region_t *r, uintptr_t pos, uint32_t g, uint32_t t)
{
    uint32_t low = G_TAG(g) | (T_SEQ(t) << 12);
    uintptr_t slot = pos + T_INDEX(t) * G_SLOT(g);
    pram__store32(r, slot, low | ((uint32_t)c_crc(r, slot, low, G_PAD(g)) << 16));
    pram__committed(r, slot, G_SLOT(g));
    if (G_AB(g)) {
        slot = pos + (T_INDEX(t) ^ 1u) * G_SLOT(g);
        pram__store32(r, slot, 0u);
        pram__committed(r, slot, 4u);
    }
}

static PRAM_ALWAYS_INLINE void c_set(const pram_region_t *r, uintptr_t pos, uint32_t g, const void *value)
{
    uint32_t cs = PRAM_CRITICAL_ENTER(), t = c_open(r, pos, g);
    pram__write(r, pos + T_INDEX(t) * G_SLOT(g) + 4u, value, G_SIZE(g));
    c_seal(r, pos, g, t);
    PRAM_CRITICAL_EXIT(cs);
}

/* A/B: first the slot a reader would not pick, so that a reset in between
 * leaves the newest value or none, never an older one. */
static PRAM_ALWAYS_INLINE void c_invalidate(const pram_region_t *r, uintptr_t pos, uint32_t g)
{
    uint32_t cs = PRAM_CRITICAL_ENTER(), first = 0u;
    int f;
    if (G_AB(g)) {
        f = FIND(r, pos, g);
        first = f >= 0 && !T_INDEX(f) ? 1u : 0u;
        pram__store32(r, pos + first * G_SLOT(g), 0u);
        first ^= 1u;
    }
    pram__store32(r, pos + first * G_SLOT(g), 0u);
    pram__committed(r, pos, G_STORAGE(g));
    PRAM_CRITICAL_EXIT(cs);
}

/* ---- Ordinary memory: what typed calls of cells in RAM link ------------------ */

#define SINGLE(g) ((g) & ~PRAM__COMPACT_GEO_AB)
#define DOUBLE(g) ((g) | PRAM__COMPACT_GEO_AB)

int pram__compact_ram_find1(uintptr_t pos, uint32_t g)
{
    return c_find(NULL, pos, SINGLE(g));
}

int pram__compact_ram_find2(uintptr_t pos, uint32_t g)
{
    return c_find(NULL, pos, DOUBLE(g));
}

void pram__compact_ram_set1(uintptr_t pos, uint32_t g, const void *value)
{
    c_set(NULL, pos, SINGLE(g), value);
}

void pram__compact_ram_set2(uintptr_t pos, uint32_t g, const void *value)
{
    c_set(NULL, pos, DOUBLE(g), value);
}

void pram__compact_ram_invalidate1(uintptr_t pos, uint32_t g)
{
    c_invalidate(NULL, pos, SINGLE(g));
}

void pram__compact_ram_invalidate2(uintptr_t pos, uint32_t g)
{
    c_invalidate(NULL, pos, DOUBLE(g));
}

#if PRAM_ENABLE_REGIONS
static void reg_set(const pram_region_t *r, uintptr_t pos, uint32_t g, const void *value)
{
    c_set(r, pos, g, value);
}
static void reg_invalidate(const pram_region_t *r, uintptr_t pos, uint32_t g)
{
    c_invalidate(r, pos, g);
}
#  define SET(r, pos, g, v) (PRAM__PORTED(r) ? reg_set(r, pos, g, v) : RAM_SET(pos, g, v))
#  define INVALIDATE(r, pos, g) \
    (PRAM__PORTED(r) ? reg_invalidate(r, pos, g) : RAM_INVALIDATE(pos, g))
#else
#  define SET(r, pos, g, v) ((void)(r), RAM_SET(pos, g, v))
#  define INVALIDATE(r, pos, g) ((void)(r), RAM_INVALIDATE(pos, g))
#endif

/* ---- By descriptor (generic API, cells in regions, edits) ---------------------- */

/* Everything the typed macros prove at compile time, and the storage. */
static int locate(const pram_compact_t *c, uintptr_t *pos, uint32_t *g)
{
    if (!c)
        return PRAM_ERR_NULL;
    if (c->size == 0u || c->size > PRAM_COMPACT_MAX_SIZE || c->tag > 0xFFFu ||
        tag_size(c->tag) != c->size ||
        (c->mode != PRAM_SINGLE && !(PRAM_ENABLE_AB && c->mode == PRAM_AB)))
        return PRAM_ERR_DESC;
    *g = PRAM__COMPACT_GEO(c->tag, c->size, c->mode);
    return pram__locate(c->region, c->addr, c->offset, G_STORAGE(*g), pos);
}

uint32_t pram_compact_storage_size(const pram_compact_t *c)
{
    if (!c || c->size == 0u || c->size > PRAM_COMPACT_MAX_SIZE)
        return 0u;
    return G_STORAGE(PRAM__COMPACT_GEO(c->tag, c->size, c->mode));
}

int pram_compact_status(const pram_compact_t *c)
{
    uintptr_t pos;
    uint32_t g;
    int rc = locate(c, &pos, &g);
    if (rc)
        return rc;
    rc = FIND(c->region, pos, g);
    return rc >= 0 ? PRAM_OK : rc;
}

int pram_compact_is_valid(const pram_compact_t *c)
{
    return pram_compact_status(c) == PRAM_OK;
}

/* NULL before size before the descriptor, as pram_cell_get/set. */
static int locate_io(const pram_compact_t *c, const void *p, size_t size, uintptr_t *pos, uint32_t *g)
{
    if (!c || !p)
        return PRAM_ERR_NULL;
    if (size != c->size)
        return PRAM_ERR_SIZE;
    return locate(c, pos, g);
}

int pram_compact_get(const pram_compact_t *c, void *out, size_t size)
{
    uintptr_t pos;
    uint32_t g;
    int rc = locate_io(c, out, size, &pos, &g);
    if (rc)
        return rc;
    rc = FIND(c->region, pos, g);
    if (rc < 0)
        return rc;
    pram__read(c->region, pos + T_INDEX(rc) * G_SLOT(g) + 4u, out, G_SIZE(g));
    return PRAM_OK;
}

int pram_compact_set(const pram_compact_t *c, const void *value, size_t size)
{
    uintptr_t pos;
    uint32_t g;
    int rc = locate_io(c, value, size, &pos, &g);
    if (rc)
        return rc;
    SET(c->region, pos, g, value);
    return PRAM_OK;
}

int pram_compact_invalidate(const pram_compact_t *c)
{
    uintptr_t pos;
    uint32_t g;
    int rc = locate(c, &pos, &g);
    if (rc)
        return rc;
    INVALIDATE(c->region, pos, g);
    return PRAM_OK;
}

/* Edits: ordinary memory only (a width-0 region is ordinary memory).
 * Errors in order: location, flags, access, alignment, then (KEEP) the
 * cell's state.  Opens the target slot; KEEP on A/B copies the current value
 * into it, ZERO zero-fills it (padding included). */
int pram_compact_edit_begin(const pram_compact_t *c, pram_compact_edit_t *e, unsigned flags)
{
    uintptr_t pos = 0u, slot;
    uint32_t t, cs, g = 0u;
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    e->cell = c;
    e->value = NULL;
    e->slot = 0u;
    e->seq = 0u;
    e->state = PRAM__EDIT_DONE;
    rc = locate(c, &pos, &g);
    if (!rc && (flags & ~(PRAM_EDIT_ZERO | PRAM__COMPACT_EDIT_ALIGN8)))
        rc = PRAM_ERR_FLAGS;
    else if (!rc && !pram__direct(c->region, pos))
        rc = PRAM_ERR_ACCESS;
    else if (!rc && (flags & PRAM__COMPACT_EDIT_ALIGN8))
        rc = PRAM_ERR_ALIGN;
    else if (!rc && !(flags & PRAM_EDIT_ZERO)) {
        rc = RAM_FIND(pos, g);
        rc = rc >= 0 ? PRAM_OK : rc;
    }
    e->result = rc;
    if (rc)
        return rc;
    cs = PRAM_CRITICAL_ENTER();
    t = c_open(NULL, pos, g);
    slot = pos + T_INDEX(t) * G_SLOT(g) + 4u;
    if (flags & PRAM_EDIT_ZERO)
        pram__zero(NULL, slot, G_PAD(g));
    else if (G_AB(g))
        pram__copy(NULL, slot, pos + (T_INDEX(t) ^ 1u) * G_SLOT(g) + 4u, G_PAD(g));
    PRAM_CRITICAL_EXIT(cs);
    e->value = (void *)slot;
    e->slot = (uint8_t)T_INDEX(t);
    e->seq = (uint8_t)T_SEQ(t);
    e->state = PRAM__EDIT_OPEN;
    return PRAM_OK;
}

int pram_compact_edit_commit(pram_compact_edit_t *e)
{
    uintptr_t pos;
    uint32_t cs, g;
    int rc;
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN)
        return PRAM_ERR_SCOPE;
    rc = locate(e->cell, &pos, &g);
    if (rc)
        return rc;
    if (e->slot >= (G_AB(g) ? 2u : 1u) || e->seq > 15u || (!G_AB(g) && e->seq) || !e->value ||
        !pram__direct(e->cell->region, pos) || (uintptr_t)e->value != pos + e->slot * G_SLOT(g) + 4u)
        return PRAM_ERR_SCOPE;
    e->state = PRAM__EDIT_DONE;
    e->value = NULL;
    e->result = PRAM_OK;
    cs = PRAM_CRITICAL_ENTER();
    c_seal(NULL, pos, g, e->slot | ((uint32_t)e->seq << 4));
    PRAM_CRITICAL_EXIT(cs);
    return PRAM_OK;
}

/* Nothing to undo: the target slot stays open (header 0); an A/B cell's
 * previous slot was never touched. */
int pram_compact_edit_abort(pram_compact_edit_t *e)
{
    if (!e)
        return PRAM_ERR_NULL;
    if (e->state != PRAM__EDIT_OPEN)
        return PRAM_ERR_SCOPE;
    e->state = PRAM__EDIT_ABORTED;
    e->value = NULL;
    e->result = PRAM_EDIT_ABORTED;
    return PRAM_OK;
}
