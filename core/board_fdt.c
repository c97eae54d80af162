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

static int probe_cpus(const void *fdt, struct board_info *b)
{
	int cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0) {
		LOG_ERROR("device tree: no /cpus node");
		return -1;
	}
	int ac = fdt_address_cells(fdt, cpus);
	if (ac < 1 || ac > 2) {
		LOG_ERROR("device tree: /cpus has #address-cells %d, expected 1 or 2", ac);
		return -1;
	}
	int node;
	fdt_for_each_subnode(node, fdt, cpus) {
		int len;
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
	if (b->ncpus == 0) {
		LOG_ERROR("device tree: /cpus lists no cpu");
		return -1;
	}
	return 0;
}

static int probe_memory(const void *fdt, struct board_info *b)
{
	int ac = fdt_address_cells(fdt, 0);
	int sc = fdt_size_cells(fdt, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		LOG_ERROR("device tree: root #address-cells/#size-cells %d/%d unsupported", ac, sc);
		return -1;
	}
	int node;
	fdt_for_each_subnode(node, fdt, 0) {
		int len;
		const char *type = fdt_getprop(fdt, node, "device_type", &len);
		if (type == NULL || len < 7 || strncmp(type, "memory", (size_t)len) != 0) {
			continue;
		}
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int entry = (ac + sc) * 4;
		if (reg == NULL || len < entry) {
			continue;
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
	if (b->nram == 0) {
		LOG_ERROR("device tree: no memory node");
		return -1;
	}
	return 0;
}

static void probe_gic(const void *fdt, struct board_info *b)
{
	static const char *const compat[] = {
		"arm,gic-v3", "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
	};
	for (unsigned int i = 0; i < sizeof(compat) / sizeof(compat[0]); i++) {
		int node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
		if (node < 0) {
			continue;
		}
		copy_str(b->gic_compatible, sizeof(b->gic_compatible), compat[i], BOARD_COMPAT_LEN);
		int parent = fdt_parent_offset(fdt, node);
		int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 2;
		if (reg != NULL && ac >= 1 && ac <= 2 && len >= ac * 4) {
			b->gicd_base = read_cells(reg, ac);
		}
		/* GICv3: the second reg entry is the first redistributor region. */
		if (reg != NULL && ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2 &&
		    len >= (2 * ac + sc) * 4) {
			b->gicr_base = read_cells(reg + ac + sc, ac);
		}
		return;
	}
}

int board_probe(const void *fdt, struct board_info *b)
{
	memset(b, 0, sizeof(*b));
	if (fdt_check_header(fdt) != 0) {
		LOG_ERROR("device tree: bad header");
		return -1;
	}
	if (probe_cpus(fdt, b) != 0 || probe_memory(fdt, b) != 0) {
		return -1;
	}
	probe_gic(fdt, b);
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen >= 0) {
		int len;
		const char *args = fdt_getprop(fdt, chosen, "bootargs", &len);
		if (args != NULL && len > 0) {
			copy_str(b->bootargs, sizeof(b->bootargs), args, len);
		}
	}
	return 0;
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
