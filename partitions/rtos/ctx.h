/*
 * Layout of a task's saved context (struct task_ctx, the first member of
 * struct task), shared by C and the exception entry in start.S. The entry
 * code saves a task's registers straight into its TCB (TPIDR_EL1 points at
 * the current one), never onto the task's own stack: a task that overflowed
 * its stack can still be reported and stopped.
 */
#ifndef RTOS_CTX_H
#define RTOS_CTX_H

#define CTX_X0 0
#define CTX_X30 (30 * 8)
#define CTX_SP (31 * 8)   /* the task's SP_EL0 */
#define CTX_ELR (32 * 8)
#define CTX_SPSR (33 * 8)
#define CTX_SIZE (34 * 8)

/* Exception kinds passed to rtos_trap() (the vector's slot in its group). */
#define TRAP_SYNC 0
#define TRAP_IRQ 1
#define TRAP_FIQ 2
#define TRAP_SERROR 3

/* Bytes of the exception stack (SP_EL1): boot code, then every trap. */
#define RTOS_KSTACK_SIZE 8192
#define RTOS_PAGE_SIZE 4096

#endif
