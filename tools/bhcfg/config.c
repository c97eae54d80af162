/*
 * The configuration: parses configs/NAME.dts (as a blob, via libfdt) into
 * struct part and makes every check that concerns one partition alone
 * (property shapes, its cores, its memory against the board; its devices
 * are config_devices.c's).
 * Only entries that pass are stored, so cross-partition checks (check.c)
 * never report consequences of an error already reported here.
 */
#define _XOPEN_SOURCE 700

#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

#define PERR(prop, ...) report(c->file, p->where, (prop), __VA_ARGS__)

static const char *const part_props[] = {
	"label", "cpus", "memory", "ipa", "devices", "kernel", "bootargs",
	"on-fault", "irq-delivery", "console", "initrd", "dtb-ipa", "dma-trusted",
	"watchdog", "console-focus",
};

static void parse_label(struct config *c, struct part *p)
{
	const char *label = NULL;
	enum prop_state st = prop_str(c->fdt, p->node, "label", &label);

	if (st == PROP_ABSENT) {
		PERR("label", "required property is missing");
		return;
	}
	if (st == PROP_BAD) {
		PERR("label", "must be a single string");
		return;
	}
	if (!name_ok(label, false)) {
		PERR("label", "\"%s\" must be 1..%u characters of [a-z0-9_-]", label,
		     BH_CFG_NAME_LEN - 1);
		return;
	}
	for (struct part *q = c->parts; q < p; q++) {
		if (strcmp(q->label, label) == 0) {
			PERR("label", "\"%s\" is already used by another partition", label);
			return;
		}
	}
	snprintf(p->label, sizeof(p->label), "%s", label);
	snprintf(p->where, sizeof(p->where), "partition \"%s\"", label);
}

static void parse_cpus(struct config *c, struct part *p, const struct board *b,
		       const struct options *o)
{
	int len = 0;
	const fdt32_t *cells = fdt_getprop(c->fdt, p->node, "cpus", &len);

	if (cells == NULL) {
		PERR("cpus", "required property is missing");
		return;
	}
	if (len == 0 || len % 4 != 0) {
		PERR("cpus", "length %d is not a non-zero multiple of 4 (<core ...>)", len);
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t core = fdt32_ld(&cells[i]);
		bool dup = false;
		if (core >= o->max_cpus) {
			PERR("cpus", "core %u is beyond --max-cpus (%u)", core, o->max_cpus);
			continue;
		}
		if (core >= b->ncpus) {
			PERR("cpus", "core %u does not exist on the board (%u cores)", core, b->ncpus);
			continue;
		}
		for (unsigned k = 0; k < p->ncpus; k++) {
			dup = dup || p->cpus[k] == core;
		}
		if (dup) {
			PERR("cpus", "core %u is listed twice", core);
			continue;
		}
		/* Distinct cores below max_cpus <= BH_CFG_MAX_CPUS: always fits. */
		p->cpus[p->ncpus++] = core;
	}
}

/* Checks one physical region against the board and the hypervisor. */
static bool memory_region_ok(struct config *c, struct part *p, const struct board *b,
			     const struct options *o, unsigned i, const struct range *r)
{
	char s1[48], s2[48];
	bool ok = false;
	struct range hyp = { o->hyp_base, o->hyp_size };

	fmt_range(s1, sizeof(s1), r->base, r->size);
	for (unsigned k = 0; k < b->nram; k++) {
		ok = ok || range_inside(r, &b->ram[k]);
	}
	if (!ok) {
		PERR("memory", "region %u %s is outside the board's RAM", i, s1);
	}
	if (ranges_overlap(r, &hyp)) {
		PERR("memory", "region %u %s overlaps the hypervisor (%s, --hyp-base/--hyp-size)",
		     i, s1, fmt_range(s2, sizeof(s2), hyp.base, hyp.size));
		ok = false;
	}
	for (unsigned d = 0; d < b->ndevs; d++) {
		for (unsigned k = 0; k < b->devs[d].nregs; k++) {
			const struct range *dr = &b->devs[d].regs[k];
			if (ranges_overlap(r, dr)) {
				PERR("memory", "region %u %s overlaps board device %s (%s)", i, s1,
				     b->devs[d].path, fmt_range(s2, sizeof(s2), dr->base, dr->size));
				ok = false;
			}
		}
	}
	for (unsigned k = 0; k < b->nrsv; k++) {
		if (ranges_overlap(r, &b->rsv[k])) {
			PERR("memory", "region %u %s overlaps memory the board reserves (%s)", i, s1,
			     fmt_range(s2, sizeof(s2), b->rsv[k].base, b->rsv[k].size));
			ok = false;
		}
	}
	for (unsigned k = 0; k < p->nmem; k++) {
		if (ranges_overlap(r, &p->mem[k])) {
			PERR("memory", "region %u %s overlaps another region of this partition (%s)",
			     i, s1, fmt_range(s2, sizeof(s2), p->mem[k].base, p->mem[k].size));
			ok = false;
		}
	}
	return ok;
}

static bool ipa_ok(struct config *c, struct part *p, unsigned i, uint64_t ipa,
		   uint64_t size, bool explicit_ipa)
{
	char s1[48], s2[48];
	uint64_t end;

	if (ipa % BHCFG_PAGE != 0) {
		PERR("ipa", "region %u IPA 0x%llx is not 4 KiB aligned", i, (unsigned long long)ipa);
		return false;
	}
	if (!range_end(ipa, size, &end) || end > BHCFG_IPA_LIMIT) {
		PERR("ipa", "region %u IPA 0x%llx + 0x%llx is beyond the 39-bit IPA space", i,
		     (unsigned long long)ipa, (unsigned long long)size);
		return false;
	}
	struct range r = { ipa, size };
	/* Identity-mapped regions were already checked for overlap as PAs. */
	for (unsigned k = 0; explicit_ipa && k < p->nmem; k++) {
		struct range q = { p->ipa[k], p->mem[k].size };
		if (ranges_overlap(&r, &q)) {
			PERR("ipa", "region %u IPA range %s overlaps the IPA range of another region (%s)",
			     i, fmt_range(s1, sizeof(s1), ipa, size),
			     fmt_range(s2, sizeof(s2), q.base, q.size));
			return false;
		}
	}
	return true;
}

static void parse_memory(struct config *c, struct part *p, const struct board *b,
			 const struct options *o)
{
	int len = 0, ilen = 0;
	const uint8_t *m = fdt_getprop(c->fdt, p->node, "memory", &len);
	const uint8_t *ipa = fdt_getprop(c->fdt, p->node, "ipa", &ilen);

	if (m == NULL) {
		PERR("memory", "required property is missing");
		return;
	}
	if (len == 0 || len % 16 != 0) {
		PERR("memory", "length %d is not a non-zero multiple of 16 (<addr64 size64> pairs)", len);
		return;
	}
	unsigned n = (unsigned)len / 16;
	if (n > BH_CFG_MAX_REGIONS) {
		PERR("memory", "%u regions, more than %u", n, BH_CFG_MAX_REGIONS);
		return;
	}
	if (ipa != NULL && (unsigned)ilen != n * 8) {
		PERR("ipa", "length %d does not match %u memory region(s) (one addr64 each)", ilen, n);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct range r = { read_cells(m + i * 16, 2), read_cells(m + i * 16 + 8, 2) };
		uint64_t end;
		if (r.size == 0) {
			PERR("memory", "region %u at 0x%llx is zero-sized", i, (unsigned long long)r.base);
			continue;
		}
		if (r.base % BHCFG_PAGE != 0 || r.size % BHCFG_PAGE != 0) {
			PERR("memory", "region %u (0x%llx + 0x%llx) is not 4 KiB aligned", i,
			     (unsigned long long)r.base, (unsigned long long)r.size);
			continue;
		}
		if (!range_end(r.base, r.size, &end)) {
			PERR("memory", "region %u (0x%llx + 0x%llx) %s: outside the board's RAM",
			     i, (unsigned long long)r.base, (unsigned long long)r.size,
			     range_end_why(r.base, r.size));
			continue;
		}
		bool ok = memory_region_ok(c, p, b, o, i, &r);
		uint64_t ia = ipa != NULL ? read_cells(ipa + i * 8, 2) : r.base;
		ok = ipa_ok(c, p, i, ia, r.size, ipa != NULL) && ok;
		if (ok) {
			p->mem[p->nmem] = r;
			p->ipa[p->nmem] = ia;
			p->nmem++;
		}
	}
}

/* An image file (kernel, initrd): a relative path, looked up by place.c in
 * the configuration's own folder, then in the --images directories. Absolute
 * paths and ".." are refused so that a configuration names files below those
 * folders only (docs/configuration.md, "Where image files are found"). */
static const char *parse_image_file(struct config *c, struct part *p, const char *prop,
				    bool required)
{
	const char *k = NULL;
	enum prop_state st = prop_str(c->fdt, p->node, prop, &k);

	if (st == PROP_ABSENT) {
		if (required) {
			PERR(prop, "required property is missing");
		}
		return NULL;
	}
	if (st == PROP_BAD || k[0] == '\0') {
		PERR(prop, "must be a single non-empty string");
		return NULL;
	}
	if (k[0] == '/' || strcmp(k, "..") == 0 || strncmp(k, "../", 3) == 0 ||
	    strstr(k, "/../") != NULL ||
	    (strlen(k) >= 3 && strcmp(k + strlen(k) - 3, "/..") == 0)) {
		PERR(prop, "\"%s\" must be a path relative to the configuration's folder or an image folder, without \"..\"", k);
		return NULL;
	}
	if (!path_quotable(k)) {
		PERR(prop, "the file name contains quotes, backslashes or control characters");
		return NULL;
	}
	return k;
}

static void parse_dtb_ipa(struct config *c, struct part *p)
{
	int len = 0;
	const fdt32_t *v = fdt_getprop(c->fdt, p->node, "dtb-ipa", &len);

	if (v == NULL) {
		return;
	}
	if (len != 8) {
		PERR("dtb-ipa", "must be one 64-bit address (<hi lo>)");
		return;
	}
	uint64_t ipa = ((uint64_t)fdt32_to_cpu(v[0]) << 32) | fdt32_to_cpu(v[1]);
	if ((ipa & 7u) != 0) {
		/* Documentation/arch/arm64/booting.rst: the DTB is 8-byte aligned. */
		PERR("dtb-ipa", "0x%llx is not 8-byte aligned", (unsigned long long)ipa);
		return;
	}
	p->dtb_ipa = ipa;
	p->has_dtb_ipa = true;
}

static void parse_choice(struct config *c, struct part *p, const char *name,
			 const char *const *words, const uint32_t *values, size_t n,
			 uint32_t *out)
{
	const char *s = NULL;
	enum prop_state st = prop_str(c->fdt, p->node, name, &s);

	if (st == PROP_ABSENT) {
		return; /* *out holds the default */
	}
	if (st == PROP_BAD) {
		PERR(name, "must be a single string");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = values[i];
			return;
		}
	}
	PERR(name, "unknown value \"%s\"", s);
}

/* partition@N: N, in hex as unit addresses are, is the partition's id, its
 * position among the partition nodes. A number that disagrees would let the
 * reader believe a partition has an id (VMID, table index) it does not. */
static void check_unit_address(struct config *c, struct part *p)
{
	char want[16];
	const char *name = fdt_get_name(c->fdt, p->node, NULL);
	const char *at = name == NULL ? NULL : strchr(name, '@');
	unsigned id = (unsigned)(p - c->parts);

	if (at == NULL) {
		return; /* a bare "partition": nothing to compare */
	}
	snprintf(want, sizeof(want), "%x", id);
	if (strcmp(at + 1, want) != 0) {
		PERR(NULL, "the unit address must be the partition's position among the partition nodes, counted from 0 in hex: name it partition@%s",
		     want);
	}
}

static void parse_partition(struct config *c, struct part *p, const struct board *b,
			    const struct options *o)
{
	static const char *const faults[] = { "log", "halt", "restart" };
	static const uint32_t fault_v[] = { BH_FAULT_LOG, BH_FAULT_HALT, BH_FAULT_RESTART };
	static const char *const deliv[] = { "virtual", "direct" };
	static const uint32_t deliv_v[] = { BH_IRQ_VIRTUAL, BH_IRQ_DIRECT };
	static const char *const cons[] = { "emulated", "none", "passthrough" };
	static const uint32_t cons_v[] = { 1, 0, 2 };
	unsigned before = bh_errors;
	int prop, sub;
	const char *bootargs = NULL;

	node_path(c->fdt, p->node, p->where, sizeof(p->where));
	check_unit_address(c, p);
	parse_label(c, p);
	fdt_for_each_property_offset(prop, c->fdt, p->node) {
		const char *name = NULL;
		int len = 0;
		bool known = false;
		if (fdt_getprop_by_offset(c->fdt, prop, &name, &len) == NULL || name == NULL) {
			PERR(NULL, "unreadable property");
			continue;
		}
		for (size_t i = 0; i < sizeof(part_props) / sizeof(part_props[0]); i++) {
			known = known || strcmp(name, part_props[i]) == 0;
		}
		if (!known) {
			PERR(name, "unknown property");
		}
	}
	fdt_for_each_subnode(sub, c->fdt, p->node) {
		const char *name = fdt_get_name(c->fdt, sub, NULL);
		PERR(NULL, "unexpected subnode \"%s\"", name == NULL ? "?" : name);
	}
	parse_cpus(c, p, b, o);
	parse_memory(c, p, b, o);
	parse_devices(c, p, b);
	parse_dma_trusted(c, p, b);
	p->kernel = parse_image_file(c, p, "kernel", true);
	p->initrd = parse_image_file(c, p, "initrd", false);
	parse_dtb_ipa(c, p);
	enum prop_state st = prop_str(c->fdt, p->node, "bootargs", &bootargs);
	if (st == PROP_BAD) {
		PERR("bootargs", "must be a single string");
	} else if (st == PROP_OK && strlen(bootargs) >= BH_CFG_BOOTARGS_LEN) {
		PERR("bootargs", "longer than %u characters", BH_CFG_BOOTARGS_LEN - 1);
	} else if (st == PROP_OK) {
		p->bootargs = bootargs;
	}
	uint32_t console = 1;
	p->fault_policy = BH_FAULT_HALT;
	p->irq_delivery = BH_IRQ_VIRTUAL;
	parse_choice(c, p, "on-fault", faults, fault_v, 3, &p->fault_policy);
	parse_choice(c, p, "irq-delivery", deliv, deliv_v, 2, &p->irq_delivery);
	parse_choice(c, p, "console", cons, cons_v, 3, &console);
	p->console = console == 1;
	if (console == 2) {
		pass_uart(c, p, b);
	}
	/* console-focus: an empty property, the partition whose console takes
	 * input first (core/console_mux.c; else the first emulated console). */
	int flen = 0;
	if (fdt_getprop(c->fdt, p->node, "console-focus", &flen) != NULL) {
		if (flen != 0) {
			PERR("console-focus", "takes no value (write \"console-focus;\")");
		} else if (!p->console) {
			PERR("console-focus", "needs console = \"emulated\": input goes to an emulated console");
		} else {
			p->console_focus = true;
		}
	}
	parse_watchdog(c, p, b);
	p->ok = bh_errors == before;
}

static void config_name(struct config *c)
{
	const char *base = strrchr(c->file, '/');
	size_t n;

	base = base == NULL ? c->file : base + 1;
	n = strlen(base);
	if (n > 4 && (strcmp(base + n - 4, ".dts") == 0 || strcmp(base + n - 4, ".dtb") == 0)) {
		n -= 4;
	}
	if (n == 0 || n >= BH_CFG_NAME_LEN) {
		report(c->file, NULL, NULL, "the file name must give a configuration name of 1..%u characters",
		       BH_CFG_NAME_LEN - 1);
		return;
	}
	memcpy(c->name, base, n);
	c->name[n] = '\0';
	if (!name_ok(c->name, true)) {
		report(c->file, NULL, NULL, "the configuration name \"%s\" may only use [A-Za-z0-9._-]",
		       c->name);
		c->name[0] = '\0';
	}
}

static void parse_root(struct config *c, const struct board *b)
{
	int prop, len = 0;
	const char *board = NULL;
	const char *compat = fdt_getprop(c->fdt, 0, "compatible", &len);

	fdt_for_each_property_offset(prop, c->fdt, 0) {
		const char *name = NULL;
		int l = 0;
		if (fdt_getprop_by_offset(c->fdt, prop, &name, &l) == NULL || name == NULL) {
			report(c->file, "/", NULL, "unreadable property");
			continue;
		}
		if (strcmp(name, "compatible") != 0 && strcmp(name, "board") != 0 &&
		    strcmp(name, "on-all-stopped") != 0) {
			report(c->file, "/", name, "unknown property");
		}
	}
	if (compat == NULL || strlist_count(compat, len) < 1 ||
	    fdt_stringlist_contains(compat, len, "bulkhead,config-v1") == 0) {
		report(c->file, "/", "compatible", "expected \"bulkhead,config-v1\"");
	}
	enum prop_state st = prop_str(c->fdt, 0, "board", &board);
	if (st == PROP_ABSENT) {
		report(c->file, "/", "board", "required property is missing");
	} else if (st == PROP_BAD || !name_ok(board, false)) {
		report(c->file, "/", "board", "must be a board name ([a-z0-9_-], < %u chars)",
		       BH_CFG_NAME_LEN);
	} else if (strcmp(board, b->name) != 0) {
		report(c->file, "/", "board", "\"%s\" does not match the board file %s (board \"%s\")",
		       board, b->file, b->name);
	} else {
		snprintf(c->board, sizeof(c->board), "%s", board);
	}
	/* What the hypervisor does once no partition runs any more: power the
	 * board off (QEMU-based validation then ends by itself) or stay up. */
	const char *all = NULL;
	c->stay_up = false;
	st = prop_str(c->fdt, 0, "on-all-stopped", &all);
	if (st == PROP_BAD || (st == PROP_OK && strcmp(all, "power-off") != 0 &&
			       strcmp(all, "stay-up") != 0)) {
		report(c->file, "/", "on-all-stopped", "must be \"power-off\" (the default) or \"stay-up\"");
	} else if (st == PROP_OK) {
		c->stay_up = strcmp(all, "stay-up") == 0;
	}
}

/* Returns -1 when nothing further can be checked (unreadable file, too many
 * partitions); other errors are counted in bh_errors and parsing goes on. */
int config_load(struct config *c, const char *file, const struct board *b,
		const struct options *o)
{
	int node;

	memset(c, 0, sizeof(*c));
	c->file = file;
	config_name(c);
	if (load_fdt(file, true, &c->fdt) != 0) {
		return -1;
	}
	parse_root(c, b);
	fdt_for_each_subnode(node, c->fdt, 0) {
		const char *name = fdt_get_name(c->fdt, node, NULL);
		if (name == NULL || (strcmp(name, "partition") != 0 &&
				     strncmp(name, "partition@", 10) != 0)) {
			report(c->file, name == NULL ? "?" : name, NULL, "unknown node (expected partition@N)");
			continue;
		}
		c->nparts++;
	}
	if (c->nparts > o->max_partitions) {
		report(c->file, NULL, NULL, "%u partitions exceed --max-partitions (%u)",
		       c->nparts, o->max_partitions);
		c->nparts = 0; /* no parts[] was allocated */
		return -1;
	}
	c->parts = xcalloc(c->nparts, sizeof(*c->parts));
	unsigned i = 0;
	fdt_for_each_subnode(node, c->fdt, 0) {
		const char *name = fdt_get_name(c->fdt, node, NULL);
		if (name == NULL || (strcmp(name, "partition") != 0 &&
				     strncmp(name, "partition@", 10) != 0)) {
			continue;
		}
		c->parts[i].node = node;
		parse_partition(c, &c->parts[i], b, o);
		i++;
	}
	return 0;
}

void config_free(struct config *c)
{
	for (unsigned i = 0; c->parts != NULL && i < c->nparts; i++) {
		free(c->parts[i].kernel_path);
		free(c->parts[i].initrd_path);
		free(c->parts[i].dtb);
	}
	free(c->parts);
	free(c->fdt);
	memset(c, 0, sizeof(*c));
}
