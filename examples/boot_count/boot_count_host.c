/* Boot counter on the host: each run of this program is one boot.
 *
 * The "RAM that survives reset" is a file mapped MAP_SHARED (pram_host.h);
 * the cell sits at offset 0 of a region over it, exactly as it would sit in
 * battery-backed SRAM on a board.  Usage: boot_count_host FILE
 */
#include <stdio.h>

#include "pram/pram.h"
#include "pram/pram_host.h"

typedef struct {
    uint32_t boots;
} boot_info_t;

static pram_region_t ram = PRAM_REGION(0, 64, 0, 0); /* base set at run time */

PRAM_CELL_DECLARE_IN(boot_info, boot_info_t, 1, PRAM_AB);
PRAM_CELL_DEFINE_IN(boot_info, &ram, 0);

int main(int argc, char **argv)
{
    boot_info_t bi;
    int created, rc;
    if (argc != 2) {
        fprintf(stderr, "usage: %s RAM-FILE\n", argv[0]);
        return 2;
    }
    ram.base = pram_host_map(argv[1], ram.size, &created);
    if (!ram.base) {
        perror(argv[1]);
        return 1;
    }
    rc = boot_info_get(&bi);
    if (rc != PRAM_OK) {
        printf("boot: no valid counter (%s) - starting from 0\n", pram_strerror(rc));
        bi.boots = 0;
    }
    bi.boots++;
    rc = boot_info_set(&bi);
    if (rc != PRAM_OK) {
        fprintf(stderr, "set failed: %s\n", pram_strerror(rc));
        return 1;
    }
    printf("boot %u\n", (unsigned)bi.boots);
    return pram_host_unmap((void *)ram.base, ram.size) == 0 ? 0 : 1;
}
