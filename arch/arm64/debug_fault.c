/*
 * Deliberate EL2 exceptions for testing the fault dump and the EL2 memory
 * permissions (debug builds with CONFIG_DEBUG_FAULT_TRIGGER only).
 *   data-abort  store to an address the EL2 tables do not map
 *   undef       an UNDEFINED instruction
 *   write-text  store into the hypervisor's own text (read-only)
 *   exec-data   branch into the hypervisor's data (execute-never)
 *   stack-overflow  unbounded recursion until the EL2 stack runs out
 */
#include "arch.h"
#include "bh_string.h"

#ifdef CONFIG_DEBUG_FAULT_TRIGGER

/* 64 GiB: inside the 39-bit EL2 address space, mapped by nothing. */
#define UNMAPPED_EL2_VA         0x1000000000UL

static uint32_t data_code[4] __attribute__((aligned(16))) = {
	0xd65f03c0U,    /* ret: would be harmless if XN did not stop it */
};

/* Recurses until the stack is gone; the volatile buffer keeps each frame
 * and the volatile limit keeps the compiler from seeing the recursion is
 * unbounded. */
static volatile unsigned int recurse_limit = ~0u;

static unsigned int recurse(unsigned int depth)
{
	volatile uint8_t frame[256];
	frame[0] = (uint8_t)depth;
	if (depth >= recurse_limit) {
		return frame[0];
	}
	return recurse(depth + 1u) + frame[0];
}

void arch_debug_force_fault(const char *kind)
{
	if (strcmp(kind, "data-abort") == 0) {
		*(volatile uint64_t *)UNMAPPED_EL2_VA = 0xdeadbeefUL;
	} else if (strcmp(kind, "undef") == 0) {
		__asm__ volatile("udf #0x42");
	} else if (strcmp(kind, "write-text") == 0) {
		*(volatile uint32_t *)(uintptr_t)&arch_debug_force_fault = 0;
	} else if (strcmp(kind, "stack-overflow") == 0) {
		(void)recurse(0);
	} else if (strcmp(kind, "exec-data") == 0) {
		void (*fn)(void) = (void (*)(void))(uintptr_t)data_code;
		fn();
	}
}

#endif /* CONFIG_DEBUG_FAULT_TRIGGER */
