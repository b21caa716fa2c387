/* pram — containers that survive a firmware update that moves them.
 *
 *   int main(void) {
 *       pram_migrate_report_t r;
 *       pram_migrate(&r);          // first thing at boot, before any container is read
 *       ...
 *
 * PRAM_CELL_DEFINE and PRAM_BUF_DEFINE put each container's storage in an
 * input section of its own, `.noinit.pram.<name>`, which ld/pram_noinit.ld
 * sorts by name: the same set of containers gets the same addresses with any
 * compiler, -O level or link order.  Adding, removing or resizing one still
 * moves the ones after it.  Each DEFINE also records the container (name,
 * storage, size) in the section `pram_containers` (flash), and pram_migrate()
 * keeps a directory of where the previous firmware had them, in a small
 * system area first in .noinit.  When the directory differs from this
 * firmware's table:
 *   - a container whose name is in both is moved to its new address (the
 *     bytes both sizes share); if its layout is unchanged it reads as before,
 *     else it reads PRAM_ERR_LAYOUT (cells; PRAM_ERR_INVALID for an A/B cell
 *     whose newest value was in its second slot, which moves with the size)
 *     or opens PRAM_BUF_REFORMED (buffers), until it is written, as it would
 *     without migration;
 *   - every byte the old containers held that no container holds now is
 *     zeroed (released), so a new container never starts with another's bytes;
 *   - then the directory is rewritten.
 * A reset at any store of a migration resumes it at the next boot (a journal
 * in the system area records each step); docs/design.md has the commit order.
 * Bounded work: at most two passes over the containers' bytes plus one
 * journal commit per chunk moved.
 *
 * Limits: at most PRAM_MIGRATE_CAPACITY containers; .noinit up to 256 KiB;
 * a container whose old bytes lie past the new .noinit's end is lost (startup
 * code made them .data/.bss before this runs): give .noinit a fixed size,
 * __pram_noinit_size (ld/pram_noinit.ld), so that it never shrinks; the
 * first firmware that calls pram_migrate() adds the system area in front of
 * every container, so that one update keeps nothing;
 * the old and new placement must keep containers in the same order (the
 * shipped ld fragments sort by name, so they do) — a plan that would
 * overwrite a container before it is moved is refused and those containers
 * are released instead (reported as lost). */
#ifndef PRAM_MIGRATE_H
#define PRAM_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "pram_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One container of this firmware (the DEFINE macros emit these). */
typedef struct pram_container {
    const char *name;   /* its C name: the identity kept across updates */
    void *storage;      /* first byte, 4-aligned                         */
    uint32_t size;      /* storage bytes, a multiple of 4                */
} pram_container_t;

/* Bytes of the system area: an A/B journal (2 x 28) and a single-slot
 * directory (12 + 4 + 8 per entry). */
#define PRAM_MIGRATE_SYSTEM_SIZE (56u + 16u + 8u * (uint32_t)(PRAM_MIGRATE_CAPACITY))

/* An explicit migration: a system area and a table (pram_migrate() uses the
 * linker's table and its own system area; tests and other placements use
 * this).  Every container must lie after the system area, within 256 KiB. */
typedef struct pram_migration {
    void *system;                        /* PRAM_MIGRATE_SYSTEM_SIZE bytes, 4-aligned */
    size_t span;                         /* bytes from system on that are pram's
                                            (the end of .noinit): nothing past it
                                            is read or written                  */
    const pram_container_t *containers;  /* this firmware's, any order               */
    uint32_t count;
} pram_migration_t;

typedef struct pram_migrate_report {
    uint16_t kept;     /* same name, same place                          */
    uint16_t moved;    /* same name, new place                           */
    uint16_t resized;  /* of kept + moved: a size that changed           */
    uint16_t added;    /* names the previous firmware did not have       */
    uint16_t removed;  /* names this firmware does not have: bytes freed */
    uint16_t lost;     /* released instead of moved (see the limits), or
                          whose old bytes lay past this .noinit's end    */
} pram_migrate_report_t;

/* Results (>= 0; errors are negative and change nothing). */
#define PRAM_MIGRATE_SAME 0      /* placement as the directory says     */
#define PRAM_MIGRATE_FIRST 8     /* no directory (first boot, or the
                                    previous firmware kept none): recorded */
#define PRAM_MIGRATE_DONE 9      /* moved, released, recorded           */
#define PRAM_MIGRATE_ABANDONED 10 /* found another firmware's unfinished
                                    migration: all of .noinit after the
                                    system area was zeroed               */

/* This firmware's containers (from the linker table) against the directory.
 * report may be NULL. */
int pram_migrate(pram_migrate_report_t *report);
int pram_migrate_run(const pram_migration_t *migration, pram_migrate_report_t *report);

/* The linker table, and the DEFINE macros' entry in it. */
const pram_container_t *pram_containers(uint32_t *count);

/* Where the DEFINE macros put a container's storage: a section of its own,
 * sorted by name by ld/pram_noinit.ld; aligned(8) explicitly, since a
 * compiler may otherwise align a large object more at some -O levels, and
 * that would change the addresses of the ones after it. */
#if defined(PRAM_GNU_ATTRIBUTES) && defined(__ELF__) && !defined(PRAM_COMPILER_ARMCLANG)
#  define PRAM__NOINIT_CONTAINER(name) __attribute__((section(".noinit.pram." #name), aligned(8)))
#else
#  define PRAM__NOINIT_CONTAINER(name) PRAM_NOINIT
#endif

/* For storage the DEFINE macros do not make (a C++ pram::Cell, an object of
 * your own), the same two things by hand:
 *   PRAM_CONTAINER_STORAGE(boot) pram::Cell<BootInfo, 1, PRAM_AB> boot;
 *   PRAM_CONTAINER_ENTRY(boot, boot);
 * (at namespace or file scope; the name is the identity kept across updates). */
#define PRAM_CONTAINER_STORAGE(name) PRAM__NOINIT_CONTAINER(name)
#define PRAM_CONTAINER_ENTRY(name, storage) PRAM__CONTAINER(name, storage)

#if defined(PRAM_GNU_ATTRIBUTES) && defined(__ELF__)
#  define PRAM__CONTAINER(name, storage)                                                   \
    static const pram_container_t name##__container                                      \
        __attribute__((used, section("pram_containers"), aligned(4))) = {                \
            #name, (void *)&(storage), (uint32_t)sizeof(storage)}
#else
#  define PRAM__CONTAINER(name, storage) PRAM_STATIC_ASSERT(1, name##__container)
#endif

#ifdef __cplusplus
}
#endif

#endif /* PRAM_MIGRATE_H */
