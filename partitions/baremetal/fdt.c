/*
 * Read-only FDT walker (Devicetree Specification, "Flattened Devicetree
 * Format"). Every offset and length taken from the blob is checked against
 * the block it points into before it is used, so a corrupt DTB yields "not
 * found" rather than a wild read. Bytes are read one at a time: the blob need
 * not be aligned, and with the MMU off unaligned wide loads would fault.
 */
#include "fdt.h"

#include "bm.h"

#define FDT_MAGIC 0xD00DFEEDU
#define FDT_HEADER_SIZE 40U
#define FDT_HDR_MAGIC 0U
#define FDT_HDR_TOTALSIZE 4U
#define FDT_HDR_OFF_STRUCT 8U
#define FDT_HDR_OFF_STRINGS 12U
#define FDT_HDR_VERSION 20U
#define FDT_HDR_LAST_COMP 24U
#define FDT_HDR_SIZE_STRINGS 32U
#define FDT_HDR_SIZE_STRUCT 36U
/* size_dt_struct exists from version 17 on; 16 is the oldest compatible one. */
#define FDT_MIN_VERSION 17U
#define FDT_COMPAT_VERSION 16U
/* Sanity cap only (QEMU's unpacked DTBs are 1 MiB); real bounds come from the header. */
#define FDT_MAX_TOTALSIZE (16U << 20)

#define FDT_BEGIN_NODE 1U
#define FDT_END_NODE 2U
#define FDT_PROP 3U
#define FDT_NOP 4U
#define FDT_END 9U

#define FDT_TOKEN_SIZE 4U
#define FDT_PROP_HDR_SIZE 12U /* token, len, nameoff */
#define FDT_MAX_PATH_DEPTH 16U

uint32_t fdt_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
           (uint32_t)p[3];
}

bool fdt_read_cells(const uint8_t *p, uint32_t cells, uint64_t *out)
{
    if (cells == 1) {
        *out = fdt_be32(p);
        return true;
    }
    if (cells == 2) {
        *out = ((uint64_t)fdt_be32(p) << 32) | fdt_be32(p + 4);
        return true;
    }
    return false;
}

uint32_t fdt_totalsize(const void *blob)
{
    return fdt_be32((const uint8_t *)blob + FDT_HDR_TOTALSIZE);
}

/* True if [off, off + len) lies inside a block of `size` bytes. */
static bool in_block(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

bool fdt_init(struct fdt *f, const void *blob)
{
    const uint8_t *b = blob;
    uint32_t total;
    uint32_t soff;
    uint32_t ssize;
    uint32_t stroff;
    uint32_t strsize;

    if (b == NULL || fdt_be32(b + FDT_HDR_MAGIC) != FDT_MAGIC) {
        return false;
    }
    total = fdt_be32(b + FDT_HDR_TOTALSIZE);
    soff = fdt_be32(b + FDT_HDR_OFF_STRUCT);
    ssize = fdt_be32(b + FDT_HDR_SIZE_STRUCT);
    stroff = fdt_be32(b + FDT_HDR_OFF_STRINGS);
    strsize = fdt_be32(b + FDT_HDR_SIZE_STRINGS);
    if (total < FDT_HEADER_SIZE || total > FDT_MAX_TOTALSIZE ||
        fdt_be32(b + FDT_HDR_VERSION) < FDT_MIN_VERSION ||
        fdt_be32(b + FDT_HDR_LAST_COMP) > FDT_COMPAT_VERSION + 1) {
        return false;
    }
    if (soff % FDT_TOKEN_SIZE != 0 || ssize % FDT_TOKEN_SIZE != 0 ||
        !in_block(soff, ssize, total) || !in_block(stroff, strsize, total)) {
        return false;
    }
    f->blob = b;
    f->structs = b + soff;
    f->struct_size = ssize;
    f->strings = (const char *)b + stroff;
    f->strings_size = strsize;
    return true;
}

/* Token at off, or FDT_END if off is out of bounds (ends every walk). */
static uint32_t token_at(const struct fdt *f, long off)
{
    if (off < 0 || off % FDT_TOKEN_SIZE != 0 ||
        !in_block((uint64_t)off, FDT_TOKEN_SIZE, f->struct_size)) {
        return FDT_END;
    }
    return fdt_be32(f->structs + off);
}

static long align_token(uint64_t off)
{
    return (long)((off + FDT_TOKEN_SIZE - 1) & ~(uint64_t)(FDT_TOKEN_SIZE - 1));
}

/*
 * Offset of the token after the one at off, or -1 at FDT_END or on damage.
 * Always strictly greater than off, so every walk terminates.
 */
static long next_token(const struct fdt *f, long off)
{
    uint32_t tok = token_at(f, off);
    uint64_t payload = (uint64_t)off + FDT_TOKEN_SIZE;

    switch (tok) {
    case FDT_BEGIN_NODE: {
        uint64_t room = f->struct_size - payload;
        size_t n = strnlen((const char *)f->structs + payload, room);

        if (n == room) {
            return -1; /* name not terminated inside the block */
        }
        return align_token(payload + n + 1);
    }
    case FDT_END_NODE:
    case FDT_NOP:
        return (long)payload;
    case FDT_PROP: {
        uint32_t len;

        if (!in_block((uint64_t)off, FDT_PROP_HDR_SIZE, f->struct_size)) {
            return -1;
        }
        len = fdt_be32(f->structs + payload);
        if (!in_block((uint64_t)off + FDT_PROP_HDR_SIZE, len, f->struct_size)) {
            return -1;
        }
        return align_token((uint64_t)off + FDT_PROP_HDR_SIZE + len);
    }
    default:
        return -1;
    }
}

/* Skip NOPs; returns the first offset whose token is not FDT_NOP. */
static long skip_nops(const struct fdt *f, long off)
{
    while (off >= 0 && token_at(f, off) == FDT_NOP) {
        off = next_token(f, off);
    }
    return off;
}

long fdt_root(const struct fdt *f)
{
    long off = skip_nops(f, 0);

    return token_at(f, off) == FDT_BEGIN_NODE ? off : -1;
}

const char *fdt_node_name(const struct fdt *f, long node)
{
    if (token_at(f, node) != FDT_BEGIN_NODE || next_token(f, node) < 0) {
        return NULL;
    }
    return (const char *)f->structs + node + FDT_TOKEN_SIZE;
}

/* Offset just after the FDT_END_NODE that closes node, or -1. */
static long skip_subtree(const struct fdt *f, long node)
{
    long off = node;
    uint32_t depth = 0;

    while (off >= 0) {
        uint32_t tok = token_at(f, off);

        if (tok == FDT_BEGIN_NODE) {
            depth++;
        } else if (tok == FDT_END_NODE) {
            if (depth == 0) {
                return -1;
            }
            depth--;
            if (depth == 0) {
                return next_token(f, off);
            }
        } else if (tok != FDT_PROP && tok != FDT_NOP) {
            return -1;
        }
        off = next_token(f, off);
    }
    return -1;
}

/* From off, skip properties and NOPs; return the node starting there or -1. */
static long node_at_or_after(const struct fdt *f, long off)
{
    while (off >= 0) {
        uint32_t tok = token_at(f, off);

        if (tok == FDT_BEGIN_NODE) {
            return off;
        }
        if (tok != FDT_PROP && tok != FDT_NOP) {
            return -1; /* END_NODE: no more children; anything else: damage */
        }
        off = next_token(f, off);
    }
    return -1;
}

long fdt_first_child(const struct fdt *f, long node)
{
    if (token_at(f, node) != FDT_BEGIN_NODE) {
        return -1;
    }
    return node_at_or_after(f, next_token(f, node));
}

long fdt_next_sibling(const struct fdt *f, long node)
{
    if (token_at(f, node) != FDT_BEGIN_NODE) {
        return -1;
    }
    return node_at_or_after(f, skip_subtree(f, node));
}

static bool name_matches(const char *node_name, const char *name, uint32_t namelen)
{
    bool has_unit = false;

    for (uint32_t i = 0; i < namelen; i++) {
        if (node_name[i] != name[i]) {
            return false;
        }
        if (name[i] == '@') {
            has_unit = true;
        }
    }
    return node_name[namelen] == '\0' || (!has_unit && node_name[namelen] == '@');
}

long fdt_subnode(const struct fdt *f, long parent, const char *name, uint32_t namelen)
{
    for (long child = fdt_first_child(f, parent); child >= 0;
         child = fdt_next_sibling(f, child)) {
        const char *cn = fdt_node_name(f, child);

        if (cn != NULL && name_matches(cn, name, namelen)) {
            return child;
        }
    }
    return -1;
}

long fdt_path(const struct fdt *f, const char *path, uint32_t pathlen)
{
    long node = fdt_root(f);
    uint32_t i = 0;
    uint32_t depth = 0;

    if (pathlen == 0 || path[0] != '/') {
        return -1;
    }
    while (node >= 0 && i < pathlen) {
        uint32_t start;

        while (i < pathlen && path[i] == '/') {
            i++;
        }
        start = i;
        while (i < pathlen && path[i] != '/') {
            i++;
        }
        if (i == start) {
            break; /* trailing slash */
        }
        if (++depth > FDT_MAX_PATH_DEPTH) {
            return -1;
        }
        node = fdt_subnode(f, node, path + start, i - start);
    }
    return node;
}

const uint8_t *fdt_prop(const struct fdt *f, long node, const char *name, uint32_t *len)
{
    long off;

    if (token_at(f, node) != FDT_BEGIN_NODE) {
        return NULL;
    }
    for (off = next_token(f, node); off >= 0; off = next_token(f, off)) {
        uint32_t tok = token_at(f, off);
        uint32_t nameoff;
        size_t n;

        if (tok == FDT_NOP) {
            continue;
        }
        if (tok != FDT_PROP || next_token(f, off) < 0) {
            break; /* properties come before subnodes; damage also ends it */
        }
        nameoff = fdt_be32(f->structs + off + 2 * FDT_TOKEN_SIZE);
        if (nameoff >= f->strings_size) {
            continue;
        }
        n = strnlen(f->strings + nameoff, f->strings_size - nameoff);
        if (n == f->strings_size - nameoff) {
            continue; /* unterminated name */
        }
        if (strcmp(f->strings + nameoff, name) == 0) {
            *len = fdt_be32(f->structs + off + FDT_TOKEN_SIZE);
            return f->structs + off + FDT_PROP_HDR_SIZE;
        }
    }
    return NULL;
}

bool fdt_prop_u32(const struct fdt *f, long node, const char *name, uint32_t *out)
{
    uint32_t len = 0;
    const uint8_t *p = fdt_prop(f, node, name, &len);

    if (p == NULL || len != sizeof(uint32_t)) {
        return false;
    }
    *out = fdt_be32(p);
    return true;
}

const char *fdt_prop_string(const struct fdt *f, long node, const char *name)
{
    uint32_t len = 0;
    const uint8_t *p = fdt_prop(f, node, name, &len);

    if (p == NULL || len == 0 || strnlen((const char *)p, len) == len) {
        return NULL;
    }
    return (const char *)p;
}
