/*
 * An emulated PL011 per partition, transmit only: what the partition writes
 * reaches the hypervisor console line by line, behind its partition's name,
 * so several partitions share the board's one UART without mixing characters.
 */
#ifndef BULKHEAD_VUART_H
#define BULKHEAD_VUART_H

#include <stdint.h>

#define VUART_LINE_MAX 160u

struct vuart {
	const char *name;
	uint64_t base_ipa;
	uint32_t cr;              /* registers a driver writes and reads back */
	uint32_t lcr_h;
	uint32_t ibrd;
	uint32_t fbrd;
	uint32_t imsc;
	uint32_t ifls;
	uint32_t len;
	uint32_t wrapped;         /* the last line was cut at VUART_LINE_MAX */
	char line[VUART_LINE_MAX + 1];
};

void vuart_init(struct vuart *u, const char *name, uint64_t base_ipa);
/* Returns 1 if ipa is inside this UART's page. */
int vuart_covers(const struct vuart *u, uint64_t ipa);
/* A load or store the partition made; *value in/out. Returns 1 if the UART
 * takes it: unknown offsets read as zero and ignore writes. Returns 0, having
 * read and written nothing, for an access no PL011 takes (not at a
 * register's first byte, or not 8, 16 or 32 bits wide): the caller answers
 * it as the bus would, with an external abort. Total over offsets and sizes. */
int vuart_access(struct vuart *u, uint64_t offset, int is_write, unsigned int size,
		 uint64_t *value);
/* Emits what is buffered, if anything (on stop or restart). */
void vuart_flush(struct vuart *u);

#endif /* BULKHEAD_VUART_H */
