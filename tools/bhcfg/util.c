/*
 * bhcfg helpers: error reporting, input loading (running dtc on sources),
 * overflow-safe range arithmetic and strict property readers.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bhcfg.h"

extern char **environ;

unsigned bh_errors;

static void __attribute__((format(printf, 4, 0)))
vreport(const char *file, const char *where, const char *prop, const char *fmt, va_list ap)
{
	struct sbuf line = { NULL, 0, 0 };

	/* One line per problem, "file: where: prop: message", so a build log
	 * names the file, the partition, the resource and the conflict. The
	 * line is never cut: messages quote input strings (paths, names) of
	 * any length, and the reason comes after them. */
	const char *parts[] = { file, where, prop };
	for (size_t i = 0; i < 3; i++) {
		if (parts[i] != NULL) {
			sb_printf(&line, "%s: ", parts[i]);
		}
	}
	sb_vprintf(&line, fmt, ap);
	/* Messages quote strings from the inputs: show control and non-ASCII
	 * bytes as '?' so one problem stays one printable line. */
	for (size_t i = 0; i < line.len; i++) {
		if ((unsigned char)line.p[i] < 0x20 || (unsigned char)line.p[i] >= 0x7f) {
			line.p[i] = '?';
		}
	}
	fprintf(stderr, "%s\n", line.p == NULL ? "" : line.p);
	sb_free(&line);
}

void report(const char *file, const char *where, const char *prop,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(file, where, prop, fmt, ap);
	va_end(ap);
	bh_errors++;
}

/* A line like report()'s that is not an error: the build goes on. */
void warning(const char *file, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(file, "warning", where, fmt, ap);
	va_end(ap);
}

/* A host tool cannot do anything useful without memory: say so and stop
 * before anything has been written (outputs are written last). */
static void out_of_memory(void)
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

void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	for (;;) {
		size_t room = sb->cap - sb->len;

		va_copy(again, ap);
		n = vsnprintf(sb->p == NULL ? NULL : sb->p + sb->len, room, fmt, again);
		va_end(again);
		if (n < 0) {
			fprintf(stderr, "bhcfg: formatting error\n");
			exit(1);
		}
		if ((size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		size_t cap = sb->cap == 0 ? 4096 : sb->cap * 2;
		while (cap - sb->len <= (size_t)n) {
			cap *= 2;
		}
		char *np = realloc(sb->p, cap);
		if (np == NULL) {
			out_of_memory();
		}
		sb->p = np;
		sb->cap = cap;
	}
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_free(struct sbuf *sb)
{
	free(sb->p);
	sb->p = NULL;
	sb->len = 0;
	sb->cap = 0;
}

/* Reads at most BHCFG_MAX_INPUT bytes of a regular file. */
static int read_input(const char *path, unsigned char **out, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		report(path, NULL, NULL, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		report(path, NULL, NULL, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > (off_t)BHCFG_MAX_INPUT) {
		report(path, NULL, NULL, "larger than %u bytes", BHCFG_MAX_INPUT);
		close(fd);
		return -1;
	}
	unsigned char *buf = xcalloc((size_t)st.st_size + 1, 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			report(path, NULL, NULL, "read error");
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	*out = buf;
	*len = got;
	return 0;
}

/* Runs `dtc -q -I dts -O dtb -o - PATH` and collects its output. dtc's own
 * messages go to our stderr unchanged: they carry line numbers. */
static int run_dtc(const char *path, unsigned char **out, size_t *len)
{
	const char *dtc = getenv("DTC");
	int pfd[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;

	if (dtc == NULL || dtc[0] == '\0') {
		dtc = "dtc";
	}
	char *argv[] = { (char *)dtc, "-q", "-I", "dts", "-O", "dtb", "-o", "-",
			 (char *)path, NULL };
	if (pipe(pfd) != 0) {
		report(path, NULL, NULL, "pipe: %s", strerror(errno));
		return -1;
	}
	if (posix_spawn_file_actions_init(&fa) != 0) {
		out_of_memory();
	}
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addclose(&fa, pfd[1]);
	int rc = posix_spawnp(&pid, dtc, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		report(path, NULL, NULL, "cannot run %s: %s", dtc, strerror(rc));
		close(pfd[0]);
		return -1;
	}

	size_t cap = 65536;
	size_t got = 0;
	unsigned char *buf = xcalloc(cap, 1);
	bool too_big = false;
	for (;;) {
		if (got == cap) {
			if (cap >= BHCFG_MAX_INPUT) {
				too_big = true;
				break;
			}
			unsigned char *nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				out_of_memory();
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(pfd[0], buf + got, cap - got);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			break;
		}
		got += (size_t)r;
	}
	/* Closing the pipe first lets a still-writing dtc die of SIGPIPE
	 * instead of blocking us in waitpid. */
	close(pfd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	if (too_big) {
		report(path, NULL, NULL, "dtc output larger than %u bytes", BHCFG_MAX_INPUT);
		free(buf);
		return -1;
	}
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		report(path, NULL, NULL, "dtc failed to compile this file");
		free(buf);
		return -1;
	}
	*out = buf;
	*len = got;
	return 0;
}

/* A name inside the tree: a property of node `owner`, or a subnode of it. */
struct tree_name {
	bool is_node;
	int owner;
	const char *name;
	int len;
};

static int cmp_tree_name(const void *a, const void *b)
{
	const struct tree_name *x = a;
	const struct tree_name *y = b;

	if (x->is_node != y->is_node) {
		return x->is_node ? 1 : -1;
	}
	if (x->owner != y->owner) {
		return x->owner < y->owner ? -1 : 1;
	}
	int n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, (size_t)n);
	if (c != 0) {
		return c;
	}
	return x->len == y->len ? 0 : (x->len < y->len ? -1 : 1);
}

static void add_tree_name(struct tree_name **v, size_t *n, size_t *cap, bool is_node,
			  int owner, const char *name, int len)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 256 : *cap * 2;
		struct tree_name *nv = realloc(*v, *cap * sizeof(**v));
		if (nv == NULL) {
			out_of_memory();
		}
		*v = nv;
	}
	(*v)[(*n)++] = (struct tree_name){ is_node, owner, name, len };
}

/*
 * dtc refuses a property given twice in a node and merges sibling nodes of
 * the same name, but a blob can hold either, and libfdt then answers every
 * lookup with the first one only: the second partition@0, or the second
 * label, would be silently ignored. Sorting every (owner, name) pair finds
 * the duplicates in O(n log n), whatever the shape of the tree.
 */
static int check_unique_names(const char *path, const void *fdt)
{
	struct tree_name *v = NULL;
	size_t n = 0, cap = 0;
	int *stack = NULL;
	size_t stack_cap = 0;
	int depth = 0;
	int bad = 0;
	char where[BHCFG_PATH_MAX];

	for (int node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		int prop, len = 0;
		if ((size_t)depth >= stack_cap) {
			stack_cap = stack_cap == 0 ? 64 : stack_cap * 2;
			int *ns = realloc(stack, stack_cap * sizeof(*stack));
			if (ns == NULL) {
				out_of_memory();
			}
			stack = ns;
		}
		stack[depth] = node;
		const char *name = fdt_get_name(fdt, node, &len);
		if (depth > 0 && name != NULL) {
			add_tree_name(&v, &n, &cap, true, stack[depth - 1], name, len);
		}
		fdt_for_each_property_offset(prop, fdt, node) {
			const char *pname = NULL;
			if (fdt_getprop_by_offset(fdt, prop, &pname, &len) != NULL && pname != NULL) {
				add_tree_name(&v, &n, &cap, false, node, pname, (int)strlen(pname));
			}
		}
	}
	qsort(v, n, sizeof(*v), cmp_tree_name);
	for (size_t i = 1; i < n; i++) {
		if (cmp_tree_name(&v[i - 1], &v[i]) != 0) {
			continue;
		}
		/* Report each duplicated name once, however many copies. */
		if (i >= 2 && cmp_tree_name(&v[i - 2], &v[i]) == 0) {
			continue;
		}
		node_path(fdt, v[i].owner, where, sizeof(where));
		if (v[i].is_node) {
			report(path, where, NULL, "two subnodes are named \"%.*s\" (libfdt would only ever see the first)",
			       v[i].len, v[i].name);
		} else {
			report(path, where, NULL, "property \"%.*s\" is given twice (libfdt would only ever see the first)",
			       v[i].len, v[i].name);
		}
		bad = -1;
	}
	free(v);
	free(stack);
	return bad;
}

/*
 * The dtc directives that read other files of the build host: /incbin/
 * copies any file's bytes into a property (a partition's bootargs, say), and
 * /include/ reads another source, which may /incbin/ in turn. A configuration
 * may come from outside the tree (an external test suite's folder), and the
 * only files it may get packed are its `kernel` and `initrd`, looked up in
 * its own folder and the image folders; so its source must be self-contained.
 * The bytes are searched for as they are, not lexed: a directive cannot be
 * hidden from a byte search by dtc's string escapes, character literals or
 * comment rules, at the price of also refusing the words inside a comment or
 * a string. The board description is part of the tree and may use both.
 */
static const char *const file_directives[] = { "/incbin/", "/include/" };

static int check_self_contained(const char *path, const unsigned char *buf, size_t len)
{
	int rc = 0;
	unsigned line = 1;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			line++;
			continue;
		}
		for (size_t d = 0; d < sizeof(file_directives) / sizeof(file_directives[0]); d++) {
			size_t n = strlen(file_directives[d]);
			if (len - i >= n && memcmp(buf + i, file_directives[d], n) == 0) {
				report(path, NULL, NULL,
				       "line %u: %s is refused in a configuration: dtc would read another file of the build host into it (only kernel and initrd files are packed, from the configuration's folder and the image folders)",
				       line, file_directives[d]);
				rc = -1;
			}
		}
	}
	return rc;
}

int load_fdt(const char *path, bool self_contained, void **out)
{
	unsigned char *buf = NULL;
	size_t len = 0;

	if (read_input(path, &buf, &len) != 0) {
		return -1;
	}
	/* A blob is recognised by its magic, anything else is dtc source. A
	 * blob's bytes are all there is: bhcfg reads nothing else for it. */
	bool is_blob = len >= 4 && buf[0] == 0xd0 && buf[1] == 0x0d &&
		       buf[2] == 0xfe && buf[3] == 0xed;
	if (!is_blob && self_contained && check_self_contained(path, buf, len) != 0) {
		free(buf);
		return -1;
	}
	if (!is_blob) {
		free(buf);
		if (run_dtc(path, &buf, &len) != 0) {
			return -1;
		}
	}
	/* Full structural validation up front: every later libfdt call can
	 * then trust offsets and lengths, and a corrupt blob is one clean
	 * error instead of undefined behaviour somewhere downstream. */
	int err = fdt_check_full(buf, len);
	if (err != 0) {
		report(path, NULL, NULL, "not a valid device tree blob: %s",
		       fdt_strerror(err));
		free(buf);
		return -1;
	}
	if (check_unique_names(path, buf) != 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

/* Every range bhcfg accepts ends at or below 2^64 - 4 KiB, so rounding it
 * out to pages, and every end computed from it, never wraps. */
#define BHCFG_ADDR_TOP (UINT64_MAX - BHCFG_PAGE + 1)

bool range_end(uint64_t base, uint64_t size, uint64_t *end)
{
	if (base > BHCFG_ADDR_TOP || size > BHCFG_ADDR_TOP - base) {
		return false;
	}
	*end = base + size;
	return true;
}

/* Why range_end() refused [base, base + size): the range really goes past
 * 2^64, or it ends in the last page below 2^64 (at 2^64 for a page-aligned
 * range), which bhcfg keeps out so that no end it computes can wrap. */
const char *range_end_why(uint64_t base, uint64_t size)
{
	if (base != 0 && size != 0 && size - 1 > UINT64_MAX - base) {
		return "wraps past the end of the 64-bit address space";
	}
	if (size != 0 && size - 1 == UINT64_MAX - base) {
		return "ends at 2^64, the very end of the 64-bit address space";
	}
	return "ends in the last 4 KiB page of the 64-bit address space";
}

bool ranges_overlap(const struct range *a, const struct range *b)
{
	return a->base < b->base + b->size && b->base < a->base + a->size;
}

bool range_inside(const struct range *inner, const struct range *outer)
{
	return inner->base >= outer->base &&
	       inner->base + inner->size <= outer->base + outer->size;
}

struct range page_round(const struct range *r)
{
	struct range p;
	uint64_t end = r->base + r->size;

	p.base = r->base & ~(BHCFG_PAGE - 1);
	p.size = ((end + BHCFG_PAGE - 1) & ~(BHCFG_PAGE - 1)) - p.base;
	return p;
}

bool align_up(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t mask = align - 1;

	if (v > UINT64_MAX - mask) {
		return false;
	}
	*out = (v + mask) & ~mask;
	return true;
}

/* ncells is 1 or 2 (callers check); big-endian cells, any alignment. */
uint64_t read_cells(const void *p, int ncells)
{
	const fdt32_t *c = p;
	uint64_t v = 0;

	for (int i = 0; i < ncells; i++) {
		v = (v << 32) | fdt32_ld(&c[i]);
	}
	return v;
}

enum prop_state prop_str(const void *fdt, int node, const char *name,
			 const char **out)
{
	int len = 0;
	const char *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL) {
		return PROP_ABSENT;
	}
	/* Exactly one string: non-empty buffer, NUL last and nowhere else. */
	if (len < 1 || p[len - 1] != '\0' || strnlen(p, (size_t)len) != (size_t)len - 1) {
		return PROP_BAD;
	}
	*out = p;
	return PROP_OK;
}

enum prop_state prop_u32(const void *fdt, int node, const char *name,
			 uint32_t *out)
{
	int len = 0;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL) {
		return PROP_ABSENT;
	}
	if (len != 4) {
		return PROP_BAD;
	}
	*out = (uint32_t)read_cells(p, 1);
	return PROP_OK;
}

/* Counts the strings of a string list; -1 unless every string is non-empty
 * and NUL-terminated inside the property. */
int strlist_count(const char *p, int len)
{
	int n = 0;
	int i = 0;

	if (len < 1 || p[len - 1] != '\0') {
		return -1;
	}
	while (i < len) {
		size_t l = strnlen(p + i, (size_t)(len - i));
		if (l == 0) {
			return -1;
		}
		i += (int)l + 1;
		n++;
	}
	return n;
}

/* Labels, board and configuration names end up in C string literals, symbol
 * comments and file names: keep them to a safe alphabet. */
bool name_ok(const char *s, bool allow_upper_dot)
{
	size_t n = strlen(s);

	if (n == 0 || n >= BH_CFG_NAME_LEN) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			  ch == '_' || ch == '-';
		if (allow_upper_dot) {
			ok = ok || (ch >= 'A' && ch <= 'Z') || ch == '.';
		}
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* Paths go into `.incbin "..."`: refuse anything needing escapes. */
bool path_quotable(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
			return false;
		}
	}
	return true;
}

/* The offset of the first node after `node`'s subtree (INT32_MAX at the end
 * of the tree): a node n is inside the subtree iff node <= n < end. */
int subtree_end(const void *fdt, int node)
{
	int depth = 0;
	int off = node;

	for (;;) {
		off = fdt_next_node(fdt, off, &depth);
		if (off < 0) {
			return INT32_MAX;
		}
		if (depth <= 0) {
			return off;
		}
	}
}

int node_path(const void *fdt, int node, char *buf, int len)
{
	int err = fdt_get_path(fdt, node, buf, len);

	if (err != 0) {
		snprintf(buf, (size_t)len, "<node at offset %d>", node);
		return -1;
	}
	return 0;
}
