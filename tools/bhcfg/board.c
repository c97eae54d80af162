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

/* Adds the (translated) reg ranges of node to a list, reporting a bad reg. */
static void collect_regs(struct board *b, const void *fdt, int node, struct range **arr,
			 unsigned *n)
{
	char why[160];
	char path[BHCFG_PATH_MAX];
	struct range *rs = NULL;
	unsigned count = 0;
	enum xl x = node_reg(fdt, node, &rs, &count, why, sizeof(why));

	node_path(fdt, node, path, sizeof(path));
	if (x == XL_BAD) {
		report(b->file, path, "reg", "%s", why);
	}
	for (unsigned i = 0; i < count; i++) {
		add_range(arr, n, &rs[i]);
	}
	free(rs);
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
			report(b->file, "/memreserve/", NULL, "entry %d %s", i, range_end_why(r.base, r.size));
			continue;
		}
		add_range(&b->rsv, &b->nrsv, &r);
	}
}

/* bulkhead,spare-spis = <first count>: SPIs wired to no device, which the
 * hypervisor raises itself for the devices it emulates (a partition's
 * PL011). The board says which: only it knows what is wired where. */
static void read_spare_spis(struct board *b, const char *path)
{
	int len = 0;
	const fdt32_t *cell = fdt_getprop(b->fdt, b->gic_node, BHCFG_PROP_SPARE_SPIS, &len);

	b->spare_spi = 0;
	b->nspare_spis = 0;
	if (cell == NULL) {
		return;
	}
	if (len != 8) {
		report(b->file, path, BHCFG_PROP_SPARE_SPIS, "must be two cells, <first-SPI count>");
		return;
	}
	uint32_t first = fdt32_to_cpu(cell[0]);
	uint32_t count = fdt32_to_cpu(cell[1]);
	if (count == 0) {
		report(b->file, path, BHCFG_PROP_SPARE_SPIS, "names no SPI (count 0)");
		return;
	}
	if (first >= b->gic_spis || count > b->gic_spis - first) {
		report(b->file, path, BHCFG_PROP_SPARE_SPIS,
		       "SPIs %u..%llu are not all SPIs of this GIC, which has %u", first,
		       (unsigned long long)first + count - 1u, b->gic_spis);
		return;
	}
	b->spare_spi = first;
	b->nspare_spis = count;
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
	enum xl x = node_reg(fdt, b->gic_node, &regs, &nregs, why, sizeof(why));
	if (x != XL_OK) {
		report(b->file, path, "reg", "%s", x == XL_BAD ? why : "missing or not memory-mapped");
		return;
	}
	if (nregs < 1 + nrr) {
		report(b->file, path, "reg", "needs GICD and %u redistributor region(s)", nrr);
		free(regs);
		return;
	}
	/* The binding has no property for the number of SPIs (software reads
	 * GICD_TYPER); the board states it so that a device interrupt the GIC
	 * does not have is refused here rather than never arriving. */
	b->gic_spis = BHCFG_GIC_MAX_SPIS;
	st = prop_u32(fdt, b->gic_node, BHCFG_PROP_SPI_COUNT, &v);
	if (st == PROP_BAD || (st == PROP_OK && v > BHCFG_GIC_MAX_SPIS)) {
		report(b->file, path, BHCFG_PROP_SPI_COUNT,
		       "must be one cell, 0..%u (SPIs are INTIDs %u..%u)", BHCFG_GIC_MAX_SPIS,
		       BHCFG_GIC_FIRST_SPI, BHCFG_GIC_FIRST_SPECIAL - 1);
	} else if (st == PROP_OK) {
		b->gic_spis = v;
	}
	read_spare_spis(b, path);
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
				collect_regs(b, fdt, node, &b->ram, &b->nram);
			}
		}
		if (depth == 2 && excluded) {
			int parent = fdt_parent_offset(fdt, node);
			int pl = 0;
			const char *pname = parent >= 0 ? fdt_get_name(fdt, parent, &pl) : NULL;
			if (pname != NULL && strcmp(pname, "reserved-memory") == 0) {
				collect_regs(b, fdt, node, &b->rsv, &b->nrsv);
			}
		}
		if (excluded) {
			continue;
		}
		struct range *rs = NULL;
		unsigned n = 0;
		enum xl x = node_reg(fdt, node, &rs, &n, why, sizeof(why));
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
		d->end = subtree_end(fdt, node);
		d->path = xstrdup(path);
		d->regs = rs;
		d->nregs = n;
		d->reserved = NULL;
		d->dma_node = -1;
	}
}

/*
 * bulkhead,dma-master: a flag the board file puts on every node that masters
 * DMA (QEMU virt's fw-cfg, virtio-mmio, PCIe). Such a device reads and writes
 * physical memory past stage 2; config.c refuses it unless the configuration
 * trusts its partition with all of memory. A device goes to its partition
 * with its subnodes, so a flag on a subnode makes the device a DMA master.
 */
static void find_dma_masters(struct board *b)
{
	const void *fdt = b->fdt;
	char path[BHCFG_PATH_MAX];
	int depth = 0;

	for (int node = fdt_next_node(fdt, 0, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		int len = 0;
		if (fdt_getprop(fdt, node, BHCFG_PROP_DMA_MASTER, &len) == NULL) {
			continue;
		}
		if (len != 0) {
			node_path(fdt, node, path, sizeof(path));
			report(b->file, path, BHCFG_PROP_DMA_MASTER,
			       "must be empty (a flag: the node masters DMA)");
			continue;
		}
		for (unsigned i = 0; i < b->ndevs; i++) {
			struct board_dev *d = &b->devs[i];
			if (d->dma_node < 0 && node >= d->node && node < d->end) {
				d->dma_node = node;
			}
		}
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

/*
 * For a board node that is not a device: what it is instead, when the
 * configuration has its own place for it, so the message can say where it
 * goes ("has no memory-mapped registers" would be wrong for RAM, and
 * misleading for a core). NULL for anything else.
 */
const char *board_not_a_device(const struct board *b, int node)
{
	const void *fdt = b->fdt;
	const char *dt = NULL;
	int top = node;

	if (node <= 0) {
		return NULL;
	}
	/* Its top-level ancestor (or itself): the exclusions are by subtree. */
	for (int hops = 0; hops <= BHCFG_MAX_DEPTH; hops++) {
		int parent = fdt_parent_offset(fdt, top);
		if (parent <= 0) {
			break;
		}
		top = parent;
	}
	const char *name = fdt_get_name(fdt, top, NULL);
	if (name == NULL) {
		return NULL;
	}
	if (is_memory_node(fdt, top, name)) {
		return "is RAM, not a device: give a partition RAM with `memory`";
	}
	if (strcmp(name, "reserved-memory") == 0) {
		return "is memory the board reserves, not a device";
	}
	if (strcmp(name, "cpus") == 0 && prop_str(fdt, node, "device_type", &dt) == PROP_OK &&
	    strcmp(dt, "cpu") == 0) {
		return "is a core, not a device: give a partition cores with `cpus`";
	}
	return NULL;
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
	char irq_why[BHCFG_IRQ_WHY];

	memset(b, 0, sizeof(*b));
	b->file = file;
	b->gic_node = -1;
	b->timer_node = -1;
	b->uart_node = -1;
	board_name(b);
	if (load_fdt(file, false, &b->fdt) != 0) {
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
	find_dma_masters(b);
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
		if (board_dev_irqs(b, b->uart_node, b->hyp_irqs, BH_CFG_MAX_IRQS,
				   &b->nhyp_irqs, irq_why, sizeof(irq_why)) != 0) {
			report(file, path, NULL, "%s", irq_why);
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
