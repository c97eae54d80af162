/*
 * The board model: cores, RAM, reserved memory, the GIC, the timer, the
 * hypervisor's console UART and every node with CPU-addressable registers,
 * read from the board's device tree with libfdt.
 */
#define _XOPEN_SOURCE 700

#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

enum xl { XL_OK, XL_UNMAPPED, XL_BAD };

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
static enum xl parse_reg(const void *fdt, int node, struct range **out,
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
			snprintf(why, wl, "entry %u (0x%llx + 0x%llx) wraps past the end of the address space",
				 i, (unsigned long long)base, (unsigned long long)size);
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

static void add_range(struct range **arr, unsigned *n, const struct range *r)
{
	struct range *na = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (na == NULL) {
		fprintf(stderr, "bhcfg: out of memory\n");
		exit(1);
	}
	na[*n] = *r;
	*arr = na;
	(*n)++;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a;
	const struct range *y = b;

	return x->base < y->base ? -1 : (x->base > y->base ? 1 : 0);
}

/* Sorts RAM banks and merges touching ones, so "inside the board's RAM" is
 * "inside one merged bank". */
static void merge_ram(struct board *b)
{
	unsigned k = 0;

	if (b->nram == 0) {
		return;
	}
	qsort(b->ram, b->nram, sizeof(*b->ram), cmp_range);
	for (unsigned i = 1; i < b->nram; i++) {
		struct range *last = &b->ram[k];
		uint64_t last_end = last->base + last->size;
		if (b->ram[i].base <= last_end) {
			uint64_t end = b->ram[i].base + b->ram[i].size;
			if (end > last_end) {
				last->size = end - last->base;
			}
		} else {
			b->ram[++k] = b->ram[i];
		}
	}
	b->nram = k + 1;
}

static bool is_memory_node(const void *fdt, int node, const char *name)
{
	const char *dt = NULL;

	if (strcmp(name, "memory") == 0 || strncmp(name, "memory@", 7) == 0) {
		return true;
	}
	return prop_str(fdt, node, "device_type", &dt) == PROP_OK && strcmp(dt, "memory") == 0;
}

/* Top-level nodes whose subtrees are not devices: cores, RAM, carve-outs,
 * and the bookkeeping nodes. */
static bool top_level_excluded(const void *fdt, int node, const char *name)
{
	static const char *const skip[] = {
		"cpus", "chosen", "aliases", "reserved-memory",
		"__symbols__", "__fixups__", "__local_fixups__",
	};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (strcmp(name, skip[i]) == 0) {
			return true;
		}
	}
	return is_memory_node(fdt, node, name);
}

static void parse_cpus(struct board *b)
{
	const void *fdt = b->fdt;
	int cpus = fdt_path_offset(fdt, "/cpus");
	int ac, sc;
	int node;

	if (cpus < 0) {
		report(b->file, "/cpus", NULL, "missing");
		return;
	}
	if (board_child_cells(fdt, cpus, &ac, &sc) != 0 || ac < 1 || ac > 2) {
		report(b->file, "/cpus", "#address-cells", "must be 1 or 2");
		return;
	}
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *dt = NULL;
		int len = 0;
		char path[BHCFG_PATH_MAX];

		if (prop_str(fdt, node, "device_type", &dt) != PROP_OK || strcmp(dt, "cpu") != 0) {
			continue; /* cpu-map, l2-cache, ... */
		}
		node_path(fdt, node, path, sizeof(path));
		const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (reg == NULL || len == 0 || len % (ac * 4) != 0) {
			report(b->file, path, "reg", "missing or not a multiple of %d bytes", ac * 4);
			continue;
		}
		if (b->ncpus == BH_CFG_MAX_CPUS) {
			report(b->file, path, NULL, "more than %u cores (BH_CFG_MAX_CPUS)",
			       BH_CFG_MAX_CPUS);
			return;
		}
		uint64_t mpidr = read_cells(reg, ac);
		for (unsigned i = 0; i < b->ncpus; i++) {
			if (b->cpus[i].mpidr == mpidr) {
				report(b->file, path, "reg", "MPIDR 0x%llx is used by core %u too",
				       (unsigned long long)mpidr, i);
			}
		}
		b->cpus[b->ncpus].node = node;
		b->cpus[b->ncpus].mpidr = mpidr;
		b->ncpus++;
	}
	if (b->ncpus == 0) {
		report(b->file, "/cpus", NULL, "no cpu nodes (device_type \"cpu\")");
	}
}

static void parse_memreserve(struct board *b)
{
	int n = fdt_num_mem_rsv(b->fdt);

	for (int i = 0; i < n; i++) {
		struct range r;
		uint64_t end;
		if (fdt_get_mem_rsv(b->fdt, i, &r.base, &r.size) != 0 || r.size == 0) {
			continue;
		}
		if (!range_end(r.base, r.size, &end)) {
			report(b->file, "/memreserve/", NULL, "entry %d wraps past the end of the address space", i);
			continue;
		}
		add_range(&b->rsv, &b->nrsv, &r);
	}
}

static void parse_gic(struct board *b)
{
	const void *fdt = b->fdt;
	static const char *const v2[] = {
		"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic",
	};
	char path[BHCFG_PATH_MAX];
	char why[160];
	struct range *regs = NULL;
	unsigned nregs = 0;
	uint32_t v;

	b->gic_node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (b->gic_node < 0) {
		for (size_t i = 0; i < sizeof(v2) / sizeof(v2[0]); i++) {
			if (fdt_node_offset_by_compatible(fdt, -1, v2[i]) >= 0) {
				report(b->file, NULL, NULL, "GICv2 (%s) boards are not supported by bhcfg yet", v2[i]);
				return;
			}
		}
		report(b->file, NULL, NULL, "no \"arm,gic-v3\" interrupt controller");
		return;
	}
	b->gic_end = subtree_end(fdt, b->gic_node);
	node_path(fdt, b->gic_node, path, sizeof(path));
	if (prop_u32(fdt, b->gic_node, "#interrupt-cells", &v) != PROP_OK || v != 3) {
		report(b->file, path, "#interrupt-cells", "must be <3>");
	}
	uint32_t nrr = 1;
	enum prop_state st = prop_u32(fdt, b->gic_node, "#redistributor-regions", &nrr);
	if (st == PROP_BAD || nrr == 0 || nrr > BHCFG_MAX_REGS) {
		report(b->file, path, "#redistributor-regions", "malformed");
		return;
	}
	enum xl x = parse_reg(fdt, b->gic_node, &regs, &nregs, why, sizeof(why));
	if (x != XL_OK) {
		report(b->file, path, "reg", "%s", x == XL_BAD ? why : "missing or not memory-mapped");
		return;
	}
	if (nregs < 1 + nrr) {
		report(b->file, path, "reg", "needs GICD and %u redistributor region(s)", nrr);
		free(regs);
		return;
	}
	b->gicd_base = regs[0].base;
	b->gicr = regs[1];
	free(regs);
	b->gic_phandle = fdt_get_phandle(fdt, b->gic_node);
	if (b->gic_phandle == 0 || b->gic_phandle == UINT32_MAX) {
		/* Nothing referenced it; partitions need one, so take a free value. */
		uint32_t max = 0;
		if (fdt_find_max_phandle(fdt, &max) != 0 || max >= UINT32_MAX - 1) {
			report(b->file, path, "phandle", "cannot allocate a phandle");
			return;
		}
		b->gic_phandle = max + 1;
	}
}

static void find_uart(struct board *b)
{
	const void *fdt = b->fdt;
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *sp = NULL;

	b->uart_node = -1;
	if (chosen >= 0) {
		enum prop_state st = prop_str(fdt, chosen, "stdout-path", &sp);
		if (st == PROP_ABSENT) {
			st = prop_str(fdt, chosen, "linux,stdout-path", &sp);
		}
		if (st == PROP_BAD) {
			report(b->file, "/chosen", "stdout-path", "not a single string");
			return;
		}
	}
	if (sp != NULL) {
		/* "path:options"; libfdt resolves aliases when it does not start with '/'. */
		const char *colon = strchr(sp, ':');
		int n = colon == NULL ? (int)strlen(sp) : (int)(colon - sp);
		b->uart_node = fdt_path_offset_namelen(fdt, sp, n);
		if (b->uart_node < 0) {
			report(b->file, "/chosen", "stdout-path", "\"%s\" names no node", sp);
			b->uart_node = -1;
			return;
		}
	} else {
		b->uart_node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
		if (b->uart_node < 0) {
			b->uart_node = -1;
			return;
		}
	}
	b->uart_end = subtree_end(fdt, b->uart_node);
	b->uart_pl011 = fdt_node_check_compatible(fdt, b->uart_node, "arm,pl011") == 0;
}

static void scan_nodes(struct board *b)
{
	const void *fdt = b->fdt;
	int depth = 0;
	bool excluded = false;
	char why[160];
	char path[BHCFG_PATH_MAX];

	for (int node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		int nlen = 0;
		const char *name = fdt_get_name(fdt, node, &nlen);
		if (name == NULL) {
			continue;
		}
		if (depth == 1) {
			excluded = top_level_excluded(fdt, node, name);
			if (is_memory_node(fdt, node, name)) {
				struct range *rs = NULL;
				unsigned n = 0;
				enum xl x = parse_reg(fdt, node, &rs, &n, why, sizeof(why));
				node_path(fdt, node, path, sizeof(path));
				if (x == XL_BAD) {
					report(b->file, path, "reg", "%s", why);
				}
				for (unsigned i = 0; i < n; i++) {
					add_range(&b->ram, &b->nram, &rs[i]);
				}
				free(rs);
			}
		}
		if (depth == 2 && excluded) {
			int parent = fdt_parent_offset(fdt, node);
			int pl = 0;
			const char *pname = parent >= 0 ? fdt_get_name(fdt, parent, &pl) : NULL;
			if (pname != NULL && strcmp(pname, "reserved-memory") == 0) {
				struct range *rs = NULL;
				unsigned n = 0;
				enum xl x = parse_reg(fdt, node, &rs, &n, why, sizeof(why));
				node_path(fdt, node, path, sizeof(path));
				if (x == XL_BAD) {
					report(b->file, path, "reg", "%s", why);
				}
				for (unsigned i = 0; i < n; i++) {
					add_range(&b->rsv, &b->nrsv, &rs[i]);
				}
				free(rs);
			}
		}
		if (excluded) {
			continue;
		}
		struct range *rs = NULL;
		unsigned n = 0;
		enum xl x = parse_reg(fdt, node, &rs, &n, why, sizeof(why));
		if (x == XL_UNMAPPED) {
			continue;
		}
		node_path(fdt, node, path, sizeof(path));
		if (x == XL_BAD) {
			report(b->file, path, "reg", "%s", why);
			continue;
		}
		struct board_dev *nd = realloc(b->devs, (b->ndevs + 1) * sizeof(*nd));
		if (nd == NULL) {
			fprintf(stderr, "bhcfg: out of memory\n");
			exit(1);
		}
		b->devs = nd;
		struct board_dev *d = &b->devs[b->ndevs++];
		d->node = node;
		d->path = xstrdup(path);
		d->regs = rs;
		d->nregs = n;
		d->reserved = NULL;
	}
}

bool board_in_gic(const struct board *b, int node)
{
	return b->gic_node >= 0 && node >= b->gic_node && node < b->gic_end;
}

bool board_in_uart(const struct board *b, int node)
{
	return b->uart_node >= 0 && node >= b->uart_node && node < b->uart_end;
}

int board_dev_index(const struct board *b, int node)
{
	for (unsigned i = 0; i < b->ndevs; i++) {
		if (b->devs[i].node == node) {
			return (int)i;
		}
	}
	return -1;
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

/* The board's name is the directory holding its description
 * (platforms/NAME/board.dts); the configuration's `board` must match it. */
static void board_name(struct board *b)
{
	char *abs = realpath(b->file, NULL);

	if (abs == NULL) {
		report(b->file, NULL, NULL, "cannot resolve the path");
		return;
	}
	char *slash = strrchr(abs, '/');
	if (slash != NULL) {
		*slash = '\0';
	}
	slash = strrchr(abs, '/');
	const char *dir = slash == NULL ? abs : slash + 1;
	if (!name_ok(dir, false)) {
		report(b->file, NULL, NULL,
		       "the board's directory name \"%s\" is not a valid board name ([a-z0-9_-], < %u chars)",
		       dir, BH_CFG_NAME_LEN);
	} else {
		snprintf(b->name, sizeof(b->name), "%s", dir);
	}
	free(abs);
}

int board_load(struct board *b, const char *file)
{
	unsigned before = bh_errors;
	int ac, sc;
	char why[160];

	memset(b, 0, sizeof(*b));
	b->file = file;
	b->gic_node = -1;
	b->timer_node = -1;
	b->uart_node = -1;
	board_name(b);
	if (load_fdt(file, &b->fdt) != 0) {
		return -1;
	}
	/* Device nodes are copied verbatim into partition trees whose root is
	 * 2/2 cells, so the board's root must use the same encoding. */
	if (board_child_cells(b->fdt, 0, &ac, &sc) != 0 || ac != 2 || sc != 2) {
		report(file, "/", NULL, "#address-cells and #size-cells must both be <2>");
		return -1;
	}
	parse_cpus(b);
	parse_memreserve(b);
	parse_gic(b);
	b->timer_node = fdt_node_offset_by_compatible(b->fdt, -1, "arm,armv8-timer");
	if (b->timer_node < 0) {
		report(file, NULL, NULL, "no \"arm,armv8-timer\" node");
	}
	find_uart(b);
	scan_nodes(b);
	merge_ram(b);
	if (b->nram == 0) {
		report(file, NULL, NULL, "no /memory node with usable reg");
	}
	if (bh_errors != before) {
		return -1;
	}

	for (unsigned i = 0; i < b->ndevs; i++) {
		if (board_in_gic(b, b->devs[i].node)) {
			b->devs[i].reserved = "the GIC";
		} else if (board_in_uart(b, b->devs[i].node)) {
			b->devs[i].reserved = "its console";
		}
	}
	if (b->uart_node >= 0) {
		int d = board_dev_index(b, b->uart_node);
		char path[BHCFG_PATH_MAX];
		node_path(b->fdt, b->uart_node, path, sizeof(path));
		if (d < 0) {
			report(file, path, "reg", "the hypervisor console needs memory-mapped registers");
			return -1;
		}
		b->uart_page = page_round(&b->devs[d].regs[0]);
		if (board_node_intids(b, b->uart_node, b->hyp_intids, BH_CFG_MAX_IRQS,
				      &b->nhyp_intids, why, sizeof(why)) != 0) {
			report(file, path, NULL, "%s", why);
			return -1;
		}
	}
	return bh_errors != before ? -1 : 0;
}

void board_free(struct board *b)
{
	for (unsigned i = 0; i < b->ndevs; i++) {
		free(b->devs[i].path);
		free(b->devs[i].regs);
	}
	free(b->devs);
	free(b->ram);
	free(b->rsv);
	free(b->fdt);
	memset(b, 0, sizeof(*b));
}
