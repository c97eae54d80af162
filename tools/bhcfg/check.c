/*
 * Cross-partition checks: every core, RAM page, device page and SPI has at
 * most one owner (a partition or the hypervisor); then each partition's
 * stage-2 regions and interrupt list are built and its IPA layout checked.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

#define OWNER_NONE    (-1)
#define OWNER_HYP     (-2)

void check_hyp_range(const struct board *b, const struct options *o)
{
	uint64_t end;
	struct range hyp = { o->hyp_base, o->hyp_size };
	bool inside = false;

	if (o->hyp_size == 0 || o->hyp_base % BHCFG_PAGE != 0 || o->hyp_size % BHCFG_PAGE != 0) {
		report("bhcfg", NULL, "--hyp-base/--hyp-size", "must be non-zero and 4 KiB aligned");
		return;
	}
	if (!range_end(o->hyp_base, o->hyp_size, &end)) {
		report("bhcfg", NULL, "--hyp-base/--hyp-size", "%s", range_end_why(o->hyp_base, o->hyp_size));
		return;
	}
	for (unsigned i = 0; i < b->nram; i++) {
		inside = inside || range_inside(&hyp, &b->ram[i]);
	}
	if (!inside) {
		report("bhcfg", NULL, "--hyp-base/--hyp-size", "0x%llx..0x%llx is not inside the board's RAM",
		       (unsigned long long)hyp.base, (unsigned long long)(end - 1));
	}
}

static void check_cores(struct config *c)
{
	int owner[BH_CFG_MAX_CPUS];

	for (unsigned i = 0; i < BH_CFG_MAX_CPUS; i++) {
		owner[i] = OWNER_NONE;
	}
	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		for (unsigned k = 0; k < p->ncpus; k++) {
			uint32_t core = p->cpus[k];
			if (owner[core] != OWNER_NONE) {
				report(c->file, p->where, "cpus", "core %u is already assigned to %s",
				       core, c->parts[owner[core]].where);
				continue;
			}
			owner[core] = (int)i;
		}
	}
}

static void check_memory(struct config *c)
{
	char s1[48], s2[48];

	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		for (unsigned j = 0; j < i; j++) {
			struct part *q = &c->parts[j];
			for (unsigned a = 0; a < p->nmem; a++) {
				for (unsigned k = 0; k < q->nmem; k++) {
					if (ranges_overlap(&p->mem[a], &q->mem[k])) {
						report(c->file, p->where, "memory", "region %u %s overlaps %s memory %s",
						       a, fmt_range(s1, sizeof(s1), p->mem[a].base, p->mem[a].size),
						       q->where,
						       fmt_range(s2, sizeof(s2), q->mem[k].base, q->mem[k].size));
					}
				}
			}
		}
	}
}

/* First page two page-rounded ranges share (they overlap). */
static uint64_t shared_page(const struct range *a, const struct range *b)
{
	return a->base > b->base ? a->base : b->base;
}

/* Does any page of device d share a page with device e? */
static bool dev_pages_meet(const struct board *b, unsigned d, unsigned e, uint64_t *page)
{
	for (unsigned i = 0; i < b->devs[d].nregs; i++) {
		struct range x = page_round(&b->devs[d].regs[i]);
		for (unsigned k = 0; k < b->devs[e].nregs; k++) {
			struct range y = page_round(&b->devs[e].regs[k]);
			if (ranges_overlap(&x, &y)) {
				*page = shared_page(&x, &y);
				return true;
			}
		}
	}
	return false;
}

/* Is device `inner`'s node in the subtree of device `outer`'s node? */
static bool dev_inside(const struct board *b, unsigned inner, unsigned outer)
{
	return b->devs[inner].node > b->devs[outer].node && b->devs[inner].node < b->devs[outer].end;
}

static void check_devices(struct config *c, const struct board *b, const struct options *o)
{
	int *owner = xcalloc(b->ndevs, sizeof(*owner));
	struct range hyp = { o->hyp_base, o->hyp_size };
	uint64_t page;

	for (unsigned d = 0; d < b->ndevs; d++) {
		owner[d] = b->devs[d].reserved != NULL ? OWNER_HYP : OWNER_NONE;
	}
	/* A console UART passed through (console = "passthrough") is the
	 * hypervisor's no longer: it is assigned like any device. */
	int uart = b->uart_node >= 0 ? board_dev_index(b, b->uart_node) : -1;
	for (unsigned i = 0; i < c->nparts && uart >= 0; i++) {
		if (c->parts[i].console_pass) {
			owner[uart] = OWNER_NONE;
		}
	}
	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		for (unsigned k = 0; k < p->ndevs; k++) {
			unsigned d = p->devs[k];
			const char *path = b->devs[d].path;
			if (owner[d] >= 0) {
				report(c->file, p->where, "devices", "device %s is already assigned to %s",
				       path, c->parts[owner[d]].where);
				continue;
			}
			/* Stage 2 maps whole pages: a device sharing a page with
			 * somebody else's device would hand over both. */
			for (unsigned e = 0; e < b->ndevs; e++) {
				if (e == d || owner[e] == OWNER_NONE || owner[e] == (int)i ||
				    !dev_pages_meet(b, d, e, &page)) {
					continue;
				}
				if (owner[e] == OWNER_HYP) {
					report(c->file, p->where, "devices",
					       "device %s shares page 0x%llx with %s, which is reserved for the hypervisor",
					       path, (unsigned long long)page, b->devs[e].path);
				} else {
					report(c->file, p->where, "devices",
					       "device %s shares page 0x%llx with %s of %s",
					       path, (unsigned long long)page, b->devs[e].path,
					       c->parts[owner[e]].where);
				}
			}
			/* A device's node is copied with its whole subtree into the
			 * partition's tree: a device nested in it, or the one it is
			 * nested in, cannot belong to somebody else. */
			for (unsigned e = 0; e < b->ndevs; e++) {
				if (e == d || owner[e] == OWNER_NONE || owner[e] == (int)i) {
					continue;
				}
				const char *how = owner[e] == OWNER_HYP ? "reserved for" : "assigned to";
				const char *who = owner[e] == OWNER_HYP ? "the hypervisor" : c->parts[owner[e]].where;
				if (dev_inside(b, e, d)) {
					report(c->file, p->where, "devices",
					       "device %s contains %s, which is %s %s (a device goes with all its subnodes)",
					       path, b->devs[e].path, how, who);
				} else if (dev_inside(b, d, e)) {
					report(c->file, p->where, "devices",
					       "device %s is inside %s, which is %s %s (that device goes with all its subnodes)",
					       path, b->devs[e].path, how, who);
				}
			}
			for (unsigned r = 0; r < b->devs[d].nregs; r++) {
				struct range x = page_round(&b->devs[d].regs[r]);
				if (ranges_overlap(&x, &hyp)) {
					report(c->file, p->where, "devices", "device %s overlaps the hypervisor range",
					       path);
				}
			}
			owner[d] = (int)i;
		}
	}
	/* A DMA master that nobody is given but that shares a page with a
	 * partition's device is reachable by that partition all the same
	 * (stage 2 maps the whole page): it could aim the master at any
	 * memory, untrusted. QEMU virt packs eight virtio-mmio transports
	 * into each page. */
	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		for (unsigned e = 0; e < b->ndevs; e++) {
			if (owner[e] != OWNER_NONE || b->devs[e].dma_node < 0) {
				continue;
			}
			for (unsigned k = 0; k < p->ndevs; k++) {
				if (p->devs[k] != e && dev_pages_meet(b, p->devs[k], e, &page)) {
					report(c->file, p->where, "devices",
					       "%s masters DMA and shares page 0x%llx with its device %s, so "
					       "it would be reachable too: list it in devices and dma-trusted as well",
					       b->devs[e].path, (unsigned long long)page, b->devs[p->devs[k]].path);
					break;
				}
			}
		}
	}
	free(owner);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Who has an INTID: a partition (index) or the hypervisor, through which
 * assigned device (its subtree [dev, dev_end)) and which node listing it. */
struct irq_owner {
	int part;
	int dev;
	int dev_end;
	int node;
};

/* "/a@1" or "/a@1/b@2 (inside /a@1)": the node listing an interrupt, and
 * the device it goes with when that is an ancestor. */
static const char *irq_carrier(const struct board *b, int node, int dev, char *buf, size_t len)
{
	char np[BHCFG_PATH_MAX];
	char dp[BHCFG_PATH_MAX];

	node_path(b->fdt, node, np, sizeof(np));
	if (node == dev) {
		snprintf(buf, len, "%s", np);
	} else {
		node_path(b->fdt, dev, dp, sizeof(dp));
		snprintf(buf, len, "%s (inside %s)", np, dp);
	}
	return buf;
}

/*
 * Every SPI has one owner. A partition gets the interrupts of its devices'
 * board nodes and their subnodes; the hypervisor those of its console UART.
 * Configurations name devices, not interrupts, so an interrupt has two
 * owners only when it is a line two devices share (or a device that is
 * already refused as assigned twice or nested in another's).
 */
static void check_irqs(struct config *c, const struct board *b)
{
	struct irq_owner *owner = xcalloc(BHCFG_GIC_NR_INTIDS, sizeof(*owner));
	char why[BHCFG_IRQ_WHY];
	char mine[2 * BHCFG_PATH_MAX + 16];
	char theirs[2 * BHCFG_PATH_MAX + 16];

	for (unsigned i = 0; i < BHCFG_GIC_NR_INTIDS; i++) {
		owner[i].part = OWNER_NONE;
	}
	bool passed = false;
	for (unsigned i = 0; i < c->nparts; i++) {
		passed = passed || c->parts[i].console_pass;
	}
	/* Passed through, the console UART's interrupts come with it as a
	 * device's: the hypervisor takes no console input then. */
	for (unsigned i = 0; i < b->nhyp_irqs && !passed; i++) {
		struct irq_owner *o = &owner[b->hyp_irqs[i].intid];
		o->part = OWNER_HYP;
		o->dev = b->uart_node;
		o->dev_end = b->uart_end;
		o->node = b->hyp_irqs[i].node;
	}
	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		bool full = false;
		for (unsigned k = 0; k < p->ndevs; k++) {
			const struct board_dev *d = &b->devs[p->devs[k]];
			struct node_irq irqs[BH_CFG_MAX_IRQS];
			unsigned n = 0;
			if (board_dev_irqs(b, d->node, irqs, BH_CFG_MAX_IRQS, &n, why, sizeof(why)) != 0) {
				report(c->file, p->where, "devices", "%s: %s", d->path, why);
				continue;
			}
			for (unsigned m = 0; m < n; m++) {
				uint32_t id = irqs[m].intid;
				uint32_t spi = id - BHCFG_GIC_FIRST_SPI;
				struct irq_owner *o = &owner[id];
				if (o->part == (int)i) {
					continue; /* two of its own devices share a line */
				}
				/* The same device, or one inside the other: check_devices
				 * has said so already. */
				bool nested = (d->node >= o->dev && d->node < o->dev_end) ||
					      (o->dev >= d->node && o->dev < d->end);
				if (o->part != OWNER_NONE && nested) {
					continue;
				}
				if (o->part == OWNER_HYP) {
					report(c->file, p->where, "devices",
					       "%s: SPI %u (INTID %u) is reserved for the hypervisor: %s, its console, uses it",
					       d->path, spi, id, irq_carrier(b, o->node, o->dev, theirs, sizeof(theirs)));
					continue;
				}
				if (o->part >= 0) {
					report(c->file, p->where, "devices",
					       "SPI %u (INTID %u) of %s is shared with %s, which goes to %s: devices sharing an interrupt must go to the same partition",
					       spi, id, irq_carrier(b, irqs[m].node, d->node, mine, sizeof(mine)),
					       irq_carrier(b, o->node, o->dev, theirs, sizeof(theirs)),
					       c->parts[o->part].where);
					continue;
				}
				if (p->nirqs == BH_CFG_MAX_IRQS) {
					if (!full) {
						report(c->file, p->where, "devices",
						       "more than %u interrupts (BH_CFG_MAX_IRQS)", BH_CFG_MAX_IRQS);
					}
					full = true;
					break;
				}
				o->part = (int)i;
				o->dev = d->node;
				o->dev_end = d->end;
				o->node = irqs[m].node;
				p->irqs[p->nirqs++] = id;
			}
		}
		/* The table lists each INTID once, in ascending order. */
		qsort(p->irqs, p->nirqs, sizeof(p->irqs[0]), cmp_u32);
	}
	free(owner);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a;
	const struct range *y = b;

	return x->base < y->base ? -1 : (x->base > y->base ? 1 : 0);
}

/* RAM regions first (as configured), then the union of the device pages. */
static void build_regions(struct config *c, struct part *p, const struct board *b)
{
	struct range pages[BHCFG_MAX_PART_DEVS * 4];
	unsigned np = 0;
	bool overflow = false;

	for (unsigned k = 0; k < p->nmem; k++) {
		struct bh_region *r = &p->regions[p->nregions++];
		r->pa = p->mem[k].base;
		r->ipa = p->ipa[k];
		r->size = p->mem[k].size;
		r->kind = BH_REGION_RAM;
		r->reserved = 0;
	}
	for (unsigned k = 0; k < p->ndevs; k++) {
		const struct board_dev *d = &b->devs[p->devs[k]];
		for (unsigned r = 0; r < d->nregs; r++) {
			if (np == sizeof(pages) / sizeof(pages[0])) {
				overflow = true;
				break;
			}
			pages[np++] = page_round(&d->regs[r]);
		}
	}
	qsort(pages, np, sizeof(pages[0]), cmp_range);
	unsigned merged = 0;
	for (unsigned k = 0; k < np; k++) {
		if (merged > 0 && pages[k].base <= pages[merged - 1].base + pages[merged - 1].size) {
			uint64_t end = pages[k].base + pages[k].size;
			uint64_t last_end = pages[merged - 1].base + pages[merged - 1].size;
			if (end > last_end) {
				pages[merged - 1].size = end - pages[merged - 1].base;
			}
		} else {
			pages[merged++] = pages[k];
		}
	}
	if (overflow || p->nregions + merged > BH_CFG_MAX_REGIONS) {
		report(c->file, p->where, "devices", "needs more than %u stage-2 regions (RAM + device pages)",
		       BH_CFG_MAX_REGIONS);
		return;
	}
	for (unsigned k = 0; k < merged; k++) {
		struct bh_region *r = &p->regions[p->nregions++];
		r->pa = pages[k].base;
		r->ipa = pages[k].base;
		r->size = pages[k].size;
		r->kind = BH_REGION_DEVICE;
		r->reserved = 0;
	}
}

/* A RAM region's IPA range must not hide anything else the partition sees. */
static void check_ipas(struct config *c, struct part *p, const struct board *b)
{
	char s1[48], s2[48];
	struct range gicd = { b->gicd_base, BHCFG_GICD_SIZE };
	struct range gicr = { b->gicr.base, (uint64_t)p->ncpus * BHCFG_GICR_STRIDE };

	for (unsigned k = 0; k < p->nmem; k++) {
		struct range r = { p->ipa[k], p->mem[k].size };
		fmt_range(s1, sizeof(s1), r.base, r.size);
		for (unsigned i = 0; i < p->ndevs; i++) {
			const struct board_dev *d = &b->devs[p->devs[i]];
			for (unsigned g = 0; g < d->nregs; g++) {
				struct range pg = page_round(&d->regs[g]);
				if (ranges_overlap(&r, &pg)) {
					report(c->file, p->where, "ipa", "region %u IPA range %s overlaps device %s (%s)",
					       k, s1, d->path, fmt_range(s2, sizeof(s2), pg.base, pg.size));
				}
			}
		}
		if (ranges_overlap(&r, &gicd)) {
			report(c->file, p->where, "ipa", "region %u IPA range %s overlaps the GIC distributor (%s)",
			       k, s1, fmt_range(s2, sizeof(s2), gicd.base, gicd.size));
		}
		if (gicr.size > 0 && ranges_overlap(&r, &gicr)) {
			report(c->file, p->where, "ipa", "region %u IPA range %s overlaps the GIC redistributors (%s)",
			       k, s1, fmt_range(s2, sizeof(s2), gicr.base, gicr.size));
		}
		if (p->console && b->uart_node >= 0 && ranges_overlap(&r, &b->uart_page)) {
			report(c->file, p->where, "ipa", "region %u IPA range %s overlaps the emulated console (%s)",
			       k, s1, fmt_range(s2, sizeof(s2), b->uart_page.base, b->uart_page.size));
		}
	}
}

static void check_console(struct config *c, struct part *p, const struct board *b)
{
	char path[BHCFG_PATH_MAX];

	p->console_ipa = 0;
	if (!p->console) {
		return;
	}
	if (b->uart_node < 0) {
		report(c->file, p->where, "console", "\"emulated\" needs a board UART (none found in the board)");
		return;
	}
	if (!b->uart_pl011) {
		node_path(b->fdt, b->uart_node, path, sizeof(path));
		report(c->file, p->where, "console",
		       "the board console %s is not an \"arm,pl011\", the only UART bhcfg can emulate", path);
		return;
	}
	int d = board_dev_index(b, b->uart_node);
	p->console_ipa = d >= 0 ? b->devs[d].regs[0].base : b->uart_page.base;
}

/* Whether a board device (any, assigned or not) drives INTID id: a spare
 * SPI the board file names wrongly would be raised by two sources. */
static const char *spi_driven_by(const struct board *b, uint32_t id)
{
	char why[BHCFG_IRQ_WHY];

	for (unsigned k = 0; k < b->ndevs; k++) {
		struct node_irq irqs[BH_CFG_MAX_IRQS];
		unsigned n = 0;
		if (board_dev_irqs(b, b->devs[k].node, irqs, BH_CFG_MAX_IRQS, &n, why, sizeof(why)) != 0) {
			continue; /* reported where the device is assigned */
		}
		for (unsigned m = 0; m < n; m++) {
			if (irqs[m].intid == id) {
				return b->devs[k].path;
			}
		}
	}
	return NULL;
}

/* Each emulated console gets an interrupt of its own: the next of the
 * board's spare SPIs, which the hypervisor raises and lowers as the
 * emulated PL011's interrupt line (core/console_mux.c). It is the
 * partition's like a device interrupt (its irqs[], routed and enabled
 * through its vGIC), so the same delivery path serves both interrupt
 * modes and no other partition can touch it. */
static void assign_console_irqs(struct config *c, const struct board *b)
{
	uint32_t next = 0;

	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		p->console_intid = 0;
		if (!p->console || p->console_ipa == 0) {
			continue;
		}
		if (b->nspare_spis == 0) {
			/* A board file that names none (QEMU's own dump, say):
			 * the console still prints, but has no interrupt to
			 * take input with. Said, not refused. */
			warning(c->file, p->where,
				"console: the board names no spare SPIs (%s on its GIC node): its emulated "
				"console is output only", BHCFG_PROP_SPARE_SPIS);
			continue;
		}
		if (next >= b->nspare_spis) {
			report(c->file, p->where, "console",
			       "no interrupt left for its emulated console: the board names %u spare SPI(s) "
			       "(%s on its GIC node) and %u partition(s) before this one took them",
			       b->nspare_spis, BHCFG_PROP_SPARE_SPIS, next);
			continue;
		}
		uint32_t id = BHCFG_GIC_FIRST_SPI + b->spare_spi + next++;
		const char *dev = spi_driven_by(b, id);
		if (dev != NULL) {
			report(c->file, p->where, "console",
			       "spare SPI %u (INTID %u, from %s) is the interrupt of %s: fix the board's %s",
			       id - BHCFG_GIC_FIRST_SPI, id, BHCFG_PROP_SPARE_SPIS, dev, BHCFG_PROP_SPARE_SPIS);
			continue;
		}
		if (p->nirqs == BH_CFG_MAX_IRQS) {
			report(c->file, p->where, "console",
			       "no room for its emulated console's interrupt: already %u interrupts (BH_CFG_MAX_IRQS)",
			       BH_CFG_MAX_IRQS);
			continue;
		}
		p->console_intid = id;
		p->irqs[p->nirqs++] = id;
		qsort(p->irqs, p->nirqs, sizeof(p->irqs[0]), cmp_u32);
	}
}

void check_all(struct config *c, const struct board *b, const struct options *o)
{
	check_cores(c);
	check_memory(c);
	check_devices(c, b, o);
	check_irqs(c, b);
	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		if (p->ncpus == 0 && p->ok) {
			report(c->file, p->where, "cpus", "no cores");
		}
		build_regions(c, p, b);
		check_ipas(c, p, b);
		check_console(c, p, b);
	}
	assign_console_irqs(c, b);
	int pass = -1;
	for (unsigned i = 0; i < c->nparts; i++) {
		if (c->parts[i].console_pass) {
			pass = (int)i;
			break;
		}
	}
	for (unsigned i = 0; pass >= 0 && i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		if (p->console) {
			report(c->file, p->where, "console",
			       "\"emulated\" while %s has the board's UART passed through: once that "
			       "partition starts, the hypervisor has no console to show this one on "
			       "(use \"none\")", c->parts[pass].where);
		}
	}
	int focus = -1;
	for (unsigned i = 0; i < c->nparts; i++) {
		struct part *p = &c->parts[i];
		if (!p->console_focus) {
			continue;
		}
		if (focus >= 0) {
			report(c->file, p->where, "console-focus", "%s has it already: one partition takes input first",
			       c->parts[focus].where);
		} else {
			focus = (int)i;
		}
	}
}
