/*
 * Data abort syndrome decoding (Arm ARM D19.2, ESR_EL2, ISS encoding for an
 * exception from a Data Abort). See arch/dabt.h.
 */
#include "arch/dabt.h"
#include "arch/esr.h"

static uint64_t low_bytes(uint64_t v, unsigned int size)
{
	return size >= 8u ? v : v & ((1UL << (8u * size)) - 1u);
}

void dabt_decode(uint64_t esr, struct dabt_access *a)
{
	uint32_t iss = ESR_ISS(esr);
	uint32_t type = iss & ESR_ABT_FSC_MASK & FSC_TYPE_MASK;

	a->stage2 = type == FSC_TRANS_L(0) || type == FSC_ACCESS_L(0) || type == FSC_PERM_L(0);
	a->plain = a->stage2 && !(iss & ESR_ABT_S1PTW) && !(iss & ESR_DABT_CM);
	a->syndrome = (iss & ESR_DABT_ISV) != 0;
	a->is_write = (iss & ESR_DABT_WNR) != 0;
	a->size = 1u << ((iss >> ESR_DABT_SAS_SHIFT) & ESR_DABT_SAS_MASK);
	a->rt = (iss >> ESR_DABT_SRT_SHIFT) & ESR_DABT_SRT_MASK;
	a->sign_extend = (iss & ESR_DABT_SSE) != 0;
	a->wide = (iss & ESR_DABT_SF) != 0;
}

uint64_t dabt_store_value(const struct dabt_access *a, uint64_t reg)
{
	return a->rt == 31u ? 0 : low_bytes(reg, a->size);
}

uint64_t dabt_load_value(const struct dabt_access *a, uint64_t raw)
{
	uint64_t v = low_bytes(raw, a->size);
	if (a->sign_extend && a->size < 8u && (v & (1UL << (8u * a->size - 1u)))) {
		v |= ~((1UL << (8u * a->size)) - 1u);
	}
	if (!a->wide) {
		v &= 0xffffffffUL;
	}
	return v;
}
