/*
 * What a data abort's syndrome says about the access that caused it, as far
 * as EL2 needs to know to emulate it or to refuse it. Pure functions of the
 * ESR value, so tests/unit checks them over every possible ISS.
 */
#ifndef ARCH_DABT_H
#define ARCH_DABT_H

#include <stdint.h>

struct dabt_access {
	int stage2;          /* translation, access-flag or permission fault: HPFAR holds the IPA */
	int plain;           /* stage2, and not on a stage-1 walk nor cache maintenance */
	int syndrome;        /* ISV: size and register below are valid */
	int is_write;
	unsigned int size;   /* bytes: 1, 2, 4 or 8 */
	unsigned int rt;     /* transfer register, 31 = the zero register */
	int sign_extend;     /* SSE: a narrower load sign-extends */
	int wide;            /* SF: the register is 64 bits (else 32, upper half zeroed) */
};

void dabt_decode(uint64_t esr, struct dabt_access *a);

/* The bytes a store writes, from the value of its register. */
uint64_t dabt_store_value(const struct dabt_access *a, uint64_t reg);

/* The register value a load leaves, from the bytes the device returned. */
uint64_t dabt_load_value(const struct dabt_access *a, uint64_t raw);

#endif /* ARCH_DABT_H */
