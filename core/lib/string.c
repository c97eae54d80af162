/*
 * The C library pieces the hypervisor and the distribution's libfdt.a link
 * against. Byte-at-a-time on purpose (small, obviously correct, no FP/SIMD),
 * except memcpy, which loads partition images, and memset, which clears a
 * partition's interrupt state at every start (both are on the boot-time
 * path the boot benchmark measures).
 */
#include <stddef.h>
#include <stdint.h>

#include "bh_string.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	size_t i = 0;
	/* Loading a partition copies its whole kernel (31 MiB for Linux, at
	 * every start): 64-byte blocks of eight doublewords when both ends
	 * are aligned (the compiler pairs them into LDP/STP; general registers
	 * only, no SIMD at EL2), then doublewords, then bytes for the rest. */
	if ((((uintptr_t)d | (uintptr_t)s) & 7u) == 0) {
		for (; i + 64u <= n; i += 64u) {
			const uint64_t *from = (const uint64_t *)(const void *)(s + i);
			uint64_t *to = (uint64_t *)(void *)(d + i);
			uint64_t a0 = from[0], a1 = from[1], a2 = from[2], a3 = from[3];
			uint64_t a4 = from[4], a5 = from[5], a6 = from[6], a7 = from[7];
			to[0] = a0;
			to[1] = a1;
			to[2] = a2;
			to[3] = a3;
			to[4] = a4;
			to[5] = a5;
			to[6] = a6;
			to[7] = a7;
		}
		for (; i + 8u <= n; i += 8u) {
			*(uint64_t *)(void *)(d + i) = *(const uint64_t *)(const void *)(s + i);
		}
	}
	for (; i < n; i++) {
		d[i] = s[i];
	}
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d < s) {
		for (size_t i = 0; i < n; i++) {
			d[i] = s[i];
		}
	} else {
		for (size_t i = n; i > 0; i--) {
			d[i - 1] = s[i - 1];
		}
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	size_t i = 0;
	/* Doublewords where aligned, bytes for the rest. */
	if (((uintptr_t)d & 7u) == 0) {
		uint64_t v = (uint8_t)c * 0x0101010101010101ull;
		for (; i + 8u <= n; i += 8u) {
			*(uint64_t *)(void *)(d + i) = v;
		}
	}
	for (; i < n; i++) {
		d[i] = (uint8_t)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a;
	const uint8_t *y = b;
	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const uint8_t *p = s;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == (uint8_t)c) {
			return (void *)(uintptr_t)(p + i);
		}
	}
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n] != '\0') {
		n++;
	}
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n] != '\0') {
		n++;
	}
	return n;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c) {
			return (char *)(uintptr_t)s;
		}
		if (*s == '\0') {
			return NULL;
		}
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c) {
			last = s;
		}
		if (*s == '\0') {
			return (char *)(uintptr_t)last;
		}
	}
}

int strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || a[i] == '\0') {
			return (unsigned char)a[i] - (unsigned char)b[i];
		}
	}
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'Z') {
		return c - 'A' + 10;
	}
	return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t') {
		s++;
	}
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0 && s[0] == '0') {
		base = 8;
	} else if (base == 0) {
		base = 10;
	}
	for (; digit_value(*s) < base; s++) {
		v = v * (unsigned long)base + (unsigned long)digit_value(*s);
	}
	if (end != NULL) {
		*end = (char *)(uintptr_t)s;
	}
	return v;
}
