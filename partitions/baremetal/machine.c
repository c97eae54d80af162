/*
 * Reading the guest's device tree (fdt.c walks it): its CPUs, first memory
 * bank, console UART, bootargs and Bulkhead's boot count.
 */
#include "bm.h"
#include "fdt.h"
#include "machine.h"
#include "sysreg.h"

struct bm_machine bm_machine;

static uint32_t cells_of(const struct fdt *f, long node, const char *prop, uint32_t dflt)
{
    uint32_t v;

    return fdt_prop_u32(f, node, prop, &v) ? v : dflt;
}

/* Resolves /chosen/stdout-path (path or alias, options after ':') to a UART base. */
static bool find_uart(const struct fdt *f, long chosen, uint64_t *base)
{
    const char *sp = fdt_prop_string(f, chosen, "stdout-path");
    uint32_t len = 0;
    long node;
    long root = fdt_root(f);
    const uint8_t *reg;
    uint32_t ac = cells_of(f, root, "#address-cells", 2);
    uint32_t reglen = 0;

    if (sp == NULL) {
        sp = fdt_prop_string(f, chosen, "linux,stdout-path");
    }
    if (sp == NULL) {
        return false;
    }
    while (sp[len] != '\0' && sp[len] != ':') {
        len++;
    }
    if (sp[0] == '/') {
        node = fdt_path(f, sp, len);
    } else {
        long aliases = fdt_subnode(f, root, "aliases", 7);
        const char *target = NULL;
        char alias[BM_NAME_MAX];

        bm_strlcpy_n(alias, sizeof(alias), sp, len);
        if (aliases >= 0) {
            target = fdt_prop_string(f, aliases, alias);
        }
        if (target == NULL) {
            return false;
        }
        node = fdt_path(f, target, (uint32_t)strnlen(target, BM_BOOTARGS_MAX));
    }
    /* The UART is a child of the root in every DTB we are given. */
    reg = fdt_prop(f, node, "reg", &reglen);
    if (reg == NULL || reglen < ac * 4) {
        return false;
    }
    return fdt_read_cells(reg, ac, base);
}

static void read_cpus(const struct fdt *f, long root)
{
    long cpus = fdt_subnode(f, root, "cpus", 4);
    uint32_t ac = cells_of(f, cpus, "#address-cells", 1);

    for (long n = fdt_first_child(f, cpus); n >= 0; n = fdt_next_sibling(f, n)) {
        const char *type = fdt_prop_string(f, n, "device_type");
        const uint8_t *reg;
        uint32_t reglen = 0;
        uint64_t mpidr;

        if (type == NULL || strcmp(type, "cpu") != 0) {
            continue; /* e.g. cpu-map */
        }
        reg = fdt_prop(f, n, "reg", &reglen);
        if (reg == NULL || reglen < ac * 4 || !fdt_read_cells(reg, ac, &mpidr)) {
            continue;
        }
        if (bm_machine.ncpus < BM_MAX_CPUS) {
            bm_machine.mpidr[bm_machine.ncpus] = mpidr & MPIDR_AFF_MASK;
        }
        bm_machine.ncpus++;
    }
}

static void read_memory(const struct fdt *f, long root)
{
    uint32_t ac = cells_of(f, root, "#address-cells", 2);
    uint32_t sc = cells_of(f, root, "#size-cells", 1);

    for (long n = fdt_first_child(f, root); n >= 0; n = fdt_next_sibling(f, n)) {
        const char *type = fdt_prop_string(f, n, "device_type");
        const uint8_t *reg;
        uint32_t reglen = 0;

        if (type == NULL || strcmp(type, "memory") != 0) {
            continue;
        }
        reg = fdt_prop(f, n, "reg", &reglen);
        if (reg == NULL || reglen < (ac + sc) * 4 ||
            !fdt_read_cells(reg, ac, &bm_machine.mem_base) ||
            !fdt_read_cells(reg + ac * 4, sc, &bm_machine.mem_size)) {
            continue;
        }
        bm_machine.have_mem = true;
        return; /* the first bank is what we report */
    }
}

/* linux,initrd-start/end: one or two cells each (the Linux binding). */
static void read_initrd(const struct fdt *f, long chosen)
{
    uint32_t slen;
    uint32_t elen;
    const uint8_t *s = fdt_prop(f, chosen, "linux,initrd-start", &slen);
    const uint8_t *e = fdt_prop(f, chosen, "linux,initrd-end", &elen);

    if (s == NULL || e == NULL || (slen != 4 && slen != 8) || (elen != 4 && elen != 8)) {
        return;
    }
    bm_machine.have_initrd = fdt_read_cells(s, slen / 4, &bm_machine.initrd_start) &&
                             fdt_read_cells(e, elen / 4, &bm_machine.initrd_end) &&
                             bm_machine.initrd_end >= bm_machine.initrd_start;
}

void bm_read_dtb(const void *dtb)
{
    struct fdt f;
    long root;
    long chosen;
    uint64_t uart;
    const char *args;

    if (!fdt_init(&f, dtb)) {
        return;
    }
    root = fdt_root(&f);
    if (root < 0) {
        return;
    }
    bm_machine.dtb_ok = true;
    chosen = fdt_subnode(&f, root, "chosen", 6);
    if (find_uart(&f, chosen, &uart)) {
        bm_console_set_base(uart);
    }
    args = fdt_prop_string(&f, chosen, "bootargs");
    if (args != NULL) {
        bm_strlcpy_n(bm_machine.bootargs, sizeof(bm_machine.bootargs), args,
                     sizeof(bm_machine.bootargs));
    }
    if (!fdt_prop_u32(&f, chosen, "bulkhead,boot-count", &bm_machine.boot_count)) {
        bm_machine.boot_count = 0;
    }
    bm_machine.dtb_base = (uint64_t)(uintptr_t)dtb;
    bm_machine.dtb_size = fdt_totalsize(dtb);
    read_initrd(&f, chosen);
    read_cpus(&f, root);
    read_memory(&f, root);
}
