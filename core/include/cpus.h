/* Bringing the board's cores online and knowing which are. */
#ifndef BULKHEAD_CPUS_H
#define BULKHEAD_CPUS_H

#include <stdint.h>

#include "board.h"

/* Starts every core of the board but the calling one and waits (bounded) for
 * each to report in. Returns how many cores are online, the caller included. */
unsigned int cpus_start_secondaries(const struct board_info *b);

/* Called by a secondary core once it runs C code at EL2. */
void cpus_mark_online(unsigned int core);

int cpus_is_online(unsigned int core);

#endif /* BULKHEAD_CPUS_H */
