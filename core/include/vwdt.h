/*
 * An emulated Arm SP805 watchdog per partition (configuration property
 * `watchdog`): the registers of the SP805 TRM (Arm DDI 0270B) at the IPA the
 * configuration gives, so Linux's sp805_wdt driver and any other guest use
 * it unmodified. When its counter expires a second time with the interrupt
 * still pending and RESEN set, the reset output fires: the partition's
 * fault policy applies (core/partition.c).
 *
 * Nothing runs at EL2 to count: the counter is a function of the system
 * counter since it was last loaded, worked out when it is read or written
 * (vwdt_settle) and, for a guest that never touches it again, when the EL2
 * timer armed for vwdt_deadline() fires.
 */
#ifndef BULKHEAD_VWDT_H
#define BULKHEAD_VWDT_H

#include <stdint.h>

#include "config_tables.h"

#define VWDT_FRAME_SIZE         0x1000u

struct vwdt {
	uint64_t base_ipa;        /* 0: the partition has no watchdog */
	uint32_t load;            /* WdogLoad */
	uint32_t control;         /* WdogControl: INTEN, RESEN */
	uint32_t ris;             /* WdogRIS as of the last settle */
	uint32_t locked;          /* WdogLock: write access disabled */
	uint32_t itcr;            /* WdogITCR */
	uint32_t itop;            /* WdogITOP (write-only) */
	uint32_t frozen;          /* the counter while it does not count */
	uint64_t t0;              /* system counter when the counter was last loaded */
	uint64_t seen;            /* expiries since t0 already accounted for */
};

/* The watchdog out of reset, at base_ipa (0: none). */
void vwdt_init(struct vwdt *w, uint64_t base_ipa);
/* 1 if ipa is inside the watchdog's page. */
int vwdt_covers(const struct vwdt *w, uint64_t ipa);
/* Brings the counter up to system-counter value now (freq ticks a second):
 * 1 if the reset output fired since the last settle (RESEN set, an expiry
 * with the interrupt already pending), else 0. */
int vwdt_settle(struct vwdt *w, uint64_t now, uint64_t freq);
/* A load or store at offset in the page, at system-counter value now;
 * *value in/out. Returns 1 if the watchdog takes it (unassigned offsets
 * read 0 and ignore writes; writes while locked are ignored), 0, having
 * read and written nothing, for anything but an aligned 32-bit access: the
 * caller answers that with an external abort. *reset is set to 1 when the
 * reset output fired (settled before the access acts). */
int vwdt_access(struct vwdt *w, uint64_t offset, int is_write, unsigned int size,
		uint64_t *value, uint64_t now, uint64_t freq, int *reset);
/* The system-counter value at which the reset output fires next if nobody
 * touches the watchdog: 1 and *when, or 0 if it cannot fire (counter
 * stopped, RESEN clear, no watchdog). */
int vwdt_deadline(const struct vwdt *w, uint64_t freq, uint64_t *when);

/* The EL2 timer armed for a watchdog deadline fired on this core (the
 * architecture's FIQ path, or its idle loop): settles the partition's
 * watchdog and applies its policy if the reset fired (core/partition.c). */
void vwdt_timer_fired(void);

#endif /* BULKHEAD_VWDT_H */
