/* The shared console: focus, input and the emulated UARTs' interrupt lines.
 * See console_mux.h. */
#include "arch.h"
#include "console_mux.h"
#include "log.h"
#include "partition.h"
#include "plat.h"
#include "spinlock.h"
#include "vcpu.h"
#include "vgic.h"
#include "vuart.h"

/* Bytes taken from the UART per interrupt: a bound on this handler, not on
 * input (the line stays up while more waits, and the interrupt comes back). */
#define CONSOLE_RX_BOUND        64u

/* The focus and the input path: input is handled on whichever core the
 * interrupt reaches, and the focus moves under it. Taken before a
 * partition's lock, never after. */
static spinlock_t focus_lock;
static struct partition *focus;
/* Bytes for a partition that was not running, said when the focus moves. */
static uint32_t input_dropped;

static int has_console(const struct partition *p)
{
	return p->cfg->console_ipa != 0;
}

/* Under p->lock: the emulated UART's output line onto its SPI. Set while
 * up (see vgic_spi_set_level); cleared once when it falls. */
static void drive_line(struct partition *p)
{
	struct vuart *u = &p->vuart;
	int level = vuart_irq_level(u);
	if (level || u->line_driven) {
		vgic_spi_set_level(&p->vgic, u->intid, level);
	}
	u->line_driven = (uint32_t)level;
}

int console_mux_uart_access(struct partition *p, uint64_t offset, int is_write,
			    unsigned int size, uint64_t *value)
{
	int taken = vuart_access(&p->vuart, offset, is_write, size, value);
	if (taken) {
		drive_line(p);
	}
	return taken;
}

void console_mux_reset(struct partition *p)
{
	spin_lock(&p->lock);
	vuart_reset(&p->vuart);
	vgic_spi_set_level(&p->vgic, p->vuart.intid, 0);
	spin_unlock(&p->lock);
}

/* Under focus_lock. */
static void set_live(struct partition *p, int live)
{
	spin_lock(&p->lock);
	vuart_set_live(&p->vuart, live);
	spin_unlock(&p->lock);
}

/* Under focus_lock: input to p from now on, and the interrupt to its first
 * core, so no other partition's core is woken by typing. */
static void focus_on(struct partition *p)
{
	if (focus != NULL) {
		set_live(focus, 0);
	}
	focus = p;
	set_live(p, 1);
	arch_irq_route_console(vcpu_core_mpidr(p->cfg->cpus[0]));
}

/* The next partition after the focus, in configuration order, that has an
 * emulated console; the focus itself if it is the only one. */
static struct partition *next_console(void)
{
	unsigned int n = partition_count();
	unsigned int from = focus != NULL ? focus->cfg->id : n - 1u;
	for (unsigned int k = 1; k <= n; k++) {
		struct partition *p = partition_get((from + k) % n);
		if (p != NULL && has_console(p)) {
			return p;
		}
	}
	return focus;
}

void console_mux_init(void)
{
	struct partition *first = NULL;
	unsigned int consoles = 0;
	for (unsigned int i = 0; i < partition_count(); i++) {
		struct partition *p = partition_get(i);
		if (p != NULL && p->cfg->console_passthrough) {
			/* The UART and its interrupt are that partition's
			 * devices (bhcfg refuses emulated consoles beside it). */
			LOG_INFO("console: the board's UART is passed through to \"%s\": the "
				 "hypervisor's lines stop when it starts", p->cfg->name);
			return;
		}
		if (p != NULL && has_console(p)) {
			consoles++;
			/* console-focus names it (bhcfg allows one), else the
			 * first in configuration order. */
			if (first == NULL || (p->cfg->console_focus && !first->cfg->console_focus)) {
				first = p;
			}
		}
	}
	uint32_t intid = plat_console_rx_intid();
	if (first == NULL || intid == 0) {
		if (first != NULL) {
			LOG_INFO("console: this board takes no input; partitions' consoles are output only");
		}
		return;
	}
	spin_lock(&focus_lock);
	focus = first;
	set_live(first, 1);
	arch_irq_claim_console(intid, vcpu_core_mpidr(first->cfg->cpus[0]));
	spin_unlock(&focus_lock);
	plat_console_rx_enable();
	if (consoles > 1) {
		LOG_INFO("console: input goes to \"%s\"; Ctrl-\\ moves it to the next partition",
			 first->cfg->name);
	} else {
		LOG_INFO("console: input goes to \"%s\"", first->cfg->name);
	}
}

/* Under focus_lock: one byte for the partition with the focus. */
static void deliver(uint8_t c)
{
	struct partition *p = focus;
	if (p == NULL) {
		return;
	}
	/* A partition that is stopped or restarting takes nothing: what it
	 * would find after a restart must not come from before it. */
	if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != PART_RUNNING) {
		input_dropped++;
		return;
	}
	spin_lock(&p->lock);
	(void)vuart_receive(&p->vuart, c);
	drive_line(p);
	spin_unlock(&p->lock);
}

void console_mux_input_irq(void)
{
	spin_lock(&focus_lock);
	for (unsigned int i = 0; i < CONSOLE_RX_BOUND; i++) {
		int c = plat_console_getc();
		if (c < 0) {
			break;
		}
		if ((uint32_t)c == CONSOLE_FOCUS_KEY) {
			struct partition *p = next_console();
			if (p != NULL) {
				focus_on(p);
				if (input_dropped != 0) {
					LOG_INFO("console: %u byte%s typed while the focused partition "
						 "was not running dropped", input_dropped,
						 input_dropped == 1 ? "" : "s");
					input_dropped = 0;
				}
				LOG_INFO("console: input goes to \"%s\"", p->cfg->name);
			}
			continue;
		}
		deliver((uint8_t)c);
	}
	spin_unlock(&focus_lock);
}
