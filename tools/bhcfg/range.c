/*
 * Address ranges: arithmetic that cannot wrap, and how messages show them.
 * A parser accepts a range only if range_end() does, which keeps its end at
 * or below 2^64 - 4 KiB; the other helpers can then add and round up
 * without checking.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>

#include "bhcfg.h"

/* Every range bhcfg accepts ends at or below 2^64 - 4 KiB, so rounding it
 * out to pages, and every end computed from it, never wraps. */
#define BHCFG_ADDR_TOP (UINT64_MAX - BHCFG_PAGE + 1)

bool range_end(uint64_t base, uint64_t size, uint64_t *end)
{
	if (base > BHCFG_ADDR_TOP || size > BHCFG_ADDR_TOP - base) {
		return false;
	}
	*end = base + size;
	return true;
}

/* Why range_end() refused [base, base + size): the range really goes past
 * 2^64, or it ends in the last page below 2^64 (at 2^64 for a page-aligned
 * range), which bhcfg keeps out so that no end it computes can wrap. */
const char *range_end_why(uint64_t base, uint64_t size)
{
	if (base != 0 && size != 0 && size - 1 > UINT64_MAX - base) {
		return "wraps past the end of the 64-bit address space";
	}
	if (size != 0 && size - 1 == UINT64_MAX - base) {
		return "ends at 2^64, the very end of the 64-bit address space";
	}
	return "ends in the last 4 KiB page of the 64-bit address space";
}

bool ranges_overlap(const struct range *a, const struct range *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

bool range_inside(const struct range *inner, const struct range *outer)
{
	return inner->base >= outer->base &&
	       inner->base + inner->size <= outer->base + outer->size;
}

struct range page_round(const struct range *r)
{
	struct range p;
	uint64_t end = r->base + r->size;

	p.base = r->base & ~(BHCFG_PAGE - 1);
	p.size = ((end + BHCFG_PAGE - 1) & ~(BHCFG_PAGE - 1)) - p.base;
	return p;
}

bool align_up(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t mask = align - 1;

	if (v > UINT64_MAX - mask) {
		return false;
	}
	*out = (v + mask) & ~mask;
	return true;
}

/* Prints a range as "0xSTART..0xLAST" (inclusive) into buf. */
const char *fmt_range(char *buf, size_t len, uint64_t base, uint64_t size)
{
	snprintf(buf, len, "0x%llx..0x%llx", (unsigned long long)base,
		 (unsigned long long)(base + size - 1));
	return buf;
}
