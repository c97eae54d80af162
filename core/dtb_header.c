/* DTB header fields, see dtb_header.h. */
#include "dtb_header.h"

/* Byte offsets of the big-endian header fields. */
#define DTB_OFF_MAGIC           0
#define DTB_OFF_TOTALSIZE       4
#define DTB_OFF_DT_STRUCT       8
#define DTB_OFF_DT_STRINGS      12
#define DTB_OFF_MEM_RSVMAP      16
#define DTB_OFF_VERSION         20
#define DTB_OFF_SIZE_DT_STRINGS 32
#define DTB_OFF_SIZE_DT_STRUCT  36
#define DTB_VERSION_SIZES       17      /* size_dt_struct exists from v17 */

/* Byte loads: with the MMU off every access is to Device memory, where an
 * unaligned wider load faults, and the fields are big-endian anyway. */
static uint32_t be32(const volatile uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

uint32_t dtb_hdr_magic(const volatile uint8_t *hdr)
{
	return be32(hdr + DTB_OFF_MAGIC);
}

uint32_t dtb_hdr_totalsize(const volatile uint8_t *hdr)
{
	return be32(hdr + DTB_OFF_TOTALSIZE);
}

uint32_t dtb_hdr_used_size(const volatile uint8_t *hdr, uint32_t total)
{
	if (be32(hdr + DTB_OFF_VERSION) < DTB_VERSION_SIZES) {
		return total;
	}
	uint64_t st_end = (uint64_t)be32(hdr + DTB_OFF_DT_STRUCT) + be32(hdr + DTB_OFF_SIZE_DT_STRUCT);
	uint64_t str_end = (uint64_t)be32(hdr + DTB_OFF_DT_STRINGS) +
			   be32(hdr + DTB_OFF_SIZE_DT_STRINGS);
	uint64_t end = st_end > str_end ? st_end : str_end;
	/* A tree whose blocks run past totalsize is refused by libfdt later;
	 * until then, map what it claims to be, no more. */
	if (end > total || be32(hdr + DTB_OFF_MEM_RSVMAP) >= end) {
		return total;
	}
	return (uint32_t)end;
}
