/*
 * Reading the DTB with libfdt: the console PL011 (/chosen/stdout-path, else
 * the first "arm,pl011"), the GICv3, the architected timer's virtual
 * interrupt, the memory banks and /chosen/bootargs.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "kernel.h"

#define DEFAULT_PERIOD_US 1000u
#define MIN_PERIOD_US 50u

/* "interrupts" cells: <type number flags>; GIC INTID of the first few SPIs
 * and PPIs. */
#define DT_IRQ_TYPE_SPI 0u
#define DT_IRQ_TYPE_PPI 1u
#define GIC_SPI_BASE 32u
#define GIC_PPI_BASE 16u
/* The timer node lists secure, non-secure physical, virtual, hypervisor. */
#define DT_TIMER_VIRT_INDEX 2

#define GICR_DEFAULT_STRIDE 0x20000u

struct board board;


static uint64_t read_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++) {
		v = (v << 32) | fdt32_to_cpu(p[i]);
	}
	return v;
}

/* A #address-cells or #size-cells value. Read by hand: libfdt's
 * fdt_address_cells() shares an object file with its FP/SIMD-using
 * read-write helpers, which would be linked in with it. */
static int cells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p != NULL && len == 4 ? (int)fdt32_to_cpu(*p) : dflt;
}

/* Entry idx of node's "reg", in its parent's address and size cells.
 * The caller names the parent: fdt_parent_offset() walks the tree from the
 * start, twice (190,000 instructions for QEMU's UART node). */
static bool node_reg(const void *fdt, int parent, int node, int idx, uint64_t *base, uint64_t *size)
{
	int ac = cells(fdt, parent, "#address-cells", 2);
	int sc = cells(fdt, parent, "#size-cells", 1);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (reg == NULL || ac <= 0 || sc < 0 || len < (idx + 1) * (ac + sc) * 4) {
		return false;
	}
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return true;
}

/* GIC INTID of entry idx of a node's "interrupts" (three cells each). */
static uint32_t node_intid(const void *fdt, int node, int idx)
{
	int len;
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);

	if (irq == NULL || len < (idx + 1) * 12) {
		return 0;
	}
	irq += idx * 3;
	if (fdt32_to_cpu(irq[0]) == DT_IRQ_TYPE_SPI) {
		return GIC_SPI_BASE + fdt32_to_cpu(irq[1]);
	}
	if (fdt32_to_cpu(irq[0]) == DT_IRQ_TYPE_PPI) {
		return GIC_PPI_BASE + fdt32_to_cpu(irq[1]);
	}
	return 0;
}

/*
 * One pass over the structure block (fdt_next_tag) notes /chosen and the
 * nodes under the root until it meets the one /chosen's stdout-path names:
 * there it stops. The hypervisor puts /chosen and then the console first in
 * a partition's tree, so in a partition the pass reads two nodes; on QEMU's
 * own DTB (/chosen last, 32 virtio nodes before it) it reads the whole
 * tree once and finds the console among the nodes it noted. Why not
 * fdt_path_offset() for both: each lookup walks the root's children from
 * the start, comparing names; on QEMU's DTB the two cost 450,000
 * instructions before the first line, this pass about 75,000.
 */
#define EARLY_MAX_NODES 128

static int early_nodes[EARLY_MAX_NODES];
static int early_nnodes;

/* A node's name, straight after its FDT_BEGIN_NODE tag (fdt_get_name()
 * would check the offset again: 4,000 instructions a node here). */
static const char *node_name(const void *fdt, int off)
{
	return fdt_offset_ptr(fdt, off + FDT_TAGSIZE, 1);
}

/* The path part of a stdout-path value: "path:options" (the options are
 * the baud rate, not ours to set). */
static int stdout_path_len(const char *path)
{
	const char *colon = strchr(path, ':');
	return colon != NULL ? (int)(colon - path) : (int)strlen(path);
}

/* The root child a stdout-path value names ("/name" or "/name:options"),
 * as a name and length; 0 if it names something deeper or nothing. */
static int stdout_root_child(const char *path, const char **name)
{
	if (path == NULL || path[0] != '/') {
		return 0;
	}
	int len = stdout_path_len(path);
	if (len < 2 || memchr(path + 1, '/', len - 1) != NULL) {
		return 0;
	}
	*name = path + 1;
	return len - 1;
}

static bool name_is(const char *node, const char *want, int len)
{
	return node != NULL && strncmp(node, want, len) == 0 && node[len] == '\0';
}

/* The noted root child called want, or -FDT_ERR_NOTFOUND. */
static int noted_node(const void *fdt, const char *want, int want_len)
{
	for (int i = 0; want_len != 0 && i < early_nnodes; i++) {
		if (name_is(node_name(fdt, early_nodes[i]), want, want_len)) {
			return early_nodes[i];
		}
	}
	return -FDT_ERR_NOTFOUND;
}

/* /chosen's offset (or an error). /chosen's stdout-path and bootargs are
 * read as the pass steps over them (*bootargs: NULL if absent); *uart gets
 * the stdout-path node if it is a child of the root, else stays negative. */
static int early_scan(const void *fdt, int *uart, const char **bootargs)
{
	int off = 0;
	int next;
	int depth = -1;
	int chosen = -FDT_ERR_NOTFOUND;
	bool in_chosen = false;
	const char *want = NULL;
	int want_len = 0;
	uint32_t tag;

	early_nnodes = 0;
	do {
		tag = fdt_next_tag(fdt, off, &next);
		if (tag == FDT_BEGIN_NODE) {
			depth++;
			if (depth == 1) {
				const char *name = node_name(fdt, off);
				if (want_len != 0 && name_is(name, want, want_len)) {
					*uart = off;
					return chosen;
				}
				in_chosen = name != NULL && strcmp(name, "chosen") == 0;
				if (in_chosen) {
					chosen = off;
				}
				if (early_nnodes < EARLY_MAX_NODES) {
					early_nodes[early_nnodes++] = off;
				}
			}
		} else if (tag == FDT_PROP && depth == 1 && in_chosen) {
			const char *pname = NULL;
			const char *val = fdt_getprop_by_offset(fdt, off, &pname, NULL);
			if (val != NULL && pname != NULL && strcmp(pname, "stdout-path") == 0) {
				want_len = stdout_root_child(val, &want);
			} else if (val != NULL && pname != NULL && strcmp(pname, "bootargs") == 0) {
				*bootargs = val;
			}
		} else if (tag == FDT_END_NODE) {
			if (depth == 1 && in_chosen) {
				/* /chosen after the console (QEMU's own tree). */
				in_chosen = false;
				int node = noted_node(fdt, want, want_len);
				if (node >= 0) {
					*uart = node;
					return chosen;
				}
			}
			depth--;
		}
		off = next;
	} while (tag != FDT_END && next >= 0);
	return chosen;
}

/* The console's node when the early pass did not find it: libfdt's full
 * path lookup of stdout-path, or failing that the first PL011. *parent
 * gets its parent's offset. */
static int find_uart(const void *fdt, int chosen, int *parent)
{
	const char *path = NULL;
	int node;

	if (chosen >= 0) {
		path = fdt_getprop(fdt, chosen, "stdout-path", NULL);
	}
	if (path != NULL) {
		node = fdt_path_offset_namelen(fdt, path, stdout_path_len(path));
		if (node >= 0) {
			*parent = fdt_parent_offset(fdt, node);
			return node;
		}
	}
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	*parent = node >= 0 ? fdt_parent_offset(fdt, node) : node;
	return node;
}

static void parse_bootargs(const char *args)
{
	const char *p = args;

	while (p != NULL && *p != '\0') {
		size_t n;
		while (*p == ' ') {
			p++;
		}
		n = strcspn(p, " ");
		if (n > 5 && strncmp(p, "name=", 5) == 0) {
			size_t l = n - 5 < BOARD_NAME_MAX - 1 ? n - 5 : BOARD_NAME_MAX - 1;
			memcpy(board.name, p + 5, l);
			board.name[l] = '\0';
		} else if (n > 7 && strncmp(p, "period=", 7) == 0) {
			unsigned long us = strtoul(p + 7, NULL, 10);
			if (us >= MIN_PERIOD_US && us <= 1000000u) {
				board.period_us = (uint32_t)us;
			}
		} else if (n > 9 && strncmp(p, "counters=", 9) == 0) {
			board.counters_s = (uint32_t)strtoul(p + 9, NULL, 10);
		} else if (n == 5 && strncmp(p, "quiet", 5) == 0) {
			board.quiet = true;
		} else if (n == 10 && strncmp(p, "overflow=1", 10) == 0) {
			board.overflow = true;
		}
		p += n;
	}
}

void board_early(const void *fdt)
{
	int node;
	int parent = -1;
	int chosen;
	const char *bootargs = NULL;
	uint64_t base;
	uint64_t size;

	strcpy(board.name, "rtos");
	board.period_us = DEFAULT_PERIOD_US;
	board.vtimer_intid = BOARD_DEFAULT_VTIMER_INTID;
	if (fdt == NULL || fdt_check_header(fdt) != 0) {
		return;
	}
	board.fdt = fdt;
	node = -FDT_ERR_NOTFOUND;
	chosen = early_scan(fdt, &node, &bootargs);
	if (node >= 0) {
		parent = 0;
	} else {
		node = find_uart(fdt, chosen, &parent);
	}
	if (node >= 0 && node_reg(fdt, parent, node, 0, &base, &size)) {
		board.uart = (uintptr_t)base;
		board.uart_intid = node_intid(fdt, node, 0);
	}
	if (bootargs != NULL) {
		parse_bootargs(bootargs);
	}
}

bool board_probe(void)
{
	const void *fdt = board.fdt;
	int node;
	int parent;
	uint64_t base;
	uint64_t size;

	if (fdt == NULL) {
		console_raw("rtos: no valid DTB at entry; halted\n");
		return false;
	}
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	parent = node >= 0 ? fdt_parent_offset(fdt, node) : node;
	if (node < 0 || !node_reg(fdt, parent, node, 0, &base, &size)) {
		console_raw("rtos: no GICv3 in the DTB; halted\n");
		return false;
	}
	board.gicd = (uintptr_t)base;
	if (!node_reg(fdt, parent, node, 1, &base, &size)) {
		console_raw("rtos: the GICv3 node has no redistributor region; halted\n");
		return false;
	}
	board.gicr = (uintptr_t)base;
	board.gicr_size = size;
	{
		int len;
		const fdt32_t *stride = fdt_getprop(fdt, node, "redistributor-stride", &len);
		board.gicr_stride = stride != NULL && len == 8 ? read_cells(stride, 2)
							       : GICR_DEFAULT_STRIDE;
	}
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	if (node >= 0) {
		uint32_t intid = node_intid(fdt, node, DT_TIMER_VIRT_INDEX);
		if (intid != 0) {
			board.vtimer_intid = intid;
		}
	}
	board.nmem = 0;
	for (node = fdt_first_subnode(fdt, 0); node >= 0; node = fdt_next_subnode(fdt, node)) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		int i;
		if (type == NULL || strcmp(type, "memory") != 0) {
			continue;
		}
		for (i = 0; board.nmem < BOARD_MAX_MEM && node_reg(fdt, 0, node, i, &base, &size); i++) {
			board.mem[board.nmem].base = base;
			board.mem[board.nmem].size = size;
			board.nmem++;
		}
	}
	if (board.nmem == 0) {
		console_raw("rtos: no memory in the DTB; halted\n");
		return false;
	}
	return true;
}
