/* pramdump — every container of a firmware, read from a RAM image with
 * pram's own checks (docs/pramdump.md).
 *
 * pd_run() is the whole tool minus argument parsing and file reading, so
 * that a fuzzer can call it on bytes: it reads nothing but its arguments,
 * writes only to `out` and `err`, and frees what it allocates. */
#ifndef PD_DUMP_H
#define PD_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes. */
#define PD_EXIT_OK 0
#define PD_EXIT_BAD_INPUT 1
#define PD_EXIT_USAGE 2

typedef struct pd_options {
    const char *elf_path;   /* for the report only */
    const char *image_path; /* for the report only */
    uint64_t base;          /* address of the image's first byte, */
    int have_base;          /*   if given (else from the ELF)     */
    int json;               /* one JSON object instead of text     */
    int raw;                /* also every container's raw bytes    */
} pd_options_t;

/* PD_EXIT_OK: the report was written (whatever the containers hold);
 * PD_EXIT_BAD_INPUT: the ELF is not one pramdump can read (message on err,
 * and with json an object {"error": ...} on out), or the image is empty or
 * does not hold every container (the report is written, those containers
 * marked outside_image). */
int pd_run(const pd_options_t *o, const uint8_t *elf, size_t elf_size, const uint8_t *image,
           size_t image_size, FILE *out, FILE *err);

#endif /* PD_DUMP_H */
