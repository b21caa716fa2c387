/* pram — names of status codes, for logs (no stdio, constant strings). */
#include "pram/pram_error.h"

const char *pram_strerror(int code)
{
    static const char *const errors[] = {
        "PRAM_OK",          "PRAM_ERR_NULL",      "PRAM_ERR_DESC",     "PRAM_ERR_ALIGN",
        "PRAM_ERR_SIZE",    "PRAM_ERR_INVALID",   "PRAM_ERR_LAYOUT",   "PRAM_ERR_TOO_LARGE",
        "PRAM_ERR_NO_SPACE", "PRAM_ERR_NOT_OPEN", "PRAM_ERR_SCOPE",    "PRAM_ERR_ACCESS",
        "PRAM_ERR_CORRUPT", "PRAM_ERR_RANGE",     "PRAM_ERR_FLAGS",
        "PRAM_ERR_OVERLAP", "PRAM_ERR_BUSY",
    };
    /* Indexed by value: PRAM_EDIT_ABORTED 1, PRAM_BUF_COLD 2 ... (the headers
     * give each named result its own value; test_errors checks they agree). */
    static const char *const results[] = {
        "PRAM_OK",           "PRAM_EDIT_ABORTED",  "PRAM_BUF_COLD",       "PRAM_BUF_REFORMED",
        "PRAM_BUF_ABANDONED", "PRAM_REGION_COLD", "PRAM_REGION_RELAYOUT", "PRAM_REGION_CLEARED",
        "PRAM_MIGRATE_FIRST", "PRAM_MIGRATE_DONE", "PRAM_MIGRATE_ABANDONED",
    };
    if (code >= 0)
        return code < (int)(sizeof(results) / sizeof(results[0])) ? results[code] : "?";
    /* Compare before negating: -INT_MIN overflows. */
    if (code <= -(int)(sizeof(errors) / sizeof(errors[0])))
        return "?";
    return errors[-code];
}
