/*
 * Putting a partition's images into its RAM (core/partition_load.c), for
 * the lifecycle in core/partition.c.
 */
#ifndef BULKHEAD_PARTITION_LOAD_H
#define BULKHEAD_PARTITION_LOAD_H

struct partition;

/* Maps p's RAM at EL2, zeroes it where no image goes, copies its kernel,
 * device tree and initrd, stamps the boot count, and unmaps the RAM again
 * whatever happened. 0, or -1 (said on the console) if an image lies
 * outside the RAM or the EL2 mapping failed. */
int partition_load(struct partition *p);

#endif /* BULKHEAD_PARTITION_LOAD_H */
