/* What the guest learns from its device tree at boot. */
#ifndef BM_MACHINE_H
#define BM_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "bm_config.h"

#define BM_BOOTARGS_MAX 512
#define BM_NAME_MAX 32       /* partition names and DTB alias names */

struct bm_machine {
    bool dtb_ok;
    uint32_t ncpus;                 /* CPUs in the DTB (may exceed BM_MAX_CPUS) */
    uint64_t mpidr[BM_MAX_CPUS];
    uint32_t boot_index;
    bool have_mem;
    uint64_t mem_base;
    uint64_t mem_size;
    uint32_t boot_count;
    uint64_t dtb_base;              /* where the DTB was given, and its size */
    uint32_t dtb_size;
    bool have_initrd;               /* /chosen linux,initrd-start/end */
    uint64_t initrd_start;
    uint64_t initrd_end;
    char bootargs[BM_BOOTARGS_MAX];
};

extern struct bm_machine bm_machine;

/* Reads CPUs, the first memory bank, /chosen (console, bootargs, boot count)
 * from the DTB at dtb. bm_machine.dtb_ok says whether it was a valid DTB. */
void bm_read_dtb(const void *dtb);

#endif /* BM_MACHINE_H */
