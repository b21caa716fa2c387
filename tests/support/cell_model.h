/* Cell tests (test_cell.c, test_cell_reboot.c, test_edit.c): an oracle for
 * raw cell storage that knows nothing of the library's code, written from
 * the cell spec (docs/design.md, the commit order comment in
 * src/pram_cell_core.h).
 *
 * A slot is: magic, seal (seq | CRC-16 << 16, ref_slot_crc), layout, then
 * the value at the slot's value offset; an A/B cell's second slot follows the
 * first at the slot size.  The layout word is
 *   span (bits 0-12: bytes from 12 to the value's end, i.e. the value size,
 *         + 4 for a value at 16) | kind << 13 | 0x8000 for a value at 16 |
 *   schema << 16.
 * Every container commits with the same magic: the kind (0 user cell, 1
 * buffer control block, 2 region header) tells them apart. */
#ifndef CELL_MODEL_H
#define CELL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "pram/pram.h"

#define CELL_MAGIC 0xE424D8F0u /* PRAM_MAGIC_CELL, as documented */
/* The kinds of container, as documented (layout word bits 13-14). */
#define REF_KIND_CELL 0u
#define REF_KIND_BUF 1u
#define REF_KIND_REGION 2u
#define REF_SPAN_MAX 0x1FFFu /* largest span the layout word can hold */

/* Host-order 32-bit word at p (any alignment). */
uint32_t rd32(const uint8_t *p);
void wr32(uint8_t *p, uint32_t w);

/* ---- One slot --------------------------------------------------------------- */

/* span (value size + vo - 12, at most REF_SPAN_MAX) | kind << 13 | 0x8000 if
 * the value sits at 16 | schema << 16 */
uint32_t ref_layout_kind(size_t vo, size_t size, unsigned kind, uint16_t schema);
/* The same for a user cell (kind 0), the only kind the cell cases have. */
uint32_t ref_layout(size_t vo, size_t size, uint16_t schema);
/* 1 if the slot image at s (value at vo) is a committed value of (size,
 * schema); its seq in *seq (may be NULL). */
int ref_valid(const uint8_t *s, size_t vo, size_t size, uint16_t schema, uint16_t *seq);
/* What a reader must make of the slot image at s, for a cell of (vo, size,
 * schema) that has `room` bytes of storage from s on (a single slot: the slot
 * size; slot 0 of an A/B cell: both slots; slot 1: one slot):
 *   PRAM_OK           committed value of this layout (its seq in *seq);
 *   PRAM_ERR_LAYOUT   verifiably another layout's header: magic, a stored
 *                     layout other than ours (kind 0), whatever its kind,
 *                     of span (bits 0-12) > 0 with 12 + span within room,
 *                     and a CRC that checks over that stored layout (its
 *                     seq in *seq);
 *   PRAM_ERR_INVALID  anything else.
 * seq may be NULL. */
int ref_state(const uint8_t *s, size_t vo, size_t size, uint16_t schema, size_t room,
              uint16_t *seq);
/* Writes a committed slot image by hand (zero padding between 12 and vo). */
void ref_craft(uint8_t *s, size_t vo, size_t size, uint16_t schema, uint16_t seq,
               const void *value);
/* The same with any layout word: the value (or as much of it as the span
 * reaches) at 16 if bit 15 is set, else at 12, ending at 12 + span. */
void ref_craft_layout(uint8_t *s, uint32_t layout, uint16_t seq, const void *value);

/* ---- A typed cell under test ----------------------------------------------- */

/* The typed calls of a declared cell (name_get, name_set, name_status,
 * name_is_valid, name_invalidate), behind untyped pointers so that a table of
 * cases can run them.  For PRAM_CELL_DECLARE / _AT cells these are compiled
 * at the call site from the declaration's constants, without the descriptor:
 * code of its own, tested beside the generic API. */
typedef struct {
    int (*get)(void *out);
    int (*set)(const void *value);
    int (*status)(void);
    int (*valid)(void);
    int (*invalidate)(void);
} cell_typed_t;

/* Defines cell##__typed, the cell_typed_t of a declared cell of type T. */
#define CELL_TYPED(cell, T)                                                             \
    static int cell##__t_get(void *out) { return cell##_get((T *)out); }                \
    static int cell##__t_set(const void *v) { return cell##_set((const T *)v); }        \
    static int cell##__t_status(void) { return cell##_status(); }                       \
    static int cell##__t_valid(void) { return cell##_is_valid(); }                      \
    static int cell##__t_invalidate(void) { return cell##_invalidate(); }               \
    static const cell_typed_t PRAM_MAYBE_UNUSED cell##__typed = {                       \
        cell##__t_get, cell##__t_set, cell##__t_status, cell##__t_valid, cell##__t_invalidate}

/* The library's descriptor and what the test expects of it.  The oracle reads
 * the slots with vo and ss; vo_decl and ss_decl are those of the declared slot
 * type (offsetof(slot_t, value), sizeof(slot_t)).  typed: the cell's typed
 * calls (NULL for a descriptor built at run time). */
typedef struct {
    const char *name;
    const pram_cell_t *cell;
    size_t size; /* sizeof the value type */
    size_t vo, ss;
    size_t vo_decl, ss_decl;
    uint16_t schema;
    unsigned mode;
    const cell_typed_t *typed;
} cell_case_t;

/* Declares and defines the cells n_s (PRAM_SINGLE) and n_ab (PRAM_AB) of T,
 * storage in .noinit, and their cell_typed_t tables. */
#define CELL_PAIR(n, T, schema)                       \
    PRAM_CELL_DECLARE(n##_s, T, schema, PRAM_SINGLE); \
    PRAM_CELL_DEFINE(n##_s);                          \
    CELL_TYPED(n##_s, T);                             \
    PRAM_CELL_DECLARE(n##_ab, T, schema, PRAM_AB);    \
    PRAM_CELL_DEFINE(n##_ab);                         \
    CELL_TYPED(n##_ab, T)

/* A cell_case_t initializer for `cell` (value type T, defined by CELL_PAIR),
 * the oracle reading its slots with value offset vo and slot size ss. */
#define CELL_CASE(cell, T, schema, mode, vo, ss)                                             \
    {#cell, &cell, sizeof(T), vo, ss, offsetof(cell##_slot_t, value), sizeof(cell##_slot_t), \
     schema, mode, &cell##__typed}
/* The two cases of CELL_PAIR(n, T, schema): with the vo and ss the test
 * expects (what the spec implies on this ABI) ... */
#define CELL_CASE_PAIR(n, T, schema, vo, ss)          \
    CELL_CASE(n##_s, T, schema, PRAM_SINGLE, vo, ss), \
    CELL_CASE(n##_ab, T, schema, PRAM_AB, vo, ss)
/* ... or with those of the declared slot types. */
#define CELL_CASE_PAIR_DECL(n, T, schema)                                   \
    CELL_CASE(n##_s, T, schema, PRAM_SINGLE, offsetof(n##_s_slot_t, value), \
              sizeof(n##_s_slot_t)),                                        \
    CELL_CASE(n##_ab, T, schema, PRAM_AB, offsetof(n##_ab_slot_t, value),   \
              sizeof(n##_ab_slot_t))

/* A cell's storage in plain memory: its address, or its region's base +
 * offset (regions of ordinary memory only). */
uint8_t *cell_mem(const pram_cell_t *c);

/* The case's storage: cell_mem(k->cell). */
uint8_t *mem_of(const cell_case_t *k);
size_t nslots(const cell_case_t *k);
size_t storage_len(const cell_case_t *k);

/* Slots holding the magic word (headers of any layout) / a valid value. */
int count_magic(const cell_case_t *k);
int count_valid(const cell_case_t *k);
/* The slot (0/1) holding the newest valid value, -1 if none; its seq in
 * *seq.  *ambiguous (either may be NULL) is 1 when both slots are valid with
 * seqs that do not order them (equal, or 0x8000 apart): then either slot may
 * be read. */
int ref_newest(const cell_case_t *k, uint16_t *seq, int *ambiguous);
/* What a reader must make of the whole cell: single-slot, its slot's
 * ref_state; A/B, the valid slot if one is, the newer in 16-bit serial
 * arithmetic if both are (slot 1 iff its seq is 1..0x7FFF ahead, so equal
 * seqs pick slot 0), else PRAM_ERR_LAYOUT if either slot is another
 * layout's, else PRAM_ERR_INVALID.  *pick (may be NULL): the slot read when
 * PRAM_OK, else -1. */
int ref_cell_state(const cell_case_t *k, int *pick);

/* ---- Stores of a set (pram_cell.c, commit order) ------------------------------ */

/* magic<-0, W value words, layout, seal, magic<-MAGIC (store W+4, the
 * commit point); A/B then retires the other slot (magic<-0, store W+5)
 * whatever the prior state. */
size_t value_words(size_t size);
size_t commit_store(const cell_case_t *k);
size_t set_stores(const cell_case_t *k);

/* ---- Operations to run under run_cut (power_cut.h) ---------------------------- */

typedef struct {
    const pram_cell_t *cell;
    const void *value;
    size_t size;
    int rc;
    const cell_typed_t *typed; /* for op_typed_*: the cell's typed calls */
} cell_op_t;

void op_cell_set(void *cell_op);        /* rc = pram_cell_set(cell, value, size) */
void op_cell_invalidate(void *cell_op); /* rc = pram_cell_invalidate(cell)       */
void op_typed_set(void *cell_op);        /* rc = typed->set(value)                */
void op_typed_invalidate(void *cell_op); /* rc = typed->invalidate()              */

#endif
