/* Hypervisor console output, see log.h. */
#include <stdarg.h>

#include "arch.h"
#include "bh_string.h"
#include "fmt.h"
#include "log.h"
#include "plat.h"
#include "spinlock.h"

#define LOG_LINE_MAX 256
#define ASCII_ESC    0x1b

static spinlock_t console_lock;
static int locks_usable;
/* Core holding the console for a multi-line report, plus one; 0 if none. */
static uint32_t console_owner;

static const char *const level_tag[] = {
	[LOG_LEVEL_ERROR] = "error: ",
	[LOG_LEVEL_WARN] = "warning: ",
	[LOG_LEVEL_INFO] = "",
	[LOG_LEVEL_DEBUG] = "debug: ",
};

void log_init(void)
{
	/* Called once the EL2 MMU is on: exclusives work from here on. */
	locks_usable = 1;
}

static int held_by_me(void)
{
	return __atomic_load_n(&console_owner, __ATOMIC_RELAXED) == arch_core_id() + 1u;
}

void log_lock(void)
{
	if (locks_usable && !held_by_me()) {
		spin_lock(&console_lock);
		__atomic_store_n(&console_owner, arch_core_id() + 1u, __ATOMIC_RELAXED);
	}
}


#ifdef CONFIG_DEBUG_FAULT_TRIGGER
/* bulkhead.fault=in-console: the core that sets it faults half-way through
 * printing its next line, with the console held (core/main.c). */
static volatile uint32_t fault_in_line_core;

void log_debug_fault_in_next_line(void)
{
	fault_in_line_core = arch_core_id() + 1u;
}

static void maybe_fault_mid_line(void)
{
	/* Read the flag first: before EL2 is known (the wrong-EL message),
	 * arch_core_id() would read TPIDR_EL2 from the wrong level. */
	uint32_t want = fault_in_line_core;
	if (want != 0 && want == arch_core_id() + 1u) {
		fault_in_line_core = 0;
		arch_debug_force_fault("data-abort");
	}
}
#else
static void maybe_fault_mid_line(void)
{
}
#endif

/* Takes the console unless this core holds it already; returns whether it
 * did (to be handed to console_end). A core that faults while it holds the
 * console (inside a dump, say) must still be able to print: it never waits
 * for itself. */
static int console_begin(void)
{
	int mine = !locks_usable || held_by_me();
	if (!mine) {
		/* The owner is recorded for a single line too: a fault while
		 * this core prints it (in the UART driver, say) reaches the
		 * fault dump's log_lock(), which must see the lock is its own
		 * and not wait for itself forever. */
		log_lock();
	}
	return !mine;
}

static void console_end(int taken)
{
	if (taken) {
		log_unlock();
	}
}

/* Where put_text stops a run to do something in between: before a newline
 * (a carriage return goes first) and, in images with the debug fault
 * trigger, after a colon (where a forced fault may strike mid-line). */
static int run_ends_at(char c)
{
#ifdef CONFIG_DEBUG_FAULT_TRIGGER
	return c == '\n' || c == ':';
#else
	return c == '\n';
#endif
}

/* Up to max characters of s, newlines as CR LF: the text between them goes
 * to the UART in runs (plat_console_write), not a call per character. */
static void put_text(const char *s, unsigned int max)
{
	unsigned int start = 0;
	unsigned int i = 0;
	for (; i < max && s[i] != '\0'; i++) {
		if (!run_ends_at(s[i])) {
			continue;
		}
		if (s[i] == '\n') {
			plat_console_write(s + start, i - start);
			plat_console_putc('\r');
			start = i;
		} else {
			plat_console_write(s + start, i + 1u - start);
			start = i + 1u;
			maybe_fault_mid_line();
		}
	}
	plat_console_write(s + start, i - start);
}

static void put_tag(const char *tag)
{
	plat_console_putc('[');
	put_text(tag, LOG_LINE_MAX);
	plat_console_putc(']');
	plat_console_putc(' ');
}

/*
 * The open line (log_tagged_partial), under the console lock: whose it is,
 * a copy of it (the source's own buffer is under its partition's lock, not
 * this one), and whether it is on the console's last line now. Another
 * line hides it; the console's release shows it again, so a shell's prompt
 * stays at the bottom while other partitions print, and a multi-line
 * report (a fault dump) is not cut by it.
 *
 * Hiding erases it (carriage return, then ECMA-48 EL, "erase in line")
 * rather than ending it with a newline: a fragment ended by a newline
 * would read as a whole line ("heartbeat 2" cut from "heartbeat 25"), and
 * the line shown again after it would read as a second one. Erased, a
 * terminal shows each line once; a program reading the byte stream drops
 * everything before the erase on its line, as a terminal does
 * (tests/qemu/harness.py).
 */
static const void *open_src;
static const char *open_tag;
static char open_text[LOG_LINE_MAX];
static unsigned int open_len;
static int open_visible;

static void hide_open(void)
{
	if (open_src != NULL && open_visible) {
		plat_console_putc('\r');
		plat_console_putc(ASCII_ESC);
		plat_console_putc('[');
		plat_console_putc('K');
		open_visible = 0;
	}
}

static void show_open(void)
{
	if (open_src != NULL && !open_visible) {
		put_tag(open_tag);
		put_text(open_text, open_len);
		open_visible = 1;
	}
}

void log_unlock(void)
{
	if (locks_usable && held_by_me()) {
		show_open();
		__atomic_store_n(&console_owner, 0u, __ATOMIC_RELAXED);
		spin_unlock(&console_lock);
	}
}

/* Set (under the console lock) once the board's UART belongs to a
 * partition (console = "passthrough"): nothing more is written to it. */
static int handed_over;

void log_hand_over(const char *who)
{
	int taken = console_begin();
	if (!handed_over) {
		hide_open();
		put_text("bulkhead: console: the board's UART is \"", LOG_LINE_MAX);
		put_text(who, LOG_LINE_MAX);
		put_text("\"'s from here on (console = \"passthrough\"); the hypervisor prints "
			 "nothing more\n", LOG_LINE_MAX);
		plat_console_flush();
		open_src = NULL;
		handed_over = 1;
	}
	console_end(taken);
}

static void emit(const char *s)
{
	int taken = console_begin();
	if (handed_over) {
		console_end(taken);
		return;
	}
	hide_open();
	put_text(s, LOG_LINE_MAX);
	console_end(taken);
}

void log_tagged_line(const void *src, const char *tag, const char *text)
{
	int taken = console_begin();
	if (handed_over) {
		console_end(taken);
		return;
	}
	if (open_src == src && src != NULL && open_visible) {
		put_text(text + open_len, LOG_LINE_MAX);
	} else {
		hide_open();
		put_tag(tag);
		put_text(text, LOG_LINE_MAX);
	}
	put_text("\n", 1);
	if (open_src == src) {
		open_src = NULL;
	}
	console_end(taken);
}

void log_tagged_partial(const void *src, const char *tag, const char *text, unsigned int len)
{
	int taken = console_begin();
	if (handed_over) {
		console_end(taken);
		return;
	}
	if (len >= sizeof(open_text)) {
		len = sizeof(open_text) - 1u;
	}
	if (open_src != src) {
		/* The focus moved: the old source's line is completed by its
		 * log_tagged_line, shown whole then. */
		hide_open();
		open_src = src;
		open_visible = 0;
		open_len = 0;
	}
	open_tag = tag;
	if (open_visible && len >= open_len) {
		put_text(text + open_len, len - open_len);
	} else {
		hide_open();
	}
	memcpy(open_text, text, len);
	open_text[len] = '\0';
	open_len = len;
	show_open();
	console_end(taken);
}

void log_tagged_close(const void *src)
{
	int taken = console_begin();
	if (open_src == src && src != NULL) {
		hide_open();
		open_src = NULL;
	}
	console_end(taken);
}

void log_write(int level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	int n;

	if (level < LOG_LEVEL_ERROR || level > LOG_LEVEL_DEBUG) {
		level = LOG_LEVEL_ERROR;
	}
	n = bh_snprintf(line, sizeof(line), "bulkhead: %s", level_tag[level]);
	if (n < 0 || (unsigned int)n >= sizeof(line)) {
		n = 0;
	}
	va_start(ap, fmt);
	unsigned int room = sizeof(line) - (unsigned int)n - 1u;
	int m = bh_vsnprintf(line + n, room, fmt, ap);
	va_end(ap);
	/* Always end with a newline, even when the message was cut. */
	unsigned int len = (unsigned int)n + (m < 0 || room == 0 ? 0u : (unsigned int)m < room ? (unsigned int)m :
							   room - 1u);
	line[len] = '\n';
	line[len + 1] = '\0';
	emit(line);
}

void log_raw(const char *fmt, ...)
{
	char buf[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	bh_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit(buf);
}
