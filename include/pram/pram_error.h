/* pram — error codes.  Every call returns 0 or one of these; each misuse has
 * its own code so a log line names the exact mistake.  A call that fails
 * leaves every committed value exactly as it was. */
#ifndef PRAM_ERROR_H
#define PRAM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum pram_error {
    PRAM_OK = 0,
    PRAM_ERR_NULL = -1,      /* a required pointer argument was NULL              */
    PRAM_ERR_DESC = -2,      /* container descriptor is malformed (size, mode, …) */
    PRAM_ERR_ALIGN = -3,     /* persistent storage or region offset not 4-aligned */
    PRAM_ERR_SIZE = -4,      /* value size does not match the cell's type         */
    PRAM_ERR_INVALID = -5,   /* nothing valid stored (zeroed, garbage, torn, …)   */
    PRAM_ERR_LAYOUT = -6,    /* valid-looking data from another layout/version    */
    PRAM_ERR_TOO_LARGE = -7, /* record larger than PRAM_RECORD_MAX_SIZE or buffer */
    PRAM_ERR_NO_SPACE = -8,  /* record does not fit in what is left of the buffer */
    PRAM_ERR_NOT_OPEN = -9,  /* buffer handle was not opened (or was closed)      */
    PRAM_ERR_SCOPE = -10,    /* edit scope not open, or already closed            */
    PRAM_ERR_ACCESS = -11,   /* needs byte-addressable memory (edit on registers) */
    PRAM_ERR_CORRUPT = -12,  /* committed data changed since it was validated     */
    PRAM_ERR_RANGE = -13,    /* container does not lie inside its region          */
    PRAM_ERR_FLAGS = -14,    /* unknown flag bits                                 */
    PRAM_ERR_OVERLAP = -15,  /* containers of a region map overlap each other     */
    PRAM_ERR_BUSY = -16      /* buffer busy: a call or streamed record in progress */
};

/* Short constant name of any status a call returns: PRAM_OK, an error
 * ("PRAM_ERR_INVALID"), or a named result ("PRAM_BUF_COLD",
 * "PRAM_REGION_RELAYOUT", "PRAM_EDIT_ABORTED": each has a value of its own);
 * "?" for anything else (counts and flags such as pram_buf_next's 1 are not
 * statuses).  Constant strings, no stdio: safe in a fault handler. */
const char *pram_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* PRAM_ERROR_H */
