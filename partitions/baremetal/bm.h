/*
 * Shared declarations of the baremetal guest.
 */
#ifndef BM_H
#define BM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* picolibc's: mem*, strnlen, strcmp, strncmp, strlen */

#include "bm_config.h"

/* lib.c: what picolibc has no exact equivalent for. */
/* Copy at most size-1 bytes of src[0..len) and terminate; returns bytes copied. */
size_t bm_strlcpy_n(char *dst, size_t size, const char *src, size_t len);
/* Parse the whole of s[0..len): decimal, or hex with a 0x prefix (or hex=true). */
bool bm_parse_u64(const char *s, size_t len, bool hex, uint64_t *out);

static inline bool bm_startswith(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* fmt.c: picolibc's integer-only vfprintf into buf (no %f). */
size_t bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* Returns the length written (not counting the NUL), at most size - 1. */
size_t bm_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* console.c */
void bm_console_set_base(uint64_t base);
/* Prints "bm: " + the formatted text + CRLF as one locked write loop. */
void bm_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* start.S */
extern char bm_secondary_entry[];
void bm_park(void) __attribute__((noreturn));
uint64_t bm_hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t bm_smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* main.c, called from start.S */
/* entry_count: CNTVCT_EL0 at the first instruction (boot benchmark). */
void bm_main(const void *dtb, uint64_t entry_count);
void bm_secondary_main(uint64_t slot);
/* main.c: PSCI CPU_ON of mpidr into bm_secondary_main(slot); the PSCI result. */
int32_t cpu_on(uint64_t mpidr, uint64_t slot);
/* main.c: per slot, set while its CPU is in a "suspend:" CPU_SUSPEND call. */
extern volatile uint32_t suspended[BM_NUM_SLOTS];

/* exception.c, called from start.S */
struct bm_frame {
    uint64_t x[BM_FRAME_REGS];
    uint64_t elr;
    uint64_t spsr;
    uint64_t pad;
};
void bm_exception(struct bm_frame *frame, uint64_t index);
/* exception.c: exceptions caught so far (a hardening probe's not counted). */
extern volatile uint32_t caught_count;
/* exception.c: set by "fault-storm": count caught exceptions, print none. */
extern volatile bool quiet_catch;

/* Base address of the console UART in use. */
uint64_t bm_console_base(void);

#endif
