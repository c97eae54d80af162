/*
 * The baremetal guest's fw-cfg DMA action (fwcfg.c).
 */
#ifndef BM_FWCFG_H
#define BM_FWCFG_H

#include <stdbool.h>

/* Runs "fwcfg-dma:ADDR" if `a` is that action; false if it is not. */
bool bm_fwcfg_action(const char *a);

#endif
