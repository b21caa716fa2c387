/* pram — typed persistent cells.
 *
 *   // boot.h
 *   typedef struct { uint32_t boots; uint32_t last_reason; } boot_info_t;
 *   PRAM_CELL_DECLARE(boot_info, boot_info_t, 1, PRAM_AB); // schema 1, A/B commits
 *   // boot.c
 *   PRAM_CELL_DEFINE(boot_info);                           // its storage, in .noinit
 *   // anywhere
 *   boot_info_t bi;
 *   if (boot_info_get(&bi) != PRAM_OK) bi = (boot_info_t){0};
 *   bi.boots++;
 *   boot_info_set(&bi);
 *
 * Each slot is a 12-byte header (magic, sequence | CRC-16 << 16, layout tag)
 * and the value, at byte 12, or at byte 16 for types aligned to 8: bytes
 * 12-15 are then padding, never written by a set or an edit, and covered by
 * the CRC as they stand (it runs from the layout word to the value's last
 * byte).  docs/design.md gives byte layouts and the commit order of every
 * operation.  The declaration knows the cell's whole geometry,
 * so its typed calls compile at the call site into a few constant stores and
 * calls of two small shared functions (find, seal); everything about the
 * cell is checked when compiled.  A cell is stateless: all
 * it knows is in persistent memory, re-validated by every call, so the first
 * call after a reset is the boot-time check.  Not reentrant per cell: one
 * writer at a time (mask interrupts around writes shared with an ISR).
 */
#ifndef PRAM_CELL_H
#define PRAM_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "pram_access.h"
#include "pram_config.h"
#include "pram_error.h"
#include "pram_manifest.h"
#include "pram_migrate.h"
#include "pram_region.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Slot header, as stored.  Native-endian 32-bit words. */
typedef struct pram_header {
    uint32_t magic;  /* PRAM_MAGIC_CELL when committed, 0 while being written */
    uint32_t seal;   /* sequence (bits 0-15) | CRC-16 (bits 16-31)          */
    uint32_t layout; /* span (0-12) | kind (13-14) | value at 16 (15) | schema (16-31) */
} pram_header_t;

/* The commit word of every committed slot, cells, buffer control blocks and
 * region headers alike: the layout word's kind tells them apart. */
#define PRAM_MAGIC_CELL 0xE424D8F0u

/* The layout word: the span (bytes from the end of the header to the end of
 * the value: the value size, + 4 when the value sits at 16), the kind of
 * container, whether the value sits at 16 (types aligned to 8), the schema.
 * The span is all a reader needs to check the CRC of a slot of any layout. */
#define PRAM__KIND_CELL 0u
#define PRAM__KIND_BUF 1u
#define PRAM__KIND_REGION 2u
#define PRAM__LAYOUT_VO16 0x8000u
#define PRAM__LAYOUT(size, value_offset, kind, schema)                                   \
    (((uint32_t)(size) + (uint32_t)(value_offset) - 12u) |                                 \
     (((uint32_t)(value_offset) & 16u) << 11) | ((uint32_t)(kind) << 13) | ((uint32_t)(schema) << 16))
/* Bytes from the end of the header to the end of the value. */
#define PRAM__LAYOUT_SPAN(layout) ((layout) & 0x1FFFu)
#define PRAM__LAYOUT_END(layout) (PRAM__LAYOUT_SPAN(layout) + 12u)
/* A cell's shape: slot size | A/B << 16. */
#define PRAM__SHAPE(slot_size, mode) ((uint32_t)(slot_size) | ((mode) == PRAM_AB ? 0x10000u : 0u))

/* Descriptor of a cell, for the generic API, the region manager and edits.
 * PRAM_CELL_DEFINE* build it; const, so it lives in flash; a program that
 * uses only the typed calls of cells in ordinary memory links none.  Fields
 * are public (transparent) but set them through the macros below. */
typedef struct pram_cell {
    void *addr;                  /* storage, 4-aligned, when region == NULL   */
    const pram_region_t *region; /* NULL: ordinary RAM at addr                */
    uint32_t offset;             /* storage offset in region (4-aligned)      */
    uint16_t size;               /* sizeof(value), at most 8187               */
    uint16_t schema;             /* caller's schema version (layout tag)      */
    uint16_t value_offset;       /* value position in a slot: 12 or 16        */
    uint16_t slot_size;          /* bytes per slot, multiple of 4             */
    uint8_t mode;                /* PRAM_SINGLE or PRAM_AB                    */
    uint8_t kind;                /* PRAM__KIND_CELL for every user cell       */
} pram_cell_t;

/* ---- Generic API (descriptors built at run time, checked on every call) --- */

/* PRAM_OK if a committed value is readable, else PRAM_ERR_INVALID (nothing
 * valid: zeroed, garbage, torn, invalidated, damaged) or PRAM_ERR_LAYOUT (a
 * committed header of another size/schema whose CRC checks: the firmware
 * changed the type). */
int pram_cell_status(const pram_cell_t *cell);
/* 1 if pram_cell_status() is PRAM_OK, else 0. */
int pram_cell_is_valid(const pram_cell_t *cell);
/* Copy the committed value to out (size must equal the cell's).  On error out
 * is untouched. */
int pram_cell_get(const pram_cell_t *cell, void *out, size_t size);
/* Commit a new value.  A reset during set leaves the old value, the new one,
 * or (single-slot only) invalid - never a mix.  Once committed, an A/B cell
 * retires its previous value: a damaged cell reads invalid, not stale. */
int pram_cell_set(const pram_cell_t *cell, const void *value, size_t size);
/* Make the cell read PRAM_ERR_INVALID.  A/B: a reset part-way still reads the
 * newest value, never an older one. */
int pram_cell_invalidate(const pram_cell_t *cell);
/* Bytes of persistent storage the cell occupies (all slots). */
uint32_t pram_cell_storage_size(const pram_cell_t *cell);

/* ---- Mutator scope: in-place edits without a RAM copy ------------------- */

#define PRAM_EDIT_KEEP 0u /* start from the committed value (must be valid) */
#define PRAM_EDIT_ZERO 1u /* start from all-zero bytes (any prior state)    */

#define PRAM_EDIT_ABORTED 1 /* result of an edit scope closed by abort       */

/* An edit in progress: caller-owned RAM, checked by every call (its state,
 * that it belongs to the cell named, its slot and value pointer). */
typedef struct pram_edit {
    const pram_cell_t *cell; /* the cell begin opened it on                 */
    void *value;             /* points into persistent memory while open    */
    int result;              /* outcome of begin, then of commit or abort   */
    uint16_t seq;            /* sequence it will be sealed with             */
    uint8_t slot;            /* slot being written                          */
    uint8_t state;           /* PRAM__EDIT_*                                */
} pram_edit_t;

#define PRAM__EDIT_IDLE 0u
#define PRAM__EDIT_OPEN 0xA5u /* not 0 or 0xFF: stray RAM is not an open edit */
#define PRAM__EDIT_DONE 2u
#define PRAM__EDIT_ABORTED 3u
#define PRAM_EDIT_INIT { PRAM__NULL, PRAM__NULL, 0, 0u, 0u, PRAM__EDIT_IDLE }

/* Open an edit: *edit is (re)initialised; edit->value then points at the
 * value in persistent memory.  While open, a single-slot cell reads invalid
 * and an A/B cell still reads its previous value (the edit goes to the other
 * slot).  Ordinary memory only: PRAM_ERR_ACCESS in a width-restricted region. */
int pram_cell_edit_begin(const pram_cell_t *cell, pram_edit_t *edit, unsigned flags);
/* Re-seal CRC and header: the edited value becomes the committed one.
 * PRAM_ERR_SCOPE if the edit is not open or does not check. */
int pram_cell_edit_commit(pram_edit_t *edit);
/* Close without committing.  A/B: the previous value stays.  Single-slot: the
 * cell stays invalid, as there is no copy of what the edit overwrote. */
int pram_cell_edit_abort(pram_edit_t *edit);

/* ---- Behind the typed API; not for direct use ------------------------------- */

/* Cells in ordinary memory, by geometry: storage position, layout word,
 * shape.  find: the index (0, 1) of the slot holding the value, or
 * PRAM_ERR_INVALID / PRAM_ERR_LAYOUT.  open: opens the slot a write goes
 * to and returns its ticket (index << 16 | sequence).  seal: commits it
 * (and retires the other slot of an A/B cell).  invalidate: both slots. */
int pram__ram_find(uintptr_t pos, uint32_t layout, uint32_t shape);
uint32_t pram__ram_open(uintptr_t pos, uint32_t layout, uint32_t shape);
void pram__ram_seal(uintptr_t pos, uint32_t layout, uint32_t shape, uint32_t ticket);
void pram__ram_invalidate(uintptr_t pos, uint32_t shape);
/* By descriptor, with its checks proven at compile time (cells in regions,
 * edits); out and value must not be NULL. */
int pram__cell_status(const pram_cell_t *cell);
int pram__cell_get(const pram_cell_t *cell, void *out);
int pram__cell_set(const pram_cell_t *cell, const void *value);
int pram__cell_invalidate(const pram_cell_t *cell);
int pram__cell_edit_begin(const pram_cell_t *cell, pram_edit_t *edit, unsigned flags);
/* Commit an edit only if it was opened on `cell`; one step of an edit scope:
 * begin on an idle edit, commit on an open one, PRAM_EDIT_ABORTED after an
 * abort. */
int pram__edit_commit_on(const pram_cell_t *cell, pram_edit_t *edit);
int pram__edit_step(const pram_cell_t *cell, pram_edit_t *edit, unsigned flags);
static inline PRAM_MAYBE_UNUSED void pram__edit_idle(pram_edit_t *edit)
{
    edit->cell = PRAM__NULL;
    edit->value = PRAM__NULL;
    edit->result = 0;
    edit->seq = 0u;
    edit->slot = 0u;
    edit->state = PRAM__EDIT_IDLE;
}
static inline PRAM_MAYBE_UNUSED void pram__edit_guard(pram_edit_t *edit)
{
    if (edit->state == PRAM__EDIT_OPEN)
        PRAM_MISUSE(PRAM_ERR_SCOPE);
}

/* ---- Typed cells ---------------------------------------------------------- */

/* PRAM_CELL_DECLARE(name, type, schema, mode): in a header.  Declares `name`
 * (the descriptor) and the typed API: name_get(type *), name_set(const type
 * *), name_status(), name_is_valid(), name_invalidate(), name_edit_begin/
 * commit/abort and PRAM_EDIT(name, ...), and the types name_value_t,
 * name_slot_t, name_edit_t.  `type` is any trivially-copyable object type
 * spelled as one name (wrap arrays in a struct), aligned to at most 8.
 * `schema`: bump it whenever the meaning of the type changes without its
 * size changing.  `mode`: PRAM_SINGLE or PRAM_AB.
 *   PRAM_CELL_DECLARE     storage in .noinit  (PRAM_CELL_DEFINE(name))
 *   PRAM_CELL_DECLARE_AT  storage at a fixed address of ordinary memory
 *                         (PRAM_CELL_DEFINE_AT(name, address))
 *   PRAM_CELL_DECLARE_IN  storage at an offset in a region
 *                         (PRAM_CELL_DEFINE_IN(name, region_ptr, offset)) */
#define PRAM_CELL_DECLARE(name, type, schema, mode)                     \
    PRAM__CELL_TYPES(name, type, schema, mode);                         \
    PRAM__EXTERN name##_storage_t name##__storage;                      \
    PRAM__CELL_RAM_OPS(name, type, (uintptr_t)&name##__storage)

#define PRAM_CELL_DECLARE_AT(name, type, schema, mode) \
    PRAM__CELL_TYPES(name, type, schema, mode);        \
    PRAM__CELL_RAM_OPS(name, type, (uintptr_t)name.addr)

#define PRAM_CELL_DECLARE_IN(name, type, schema, mode) \
    PRAM__CELL_TYPES(name, type, schema, mode);        \
    PRAM__CELL_DESC_OPS(name, type)

/* Number of slots for a mode (a constant expression). */
#define PRAM_SLOTS(mode) ((mode) == PRAM_AB ? 2u : 1u)
/* Bytes of storage a declared cell needs (a constant expression): use it to
 * lay out containers in a region at fixed offsets. */
#define PRAM_CELL_SIZE(name) ((uint32_t)sizeof(name##_slot_t) * PRAM_SLOTS(name##__MODE))

/* The cell's constants, and the checks the typed calls rely on instead of
 * checking anything at run time.  A/B cells need PRAM_ENABLE_AB; the value
 * sits at 12, or at 16 for types aligned to 8. */
#define PRAM__CELL_TYPES(name, type, schema, mode)                                          \
    typedef type name##_value_t;                                                            \
    typedef struct name##_slot {                                                            \
        pram_header_t header;                                                               \
        type value;                                                                         \
    } name##_slot_t;                                                                        \
    typedef union name##_storage {                                                          \
        name##_slot_t slot[PRAM_SLOTS(mode)];                                               \
        uint32_t word;                                                                      \
    } name##_storage_t;                                                                     \
    typedef struct name##_edit {                                                            \
        type *value;                                                                        \
        pram_edit_t edit;                                                                   \
    } name##_edit_t;                                                                        \
    enum { name##__SCHEMA = (schema), name##__MODE = (mode) };                              \
    PRAM__EXTERN const pram_cell_t name;                                                    \
    PRAM_STATIC_ASSERT(sizeof(type) <= PRAM_CELL_MAX_SIZE, name##_exceeds_PRAM_CELL_MAX_SIZE); \
    PRAM_STATIC_ASSERT((unsigned long)(schema) <= 0xFFFFu, name##_schema_is_16_bits);       \
    PRAM_STATIC_ASSERT((mode) == PRAM_SINGLE || ((mode) == PRAM_AB && PRAM_ENABLE_AB),      \
                       name##_mode_must_be_PRAM_SINGLE_or_PRAM_AB_with_PRAM_ENABLE_AB);     \
    PRAM_STATIC_ASSERT(offsetof(name##_slot_t, value) == 12u ||                             \
                           offsetof(name##_slot_t, value) == 16u,                           \
                       name##_value_alignment_over_8_is_not_supported);                     \
    static inline PRAM_MAYBE_UNUSED int name##_edit_begin(name##_edit_t *e, unsigned flags) \
    {                                                                                       \
        int rc_ = pram__cell_edit_begin(&name, &e->edit, flags);                            \
        e->value = rc_ == PRAM_OK ? (type *)e->edit.value : PRAM__NULL;                     \
        return rc_;                                                                         \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_edit_commit(name##_edit_t *e)                \
    {                                                                                       \
        e->value = PRAM__NULL;                                                              \
        return pram__edit_commit_on(&name, &e->edit);                                       \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_edit_abort(name##_edit_t *e)                 \
    {                                                                                       \
        e->value = PRAM__NULL;                                                              \
        return e->edit.cell == &name ? pram_cell_edit_abort(&e->edit) : PRAM_ERR_SCOPE;    \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED void name##__edit_guard(name##_edit_t *e)               \
    {                                                                                       \
        pram__edit_guard(&e->edit);                                                         \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED name##_edit_t *name##__edit_idle(name##_edit_t *e)      \
    {                                                                                       \
        e->value = PRAM__NULL;                                                              \
        pram__edit_idle(&e->edit);                                                          \
        return e;                                                                           \
    }                                                                                       \
    PRAM_STATIC_ASSERT(1, name##_types)

#define PRAM__CELL_LAYOUT(name)                                                              \
    PRAM__LAYOUT(sizeof(name##_value_t), offsetof(name##_slot_t, value), PRAM__KIND_CELL,    \
                 name##__SCHEMA)
#define PRAM__CELL_SHAPE(name) PRAM__SHAPE(sizeof(name##_slot_t), name##__MODE)

/* The typed calls of a cell in ordinary memory at `pos`, compiled at each
 * call site with every constant of the cell folded: a single-slot set is a
 * few stores and one call, get one call and a copy. */
#define PRAM__CELL_RAM_OPS(name, type, pos)                                                 \
    static inline PRAM_MAYBE_UNUSED int name##_status(void)                                 \
    {                                                                                       \
        int rc_ = pram__ram_find(pos, PRAM__CELL_LAYOUT(name), PRAM__CELL_SHAPE(name));     \
        return name##__MODE == PRAM_AB && rc_ > 0 ? PRAM_OK : rc_;                          \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_get(type *out)                               \
    {                                                                                       \
        int rc_;                                                                            \
        if (!out)                                                                           \
            return PRAM_ERR_NULL;                                                           \
        rc_ = pram__ram_find(pos, PRAM__CELL_LAYOUT(name), PRAM__CELL_SHAPE(name));         \
        if (rc_ < 0)                                                                        \
            return rc_;                                                                     \
        pram__read(PRAM__NULL, (pos) + (name##__MODE == PRAM_AB ? (uint32_t)rc_ : 0u) * sizeof(name##_slot_t) + \
                             offsetof(name##_slot_t, value),                                \
                   out, (uint32_t)sizeof(type));                                            \
        return PRAM_OK;                                                                     \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_set(const type *value)                       \
    {                                                                                       \
        uint32_t t_ = 0u, cs_;                                                              \
        if (!value)                                                                         \
            return PRAM_ERR_NULL;                                                           \
        cs_ = PRAM_CRITICAL_ENTER();                                                        \
        if (name##__MODE == PRAM_AB)                                                        \
            t_ = pram__ram_open(pos, PRAM__CELL_LAYOUT(name), PRAM__CELL_SHAPE(name));      \
        else                                                                                \
            pram__store32(PRAM__NULL, pos, 0u);                                             \
        pram__write(PRAM__NULL, (pos) + (t_ >> 16) * sizeof(name##_slot_t) + offsetof(name##_slot_t, value), \
                    value, (uint32_t)sizeof(type));                                         \
        pram__ram_seal(pos, PRAM__CELL_LAYOUT(name), PRAM__CELL_SHAPE(name), t_);           \
        PRAM_CRITICAL_EXIT(cs_);                                                            \
        return PRAM_OK;                                                                     \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_invalidate(void)                             \
    {                                                                                       \
        uint32_t cs_ = PRAM_CRITICAL_ENTER();                                               \
        if (name##__MODE == PRAM_AB) {                                                      \
            pram__ram_invalidate(pos, PRAM__CELL_SHAPE(name));                              \
        } else {                                                                            \
            pram__store32(PRAM__NULL, pos, 0u);                                             \
            pram__committed(PRAM__NULL, pos, (uint32_t)sizeof(name##_slot_t));              \
        }                                                                                   \
        PRAM_CRITICAL_EXIT(cs_);                                                            \
        return PRAM_OK;                                                                     \
    }                                                                                       \
    PRAM__CELL_IS_VALID(name)                                                               \
    PRAM_STATIC_ASSERT(1, name##_ram_ops)

/* The typed calls of a cell in a region: through its descriptor. */
#define PRAM__CELL_DESC_OPS(name, type)                                                     \
    static inline PRAM_MAYBE_UNUSED int name##_status(void) { return pram__cell_status(&name); } \
    static inline PRAM_MAYBE_UNUSED int name##_get(type *out)                               \
    {                                                                                       \
        return out ? pram__cell_get(&name, out) : PRAM_ERR_NULL;                            \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_set(const type *value)                       \
    {                                                                                       \
        return value ? pram__cell_set(&name, value) : PRAM_ERR_NULL;                        \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_invalidate(void)                             \
    {                                                                                       \
        return pram__cell_invalidate(&name);                                                \
    }                                                                                       \
    PRAM__CELL_IS_VALID(name)                                                               \
    PRAM_STATIC_ASSERT(1, name##_desc_ops)

/* name_is_valid(): named like pram_cell_is_valid(). */
#define PRAM__CELL_IS_VALID(name)                                                            \
    static inline PRAM_MAYBE_UNUSED int name##_is_valid(void) { return name##_status() == PRAM_OK; }

#define PRAM__CELL_FIELDS(name)                                                              \
    (uint16_t)sizeof(name##_value_t), (uint16_t)(name##__SCHEMA),                            \
        (uint16_t)offsetof(name##_slot_t, value), (uint16_t)sizeof(name##_slot_t),           \
        (uint8_t)(name##__MODE), (uint8_t)PRAM__KIND_CELL

/* Descriptor initialisers, for declared cells whose storage you provide. */
#define PRAM_CELL_INIT_AT(name, address) { (void *)(address), PRAM__NULL, 0u, PRAM__CELL_FIELDS(name) }
#define PRAM_CELL_INIT_IN(name, region_ptr, byte_offset) \
    { PRAM__NULL, (region_ptr), (uint32_t)(byte_offset), PRAM__CELL_FIELDS(name) }

/* PRAM_CELL_DEFINE(name): in one .c file.  The storage, in .noinit (a
 * section of its own, .noinit.pram.<name>, so that ld sorts it by name), its
 * entry in the table pram_migrate() reads, its entry in the manifest for
 * tools (pram_manifest.h: in the ELF file only), and the descriptor. */
#define PRAM_CELL_DEFINE(name)                                   \
    PRAM__NOINIT_CONTAINER(name) name##_storage_t name##__storage; \
    PRAM__CONTAINER(name, name##__storage);                      \
    PRAM__MANIFEST_CELL(name);                                   \
    const pram_cell_t name = PRAM_CELL_INIT_AT(name, &name##__storage)

/* A cell at a fixed address of ordinary memory (e.g. backup SRAM).  The
 * address must be 4-aligned (8 for types aligned to 8): the typed calls take
 * it as given, the generic ones and the region manager report
 * PRAM_ERR_ALIGN. */
#define PRAM_CELL_DEFINE_AT(name, address) const pram_cell_t name = PRAM_CELL_INIT_AT(name, address)

/* A cell at a fixed offset inside a region (registers, backup SRAM).  The
 * offset must keep the value aligned: a value at slot offset 16 (8-aligned
 * types) needs an 8-aligned offset (and an 8-aligned region base). */
#define PRAM_CELL_DEFINE_IN(name, region_ptr, byte_offset)                                   \
    PRAM_STATIC_ASSERT(PRAM_ENABLE_REGIONS, name##_needs_PRAM_ENABLE_REGIONS);               \
    PRAM_STATIC_ASSERT((byte_offset) % (offsetof(name##_slot_t, value) > 12u ? 8u : 4u) == 0u, \
                       name##_offset_misaligns_its_value);                                   \
    const pram_cell_t name = PRAM_CELL_INIT_IN(name, region_ptr, byte_offset)

/* ---- Edit scope ------------------------------------------------------------
 *
 *   int rc;
 *   PRAM_EDIT(crash, e, rc) {          // e.value is a crash_t * into the cell
 *       e.value->pc = pc;
 *       if (bad) { PRAM_EDIT_ABORT(e); }
 *   }                                  // normal end or `continue`: commits
 *   // rc: PRAM_OK committed, PRAM_EDIT_ABORTED, or a negative error (the body
 *   // did not run if begin failed).
 *
 * Leaving the body by `return`, `goto`, `break` or longjmp leaves the edit
 * open and uncommitted: the cell reads invalid (single) or its old value
 * (A/B).  With GCC/Clang a cleanup attribute catches return/goto/break and
 * calls PRAM_MISUSE(PRAM_ERR_SCOPE); it never commits.  `break` inside a loop
 * or switch nested in the body leaves that inner statement only, as usual.
 */
/* The scope's edit is made idle field by field (through var##__scope):
 * an aggregate initializer of zeros becomes a memset call, which a
 * -nostdlib firmware does not have. */
#define PRAM__EDIT_SCOPE(name, var, rc, flags)                                                 \
    for (name##_edit_t var PRAM_SCOPE_GUARD(name##__edit_guard),                               \
         *var##__scope = name##__edit_idle(&(var));                                            \
         (*&(rc) = pram__edit_step(&name, &var##__scope->edit, (flags)),                        \
         (var).value = (name##_value_t *)(var).edit.value) != PRAM__NULL;)

#define PRAM_EDIT(name, var, rc) PRAM__EDIT_SCOPE(name, var, rc, PRAM_EDIT_KEEP)
#define PRAM_EDIT_ZEROED(name, var, rc) PRAM__EDIT_SCOPE(name, var, rc, PRAM_EDIT_ZERO)
/* Discard the edit and leave the scope (rc becomes PRAM_EDIT_ABORTED).  Use
 * it in the scope's own body, not inside a loop or switch nested in it: it
 * leaves through `continue`, so that the scope's step records the result. */
#define PRAM_EDIT_ABORT(var)                     \
    {                                            \
        (void)pram_cell_edit_abort(&(var).edit); \
        (var).value = PRAM__NULL;                \
        continue;                                \
    }

#ifdef __cplusplus
}
#endif

#endif /* PRAM_CELL_H */
