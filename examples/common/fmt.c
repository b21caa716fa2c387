/* Number formatting without printf, and the print helpers built on it. */
#include <stdint.h>

#include "fw.h"

char *fw_fmt_u32(char *buf, uint32_t v)
{
    char tmp[FW_U32_DEC_SIZE];
    uint32_t n = 0u, i = 0u;
    do {
        tmp[n++] = (char)('0' + (char)(v % 10u));
        v /= 10u;
    } while (v != 0u);
    while (n > 0u)
        buf[i++] = tmp[--n];
    buf[i] = '\0';
    return buf;
}

char *fw_fmt_i32(char *buf, int32_t v)
{
    if (v < 0) {
        buf[0] = '-';
        /* Negate in unsigned arithmetic: -INT32_MIN does not fit an int32_t. */
        (void)fw_fmt_u32(buf + 1, 0u - (uint32_t)v);
        return buf;
    }
    return fw_fmt_u32(buf, (uint32_t)v);
}

char *fw_fmt_hex32(char *buf, uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    uint32_t i;
    buf[0] = '0';
    buf[1] = 'x';
    for (i = 0u; i < 8u; i++)
        buf[2u + i] = digits[(v >> (28u - 4u * i)) & 0xFu];
    buf[10] = '\0';
    return buf;
}

void fw_put_u32(uint32_t v)
{
    char buf[FW_U32_DEC_SIZE];
    fw_puts(fw_fmt_u32(buf, v));
}

void fw_put_i32(int32_t v)
{
    char buf[FW_I32_DEC_SIZE];
    fw_puts(fw_fmt_i32(buf, v));
}

void fw_put_hex32(uint32_t v)
{
    char buf[FW_HEX32_SIZE];
    fw_puts(fw_fmt_hex32(buf, v));
}

void fw_put_kv_u32(const char *label, uint32_t v)
{
    fw_puts(label);
    fw_puts(" ");
    fw_put_u32(v);
    fw_puts("\n");
}

void fw_put_kv_hex32(const char *label, uint32_t v)
{
    fw_puts(label);
    fw_puts(" ");
    fw_put_hex32(v);
    fw_puts("\n");
}
