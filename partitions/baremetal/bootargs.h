/*
 * The baremetal guest's bootargs (bootargs.c): what /chosen/bootargs asks it
 * to do (README.md, "Bootargs").
 */
#ifndef BM_BOOTARGS_H
#define BM_BOOTARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h" /* BM_NAME_MAX */

#define BM_ACT_MAX 192

struct bm_cmd {
    char name[BM_NAME_MAX];
    bool smp;
    bool timestamp;   /* "ts": print the counter at the first line (boot benchmark) */
    uint32_t hb_ms;
    bool have_act;
    char act[BM_ACT_MAX];
    uint64_t at;
    uint32_t on;      /* "on=N": CPU N (DTB order) performs the action */
    bool irq;         /* "irq": GIC set up on every CPU, IRQs unmasked */
    uint32_t tick_ms; /* "tick=MS": virtual timer interrupt on every CPU */
    uint32_t ptick_ms;/* "ptick=MS": EL1 physical timer interrupt on every CPU */
};

/* What the bootargs asked for: set by parse_bootargs() on the boot CPU. */
extern struct bm_cmd cmd;
/* Fills cmd from the bootargs string, defaults first. */
void parse_bootargs(const char *args);

#endif
