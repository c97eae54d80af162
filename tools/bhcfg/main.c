/*
 * bhcfg: command line, the order of the stages, and writing the outputs.
 *
 * Exit status: 0 all written, 1 the configuration (or board) was rejected
 * or an output could not be written (nothing is left behind), 2 usage error.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bhcfg.h"

#define EXIT_REJECTED 1
#define EXIT_USAGE    2

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bhcfg --config FILE --board FILE --hyp-base ADDR --hyp-size SIZE\n"
		"             --out DIR [--images DIR[:DIR...]]... [--max-cpus N]\n"
		"             [--max-partitions N] [--hyp-reserve SIZE]\n"
		"\n"
		"  --config FILE        configuration, .dts (compiled with dtc) or .dtb\n"
		"  --board FILE         board description, platforms/NAME/board.dts or .dtb;\n"
		"                       NAME (its directory) must match the config's `board`\n"
		"  --images DIRS        where kernel and initrd files are looked up, in order,\n"
		"                       after the configuration file's own folder\n"
		"  --hyp-base ADDR      physical range the hypervisor occupies\n"
		"  --hyp-size SIZE\n"
		"  --hyp-reserve SIZE   the part of --hyp-size partition images cannot use:\n"
		"                       2 MiB below the hypervisor's text, its code, data,\n"
		"                       tables and stacks (default 0x%llx)\n"
		"  --max-cpus N         highest usable core index + 1 (1..%u, default %u)\n"
		"  --max-partitions N   (0..%u, default %u)\n"
		"  --out DIR            receives config_tables.c, images.S, LABEL.dtb,\n"
		"                       images.d (make rules: the packed files), layout.txt\n"
		"                       (load addresses) and needs.mk (cores, memory, GIC)\n"
		"\n"
		"Exit status: 0 written, 1 rejected (nothing written), 2 usage error.\n"
		"The DTC environment variable names the dtc binary (default: dtc).\n",
		(unsigned long long)BHCFG_HYP_RESERVE, BH_CFG_MAX_CPUS, BH_CFG_MAX_CPUS,
		BHCFG_MAX_PARTITIONS, BHCFG_MAX_PARTITIONS);
}

static int parse_u64(const char *opt, const char *s, uint64_t *out)
{
	char *end = NULL;

	errno = 0;
	if (s[0] == '\0' || s[0] == '-' || s[0] == '+' || s[0] == ' ') {
		fprintf(stderr, "bhcfg: %s: \"%s\" is not an unsigned number\n", opt, s);
		return -1;
	}
	unsigned long long v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "bhcfg: %s: \"%s\" is not an unsigned number\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int add_image_dirs(struct options *o, char *list)
{
	for (char *save = NULL, *dir = strtok_r(list, ":", &save); dir != NULL;
	     dir = strtok_r(NULL, ":", &save)) {
		if (o->nimage_dirs == BHCFG_MAX_IMAGE_DIRS) {
			fprintf(stderr, "bhcfg: --images: more than %u directories\n", BHCFG_MAX_IMAGE_DIRS);
			return -1;
		}
		o->image_dirs[o->nimage_dirs++] = dir;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { O_CONFIG = 1, O_BOARD, O_IMAGES, O_HBASE, O_HSIZE, O_HRES, O_MAXC, O_MAXP, O_OUT,
	       O_HELP };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "board", required_argument, NULL, O_BOARD },
		{ "images", required_argument, NULL, O_IMAGES },
		{ "hyp-base", required_argument, NULL, O_HBASE },
		{ "hyp-size", required_argument, NULL, O_HSIZE },
		{ "hyp-reserve", required_argument, NULL, O_HRES },
		{ "max-cpus", required_argument, NULL, O_MAXC },
		{ "max-partitions", required_argument, NULL, O_MAXP },
		{ "out", required_argument, NULL, O_OUT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	bool have_base = false, have_size = false;
	uint64_t v;
	int ch;

	memset(o, 0, sizeof(*o));
	o->max_cpus = BH_CFG_MAX_CPUS;
	o->max_partitions = BHCFG_MAX_PARTITIONS;
	o->hyp_reserve = BHCFG_HYP_RESERVE;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case O_CONFIG:
			o->config = optarg;
			break;
		case O_BOARD:
			o->board = optarg;
			break;
		case O_IMAGES:
			if (add_image_dirs(o, optarg) != 0) {
				return -1;
			}
			break;
		case O_HBASE:
			if (parse_u64("--hyp-base", optarg, &o->hyp_base) != 0) {
				return -1;
			}
			have_base = true;
			break;
		case O_HSIZE:
			if (parse_u64("--hyp-size", optarg, &o->hyp_size) != 0) {
				return -1;
			}
			have_size = true;
			break;
		case O_HRES:
			if (parse_u64("--hyp-reserve", optarg, &o->hyp_reserve) != 0) {
				return -1;
			}
			break;
		case O_MAXC:
			if (parse_u64("--max-cpus", optarg, &v) != 0) {
				return -1;
			}
			if (v < 1 || v > BH_CFG_MAX_CPUS) {
				fprintf(stderr, "bhcfg: --max-cpus must be 1..%u (BH_CFG_MAX_CPUS)\n",
					BH_CFG_MAX_CPUS);
				return -1;
			}
			o->max_cpus = (unsigned)v;
			break;
		case O_MAXP:
			if (parse_u64("--max-partitions", optarg, &v) != 0) {
				return -1;
			}
			if (v > BHCFG_MAX_PARTITIONS) {
				fprintf(stderr, "bhcfg: --max-partitions must be 0..%u\n", BHCFG_MAX_PARTITIONS);
				return -1;
			}
			o->max_partitions = (unsigned)v;
			break;
		case O_OUT:
			o->out = optarg;
			break;
		case O_HELP:
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "bhcfg: unknown option or missing argument: %s\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "bhcfg: unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (o->config == NULL || o->board == NULL || o->out == NULL || !have_base || !have_size) {
		fprintf(stderr, "bhcfg: --config, --board, --hyp-base, --hyp-size and --out are required\n");
		return -1;
	}
	if (o->out[0] == '\0') {
		fprintf(stderr, "bhcfg: --out: empty path\n");
		return -1;
	}
	return 0;
}

static int mkdir_p(const char *dir)
{
	char buf[BHCFG_PATH_MAX];
	struct stat st;
	size_t n = strlen(dir);

	if (n >= sizeof(buf)) {
		return -1;
	}
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0') {
			continue;
		}
		char saved = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
			return -1;
		}
		buf[i] = saved;
	}
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

struct output {
	char path[BHCFG_PATH_MAX * 2];
	char tmp[BHCFG_PATH_MAX * 2 + 32];
	const void *data;
	size_t len;
};

static int write_tmp(struct output *f)
{
	int fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	size_t done = 0;

	if (fd < 0) {
		return -1;
	}
	while (done < f->len) {
		ssize_t w = write(fd, (const char *)f->data + done, f->len - done);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	return close(fd);
}

/* Every output goes to a temporary name first and is renamed into place
 * only when all were written: a failure leaves no partial set behind. */
static int write_outputs(struct output *f, unsigned n)
{
	unsigned written = 0, renamed = 0;
	int rc = 0;

	for (; written < n; written++) {
		snprintf(f[written].tmp, sizeof(f[written].tmp), "%s.tmp.%ld", f[written].path,
			 (long)getpid());
		if (write_tmp(&f[written]) != 0) {
			fprintf(stderr, "bhcfg: cannot write %s: %s\n", f[written].path, strerror(errno));
			unlink(f[written].tmp);
			rc = -1;
			break;
		}
	}
	for (; rc == 0 && renamed < n; renamed++) {
		if (rename(f[renamed].tmp, f[renamed].path) != 0) {
			fprintf(stderr, "bhcfg: cannot rename to %s: %s\n", f[renamed].path, strerror(errno));
			rc = -1;
			break;
		}
	}
	if (rc != 0) {
		for (unsigned i = 0; i < renamed; i++) {
			unlink(f[i].path);
		}
		for (unsigned i = renamed; i < written; i++) {
			unlink(f[i].tmp);
		}
	}
	return rc;
}

static int emit_all(const struct options *o, const struct config *c, const struct board *b)
{
	struct sbuf tables = { NULL, 0, 0 };
	struct sbuf images = { NULL, 0, 0 };
	struct sbuf deps = { NULL, 0, 0 };
	struct sbuf layout = { NULL, 0, 0 };
	struct sbuf needs = { NULL, 0, 0 };
	char target[BHCFG_PATH_MAX * 3];
	unsigned n = 5 + c->nparts;
	struct output *f = xcalloc(n, sizeof(*f));
	int rc = -1;

	if (mkdir_p(o->out) != 0) {
		fprintf(stderr, "bhcfg: --out %s: cannot create the directory\n", o->out);
		free(f);
		return -1;
	}
	char *outdir = realpath(o->out, NULL);
	if (outdir == NULL || !path_quotable(outdir) || strlen(outdir) >= BHCFG_PATH_MAX) {
		fprintf(stderr, "bhcfg: --out %s: the path must resolve to one without quotes, backslashes or control characters\n",
			o->out);
		free(outdir);
		free(f);
		return -1;
	}
	emit_tables(&tables, &images, c, b, outdir);
	snprintf(f[0].path, sizeof(f[0].path), "%s/config_tables.c", outdir);
	f[0].data = tables.p;
	f[0].len = tables.len;
	snprintf(f[1].path, sizeof(f[1].path), "%s/images.S", outdir);
	f[1].data = images.p;
	f[1].len = images.len;
	/* The dependency rule names the outputs as the Makefile spells them. */
	snprintf(target, sizeof(target), "%s/config_tables.c %s/images.S", o->out, o->out);
	list_inputs(&deps, c, target);
	snprintf(f[2].path, sizeof(f[2].path), "%s/images.d", outdir);
	f[2].data = deps.p;
	f[2].len = deps.len;
	emit_layout(&layout, c);
	snprintf(f[3].path, sizeof(f[3].path), "%s/layout.txt", outdir);
	f[3].data = layout.p;
	f[3].len = layout.len;
	emit_needs(&needs, c, b, o);
	snprintf(f[4].path, sizeof(f[4].path), "%s/needs.mk", outdir);
	f[4].data = needs.p;
	f[4].len = needs.len;
	for (unsigned i = 0; i < c->nparts; i++) {
		snprintf(f[5 + i].path, sizeof(f[5 + i].path), "%s/%s.dtb", outdir, c->parts[i].label);
		f[5 + i].data = c->parts[i].dtb;
		f[5 + i].len = c->parts[i].dtb_size;
	}
	rc = write_outputs(f, n);
	sb_free(&tables);
	sb_free(&images);
	sb_free(&deps);
	sb_free(&layout);
	sb_free(&needs);
	free(outdir);
	free(f);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct board b;
	struct config c;
	int rc = EXIT_REJECTED;

	if (parse_args(argc, argv, &o) != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (board_load(&b, o.board) != 0) {
		board_free(&b);
		fprintf(stderr, "bhcfg: the board description was rejected; nothing written\n");
		return EXIT_REJECTED;
	}
	check_hyp_range(&b, &o);
	if (config_load(&c, o.config, &b, &o) == 0) {
		check_all(&c, &b, &o);
		for (unsigned i = 0; i < c.nparts; i++) {
			struct part *p = &c.parts[i];
			if (!p->ok) {
				continue;
			}
			place_kernel(&c, p, &o);
			emit_dtb(&c, p, &b);
			place_fit(&c, p);
		}
		check_image_room(&c, &o);
		if (bh_errors == 0 && emit_all(&o, &c, &b) == 0) {
			rc = 0;
			config_warn_dma(&c, &b);
		}
	}
	if (bh_errors != 0) {
		fprintf(stderr, "bhcfg: %u error(s); nothing written\n", bh_errors);
	}
	config_free(&c);
	board_free(&b);
	return rc;
}
