/* pram — host backend: a file mapped MAP_SHARED as persistent memory. */
/* ftruncate and MAP_SHARED are POSIX, hidden by -std=c99 unless asked for. */
#if !defined(_POSIX_C_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_GNU_SOURCE)
#  define _POSIX_C_SOURCE 200809L
#endif
#include "pram/pram_host.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void *pram_host_map(const char *path, size_t size, int *created)
{
    struct stat st;
    void *base;
    int fd;
    if (created)
        *created = 0;
    fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) != 0 || (st.st_size < (off_t)size && ftruncate(fd, (off_t)size) != 0)) {
        (void)close(fd);
        return NULL;
    }
    if (created && st.st_size < (off_t)size)
        *created = 1;
    base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    (void)close(fd);
    return base == MAP_FAILED ? NULL : base;
}

int pram_host_unmap(void *base, size_t size)
{
    return munmap(base, size);
}
