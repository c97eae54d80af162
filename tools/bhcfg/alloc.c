/*
 * Allocation that never returns NULL: running out of memory stops the tool
 * at once, which is safe because outputs are only written at the very end.
 */
#define _XOPEN_SOURCE 700

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bhcfg.h"

/* A host tool cannot do anything useful without memory: say so and stop
 * before anything has been written (outputs are written last). */
void out_of_memory(void)
{
	fprintf(stderr, "bhcfg: out of memory\n");
	exit(1);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL) {
		out_of_memory();
	}
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL) {
		out_of_memory();
	}
	return p;
}
