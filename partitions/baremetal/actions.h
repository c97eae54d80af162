/*
 * The baremetal guest's "act=" actions (actions.c; README.md, "Bootargs").
 */
#ifndef BM_ACTIONS_H
#define BM_ACTIONS_H

/* act=A,B,...: performs each action of cmd.act in turn, on this CPU. */
void do_action(void);

#endif
