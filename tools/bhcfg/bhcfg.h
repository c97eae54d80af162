/*
 * bhcfg: the Bulkhead configuration compiler (host tool).
 *
 * Reads a board description and a partition configuration (both device trees,
 * parsed with libfdt), checks every assignment, and writes the hypervisor's
 * tables (config_tables.c), the image packing (images.S) and one device tree
 * per partition. See docs/configuration.md for the format and the checks.
 *
 * Data flow: main.c -> board.c (board model, using nodes.c for reg and
 * interrupt decoding) -> config.c (per-partition parsing and local checks,
 * config_devices.c for its devices) -> check.c (cross-partition ownership) ->
 * place.c + emit_dtb.c (kernel placement, partition DTBs) -> emit_tables.c.
 * Every stage reports errors through report() and carries on where that is
 * safe, so one run lists every problem; nothing is written unless the error
 * count is still zero at the end.
 */
#ifndef BHCFG_H
#define BHCFG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_tables.h"

#define BHCFG_PAGE            0x1000ull
#define BHCFG_2M              0x200000ull
#define BHCFG_RAW_OFFSET      0x80000ull   /* raw binaries load at RAM IPA + this */
#define BHCFG_GICD_SIZE       0x10000ull
#define BHCFG_GICR_STRIDE     0x20000ull   /* RD_base + SGI_base frames per core */
#define BHCFG_MAX_IMAGE_DIRS  16u
#define BHCFG_MAX_PART_DEVS   32u          /* device paths in one partition */
#define BHCFG_MAX_PARTITIONS  255u         /* 8-bit VMIDs, VMID 0 is the hypervisor's */
#define BHCFG_MAX_INPUT       (16u << 20)  /* largest DTB/DTS input accepted */
#define BHCFG_DTB_MAX         (2u << 20)   /* Linux's limit for a DTB */
#define BHCFG_MAX_DEPTH       32           /* node nesting bhcfg follows */
#define BHCFG_MAX_REGS        64u          /* reg entries of one board node */
#define BHCFG_IPA_LIMIT       (1ull << 39) /* stage 2 starts at level 1: a 39-bit IPA space (arch/arm64/stage2.c) */
#define BHCFG_PATH_MAX        1024
/*
 * The GICv3 INTID map (Arm IHI 0069): SGIs 0..15, PPIs 16..31, SPIs
 * 32..1019, 1020..1023 special (never an interrupt), extended PPIs from
 * 1056, extended SPIs from 4096. The first cell of an "arm,gic-v3"
 * interrupt specifier is its type: 0 SPI, 1 PPI, 2 extended SPI, 3
 * extended PPI; an SGI has none (it is never a device's interrupt).
 */
#define BHCFG_GIC_CELLS        3u      /* <type number flags> */
#define BHCFG_IRQ_SPI          0u
#define BHCFG_IRQ_PPI          1u
#define BHCFG_IRQ_ESPI         2u
#define BHCFG_IRQ_EPPI         3u
#define BHCFG_GIC_FIRST_PPI    16u
#define BHCFG_GIC_NR_PPIS      16u
#define BHCFG_GIC_FIRST_SPI    32u
#define BHCFG_GIC_MAX_SPIS     988u    /* SPIs 0..987: INTIDs 32..1019 */
#define BHCFG_GIC_FIRST_SPECIAL 1020u  /* 1020..1023 */
#define BHCFG_GIC_NR_SPECIAL   4u
#define BHCFG_GIC_NR_INTIDS    1020u   /* SGIs, PPIs and SPIs: what a partition's tables can name */
#define BHCFG_GIC_FIRST_EPPI   1056u
#define BHCFG_GIC_FIRST_ESPI   4096u
/* Board GIC property: how many SPIs the GIC implements (GICD_TYPER.ITLinesNumber
 * says it to software, the device tree binding does not). Absent: 988. */
#define BHCFG_PROP_SPI_COUNT   "bulkhead,spi-count"
#define BHCFG_PROP_SPARE_SPIS  "bulkhead,spare-spis"
/* Board device property: the node masters DMA, with physical addresses
 * (the board has no IOMMU Bulkhead drives), so stage 2 does not stop it.
 * An empty flag; on a device or any of its subnodes. */
#define BHCFG_PROP_DMA_MASTER  "bulkhead,dma-master"
/* Room for an interrupt problem: it may quote a subnode's and the GIC's
 * paths, and a message is never shortened. */
#define BHCFG_IRQ_WHY          (2 * BHCFG_PATH_MAX + 256)
/* Default --hyp-reserve: the part of the hypervisor's range partition images
 * cannot use. 2 MiB below its text (HYP_TEXT_OFFSET, arch/arm64/include/
 * arch/layout.h) plus 1 MiB for its own code, data, translation tables and
 * stacks: 992 KiB with the default build options. An estimate: the link
 * (bulkhead.ld.S) has the last word; this lets bhcfg name the partition. */
#define BHCFG_HYP_RESERVE     0x300000ull

/* [base, base + size), size > 0 and base + size does not wrap (parsers ensure it). */
struct range {
	uint64_t base;
	uint64_t size;
};

struct options {
	const char *config;
	const char *board;
	const char *out;
	const char *image_dirs[BHCFG_MAX_IMAGE_DIRS];
	unsigned nimage_dirs;
	uint64_t hyp_base;
	uint64_t hyp_size;
	uint64_t hyp_reserve;
	unsigned max_cpus;
	unsigned max_partitions;
};

/* A board node with CPU-addressable registers. */
struct board_dev {
	int node;
	int end;                    /* subtree_end(node): its subnodes lie in (node, end) */
	char *path;
	struct range *regs;
	unsigned nregs;
	const char *reserved;       /* why the hypervisor keeps it, NULL if assignable */
	int dma_node;               /* the first node of its subtree marked
				     * bulkhead,dma-master (itself or a subnode), -1 if none */
};

/* An interrupt found under a device: its INTID and the node that lists it
 * (the device's own node or one of its subnodes). */
struct node_irq {
	uint32_t intid;
	int node;
};

struct board_cpu {
	int node;
	uint64_t mpidr;
};

struct board {
	const char *file;
	char name[BH_CFG_NAME_LEN];  /* directory holding the board file */
	void *fdt;
	unsigned ncpus;
	struct board_cpu cpus[BH_CFG_MAX_CPUS];
	struct range *ram;           /* sorted, merged */
	unsigned nram;
	struct range *rsv;           /* /memreserve/ and /reserved-memory */
	unsigned nrsv;
	struct board_dev *devs;
	unsigned ndevs;
	int gic_node;
	int gic_end;                 /* first node offset after the GIC's subtree */
	uint32_t gic_phandle;
	uint64_t gicd_base;
	struct range gicr;           /* first redistributor region */
	uint32_t gic_spis;           /* SPIs the GIC has: bulkhead,spi-count, else 988 */
	uint32_t spare_spi;          /* bulkhead,spare-spis: first SPI no device drives */
	uint32_t nspare_spis;        /* and how many (0: no emulated device interrupts) */
	int timer_node;
	int uart_node;               /* hypervisor console, -1 if none */
	int uart_end;
	struct range uart_page;      /* its registers rounded out to pages */
	bool uart_pl011;
	struct node_irq hyp_irqs[BH_CFG_MAX_IRQS]; /* SPIs of the console UART (the GIC has none) */
	unsigned nhyp_irqs;
};

struct part {
	int node;
	char where[64];              /* "partition \"alpha\"" or the node path */
	char label[BH_CFG_NAME_LEN]; /* empty if missing or invalid */
	bool ok;                     /* parsed without errors */
	unsigned ncpus;
	uint32_t cpus[BH_CFG_MAX_CPUS];
	unsigned nmem;
	struct range mem[BH_CFG_MAX_REGIONS];
	uint64_t ipa[BH_CFG_MAX_REGIONS];
	unsigned ndevs;
	unsigned devs[BHCFG_MAX_PART_DEVS]; /* indices into board.devs */
	unsigned ndma;
	unsigned dma[BHCFG_MAX_PART_DEVS];  /* dma-trusted: indices into board.devs */
	const char *kernel;
	const char *initrd;          /* NULL if none */
	bool has_dtb_ipa;            /* the configuration places the DTB itself */
	uint64_t dtb_ipa;
	const char *bootargs;
	uint32_t fault_policy;
	uint32_t irq_delivery;
	bool console;
	bool console_focus;          /* console-focus: input goes here first */
	bool console_pass;           /* console = "passthrough": the board UART is its device */
	uint64_t watchdog_ipa;       /* its emulated SP805's page, 0 if none */
	/* check.c */
	unsigned nregions;
	struct bh_region regions[BH_CFG_MAX_REGIONS];
	unsigned nirqs;
	uint32_t irqs[BH_CFG_MAX_IRQS];
	/* place.c */
	char *kernel_path;
	uint64_t kernel_size;
	uint64_t kernel_reserve;     /* bytes above kernel_load the kernel may use */
	uint64_t kernel_load;
	bool kernel_has_header;      /* an arm64 Image: its header gives the footprint */
	char *initrd_path;
	uint64_t initrd_size;
	uint64_t initrd_load;
	uint64_t dtb_load;
	/* emit_dtb.c */
	void *dtb;
	uint64_t dtb_size;
	uint64_t boot_count_off;
	uint64_t console_ipa;
	uint32_t console_intid;      /* its emulated PL011's interrupt, a spare SPI; 0 if none */
};

struct config {
	const char *file;
	char name[BH_CFG_NAME_LEN];
	char board[BH_CFG_NAME_LEN];
	void *fdt;
	struct part *parts;
	unsigned nparts;
	bool stay_up;                /* on-all-stopped = "stay-up" */
};

/* A growable text buffer; allocation failure is fatal (out_of_memory, alloc.c). */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
};

/* report.c */
extern unsigned bh_errors;
void report(const char *file, const char *where, const char *prop,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void warning(const char *file, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* alloc.c */
void out_of_memory(void);  /* says so on stderr and exits: for any failed allocation */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/* sbuf.c */
void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void sb_free(struct sbuf *sb);

/* load.c */
int load_fdt(const char *path, bool self_contained, void **out);

/* range.c */
bool range_end(uint64_t base, uint64_t size, uint64_t *end);
const char *range_end_why(uint64_t base, uint64_t size);
bool ranges_overlap(const struct range *a, const struct range *b);
bool range_inside(const struct range *inner, const struct range *outer);
struct range page_round(const struct range *r);
bool align_up(uint64_t v, uint64_t align, uint64_t *out);
const char *fmt_range(char *buf, size_t len, uint64_t base, uint64_t size);

/* tree.c */
uint64_t read_cells(const void *p, int ncells);
enum prop_state { PROP_ABSENT, PROP_OK, PROP_BAD };
enum prop_state prop_str(const void *fdt, int node, const char *name,
			 const char **out);
enum prop_state prop_u32(const void *fdt, int node, const char *name,
			 uint32_t *out);
int strlist_count(const char *p, int len);
int subtree_end(const void *fdt, int node);
int node_path(const void *fdt, int node, char *buf, int len);

/* names.c */
bool name_ok(const char *s, bool allow_upper_dot);
bool path_quotable(const char *s);

/* nodes.c */
enum xl { XL_OK, XL_UNMAPPED, XL_BAD };
int board_child_cells(const void *fdt, int node, int *ac, int *sc);
enum xl node_reg(const void *fdt, int node, struct range **out, unsigned *n,
		 char *why, size_t whylen);
enum lookup { LOOKUP_OK, LOOKUP_NONE, LOOKUP_AMBIGUOUS };
enum lookup board_lookup(const void *fdt, const char *path, int *node, struct sbuf *why);
int board_dev_irqs(const struct board *b, int node, struct node_irq *out,
		   unsigned max, unsigned *n, char *why, size_t whylen);

/* board.c */
int board_load(struct board *b, const char *file);
void board_free(struct board *b);
int board_dev_index(const struct board *b, int node);
bool board_in_gic(const struct board *b, int node);
bool board_in_uart(const struct board *b, int node);
const char *board_not_a_device(const struct board *b, int node);

/* config.c */
int config_load(struct config *c, const char *file, const struct board *b,
		const struct options *o);
void config_free(struct config *c);

/* config_devices.c: parts of config_load(), run in this order by parse_partition() */
void parse_devices(struct config *c, struct part *p, const struct board *b);      /* devices */
void parse_dma_trusted(struct config *c, struct part *p, const struct board *b);  /* dma-trusted, after devices */
void pass_uart(struct config *c, struct part *p, const struct board *b);          /* console = "passthrough" */
void parse_watchdog(struct config *c, struct part *p, const struct board *b);     /* watchdog, after memory and devices */
void config_warn_dma(const struct config *c, const struct board *b);

/* check.c */
void check_hyp_range(const struct board *b, const struct options *o);
void check_all(struct config *c, const struct board *b, const struct options *o);

/* place.c */
void place_kernel(const struct config *c, struct part *p, const struct options *o);
void place_fit(const struct config *c, struct part *p);
void check_image_room(const struct config *c, const struct options *o);
void list_inputs(struct sbuf *deps, const struct config *c, const char *target);

/* emit_dtb.c */
void emit_dtb(const struct config *c, struct part *p, const struct board *b);

/* emit_tables.c */
void emit_tables(struct sbuf *tables, struct sbuf *images,
		 const struct config *c, const struct board *b,
		 const char *outdir);
void emit_layout(struct sbuf *l, const struct config *c);
void emit_needs(struct sbuf *n, const struct config *c, const struct board *b,
		const struct options *o);

#endif /* BHCFG_H */
