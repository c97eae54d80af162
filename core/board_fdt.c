/*
 * Reading the board DTB with the distribution's libfdt. Runs on the boot core
 * only, before partitions start. Every property is length-checked: the DTB
 * comes from outside the hypervisor (firmware or QEMU).
 */
#include <libfdt.h>

#include "board.h"
#include "bh_string.h"
#include "log.h"

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

static void copy_str(char *dst, unsigned int len, const char *src, int srclen)
{
	unsigned int n = 0;
	if (len == 0) {
		return;
	}
	while (n + 1 < len && (int)n < srclen && src[n] != '\0') {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
}

static int probe_cpus(const void *fdt, int cpus, struct board_info *b)
{
	int ac = fdt_address_cells(fdt, cpus);
	if (ac < 1 || ac > 2) {
		LOG_ERROR("device tree: /cpus has #address-cells %d, expected 1 or 2", ac);
		return -1;
	}
	int node;
	fdt_for_each_subnode(node, fdt, cpus) {
		int len;
		/* The node name first: it is far cheaper than a property lookup,
		 * and boot time is a product figure (docs/benchmarks.md). */
		const char *name = fdt_get_name(fdt, node, &len);
		if (name == NULL || len < 3 || strncmp(name, "cpu", 3) != 0) {
			continue;
		}
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (type == NULL || len < 4 || strncmp(type, "cpu", (size_t)len) != 0) {
			continue;
		}
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (reg == NULL || len < ac * 4) {
			LOG_ERROR("device tree: %s has no valid reg", fdt_get_name(fdt, node, NULL));
			return -1;
		}
		if (b->ncpus_described < CONFIG_MAX_CORES) {
			b->mpidr[b->ncpus_described] = read_cells(reg, ac);
		}
		b->ncpus_described++;
	}
	b->ncpus = b->ncpus_described < CONFIG_MAX_CORES ? b->ncpus_described : CONFIG_MAX_CORES;
	return 0;
}

static void probe_memory(const void *fdt, int node, int ac, int sc, struct board_info *b)
{
	int len;
	const char *type = fdt_getprop(fdt, node, "device_type", &len);
	if (type == NULL || len < 7 || strncmp(type, "memory", (size_t)len) != 0) {
		return;
	}
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	int entry = (ac + sc) * 4;
	if (reg == NULL || len < entry) {
		return;
	}
	for (int off = 0; off + entry <= len && b->nram < BOARD_MAX_RAM_REGIONS; off += entry) {
		const fdt32_t *e = reg + off / 4;
		b->ram[b->nram].base = read_cells(e, ac);
		b->ram[b->nram].size = read_cells(e + ac, sc);
		if (b->ram[b->nram].size != 0) {
			b->nram++;
		}
	}
}

static int name_is(const char *name, int len, const char *want)
{
	int n = (int)strlen(want);
	/* "want" or "want@unit" */
	return len >= n && strncmp(name, want, (size_t)n) == 0 && (len == n || name[n] == '@');
}

#define WANT_CPUS       (1u << 0)
#define WANT_MEMORY     (1u << 1)
#define WANT_CHOSEN     (1u << 2)

/*
 * One walk over the root's children answers every question. libfdt checks
 * every byte it steps over, so a walk of QEMU's board tree costs about
 * 150,000 instructions: walking it once instead of once per question
 * (/cpus, memory, /chosen) is most of the hypervisor's boot time. For the
 * same reason the GIC's frames come from the platform port (plat.h), not from
 * a search of the tree; its version is read from the GIC itself.
 *
 * The walk stops as soon as it has what was asked for; memory banks are
 * taken from consecutive memory nodes (the usual layout).
 */
static int walk(const void *fdt, struct board_info *b, unsigned int want, unsigned int *found)
{
	memset(b, 0, sizeof(*b));
	*found = 0;
	if (fdt_check_header(fdt) != 0) {
		LOG_ERROR("device tree: bad header");
		return -1;
	}
	int ac = fdt_address_cells(fdt, 0);
	int sc = fdt_size_cells(fdt, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		LOG_ERROR("device tree: root #address-cells/#size-cells %d/%d unsupported", ac, sc);
		return -1;
	}
	int len;
	int node;
	fdt_for_each_subnode(node, fdt, 0) {
		const char *name = fdt_get_name(fdt, node, &len);
		if (name == NULL) {
			continue;
		}
		if (name_is(name, len, "memory")) {
			probe_memory(fdt, node, ac, sc, b);
			if (b->nram > 0) {
				*found |= WANT_MEMORY;
			}
			continue;
		}
		if ((*found & want) == want) {
			break;
		}
		if ((want & WANT_CPUS) && name_is(name, len, "cpus")) {
			*found |= WANT_CPUS;
			if (probe_cpus(fdt, node, b) != 0) {
				return -1;
			}
		} else if ((want & WANT_CHOSEN) && name_is(name, len, "chosen")) {
			*found |= WANT_CHOSEN;
			const char *args = fdt_getprop(fdt, node, "bootargs", &len);
			if (args != NULL && len > 0) {
				copy_str(b->bootargs, sizeof(b->bootargs), args, len);
			}
		}
	}
	if ((want & WANT_CPUS) && !(*found & WANT_CPUS)) {
		LOG_ERROR("device tree: no /cpus node");
		return -1;
	}
	if ((want & WANT_CPUS) && b->ncpus == 0) {
		LOG_ERROR("device tree: /cpus lists no cpu");
		return -1;
	}
	if (b->nram == 0) {
		LOG_ERROR("device tree: no memory node");
		return -1;
	}
	return 0;
}

int board_probe(const void *fdt, struct board_info *b)
{
	unsigned int found;
	return walk(fdt, b, WANT_CPUS | WANT_MEMORY | WANT_CHOSEN, &found);
}

int board_probe_memory(const void *fdt, struct board_info *b, int with_bootargs)
{
	unsigned int found;
	return walk(fdt, b, WANT_MEMORY | (with_bootargs ? WANT_CHOSEN : 0u), &found);
}

int board_bootarg(const struct board_info *b, const char *key, char *out, unsigned int outlen)
{
	size_t klen = strlen(key);
	const char *p = b->bootargs;

	while (*p != '\0') {
		while (*p == ' ') {
			p++;
		}
		const char *tok = p;
		while (*p != '\0' && *p != ' ') {
			p++;
		}
		if ((size_t)(p - tok) >= klen && strncmp(tok, key, klen) == 0 &&
		    (tok[klen] == '=' || tok + klen == p)) {
			const char *v = tok[klen] == '=' ? tok + klen + 1 : p;
			copy_str(out, outlen, v, (int)(p - v));
			return 1;
		}
	}
	return 0;
}
