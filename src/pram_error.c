/* pram — names of error codes, for logs (no stdio, constant strings). */
#include "pram/pram_error.h"

const char *pram_strerror(int code)
{
    static const char *const names[] = {
        "PRAM_OK",          "PRAM_ERR_NULL",      "PRAM_ERR_DESC",     "PRAM_ERR_ALIGN",
        "PRAM_ERR_SIZE",    "PRAM_ERR_INVALID",   "PRAM_ERR_LAYOUT",   "PRAM_ERR_TOO_LARGE",
        "PRAM_ERR_NO_SPACE", "PRAM_ERR_NOT_OPEN", "PRAM_ERR_SCOPE",    "PRAM_ERR_ACCESS",
        "PRAM_ERR_CORRUPT", "PRAM_ERR_RANGE",     "PRAM_ERR_FLAGS",
        "PRAM_ERR_OVERLAP", "PRAM_ERR_BUSY",
    };
    /* Compare before negating: -INT_MIN overflows. */
    if (code > 0 || code <= -(int)(sizeof(names) / sizeof(names[0])))
        return "?";
    return names[-code];
}
