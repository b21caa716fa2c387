/* pramdump — reading an ELF file's sections and pram's container manifest.
 *
 * The file is untrusted bytes: every offset, size and count read from it is
 * bounded by the file's size before it is used, nothing is read past the
 * buffer, and a malformed file gives an error message, never a crash.
 * Little-endian ELF32 and ELF64 only (the manifest's byte order is the
 * firmware's, and pram's checks run on this host's native words). */
#ifndef PD_ELF_H
#define PD_ELF_H

#include <stddef.h>
#include <stdint.h>

/* A parsed ELF header: the file stays the caller's. */
typedef struct pd_elf {
    const uint8_t *data;
    size_t size;
    int is64;           /* ELFCLASS64 */
    uint16_t machine;   /* e_machine */
    uint64_t shoff;     /* section header table: offset, */
    uint32_t shnum;     /*   entries (extended numbering resolved), */
    uint32_t shentsize; /*   bytes per entry */
    uint32_t shstrndx;  /* section name string table index */
} pd_elf_t;

typedef struct pd_section {
    const char *name; /* in the file's string table, NUL-terminated there */
    uint32_t type;
    uint64_t flags, addr, offset, size;
} pd_section_t;

#define PD_SHT_NOBITS 8u
#define PD_SHF_ALLOC 0x2u

/* Messages of at most this many bytes (NUL included). */
#define PD_ERR_SIZE 200u

/* 0, or -1 with a message in err. */
int pd_elf_open(pd_elf_t *e, const uint8_t *data, size_t size, char *err);
/* Section i (0 <= i < shnum): 0, or -1 with a message. */
int pd_elf_section(const pd_elf_t *e, uint32_t i, pd_section_t *s, char *err);
/* The first non-empty section of that name, else the first of that name:
 * 1 found, 0 none, -1 a malformed section table (message in err). */
int pd_elf_find(const pd_elf_t *e, const char *name, pd_section_t *s, char *err);
/* The file bytes of a section that has some: 0, or -1 (NOBITS, or outside
 * the file). */
int pd_elf_contents(const pd_elf_t *e, const pd_section_t *s, const uint8_t **bytes, char *err);

/* One container of the manifest (include/pram/pram_manifest.h), checked:
 * a name of identifier characters, a kind and mode pram knows, a geometry
 * consistent with itself, an aligned address. */
#define PD_NAME_SIZE 64u
typedef struct pd_entry {
    char name[PD_NAME_SIZE];
    uint8_t kind; /* PRAM_MANIFEST_CELL or PRAM_MANIFEST_BUF */
    uint8_t mode;
    uint16_t schema;
    uint16_t value_offset;
    uint32_t value_size;
    uint32_t slot_size;
    uint32_t capacity;
    uint32_t storage_size;
    uint32_t limit;
    uint64_t addr;
} pd_entry_t;

/* Reads the entries of `.pram_manifest` into a malloc'd array (*out, *count
 * entries; free it).  0; -1 with a message (a malformed manifest or entry,
 * a version this reader does not know, out of memory). */
int pd_manifest_read(const pd_elf_t *e, const pd_section_t *s, pd_entry_t **out, size_t *count,
                     uint32_t *version, char *err);

#endif /* PD_ELF_H */
