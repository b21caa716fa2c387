#include "ref_crc.h"

uint16_t ref_crc16(uint16_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    while (len--) {
        int k;
        crc = (uint16_t)(crc ^ (uint16_t)((unsigned)*p++ << 8));
        for (k = 0; k < 8; k++)
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
    }
    return crc;
}

static void put_le32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

uint16_t ref_seal_crc(uint32_t layout, uint16_t seq, const void *value, size_t size)
{
    uint8_t h[8] = {0};
    put_le32(h, layout);
    return ref_crc16(ref_crc16((uint16_t)(0xFFFFu ^ seq), h, (layout & 0x8000u) ? 8u : 4u), value,
                     size);
}

uint16_t ref_slot_crc(const uint8_t *slot, uint32_t layout, uint16_t seq)
{
    size_t end = 12u + (layout & 0x1FFFu); /* the span: from 12 to the value's end */
    return ref_crc16((uint16_t)(0xFFFFu ^ seq), slot + 8, end - 8u);
}

uint16_t ref_record_crc(uint32_t seq, uint32_t len, const void *payload)
{
    return ref_crc16((uint16_t)(0xFFFFu ^ (seq & 0xFFFFu)), payload, len);
}
