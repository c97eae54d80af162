/*
 * The flattened device tree header (Devicetree Specification, section 5.2),
 * read before the MMU is on (arch/arm64/setup.c): byte loads only, no libfdt.
 */
#ifndef BULKHEAD_DTB_HEADER_H
#define BULKHEAD_DTB_HEADER_H

#include <stdint.h>

#define DTB_MAGIC               0xd00dfeedU
#define DTB_HEADER_MIN_SIZE     40u     /* the v17 header itself */

uint32_t dtb_hdr_magic(const volatile uint8_t *hdr);
uint32_t dtb_hdr_totalsize(const volatile uint8_t *hdr);

/* How much of a DTB of `total` bytes (its totalsize) is read once the
 * header checks out: up to the end of the structure and strings blocks.
 * `total` itself when the header is older than v17 (no block sizes), a
 * block runs past `total`, or the memory reservation block does not come
 * before them. */
uint32_t dtb_hdr_used_size(const volatile uint8_t *hdr, uint32_t total);

#endif /* BULKHEAD_DTB_HEADER_H */
