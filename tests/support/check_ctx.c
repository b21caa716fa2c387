#include "check_ctx.h"

#include <stdio.h>

const char *g_ctx = "";
long g_iter = -1;

const char *check_where(void)
{
    static char where[256];
    if (g_iter >= 0)
        snprintf(where, sizeof where, "[%s #%ld]", g_ctx, g_iter);
    else
        snprintf(where, sizeof where, "[%s]", g_ctx);
    return where;
}
