/*
 * The baremetal guest's hardening actions (wdt.c): the SP805 watchdog the
 * partition's DTB describes, Bulkhead's counters hypercalls, and the
 * misbehaviours whose console output the hypervisor must keep bounded.
 */
#ifndef BM_WDT_H
#define BM_WDT_H

#include <stdbool.h>

/* Runs one of these actions if `a` names one; false if it does not. */
bool bm_wdt_action(const char *a);

#endif
