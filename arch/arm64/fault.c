/*
 * Exceptions the hypervisor takes from itself: each is a hypervisor fault.
 * It is dumped with everything a developer needs to find it (decoded
 * syndrome, fault address, return state, all general registers, the core)
 * and that core stops. Other cores carry on.
 */
#include <stddef.h>

#include "arch.h"
#include "arch/esr.h"
#include "arch/fault.h"
#include "arch/frame.h"
#include "arch/layout.h"
#include "arch/sysreg.h"
#include "log.h"

_Static_assert(offsetof(struct frame, sp) == FRAME_SP, "frame layout");
_Static_assert(offsetof(struct frame, elr) == FRAME_ELR, "frame layout");
_Static_assert(offsetof(struct frame, esr) == FRAME_ESR, "frame layout");
_Static_assert(sizeof(struct frame) == FRAME_SIZE, "frame layout");

static const char *const vector_name[16] = {
	"synchronous, current EL with SP_EL0", "IRQ, current EL with SP_EL0",
	"FIQ, current EL with SP_EL0", "SError, current EL with SP_EL0",
	"synchronous, current EL with SP_EL2", "IRQ, current EL with SP_EL2",
	"FIQ, current EL with SP_EL2", "SError, current EL with SP_EL2",
	"synchronous, from a lower EL (AArch64)", "IRQ, from a lower EL (AArch64)",
	"FIQ, from a lower EL (AArch64)", "SError, from a lower EL (AArch64)",
	"synchronous, from a lower EL (AArch32)", "IRQ, from a lower EL (AArch32)",
	"FIQ, from a lower EL (AArch32)", "SError, from a lower EL (AArch32)",
};

static const char *spsr_mode(uint64_t spsr)
{
	if (spsr & SPSR_M_AARCH32) {
		return "AArch32";
	}
	switch (spsr & SPSR_M_MASK) {
	case SPSR_M_EL0t: return "EL0t";
	case SPSR_M_EL1t: return "EL1t";
	case SPSR_M_EL1h: return "EL1h";
	case SPSR_M_EL2t: return "EL2t";
	case SPSR_M_EL2h: return "EL2h";
	default:          return "reserved mode";
	}
}

/* Whether the vector index is one of the synchronous ones, whose ESR and
 * FAR describe this exception (for IRQ/FIQ they are stale). */
static int is_sync(uint64_t vec)
{
	return (vec & 3u) == 0u;
}

void fault_dump(const struct frame *f, uint64_t vec)
{
	char iss[160];
	unsigned int core = arch_core_id();
	uint32_t ec = ESR_EC(f->esr);

	log_lock();
	log_raw("bulkhead: *** EL2 exception on core %u: %s ***\n", core,
		vec < 16 ? vector_name[vec] : "unknown vector");
	if (is_sync(vec) || vec % 4 == 3) {
		esr_describe_iss(f->esr, iss, sizeof(iss));
		log_raw("bulkhead:   ESR_EL2  0x%016lx  EC 0x%02x %s (%s instruction)\n", f->esr, ec,
			esr_ec_name(ec), (f->esr & ESR_IL) ? "32-bit" : "16-bit");
		log_raw("bulkhead:            ISS: %s\n", iss);
		log_raw("bulkhead:   FAR_EL2  0x%016lx\n", f->far);
	}
	log_raw("bulkhead:   ELR_EL2  0x%016lx\n", f->elr);
	log_raw("bulkhead:   SPSR_EL2 0x%016lx  %s, DAIF %c%c%c%c, NZCV %c%c%c%c\n", f->spsr,
		spsr_mode(f->spsr), (f->spsr & SPSR_D) ? 'D' : '-', (f->spsr & SPSR_A) ? 'A' : '-',
		(f->spsr & SPSR_I) ? 'I' : '-', (f->spsr & SPSR_F) ? 'F' : '-',
		(f->spsr & BIT(31)) ? 'N' : '-', (f->spsr & BIT(30)) ? 'Z' : '-',
		(f->spsr & BIT(29)) ? 'C' : '-', (f->spsr & BIT(28)) ? 'V' : '-');
	for (unsigned int i = 0; i < 28; i += 4) {
		log_raw("bulkhead:   x%-2u 0x%016lx x%-2u 0x%016lx x%-2u 0x%016lx x%-2u 0x%016lx\n",
			i, f->x[i], i + 1, f->x[i + 1], i + 2, f->x[i + 2], i + 3, f->x[i + 3]);
	}
	log_raw("bulkhead:   x28 0x%016lx x29 0x%016lx x30 0x%016lx sp  0x%016lx\n", f->x[28],
		f->x[29], f->x[30], f->sp);
	log_raw("bulkhead:   MPIDR 0x%lx\n", arch_mpidr());
	log_unlock();
}

void fault_stop_core(const struct frame *f, uint64_t vec)
{
	fault_dump(f, vec);
	log_raw("bulkhead: core %u stopped after an EL2 exception; other cores continue\n",
		arch_core_id());
	arch_halt_core();
}

/* Per-core stacks for reporting an EL2 stack overflow (exception.S). */
uint8_t hyp_emergency_stacks[CONFIG_MAX_CORES][HYP_EMERGENCY_STACK]
	__attribute__((aligned(16), section(".noclear")));

void arch_stack_overflow(uint64_t elr, uint64_t far) __attribute__((noreturn));
void arch_stack_overflow(uint64_t elr, uint64_t far)
{
	log_lock();
	log_raw("bulkhead: *** EL2 stack overflow on core %u ***\n", arch_core_id());
	log_raw("bulkhead:   ELR_EL2  0x%016lx  FAR_EL2  0x%016lx\n", elr, far);
	log_raw("bulkhead:   ESR_EL2  0x%016lx  (x0 and x1 were lost switching stacks)\n",
		read_sysreg(esr_el2));
	log_unlock();
	log_raw("bulkhead: core %u stopped after an EL2 exception; other cores continue\n",
		arch_core_id());
	arch_halt_core();
}
