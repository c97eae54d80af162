/*
 * Reading what board nodes describe, per the devicetree specification:
 * addresses (reg translated through every parent bus's ranges up to the
 * CPU's address space) and interrupt specifiers for the GIC.
 */
#define _XOPEN_SOURCE 700

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

int board_child_cells(const void *fdt, int node, int *ac, int *sc)
{
	uint32_t v;
	enum prop_state st;

	/* Defaults from the devicetree specification. */
	*ac = 2;
	*sc = 1;
	st = prop_u32(fdt, node, "#address-cells", &v);
	if (st == PROP_BAD || (st == PROP_OK && v > 4)) {
		return -1;
	}
	if (st == PROP_OK) {
		*ac = (int)v;
	}
	st = prop_u32(fdt, node, "#size-cells", &v);
	if (st == PROP_BAD || (st == PROP_OK && v > 4)) {
		return -1;
	}
	if (st == PROP_OK) {
		*sc = (int)v;
	}
	return 0;
}

/* Translates [*addr, *addr + size) from the address space of `bus`'s
 * children up to the CPU's (the root's) through each level's `ranges`. */
static enum xl translate(const void *fdt, int bus, uint64_t *addr, uint64_t size,
			 char *why, size_t wl)
{
	for (int hops = 0; bus > 0; hops++) {
		int len = 0;
		int cac, csc, pac, psc;

		if (hops > BHCFG_MAX_DEPTH) {
			snprintf(why, wl, "nested more than %d levels deep", BHCFG_MAX_DEPTH);
			return XL_BAD;
		}
		const uint8_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		if (r == NULL) {
			/* A bus without ranges (I2C, SPI, cpu-map...) is not part of
			 * the CPU's address space: nothing to map or to protect. */
			return XL_UNMAPPED;
		}
		int parent = fdt_parent_offset(fdt, bus);
		if (parent < 0 || board_child_cells(fdt, bus, &cac, &csc) != 0 ||
		    board_child_cells(fdt, parent, &pac, &psc) != 0) {
			snprintf(why, wl, "a parent bus has a malformed #address-cells/#size-cells");
			return XL_BAD;
		}
		if (len == 0) {
			bus = parent; /* empty ranges: identity */
			continue;
		}
		if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || csc < 1 || csc > 2) {
			return XL_UNMAPPED; /* e.g. PCI's three-cell addresses */
		}
		int entry = (cac + pac + csc) * 4;
		if (len % entry != 0) {
			snprintf(why, wl, "a parent bus's ranges has length %d, not a multiple of %d",
				 len, entry);
			return XL_BAD;
		}
		bool found = false;
		for (int off = 0; off < len; off += entry) {
			uint64_t cb = read_cells(r + off, cac);
			uint64_t pb = read_cells(r + off + cac * 4, pac);
			uint64_t sz = read_cells(r + off + (cac + pac) * 4, csc);
			uint64_t out, end;
			if (*addr >= cb && *addr - cb < sz && size <= sz - (*addr - cb)) {
				if (!range_end(pb, *addr - cb, &out) || !range_end(out, size, &end)) {
					snprintf(why, wl, "translates past the end of the address space");
					return XL_BAD;
				}
				*addr = out;
				found = true;
				break;
			}
		}
		if (!found) {
			snprintf(why, wl, "0x%llx is outside its parent bus's ranges",
				 (unsigned long long)*addr);
			return XL_BAD;
		}
		bus = parent;
	}
	return XL_OK;
}

/* Parses a node's reg into CPU physical ranges. Zero-sized entries are
 * dropped: they occupy nothing. */
enum xl node_reg(const void *fdt, int node, struct range **out,
		 unsigned *n, char *why, size_t wl)
{
	int len = 0;
	int ac, sc;
	const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);

	*out = NULL;
	*n = 0;
	if (reg == NULL) {
		return XL_UNMAPPED;
	}
	int parent = fdt_parent_offset(fdt, node);
	if (parent < 0 || board_child_cells(fdt, parent, &ac, &sc) != 0) {
		snprintf(why, wl, "the parent's #address-cells/#size-cells is malformed");
		return XL_BAD;
	}
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		return XL_UNMAPPED; /* cpus (#size-cells 0), PCI children (3 cells) */
	}
	int entry = (ac + sc) * 4;
	if (len == 0 || len % entry != 0) {
		snprintf(why, wl, "length %d is not a multiple of %d (<addr%d size%d> entries)",
			 len, entry, ac * 32, sc * 32);
		return XL_BAD;
	}
	unsigned count = (unsigned)(len / entry);
	if (count > BHCFG_MAX_REGS) {
		snprintf(why, wl, "more than %u entries", BHCFG_MAX_REGS);
		return XL_BAD;
	}
	struct range *rs = xcalloc(count, sizeof(*rs));
	unsigned k = 0;
	for (unsigned i = 0; i < count; i++) {
		uint64_t base = read_cells(reg + i * (unsigned)entry, ac);
		uint64_t size = read_cells(reg + i * (unsigned)entry + (unsigned)ac * 4, sc);
		uint64_t end;
		if (size == 0) {
			continue;
		}
		if (!range_end(base, size, &end)) {
			snprintf(why, wl, "entry %u (0x%llx + 0x%llx) %s", i, (unsigned long long)base,
				 (unsigned long long)size, range_end_why(base, size));
			free(rs);
			return XL_BAD;
		}
		enum xl x = translate(fdt, parent, &base, size, why, wl);
		if (x != XL_OK) {
			free(rs);
			return x;
		}
		rs[k].base = base;
		rs[k].size = size;
		k++;
	}
	if (k == 0) {
		free(rs);
		return XL_UNMAPPED;
	}
	*out = rs;
	*n = k;
	return XL_OK;
}

/* The node's interrupt parent: the nearest interrupt-parent on it or an
 * ancestor. Returns the controller's offset, or -1. */
static int irq_parent(const void *fdt, int node)
{
	for (int hops = 0; node >= 0 && hops <= BHCFG_MAX_DEPTH; hops++) {
		uint32_t ph;
		enum prop_state st = prop_u32(fdt, node, "interrupt-parent", &ph);
		if (st == PROP_BAD) {
			return -1;
		}
		if (st == PROP_OK) {
			int ctl = fdt_node_offset_by_phandle(fdt, ph);
			return ctl < 0 ? -1 : ctl;
		}
		if (node == 0) {
			return -1;
		}
		node = fdt_parent_offset(fdt, node);
	}
	return -1;
}

static int add_spec(const fdt32_t *spec, uint32_t *out, unsigned max, unsigned *n,
		    char *why, size_t wl)
{
	uint32_t type = fdt32_ld(&spec[0]);
	uint32_t num = fdt32_ld(&spec[1]);

	if (type == 1) {
		snprintf(why, wl, "PPI %u is per-core and cannot be assigned to a partition", num);
		return -1;
	}
	if (type != 0) {
		snprintf(why, wl, "interrupt type %u is not supported (only SPIs, type 0)", type);
		return -1;
	}
	if (num > 987) {
		snprintf(why, wl, "SPI %u is beyond the GIC's SPI range (0..987)", num);
		return -1;
	}
	uint32_t intid = 32 + num;
	for (unsigned i = 0; i < *n; i++) {
		if (out[i] == intid) {
			return 0;
		}
	}
	if (*n == max) {
		snprintf(why, wl, "more than %u interrupts", max);
		return -1;
	}
	out[(*n)++] = intid;
	return 0;
}

int board_node_intids(const struct board *b, int node, uint32_t *out,
		      unsigned max, unsigned *n, char *why, size_t wl)
{
	const void *fdt = b->fdt;
	int len = 0;

	*n = 0;
	const fdt32_t *cells = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (cells != NULL) {
		int nc = len / 4;
		if (len % 4 != 0) {
			snprintf(why, wl, "interrupts-extended: length %d is not a multiple of 4", len);
			return -1;
		}
		for (int i = 0; i < nc; i += 4) {
			int ctl = fdt_node_offset_by_phandle(fdt, fdt32_ld(&cells[i]));
			if (ctl != b->gic_node) {
				snprintf(why, wl, "interrupts-extended: entry refers to a controller that is not the GIC");
				return -1;
			}
			if (nc - i < 4) {
				snprintf(why, wl, "interrupts-extended: truncated GIC specifier");
				return -1;
			}
			if (add_spec(&cells[i + 1], out, max, n, why, wl) != 0) {
				return -1;
			}
		}
		return 0;
	}
	cells = fdt_getprop(fdt, node, "interrupts", &len);
	if (cells == NULL) {
		return 0;
	}
	if (irq_parent(fdt, node) != b->gic_node) {
		snprintf(why, wl, "interrupts: the interrupt parent is not the GIC");
		return -1;
	}
	if (len == 0 || len % 12 != 0) {
		snprintf(why, wl, "interrupts: length %d is not a multiple of 12 (<type number flags>)", len);
		return -1;
	}
	for (int i = 0; i < len / 4; i += 3) {
		if (add_spec(&cells[i], out, max, n, why, wl) != 0) {
			return -1;
		}
	}
	return 0;
}


/* How many candidates an ambiguity message lists before "...". */
#define LOOKUP_SHOW 3u

/* Does the node name `name` answer to the path component comp[0..len)?
 * Exactly, or as "comp@unit" when comp has no unit address itself. */
static bool component_matches(const char *name, const char *comp, size_t len, bool *exact)
{
	*exact = strlen(name) == len && memcmp(name, comp, len) == 0;
	if (*exact) {
		return true;
	}
	return memchr(comp, '@', len) == NULL && strncmp(name, comp, len) == 0 &&
	       name[len] == '@';
}

/*
 * Resolves an absolute board path like libfdt's fdt_path_offset(), with one
 * difference: a component without a unit address must designate a single
 * node. libfdt silently takes the first "name@..." sibling, so "/virtio_mmio"
 * would mean whichever of QEMU's 32 slots comes first in the blob. A node
 * whose whole name is the component wins (the path spells it in full).
 */
enum lookup board_lookup(const void *fdt, const char *path, int *node, struct sbuf *why)
{
	int cur = 0;
	const char *p = path;

	for (;;) {
		while (*p == '/') {
			p++;
		}
		if (*p == '\0') {
			*node = cur;
			return LOOKUP_OK;
		}
		const char *slash = strchr(p, '/');
		size_t len = slash == NULL ? strlen(p) : (size_t)(slash - p);
		int exact_node = -1, first = -1, child;
		unsigned matches = 0;

		fdt_for_each_subnode(child, fdt, cur) {
			const char *name = fdt_get_name(fdt, child, NULL);
			bool exact = false;
			if (name == NULL || !component_matches(name, p, len, &exact)) {
				continue;
			}
			if (exact) {
				exact_node = child;
			}
			first = matches == 0 ? child : first;
			matches++;
		}
		if (exact_node >= 0) {
			cur = exact_node;
		} else if (matches == 1) {
			cur = first;
		} else if (matches == 0) {
			return LOOKUP_NONE;
		} else {
			char parent[BHCFG_PATH_MAX];
			unsigned shown = 0;
			node_path(fdt, cur, parent, sizeof(parent));
			sb_printf(why, "matches %u board nodes (", matches);
			fdt_for_each_subnode(child, fdt, cur) {
				const char *name = fdt_get_name(fdt, child, NULL);
				bool exact = false;
				if (name == NULL || !component_matches(name, p, len, &exact)) {
					continue;
				}
				if (shown == LOOKUP_SHOW) {
					sb_printf(why, ", ...");
					break;
				}
				sb_printf(why, "%s%s%s%s", shown == 0 ? "" : ", ", parent,
					  cur == 0 ? "" : "/", name);
				shown++;
			}
			sb_printf(why, "); give the unit address");
			return LOOKUP_AMBIGUOUS;
		}
		p += len;
	}
}
