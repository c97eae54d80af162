/*
 * The hypervisor's own interrupts, as core/ asks for them (core/include/arch.h):
 * setting up the GIC, the cross-core request SGI, draining what arrived while
 * a core was at EL2, and the FIQ path of a core running a partition. The
 * partition's interrupts are arch/arm64/vgic_lr.c's.
 */
#include "arch.h"
#include "arch/gicv3.h"
#include "arch/vgic_lr.h"
#include "console_mux.h"
#include "vcpu.h"
#include "vgic_inject.h"
#include "vwdt.h"

/* At most one of each SGI and a few PPIs can be pending for one core at
 * once: a small bound suffices for each loop. */
#define DRAIN_BOUND             32u

void arch_irq_init_boot(uint64_t gicd_base, uint64_t gicr_base)
{
	gicv3_init_dist(gicd_base, gicr_base);
}

void arch_irq_init_core(unsigned int core)
{
	/* The EL2 timer's enable bit is UNKNOWN out of reset: quiet before its
	 * interrupt (PPI 26) is enabled, armed only for a watchdog. */
	arch_hyp_timer_stop();
	gicv3_init_cpu(core);
}

void arch_send_request(uint64_t mpidr)
{
	gicv3_send_request(mpidr);
}

/* The console UART's receive interrupt, 0 until claimed. */
static uint32_t console_intid;

void arch_irq_claim_console(uint32_t intid, uint64_t mpidr)
{
	gicv3_claim_spi(intid, mpidr);
	__atomic_store_n(&console_intid, intid, __ATOMIC_RELEASE);
}

void arch_irq_route_console(uint64_t mpidr)
{
	uint32_t intid = __atomic_load_n(&console_intid, __ATOMIC_ACQUIRE);
	if (intid != 0) {
		gicv3_route_spi(intid, mpidr);
	}
}

/* Level-sensitive: the UART's line stays up until its FIFO is read, so it
 * is served before it is ended. */
static int is_console_input(uint32_t intid)
{
	uint32_t c = __atomic_load_n(&console_intid, __ATOMIC_ACQUIRE);
	return c != 0 && intid == c;
}

unsigned int arch_irq_drain(unsigned int *others)
{
	unsigned int requests = 0;
	int timer = 0;
	*others = 0;
	/* On a board whose GIC this image does not drive (GICv2 under a GICv3
	 * build, say), the ICC registers are not there: nothing to drain. */
	if (!gicv3_ready()) {
		return 0;
	}
	for (unsigned int i = 0; i < DRAIN_BOUND; i++) {
		uint32_t intid = gicv3_ack0();
		if (intid >= GIC_INTID_SPURIOUS - 3u) {
			break;
		}
		if (intid == GIC_SGI_REQUEST) {
			requests++;
		} else if (intid == GIC_PPI_HYP_TIMER) {
			/* Level-sensitive: quiet it before it is ended. Not a
			 * stray: a watchdog deadline, handled below. */
			arch_hyp_timer_stop();
			timer = 1;
		} else if (is_console_input(intid)) {
			console_mux_input_irq();
		} else {
			(*others)++;
		}
		gicv3_eoi0(intid);
	}
	/* A partition's interrupt that was on its way when the partition
	 * stopped (its interrupts are disabled by then): ended, not delivered. */
	for (unsigned int i = 0; i < DRAIN_BOUND; i++) {
		uint32_t intid = gicv3_ack();
		if (intid >= GIC_INTID_SPURIOUS - 3u) {
			break;
		}
		gicv3_eoi(intid);
		(*others)++;
	}
	if (timer) {
		/* A watchdog deadline on a core whose vCPU is off: its
		 * partition may still run on others. May not return (the
		 * partition's policy); the requests it leaves are answered
		 * through the mailbox. */
		vwdt_timer_fired();
	}
	return requests;
}

void arch_hyp_fiq(void)
{
	struct vcpu *v = vcpu_current();
	int request = 0;
	int timer = 0;

	for (unsigned int i = 0; i < DRAIN_BOUND; i++) {
		uint32_t intid = gicv3_ack0();
		if (intid >= GIC_INTID_SPURIOUS - 3u) {
			break;
		}
		if (intid == GIC_PPI_HYP_TIMER) {
			/* Level-sensitive: quiet it before it is ended, or it is
			 * pending again at once. */
			arch_hyp_timer_stop();
			timer = 1;
		} else if (is_console_input(intid)) {
			console_mux_input_irq();
		}
		gicv3_eoi0(intid);
		if (intid == GIC_SGI_REQUEST) {
			request = 1;
		} else if (intid == GIC_PPI_MAINTENANCE && v != NULL) {
			vgic_refill(&v->irq_queue);
		}
	}
	if (request) {
		vcpu_handle_request();
	}
	if (timer) {
		vwdt_timer_fired();
	}
}
