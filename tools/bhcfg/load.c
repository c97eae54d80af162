/*
 * Loading an input (board description or configuration) into a device tree
 * blob: reading the file, compiling a source with dtc, and the checks that
 * make every later libfdt lookup trustworthy.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bhcfg.h"

extern char **environ;

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
