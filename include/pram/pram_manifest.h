/* pram — the container manifest: what tools need to read a RAM image.
 *
 * PRAM_CELL_DEFINE and PRAM_BUF_DEFINE* also describe their container in
 * the ELF section `.pram_manifest`: its name, address, kind, mode, value
 * size and offset, schema, capacity and storage size.  ld/nonalloc.ld keeps
 * that section as a non-allocated one (`.pram_manifest 0 (INFO)`), so it
 * takes no flash and no RAM: it is in the ELF file only, for tools
 * (src/host/pramdump, docs/pramdump.md) that read a dump of RAM with the
 * firmware's ELF.  A script that does not INCLUDE nonalloc.ld either places
 * it the same way or, linked with --orphan-handling=error, fails; without
 * that option ld puts it wherever orphans go (in flash, where it costs its
 * bytes).  Turn it off with -DPRAM_MANIFEST=0 (or in PRAM_USER_CONFIG).
 *
 * Entry layout, version 1 (native-endian; all entries of a file alike):
 *
 *   off  size  field
 *     0     4  magic         PRAM_MANIFEST_MAGIC: 0x4D5250 << 8 | version
 *     4     2  entry_size    bytes of this entry (the next one follows)
 *     6     1  kind          PRAM_MANIFEST_CELL or PRAM_MANIFEST_BUF
 *     7     1  mode          cell: PRAM_SINGLE / PRAM_AB;
 *                            buffer: PRAM_BUF_LINEAR / PRAM_BUF_RING
 *     8     2  schema
 *    10     2  value_offset  cell: 12 or 16; buffer: 12 (its control block)
 *    12     4  value_size    cell: sizeof(value); buffer: 12 (control value)
 *    16     4  slot_size     cell: bytes per slot; buffer: 24 (control slot)
 *    20     4  capacity      buffer: bytes of data area; cell: 0
 *    24     4  storage_size  bytes of storage (every slot; control + data)
 *    28     4  limit         PRAM_CELL_MAX_SIZE / PRAM_RECORD_MAX_SIZE as
 *                            the defining file was compiled
 *    32   4|8  addr          the storage's first byte (a pointer: 4 bytes
 *                            in an ELF32 file, 8 in an ELF64 one)
 *  36|40   64  name          the container's C name, NUL-padded
 *
 * entry_size is then 100 (ELF32) or 104 (ELF64).  Each entry is aligned to
 * the pointer size exactly (an explicit alignment: GCC would align an
 * object this large to 32 on x86-64), so entries follow each other; readers
 * still skip zero words between them (padding a tool or a sanitizer added).
 *
 * Only the DEFINE macros emit entries: cells _AT an address or _IN a region,
 * and storage declared by hand (PRAM_CONTAINER_ENTRY, a C++ pram::Cell), have
 * none.  A link with --gc-sections and a script that does not KEEP the
 * section (ld's default script) drops it: nothing refers to it. */
#ifndef PRAM_MANIFEST_H
#define PRAM_MANIFEST_H

#include <stdint.h>

#include "pram_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* On by default where the section can be made (GCC, Clang, armclang on
 * ELF targets); 0 elsewhere and to turn it off. */
#ifndef PRAM_MANIFEST
#  if defined(PRAM_GNU_ATTRIBUTES) && defined(__ELF__)
#    define PRAM_MANIFEST 1
#  else
#    define PRAM_MANIFEST 0
#  endif
#endif

#define PRAM_MANIFEST_VERSION 1u
#define PRAM_MANIFEST_MAGIC (0x4D525000u | PRAM_MANIFEST_VERSION)
/* Bytes of the name field: names up to 63 characters (longer ones do not
 * compile while the manifest is on). */
#define PRAM_MANIFEST_NAME_SIZE 64u

#define PRAM_MANIFEST_CELL 1u
#define PRAM_MANIFEST_BUF 2u

typedef struct pram_manifest_entry {
    uint32_t magic;
    uint16_t entry_size;
    uint8_t kind;
    uint8_t mode;
    uint16_t schema;
    uint16_t value_offset;
    uint32_t value_size;
    uint32_t slot_size;
    uint32_t capacity;
    uint32_t storage_size;
    uint32_t limit;
    const void *addr;
    char name[PRAM_MANIFEST_NAME_SIZE];
} pram_manifest_entry_t;

#if PRAM_MANIFEST
#  define PRAM__MANIFEST_ENTRY(name, kind, mode, schema, value_offset, value_size, slot_size,     \
                               capacity, storage, limit)                                        \
    PRAM_STATIC_ASSERT(sizeof(#name) <= PRAM_MANIFEST_NAME_SIZE,                                \
                       name##_name_too_long_for_the_manifest);                                  \
    static const pram_manifest_entry_t name##__manifest                                        \
        __attribute__((used, section(".pram_manifest"), aligned(sizeof(void *)))) = {          \
            PRAM_MANIFEST_MAGIC, (uint16_t)sizeof(pram_manifest_entry_t), (uint8_t)(kind),     \
            (uint8_t)(mode), (uint16_t)(schema), (uint16_t)(value_offset),                     \
            (uint32_t)(value_size), (uint32_t)(slot_size), (uint32_t)(capacity),               \
            (uint32_t)sizeof(storage), (uint32_t)(limit), &(storage), #name}
#else
#  define PRAM__MANIFEST_ENTRY(name, kind, mode, schema, value_offset, value_size, slot_size,     \
                               capacity, storage, limit)                                        \
    PRAM_STATIC_ASSERT(1, name##__manifest)
#endif

/* The entry of a cell PRAM_CELL_DEFINE made (name##__storage). */
#define PRAM__MANIFEST_CELL(name)                                                              \
    PRAM__MANIFEST_ENTRY(name, PRAM_MANIFEST_CELL, name##__MODE, name##__SCHEMA,              \
                         offsetof(name##_slot_t, value), sizeof(name##_value_t),               \
                         sizeof(name##_slot_t), 0u, name##__storage, PRAM_CELL_MAX_SIZE)

/* The entry of a buffer PRAM__BUF_DEFINE made (name##__storage). */
#define PRAM__MANIFEST_BUF(name, capacity, schema, mode)                                       \
    PRAM__MANIFEST_ENTRY(name, PRAM_MANIFEST_BUF, mode, schema, sizeof(pram_header_t),         \
                         sizeof(pram_buf_control_t),                                            \
                         sizeof(pram_header_t) + sizeof(pram_buf_control_t), PRAM__ALIGN4(capacity), \
                         name##__storage, PRAM_RECORD_MAX_SIZE)

#ifdef __cplusplus
}
#endif

#endif /* PRAM_MANIFEST_H */
