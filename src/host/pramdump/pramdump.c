/* pramdump FIRMWARE.elf IMAGE.bin [--base ADDR] [--json] [--raw]
 *
 * Prints every pram container of a firmware (from its ELF's .pram_manifest)
 * as a RAM image holds it: valid, invalid, layout changed, never written;
 * cell values, buffer records, the reboot record and crash.  The ELF is
 * trusted to describe the firmware; the image is not (docs/pramdump.md).
 * Exit status: 0 report written, 1 bad input files, 2 usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_dump.h"

/* Larger inputs are refused: no firmware ELF or RAM image is this big. */
#define MAX_FILE (512ul * 1024ul * 1024ul)

static void usage(FILE *f)
{
    fputs("usage: pramdump FIRMWARE.elf IMAGE.bin [--base ADDR] [--json] [--raw]\n"
          "  Prints every pram container the firmware defines (its ELF's .pram_manifest)\n"
          "  as the RAM image holds it, checked with pram's own code.\n"
          "  --base ADDR  address of the image's first byte (default: the ELF's .noinit)\n"
          "  --json       one JSON object, for scripts\n"
          "  --raw        also each container's raw bytes\n"
          "Exit status: 0 report written, 1 bad input files, 2 usage.  docs/pramdump.md\n",
          f);
}

/* The whole file, malloc'd: 0, or -1 with a message on stderr. */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL, *grown;
    size_t cap = 0u, len = 0u, got;
    *data = NULL;
    *size = 0u;
    if (!f) {
        fprintf(stderr, "pramdump: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (;;) {
        if (len == cap) {
            if (cap >= MAX_FILE) {
                fprintf(stderr, "pramdump: %s: larger than %lu bytes\n", path, (unsigned long)MAX_FILE);
                free(buf);
                fclose(f);
                return -1;
            }
            cap = cap ? cap * 2u : 65536u;
            grown = (uint8_t *)realloc(buf, cap);
            if (!grown) {
                fprintf(stderr, "pramdump: %s: out of memory\n", path);
                free(buf);
                fclose(f);
                return -1;
            }
            buf = grown;
        }
        got = fread(buf + len, 1u, cap - len, f);
        len += got;
        if (got == 0u)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "pramdump: %s: read error\n", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *size = len;
    return 0;
}

/* An address: decimal, or hex with 0x. */
static int parse_addr(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;
    if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
        return -1;
    errno = 0;
    x = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *v = (uint64_t)x;
    return 0;
}

int main(int argc, char **argv)
{
    pd_options_t o;
    uint8_t *elf = NULL, *image = NULL;
    size_t elf_size = 0u, image_size = 0u;
    const char *files[2];
    int i, nfiles = 0, rc;
    memset(&o, 0, sizeof o);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            o.json = 1;
        } else if (strcmp(argv[i], "--raw") == 0) {
            o.raw = 1;
        } else if (strcmp(argv[i], "--base") == 0) {
            if (i + 1 >= argc || parse_addr(argv[i + 1], &o.base) != 0) {
                fputs("pramdump: --base needs an address (0x20000000, or decimal)\n", stderr);
                usage(stderr);
                return PD_EXIT_USAGE;
            }
            o.have_base = 1;
            i++;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return PD_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "pramdump: unknown option %s\n", argv[i]);
            usage(stderr);
            return PD_EXIT_USAGE;
        } else if (nfiles < 2) {
            files[nfiles++] = argv[i];
        } else {
            fputs("pramdump: too many files\n", stderr);
            usage(stderr);
            return PD_EXIT_USAGE;
        }
    }
    if (nfiles != 2) {
        usage(stderr);
        return PD_EXIT_USAGE;
    }
    o.elf_path = files[0];
    o.image_path = files[1];
    if (read_file(o.elf_path, &elf, &elf_size) != 0)
        return PD_EXIT_BAD_INPUT;
    if (read_file(o.image_path, &image, &image_size) != 0) {
        free(elf);
        return PD_EXIT_BAD_INPUT;
    }
    rc = pd_run(&o, elf, elf_size, image ? image : (const uint8_t *)"", image_size, stdout, stderr);
    free(elf);
    free(image);
    if (fflush(stdout) != 0) {
        fputs("pramdump: error writing the report\n", stderr);
        return PD_EXIT_BAD_INPUT;
    }
    return rc;
}
