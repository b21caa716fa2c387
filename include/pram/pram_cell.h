/* pram — typed persistent cells.
 *
 *   // boot.h
 *   typedef struct { uint32_t boots; uint32_t last_reason; } boot_info_t;
 *   PRAM_CELL_DECLARE(boot_info, boot_info_t);
 *   // boot.c
 *   PRAM_CELL_DEFINE(boot_info, 1, PRAM_AB);   // schema version 1, A/B commits
 *   // anywhere
 *   boot_info_t bi;
 *   if (boot_info_get(&bi) != PRAM_OK) bi = (boot_info_t){0};
 *   bi.boots++;
 *   boot_info_set(&bi);
 *
 * Each slot is a 12-byte header (magic, sequence | CRC-16 << 16, layout tag)
 * followed by the value; docs/design.md gives byte layouts and the commit
 * order of every operation.  The typed calls are one small function each;
 * their descriptor is checked when compiled.  A cell is stateless: all
 * it knows is in persistent memory, re-validated by every call, so the first
 * call after a reset is the boot-time check.  Not reentrant per cell: one
 * writer at a time (mask interrupts around writes shared with an ISR).
 */
#ifndef PRAM_CELL_H
#define PRAM_CELL_H

#include <stddef.h>
#include <stdint.h>

#include "pram_config.h"
#include "pram_error.h"
#include "pram_region.h"

/* Slot header, as stored.  Native-endian 32-bit words. */
typedef struct pram_header {
    uint32_t magic;  /* PRAM_MAGIC_CELL when committed, 0 while being written */
    uint32_t seal;   /* sequence (bits 0-15) | CRC-16 (bits 16-31)          */
    uint32_t layout; /* size (bits 0-14) | value at 16 (15) | schema (16-31) */
} pram_header_t;

#define PRAM_MAGIC_CELL 0xE424D8F0u

/* Descriptor of a cell.  Usually built by PRAM_CELL_DEFINE; const, so it can
 * live in flash.  Fields are public (transparent) but set them through the
 * macros below. */
typedef struct pram_cell {
    void *addr;                  /* storage, 4-aligned, when region == NULL   */
    const pram_region_t *region; /* NULL: ordinary RAM at addr                */
    uint32_t offset;             /* storage offset in region (4-aligned)      */
    uint32_t magic;              /* commit word; never 0 or 0xFFFFFFFF        */
    uint16_t size;               /* sizeof(value)                             */
    uint16_t schema;             /* caller's schema version (layout tag)      */
    uint16_t value_offset;       /* value position in a slot (>= 12)          */
    uint16_t slot_size;          /* bytes per slot, multiple of 4             */
    uint8_t mode;                /* PRAM_SINGLE or PRAM_AB                    */
} pram_cell_t;

/* ---- Generic API (the typed wrappers below call these) ------------------ */

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
#define PRAM_EDIT_INIT { NULL, NULL, 0, 0u, 0u, PRAM__EDIT_IDLE }

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

/* Behind the typed API and PRAM_EDIT; not for direct use.  The operations
 * above without the descriptor checks, which PRAM_CELL_DEFINE* make at
 * compile time (out and value must not be NULL: the typed wrappers check,
 * where the compiler can often prove it); commit of an edit only if it was
 * opened on `cell`; and one
 * step of an edit scope: begin on an idle edit, commit on an open one,
 * PRAM_EDIT_ABORTED after an abort. */
int pram__cell_status(const pram_cell_t *cell);
int pram__cell_get(const pram_cell_t *cell, void *out);
int pram__cell_set(const pram_cell_t *cell, const void *value);
int pram__cell_invalidate(const pram_cell_t *cell);
int pram__cell_edit_begin(const pram_cell_t *cell, pram_edit_t *edit, unsigned flags);
int pram__edit_commit_on(const pram_cell_t *cell, pram_edit_t *edit);
int pram__edit_step(const pram_cell_t *cell, pram_edit_t *edit, unsigned flags);
static inline PRAM_MAYBE_UNUSED void pram__edit_idle(pram_edit_t *edit)
{
    edit->cell = NULL;
    edit->value = NULL;
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

/* PRAM_CELL_DECLARE(name, type): in a header.  Declares `name` and the typed
 * API: name_get(type *), name_set(const type *), name_status(), name_valid(),
 * name_invalidate(), and the types name_edit_t / name_slot_t.  `type` is any
 * trivially-copyable object type spelled as one name (wrap arrays in a
 * struct). */
#define PRAM_CELL_DECLARE(name, type)                                                       \
    typedef type name##_value_t;                                                            \
    typedef struct name##_slot {                                                            \
        pram_header_t header;                                                               \
        type value;                                                                         \
    } name##_slot_t;                                                                        \
    typedef struct name##_edit {                                                            \
        type *value;                                                                        \
        pram_edit_t edit;                                                                   \
    } name##_edit_t;                                                                        \
    extern const pram_cell_t name;                                                          \
    static inline PRAM_MAYBE_UNUSED int name##_get(type *out)                               \
    {                                                                                       \
        return out ? pram__cell_get(&name, out) : PRAM_ERR_NULL;                            \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_set(const type *value)                       \
    {                                                                                       \
        return value ? pram__cell_set(&name, value) : PRAM_ERR_NULL;                        \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_status(void) { return pram__cell_status(&name); } \
    static inline PRAM_MAYBE_UNUSED int name##_valid(void) { return name##_status() == PRAM_OK; } \
    static inline PRAM_MAYBE_UNUSED int name##_invalidate(void)                             \
    {                                                                                       \
        return pram__cell_invalidate(&name);                                                \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_edit_begin(name##_edit_t *e, unsigned flags) \
    {                                                                                       \
        int rc_ = pram__cell_edit_begin(&name, &e->edit, flags);                             \
        e->value = rc_ == PRAM_OK ? (type *)e->edit.value : (type *)NULL;                   \
        return rc_;                                                                         \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_edit_commit(name##_edit_t *e)                \
    {                                                                                       \
        e->value = (type *)NULL;                                                            \
        return pram__edit_commit_on(&name, &e->edit);                                       \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED int name##_edit_abort(name##_edit_t *e)                 \
    {                                                                                       \
        e->value = (type *)NULL;                                                            \
        return e->edit.cell == &name ? pram_cell_edit_abort(&e->edit) : PRAM_ERR_SCOPE;    \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED void name##__edit_guard(name##_edit_t *e)               \
    {                                                                                       \
        pram__edit_guard(&e->edit);                                                         \
    }                                                                                       \
    static inline PRAM_MAYBE_UNUSED name##_edit_t *name##__edit_idle(name##_edit_t *e)      \
    {                                                                                       \
        e->value = (type *)NULL;                                                            \
        pram__edit_idle(&e->edit);                                                          \
        return e;                                                                           \
    }                                                                                       \
    PRAM_STATIC_ASSERT(sizeof(type) > 0, name##_declared) /* takes the caller's ';' */

/* Number of slots for a mode (a constant expression). */
#define PRAM_SLOTS(mode) ((mode) == PRAM_AB ? 2u : 1u)
/* Bytes of storage a declared cell needs in a mode (a constant expression):
 * use it to lay out containers in a region at fixed offsets. */
#define PRAM_CELL_SIZE(name, mode) ((uint32_t)sizeof(name##_slot_t) * PRAM_SLOTS(mode))

#define PRAM__CELL_FIELDS(name, schema, mode)                                            \
    (uint16_t)sizeof(name##_value_t), (uint16_t)(schema),                                \
        (uint16_t)offsetof(name##_slot_t, value), (uint16_t)sizeof(name##_slot_t),       \
        (uint8_t)(mode)

/* Descriptor initialisers, for cells whose storage you provide. */
#define PRAM_CELL_INIT_AT(name, schema, mode, address) \
    { (void *)(address), NULL, 0u, PRAM_MAGIC_CELL, PRAM__CELL_FIELDS(name, schema, mode) }
#define PRAM_CELL_INIT_IN(name, schema, mode, region_ptr, byte_offset) \
    { NULL, (region_ptr), (uint32_t)(byte_offset), PRAM_MAGIC_CELL, PRAM__CELL_FIELDS(name, schema, mode) }

/* What the typed calls rely on instead of checking the descriptor at run
 * time.  A/B cells need PRAM_ENABLE_AB; the value sits at 12, or at 16 for
 * types aligned to 8 (wider alignments are not supported). */
#define PRAM__CELL_CHECKS(name, mode)                                                       \
    PRAM_STATIC_ASSERT(sizeof(name##_value_t) <= PRAM_CELL_MAX_SIZE, name##_exceeds_PRAM_CELL_MAX_SIZE); \
    PRAM_STATIC_ASSERT((mode) == PRAM_SINGLE || ((mode) == PRAM_AB && PRAM_ENABLE_AB),             \
                       name##_mode_must_be_PRAM_SINGLE_or_PRAM_AB_with_PRAM_ENABLE_AB);              \
    PRAM_STATIC_ASSERT(offsetof(name##_slot_t, value) == 12u || offsetof(name##_slot_t, value) == 16u, \
                       name##_value_alignment_over_8_is_not_supported)

/* PRAM_CELL_DEFINE(name, schema, mode): in one .c file, after the DECLARE.
 * Storage goes to .noinit (PRAM_NOINIT).  Bump `schema` whenever the meaning
 * of the type changes without its size changing. */
#define PRAM_CELL_DEFINE(name, schema, mode)                                        \
    PRAM__CELL_CHECKS(name, mode);                                                  \
    static PRAM_NOINIT union {                                                      \
        name##_slot_t slot[PRAM_SLOTS(mode)];                                       \
        uint32_t word;                                                              \
    } name##__storage;                                                              \
    const pram_cell_t name = PRAM_CELL_INIT_AT(name, schema, mode, &name##__storage)

/* A cell at a fixed address of ordinary memory (e.g. backup SRAM).  The
 * address must be 4-aligned (8 for types aligned to 8): the typed calls take
 * it as given, the generic ones and the region manager report
 * PRAM_ERR_ALIGN. */
#define PRAM_CELL_DEFINE_AT(name, schema, mode, address) \
    PRAM__CELL_CHECKS(name, mode);                       \
    const pram_cell_t name = PRAM_CELL_INIT_AT(name, schema, mode, address)

/* A cell at a fixed offset inside a region (registers, backup SRAM).  The
 * offset must keep the value aligned: a value at slot offset 16 (8-aligned
 * types) needs an 8-aligned offset (and an 8-aligned region base). */
#define PRAM_CELL_DEFINE_IN(name, schema, mode, region_ptr, byte_offset)                    \
    PRAM__CELL_CHECKS(name, mode);                                                          \
    PRAM_STATIC_ASSERT(PRAM_ENABLE_REGIONS, name##_needs_PRAM_ENABLE_REGIONS);              \
    PRAM_STATIC_ASSERT((byte_offset) % (offsetof(name##_slot_t, value) > 12u ? 8u : 4u) == 0u, \
                       name##_offset_misaligns_its_value);                                  \
    const pram_cell_t name = PRAM_CELL_INIT_IN(name, schema, mode, region_ptr, byte_offset)

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
         (var).value = (name##_value_t *)(var).edit.value) != NULL;)

#define PRAM_EDIT(name, var, rc) PRAM__EDIT_SCOPE(name, var, rc, PRAM_EDIT_KEEP)
#define PRAM_EDIT_ZEROED(name, var, rc) PRAM__EDIT_SCOPE(name, var, rc, PRAM_EDIT_ZERO)
/* Discard the edit and leave the scope (rc becomes PRAM_EDIT_ABORTED).  Use
 * it in the scope's own body, not inside a loop or switch nested in it: it
 * leaves through `continue`, so that the scope's step records the result. */
#define PRAM_EDIT_ABORT(var)                     \
    {                                            \
        (void)pram_cell_edit_abort(&(var).edit); \
        (var).value = NULL;                      \
        continue;                                \
    }

#endif /* PRAM_CELL_H */
