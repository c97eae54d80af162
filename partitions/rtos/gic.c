/*
 * GICv3 driver. In a Bulkhead partition the distributor and redistributor
 * are the hypervisor's emulation and the CPU interface is virtual (or, in
 * direct mode, the physical one for Group 1); natively they are QEMU's. The
 * same code serves all three because it only uses what they share: Group 1,
 * affinity routing, EOImode 0, 32-bit register accesses (64-bit for
 * GICR_TYPER and GICD_IROUTER).
 */
#include "arch.h"
#include "gic.h"
#include "kernel.h"

#define GICD_CTLR 0x0000u
#define GICD_CTLR_ENABLE_G1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_RWP (1u << 31)
#define GICD_TYPER 0x0004u
#define GICD_TYPER_ITLINES_MASK 0x1fu
#define GICD_IGROUPR 0x0080u
#define GICD_ISENABLER 0x0100u
#define GICD_IPRIORITYR 0x0400u
#define GICD_IROUTER 0x6000u

#define GICR_TYPER 0x0008u
#define GICR_TYPER_LAST (1u << 4)
#define GICR_TYPER_AFF_SHIFT 32
#define GICR_WAKER 0x0014u
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
/* The SGI/PPI registers are in the second 64 KiB frame. */
#define GICR_SGI_BASE 0x10000u
#define GICR_IGROUPR0 0x0080u
#define GICR_ISENABLER0 0x0100u
#define GICR_IPRIORITYR 0x0400u

#define GIC_NUM_PRIVATE 32u
/* One priority for all our interrupts: they do not preempt each other
 * (handlers run with IRQs masked anyway). Lower is more urgent; the
 * hypervisor's own (Group 0) are above it. */
#define GIC_PRIO_DEFAULT 0xa0u
#define GIC_PMR_ALLOW_ALL 0xffu
#define GIC_POLL_LIMIT 1000000u

#define MAX_HANDLERS 8

struct handler {
	uint32_t intid;
	irq_fn fn;
	void *arg;
};

static uintptr_t gicd;
static uintptr_t rd;          /* this core's RD_base frame */
static uint32_t nlines;
static struct handler handlers[MAX_HANDLERS];
static unsigned nhandlers;

static void wait_clear(uintptr_t reg, uint32_t bits)
{
	unsigned i;

	for (i = 0; i < GIC_POLL_LIMIT && (mmio_read32(reg) & bits) != 0; i++) {
	}
}

static uint64_t my_affinity(void)
{
	uint64_t m = read_sysreg(mpidr_el1);

	/* GICR_TYPER's Affinity_Value: Aff3.Aff2.Aff1.Aff0 */
	return (MPIDR_AFF3(m) << 24) | (MPIDR_AFF2(m) << 16) | (MPIDR_AFF1(m) << 8) | MPIDR_AFF0(m);
}

static void set_prio(uintptr_t base, uint32_t intid)
{
	uintptr_t reg = base + (intid & ~3u);
	unsigned shift = (intid & 3u) * 8u;
	uint32_t v = mmio_read32(reg);

	v &= ~(0xffu << shift);
	v |= GIC_PRIO_DEFAULT << shift;
	mmio_write32(reg, v);
}

bool gic_init(uintptr_t d, uintptr_t r, uint64_t rsize, uint64_t stride)
{
	uint64_t aff = my_affinity();
	uintptr_t frame;

	gicd = d;
	nlines = 32u * ((mmio_read32(gicd + GICD_TYPER) & GICD_TYPER_ITLINES_MASK) + 1u);
	mmio_write32(gicd + GICD_CTLR, mmio_read32(gicd + GICD_CTLR) | GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
	wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP);

	rd = 0;
	for (frame = r; frame < r + rsize; frame += stride) {
		uint64_t typer = mmio_read64(frame + GICR_TYPER);
		if ((typer >> GICR_TYPER_AFF_SHIFT) == aff) {
			rd = frame;
			break;
		}
		if ((typer & GICR_TYPER_LAST) != 0) {
			break;
		}
	}
	if (rd == 0) {
		console_raw("rtos: no redistributor for affinity 0x%lx; halted\n", (unsigned long)aff);
		return false;
	}
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	wait_clear(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP);

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | ICC_SRE_SRE);
	isb();
	write_sysreg(ICC_PMR_EL1, GIC_PMR_ALLOW_ALL);
	write_sysreg(ICC_BPR1_EL1, 0);
	/* EOImode 0: writing EOIR1 both drops priority and deactivates. */
	write_sysreg(ICC_CTLR_EL1, read_sysreg(ICC_CTLR_EL1) & ~(uint64_t)ICC_CTLR_EOIMODE);
	write_sysreg(ICC_IGRPEN1_EL1, ICC_IGRPEN1_ENABLE);
	isb();
	return true;
}

void gic_enable(uint32_t intid)
{
	uint32_t bit = 1u << (intid % 32u);

	if (intid < GIC_NUM_PRIVATE) {
		uintptr_t sgi = rd + GICR_SGI_BASE;
		mmio_write32(sgi + GICR_IGROUPR0, mmio_read32(sgi + GICR_IGROUPR0) | bit);
		set_prio(sgi + GICR_IPRIORITYR, intid);
		mmio_write32(sgi + GICR_ISENABLER0, bit);
		return;
	}
	if (intid >= nlines) {
		console_raw("rtos: INTID %u beyond the distributor's %u lines\n", intid, nlines);
		return;
	}
	{
		uintptr_t grp = gicd + GICD_IGROUPR + (intid / 32u) * 4u;
		uint64_t m = read_sysreg(mpidr_el1);
		mmio_write32(grp, mmio_read32(grp) | bit);
		set_prio(gicd + GICD_IPRIORITYR, intid);
		/* IROUTER takes Aff3 at bits 39:32 and Aff2.Aff1.Aff0 below. */
		mmio_write64(gicd + GICD_IROUTER + intid * 8u,
			     (MPIDR_AFF3(m) << 32) | (MPIDR_AFF2(m) << 16) | (MPIDR_AFF1(m) << 8) | MPIDR_AFF0(m));
		mmio_write32(gicd + GICD_ISENABLER + (intid / 32u) * 4u, bit);
	}
}

int irq_register(uint32_t intid, irq_fn fn, void *arg)
{
	if (nhandlers == MAX_HANDLERS) {
		return RTOS_ERR_FULL;
	}
	handlers[nhandlers].intid = intid;
	handlers[nhandlers].fn = fn;
	handlers[nhandlers].arg = arg;
	nhandlers++;
	gic_enable(intid);
	return RTOS_OK;
}

/* In the IRQ trap: acknowledge, handle and end every pending interrupt. */
void gic_dispatch(void)
{
	for (;;) {
		uint32_t intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & ICC_IAR_INTID_MASK;
		unsigned i;

		if (intid >= ICC_INTID_SPURIOUS_FIRST) {
			return;
		}
		for (i = 0; i < nhandlers; i++) {
			if (handlers[i].intid == intid) {
				handlers[i].fn(intid, handlers[i].arg);
				break;
			}
		}
		write_sysreg(ICC_EOIR1_EL1, intid);
	}
}
