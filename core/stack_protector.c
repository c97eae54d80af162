/*
 * The distribution's libfdt.a is built with -fstack-protector-strong; these are
 * the two symbols its canary checks use. A smashed canary during boot-time
 * DTB parsing is a hypervisor fault like any other.
 */
#include <stdint.h>

#include "check.h"

/* A fixed guard: libfdt runs only on the boot core, before any partition,
 * so there is no attacker to guess it yet; it catches overruns, not exploits. */
uintptr_t __stack_chk_guard = 0x5bd1e995b1a5e7edUL;

void __stack_chk_fail(void) __attribute__((noreturn));
void __stack_chk_fail(void)
{
	panic("stack protector: a stack buffer overran during boot-time DTB parsing");
}
