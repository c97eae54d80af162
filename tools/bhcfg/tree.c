/*
 * Reading a device tree strictly: a property's value is taken only in
 * exactly the shape expected (load_fdt() checked the blob's structure, not
 * what its properties hold), and a node is placed by its path, which
 * messages quote, and by the extent of its subtree.
 */
#define _XOPEN_SOURCE 700

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bhcfg.h"

/* ncells is 1 or 2 (callers check); big-endian cells, any alignment. */
uint64_t read_cells(const void *p, int ncells)
{
	const fdt32_t *c = p;
	uint64_t v = 0;

	for (int i = 0; i < ncells; i++) {
		v = (v << 32) | fdt32_ld(&c[i]);
	}
	return v;
}

enum prop_state prop_str(const void *fdt, int node, const char *name,
			 const char **out)
{
	int len = 0;
	const char *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL) {
		return PROP_ABSENT;
	}
	/* Exactly one string: non-empty buffer, NUL last and nowhere else. */
	if (len < 1 || p[len - 1] != '\0' || strnlen(p, (size_t)len) != (size_t)len - 1) {
		return PROP_BAD;
	}
	*out = p;
	return PROP_OK;
}

enum prop_state prop_u32(const void *fdt, int node, const char *name,
			 uint32_t *out)
{
	int len = 0;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL) {
		return PROP_ABSENT;
	}
	if (len != 4) {
		return PROP_BAD;
	}
	*out = (uint32_t)read_cells(p, 1);
	return PROP_OK;
}

/* Counts the strings of a string list; -1 unless every string is non-empty
 * and NUL-terminated inside the property. */
int strlist_count(const char *p, int len)
{
	int n = 0;
	int i = 0;

	if (len < 1 || p[len - 1] != '\0') {
		return -1;
	}
	while (i < len) {
		size_t l = strnlen(p + i, (size_t)(len - i));
		if (l == 0) {
			return -1;
		}
		i += (int)l + 1;
		n++;
	}
	return n;
}

/* The offset of the first node after `node`'s subtree (INT32_MAX at the end
 * of the tree): a node n is inside the subtree iff node <= n < end. */
int subtree_end(const void *fdt, int node)
{
	int depth = 0;
	int off = node;

	for (;;) {
		off = fdt_next_node(fdt, off, &depth);
		if (off < 0) {
			return INT32_MAX;
		}
		if (depth <= 0) {
			return off;
		}
	}
}

int node_path(const void *fdt, int node, char *buf, int len)
{
	int err = fdt_get_path(fdt, node, buf, len);

	if (err != 0) {
		snprintf(buf, (size_t)len, "<node at offset %d>", node);
		return -1;
	}
	return 0;
}
