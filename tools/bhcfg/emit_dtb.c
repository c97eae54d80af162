/*
 * The partition device tree, written with libfdt's sequential-write API so
 * nodes come out in a stable order: what the partition owns and nothing
 * else (its vCPUs, its memory at its IPAs, its GIC view, the timer, PSCI
 * over HVC, its devices plus the clocks they reference, the emulated
 * console and watchdog) and /chosen with bootargs and the boot-count cell
 * the loader patches.
 */
#define _XOPEN_SOURCE 700

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

#define MAX_COPY 128u

/* Board nodes copied whole (with their subtrees) into the partition tree. */
struct copyset {
	int node[MAX_COPY];
	int end[MAX_COPY];   /* subtree_end() of each, for ancestor tests */
	unsigned n;
};

/* Sequential writer: the first libfdt error sticks and later calls do nothing. */
struct w {
	void *fdt;
	int err;
	bool too_deep;
	/* The board UART copied as a partition's emulated console: its
	 * interrupt is the spare SPI bhcfg gave it, not the board's. */
	int console_node;
	uint32_t console_spi;
	/* The board node copied right after /chosen rather than in board
	 * order (-1: none): the partition's console, so that the first thing a
	 * partition looks for is the first node it walks to (its first line
	 * waits on that walk: partitions/rtos/board.c). */
	int first_node;
};

static void w_begin(struct w *w, const char *name)
{
	if (w->err == 0) {
		w->err = fdt_begin_node(w->fdt, name);
	}
}

static void w_end(struct w *w)
{
	if (w->err == 0) {
		w->err = fdt_end_node(w->fdt);
	}
}

static void w_prop(struct w *w, const char *name, const void *val, int len)
{
	if (w->err == 0) {
		w->err = fdt_property(w->fdt, name, val, len);
	}
}

static void w_u32(struct w *w, const char *name, uint32_t v)
{
	if (w->err == 0) {
		w->err = fdt_property_u32(w->fdt, name, v);
	}
}

static void w_str(struct w *w, const char *name, const char *s)
{
	w_prop(w, name, s, (int)strlen(s) + 1);
}

/* <addr64 size64> pairs for a node under the 2/2-cell root. */
static void w_reg(struct w *w, const uint64_t *pairs, unsigned npairs)
{
	fdt64_t cells[4];

	if (npairs > 2) {
		w->err = -FDT_ERR_INTERNAL;
		return;
	}
	for (unsigned i = 0; i < npairs * 2; i++) {
		cells[i] = cpu_to_fdt64(pairs[i]);
	}
	w_prop(w, "reg", cells, (int)(npairs * 16));
}

static bool set_has(const struct copyset *s, int node)
{
	for (unsigned i = 0; i < s->n; i++) {
		if (s->node[i] == node) {
			return true;
		}
	}
	return false;
}

static int set_add(struct copyset *s, const void *fdt, int node)
{
	if (set_has(s, node)) {
		return 0;
	}
	if (s->n == MAX_COPY) {
		return -1;
	}
	s->node[s->n] = node;
	s->end[s->n] = subtree_end(fdt, node);
	s->n++;
	return 0;
}

static bool owns_dev(const struct part *p, int d)
{
	for (unsigned k = 0; k < p->ndevs; k++) {
		if (p->devs[k] == (unsigned)d) {
			return true;
		}
	}
	return false;
}

/* The partition that lists board device d, NULL if none does. */
static const struct part *dev_owner(const struct config *c, int d)
{
	for (unsigned i = 0; d >= 0 && i < c->nparts; i++) {
		if (owns_dev(&c->parts[i], d)) {
			return &c->parts[i];
		}
	}
	return NULL;
}

/* Nodes a clock phandle may not drag into a partition: the hypervisor's GIC
 * and the nodes bhcfg generates itself. */
static bool clock_provider_ok(const struct board *b, int node, const char *path)
{
	static const char *const gen[] = { "/cpus", "/chosen", "/psci", "/memory", "/aliases",
					   "/reserved-memory" };

	if (board_in_gic(b, node) || node == 0) {
		return false;
	}
	for (size_t i = 0; i < sizeof(gen) / sizeof(gen[0]); i++) {
		size_t n = strlen(gen[i]);
		if (strncmp(path, gen[i], n) == 0 && (path[n] == '\0' || path[n] == '/' || path[n] == '@')) {
			return false;
		}
	}
	return true;
}

/* Adds every clock provider the set's nodes reference, transitively (the set
 * doubles as the work list). Other phandle references are not followed. */
static void add_clock_deps(const struct config *c, const struct part *p,
			   const struct board *b, struct copyset *s)
{
	const void *fdt = b->fdt;
	char path[BHCFG_PATH_MAX];
	char ppath[BHCFG_PATH_MAX];

	for (unsigned i = 0; i < s->n; i++) {
		int len = 0;
		const fdt32_t *cells = fdt_getprop(fdt, s->node[i], "clocks", &len);
		if (cells == NULL) {
			continue;
		}
		node_path(fdt, s->node[i], path, sizeof(path));
		if (len % 4 != 0) {
			report(c->file, p->where, "devices", "%s: clocks: length %d is not a multiple of 4",
			       path, len);
			continue;
		}
		int nc = len / 4;
		for (int k = 0; k < nc;) {
			uint32_t ph = fdt32_ld(&cells[k]);
			uint32_t ncells = 0;
			int prov = fdt_node_offset_by_phandle(fdt, ph);
			if (prov < 0) {
				report(c->file, p->where, "devices", "%s: clocks: phandle 0x%x names no node",
				       path, ph);
				break;
			}
			if (prop_u32(fdt, prov, "#clock-cells", &ncells) != PROP_OK || ncells > 8) {
				report(c->file, p->where, "devices",
				       "%s: clocks: provider has no valid #clock-cells", path);
				break;
			}
			k += 1 + (int)ncells;
			if (k > nc) {
				report(c->file, p->where, "devices", "%s: clocks: truncated specifier", path);
				break;
			}
			node_path(fdt, prov, ppath, sizeof(ppath));
			if (!clock_provider_ok(b, prov, ppath)) {
				report(c->file, p->where, "devices", "%s: clocks: provider %s cannot be given to a partition",
				       path, ppath);
				break;
			}
			/* A provider with registers (a clock controller) would be
			 * described but unreachable: require the partition to own it,
			 * and suggest that only when it can. */
			int d = board_dev_index(b, prov);
			const struct part *owner = dev_owner(c, d);
			if (d >= 0 && b->devs[d].reserved != NULL) {
				report(c->file, p->where, "devices",
				       "%s: clocks: provider %s is reserved for the hypervisor (%s); no partition can own it",
				       path, ppath, b->devs[d].reserved);
				break;
			}
			if (d >= 0 && owner != NULL && owner != p) {
				report(c->file, p->where, "devices",
				       "%s: clocks: provider %s has registers and is assigned to %s; a device and its clock controller must go to the same partition",
				       path, ppath, owner->where);
				break;
			}
			if (d >= 0 && owner == NULL) {
				report(c->file, p->where, "devices",
				       "%s: clocks: provider %s has registers; assign it to this partition too",
				       path, ppath);
				break;
			}
			if (set_add(s, fdt, prov) != 0) {
				report(c->file, p->where, "devices", "more than %u nodes to copy", MAX_COPY);
				return;
			}
		}
	}
}

/* Which of a node's properties copy_props writes: all of them, or (for the
 * node copied first, the console) its reg and interrupts first and then
 * the rest, so that what a partition reads before its first line is the
 * first thing it steps over (each property libfdt steps over costs it
 * hundreds of instructions). */
enum prop_pass { PROPS_ALL, PROPS_FIRST_NEEDS, PROPS_REST };

static bool first_need(const char *name)
{
	return strcmp(name, "reg") == 0 || strcmp(name, "interrupts") == 0 ||
	       strcmp(name, "interrupts-extended") == 0;
}

static void copy_props(struct w *w, const void *src, int node, bool addressing_only,
		       enum prop_pass pass)
{
	static const char *const addressing[] = {
		"compatible", "#address-cells", "#size-cells", "ranges", "dma-ranges",
		"interrupt-parent",
	};
	int prop;

	fdt_for_each_property_offset(prop, src, node) {
		const char *name = NULL;
		int len = 0;
		const void *val = fdt_getprop_by_offset(src, prop, &name, &len);
		bool keep = !addressing_only;
		if (val == NULL || name == NULL) {
			w->err = -FDT_ERR_BADSTRUCTURE;
			return;
		}
		if ((pass == PROPS_FIRST_NEEDS && !first_need(name)) ||
		    (pass == PROPS_REST && first_need(name))) {
			continue;
		}
		/* The ITS stays with the hypervisor: no MSI routing for guests. */
		if (strcmp(name, "msi-parent") == 0 || strcmp(name, "msi-map") == 0) {
			continue;
		}
		/* The board's notes to bhcfg (bulkhead,dma-master) are not the
		 * partition's business. */
		if (strncmp(name, "bulkhead,", 9) == 0) {
			continue;
		}
		if (!addressing_only && node == w->console_node &&
		    (strcmp(name, "interrupts") == 0 || strcmp(name, "interrupts-extended") == 0)) {
			/* SPI, level-sensitive high (the GIC binding's 3 cells):
			 * a PL011's interrupt line is a level. */
			fdt32_t cells[3] = { cpu_to_fdt32(0), cpu_to_fdt32(w->console_spi), cpu_to_fdt32(4) };
			w_prop(w, "interrupts", cells, sizeof(cells));
			continue;
		}
		for (size_t i = 0; addressing_only && i < sizeof(addressing) / sizeof(addressing[0]); i++) {
			keep = keep || strcmp(name, addressing[i]) == 0;
		}
		if (keep) {
			w_prop(w, name, val, len);
		}
	}
}

static void copy_subtree(struct w *w, const void *src, int node, int depth)
{
	int child;
	const char *name = fdt_get_name(src, node, NULL);

	if (depth > BHCFG_MAX_DEPTH) {
		w->too_deep = true;
		return;
	}
	if (name == NULL) {
		w->err = -FDT_ERR_BADSTRUCTURE;
		return;
	}
	w_begin(w, name);
	if (node == w->first_node) {
		copy_props(w, src, node, false, PROPS_FIRST_NEEDS);
		copy_props(w, src, node, false, PROPS_REST);
	} else {
		copy_props(w, src, node, false, PROPS_ALL);
	}
	fdt_for_each_subnode(child, src, node) {
		copy_subtree(w, src, child, depth + 1);
	}
	w_end(w);
}

/* Mirrors the board tree: nodes in the set are copied whole, their
 * ancestors only with what describes the address space. */
static void walk(struct w *w, const void *src, const struct copyset *s, int parent, int depth)
{
	int child;

	if (depth > BHCFG_MAX_DEPTH) {
		w->too_deep = true;
		return;
	}
	fdt_for_each_subnode(child, src, parent) {
		bool ancestor = false;
		if (child == w->first_node) {
			continue;       /* copied already, after /chosen */
		}
		if (set_has(s, child)) {
			copy_subtree(w, src, child, depth + 1);
			continue;
		}
		int cend = subtree_end(src, child);
		for (unsigned i = 0; i < s->n; i++) {
			ancestor = ancestor || (s->node[i] > child && s->node[i] < cend);
		}
		if (!ancestor) {
			continue;
		}
		const char *name = fdt_get_name(src, child, NULL);
		if (name == NULL) {
			w->err = -FDT_ERR_BADSTRUCTURE;
			return;
		}
		w_begin(w, name);
		copy_props(w, src, child, true, PROPS_ALL);
		walk(w, src, s, child, depth + 1);
		w_end(w);
	}
}

/* The emulated SP805 (core/vwdt.c) as Linux's sp805_wdt and the AMBA bus
 * expect it: "arm,sp805" + "arm,primecell", its page, and a clock for both
 * of its clock inputs (the first, wdog_clk, is what the driver reads the
 * rate of; the AMBA bus enables apb_pclk). The clock is a fixed clock at
 * the rate the hypervisor counts at, with a phandle above every board one
 * (any of which may be copied in). No interrupts: the interrupt output is
 * not delivered, and the driver uses none. */
static void gen_watchdog(struct w *w, const struct part *p, const struct board *b)
{
	static const char compat[] = "arm,sp805\0arm,primecell";
	static const char clock_names[] = "wdog_clk\0apb_pclk";
	char name[64];
	uint32_t max = 0;

	if (fdt_find_max_phandle(b->fdt, &max) != 0 || max >= UINT32_MAX - 1u) {
		w->err = -FDT_ERR_NOPHANDLES;
		return;
	}
	uint32_t clk = max + 1u;
	fdt32_t clocks[2] = { cpu_to_fdt32(clk), cpu_to_fdt32(clk) };
	uint64_t reg[2] = { p->watchdog_ipa, BHCFG_PAGE };

	w_begin(w, "bulkhead-wdog-clk");
	w_str(w, "compatible", "fixed-clock");
	w_u32(w, "#clock-cells", 0);
	w_u32(w, "clock-frequency", BH_WDT_CLOCK_HZ);
	w_str(w, "clock-output-names", "bulkhead-wdog-clk");
	w_u32(w, "phandle", clk);
	w_end(w);

	snprintf(name, sizeof(name), "watchdog@%llx", (unsigned long long)p->watchdog_ipa);
	w_begin(w, name);
	w_prop(w, "compatible", compat, sizeof(compat));
	w_reg(w, reg, 1);
	w_prop(w, "clocks", clocks, sizeof(clocks));
	w_prop(w, "clock-names", clock_names, sizeof(clock_names));
	w_end(w);
}

static void gen_nodes(struct w *w, const struct part *p, const struct board *b)
{
	const void *bf = b->fdt;
	char name[64];
	int len = 0;
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2";

	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 2);
	const void *compat = fdt_getprop(bf, 0, "compatible", &len);
	if (compat != NULL) {
		w_prop(w, "compatible", compat, len);
	}
	snprintf(name, sizeof(name), "Bulkhead partition %s", p->label);
	w_str(w, "model", name);
	w_u32(w, "interrupt-parent", b->gic_phandle);

	w_begin(w, "chosen");
	if (p->bootargs != NULL) {
		w_str(w, "bootargs", p->bootargs);
	}
	if ((p->console || p->console_pass) && b->uart_node >= 0) {
		char path[BHCFG_PATH_MAX];
		node_path(bf, b->uart_node, path, sizeof(path));
		w_str(w, "stdout-path", path);
	}
	w_u32(w, "bulkhead,boot-count", 0);
	if (p->initrd != NULL) {
		/* Filled in by place_fit() once the initrd's place is known. */
		uint64_t zero = 0;
		w_prop(w, "linux,initrd-start", &zero, sizeof(zero));
		w_prop(w, "linux,initrd-end", &zero, sizeof(zero));
	}
	w_end(w);

	if (w->first_node >= 0) {
		copy_subtree(w, bf, w->first_node, 1);
	}

	w_begin(w, "cpus");
	w_u32(w, "#address-cells", 1);
	w_u32(w, "#size-cells", 0);
	for (unsigned i = 0; i < p->ncpus; i++) {
		snprintf(name, sizeof(name), "cpu@%x", i);
		w_begin(w, name);
		w_str(w, "device_type", "cpu");
		const void *cc = fdt_getprop(bf, b->cpus[p->cpus[i]].node, "compatible", &len);
		if (cc != NULL) {
			w_prop(w, "compatible", cc, len);
		}
		w_u32(w, "reg", i); /* the virtual MPIDR: vCPUs are 0..n-1 */
		w_str(w, "enable-method", "psci");
		w_end(w);
	}
	w_end(w);

	w_begin(w, "psci");
	w_prop(w, "compatible", psci_compat, sizeof(psci_compat));
	w_str(w, "method", "hvc");
	w_end(w);

	for (unsigned k = 0; k < p->nmem; k++) {
		uint64_t reg[2] = { p->ipa[k], p->mem[k].size };
		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)p->ipa[k]);
		w_begin(w, name);
		w_str(w, "device_type", "memory");
		w_reg(w, reg, 1);
		w_end(w);
	}

	/* The partition's GIC view: distributor and one redistributor frame per
	 * vCPU, both emulated; no ITS, no GICv2 compatibility frames. */
	const char *gname = fdt_get_name(bf, b->gic_node, NULL);
	uint64_t greg[4] = { b->gicd_base, BHCFG_GICD_SIZE, b->gicr.base,
			     (uint64_t)p->ncpus * BHCFG_GICR_STRIDE };
	w_begin(w, gname == NULL ? "interrupt-controller" : gname);
	w_str(w, "compatible", "arm,gic-v3");
	w_u32(w, "#interrupt-cells", 3);
	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 2);
	w_prop(w, "interrupt-controller", "", 0);
	w_reg(w, greg, 2);
	w_u32(w, "phandle", b->gic_phandle);
	w_end(w);

	if (p->watchdog_ipa != 0) {
		gen_watchdog(w, p, b);
	}
}

/* Node names must be unique among siblings; generated and copied root
 * children could collide on an odd board. */
static bool root_names_unique(const void *fdt)
{
	int a, bnode;

	fdt_for_each_subnode(a, fdt, 0) {
		const char *na = fdt_get_name(fdt, a, NULL);
		for (bnode = fdt_next_subnode(fdt, a); bnode >= 0; bnode = fdt_next_subnode(fdt, bnode)) {
			const char *nb = fdt_get_name(fdt, bnode, NULL);
			if (na == NULL || nb == NULL || strcmp(na, nb) == 0) {
				return false;
			}
		}
	}
	return true;
}

void emit_dtb(const struct config *c, struct part *p, const struct board *b)
{
	struct copyset s;
	struct w w = { NULL, 0, false, -1, 0, -1 };
	unsigned before = bh_errors;

	s.n = 0;
	if (set_add(&s, b->fdt, b->timer_node) != 0) {
		return;
	}
	for (unsigned k = 0; k < p->ndevs; k++) {
		if (set_add(&s, b->fdt, b->devs[p->devs[k]].node) != 0) {
			report(c->file, p->where, "devices", "more than %u nodes to copy", MAX_COPY);
			return;
		}
	}
	if (p->console && b->uart_node >= 0 && set_add(&s, b->fdt, b->uart_node) != 0) {
		report(c->file, p->where, "devices", "more than %u nodes to copy", MAX_COPY);
		return;
	}
	add_clock_deps(c, p, b, &s);
	if (bh_errors != before) {
		return;
	}

	if (p->console && p->console_intid != 0) {
		w.console_node = b->uart_node;
		w.console_spi = p->console_intid - BHCFG_GIC_FIRST_SPI;
	}
	/* The console node first, when it hangs off the root (QEMU virt's
	 * does); under a bus node it stays in board order, its ancestors
	 * copied around it. */
	if ((p->console || p->console_pass) && b->uart_node >= 0 && set_has(&s, b->uart_node) &&
	    fdt_parent_offset(b->fdt, b->uart_node) == 0) {
		w.first_node = b->uart_node;
	}
	w.fdt = xcalloc(BHCFG_DTB_MAX, 1);
	w.err = fdt_create(w.fdt, (int)BHCFG_DTB_MAX);
	if (w.err == 0) {
		w.err = fdt_finish_reservemap(w.fdt);
	}
	w_begin(&w, "");
	gen_nodes(&w, p, b);
	walk(&w, b->fdt, &s, 0, 0);
	w_end(&w);
	if (w.err == 0) {
		w.err = fdt_finish(w.fdt);
	}
	if (w.too_deep) {
		report(c->file, p->where, "devices", "a copied board node is nested more than %d levels deep",
		       BHCFG_MAX_DEPTH);
		free(w.fdt);
		return;
	}
	if (w.err == -FDT_ERR_NOSPACE) {
		report(c->file, p->where, NULL, "the partition device tree would exceed %u bytes",
		       BHCFG_DTB_MAX);
		free(w.fdt);
		return;
	}
	if (w.err != 0 || fdt_check_full(w.fdt, BHCFG_DTB_MAX) != 0 || !root_names_unique(w.fdt)) {
		report(c->file, p->where, NULL, "cannot build the partition device tree: %s",
		       w.err != 0 ? fdt_strerror(w.err) : "invalid result (clashing node names?)");
		free(w.fdt);
		return;
	}

	/* fdt_finish packed the blob; offsets into it are final now. */
	int len = 0;
	int chosen = fdt_path_offset(w.fdt, "/chosen");
	const char *val = chosen < 0 ? NULL : fdt_getprop(w.fdt, chosen, "bulkhead,boot-count", &len);
	if (val == NULL || len != 4) {
		report(c->file, p->where, NULL, "internal error: /chosen/bulkhead,boot-count missing");
		free(w.fdt);
		return;
	}
	p->dtb = w.fdt;
	p->dtb_size = fdt_totalsize(w.fdt);
	p->boot_count_off = (uint64_t)(val - (const char *)w.fdt);
}
