/*
 * A core's mailbox: how other cores ask it to start its vCPU (with an entry
 * point, an argument and the partition run the request belongs to) or to
 * stop. Lock-free: the request word changes only by compare-and-swap, and a
 * START's payload is published under a sequence number that the request
 * word carries, so the core that takes a START either reads the payload
 * that request was posted with, whole, or drops it - never a mix of two
 * posts, never an older one (issue: a stalled core entering a new run at a
 * stale entry point).
 */
#ifndef BULKHEAD_MAILBOX_H
#define BULKHEAD_MAILBOX_H

#include <stdint.h>

enum mailbox_req {
	MAILBOX_NONE = 0,
	MAILBOX_START = 1,
	MAILBOX_STOP = 2,
};

#define MAILBOX_REQ_MASK   3u
#define MAILBOX_SEQ_SHIFT  2

struct mailbox_start {
	uint64_t entry;
	uint64_t arg;
	uint32_t epoch;          /* the partition run it belongs to */
};

struct mailbox {
	uint32_t request;        /* MAILBOX_* | seq << MAILBOX_SEQ_SHIFT */
	uint32_t parked;         /* set by the core once it waits at EL2 */
	uint32_t seq;            /* of the last START posted (poster side) */
	uint32_t payload_seq;    /* seq the payload below was written for; 0 while written */
	struct mailbox_start payload;
};

/* Posts a START (replacing a START not taken yet, never a STOP). Returns 0
 * if a STOP was pending and the START was not posted. */
int mailbox_post_start(struct mailbox *m, const struct mailbox_start *s);
/* Posts a STOP, replacing anything pending. */
void mailbox_post_stop(struct mailbox *m);
/* The request pending, without taking it. */
enum mailbox_req mailbox_peek(const struct mailbox *m);
/* Takes a pending STOP; 1 if there was one. */
int mailbox_take_stop(struct mailbox *m);
/* Takes a pending START into *out; 1 if the payload read is the one that
 * request was posted with, 0 if there was none or it was replaced while
 * being read (the replacement stays pending). */
int mailbox_take_start(struct mailbox *m, struct mailbox_start *out);

#ifdef BH_HOST_BUILD
/* Host tests: called between the steps of mailbox_take_start, to interleave
 * another core's post. */
extern void (*mailbox_race_hook)(int step);
#endif

#endif /* BULKHEAD_MAILBOX_H */
