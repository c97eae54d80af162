/*
 * The cross-core mailbox: see mailbox.h. Posters are other cores (or the
 * core itself); the taker is the mailbox's core, in its idle loop.
 */
#include "mailbox.h"

#ifdef BH_HOST_BUILD
void (*mailbox_race_hook)(int step);
#define RACE_POINT(n) do { if (mailbox_race_hook != 0) { mailbox_race_hook(n); } } while (0)
#else
#define RACE_POINT(n) do { } while (0)
#endif

/* Sequence numbers run 1.. and wrap within the request word's bits; 0 means
 * "being written". */
#define SEQ_MAX            ((1u << (32 - MAILBOX_SEQ_SHIFT)) - 1u)

static uint32_t next_seq(uint32_t s)
{
	return s >= SEQ_MAX ? 1u : s + 1u;
}

int mailbox_post_start(struct mailbox *m, const struct mailbox_start *s)
{
	uint32_t seq = next_seq(__atomic_load_n(&m->seq, __ATOMIC_RELAXED));
	__atomic_store_n(&m->seq, seq, __ATOMIC_RELAXED);

	/* A STOP pending is never overwritten: its poster waits for it. */
	uint32_t cur = __atomic_load_n(&m->request, __ATOMIC_ACQUIRE);
	if ((cur & MAILBOX_REQ_MASK) == MAILBOX_STOP) {
		return 0;
	}
	/* The payload: marked as being written, written, then stamped. A taker
	 * that reads it in between sees the stamp change and drops it. */
	__atomic_store_n(&m->payload_seq, 0u, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	m->payload.entry = s->entry;
	m->payload.arg = s->arg;
	m->payload.epoch = s->epoch;
	__atomic_store_n(&m->payload_seq, seq, __ATOMIC_RELEASE);

	uint32_t want = MAILBOX_START | (seq << MAILBOX_SEQ_SHIFT);
	for (unsigned int tries = 0; tries < 2u; tries++) {
		if ((cur & MAILBOX_REQ_MASK) == MAILBOX_STOP) {
			return 0;
		}
		if (__atomic_compare_exchange_n(&m->request, &cur, want, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			return 1;
		}
	}
	/* Two changes under us: a taker took (NONE) and someone posted, or a
	 * STOP came. Only a STOP stops us; otherwise ours is the latest. */
	if ((cur & MAILBOX_REQ_MASK) == MAILBOX_STOP) {
		return 0;
	}
	__atomic_store_n(&m->request, want, __ATOMIC_RELEASE);
	return 1;
}

void mailbox_post_stop(struct mailbox *m)
{
	__atomic_store_n(&m->request, (uint32_t)MAILBOX_STOP, __ATOMIC_RELEASE);
}

enum mailbox_req mailbox_peek(const struct mailbox *m)
{
	return (enum mailbox_req)(__atomic_load_n(&m->request, __ATOMIC_ACQUIRE) & MAILBOX_REQ_MASK);
}

int mailbox_take_stop(struct mailbox *m)
{
	uint32_t expected = MAILBOX_STOP;
	return __atomic_compare_exchange_n(&m->request, &expected, (uint32_t)MAILBOX_NONE, 0,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

int mailbox_take_start(struct mailbox *m, struct mailbox_start *out)
{
	uint32_t cur = __atomic_load_n(&m->request, __ATOMIC_ACQUIRE);
	if ((cur & MAILBOX_REQ_MASK) != MAILBOX_START) {
		return 0;
	}
	if (!__atomic_compare_exchange_n(&m->request, &cur, (uint32_t)MAILBOX_NONE, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		return 0;   /* changed under us: looked at again next round */
	}
	uint32_t seq = cur >> MAILBOX_SEQ_SHIFT;
	RACE_POINT(1);
	if (__atomic_load_n(&m->payload_seq, __ATOMIC_ACQUIRE) != seq) {
		return 0;
	}
	out->entry = m->payload.entry;
	RACE_POINT(2);
	out->arg = m->payload.arg;
	out->epoch = m->payload.epoch;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	RACE_POINT(3);
	/* Unchanged since we claimed it: the payload read is that post's. */
	return __atomic_load_n(&m->payload_seq, __ATOMIC_RELAXED) == seq;
}
