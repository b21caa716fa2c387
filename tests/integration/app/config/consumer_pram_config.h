/* Integration consumer: a PRAM_USER_CONFIG header (pram_config.h includes it
 * first).  The library is built with it, and the consumer checks that its own
 * translation units see it too. */
#ifndef CONSUMER_PRAM_CONFIG_H
#define CONSUMER_PRAM_CONFIG_H

#define CONSUMER_USER_CONFIG_SEEN 1
#define PRAM_CRC16_IMPL PRAM_CRC_BITWISE

#endif
