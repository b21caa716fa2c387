/* Reproducer: a migration cut while it rewrites the directory, then two
 * more firmware updates: a container the last one adds reads the value of a
 * container of the first firmware (no damage, no CRC collision). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "pram/pram.h"
#include "power_cut.h"
#include "test_support.h"

static uint32_t image[512] __attribute__((aligned(8)));
#define SYS PRAM_MIGRATE_SYSTEM_SIZE

typedef struct { const char *name; uint32_t size; uint8_t mode; } c_t;
typedef struct { int n; pram_container_t tab[4]; pram_cell_t cell[4]; } fw_t;

static void build(fw_t *fw, const c_t *c, int n) /* c sorted by name */
{
    uint8_t *at = (uint8_t *)image + ((SYS + 7u) & ~7u);
    int i;
    fw->n = n;
    for (i = 0; i < n; i++) {
        uint32_t st = (12u + c[i].size) * (c[i].mode == PRAM_AB ? 2u : 1u);
        pram_cell_t d = {at, NULL, 0u, (uint16_t)c[i].size, 1u, 12u, (uint16_t)(12u + c[i].size), c[i].mode, 0u};
        fw->cell[i] = d;
        fw->tab[i].name = c[i].name;
        fw->tab[i].storage = at;
        fw->tab[i].size = st;
        at += (st + 7u) & ~7u;
    }
}
static int mig(fw_t *fw) { pram_migration_t m = {image, sizeof image, fw->tab, (uint32_t)fw->n}; return pram_migrate_run(&m, NULL); }
static fw_t *cur;
static void op(void *x) { (void)x; mig(cur); }

int main(void)
{
    static const c_t v1[] = {{"boot", 8, PRAM_AB}, {"crash", 32, PRAM_SINGLE}};
    static const c_t v2[] = {{"boot", 8, PRAM_AB}, {"crash", 32, PRAM_SINGLE}, {"dns", 4, PRAM_SINGLE}};
    static const c_t v3[] = {{"zz", 4, PRAM_SINGLE}};
    static const c_t v4[] = {{"aa", 8, PRAM_AB}, {"ab", 32, PRAM_SINGLE}};
    static uint32_t before[512];
    fw_t f1, f2, f3, f4;
    uint8_t crash[32], got[32];
    uint64_t stores, n;
    int rc;
    memset(image, 0xA5, sizeof image);
    build(&f1, v1, 2);
    printf("v1: %s\n", pram_strerror(mig(&f1)));
    memset(crash, 0x42, sizeof crash);
    pram_cell_set(&f1.cell[1], crash, 32);                  /* crash holds 0x42... */
    build(&f2, v2, 3);
    memcpy(before, image, sizeof image);
    stores = pram_test_stores; mig(&f2); stores = pram_test_stores - stores;
    /* Cut v2's migration at the last store that leaves no valid directory. */
    for (n = stores; n > 0; n--) {
        memcpy(image, before, sizeof image);
        cur = &f2;
        if (run_cut(op, NULL, n, 0u)) {
            pram_cell_t dc = {(uint8_t *)image + 56, NULL, 0u, 4u + 8u * PRAM_MIGRATE_CAPACITY,
                              0xD000u + PRAM_MIGRATE_CAPACITY, 12u, 12u + 4u + 8u * PRAM_MIGRATE_CAPACITY,
                              PRAM_SINGLE, 2u};
            if (pram_cell_status(&dc) != PRAM_OK)
                break;
        }
    }
    printf("v2: migration cut at store %lu of %lu (directory being rewritten)\n", (unsigned long)n,
           (unsigned long)stores);
    build(&f3, v3, 1);
    printf("v3 (another firmware) boots: %s\n", pram_strerror(mig(&f3)));
    build(&f4, v4, 2);
    printf("v4 boots: %s\n", pram_strerror(mig(&f4)));
    rc = pram_cell_get(&f4.cell[1], got, 32);
    printf("v4's new cell \"ab\" (same size and schema as v1's \"crash\", where it was): %s%s\n",
           pram_strerror(rc), rc == PRAM_OK && !memcmp(got, crash, 32) ? ", holding crash's value" : "");
    return rc == PRAM_OK;
}
