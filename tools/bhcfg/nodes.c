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

/* Collecting the GIC interrupts of one device: its node and every subnode,
 * since the device goes to its partition with its whole subtree. */
struct irq_walk {
	const struct board *b;
	int top;                /* the device's node */
	int end;                /* subtree_end(top) */
	struct node_irq *out;
	unsigned max;
	unsigned *n;
	char *why;
	size_t wl;
};

/* A controller inside the device's own subtree (a GPIO block's lines, a
 * multi-function device's internal controller) is the device's business:
 * it goes to the same partition and nothing of it reaches the GIC. */
static bool own_controller(const struct irq_walk *w, int ctl)
{
	return ctl >= w->top && ctl < w->end;
}

/* One <type number flags> specifier for the GIC. Only SPIs can belong to a
 * partition: SGIs and PPIs (extended ones too) are banked per core, and the
 * hypervisor's vGIC models INTIDs 32..1019, not the extended SPI range. */
static int add_spec(const struct irq_walk *w, int node, const fdt32_t *spec)
{
	uint32_t type = fdt32_ld(&spec[0]);
	uint32_t num = fdt32_ld(&spec[1]);
	uint32_t flags = fdt32_ld(&spec[2]);
	char gic[BHCFG_PATH_MAX];

	switch (type) {
	case BHCFG_IRQ_SPI:
		break;
	case BHCFG_IRQ_PPI:
		if (num < BHCFG_GIC_NR_PPIS) {
			snprintf(w->why, w->wl, "PPI %u (INTID %u) is per-core and cannot be assigned to a partition",
				 num, BHCFG_GIC_FIRST_PPI + num);
		} else {
			snprintf(w->why, w->wl,
				 "PPI %u does not exist (PPIs are 0..%u), and a PPI is per-core: it cannot be assigned to a partition",
				 num, BHCFG_GIC_NR_PPIS - 1);
		}
		return -1;
	case BHCFG_IRQ_EPPI:
		snprintf(w->why, w->wl,
			 "extended PPI %u (interrupt type 3, INTIDs from %u) is per-core and cannot be assigned to a partition",
			 num, BHCFG_GIC_FIRST_EPPI);
		return -1;
	case BHCFG_IRQ_ESPI:
		snprintf(w->why, w->wl,
			 "extended SPI %u (interrupt type 2, INTIDs from %u) is not supported: a partition's interrupts are SPIs (type 0, INTIDs %u..%u)",
			 num, BHCFG_GIC_FIRST_ESPI, BHCFG_GIC_FIRST_SPI, BHCFG_GIC_FIRST_SPECIAL - 1);
		return -1;
	default:
		snprintf(w->why, w->wl,
			 "<%u %u %u>: interrupt type %u is not a GIC interrupt type (0 SPI, 1 PPI, 2 extended SPI, 3 extended PPI); an SGI has no type: it is never a device's interrupt",
			 type, num, flags, type);
		return -1;
	}
	if (num >= BHCFG_GIC_MAX_SPIS + BHCFG_GIC_NR_SPECIAL) {
		snprintf(w->why, w->wl, "SPI %u is beyond the GIC architecture's SPIs (0..%u, INTIDs %u..%u)",
			 num, BHCFG_GIC_MAX_SPIS - 1, BHCFG_GIC_FIRST_SPI, BHCFG_GIC_FIRST_SPECIAL - 1);
		return -1;
	}
	uint32_t intid = BHCFG_GIC_FIRST_SPI + num;
	if (num >= BHCFG_GIC_MAX_SPIS) {
		snprintf(w->why, w->wl, "SPI %u would be INTID %u, one of the special INTIDs %u..%u that no interrupt has",
			 num, intid, BHCFG_GIC_FIRST_SPECIAL, BHCFG_GIC_FIRST_SPECIAL + BHCFG_GIC_NR_SPECIAL - 1);
		return -1;
	}
	if (num >= w->b->gic_spis) {
		node_path(w->b->fdt, w->b->gic_node, gic, sizeof(gic));
		if (w->b->gic_spis == 0) {
			snprintf(w->why, w->wl, "SPI %u (INTID %u): the board's GIC has no SPIs (%s of %s is 0)",
				 num, intid, BHCFG_PROP_SPI_COUNT, gic);
		} else {
			snprintf(w->why, w->wl,
				 "SPI %u (INTID %u) is beyond the board's GIC, which has %u SPI%s (0..%u, INTIDs %u..%u: %s of %s)",
				 num, intid, w->b->gic_spis, w->b->gic_spis == 1 ? "" : "s",
				 w->b->gic_spis - 1, BHCFG_GIC_FIRST_SPI,
				 BHCFG_GIC_FIRST_SPI + w->b->gic_spis - 1, BHCFG_PROP_SPI_COUNT, gic);
		}
		return -1;
	}
	for (unsigned i = 0; i < *w->n; i++) {
		if (w->out[i].intid == intid) {
			return 0; /* listed twice under one device: one line */
		}
	}
	if (*w->n == w->max) {
		snprintf(w->why, w->wl, "more than %u interrupts", w->max);
		return -1;
	}
	w->out[*w->n].intid = intid;
	w->out[*w->n].node = node;
	(*w->n)++;
	return 0;
}

static int node_irqs_extended(const struct irq_walk *w, int node, const fdt32_t *cells, int len)
{
	const void *fdt = w->b->fdt;
	int nc = len / 4;

	if (len % 4 != 0) {
		snprintf(w->why, w->wl, "interrupts-extended: length %d is not a multiple of 4", len);
		return -1;
	}
	for (int i = 0; i < nc;) {
		int ctl = fdt_node_offset_by_phandle(fdt, fdt32_ld(&cells[i]));
		uint32_t ncells = 0;
		if (ctl < 0) {
			snprintf(w->why, w->wl, "interrupts-extended: phandle 0x%x names no node",
				 fdt32_ld(&cells[i]));
			return -1;
		}
		if (ctl != w->b->gic_node && !own_controller(w, ctl)) {
			snprintf(w->why, w->wl,
				 "interrupts-extended: entry refers to a controller that is not the GIC");
			return -1;
		}
		if (prop_u32(fdt, ctl, "#interrupt-cells", &ncells) != PROP_OK) {
			snprintf(w->why, w->wl, "interrupts-extended: controller has no valid #interrupt-cells");
			return -1;
		}
		if (ncells > (uint32_t)(nc - i - 1)) {
			snprintf(w->why, w->wl, "interrupts-extended: truncated specifier");
			return -1;
		}
		/* board.c checked the GIC's #interrupt-cells is 3. */
		if (ctl == w->b->gic_node && add_spec(w, node, &cells[i + 1]) != 0) {
			return -1;
		}
		i += 1 + (int)ncells;
	}
	return 0;
}

/* The GIC interrupts one node lists (interrupts-extended wins over
 * interrupts, as in the devicetree specification). */
static int node_irqs(const struct irq_walk *w, int node)
{
	const void *fdt = w->b->fdt;
	int len = 0;

	const fdt32_t *cells = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (cells != NULL) {
		return node_irqs_extended(w, node, cells, len);
	}
	cells = fdt_getprop(fdt, node, "interrupts", &len);
	if (cells == NULL) {
		return 0;
	}
	int ctl = irq_parent(fdt, node);
	if (ctl >= 0 && ctl != w->b->gic_node && own_controller(w, ctl)) {
		return 0;
	}
	if (ctl != w->b->gic_node) {
		snprintf(w->why, w->wl, "interrupts: the interrupt parent is not the GIC");
		return -1;
	}
	if (len == 0 || len % (int)(BHCFG_GIC_CELLS * 4) != 0) {
		snprintf(w->why, w->wl, "interrupts: length %d is not a multiple of %u (<type number flags>)",
			 len, BHCFG_GIC_CELLS * 4);
		return -1;
	}
	for (int i = 0; i < len / 4; i += (int)BHCFG_GIC_CELLS) {
		if (add_spec(w, node, &cells[i]) != 0) {
			return -1;
		}
	}
	return 0;
}

int board_dev_irqs(const struct board *b, int node, struct node_irq *out,
		   unsigned max, unsigned *n, char *why, size_t wl)
{
	const void *fdt = b->fdt;
	struct irq_walk w = { b, node, subtree_end(fdt, node), out, max, n, why, wl };

	*n = 0;
	for (int nd = node; nd >= 0 && nd < w.end; nd = fdt_next_node(fdt, nd, NULL)) {
		if (node_irqs(&w, nd) == 0) {
			continue;
		}
		/* A subnode's problem names the subnode: the caller names the device. */
		if (nd != node) {
			char path[BHCFG_PATH_MAX];
			char *inner = xstrdup(why);
			node_path(fdt, nd, path, sizeof(path));
			snprintf(why, wl, "%s: %s", path, inner);
			free(inner);
		}
		return -1;
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
