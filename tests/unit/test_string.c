/*
 * Host tests for core/lib/string.c: memcpy and memset (the partition loader
 * copies images with memcpy's 64-byte blocks) against a byte-by-byte model,
 * for every length up to 300 and every alignment of both ends within a
 * doubleword, with guard bytes around the destination.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bh_string.h"

#define MAXLEN 300u
#define GUARD  16u

static uint8_t src[MAXLEN + 2u * GUARD];
static uint8_t dst[MAXLEN + 2u * GUARD];
static uint8_t want[MAXLEN + 2u * GUARD];

/* The model writes through volatile, so the compiler cannot turn its loops
 * into calls of the very functions under test. */
static void fill(volatile uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (uint8_t)(seed + i * 7u);
	}
}

static void test_memcpy_every_length_and_alignment(void **state)
{
	(void)state;
	fill(src, sizeof(src), 3);
	for (size_t so = 0; so < 8u; so++) {
		for (size_t dof = 0; dof < 8u; dof++) {
			for (size_t n = 0; n <= MAXLEN; n++) {
				fill(dst, sizeof(dst), 0xa5);
				fill(want, sizeof(want), 0xa5);
				volatile uint8_t *w = want;
				for (size_t i = 0; i < n; i++) {
					w[GUARD + dof + i] = src[GUARD + so + i];
				}
				void *r = memcpy(dst + GUARD + dof, src + GUARD + so, n);
				assert_ptr_equal(r, dst + GUARD + dof);
				assert_memory_equal(dst, want, sizeof(dst));
			}
		}
	}
}

static void test_memset_every_length_and_alignment(void **state)
{
	(void)state;
	for (size_t dof = 0; dof < 8u; dof++) {
		for (size_t n = 0; n <= MAXLEN; n++) {
			fill(dst, sizeof(dst), 0x5a);
			fill(want, sizeof(want), 0x5a);
			volatile uint8_t *w = want;
			for (size_t i = 0; i < n; i++) {
				w[GUARD + dof + i] = 0xc3;
			}
			memset(dst + GUARD + dof, 0x1c3, n);   /* only the low byte counts */
			assert_memory_equal(dst, want, sizeof(dst));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_every_length_and_alignment),
		cmocka_unit_test(test_memset_every_length_and_alignment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
