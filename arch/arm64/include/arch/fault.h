/* Reporting exceptions the hypervisor itself takes. */
#ifndef ARCH_FAULT_H
#define ARCH_FAULT_H

#include <stdint.h>

#include "arch/frame.h"

/* Prints the decoded diagnostic for an exception frame. */
void fault_dump(const struct frame *f, uint64_t vec);

/* Dumps and stops this core for good. */
void fault_stop_core(const struct frame *f, uint64_t vec) __attribute__((noreturn));

#endif /* ARCH_FAULT_H */
