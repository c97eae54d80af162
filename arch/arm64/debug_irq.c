/*
 * Deliberate interrupts while the hypervisor is still initialising, for
 * testing that they take a defined path (debug builds with
 * CONFIG_DEBUG_FAULT_TRIGGER only; `bulkhead.irq-at-boot` in the bootargs).
 * Raised before any partition is built:
 *   - SPI 34 (the PL031's on QEMU virt) enabled, pending, routed to core 0,
 *     which is busy booting with interrupts masked: the partition owning it
 *     must not receive it when it starts;
 *   - SGI 3, enabled on core 1's redistributor and sent to core 1, which
 *     waits at EL2: it ends it and says so;
 *   - the request SGI to core 2, with no request posted: spent.
 */
#include "arch.h"
#include "arch/gicv3.h"
#include "gic_hw.h"

#ifdef CONFIG_DEBUG_FAULT_TRIGGER

#define DEBUG_SPI               34u
#define DEBUG_SGI               3u
#define GICD_ISENABLER(n)       (0x0100u + 4u * (n))
#define GICD_ISPENDR(n)         (0x0200u + 4u * (n))
#define GICD_IROUTER(n)         (0x6000u + 8u * (n))
#define GICR_ISENABLER0         0x10100u

void arch_debug_raise_irqs(const uint64_t *mpidr, unsigned int ncores)
{
	uint32_t bit = 1u << (DEBUG_SPI % 32u);

	arch_gicd_write64(GICD_IROUTER(DEBUG_SPI), mpidr[0]);
	arch_gicd_write32(GICD_ISENABLER(DEBUG_SPI / 32u), bit);
	arch_gicd_write32(GICD_ISPENDR(DEBUG_SPI / 32u), bit);
	if (ncores > 1) {
		arch_gicr_write32(1, GICR_ISENABLER0, 1u << DEBUG_SGI);
		gicv3_send_sgi(mpidr[1], DEBUG_SGI);
	}
	if (ncores > 2) {
		gicv3_send_request(mpidr[2]);
	}
}

#endif /* CONFIG_DEBUG_FAULT_TRIGGER */
