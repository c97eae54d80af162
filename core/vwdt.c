/*
 * Emulated SP805 watchdog, see vwdt.h. Register map, reset values and
 * behaviour from the SP805 TRM (Arm DDI 0270B), chapter 3; the counter runs
 * at BH_WDT_CLOCK_HZ, the rate the partition's device tree gives its clock.
 *
 * The counter decrements once per watchdog clock from WdogLoad. When it
 * reaches zero the interrupt (WdogRIS) is raised and the counter reloads
 * from WdogLoad: so after e clocks since a load, it reads
 * load - e mod (load + 1), and it has expired (e + 1) / (load + 1) times.
 * An expiry while the interrupt is still raised asserts the reset output if
 * RESEN is set. A guest that wants a reset T seconds after its last ping
 * therefore loads half of T (Linux's sp805_wdt does).
 *
 * The interrupt output itself is not delivered to the partition: WdogRIS
 * and WdogMIS say what it would be, and the device tree describes no
 * interrupt for the watchdog (Linux's driver uses none).
 */
#include "vwdt.h"

#define WDOG_LOAD               0x000u
#define WDOG_VALUE              0x004u
#define WDOG_CONTROL            0x008u
#define WDOG_INTCLR             0x00cu
#define WDOG_RIS                0x010u
#define WDOG_MIS                0x014u
#define WDOG_LOCK               0xc00u
#define WDOG_ITCR               0xf00u
#define WDOG_ITOP               0xf04u
#define WDOG_PERIPHID0          0xfe0u
#define WDOG_ID_WORDS           8u

#define WDOG_CONTROL_INTEN      (1u << 0)
#define WDOG_CONTROL_RESEN      (1u << 1)
#define WDOG_CONTROL_MASK       (WDOG_CONTROL_INTEN | WDOG_CONTROL_RESEN)
#define WDOG_INT_BIT            (1u << 0)
#define WDOG_ITCR_MASK          (1u << 0)      /* integration test mode enable */
#define WDOG_ITOP_MASK          0x3u           /* WDOGINT, WDOGRES values */
#define WDOG_UNLOCK_KEY         0x1acce551u
#define WDOG_LOAD_RESET         0xffffffffu
#define WDOG_REG_SIZE           4u
/* Seconds of counting beyond which the clock count saturates: far more
 * than any deadline (2^32 clocks) and far from wrapping 64 bits. */
#define WDOG_MAX_SECS           (UINT64_MAX / 4u / BH_WDT_CLOCK_HZ)

/* PeriphID0-3 (part 0x805, designer 0x41 Arm, revision 0), PCellID0-3: what
 * Linux's AMBA bus matches the sp805 driver on (id 0x00141805). */
static const uint8_t primecell_id[WDOG_ID_WORDS] = { 0x05, 0x18, 0x14, 0x00,
						     0x0d, 0xf0, 0x05, 0xb1 };

void vwdt_init(struct vwdt *w, uint64_t base_ipa)
{
	*w = (struct vwdt){ 0 };
	w->base_ipa = base_ipa;
	w->load = WDOG_LOAD_RESET;
	w->frozen = WDOG_LOAD_RESET;
}

int vwdt_covers(const struct vwdt *w, uint64_t ipa)
{
	return w->base_ipa != 0 && ipa >= w->base_ipa && ipa - w->base_ipa < VWDT_FRAME_SIZE;
}

static int counting(const struct vwdt *w)
{
	return (w->control & WDOG_CONTROL_INTEN) != 0;
}

/* Watchdog clocks in d system-counter ticks, rounded down. Split so that no
 * product overflows (both frequencies are below 2^32), and saturated for a
 * system counter slower than the watchdog's clock, where whole seconds
 * times BH_WDT_CLOCK_HZ could pass 2^64 (after 2^64 / 10^6 s: never, but
 * the function stays total). */
static uint64_t wdog_clocks(uint64_t d, uint64_t freq)
{
	if (freq == 0) {
		return 0;
	}
	uint64_t secs = d / freq;
	if (secs > WDOG_MAX_SECS) {
		return WDOG_MAX_SECS * BH_WDT_CLOCK_HZ;
	}
	return secs * BH_WDT_CLOCK_HZ + d % freq * BH_WDT_CLOCK_HZ / freq;
}

/* System-counter ticks until e watchdog clocks have passed, rounded up. */
static uint64_t counter_ticks(uint64_t e, uint64_t freq)
{
	uint64_t rem = e % BH_WDT_CLOCK_HZ * freq;
	return e / BH_WDT_CLOCK_HZ * freq + (rem + BH_WDT_CLOCK_HZ - 1u) / BH_WDT_CLOCK_HZ;
}

/* Clocks since the last load; a counter read before t0 (another core's
 * older value) is no time at all. */
static uint64_t elapsed(const struct vwdt *w, uint64_t now, uint64_t freq)
{
	return (int64_t)(now - w->t0) > 0 ? wdog_clocks(now - w->t0, freq) : 0;
}

static uint64_t period(const struct vwdt *w)
{
	return (uint64_t)w->load + 1u;
}

int vwdt_settle(struct vwdt *w, uint64_t now, uint64_t freq)
{
	if (w->base_ipa == 0 || !counting(w)) {
		return 0;
	}
	uint64_t e = elapsed(w, now, freq);
	/* e + 1 cannot wrap: wdog_clocks() stays below 2^62. */
	uint64_t n = (e + 1u) / period(w);
	if (n <= w->seen) {
		return 0;
	}
	uint64_t fresh = n - w->seen;
	/* The first new expiry finds the interrupt pending if an earlier one
	 * raised it and nobody cleared it; any further new expiry does. */
	int fired = (w->control & WDOG_CONTROL_RESEN) != 0 && (w->ris != 0 || fresh >= 2u);
	w->ris = 1;
	w->seen = n;
	return fired;
}

/* The counter starts again from WdogLoad (a write to WdogLoad or
 * WdogIntClr, or the interrupt enabled again). */
static void reload(struct vwdt *w, uint64_t now)
{
	w->t0 = now;
	w->seen = 0;
	w->frozen = w->load;
}

static uint32_t value(const struct vwdt *w, uint64_t now, uint64_t freq)
{
	if (!counting(w)) {
		return w->frozen;
	}
	return (uint32_t)(w->load - elapsed(w, now, freq) % period(w));
}

int vwdt_deadline(const struct vwdt *w, uint64_t freq, uint64_t *when)
{
	if (w->base_ipa == 0 || !counting(w) || (w->control & WDOG_CONTROL_RESEN) == 0 ||
	    freq == 0) {
		return 0;
	}
	/* The next expiry that finds the interrupt pending: the next one if
	 * it is, else the one after. Expiry k comes after k * (load + 1) - 1
	 * clocks. */
	uint64_t k = w->seen + (w->ris != 0 ? 1u : 2u);
	*when = w->t0 + counter_ticks(k * period(w) - 1u, freq);
	return 1;
}

static uint32_t read_reg(const struct vwdt *w, uint64_t off, uint64_t now, uint64_t freq)
{
	switch (off) {
	case WDOG_LOAD:
		return w->load;
	case WDOG_VALUE:
		return value(w, now, freq);
	case WDOG_CONTROL:
		return w->control;
	case WDOG_RIS:
		return w->ris;
	case WDOG_MIS:
		return w->ris & w->control & WDOG_INT_BIT;
	case WDOG_LOCK:
		return w->locked;
	case WDOG_ITCR:
		return w->itcr;
	default:
		break;
	}
	if (off >= WDOG_PERIPHID0 && off < WDOG_PERIPHID0 + WDOG_ID_WORDS * WDOG_REG_SIZE) {
		return primecell_id[(off - WDOG_PERIPHID0) / WDOG_REG_SIZE];
	}
	/* WdogIntClr and WdogITOP are write-only; the rest is unassigned. */
	return 0;
}

static void write_reg(struct vwdt *w, uint64_t off, uint32_t v, uint64_t now, uint64_t freq)
{
	if (off == WDOG_LOCK) {
		/* Only the key opens; any other value closes. */
		w->locked = v == WDOG_UNLOCK_KEY ? 0u : 1u;
		return;
	}
	if (w->locked) {
		return;
	}
	switch (off) {
	case WDOG_LOAD:
		w->load = v;
		reload(w, now);
		break;
	case WDOG_CONTROL: {
		uint32_t was = w->control;
		if ((was & WDOG_CONTROL_INTEN) && !(v & WDOG_CONTROL_INTEN)) {
			/* Stopped: it keeps the value it had. */
			w->frozen = value(w, now, freq);
		}
		w->control = v & WDOG_CONTROL_MASK;
		if (!(was & WDOG_CONTROL_INTEN) && (v & WDOG_CONTROL_INTEN)) {
			reload(w, now);
		}
		break;
	}
	case WDOG_INTCLR:
		w->ris = 0;
		reload(w, now);
		break;
	case WDOG_ITCR:
		w->itcr = v & WDOG_ITCR_MASK;
		break;
	case WDOG_ITOP:
		w->itop = v & WDOG_ITOP_MASK;
		break;
	default:
		/* WdogValue, WdogRIS, WdogMIS, the IDs: read-only; unassigned. */
		break;
	}
}

int vwdt_access(struct vwdt *w, uint64_t offset, int is_write, unsigned int size,
		uint64_t *value_io, uint64_t now, uint64_t freq, int *reset)
{
	*reset = 0;
	/* An APB peripheral of 32-bit registers: Linux and the TRM use word
	 * accesses only, and anything else has no defined meaning for it. */
	if (size != WDOG_REG_SIZE || (offset & (WDOG_REG_SIZE - 1u)) != 0 ||
	    offset >= VWDT_FRAME_SIZE) {
		return 0;
	}
	/* What happened up to now happened before this access. */
	*reset = vwdt_settle(w, now, freq);
	if (is_write) {
		write_reg(w, offset, (uint32_t)*value_io, now, freq);
	} else {
		*value_io = read_reg(w, offset, now, freq);
	}
	return 1;
}
