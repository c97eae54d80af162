/*
 * Build options. On the target they come from Kconfig (the Makefile runs
 * genconfig into build/NAME/include/generated/autoconf.h). Host unit tests
 * define BH_HOST_BUILD and get the defaults below instead.
 */
#ifndef BULKHEAD_CONFIG_H
#define BULKHEAD_CONFIG_H

#ifdef BH_HOST_BUILD
#define CONFIG_LOG_LEVEL        3
#define CONFIG_DEBUG            1
#define CONFIG_MAX_CORES        8
#define CONFIG_MAX_PARTITIONS   4
#else
#include "generated/autoconf.h"
#endif

#ifndef CONFIG_DEBUG
#define CONFIG_DEBUG 0
#endif

#endif /* BULKHEAD_CONFIG_H */
