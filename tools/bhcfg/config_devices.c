/*
 * A partition's devices, as its configuration gives them: board devices
 * passed through (devices, console = "passthrough"), the DMA masters among
 * them it is trusted with (dma-trusted), and the page of its emulated
 * watchdog. Each is checked against the board and the partition's own
 * memory and devices; check.c then settles ownership across partitions.
 */
#define _XOPEN_SOURCE 700

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bhcfg.h"

#define PERR(prop, ...) report(c->file, p->where, (prop), __VA_ARGS__)

void parse_devices(struct config *c, struct part *p, const struct board *b)
{
	char s1[48];
	int len = 0;
	const char *list = fdt_getprop(c->fdt, p->node, "devices", &len);

	if (list == NULL) {
		return;
	}
	int n = strlist_count(list, len);
	if (n < 0) {
		PERR("devices", "must be a list of non-empty strings");
		return;
	}
	if ((unsigned)n > BHCFG_MAX_PART_DEVS) {
		PERR("devices", "%d devices, more than %u", n, BHCFG_MAX_PART_DEVS);
		return;
	}
	for (const char *s = list; s < list + len; s += strlen(s) + 1) {
		const char *dt = NULL;
		if (s[0] != '/') {
			PERR("devices", "\"%s\" is not an absolute board node path", s);
			continue;
		}
		int node = -1;
		struct sbuf why = { NULL, 0, 0 };
		enum lookup found = board_lookup(b->fdt, s, &node, &why);
		if (found == LOOKUP_AMBIGUOUS) {
			PERR("devices", "%s is ambiguous: it %s", s, why.p);
		} else if (found == LOOKUP_NONE) {
			PERR("devices", "%s: no such node in the board", s);
		}
		sb_free(&why);
		if (found != LOOKUP_OK) {
			continue;
		}
		if (board_in_gic(b, node)) {
			PERR("devices", "%s is reserved for the hypervisor (the GIC and its ITS)", s);
			continue;
		}
		if (board_in_uart(b, node)) {
			PERR("devices", "%s is reserved for the hypervisor (its console; use console = \"emulated\")", s);
			continue;
		}
		int d = board_dev_index(b, node);
		const char *instead = d < 0 ? board_not_a_device(b, node) : NULL;
		if (instead != NULL) {
			PERR("devices", "%s %s", s, instead);
			continue;
		}
		if (d < 0) {
			PERR("devices", "%s has no memory-mapped registers (reg) to pass through", s);
			continue;
		}
		if (prop_str(b->fdt, node, "device_type", &dt) == PROP_OK && strcmp(dt, "pci") == 0) {
			PERR("devices", "%s: PCI host bridges cannot be passed through yet", s);
			continue;
		}
		/* Stage 2 maps a device at its physical address, and the IPA
		 * space stops at 39 bits: anything above could not be mapped and
		 * the partition would be refused at boot. */
		bool high = false;
		for (unsigned r = 0; r < b->devs[d].nregs && !high; r++) {
			struct range pg = page_round(&b->devs[d].regs[r]);
			high = pg.base + pg.size > BHCFG_IPA_LIMIT;
			if (high) {
				PERR("devices", "%s: registers at %s are beyond the 39-bit IPA space (devices are mapped at their physical address)",
				     s, fmt_range(s1, sizeof(s1), pg.base, pg.size));
			}
		}
		if (high) {
			continue;
		}
		bool dup = false;
		for (unsigned k = 0; k < p->ndevs; k++) {
			dup = dup || p->devs[k] == (unsigned)d;
		}
		if (dup) {
			PERR("devices", "%s is listed twice", s);
			continue;
		}
		p->devs[p->ndevs++] = (unsigned)d;
	}
}

/* "/dev" or "/dev (through its subnode /dev/engine)": what masters DMA. */
static const char *dma_who(const struct board *b, unsigned d, char *buf, size_t len)
{
	char sub[BHCFG_PATH_MAX];

	if (b->devs[d].dma_node == b->devs[d].node) {
		snprintf(buf, len, "%s", b->devs[d].path);
	} else {
		node_path(b->fdt, b->devs[d].dma_node, sub, sizeof(sub));
		snprintf(buf, len, "%s (through its subnode %s)", b->devs[d].path, sub);
	}
	return buf;
}

/*
 * DMA masters (board property bulkhead,dma-master) use physical addresses:
 * stage 2 does not translate or check what they read and write, and no
 * IOMMU stands in front of them. A partition gets one only when its
 * configuration says, per device, that it trusts the partition with all of
 * memory (dma-trusted), and then only with its RAM at IPA == PA, the
 * addresses its driver will hand the device.
 */
void parse_dma_trusted(struct config *c, struct part *p, const struct board *b)
{
	char who[2 * BHCFG_PATH_MAX + 32];
	int len = 0;
	const char *list = fdt_getprop(c->fdt, p->node, "dma-trusted", &len);
	bool identity = true;

	for (unsigned k = 0; k < p->nmem; k++) {
		identity = identity && p->ipa[k] == p->mem[k].base;
	}
	if (list != NULL && strlist_count(list, len) < 0) {
		PERR("dma-trusted", "must be a list of non-empty strings (device paths, each also in devices)");
		list = NULL;
	}
	for (const char *s = list; list != NULL && s < list + len; s += strlen(s) + 1) {
		int node = -1;
		struct sbuf why = { NULL, 0, 0 };
		enum lookup found = s[0] == '/' ? board_lookup(b->fdt, s, &node, &why) : LOOKUP_NONE;
		if (s[0] != '/') {
			PERR("dma-trusted", "\"%s\" is not an absolute board node path", s);
		} else if (found == LOOKUP_AMBIGUOUS) {
			PERR("dma-trusted", "%s is ambiguous: it %s", s, why.p);
		} else if (found == LOOKUP_NONE) {
			PERR("dma-trusted", "%s: no such node in the board", s);
		}
		sb_free(&why);
		if (found != LOOKUP_OK) {
			continue;
		}
		int d = board_dev_index(b, node);
		bool mine = false;
		for (unsigned k = 0; d >= 0 && k < p->ndevs; k++) {
			mine = mine || p->devs[k] == (unsigned)d;
		}
		if (!mine) {
			PERR("dma-trusted", "%s is not one of this partition's devices: list it in devices too", s);
			continue;
		}
		if (b->devs[d].dma_node < 0) {
			PERR("dma-trusted", "%s does not master DMA (the board does not mark it %s): there is nothing to trust it with",
			     s, BHCFG_PROP_DMA_MASTER);
			continue;
		}
		bool dup = false;
		for (unsigned k = 0; k < p->ndma; k++) {
			dup = dup || p->dma[k] == (unsigned)d;
		}
		if (dup) {
			PERR("dma-trusted", "%s is listed twice", s);
			continue;
		}
		if (!identity) {
			/* Still recorded: the device is not then refused a second
			 * time as untrusted. */
			PERR("dma-trusted", "%s: the partition's RAM must be identity-mapped (no ipa, or ipa equal to each region's address): the device masters DMA with physical addresses, and the partition's driver would give it IPAs",
			     s);
		}
		/* At most one entry per device of the partition: fits. */
		p->dma[p->ndma++] = (unsigned)d;
	}
	for (unsigned k = 0; k < p->ndevs; k++) {
		unsigned d = p->devs[k];
		bool trusted = false;
		if (b->devs[d].dma_node < 0) {
			continue;
		}
		for (unsigned i = 0; i < p->ndma; i++) {
			trusted = trusted || p->dma[i] == d;
		}
		if (!trusted) {
			PERR("devices", "%s masters DMA: it reads and writes physical memory past stage 2, and no IOMMU checks it, so it reaches all of memory, other partitions' and the hypervisor's included; give it only to a partition trusted with all of memory, by listing it in dma-trusted too",
			     dma_who(b, d, who, sizeof(who)));
		}
	}
}

/* After a build: one warning per DMA master a configuration trusts. */
void config_warn_dma(const struct config *c, const struct board *b)
{
	char who[2 * BHCFG_PATH_MAX + 32];

	for (unsigned i = 0; i < c->nparts; i++) {
		const struct part *p = &c->parts[i];
		for (unsigned k = 0; k < p->ndma; k++) {
			warning(c->file, p->where,
				"%s masters DMA with physical addresses and can reach all of memory, including other partitions and the hypervisor (dma-trusted; no IOMMU)",
				dma_who(b, p->dma[k], who, sizeof(who)));
		}
	}
}

/* watchdog = <hi lo>: the IPA of the page where the partition sees its
 * emulated SP805 (core/vwdt.c). Nothing is mapped there: every access traps,
 * so the page must not hide, or hide behind, anything else it sees. */
void parse_watchdog(struct config *c, struct part *p, const struct board *b)
{
	char s1[48], s2[48];
	int len = 0;
	const fdt32_t *v = fdt_getprop(c->fdt, p->node, "watchdog", &len);

	if (v == NULL) {
		return;
	}
	if (len != 8) {
		PERR("watchdog", "must be one 64-bit address (<hi lo>)");
		return;
	}
	uint64_t ipa = ((uint64_t)fdt32_to_cpu(v[0]) << 32) | fdt32_to_cpu(v[1]);
	if (ipa == 0 || ipa % BHCFG_PAGE != 0 || ipa >= BHCFG_IPA_LIMIT) {
		PERR("watchdog", "0x%llx must be a non-zero, 4 KiB aligned IPA below 2^39",
		     (unsigned long long)ipa);
		return;
	}
	struct range w = { ipa, BHCFG_PAGE };
	struct range gicd = { b->gicd_base, BHCFG_GICD_SIZE };
	struct range gicr = { b->gicr.base, (uint64_t)p->ncpus * BHCFG_GICR_STRIDE };
	unsigned before = bh_errors;
	fmt_range(s1, sizeof(s1), w.base, w.size);
	for (unsigned k = 0; k < p->nmem; k++) {
		struct range r = { p->ipa[k], p->mem[k].size };
		if (ranges_overlap(&w, &r)) {
			PERR("watchdog", "page %s overlaps memory region %u at IPA %s", s1, k,
			     fmt_range(s2, sizeof(s2), r.base, r.size));
		}
	}
	for (unsigned i = 0; i < p->ndevs; i++) {
		const struct board_dev *d = &b->devs[p->devs[i]];
		for (unsigned g = 0; g < d->nregs; g++) {
			struct range pg = page_round(&d->regs[g]);
			if (ranges_overlap(&w, &pg)) {
				PERR("watchdog", "page %s overlaps device %s (%s)", s1, d->path,
				     fmt_range(s2, sizeof(s2), pg.base, pg.size));
			}
		}
	}
	if (ranges_overlap(&w, &gicd)) {
		PERR("watchdog", "page %s overlaps the GIC distributor (%s)", s1,
		     fmt_range(s2, sizeof(s2), gicd.base, gicd.size));
	}
	if (gicr.size > 0 && ranges_overlap(&w, &gicr)) {
		PERR("watchdog", "page %s overlaps the GIC redistributors (%s)", s1,
		     fmt_range(s2, sizeof(s2), gicr.base, gicr.size));
	}
	if (p->console && b->uart_node >= 0 && ranges_overlap(&w, &b->uart_page)) {
		PERR("watchdog", "page %s overlaps the emulated console (%s)", s1,
		     fmt_range(s2, sizeof(s2), b->uart_page.base, b->uart_page.size));
	}
	if (bh_errors == before) {
		p->watchdog_ipa = ipa;
	}
}

/* console = "passthrough": the board's console UART becomes one of the
 * partition's devices (its page mapped, its interrupt the partition's); the
 * hypervisor stops using it once the partition starts (core/log.c). */
void pass_uart(struct config *c, struct part *p, const struct board *b)
{
	int d = b->uart_node >= 0 ? board_dev_index(b, b->uart_node) : -1;
	if (d < 0) {
		PERR("console", "\"passthrough\" needs a board console UART with registers (none found in the board)");
		return;
	}
	for (unsigned k = 0; k < p->ndevs; k++) {
		if (p->devs[k] == (unsigned)d) {
			return;
		}
	}
	if (p->ndevs == BHCFG_MAX_PART_DEVS) {
		PERR("console", "\"passthrough\": no room for the UART among its devices (%u at most)",
		     BHCFG_MAX_PART_DEVS);
		return;
	}
	p->devs[p->ndevs++] = (unsigned)d;
	p->console_pass = true;
}
