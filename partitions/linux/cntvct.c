/*
 * cntvct: prints the virtual counter and its frequency, for /init's boot
 * timestamps (partitions/linux/init), as one line:
 *
 *     cntvct 123456789 cntfrq 62500000
 *
 * CNTVCT_EL0 counts from the machine's reset on QEMU (and in a Bulkhead
 * partition too: the hypervisor sets CNTVOFF_EL2 to 0), so ticks / cntfrq is
 * the time since reset; under -icount it is virtual time. Linux lets EL0 read
 * the virtual counter (CNTKCTL_EL1.EL0VCTEN, for its vDSO).
 *
 * A static program with no C library: _start reads both registers, writes the
 * line with the write system call and leaves with exit. Built by rules.mk:
 *     aarch64-linux-gnu-gcc -static -nostdlib -ffreestanding -O2 ...
 */
typedef unsigned long u64;

#define SYS_WRITE 64
#define SYS_EXIT 93

static long sys3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

/* Appends the decimal digits of v at p; returns the new end. */
static char *put_dec(char *p, u64 v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0) {
		*p++ = tmp[--n];
	}
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s != '\0') {
		*p++ = *s++;
	}
	return p;
}

void _start(void) __attribute__((noreturn, used));
void _start(void)
{
	u64 cnt, frq;
	char line[64];
	char *p = line;

	/* The ISB keeps the counter read from being taken early. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(cnt) : : "memory");
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(frq));
	p = put_str(p, "cntvct ");
	p = put_dec(p, cnt);
	p = put_str(p, " cntfrq ");
	p = put_dec(p, frq);
	*p++ = '\n';
	long r = sys3(SYS_WRITE, 1, (long)line, p - line);
	sys3(SYS_EXIT, r == p - line ? 0 : 1, 0, 0);
	for (;;) {
	}
}
