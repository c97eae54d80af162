/*
 * Build-time limits of the baremetal test guest, shared by C and assembly.
 */
#ifndef BM_CONFIG_H
#define BM_CONFIG_H

/* CPUs of the DTB we record and can start; larger DTBs are counted, not used. */
#define BM_MAX_CPUS 16

/*
 * Stack slots: one per DTB CPU index, plus one spare for a CPU_ON action whose
 * target MPIDR is not in our DTB (it may still succeed natively).
 */
#define BM_SPARE_SLOT BM_MAX_CPUS
#define BM_NUM_SLOTS (BM_MAX_CPUS + 1)

/* Per-core stack; the deepest path is an exception frame plus one formatted line. */
#define BM_STACK_SIZE 8192

/* Saved register frame on exception entry: x0..x30, ELR, SPSR, padding. */
#define BM_FRAME_REGS 31
#define BM_FRAME_ELR (BM_FRAME_REGS * 8)
#define BM_FRAME_SPSR (BM_FRAME_ELR + 8)
#define BM_FRAME_PAD (BM_FRAME_SPSR + 8)   /* IRQ entries: CNTVCT at entry */
#define BM_FRAME_SIZE (BM_FRAME_SPSR + 16) /* keeps SP 16-byte aligned */

/* Where QEMU virt's PL011 sits; used only if the DTB names no usable UART. */
#define BM_FALLBACK_UART 0x09000000

#endif
