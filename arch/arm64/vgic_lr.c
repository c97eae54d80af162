/*
 * The virtual CPU interface of this core (ICH_*_EL2) and the physical
 * interrupt's way into a partition: acknowledge at EL2, drop priority, put
 * it in a list register hardware-linked to the physical INTID, return. The
 * guest's own EOI then deactivates the physical interrupt through the list
 * register (ICC_CTLR_EL1.EOImode = 1 at EL2 keeps our EOI from doing it), so
 * the hypervisor sees each interrupt once. Which interrupts are whose, their
 * priorities, and list-register allocation are core's (vgic*.c); this file
 * only touches the hardware. Arm IHI 0069, 12.5 (ICH registers), 4.9
 * (virtualization).
 */
#include "arch.h"
#include "arch/gicv3.h"
#include "arch/irq_fast.h"
#include "arch/sysreg.h"
#include "arch/vgic_lr.h"
#include "check.h"
#include "gic_hw.h"
#include "partition.h"
#include "vcpu.h"
#include "vgic_inject.h"
#include "vgic_queue.h"

/* Interrupts taken per trap before returning to the partition: a bound on
 * the loop (every one found pending is handled; more than a core's SGIs,
 * its two timers and a few SPIs never arrive at once, and an interrupt that
 * keeps firing gets its next turn after the ERET). */
#define IRQ_BATCH               8u
/* INTIDs 1020-1023 are special (1023: nothing pending). */
#define GIC_INTID_SPECIAL       1020u
#define GIC_FIRST_PPI           16u

/* ---- list registers: core/include/gic_hw.h ------------------------------- */

/* ICH_LR<n>_EL2 is 16 registers with no index: the encoding is in the
 * instruction, hence a switch. */
#define LR_CASE_READ(n, crm, op2)  case n: return read_sysreg_s(S3_4_C12_##crm##_##op2)
#define LR_CASE_WRITE(n, crm, op2) case n: write_sysreg_s(S3_4_C12_##crm##_##op2, v); return

uint64_t arch_lr_read(unsigned int n)
{
	switch (n) {
	LR_CASE_READ(0, C12, 0); LR_CASE_READ(1, C12, 1); LR_CASE_READ(2, C12, 2);
	LR_CASE_READ(3, C12, 3); LR_CASE_READ(4, C12, 4); LR_CASE_READ(5, C12, 5);
	LR_CASE_READ(6, C12, 6); LR_CASE_READ(7, C12, 7); LR_CASE_READ(8, C13, 0);
	LR_CASE_READ(9, C13, 1); LR_CASE_READ(10, C13, 2); LR_CASE_READ(11, C13, 3);
	LR_CASE_READ(12, C13, 4); LR_CASE_READ(13, C13, 5); LR_CASE_READ(14, C13, 6);
	LR_CASE_READ(15, C13, 7);
	default:
		return 0;
	}
}

void arch_lr_write(unsigned int n, uint64_t v)
{
	switch (n) {
	LR_CASE_WRITE(0, C12, 0); LR_CASE_WRITE(1, C12, 1); LR_CASE_WRITE(2, C12, 2);
	LR_CASE_WRITE(3, C12, 3); LR_CASE_WRITE(4, C12, 4); LR_CASE_WRITE(5, C12, 5);
	LR_CASE_WRITE(6, C12, 6); LR_CASE_WRITE(7, C12, 7); LR_CASE_WRITE(8, C13, 0);
	LR_CASE_WRITE(9, C13, 1); LR_CASE_WRITE(10, C13, 2); LR_CASE_WRITE(11, C13, 3);
	LR_CASE_WRITE(12, C13, 4); LR_CASE_WRITE(13, C13, 5); LR_CASE_WRITE(14, C13, 6);
	LR_CASE_WRITE(15, C13, 7);
	default:
		CHECK(0, "list register %u does not exist", n);
	}
}

unsigned int arch_lr_count(void)
{
	return (unsigned int)(read_sysreg_s(ICH_VTR_EL2) & ICH_VTR_LISTREGS_MASK) + 1u;
}

uint32_t arch_lr_empty(void)
{
	return (uint32_t)read_sysreg_s(ICH_ELRSR_EL2);
}

void arch_lr_underflow_irq(int on)
{
	uint64_t hcr = read_sysreg_s(ICH_HCR_EL2);
	write_sysreg_s(ICH_HCR_EL2, on ? (hcr | ICH_HCR_UIE) : (hcr & ~ICH_HCR_UIE));
}

/* ---- the fast path's view of this core ------------------------------------- */

/* The entries irq_fast.S reads, by core. */
struct irq_fast irq_fast_tab[CONFIG_MAX_CORES] __attribute__((aligned(64)));

_Static_assert(sizeof(struct irq_fast) == (1u << IRQF_SIZE_SHIFT), "irq_fast entry size");
_Static_assert(__builtin_offsetof(struct irq_fast, owned) == IRQF_OWNED, "IRQF_OWNED");
_Static_assert(__builtin_offsetof(struct irq_fast, spi_prio) == IRQF_SPI_PRIO, "IRQF_SPI_PRIO");
_Static_assert(__builtin_offsetof(struct irq_fast, priv_prio) == IRQF_PRIV_PRIO, "IRQF_PRIV_PRIO");
_Static_assert(__builtin_offsetof(struct irq_fast, queue_n) == IRQF_QUEUE_N, "IRQF_QUEUE_N");
_Static_assert(__builtin_offsetof(struct irq_fast, injected) == IRQF_INJECTED, "IRQF_INJECTED");
_Static_assert(__builtin_offsetof(struct irq_fast, trap_irq) == IRQF_TRAP_IRQ, "IRQF_TRAP_IRQ");
_Static_assert(__builtin_offsetof(struct irq_fast, priv_mask) == IRQF_PRIV_MASK, "IRQF_PRIV_MASK");

/* Points this core's fast-path entry at the vCPU about to run here (NULL
 * pointers send every interrupt to the C path). */
static void bind_fast_path(struct vcpu *v)
{
	unsigned int core = arch_core_id();
	struct irq_fast *e = &irq_fast_tab[core % CONFIG_MAX_CORES];

	if (v == NULL) {
		*e = (struct irq_fast){ 0 };
		return;
	}
	struct vgic *g = &v->part->vgic;
	e->owned = g->owned;
	e->spi_prio = g->prio;
	e->priv_prio = g->cpu[v->index].prio;
	e->queue_n = &v->irq_queue.n;
	e->injected = &v->irqs_injected;
	e->trap_irq = arch_trap_irq_counter(core);
	e->priv_mask = g->private_mask;
}

/* ---- entering and leaving a partition ------------------------------------- */

void arch_vgic_cpu_reset(int virtual_mode)
{
	unsigned int n = arch_lr_count();
	for (unsigned int i = 0; i < n; i++) {
		arch_lr_write(i, 0);
	}
	/* Active priorities of a previous run. With 5 priority bits (QEMU,
	 * Cortex-A53's GIC CPU interface) only the first APR of each group
	 * exists; more bits would need ICH_AP1R1..3 too. */
	write_sysreg_s(ICH_AP0R0_EL2, 0);
	write_sysreg_s(ICH_AP1R0_EL2, 0);
	/* Virtual interface off at the guest's side (VENG0/1 = 0, VPMR = 0):
	 * the guest enables what it wants, as on a fresh GIC. */
	write_sysreg_s(ICH_VMCR_EL2, 0);
	/* In direct mode the guest uses the physical interface; the virtual
	 * one only answers its PMR/CTLR accesses (FMO = 1), so it stays off. */
	write_sysreg_s(ICH_HCR_EL2, virtual_mode ? ICH_HCR_EN : 0UL);
	gicv3_set_eoimode(virtual_mode);
	bind_fast_path(virtual_mode ? vcpu_current() : NULL);
	isb();
}

void arch_vgic_cpu_off(void)
{
	/* No maintenance interrupt for a vCPU that is not running. */
	write_sysreg_s(ICH_HCR_EL2, 0);
	unsigned int n = arch_lr_count();
	for (unsigned int i = 0; i < n; i++) {
		arch_lr_write(i, 0);
	}
	isb();
}

/* ---- the hot path --------------------------------------------------------------- */

static inline void eoi_and_deactivate(uint32_t intid)
{
	write_sysreg_s(ICC_EOIR1_EL1, intid);
	write_sysreg_s(ICC_DIR_EL1, intid);
}

/* One acknowledged interrupt, for the vCPU on this core. */
static void take_one(struct vcpu *v, uint32_t intid)
{
	if (v == NULL) {
		eoi_and_deactivate(intid);
		return;
	}
	struct partition *p = v->part;
	if (!vgic_owns(&p->vgic, intid)) {
		/* Not the partition's (a stray one, or one it has not been
		 * given): ended here, counted. */
		eoi_and_deactivate(intid);
		v->irqs_stray++;
		return;
	}
	uint8_t prio = vgic_guest_prio(&p->vgic, v->index, intid);
	if (intid < GIC_FIRST_PPI) {
		/* SGIs cannot be hardware-linked (no pINTID below 16): ended
		 * here, delivered as a virtual SGI. */
		eoi_and_deactivate(intid);
		(void)vgic_inject(&v->irq_queue, vgic_lr_make(intid, prio, 0));
	} else {
		/* Priority drop only: the guest's EOI deactivates it. */
		write_sysreg_s(ICC_EOIR1_EL1, intid);
		(void)vgic_inject(&v->irq_queue, vgic_lr_make(intid, prio, 1));
	}
	v->irqs_injected++;
}

static void take_pending(struct vcpu *v, unsigned int budget)
{
	for (unsigned int i = 0; i < budget; i++) {
		uint32_t intid = (uint32_t)read_sysreg_s(ICC_IAR1_EL1) & 0xffffffu;
		if (intid >= GIC_INTID_SPECIAL) {
			break;
		}
		take_one(v, intid);
	}
	isb();
}

void arch_guest_irq(void)
{
	take_pending(vcpu_current(), IRQ_BATCH);
}

void arch_guest_irq_acked(uint32_t intid)
{
	struct vcpu *v = vcpu_current();
	if (intid < GIC_INTID_SPECIAL) {
		take_one(v, intid);
	}
	take_pending(v, IRQ_BATCH - 1u);
}
