/*
 * A minimal, read-only, bounds-checked flattened device tree walker.
 * Nodes are identified by the offset of their FDT_BEGIN_NODE token inside
 * the structure block; a negative value means "none" or "malformed".
 */
#ifndef BM_FDT_H
#define BM_FDT_H

#include <stdbool.h>
#include <stdint.h>

struct fdt {
    const uint8_t *blob;
    const uint8_t *structs;
    uint32_t struct_size;
    const char *strings;
    uint32_t strings_size;
};

/* Validates the header; false if blob is not a usable v17 DTB. */
bool fdt_init(struct fdt *f, const void *blob);
uint32_t fdt_totalsize(const void *blob);

long fdt_root(const struct fdt *f);
/* Node name including unit address, "" for the root; NULL if malformed. */
const char *fdt_node_name(const struct fdt *f, long node);
long fdt_first_child(const struct fdt *f, long node);
long fdt_next_sibling(const struct fdt *f, long node);
/* Child by name: exact, or ignoring the unit address when name has none. */
long fdt_subnode(const struct fdt *f, long parent, const char *name, uint32_t namelen);
/* Absolute path such as "/chosen" or "/cpus/cpu@1". */
long fdt_path(const struct fdt *f, const char *path, uint32_t pathlen);

/* Property value and length, or NULL. */
const uint8_t *fdt_prop(const struct fdt *f, long node, const char *name, uint32_t *len);
bool fdt_prop_u32(const struct fdt *f, long node, const char *name, uint32_t *out);
/* A string property that is NUL-terminated inside its value, or NULL. */
const char *fdt_prop_string(const struct fdt *f, long node, const char *name);

uint32_t fdt_be32(const uint8_t *p);
/* Reads `cells` (1 or 2) big-endian cells; false for other cell counts. */
bool fdt_read_cells(const uint8_t *p, uint32_t cells, uint64_t *out);

#endif
