/*
 * Every exception taken to EL2 arrives here (exception.S). Exceptions from a
 * partition are decoded and handed to core/ (vcpu.h); exceptions of the
 * hypervisor itself are fatal for the core (fault.c).
 *
 * Totality: every exception class, every syndrome bit pattern and every
 * register value a partition can produce ends in one of: emulated and
 * resumed, answered (SMCCC), or a partition fault under its policy. Nothing a
 * partition does reaches fault_stop_core().
 */
#include "arch.h"
#include "arch/cpu_caps.h"
#include "arch/dabt.h"
#include "arch/esr.h"
#include "arch/fault.h"
#include "arch/frame.h"
#include "arch/irq_fast.h"
#include "arch/sysreg.h"
#include "arch/vgic_lr.h"
#include "vcpu.h"

/* HPFAR_EL2.FIPA, bits [39:4], holds IPA[51:12] of a stage-2 fault. */
#define HPFAR_FIPA_SHIFT        4
#define HPFAR_FIPA_MASK         0xfffffffffUL

/* Offsets in the EL1 vector table (Arm ARM D1.10.2). */
#define VECTOR_CUR_SP0          0x000UL
#define VECTOR_CUR_SPX          0x200UL
#define VECTOR_LOWER_A64        0x400UL
#define VECTOR_LOWER_A32        0x600UL

/* The set/way data cache instructions TSW traps: DC ISW, CSW, CISW are
 * op0=1 op1=0 CRn=7 op2=2 with CRm 6, 10, 14. */
#define SYS_ENC(op0, op1, crn, crm, op2) \
	(((op0) << ESR_SYS_OP0_SHIFT) | ((op1) << ESR_SYS_OP1_SHIFT) | ((crn) << ESR_SYS_CRN_SHIFT) | \
	 ((crm) << ESR_SYS_CRM_SHIFT) | ((op2) << ESR_SYS_OP2_SHIFT))
#define SYS_ENC_MASK            SYS_ENC(3U, 7U, 15U, 15U, 7U)
#define SYS_DC_ISW              SYS_ENC(1U, 0U, 7U, 6U, 2U)
#define SYS_DC_CSW              SYS_ENC(1U, 0U, 7U, 10U, 2U)
#define SYS_DC_CISW             SYS_ENC(1U, 0U, 7U, 14U, 2U)
/* The GIC's SGI generation registers, which trap with HCR_EL2.IMO/FMO:
 * ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1 (op0=3 op1=0 CRn=12 CRm=11,
 * op2 5, 6, 7). */
#define SYS_ICC_SGI1R           SYS_ENC(3U, 0U, 12U, 11U, 5U)
#define SYS_ICC_ASGI1R          SYS_ENC(3U, 0U, 12U, 11U, 6U)
#define SYS_ICC_SGI0R           SYS_ENC(3U, 0U, 12U, 11U, 7U)

#define ISS_SEA                 FSC_SEA   /* synchronous external abort */

static void skip_instruction(struct frame *f)
{
	/* IL says whether the trapped instruction was 32 or 16 bits (T32 at EL0). */
	f->elr += (f->esr & ESR_IL) ? 4u : 2u;
}

/* Back to the instruction that trapped, for a trap whose ELR is the next
 * one (HVC). */
static void unskip_instruction(struct frame *f)
{
	f->elr -= (f->esr & ESR_IL) ? 4u : 2u;
}

/* PSTATE on taking an exception to EL1, from the one it was taken at (old),
 * as the architecture's AArch64.TakeException() sets it on this core:
 *   M = EL1h; D, A, I, F set; IL, SS, BTYPE, UAO cleared (and every other
 *     field not named here: EXLOCK, PACM, ... whose features are hidden);
 *   PAN set where FEAT_PAN and SCTLR_EL1.SPAN = 0, else unchanged;
 *   SSBS = SCTLR_EL1.DSSBS where FEAT_SSBS;
 *   TCO set where FEAT_MTE (the core's, hidden from the partition or not:
 *     an exception the hardware takes sets it too);
 *   ALLINT = NOT SCTLR_EL1.SPINTMASK where FEAT_NMI;
 *   DIT and N, Z, C, V unchanged. */
static uint64_t el1_entry_pstate(uint64_t old)
{
	const struct cpu_caps *c = arch_cpu_caps();
	uint64_t sctlr = read_sysreg(sctlr_el1);
	uint64_t v = SPSR_M_EL1h | SPSR_D | SPSR_A | SPSR_I | SPSR_F;

	v |= old & SPSR_NZCV;
	if (old & SPSR_M_AARCH32) {
		/* From AArch32 EL0: DIT is bit 21 of its SPSR. */
		v |= (old & SPSR_A32_DIT) != 0 ? SPSR_DIT : 0UL;
	} else {
		v |= old & SPSR_DIT;
	}
	if (c->pan) {
		v |= (sctlr & SCTLR_EL1_SPAN) == 0 ? SPSR_PAN : (old & SPSR_PAN);
	}
	if (c->ssbs && (sctlr & SCTLR_EL1_DSSBS) != 0) {
		v |= SPSR_SSBS;
	}
	if (c->mte) {
		v |= SPSR_TCO;
	}
	if (c->nmi && (sctlr & SCTLR_EL1_SPINTMASK) == 0) {
		v |= SPSR_ALLINT;
	}
	return v;
}

/* Makes EL1 take a synchronous exception with syndrome esr1 at FAR far, as
 * if the hardware had raised it there. */
static void inject_sync(struct frame *f, uint64_t esr1, uint64_t far)
{
	uint64_t mode = f->spsr & SPSR_M_MASK;
	uint64_t offset;

	if (f->spsr & SPSR_M_AARCH32) {
		offset = VECTOR_LOWER_A32;
	} else if (mode == SPSR_M_EL0t) {
		offset = VECTOR_LOWER_A64;
	} else if (mode == SPSR_M_EL1t) {
		offset = VECTOR_CUR_SP0;
	} else {
		offset = VECTOR_CUR_SPX;
	}
	write_sysreg(esr_el1, esr1);
	write_sysreg(far_el1, far);
	write_sysreg(elr_el1, f->elr);
	write_sysreg(spsr_el1, f->spsr);
	f->elr = read_sysreg(vbar_el1) + offset;
	f->spsr = el1_entry_pstate(f->spsr);
}

static int from_el0(const struct frame *f)
{
	return (f->spsr & SPSR_M_AARCH32) || (f->spsr & SPSR_M_MASK) == SPSR_M_EL0t;
}

static void inject_abort(struct frame *f, int data, int is_write, uint64_t va)
{
	uint32_t ec;
	if (data) {
		ec = from_el0(f) ? EC_DABT_LOW : EC_DABT_CUR;
	} else {
		ec = from_el0(f) ? EC_IABT_LOW : EC_IABT_CUR;
	}
	uint64_t esr1 = ((uint64_t)ec << ESR_EC_SHIFT) | ESR_IL | ISS_SEA |
			((data && is_write) ? ESR_DABT_WNR : 0U);
	inject_sync(f, esr1, va);
}

static void inject_undef(struct frame *f)
{
	inject_sync(f, ((uint64_t)EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL, 0);
}

static void guest_fault(struct frame *f, enum fault_kind kind, uint64_t ipa, int is_write)
{
	struct fault_info fi = {
		.kind = kind, .esr = f->esr, .ipa = ipa, .va = f->far, .pc = f->elr,
		.is_write = is_write,
	};
	vcpu_handle_fault(&fi);          /* returns only under the "log" policy */
	switch (kind) {
	case FAULT_DATA_ABORT:
	case FAULT_MMIO_NO_SYNDROME:
	case FAULT_MMIO_REFUSED:
		inject_abort(f, 1, is_write, f->far);
		break;
	case FAULT_INSN_ABORT:
		inject_abort(f, 0, 0, f->far);
		break;
	case FAULT_SERROR:
		if (arch_cpu_caps()->ras) {
			/* The partition's ESR_EL1 gets the syndrome the hardware
			 * reported (IDS and ISS), not an UNKNOWN one. */
			write_sysreg_s(SYS_VSESR_EL2, f->esr & (ESR_SERROR_IDS | ESR_ISS_MASK));
		}
		write_sysreg(hcr_el2, read_sysreg(hcr_el2) | HCR_EL2_VSE);
		break;
	case FAULT_UNDEFINED:
	default:
		inject_undef(f);
		break;
	}
}

static uint64_t stage2_fault_ipa(const struct frame *f)
{
	uint64_t hpfar = read_sysreg(hpfar_el2);
	return (((hpfar >> HPFAR_FIPA_SHIFT) & HPFAR_FIPA_MASK) << 12) | (f->far & 0xfffUL);
}

static void data_abort(struct frame *f)
{
	struct dabt_access a;
	dabt_decode(f->esr, &a);
	uint64_t ipa = a.stage2 ? stage2_fault_ipa(f) : 0;

	/* A stage-1 table walk that left the partition's memory, an external
	 * abort, or anything else that is not a plain stage-2 miss on a load or
	 * store: a fault, never an emulation. */
	if (!a.plain) {
		guest_fault(f, FAULT_DATA_ABORT, ipa, a.is_write);
		return;
	}
	if (!a.syndrome) {
		/* A pair, writeback, exclusive or SIMD access: there is no register
		 * to emulate into (DESIGN: a defined case, never decoded garbage). */
		guest_fault(f, vcpu_mmio_is_emulated(ipa) ? FAULT_MMIO_NO_SYNDROME : FAULT_DATA_ABORT,
			    ipa, a.is_write);
		return;
	}
	uint64_t value = a.is_write ? dabt_store_value(&a, a.rt == 31u ? 0 : f->x[a.rt]) : 0;
	switch (vcpu_handle_mmio(ipa, a.is_write, a.size, &value)) {
	case MMIO_DONE:
		break;
	case MMIO_REFUSED:
		/* The emulated device does not take this access (say, a byte
		 * load from the middle of a register): a real one would end it
		 * with a bus error, which the core reports as an external abort. */
		guest_fault(f, FAULT_MMIO_REFUSED, ipa, a.is_write);
		return;
	case MMIO_UNMAPPED:
	default:
		guest_fault(f, FAULT_DATA_ABORT, ipa, a.is_write);
		return;
	}
	if (!a.is_write && a.rt != 31u) {
		f->x[a.rt] = dabt_load_value(&a, value);
	}
	skip_instruction(f);
}

static void sysreg_trap(struct frame *f)
{
	uint32_t iss = ESR_ISS(f->esr);
	uint32_t enc = iss & SYS_ENC_MASK;
	unsigned int rt = (iss >> ESR_SYS_RT_SHIFT) & 0x1fU;
	uint64_t arg = rt == 31u ? 0 : f->x[rt];

	/* Set/way maintenance reaches caches other partitions share: do it as a
	 * clean+invalidate (never a bare invalidate, which could discard another
	 * partition's dirty data). The operand only selects a set and way. */
	if (!(iss & ESR_SYS_READ) && (enc == SYS_DC_ISW || enc == SYS_DC_CISW)) {
		__asm__ volatile("dc cisw, %0" : : "r"(arg) : "memory");
		skip_instruction(f);
		return;
	}
	if (!(iss & ESR_SYS_READ) && enc == SYS_DC_CSW) {
		__asm__ volatile("dc csw, %0" : : "r"(arg) : "memory");
		skip_instruction(f);
		return;
	}
	if (!(iss & ESR_SYS_READ) &&
	    (enc == SYS_ICC_SGI1R || enc == SYS_ICC_ASGI1R || enc == SYS_ICC_SGI0R)) {
		vcpu_handle_sgi(arg, enc == SYS_ICC_SGI1R);
		skip_instruction(f);
		return;
	}
	uint32_t op0 = (iss >> ESR_SYS_OP0_SHIFT) & 3U;
	uint32_t op1 = (iss >> ESR_SYS_OP1_SHIFT) & 7U;
	uint32_t crn = (iss >> ESR_SYS_CRN_SHIFT) & 15U;
	uint32_t crm = (iss >> ESR_SYS_CRM_SHIFT) & 15U;
	uint32_t op2 = (iss >> ESR_SYS_OP2_SHIFT) & 7U;
	int is_read = (iss & ESR_SYS_READ) != 0;
	uint64_t val = arg;
	int done = 0;

	if (op0 == 3U && op1 == 0U && crn == 0U && crm >= 1U && is_read) {
		/* An ID register (HCR_EL2.TID3): what it offers (id_regs.c). */
		val = arch_id_reg(crm, op2);
		done = 1;
	} else if (op0 == 3U && op1 == 0U && crn == 5U && crm >= 3U && crm <= 5U) {
		/* RAS error record registers (HCR_EL2.TERR): ERRIDR_EL1 says
		 * there are none, and the rest read as zero and ignore writes. */
		val = 0;
		done = 1;
	} else if (op0 == 3U && (crn == 9U || crn == 14U)) {
		/* The PMU, where its accesses trap (MDCR_EL2.TPM, pmu_trap.c). */
		done = arch_pmu_access(op1, crn, crm, op2, is_read, &val);
	}
	if (done) {
		if (is_read && rt != 31u) {
			f->x[rt] = val;
		}
		skip_instruction(f);
		return;
	}
	guest_fault(f, FAULT_UNDEFINED, 0, 0);
}

/* Not inlined: the one place a debugger breaks on "a partition trapped"
 * (make debug, docs/getting-started.md), with its frame argument intact. */
static __attribute__((noinline)) void guest_sync(struct frame *f)
{
	uint32_t ec = ESR_EC(f->esr);

	switch (ec) {
	case EC_HVC64:
		/* ELR is already past the HVC. */
		if (!vcpu_handle_call(f->x, 0, ESR_ISS(f->esr) & ESR_HVC_IMM_MASK)) {
			/* Not an SMCCC call: UNDEFINED, which is taken at the HVC
			 * itself, not after it. */
			unskip_instruction(f);
			guest_fault(f, FAULT_UNDEFINED, 0, 0);
		}
		break;
	case EC_SMC64:
		if (vcpu_handle_call(f->x, 1, ESR_ISS(f->esr) & ESR_HVC_IMM_MASK)) {
			/* A trapped SMC returns to itself (preferred return address). */
			skip_instruction(f);
		} else {
			guest_fault(f, FAULT_UNDEFINED, 0, 0);
		}
		break;
	case EC_DABT_LOW:
		data_abort(f);
		break;
	case EC_IABT_LOW: {
		uint32_t type = ESR_ISS(f->esr) & FSC_TYPE_MASK;
		int stage2 = type == FSC_TRANS_L(0) || type == FSC_ACCESS_L(0) ||
			     type == FSC_PERM_L(0);
		guest_fault(f, FAULT_INSN_ABORT, stage2 ? stage2_fault_ipa(f) : 0, 0);
		break;
	}
	case EC_SYS64:
		sysreg_trap(f);
		break;
	case EC_WFX:
		/* Not trapped (TWI/TWE clear); harmless to skip if it ever is. */
		skip_instruction(f);
		break;
	default:
		/* HVC/SMC from AArch32, coprocessor traps, anything else a
		 * partition may not do: UNDEFINED to it, under its policy. */
		guest_fault(f, FAULT_UNDEFINED, 0, 0);
		break;
	}
}

/* Per core, written only by that core (plain increments). */
static struct arch_trap_counts trap_counts[CONFIG_MAX_CORES];

uint32_t *arch_trap_irq_counter(unsigned int core)
{
	return &trap_counts[core % CONFIG_MAX_CORES].irq;
}

void arch_trap_counts(unsigned int core, struct arch_trap_counts *out)
{
	if (core < CONFIG_MAX_CORES) {
		*out = trap_counts[core];
	} else {
		*out = (struct arch_trap_counts){ 0, 0, 0, 0 };
	}
}

void arch_exception(struct frame *f, uint64_t vec);
void arch_exception(struct frame *f, uint64_t vec)
{
	/* TPIDR_EL2 holds the core index, below CONFIG_MAX_CORES (setup.c). */
	struct arch_trap_counts *tc = &trap_counts[read_sysreg(tpidr_el2) % CONFIG_MAX_CORES];

	switch (vec) {
	case VEC_LOW64_SYNC:
	case VEC_LOW32_SYNC:
		tc->sync++;
		guest_sync(f);
		return;
	case VEC_LOW64_IRQ:
	case VEC_LOW32_IRQ:
		/* Group 1: the partition's (virtual mode; in direct mode they
		 * go to EL1 without us). */
		tc->irq++;
		arch_guest_irq();
		return;
	case VEC_LOW64_FIQ:
	case VEC_LOW32_FIQ:
		/* Group 0: ours. */
		tc->fiq++;
		arch_hyp_fiq();
		return;
	case VEC_LOW64_SERROR:
	case VEC_LOW32_SERROR:
		tc->serror++;
		guest_fault(f, FAULT_SERROR, 0, 0);
		return;
	default:
		if (vec >= VEC_IRQ_ACKED_BASE) {
			/* A lower-EL IRQ the fast path acknowledged but left to C
			 * (irq_fast.S). */
			tc->irq++;
			arch_guest_irq_acked((uint32_t)(vec - VEC_IRQ_ACKED_BASE));
			return;
		}
		fault_stop_core(f, vec);
	}
}
