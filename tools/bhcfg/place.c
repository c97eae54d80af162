/*
 * Kernel placement, computed at build time so the loader at EL2 only copies:
 * an arm64 Image goes where Documentation/arm64/booting.rst wants it (2 MiB
 * aligned base + text_offset), a raw binary at the RAM base + 0x80000, and
 * the partition's DTB right above whatever the kernel may use.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bhcfg.h"

#define ARM64_IMAGE_MAGIC     0x644d5241u /* "ARM\x64" at byte 0x38 */
#define ARM64_HDR_LEN         64u
#define ARM64_FLAG_BE         1u

static uint64_t le(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i > 0; i--) {
		v = (v << 8) | p[i - 1];
	}
	return v;
}

/* Looks the kernel up in the --images directories, in order. */
static char *find_kernel(const struct options *o, const char *name)
{
	char path[BHCFG_PATH_MAX * 2];
	struct stat st;

	for (unsigned i = 0; i < o->nimage_dirs; i++) {
		int n = snprintf(path, sizeof(path), "%s/%s", o->image_dirs[i], name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			continue;
		}
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			return realpath(path, NULL);
		}
	}
	return NULL;
}

static void dirs_list(const struct options *o, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < o->nimage_dirs && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i == 0 ? "" : ":", o->image_dirs[i]);
		if (n < 0) {
			return;
		}
		used += (size_t)n;
	}
}

void place_kernel(const struct config *c, struct part *p, const struct options *o)
{
	unsigned char hdr[ARM64_HDR_LEN];
	struct stat st;
	char dirs[512];

	if (p->kernel == NULL || p->nmem == 0) {
		return;
	}
	p->kernel_path = find_kernel(o, p->kernel);
	if (p->kernel_path == NULL) {
		dirs_list(o, dirs, sizeof(dirs));
		report(c->file, p->where, "kernel", "\"%s\" not found in --images (%s)", p->kernel,
		       o->nimage_dirs == 0 ? "none given" : dirs);
		return;
	}
	if (!path_quotable(p->kernel_path)) {
		report(c->file, p->where, "kernel", "%s: the path contains quotes, backslashes or control characters",
		       p->kernel_path);
		return;
	}
	int fd = open(p->kernel_path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		report(c->file, p->where, "kernel", "%s: %s", p->kernel_path, strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return;
	}
	if (st.st_size <= 0) {
		report(c->file, p->where, "kernel", "%s is empty", p->kernel_path);
		close(fd);
		return;
	}
	p->kernel_size = (uint64_t)st.st_size;
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
		/* image_size counts BSS the file does not hold; old kernels say 0. */
		p->kernel_reserve = image_size > p->kernel_size ? image_size : p->kernel_size;
	} else {
		p->kernel_load = ipa0 + BHCFG_RAW_OFFSET; /* IPAs are < 2^48 */
		p->kernel_reserve = p->kernel_size;
	}
}

void place_fit(const struct config *c, struct part *p)
{
	uint64_t kend, dtb, dend;
	struct range r0 = { p->ipa[0], p->mem[0].size };

	if (p->kernel_path == NULL || p->dtb == NULL) {
		return;
	}
	bool ok = range_end(p->kernel_load, p->kernel_reserve, &kend) &&
		  align_up(kend, 8, &dtb) && range_end(dtb, p->dtb_size, &dend) &&
		  dend <= r0.base + r0.size;
	if (!ok) {
		report(c->file, p->where, "kernel",
		       "%s (0x%llx bytes at IPA 0x%llx) and its 0x%llx-byte device tree do not fit in memory region 0 (IPA 0x%llx..0x%llx)",
		       p->kernel, (unsigned long long)p->kernel_reserve,
		       (unsigned long long)p->kernel_load, (unsigned long long)p->dtb_size,
		       (unsigned long long)r0.base, (unsigned long long)(r0.base + r0.size - 1));
		return;
	}
	p->dtb_load = dtb;
}
