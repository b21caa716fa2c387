/* Integration consumer, host: a boot counter in a pram cell.  Each run is a
 * boot; FILE is the RAM that survives it (pram_host_map, MAP_SHARED): copied
 * into the cell's .noinit storage before the first call, back after the last.
 *
 *   boot_host FILE              prints "boot N" (1 after a cold start)
 *   boot_host FILE invalidate   invalidates the counter, prints "invalid"
 */
#include <stdio.h>
#include <string.h>

#include "pram/pram.h"
#include "pram/pram_host.h"

#if defined(CONSUMER_EXPECT_CRC16) && PRAM_CRC16_IMPL != CONSUMER_EXPECT_CRC16
#  error "pram's options did not reach this consumer (PRAM_CRC16_IMPL)"
#endif

PRAM_CELL_DECLARE(boots, uint32_t, 1, PRAM_AB);
PRAM_CELL_DEFINE(boots);

int main(int argc, char **argv)
{
    uint32_t n = 0u;
    size_t size = pram_cell_storage_size(&boots);
    unsigned char *ram;
    int rc;

    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "invalidate") != 0)) {
        fprintf(stderr, "usage: %s FILE [invalidate]\n", argv[0]);
        return 2;
    }
    ram = pram_host_map(argv[1], size, NULL);
    if (!ram) {
        perror(argv[1]);
        return 1;
    }
    memcpy(boots.addr, ram, size); /* the RAM that survived the reset */

    if (argc == 3) {
        rc = boots_invalidate();
        if (rc == PRAM_OK && boots_status() == PRAM_OK)
            rc = PRAM_ERR_INVALID; /* must read invalid now */
        if (rc == PRAM_OK)
            printf("invalid\n");
    } else {
        if (boots_get(&n) != PRAM_OK)
            n = 0u; /* cold: zeroed file, or invalidated */
        n++;
        rc = boots_set(&n);
        if (rc == PRAM_OK) {
            uint32_t back = 0u;
            rc = boots_get(&back);
            if (rc == PRAM_OK && back != n)
                rc = PRAM_ERR_INVALID;
        }
        if (rc == PRAM_OK)
            printf("boot %u\n", (unsigned)n);
    }

    memcpy(ram, boots.addr, size);
    if (pram_host_unmap(ram, size) != 0 || rc != PRAM_OK) {
        fprintf(stderr, "boot_host: %s\n", rc != PRAM_OK ? pram_strerror(rc) : "unmap failed");
        return 1;
    }
    return 0;
}
