/* pram — host backend (Linux/POSIX only, not part of the firmware core).
 *
 * Maps a file as persistent memory with MAP_SHARED, so every process run is a
 * boot and a killed process leaves exactly the bytes it had stored: the
 * file is the RAM that survives the reset.  Use the returned base as the base
 * of an ordinary-memory region (width 0).
 */
#ifndef PRAM_HOST_H
#define PRAM_HOST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Maps `size` bytes of `path`, creating or growing the file (new bytes read
 * as zero, like RAM in QEMU).  *created (may be NULL) is set to 1 if the file
 * was created or grown.  Returns NULL on failure (errno set). */
void *pram_host_map(const char *path, size_t size, int *created);
/* Unmaps; returns 0 or -1 (errno set). */
int pram_host_unmap(void *base, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* PRAM_HOST_H */
