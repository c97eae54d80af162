/*
 * Virtual CPUs and what the architecture's trap handlers ask of generic code.
 *
 * One vCPU per physical core, for life: a core that belongs to a partition
 * either runs that partition's vCPU at EL1 or waits at EL2 for it to be
 * (re)started. Cores that belong to no partition wait forever.
 */
#ifndef BULKHEAD_VCPU_H
#define BULKHEAD_VCPU_H

#include <stddef.h>
#include <stdint.h>

#include "vgic_queue.h"

struct partition;

enum vcpu_state {
	VCPU_OFF = 0,
	VCPU_ON_PENDING = 1,
	VCPU_ON = 2,
};

struct vcpu {
	struct partition *part;
	unsigned int index;          /* virtual CPU number inside the partition */
	unsigned int core;           /* physical core */
	uint64_t vmpidr;             /* MPIDR the partition sees */
	uint32_t state;              /* enum vcpu_state, atomic */
	/* Touched only by the vCPU's own core (no atomics on the interrupt
	 * path); read by others only for reports. */
	struct vgic_queue irq_queue; /* interrupts waiting for a list register */
	uint32_t irqs_injected;      /* interrupts put in front of the guest */
	uint32_t irqs_stray;         /* taken on its core but not the partition's */
	uint32_t sgis_refused;       /* SGI writes naming no vCPU of its own, or
				      * the hypervisor's SGI */
};

/* The vCPU of the calling core, or NULL if the core belongs to no partition. */
struct vcpu *vcpu_current(void);
struct vcpu *vcpu_of_core(unsigned int core);
void vcpu_bind(unsigned int core, struct vcpu *v);
/* Records a core's MPIDR, the address of cross-core requests to it. */
void vcpu_set_core_mpidr(unsigned int core, uint64_t mpidr);
uint64_t vcpu_core_mpidr(unsigned int core);

/* Cross-core requests go through each core's mailbox (mailbox.h): START
 * (enter the bound vCPU at entry with x0 = arg) and STOP (leave the
 * partition and wait). */
/* Asks `core` to enter its vCPU. `epoch` is the partition's run the request
 * belongs to (partition.epoch): a request from an earlier run, still in the
 * mailbox when the partition restarts, is dropped rather than obeyed. */
void core_post_start(unsigned int core, uint64_t entry, uint64_t arg, uint32_t epoch);
/* Asks `core` to stop its vCPU; returns 1 once it has parked, 0 on timeout. */
int core_stop_and_wait(unsigned int core);

/* This core waits for requests from now on. Never returns. */
void core_idle(void) __attribute__((noreturn));
/* Leaves the current partition context (dropping the trap frame) and idles. */
void core_park(void) __attribute__((noreturn));
/* Leaves the current trap (dropping its frame) and enters this core's vCPU
 * again at `entry` with x0 = arg and EL1 reset, as after CPU_ON, without the
 * vCPU ever being OFF: PSCI's power-down CPU_SUSPEND (a core in a suspend
 * state is ON to AFFINITY_INFO, and no CPU_ON can claim it meanwhile). */
void core_warm_boot(uint64_t entry, uint64_t arg) __attribute__((noreturn));
/* Runs the bound vCPU from `entry` with x0 = arg. Never returns. */
void vcpu_enter(struct vcpu *v, uint64_t entry, uint64_t arg) __attribute__((noreturn));

/* ---- Called by the architecture's trap handlers ---------------------------- */

/* SMC or HVC #imm from the partition: x points at the saved x0..x30; results
 * go back in x0-x3. Returns 1 once answered (if the partition continues), or
 * 0, touching nothing, when imm is not SMCCC's: the caller then makes the
 * instruction UNDEFINED. */
int vcpu_handle_call(uint64_t *x, int is_smc, uint32_t imm);

enum mmio_result {
	MMIO_UNMAPPED = 0,   /* no emulated device there: a fault like any stage-2 miss */
	MMIO_DONE = 1,       /* emulated; *value holds what a read returns */
	MMIO_REFUSED = 2,    /* the device does not take this access (where it starts,
			      * its width): the bus answers with an external abort */
};

/* A data access the stage-2 tables do not allow, with a syndrome. */
enum mmio_result vcpu_handle_mmio(uint64_t ipa, int is_write, unsigned int size, uint64_t *value);

/* Whether an emulated device of the current partition covers ipa. */
int vcpu_mmio_is_emulated(uint64_t ipa);

enum fault_kind {
	FAULT_DATA_ABORT,        /* data access outside what the partition owns */
	FAULT_INSN_ABORT,        /* instruction fetch outside its memory */
	FAULT_MMIO_NO_SYNDROME,  /* emulated-device access the core cannot decode */
	FAULT_MMIO_REFUSED,      /* emulated-device access the device does not take */
	FAULT_UNDEFINED,         /* an instruction the partition may not use */
	FAULT_SERROR,            /* an asynchronous external abort */
};

struct fault_info {
	enum fault_kind kind;
	uint64_t esr;
	uint64_t ipa;            /* stage-2 faults */
	uint64_t va;             /* FAR as the partition sees it */
	uint64_t pc;             /* ELR: the faulting instruction */
	int is_write;
};

/* Logs, counts and applies the partition's policy. Returns only when the
 * policy is "log": the caller then injects the exception into EL1. */
void vcpu_handle_fault(const struct fault_info *fi);

/* The hypervisor's request SGI arrived while the partition ran (the
 * architecture's interrupt path, arch_guest_irq(), has ended it): obey a
 * pending STOP, else resume. */
void vcpu_handle_request(void);

/* A write to ICC_SGI1R_EL1 (is_sgi1r) or to ICC_ASGI1R_EL1/ICC_SGI0R_EL1,
 * trapped: sends the SGI to the partition's own vCPUs it names, never
 * elsewhere. */
void vcpu_handle_sgi(uint64_t value, int is_sgi1r);

#endif /* BULKHEAD_VCPU_H */
