/*
 * Console output on a PL011 UART. Only UARTDR writes and UARTFR reads are
 * used, each a single 32-bit ldr/str with no writeback: that is all the
 * hypervisor's emulated PL011 implements, and all it can decode from a trap.
 *
 * Lines from different cores are serialised by a Lamport bakery lock. It needs
 * only plain loads and stores, because with the MMU off our memory is Device
 * memory, on which exclusive loads/stores are not architecturally guaranteed.
 */
#include "bm.h"
#include "sysreg.h"

#define PL011_UARTDR 0x000
#define PL011_UARTFR 0x018
#define PL011_UARTFR_TXFF (1U << 5) /* transmit FIFO full */

/* A stuck UART must not hang the guest: give up waiting after this many polls. */
#define PL011_TX_POLL_LIMIT 1000000U

#define BM_LINE_MAX 200
#define BM_LINE_PREFIX "bm: "

static uint64_t uart_base = BM_FALLBACK_UART;

/* Bakery lock state, one entry per slot (see bm_config.h). */
static volatile uint32_t lock_choosing[BM_NUM_SLOTS];
static volatile uint32_t lock_ticket[BM_NUM_SLOTS];
/* Nesting depth per slot: an SError taken while printing must not self-deadlock. */
static volatile uint32_t lock_depth[BM_NUM_SLOTS];

void bm_console_set_base(uint64_t base)
{
    uart_base = base;
}

static uint32_t mmio_read32(uint64_t addr)
{
    uint32_t v;

    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
    return v;
}

static void mmio_write32(uint64_t addr, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(addr) : "memory");
}

static void uart_putc(char c)
{
    for (uint32_t i = 0; i < PL011_TX_POLL_LIMIT; i++) {
        if ((mmio_read32(uart_base + PL011_UARTFR) & PL011_UARTFR_TXFF) == 0) {
            break;
        }
    }
    mmio_write32(uart_base + PL011_UARTDR, (uint32_t)(unsigned char)c);
}

static uint64_t my_slot(void)
{
    uint64_t slot = read_sysreg(tpidr_el1);

    return slot < BM_NUM_SLOTS ? slot : BM_SPARE_SLOT;
}

static void lock_acquire(uint64_t me)
{
    uint32_t max = 0;

    if (lock_depth[me]++ != 0) {
        return; /* re-entered from an exception on this core */
    }
    lock_choosing[me] = 1;
    dmb_sy();
    for (uint32_t j = 0; j < BM_NUM_SLOTS; j++) {
        if (lock_ticket[j] > max) {
            max = lock_ticket[j];
        }
    }
    lock_ticket[me] = max + 1;
    dmb_sy();
    lock_choosing[me] = 0;
    dmb_sy();
    for (uint32_t j = 0; j < BM_NUM_SLOTS; j++) {
        if (j == me) {
            continue;
        }
        while (lock_choosing[j] != 0) {
            __asm__ volatile("yield");
        }
        dmb_sy();
        for (;;) {
            uint32_t t = lock_ticket[j];

            if (t == 0 || t > lock_ticket[me] ||
                (t == lock_ticket[me] && j > me)) {
                break;
            }
            __asm__ volatile("yield");
        }
    }
    dmb_sy();
}

static void lock_release(uint64_t me)
{
    if (--lock_depth[me] != 0) {
        return;
    }
    dmb_sy();
    lock_ticket[me] = 0;
    dmb_sy();
}

void bm_print(const char *fmt, ...)
{
    char line[BM_LINE_MAX];
    size_t prefix = sizeof(BM_LINE_PREFIX) - 1;
    size_t len;
    va_list ap;
    uint64_t me = my_slot();

    memcpy(line, BM_LINE_PREFIX, prefix);
    va_start(ap, fmt);
    /* Leave room for CR LF NUL after the text. */
    len = prefix + bm_vsnprintf(line + prefix, sizeof(line) - prefix - 2, fmt, ap);
    va_end(ap);
    line[len++] = '\r';
    line[len++] = '\n';

    lock_acquire(me);
    for (size_t i = 0; i < len; i++) {
        uart_putc(line[i]);
    }
    lock_release(me);
}

uint64_t bm_console_base(void)
{
    return uart_base;
}
