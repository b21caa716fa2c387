/* What a log buffer adds to a firmware, over an empty main (make size).
 * Built with SIZE_USE_PRAM: a linear buffer opened, appended to, read back
 * oldest first and cleared: the calls the buffer has had from the start,
 * so that the figure compares across versions of the record format.  With
 * SIZE_RING as well: a ring, and the calls a crash log uses besides: a
 * record streamed in pieces, the fault handler's takeover, newest-first
 * reading.  Not meant to run. */
#include "pram/pram.h"

volatile int size_sink;

#ifdef SIZE_USE_PRAM
#  ifdef SIZE_RING
PRAM_BUF_DEFINE_RING(size_log, 256, 1);
#  else
PRAM_BUF_DEFINE(size_log, 256, 1);
#  endif
#endif

int main(void);
int main(void)
{
#ifdef SIZE_USE_PRAM
    static const char line[] = "boot";
    pram_buf_iter_t it = PRAM_BUF_ITER_INIT;
    pram_record_t r;
    char copy[8];
    int n = pram_buf_open(&size_log);
    n += pram_buf_append(&size_log, line, sizeof line - 1u);
#  ifdef SIZE_RING
    n += pram_buf_begin(&size_log);
    n += pram_buf_write(&size_log, line, 2u);
    n += pram_buf_commit(&size_log);
    n += pram_buf_takeover(&size_log);
    while (pram_buf_prev(&size_log, &it, &r) > 0)
        n += pram_buf_read(&size_log, &r, copy, sizeof copy);
#  else
    while (pram_buf_next(&size_log, &it, &r) > 0)
        n += pram_buf_read(&size_log, &r, copy, sizeof copy);
#  endif
    n += pram_buf_clear(&size_log);
    size_sink = n;
#else
    size_sink = 0;
#endif
    return 0;
}

/* Entry point (linked with -e size_start, no startup files). */
void size_start(void);
void size_start(void)
{
    (void)main();
    for (;;) {
    }
}
