/* ESR decoding for diagnostics, see arch/esr.h. */
#include "arch/esr.h"
#include "fmt.h"

const char *esr_ec_name(uint32_t ec)
{
	switch (ec) {
	case EC_UNKNOWN:      return "Unknown reason (UNDEFINED instruction)";
	case EC_WFX:          return "Trapped WFI/WFE";
	case EC_CP15_32:      return "Trapped AArch32 MCR/MRC (coproc 15)";
	case EC_CP15_64:      return "Trapped AArch32 MCRR/MRRC (coproc 15)";
	case EC_CP14_MR:      return "Trapped AArch32 MCR/MRC (coproc 14)";
	case EC_CP14_LS:      return "Trapped AArch32 LDC/STC";
	case EC_FP_ASIMD:     return "Trapped FP/SIMD access";
	case EC_CP14_64:      return "Trapped AArch32 MRRC (coproc 14)";
	case EC_BTI:          return "Branch Target exception";
	case EC_ILL:          return "Illegal Execution state";
	case EC_SVC32:        return "SVC from AArch32";
	case EC_HVC32:        return "HVC from AArch32";
	case EC_SMC32:        return "SMC from AArch32";
	case EC_SVC64:        return "SVC from AArch64";
	case EC_HVC64:        return "HVC from AArch64";
	case EC_SMC64:        return "SMC from AArch64";
	case EC_SYS64:        return "Trapped MSR/MRS/system instruction";
	case EC_SVE:          return "Trapped SVE access";
	case EC_IMP_DEF:      return "IMPLEMENTATION DEFINED exception to EL3";
	case EC_IABT_LOW:     return "Instruction Abort from a lower EL";
	case EC_IABT_CUR:     return "Instruction Abort at the current EL";
	case EC_PC_ALIGN:     return "PC alignment fault";
	case EC_DABT_LOW:     return "Data Abort from a lower EL";
	case EC_DABT_CUR:     return "Data Abort at the current EL";
	case EC_SP_ALIGN:     return "SP alignment fault";
	case EC_FP_EXC32:     return "Trapped AArch32 floating-point exception";
	case EC_FP_EXC64:     return "Trapped AArch64 floating-point exception";
	case EC_SERROR:       return "SError interrupt";
	case EC_BREAKPT_LOW:  return "Breakpoint from a lower EL";
	case EC_BREAKPT_CUR:  return "Breakpoint at the current EL";
	case EC_SOFTSTP_LOW:  return "Software Step from a lower EL";
	case EC_SOFTSTP_CUR:  return "Software Step at the current EL";
	case EC_WATCHPT_LOW:  return "Watchpoint from a lower EL";
	case EC_WATCHPT_CUR:  return "Watchpoint at the current EL";
	case EC_BKPT32:       return "BKPT from AArch32";
	case EC_BRK64:        return "BRK from AArch64";
	default:              return "Reserved exception class";
	}
}

const char *esr_fsc_name(uint32_t fsc)
{
	static const char *const trans[] = {
		"translation fault, level 0", "translation fault, level 1",
		"translation fault, level 2", "translation fault, level 3",
	};
	static const char *const addr[] = {
		"address size fault, level 0", "address size fault, level 1",
		"address size fault, level 2", "address size fault, level 3",
	};
	static const char *const access[] = {
		"access flag fault, level 0", "access flag fault, level 1",
		"access flag fault, level 2", "access flag fault, level 3",
	};
	static const char *const perm[] = {
		"permission fault, level 0", "permission fault, level 1",
		"permission fault, level 2", "permission fault, level 3",
	};
	static const char *const walk[] = {
		"external abort on table walk, level 0", "external abort on table walk, level 1",
		"external abort on table walk, level 2", "external abort on table walk, level 3",
	};
	/* Without FEAT_RAS (Cortex-A53, say), 0x1c-0x1f report ECC errors on walks. */
	static const char *const parity_walk[] = {
		"parity/ECC error on table walk, level 0", "parity/ECC error on table walk, level 1",
		"parity/ECC error on table walk, level 2", "parity/ECC error on table walk, level 3",
	};
	uint32_t level = fsc & FSC_LEVEL_MASK;

	fsc &= ESR_ABT_FSC_MASK;
	switch (fsc & FSC_TYPE_MASK) {
	case FSC_ADDR_SIZE_L(0):
		return addr[level];
	case FSC_TRANS_L(0):
		return trans[level];
	case FSC_ACCESS_L(0):
		return access[level];
	case FSC_PERM_L(0):
		return perm[level];
	case FSC_SEA_WALK_L(0):
		return walk[level];
	case FSC_PARITY_WALK_L(0):
		return parity_walk[level];
	default:
		break;
	}
	switch (fsc) {
	case FSC_SEA:         return "synchronous external abort";
	case 0x11U:           return "synchronous tag check fault";
	case 0x18U:           return "parity/ECC error on memory access";
	case FSC_ALIGNMENT:   return "alignment fault";
	case 0x30U:           return "TLB conflict abort";
	case 0x31U:           return "unsupported atomic hardware update";
	case 0x34U:           return "lockdown abort";
	case 0x35U:           return "unsupported exclusive or atomic access";
	default:              return "reserved fault status code";
	}
}

static const char *const access_size[] = { "byte", "halfword", "word", "doubleword" };

int esr_describe_iss(uint64_t esr, char *buf, size_t size)
{
	uint32_t ec = ESR_EC(esr);
	uint32_t iss = ESR_ISS(esr);

	switch (ec) {
	case EC_DABT_LOW:
	case EC_DABT_CUR: {
		uint32_t fsc = iss & ESR_ABT_FSC_MASK;
		if (iss & ESR_DABT_ISV) {
			return bh_snprintf(buf, size,
					   "%s, %s %s x%u%s, %s%s%s",
					   esr_fsc_name(fsc),
					   (iss & ESR_DABT_WNR) ? "write" : "read",
					   access_size[(iss >> ESR_DABT_SAS_SHIFT) & ESR_DABT_SAS_MASK],
					   (iss >> ESR_DABT_SRT_SHIFT) & ESR_DABT_SRT_MASK,
					   (iss & ESR_DABT_SSE) ? " sign-extended" : "",
					   (iss & ESR_ABT_FNV) ? "FAR not valid" : "FAR valid",
					   (iss & ESR_ABT_S1PTW) ? ", on stage-1 table walk" : "",
					   (iss & ESR_ABT_EA) ? ", external abort" : "");
		}
		return bh_snprintf(buf, size,
				   "%s, %s, no instruction syndrome (ISV=0), %s%s%s%s",
				   esr_fsc_name(fsc),
				   (iss & ESR_DABT_WNR) ? "write" : "read",
				   (iss & ESR_ABT_FNV) ? "FAR not valid" : "FAR valid",
				   (iss & ESR_DABT_CM) ? ", cache maintenance" : "",
				   (iss & ESR_ABT_S1PTW) ? ", on stage-1 table walk" : "",
				   (iss & ESR_ABT_EA) ? ", external abort" : "");
	}
	case EC_IABT_LOW:
	case EC_IABT_CUR:
		return bh_snprintf(buf, size, "%s, %s%s",
				   esr_fsc_name(iss & ESR_ABT_FSC_MASK),
				   (iss & ESR_ABT_FNV) ? "FAR not valid" : "FAR valid",
				   (iss & ESR_ABT_S1PTW) ? ", on stage-1 table walk" : "");
	case EC_SYS64:
		return bh_snprintf(buf, size, "%s S%u_%u_C%u_C%u_%u, x%u",
				   (iss & ESR_SYS_READ) ? "mrs" : "msr",
				   (iss >> ESR_SYS_OP0_SHIFT) & 0x3U,
				   (iss >> ESR_SYS_OP1_SHIFT) & 0x7U,
				   (iss >> ESR_SYS_CRN_SHIFT) & 0xfU,
				   (iss >> ESR_SYS_CRM_SHIFT) & 0xfU,
				   (iss >> ESR_SYS_OP2_SHIFT) & 0x7U,
				   (iss >> ESR_SYS_RT_SHIFT) & 0x1fU);
	case EC_HVC64:
	case EC_SMC64:
	case EC_SVC64:
	case EC_BRK64:
		return bh_snprintf(buf, size, "immediate #0x%x", iss & ESR_HVC_IMM_MASK);
	default:
		return bh_snprintf(buf, size, "ISS 0x%07x", iss);
	}
}
