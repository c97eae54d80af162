/*
 * The physical GICv3 as the hypervisor drives it: its own SGIs and
 * maintenance interrupt, and raw register access for the vGIC.
 *
 * Affinity routing is on (GICD_CTLR.ARE_NS). The hypervisor's own
 * interrupts (its request SGI, the maintenance interrupt) are Group 0 at the
 * highest priority, signalled as FIQ; with HCR_EL2.FMO set on every core
 * while a partition runs, they are taken to EL2 whatever the partition
 * masks, in both delivery modes: that is what makes stop and restart
 * requests reliable, and what leaves Group 1 to a direct-mode partition
 * (DESIGN.md, "Interrupts"). This needs GICD_CTLR.DS = 1 (no secure
 * firmware owning Group 0), as on QEMU virt; docs/porting.md says what a
 * board with DS = 0 needs instead. Partitions' interrupts are Group 1.
 * EL2 runs with interrupts masked and looks for requests when it idles, so
 * no interrupt ever nests in a trap handler.
 */
#include "arch/gicv3.h"
#include "arch/sysreg.h"
#include "check.h"
#include "config.h"
#include "gic_hw.h"

/* Distributor (GICD) registers. */
#define GICD_CTLR               0x0000u
#define GICD_CTLR_RWP           (1u << 31)
#define GICD_CTLR_ARE_NS        (1u << 4)
#define GICD_CTLR_ENABLE_G1NS   (1u << 1)
#define GICD_CTLR_ENABLE_G0     (1u << 0)

/* Redistributor frames: RD_base, then SGI_base 64 KiB above it. */
#define GICR_FRAME_SIZE         0x20000u
#define GICR_SGI_OFFSET         0x10000u
#define GICR_TYPER              0x0008u
#define GICR_TYPER_LAST         (1UL << 4)
#define GICR_TYPER_AFF_SHIFT    32
#define GICR_WAKER              0x0014u
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_IGROUPR0           0x0080u
#define GICR_ISENABLER0         0x0100u
#define GICR_ICENABLER0         0x0180u
#define GICR_IPRIORITYR(n)      (0x0400u + (n))

/* ICC_SRE_EL2 */
#define ICC_SRE_EL2_SRE         (1UL << 0)
#define ICC_SRE_EL2_ENABLE      (1UL << 3)
/* ICC_SGI1R_EL1 */
#define ICC_SGI1R_TARGETS_MASK  0xffffUL
#define ICC_SGI1R_AFF1_SHIFT    16
#define ICC_SGI1R_INTID_SHIFT   24
#define ICC_SGI1R_AFF2_SHIFT    32
#define ICC_SGI1R_RS_SHIFT      44
#define ICC_SGI1R_AFF3_SHIFT    48

/* Distributor registers of one SPI (IHI 0069, 12.9). */
#define GICD_IGROUPR(n)         (0x0080u + 4u * (n))
#define GICD_ISENABLER(n)       (0x0100u + 4u * (n))
#define GICD_ICENABLER(n)       (0x0180u + 4u * (n))
#define GICD_ICPENDR(n)         (0x0280u + 4u * (n))
#define GICD_IPRIORITYR(n)      (0x0400u + (n))
#define GICD_ICFGR(n)           (0x0c00u + 4u * (n))
#define GICD_ICFGR_EDGE         2u          /* Int_config[1] of a 2-bit field */
#define GICD_IGRPMODR(n)        (0x0d00u + 4u * (n))
#define GICD_IROUTER(n)         (0x6000u + 8u * (n))
#define GICD_IROUTER_AFF3_SHIFT 32

#define GIC_PRIO_HYP            0x00u
#define GIC_PRIO_MASK_NONE      0xffu
#define GIC_WAIT_LIMIT          1000000u

static uint64_t gicd;
static uint64_t gicr;
static uint8_t cpu_ready[CONFIG_MAX_CORES];
/* Each core's RD_base, found by affinity at its own set-up; 0 until then. */
static uint64_t rd_base[CONFIG_MAX_CORES];

int gicv3_ready(void)
{
	unsigned int core = (unsigned int)read_sysreg(tpidr_el2);
	return core < CONFIG_MAX_CORES && cpu_ready[core] != 0;
}

static inline uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}

static inline uint64_t rd64(uint64_t a)
{
	return *(volatile uint64_t *)(uintptr_t)a;
}

static inline void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}

static inline void wr8(uint64_t a, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)a = v;
}

static inline void wr64(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)a = v;
}

/* ---- raw access for the vGIC (core/include/gic_hw.h) ---------------------- */

uint32_t arch_gicd_read32(uint32_t off)
{
	return rd32(gicd + off);
}

void arch_gicd_write32(uint32_t off, uint32_t v)
{
	wr32(gicd + off, v);
}

void arch_gicd_write8(uint32_t off, uint8_t v)
{
	wr8(gicd + off, v);
}

void arch_gicd_write64(uint32_t off, uint64_t v)
{
	wr64(gicd + off, v);
}

static uint64_t core_rd(unsigned int core)
{
	CHECK(core < CONFIG_MAX_CORES && rd_base[core] != 0,
	      "no redistributor known for core %u", core);
	return rd_base[core];
}

uint32_t arch_gicr_read32(unsigned int core, uint32_t off)
{
	return rd32(core_rd(core) + off);
}

void arch_gicr_write32(unsigned int core, uint32_t off, uint32_t v)
{
	wr32(core_rd(core) + off, v);
}

void arch_gicr_write8(unsigned int core, uint32_t off, uint8_t v)
{
	wr8(core_rd(core) + off, v);
}

void gicv3_init_dist(uint64_t gicd_base, uint64_t gicr_base)
{
	gicd = gicd_base;
	gicr = gicr_base;
	/* Partitions' SPIs stay disabled until a partition owning them starts
	 * (core/vgic.c). Affinity routing, Group 0 (ours) and Group 1 (theirs). */
	wr32(gicd + GICD_CTLR, rd32(gicd + GICD_CTLR) | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1NS |
	     GICD_CTLR_ENABLE_G0);
	uint32_t spins = 0;
	while ((rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP) != 0 && spins < GIC_WAIT_LIMIT) {
		spins++;
	}
	CHECK(spins < GIC_WAIT_LIMIT, "GICD_CTLR.RWP never cleared");
}

/* The redistributor whose GICR_TYPER affinity matches this core. */
static uint64_t find_redistributor(uint64_t mpidr)
{
	uint64_t aff = ((mpidr >> MPIDR_AFF3_SHIFT) & 0xff) << 24 |
		       ((mpidr >> MPIDR_AFF2_SHIFT) & 0xff) << 16 |
		       ((mpidr >> MPIDR_AFF1_SHIFT) & 0xff) << 8 | (mpidr & 0xff);
	for (unsigned int i = 0; i < 256u; i++) {
		uint64_t frame = gicr + (uint64_t)i * GICR_FRAME_SIZE;
		uint64_t typer = rd64(frame + GICR_TYPER);
		if ((typer >> GICR_TYPER_AFF_SHIFT) == aff) {
			return frame;
		}
		if (typer & GICR_TYPER_LAST) {
			break;
		}
	}
	return 0;
}

void gicv3_init_cpu(unsigned int core)
{
	uint64_t mpidr = read_sysreg(mpidr_el1) & MPIDR_AFFINITY_MASK;
	uint64_t rd = find_redistributor(mpidr);
	CHECK(rd != 0, "core %u: no GICv3 redistributor for MPIDR 0x%lx", core, mpidr);
	if (core < CONFIG_MAX_CORES) {
		rd_base[core] = rd;
	}

	/* Wake the redistributor (IHI 0069, 12.11.42 GICR_WAKER). */
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	uint32_t spins = 0;
	while ((rd32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP) != 0 && spins < GIC_WAIT_LIMIT) {
		spins++;
	}
	CHECK(spins < GIC_WAIT_LIMIT, "core %u: redistributor did not wake", core);

	uint64_t sgi = rd + GICR_SGI_OFFSET;
	/* The partition's private interrupts start disabled, Group 1, until
	 * it enables them through its emulated redistributor; ours are Group 0. */
	uint32_t hyp = (1u << GIC_SGI_REQUEST) | (1u << GIC_PPI_MAINTENANCE) |
		       (1u << GIC_PPI_HYP_TIMER);
	wr32(sgi + GICR_ICENABLER0, GIC_GUEST_PRIVATE_MASK);
	wr32(sgi + GICR_IGROUPR0, (rd32(sgi + GICR_IGROUPR0) | GIC_GUEST_PRIVATE_MASK) & ~hyp);
	wr8(sgi + GICR_IPRIORITYR(GIC_SGI_REQUEST), GIC_PRIO_HYP);
	wr8(sgi + GICR_IPRIORITYR(GIC_PPI_MAINTENANCE), GIC_PRIO_HYP);
	wr8(sgi + GICR_IPRIORITYR(GIC_PPI_HYP_TIMER), GIC_PRIO_HYP);
	wr32(sgi + GICR_ISENABLER0, hyp);

	/* System-register interface for EL2 (and, through SRE_EL1, for EL1). */
	write_sysreg(S3_4_C12_C9_5, ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE);   /* ICC_SRE_EL2 */
	isb();
	write_sysreg(S3_0_C4_C6_0, GIC_PRIO_MASK_NONE);                     /* ICC_PMR_EL1 */
	/* EOImode 0 until a partition runs here (gicv3_set_eoimode). */
	gicv3_set_eoimode(0);
	write_sysreg_s(ICC_IGRPEN0_EL1, 1);
	write_sysreg(S3_0_C12_C12_7, 1);                                    /* ICC_IGRPEN1_EL1 */
	isb();
	if (core < CONFIG_MAX_CORES) {
		cpu_ready[core] = 1;
	}
}

/* This core's ICC_CTLR_EL1.EOImode, as last set. */
static uint8_t eoimode[CONFIG_MAX_CORES];

void gicv3_set_eoimode(int split)
{
	unsigned int core = (unsigned int)read_sysreg(tpidr_el2);
	write_sysreg_s(ICC_CTLR_EL1, split ? ICC_CTLR_EOIMODE : 0UL);
	isb();
	if (core < CONFIG_MAX_CORES) {
		eoimode[core] = (uint8_t)(split != 0);
	}
}

static int split_eoi(void)
{
	unsigned int core = (unsigned int)read_sysreg(tpidr_el2);
	return core < CONFIG_MAX_CORES && eoimode[core] != 0;
}

static uint64_t sgir_value(uint64_t mpidr, unsigned int sgi)
{
	/* The target list holds 16 Aff0 values; RS selects which 16
	 * (Aff0 = RS * 16 + bit). RS above 0 needs GICD_TYPER.RSS. */
	uint64_t aff0 = mpidr & 0xff;
	return ((uint64_t)sgi << ICC_SGI1R_INTID_SHIFT) |
	       (((mpidr >> MPIDR_AFF1_SHIFT) & 0xff) << ICC_SGI1R_AFF1_SHIFT) |
	       (((mpidr >> MPIDR_AFF2_SHIFT) & 0xff) << ICC_SGI1R_AFF2_SHIFT) |
	       (((mpidr >> MPIDR_AFF3_SHIFT) & 0xff) << ICC_SGI1R_AFF3_SHIFT) |
	       ((aff0 >> 4) << ICC_SGI1R_RS_SHIFT) |
	       (1UL << (aff0 & 0xf));
}

void gicv3_send_request(uint64_t mpidr)
{
	dsb_ishst();
	write_sysreg_s(ICC_SGI0R_EL1, sgir_value(mpidr, GIC_SGI_REQUEST));
	isb();
}

uint32_t gicv3_ack0(void)
{
	uint32_t intid = (uint32_t)read_sysreg_s(ICC_IAR0_EL1) & 0xffffffu;
	dsb_sy();
	return intid;
}

void gicv3_eoi0(uint32_t intid)
{
	write_sysreg_s(ICC_EOIR0_EL1, intid);
	if (split_eoi()) {
		write_sysreg_s(ICC_DIR_EL1, intid);
	}
	isb();
}

void gicv3_send_sgi(uint64_t mpidr, unsigned int sgi)
{
	dsb_ishst();
	write_sysreg_s(ICC_SGI1R_EL1, sgir_value(mpidr, sgi));
	isb();
}

uint32_t gicv3_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(S3_0_C12_C12_0) & 0xffffffu; /* ICC_IAR1_EL1 */
	dsb_sy();
	return intid;
}

void gicv3_eoi(uint32_t intid)
{
	write_sysreg_s(ICC_EOIR1_EL1, intid);
	if (split_eoi()) {
		write_sysreg_s(ICC_DIR_EL1, intid);
	}
	isb();
}

uint32_t arch_gic_guest_private_mask(void)
{
	return GIC_GUEST_PRIVATE_MASK;
}

void arch_gic_send_sgi(uint64_t mpidr, uint32_t intid)
{
	gicv3_send_sgi(mpidr, intid);
}

/* Aff3.Aff2.Aff1.Aff0 of an MPIDR in GICD_IROUTER's layout (IRM = 0: this
 * one core). */
static uint64_t irouter_value(uint64_t mpidr)
{
	return (mpidr & (MPIDR_AFFINITY_MASK & 0xffffffUL)) |
	       (((mpidr >> MPIDR_AFF3_SHIFT) & 0xffUL) << GICD_IROUTER_AFF3_SHIFT);
}

void gicv3_claim_spi(uint32_t intid, uint64_t mpidr)
{
	uint32_t w = intid / 32u;
	uint32_t bit = 1u << (intid % 32u);
	/* Off while it changes hands; then Group 0 (IGROUPR = 0, IGRPMODR =
	 * 0 with DS = 1), the hypervisor's priority, level-sensitive (a
	 * UART's line), this core, on. The group words are shared with
	 * partitions' SPIs, which only the boot core touches before this. */
	wr32(gicd + GICD_ICENABLER(w), bit);
	wr32(gicd + GICD_IGROUPR(w), rd32(gicd + GICD_IGROUPR(w)) & ~bit);
	wr32(gicd + GICD_IGRPMODR(w), rd32(gicd + GICD_IGRPMODR(w)) & ~bit);
	wr8(gicd + GICD_IPRIORITYR(intid), GIC_PRIO_HYP);
	uint32_t shift = 2u * (intid % 16u);
	wr32(gicd + GICD_ICFGR(intid / 16u),
	     rd32(gicd + GICD_ICFGR(intid / 16u)) & ~(GICD_ICFGR_EDGE << shift));
	wr32(gicd + GICD_ICPENDR(w), bit);
	gicv3_route_spi(intid, mpidr);
	wr32(gicd + GICD_ISENABLER(w), bit);
}

void gicv3_route_spi(uint32_t intid, uint64_t mpidr)
{
	wr64(gicd + GICD_IROUTER(intid), irouter_value(mpidr));
}
