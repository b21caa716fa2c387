/* pram — compact cells: values of up to 64 bytes behind one 32-bit header
 * word per slot, for a handful of backup registers.
 *
 *   PRAM_COMPACT_DECLARE(boots, uint32_t, 1, PRAM_AB);   // in a header
 *   PRAM_COMPACT_DEFINE(boots);                          // in one .c: 16 bytes of .noinit
 *   uint32_t n;
 *   if (boots_get(&n) != PRAM_OK) n = 0;
 *   n++;
 *   boots_set(&n);
 *
 * A slot is a header word, then the value padded to 4 bytes (a uint32_t:
 * 8 bytes single-slot, 16 A/B).  The header word (native-endian):
 *   bits  0-11  layout tag, from (size, schema): see PRAM__COMPACT_TAG
 *   bits 12-15  sequence (A/B; always 0 in a single-slot cell)
 *   bits 16-31  CRC-16/CCITT-FALSE over the header's bits 0-7, bits 8-15
 *               (in that order) and the padded value bytes as stored
 * Valid tags have bit 11 set and a non-zero low byte, and are never 0xFFF:
 * zeroed or 0xFF storage never validates, and neither can a header store
 * torn against the 0 that precedes it in every commit (docs/compact.md).
 * Commit orders, false-accept rates and the price against ordinary cells
 * are in docs/compact.md.
 *
 * Same typed calls as PRAM_CELL_DECLARE: name_get, name_set, name_status,
 * name_is_valid, name_invalidate, name_edit_begin/commit/abort (ordinary
 * memory only: PRAM_ERR_ACCESS in a width-restricted region; PRAM_ERR_ALIGN
 * for types aligned to 8, whose value would sit 4 bytes off their
 * alignment).  Schema: 0..30 (PRAM_COMPACT_MAX_SCHEMA).  A changed schema
 * with the same size reads PRAM_ERR_LAYOUT (the CRC verifies under the
 * stored tag, which also names the stored size); a changed size reads
 * PRAM_ERR_LAYOUT where the old slot lies inside the new storage (the type
 * grew), else PRAM_ERR_INVALID; never a value of the old layout.  Typed
 * calls of cells in ordinary memory compile to one call each with the
 * cell's geometry folded; cells in regions go through the descriptor.
 */
#ifndef PRAM_COMPACT_H
#define PRAM_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "pram_cell.h"
#include "pram_config.h"
#include "pram_error.h"
#include "pram_migrate.h"
#include "pram_region.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PRAM_COMPACT_MAX_SIZE 64u
#define PRAM_COMPACT_MAX_SCHEMA 30u

/* Layout tag of (size 1..64, schema 0..30): index i = schema * 64 + size - 1
 * (0..1983), written in base 255 over the tags whose high nibble is 8..15
 * and whose low byte is 1..255: tag = (8 + i / 255) << 8 | (1 + i % 255).
 * One-to-one, so size and schema can be read back from a header. */
#define PRAM__COMPACT_INDEX(size, schema) ((uint32_t)(schema) * 64u + (uint32_t)(size) - 1u)
#define PRAM__COMPACT_TAG(size, schema)                                   \
    ((((PRAM__COMPACT_INDEX(size, schema) / 255u) + 8u) << 8) |          \
     (PRAM__COMPACT_INDEX(size, schema) % 255u + 1u))
#define PRAM__COMPACT_PAD(size) (((uint32_t)(size) + 3u) & ~3u)
/* Bytes of one slot: header word + value padded to 4. */
#define PRAM_COMPACT_SLOT_SIZE(size) (4u + PRAM__COMPACT_PAD(size))
#define PRAM__COMPACT_SLOTS(mode) ((mode) == PRAM_AB ? 2u : 1u)

/* Descriptor (const, in flash).  Set it through the DEFINE macros. */
typedef struct pram_compact {
    void *addr;                  /* storage, 4-aligned, when region == NULL */
    const pram_region_t *region; /* NULL: ordinary RAM at addr              */
    uint32_t offset;             /* storage offset in region (4-aligned)    */
    uint16_t tag;                /* PRAM__COMPACT_TAG(size, schema)          */
    uint8_t size;                /* sizeof(value), 1..64                     */
    uint8_t mode;                /* PRAM_SINGLE or PRAM_AB                   */
} pram_compact_t;

/* An edit in progress (caller-owned RAM, checked by every call). */
typedef struct pram_compact_edit {
    const pram_compact_t *cell;
    void *value; /* points into persistent memory while open */
    int result;
    uint8_t slot;
    uint8_t seq;
    uint8_t state; /* PRAM__EDIT_* (pram_cell.h) */
} pram_compact_edit_t;
#define PRAM_COMPACT_EDIT_INIT { PRAM__NULL, PRAM__NULL, 0, 0u, 0u, PRAM__EDIT_IDLE }
/* A cell's geometry as the typed calls pass it: tag | size << 12 | A/B << 19. */
#define PRAM__COMPACT_GEO_AB 0x80000u
#define PRAM__COMPACT_GEO(tag, size, mode)                         \
    ((uint32_t)(tag) | ((uint32_t)(size) << 12) |                  \
     ((mode) == PRAM_AB ? PRAM__COMPACT_GEO_AB : 0u))
/* Behind the typed calls of cells in ordinary memory; not for direct use.
 * find: >= 0 (slot index in bit 0, sequence in bits 4-7) or
 * PRAM_ERR_INVALID / PRAM_ERR_LAYOUT. */
int pram__compact_ram_find1(uintptr_t pos, uint32_t geo); /* single-slot */
int pram__compact_ram_find2(uintptr_t pos, uint32_t geo); /* A/B */
void pram__compact_ram_set1(uintptr_t pos, uint32_t geo, const void *value);
void pram__compact_ram_set2(uintptr_t pos, uint32_t geo, const void *value);
void pram__compact_ram_invalidate1(uintptr_t pos, uint32_t geo);
void pram__compact_ram_invalidate2(uintptr_t pos, uint32_t geo);
#define PRAM__COMPACT_RAM(fn, mode) ((mode) == PRAM_AB ? pram__compact_ram_##fn##2 : pram__compact_ram_##fn##1)
/* Internal flag of the typed edit_begin: the type is aligned to 8. */
#define PRAM__COMPACT_EDIT_ALIGN8 0x100u

/* Generic API, like pram_cell_*: PRAM_OK, PRAM_ERR_INVALID, PRAM_ERR_LAYOUT,
 * or an argument error (NULL, SIZE, DESC, ALIGN, RANGE, ACCESS). */
int pram_compact_status(const pram_compact_t *cell);
int pram_compact_is_valid(const pram_compact_t *cell);
int pram_compact_get(const pram_compact_t *cell, void *out, size_t size);
/* Single: a reset part-way leaves the new value or invalid.  A/B: the old
 * value or the new one, never a mix and never invalid. */
int pram_compact_set(const pram_compact_t *cell, const void *value, size_t size);
/* A/B: the older slot first, so a reset part-way reads the newest value or
 * invalid, never an older one. */
int pram_compact_invalidate(const pram_compact_t *cell);
/* flags: PRAM_EDIT_KEEP or PRAM_EDIT_ZERO.  Ordinary memory only. */
int pram_compact_edit_begin(const pram_compact_t *cell, pram_compact_edit_t *edit, unsigned flags);
int pram_compact_edit_commit(pram_compact_edit_t *edit);
int pram_compact_edit_abort(pram_compact_edit_t *edit);
/* Bytes of storage (all slots); 0 for a malformed descriptor. */
uint32_t pram_compact_storage_size(const pram_compact_t *cell);

/* ---- Typed compact cells ---------------------------------------------------
 *   PRAM_COMPACT_DECLARE(name, type, schema, mode)     + PRAM_COMPACT_DEFINE(name)
 *   PRAM_COMPACT_DECLARE_AT(name, type, schema, mode)  + PRAM_COMPACT_DEFINE_AT(name, address)
 *   PRAM_COMPACT_DECLARE_IN(name, type, schema, mode)  + PRAM_COMPACT_DEFINE_IN(name, region_ptr, offset)
 * PRAM_COMPACT_SIZE(name): bytes of storage (a constant expression). */
#define PRAM_COMPACT_SIZE(name) \
    (PRAM_COMPACT_SLOT_SIZE(sizeof(name##_value_t)) * PRAM__COMPACT_SLOTS(name##__MODE))

#define PRAM_COMPACT_DECLARE(name, type, schema, mode)  \
    PRAM__COMPACT_TYPES(name, type, schema, mode);      \
    PRAM__EXTERN name##_storage_t name##__storage;      \
    PRAM__COMPACT_RAM_OPS(name, type, (uintptr_t)name##__storage)
#define PRAM_COMPACT_DECLARE_AT(name, type, schema, mode) \
    PRAM__COMPACT_TYPES(name, type, schema, mode);        \
    PRAM__COMPACT_RAM_OPS(name, type, (uintptr_t)name.addr)
#define PRAM_COMPACT_DECLARE_IN(name, type, schema, mode) \
    PRAM__COMPACT_TYPES(name, type, schema, mode);        \
    PRAM__COMPACT_DESC_OPS(name, type)

#define PRAM__COMPACT_GEO_OF(name)                                                   \
    PRAM__COMPACT_GEO(PRAM__COMPACT_TAG(sizeof(name##_value_t), name##__SCHEMA),      \
                      sizeof(name##_value_t), name##__MODE)

/* Cells in ordinary memory at `pos`: every constant folded at the call site;
 * get is one call and a copy, set and invalidate one call each. */
#define PRAM__COMPACT_RAM_OPS(name, type, pos)                                                    \
    static inline PRAM_MAYBE_UNUSED int name##_status(void)                                       \
    {                                                                                             \
        int rc_ = PRAM__COMPACT_RAM(find, name##__MODE)(pos, PRAM__COMPACT_GEO_OF(name));                        \
        return rc_ < 0 ? rc_ : PRAM_OK;                                                           \
    }                                                                                             \
    static inline PRAM_MAYBE_UNUSED int name##_get(type *out)                                     \
    {                                                                                             \
        int rc_;                                                                                  \
        if (!out)                                                                                 \
            return PRAM_ERR_NULL;                                                                 \
        rc_ = PRAM__COMPACT_RAM(find, name##__MODE)(pos, PRAM__COMPACT_GEO_OF(name));                            \
        if (rc_ < 0)                                                                              \
            return rc_;                                                                           \
        pram__read(PRAM__NULL,                                                                    \
                   (pos) + ((uint32_t)rc_ & 1u) * PRAM_COMPACT_SLOT_SIZE(sizeof(type)) + 4u, out, \
                   (uint32_t)sizeof(type));                                                       \
        return PRAM_OK;                                                                           \
    }                                                                                             \
    static inline PRAM_MAYBE_UNUSED int name##_set(const type *value)                             \
    {                                                                                             \
        if (!value)                                                                               \
            return PRAM_ERR_NULL;                                                                 \
        PRAM__COMPACT_RAM(set, name##__MODE)(pos, PRAM__COMPACT_GEO_OF(name), value);                            \
        return PRAM_OK;                                                                           \
    }                                                                                             \
    static inline PRAM_MAYBE_UNUSED int name##_invalidate(void)                                   \
    {                                                                                             \
        PRAM__COMPACT_RAM(invalidate, name##__MODE)(pos, PRAM__COMPACT_GEO_OF(name));                            \
        return PRAM_OK;                                                                           \
    }                                                                                             \
    static inline PRAM_MAYBE_UNUSED int name##_is_valid(void) { return name##_status() == PRAM_OK; } \
    PRAM_STATIC_ASSERT(1, name##_compact_ram_ops)

/* Cells in a region: through the descriptor (checked, located in the region). */
#define PRAM__COMPACT_DESC_OPS(name, type)                                                        \
    static inline PRAM_MAYBE_UNUSED int name##_status(void) { return pram_compact_status(&name); } \
    static inline PRAM_MAYBE_UNUSED int name##_is_valid(void)                                     \
    {                                                                                             \
        return pram_compact_status(&name) == PRAM_OK;                                             \
    }                                                                                             \
    static inline PRAM_MAYBE_UNUSED int name##_get(type *out)                                     \
    {                                                                                             \
        return pram_compact_get(&name, out, sizeof(type));                                        \
    }                                                                                             \
    static inline PRAM_MAYBE_UNUSED int name##_set(const type *value)                             \
    {                                                                                             \
        return pram_compact_set(&name, value, sizeof(type));                                      \
    }                                                                                             \
    static inline PRAM_MAYBE_UNUSED int name##_invalidate(void)                                   \
    {                                                                                             \
        return pram_compact_invalidate(&name);                                                    \
    }                                                                                             \
    PRAM_STATIC_ASSERT(1, name##_compact_desc_ops)

#define PRAM__COMPACT_TYPES(name, type, schema, mode)                                            \
    typedef type name##_value_t;                                                                 \
    typedef struct name##_edit {                                                                 \
        type *value;                                                                             \
        pram_compact_edit_t edit;                                                                \
    } name##_edit_t;                                                                             \
    typedef struct name##__align {                                                               \
        char c_;                                                                                 \
        type v_;                                                                                 \
    } name##__align_t;                                                                           \
    enum { name##__SCHEMA = (schema), name##__MODE = (mode) };                                   \
    typedef uint32_t name##_storage_t[PRAM_COMPACT_SIZE(name) / 4u];                             \
    PRAM__EXTERN const pram_compact_t name;                                                      \
    PRAM_STATIC_ASSERT(sizeof(type) <= PRAM_COMPACT_MAX_SIZE, name##_exceeds_64_bytes);          \
    PRAM_STATIC_ASSERT((unsigned long)(schema) <= PRAM_COMPACT_MAX_SCHEMA,                       \
                       name##_compact_schema_is_0_to_30);                                        \
    PRAM_STATIC_ASSERT((mode) == PRAM_SINGLE || ((mode) == PRAM_AB && PRAM_ENABLE_AB),           \
                       name##_mode_must_be_PRAM_SINGLE_or_PRAM_AB_with_PRAM_ENABLE_AB);          \
    PRAM_STATIC_ASSERT(offsetof(name##__align_t, v_) <= 8u, name##_alignment_over_8);            \
    static inline PRAM_MAYBE_UNUSED int name##_edit_begin(name##_edit_t *e, unsigned flags)      \
    {                                                                                            \
        int rc_ = pram_compact_edit_begin(                                                       \
            &name, &e->edit,                                                                     \
            flags | (offsetof(name##__align_t, v_) > 4u ? PRAM__COMPACT_EDIT_ALIGN8 : 0u));      \
        e->value = rc_ == PRAM_OK ? (type *)e->edit.value : PRAM__NULL;                          \
        return rc_;                                                                              \
    }                                                                                            \
    static inline PRAM_MAYBE_UNUSED int name##_edit_commit(name##_edit_t *e)                     \
    {                                                                                            \
        e->value = PRAM__NULL;                                                                   \
        return e->edit.cell == &name ? pram_compact_edit_commit(&e->edit) : PRAM_ERR_SCOPE;      \
    }                                                                                            \
    static inline PRAM_MAYBE_UNUSED int name##_edit_abort(name##_edit_t *e)                      \
    {                                                                                            \
        e->value = PRAM__NULL;                                                                   \
        return e->edit.cell == &name ? pram_compact_edit_abort(&e->edit) : PRAM_ERR_SCOPE;       \
    }                                                                                            \
    PRAM_STATIC_ASSERT(1, name##_compact_types)

#define PRAM__COMPACT_INIT(name, address, region_ptr, byte_offset)                               \
    { (void *)(address), (region_ptr), (uint32_t)(byte_offset),                                  \
      (uint16_t)PRAM__COMPACT_TAG(sizeof(name##_value_t), name##__SCHEMA),                       \
      (uint8_t)sizeof(name##_value_t), (uint8_t)(name##__MODE) }

/* Storage in .noinit (a section of its own, sorted by name), tracked by
 * pram_migrate() like every container. */
#define PRAM_COMPACT_DEFINE(name)                                      \
    PRAM__NOINIT_CONTAINER(name) name##_storage_t name##__storage;     \
    PRAM__CONTAINER(name, name##__storage);                            \
    const pram_compact_t name = PRAM__COMPACT_INIT(name, name##__storage, PRAM__NULL, 0u)

/* At a fixed, 4-aligned address of ordinary memory. */
#define PRAM_COMPACT_DEFINE_AT(name, address) \
    const pram_compact_t name = PRAM__COMPACT_INIT(name, address, PRAM__NULL, 0u)

/* At a 4-aligned offset inside a region (register files: every access as
 * the region's width says). */
#define PRAM_COMPACT_DEFINE_IN(name, region_ptr, byte_offset)                          \
    PRAM_STATIC_ASSERT(PRAM_ENABLE_REGIONS, name##_needs_PRAM_ENABLE_REGIONS);         \
    PRAM_STATIC_ASSERT((byte_offset) % 4u == 0u, name##_offset_must_be_4_aligned);     \
    const pram_compact_t name = PRAM__COMPACT_INIT(name, PRAM__NULL, region_ptr, byte_offset)

#ifdef __cplusplus
}
#endif

#endif /* PRAM_COMPACT_H */
