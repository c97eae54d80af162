/* Reporting exceptions the hypervisor itself takes. */
#ifndef ARCH_FAULT_H
#define ARCH_FAULT_H

#include <stdint.h>

#include "arch/frame.h"

/* Prints the decoded diagnostic for an exception frame. */
void fault_dump(const struct frame *f, uint64_t vec);

#endif /* ARCH_FAULT_H */
