/* Entry points of the generic hypervisor, called by arch/ once a core runs
 * with its MMU on, its vectors installed and its stack set. */
#ifndef BULKHEAD_BULKHEAD_H
#define BULKHEAD_BULKHEAD_H

#include <stdint.h>

#define BULKHEAD_VERSION "0.1.0"

/* Boot core. `fdt` is the board device tree, readable until partitions load. */
void bulkhead_main(const void *fdt, uint64_t fdt_pa) __attribute__((noreturn));

/* Every other core, started by bulkhead_main. */
void bulkhead_secondary_main(unsigned int core) __attribute__((noreturn));

#endif /* BULKHEAD_BULKHEAD_H */
