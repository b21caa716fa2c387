/* CHECK macros that say which case failed: a cmocka failure message names
 * g_ctx (what is being checked, e.g. a cell's name) and, when g_iter >= 0,
 * the iteration within it.  Tests set both as they go. */
#ifndef CHECK_CTX_H
#define CHECK_CTX_H

#include <string.h>

extern const char *g_ctx; /* "" until a test sets it */
extern long g_iter;       /* -1: none */

/* "[g_ctx]" or "[g_ctx #g_iter]" (a static buffer, valid until the next call). */
const char *check_where(void);

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond))                                                     \
            fail_msg("%s check failed: %s", check_where(), #cond);       \
    } while (0)
#define CHECK_EQ(a, b)                                                                         \
    do {                                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                                    \
        if (a_ != b_)                                                                          \
            fail_msg("%s %s == %lld, expected %s == %lld", check_where(), #a, a_, #b, b_);     \
    } while (0)
#define CHECK_MEM(a, b, n)                                                                     \
    do {                                                                                       \
        if (memcmp((a), (b), (n)) != 0)                                                        \
            fail_msg("%s memory differs: %s vs %s (%d bytes)", check_where(), #a, #b, (int)(n)); \
    } while (0)

#endif
