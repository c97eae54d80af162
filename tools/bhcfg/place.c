/*
 * Image placement, computed at build time so the loader at EL2 only copies.
 *
 * Files are looked up in the configuration's own folder first, then in the
 * --images directories in order (the Makefile's IMAGE_PATH: the folders of the
 * guests this tree builds).
 *
 * Where each blob goes inside the partition's first RAM region:
 * - an arm64 Image (it has a header) goes where booting.rst wants it, 2 MiB
 *   aligned base + text_offset; its header's image_size tells its whole
 *   footprint, so the DTB goes right above that (8-byte aligned) and the initrd
 *   above the DTB (page aligned), the way QEMU's own -kernel loader does;
 * - a raw binary loads at RAM base + 0x80000, and its footprint (BSS, stack,
 *   heap) is unknown: the DTB goes at the top of the region, page aligned, as
 *   U-Boot's fdt_high does, and the initrd right below the DTB;
 * - `dtb-ipa` in the configuration overrides where the DTB goes.
 * Every blob must then lie inside the partition's RAM and overlap no other.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bhcfg.h"

#define ARM64_IMAGE_MAGIC     0x644d5241u /* "ARM\x64" at byte 0x38 */
#define ARM64_HDR_LEN         64u
#define ARM64_FLAG_BE         1u
#define DTB_ALIGN             8u          /* booting.rst */

static uint64_t le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i > 0; i--) {
		v = (v << 8) | p[i - 1];
	}
	return v;
}

/* The folders an image file is looked up in, in order: the configuration's
 * own folder, then each --images directory. Returns how many were stored. */
static unsigned search_dirs(const struct config *c, const struct options *o,
			    char cfgdir[BHCFG_PATH_MAX], const char **dirs)
{
	unsigned n = 0;

	snprintf(cfgdir, BHCFG_PATH_MAX, "%s", c->file);
	dirs[n++] = dirname(cfgdir);
	for (unsigned i = 0; i < o->nimage_dirs; i++) {
		dirs[n++] = o->image_dirs[i];
	}
	return n;
}

/* Does the resolved path `real` lie inside folder `dir`? The configuration's
 * folder belongs to the configuration's author, like the configuration: a
 * symbolic link there must not reach files elsewhere on the build host. The
 * --images folders are the builder's choice, and their links are followed. */
static bool inside_folder(const char *real, const char *dir)
{
	char *rdir = realpath(dir, NULL);
	bool inside = false;

	if (rdir != NULL) {
		size_t n = strlen(rdir);
		/* "/" is the one resolved folder that ends with a slash. */
		inside = strncmp(real, rdir, n) == 0 &&
			 (real[n] == '/' || (n > 0 && rdir[n - 1] == '/'));
	}
	free(rdir);
	return inside;
}

/* Finds `name` for property `prop`; returns its real path (malloc'd) or NULL
 * after reporting which folders were searched and what was found there. */
static char *find_file(const struct config *c, const struct part *p, const struct options *o,
		       const char *prop, const char *name)
{
	char cfgdir[BHCFG_PATH_MAX];
	const char *dirs[BHCFG_MAX_IMAGE_DIRS + 1];
	struct sbuf path = { NULL, 0, 0 };
	struct sbuf searched = { NULL, 0, 0 };
	const char *not_regular = NULL;
	struct stat st;
	unsigned n = search_dirs(c, o, cfgdir, dirs);

	for (unsigned i = 0; i < n; i++) {
		path.len = 0;
		sb_printf(&path, "%s/%s", dirs[i], name);
		sb_printf(&searched, "%s%s", i == 0 ? "" : ", ", dirs[i]);
		if (stat(path.p, &st) != 0) {
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			char *real = realpath(path.p, NULL);
			if (real == NULL) {
				report(c->file, p->where, prop, "%s: cannot resolve the path: %s", path.p,
				       strerror(errno));
			} else if (i == 0 && !inside_folder(real, dirs[0])) {
				report(c->file, p->where, prop,
				       "\"%s\" in the configuration's folder leads to %s, outside it (a symbolic link); put that file's folder in --images (IMAGE_PATH) instead",
				       name, real);
				free(real);
				real = NULL;
			}
			sb_free(&path);
			sb_free(&searched);
			return real;
		}
		if (not_regular == NULL) {
			not_regular = S_ISDIR(st.st_mode) ? "a directory" : "not a regular file";
		}
	}
	if (not_regular != NULL) {
		report(c->file, p->where, prop, "\"%s\" is %s, not an image file (searched %s)", name,
		       not_regular, searched.p);
	} else {
		report(c->file, p->where, prop,
		       "\"%s\" not found in the configuration's folder or --images (searched %s)",
		       name, searched.p);
	}
	sb_free(&path);
	sb_free(&searched);
	return NULL;
}

/* Opens a found image file and returns its size, 0 after reporting an error. */
static uint64_t file_size(const struct config *c, const struct part *p, const char *prop,
			  const char *path)
{
	struct stat st;

	if (!path_quotable(path)) {
		report(c->file, p->where, prop, "%s: the path contains quotes, backslashes or control characters",
		       path);
		return 0;
	}
	if (stat(path, &st) != 0) {
		report(c->file, p->where, prop, "%s: %s", path, strerror(errno));
		return 0;
	}
	if (st.st_size <= 0) {
		report(c->file, p->where, prop, "%s is empty", path);
		return 0;
	}
	return (uint64_t)st.st_size;
}

void place_kernel(const struct config *c, struct part *p, const struct options *o)
{
	unsigned char hdr[ARM64_HDR_LEN];

	if (p->kernel == NULL || p->nmem == 0) {
		return;
	}
	if (p->initrd != NULL) {
		p->initrd_path = find_file(c, p, o, "initrd", p->initrd);
		if (p->initrd_path != NULL) {
			p->initrd_size = file_size(c, p, "initrd", p->initrd_path);
		}
	}
	p->kernel_path = find_file(c, p, o, "kernel", p->kernel);
	if (p->kernel_path == NULL) {
		return;
	}
	p->kernel_size = file_size(c, p, "kernel", p->kernel_path);
	if (p->kernel_size == 0) {
		return;
	}
	int fd = open(p->kernel_path, O_RDONLY);
	if (fd < 0) {
		report(c->file, p->where, "kernel", "%s: %s", p->kernel_path, strerror(errno));
		return;
	}
	memset(hdr, 0, sizeof(hdr));
	ssize_t got = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	if (got < 0) {
		report(c->file, p->where, "kernel", "%s: read error", p->kernel_path);
		return;
	}

	uint64_t ipa0 = p->ipa[0];
	if ((size_t)got == ARM64_HDR_LEN && le(hdr + 0x38, 4) == ARM64_IMAGE_MAGIC) {
		uint64_t text_offset = le(hdr + 0x08, 8);
		uint64_t image_size = le(hdr + 0x10, 8);
		uint64_t flags = le(hdr + 0x18, 8);
		uint64_t base, load, end;
		if ((flags & ARM64_FLAG_BE) != 0) {
			report(c->file, p->where, "kernel", "%s is a big-endian arm64 Image; partitions run little-endian",
			       p->kernel_path);
			return;
		}
		if (!align_up(ipa0, BHCFG_2M, &base) || !range_end(base, text_offset, &load) ||
		    !range_end(load, image_size, &end)) {
			report(c->file, p->where, "kernel", "%s: text_offset 0x%llx / image_size 0x%llx are out of range",
			       p->kernel_path, (unsigned long long)text_offset,
			       (unsigned long long)image_size);
			return;
		}
		p->kernel_load = load;
		p->kernel_has_header = true;
		/* image_size counts BSS the file does not hold; old kernels say 0. */
		p->kernel_reserve = image_size > p->kernel_size ? image_size : p->kernel_size;
	} else {
		p->kernel_load = ipa0 + BHCFG_RAW_OFFSET; /* IPAs are < 2^48 */
		p->kernel_reserve = p->kernel_size;
	}
}

/* True if [base, base+size) lies inside one of the partition's RAM regions. */
static bool in_ram(const struct part *p, uint64_t base, uint64_t size)
{
	for (unsigned k = 0; k < p->nmem; k++) {
		struct range inner = { base, size };
		struct range ram = { p->ipa[k], p->mem[k].size };
		if (range_inside(&inner, &ram)) {
			return true;
		}
	}
	return false;
}

static void report_blob(const struct config *c, const struct part *p, const char *prop,
			const char *what, uint64_t base, uint64_t size, const char *why)
{
	report(c->file, p->where, prop, "%s (0x%llx bytes at IPA 0x%llx) %s", what,
	       (unsigned long long)size, (unsigned long long)base, why);
}

void place_fit(const struct config *c, struct part *p)
{
	uint64_t kend, dtb = 0, dend = 0, initrd = 0, iend = 0;
	struct range r0 = { p->ipa[0], p->mem[0].size };
	uint64_t r0_end = r0.base + r0.size;
	bool ok;

	if (p->kernel_path == NULL || p->dtb == NULL ||
	    (p->initrd != NULL && p->initrd_size == 0)) {
		return;
	}
	if (!range_end(p->kernel_load, p->kernel_reserve, &kend) || kend > r0_end) {
		report(c->file, p->where, "kernel",
		       "%s (0x%llx bytes at IPA 0x%llx) does not fit in memory region 0 (IPA 0x%llx..0x%llx)",
		       p->kernel, (unsigned long long)p->kernel_reserve,
		       (unsigned long long)p->kernel_load, (unsigned long long)r0.base,
		       (unsigned long long)(r0_end - 1));
		return;
	}

	/* The DTB. */
	if (p->has_dtb_ipa) {
		dtb = p->dtb_ipa;
		ok = range_end(dtb, p->dtb_size, &dend);
	} else if (p->kernel_has_header) {
		ok = align_up(kend, DTB_ALIGN, &dtb) && range_end(dtb, p->dtb_size, &dend) &&
		     dend <= r0_end;
	} else {
		ok = p->dtb_size <= r0.size && r0_end - p->dtb_size >= kend;
		dtb = (r0_end - p->dtb_size) & ~(BHCFG_PAGE - 1);
		dend = dtb + p->dtb_size;
		ok = ok && dtb >= kend;
	}
	if (!ok || !in_ram(p, dtb, p->dtb_size)) {
		report(c->file, p->where, p->has_dtb_ipa ? "dtb-ipa" : "kernel",
		       "%s (0x%llx bytes at IPA 0x%llx) and its 0x%llx-byte device tree do not fit in memory region 0 (IPA 0x%llx..0x%llx)",
		       p->kernel, (unsigned long long)p->kernel_reserve,
		       (unsigned long long)p->kernel_load, (unsigned long long)p->dtb_size,
		       (unsigned long long)r0.base, (unsigned long long)(r0_end - 1));
		return;
	}
	if (p->has_dtb_ipa && dtb < kend && dend > p->kernel_load) {
		report_blob(c, p, "dtb-ipa", "the device tree", dtb, p->dtb_size,
			    "overlaps the kernel");
		return;
	}

	/* The initrd: above everything for an Image, below the DTB (or the top
	 * of the region) for a raw binary. */
	if (p->initrd != NULL) {
		if (p->kernel_has_header) {
			uint64_t above = kend;
			if (!p->has_dtb_ipa) {
				above = dend;
			}
			ok = align_up(above, BHCFG_PAGE, &initrd) &&
			     range_end(initrd, p->initrd_size, &iend) && iend <= r0_end;
		} else {
			uint64_t below = (!p->has_dtb_ipa) ? dtb : r0_end;
			ok = p->initrd_size <= below - kend;
			initrd = (below - p->initrd_size) & ~(BHCFG_PAGE - 1);
			iend = initrd + p->initrd_size;
			ok = ok && initrd >= kend;
		}
		if (!ok) {
			report(c->file, p->where, "initrd",
			       "%s (0x%llx bytes) does not fit in memory region 0 (IPA 0x%llx..0x%llx) beside the kernel and the device tree",
			       p->initrd, (unsigned long long)p->initrd_size,
			       (unsigned long long)r0.base, (unsigned long long)(r0_end - 1));
			return;
		}
		if (dtb < iend && dend > initrd) {
			report_blob(c, p, "dtb-ipa", "the device tree", dtb, p->dtb_size,
				    "overlaps the initrd");
			return;
		}
		/* /chosen tells the kernel where it is, as QEMU's -initrd does. */
		int chosen = fdt_path_offset(p->dtb, "/chosen");
		if (chosen < 0 ||
		    fdt_setprop_inplace_u64(p->dtb, chosen, "linux,initrd-start", initrd) != 0 ||
		    fdt_setprop_inplace_u64(p->dtb, chosen, "linux,initrd-end", iend) != 0) {
			report(c->file, p->where, "initrd", "internal error: /chosen/linux,initrd-* missing");
			return;
		}
		p->initrd_load = initrd;
	}
	p->dtb_load = dtb;
}

/* a + b, or UINT64_MAX if that overflows: sizes only need comparing. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t page_up(uint64_t v)
{
	uint64_t r;

	return align_up(v, BHCFG_PAGE, &r) ? r : UINT64_MAX;
}

/* What a partition's blobs take in images.S: each starts on a page. */
static uint64_t packed_size(const struct part *p)
{
	uint64_t n = sat_add(page_up(p->kernel_size), page_up(p->dtb_size));

	return p->initrd_path != NULL ? sat_add(n, page_up(p->initrd_size)) : n;
}

/*
 * Every kernel, DTB and initrd is packed into the hypervisor's image, which
 * must end inside --hyp-size (the link asserts it). The link can only say
 * that the image is too big; checked here, the message names the partition
 * and the sizes. The hypervisor's own part is --hyp-reserve, an estimate.
 */
void check_image_room(const struct config *c, const struct options *o)
{
	uint64_t room = o->hyp_size > o->hyp_reserve ? o->hyp_size - o->hyp_reserve : 0;
	uint64_t total = 0;
	bool alone = false;

	for (unsigned i = 0; i < c->nparts; i++) {
		const struct part *p = &c->parts[i];
		if (p->kernel_path == NULL || p->dtb == NULL) {
			return; /* already reported: the sizes are not all known */
		}
		uint64_t own = packed_size(p);
		total = sat_add(total, own);
		if (own > room) {
			report(c->file, p->where, "kernel",
			       "%s (0x%llx bytes)%s take 0x%llx bytes of the hypervisor's image, more than the 0x%llx its range leaves for partition images (--hyp-size 0x%llx minus --hyp-reserve 0x%llx)",
			       p->kernel, (unsigned long long)p->kernel_size,
			       p->initrd_path != NULL ? ", its device tree and its initrd" : " and its device tree",
			       (unsigned long long)own,
			       (unsigned long long)room, (unsigned long long)o->hyp_size,
			       (unsigned long long)o->hyp_reserve);
			alone = true;
		}
	}
	if (!alone && total > room) {
		struct sbuf each = { NULL, 0, 0 };
		for (unsigned i = 0; i < c->nparts; i++) {
			sb_printf(&each, "%s%s 0x%llx", i == 0 ? "" : ", ", c->parts[i].label,
				  (unsigned long long)packed_size(&c->parts[i]));
		}
		report(c->file, NULL, NULL,
		       "the partitions' images take 0x%llx bytes of the hypervisor's image (%s), more than the 0x%llx its range leaves for them (--hyp-size 0x%llx minus --hyp-reserve 0x%llx)",
		       (unsigned long long)total, each.p, (unsigned long long)room,
		       (unsigned long long)o->hyp_size, (unsigned long long)o->hyp_reserve);
		sb_free(&each);
	}
}

/* Make rules naming every file packed into the image, so replacing one
 * (whatever its size) repacks it; an empty rule per file keeps a deleted one
 * from stopping make (as gcc -MP does). */
static void dep_path(struct sbuf *deps, const char *path, const char *after)
{
	for (const char *q = path; *q != '\0'; q++) {
		if (*q == ' ' || *q == '#') {
			sb_printf(deps, "\\%c", *q);
		} else if (*q == '$') {
			sb_printf(deps, "$$");
		} else {
			sb_printf(deps, "%c", *q);
		}
	}
	sb_printf(deps, "%s", after);
}

void list_inputs(struct sbuf *deps, const struct config *c, const char *target)
{
	sb_printf(deps, "# Generated by bhcfg: the files packed into the image.\n%s:", target);
	for (unsigned i = 0; i < c->nparts; i++) {
		const struct part *p = &c->parts[i];
		sb_printf(deps, " ");
		dep_path(deps, p->kernel_path, "");
		if (p->initrd_path != NULL) {
			sb_printf(deps, " ");
			dep_path(deps, p->initrd_path, "");
		}
	}
	sb_printf(deps, "\n");
	for (unsigned i = 0; i < c->nparts; i++) {
		const struct part *p = &c->parts[i];
		dep_path(deps, p->kernel_path, ":\n");
		if (p->initrd_path != NULL) {
			dep_path(deps, p->initrd_path, ":\n");
		}
	}
}
