/*
 * "fwcfg-dma:ADDR": QEMU's fw-cfg device, told through its DMA interface to
 * read its 4-byte signature "QEMU" (item 0) into physical address ADDR (hex).
 * A READ makes the device WRITE memory, with the physical address it is
 * given: stage 2 never sees it (issue 13, item 10; docs/isolation.md,
 * "DMA masters"). Needs the fw-cfg page (QEMU virt: 0x09020000) mapped, so
 * the partition must own /fw-cfg@9020000; its RAM is identity-mapped (bhcfg
 * insists), so the access descriptor's address is its physical address too.
 *
 * Interface (QEMU docs/specs/fw_cfg.rst, MMIO flavour): data register at
 * +0x0, selector at +0x8 (16-bit, big-endian), DMA address at +0x10
 * (64-bit, big-endian; writing its low half at +0x14 starts the transfer).
 * The descriptor FWCfgDmaAccess is { be32 control; be32 length; be64
 * address }; the device clears control when done, or leaves ERROR set.
 *
 * Prints `bm: fw-cfg DMA: "QEMU" to 0xADDR` before, then
 * `bm: fw-cfg DMA: done, control 0xC` (0: the device wrote the 4 bytes),
 * or `bm: fw-cfg DMA: no DMA interface (id 0xI)` when FW_CFG_ID lacks it.
 */
#include "bm.h"
#include "fwcfg.h"
#include "sysreg.h"

#define FWCFG_BASE 0x09020000UL
#define FWCFG_DATA 0x0UL
#define FWCFG_SELECTOR 0x8UL
#define FWCFG_DMA_HI 0x10UL
#define FWCFG_DMA_LO 0x14UL

#define FW_CFG_SIGNATURE 0x0000U
#define FW_CFG_ID 0x0001U
#define FW_CFG_VERSION_DMA 0x2U
#define FW_CFG_SIG_SIZE 4U

#define FW_CFG_DMA_CTL_ERROR 0x01U
#define FW_CFG_DMA_CTL_READ 0x02U
#define FW_CFG_DMA_CTL_SELECT 0x08U
#define FW_CFG_DMA_CTL_SELECTOR_SHIFT 16

/* QEMU completes the transfer inside the register write; a bound anyway. */
#define FWCFG_POLLS 1000000U
/* The longest ADDR: "0x" and 16 digits. */
#define FWCFG_ARG_MAX 32U

struct fwcfg_dma_access {
    uint32_t control; /* big-endian */
    uint32_t length;  /* big-endian */
    uint64_t address; /* big-endian */
};

static volatile struct fwcfg_dma_access access __attribute__((aligned(16)));

static void mmio_write16(uint64_t off, uint16_t v)
{
    *(volatile uint16_t *)(uintptr_t)(FWCFG_BASE + off) = v;
}

static void mmio_write32(uint64_t off, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(FWCFG_BASE + off) = v;
}

static uint32_t mmio_read32(uint64_t off)
{
    return *(volatile uint32_t *)(uintptr_t)(FWCFG_BASE + off);
}

static void fwcfg_dma(const char *arg)
{
    uint64_t addr;
    size_t len = strnlen(arg, FWCFG_ARG_MAX);

    if (len == FWCFG_ARG_MAX || !bm_parse_u64(arg, len, true, &addr)) {
        bm_print("bad address '%s'", arg);
        return;
    }
    bm_print("fw-cfg DMA: \"QEMU\" to 0x%lx", addr);
    /* FW_CFG_ID, a little-endian word read through the data register. */
    mmio_write16(FWCFG_SELECTOR, __builtin_bswap16(FW_CFG_ID));
    uint32_t id = mmio_read32(FWCFG_DATA);
    if ((id & FW_CFG_VERSION_DMA) == 0) {
        bm_print("fw-cfg DMA: no DMA interface (id 0x%x)", id);
        return;
    }
    access.control = __builtin_bswap32((FW_CFG_SIGNATURE << FW_CFG_DMA_CTL_SELECTOR_SHIFT) |
                                       FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
    access.length = __builtin_bswap32(FW_CFG_SIG_SIZE);
    access.address = __builtin_bswap64(addr);
    dmb_sy();
    uint64_t desc = (uint64_t)(uintptr_t)&access;
    mmio_write32(FWCFG_DMA_HI, __builtin_bswap32((uint32_t)(desc >> 32)));
    mmio_write32(FWCFG_DMA_LO, __builtin_bswap32((uint32_t)desc));
    uint32_t control = 0;
    for (uint32_t i = 0; i < FWCFG_POLLS; i++) {
        dmb_sy();
        control = __builtin_bswap32(access.control);
        if ((control & ~FW_CFG_DMA_CTL_ERROR) == 0) {
            break;
        }
    }
    bm_print("fw-cfg DMA: done, control 0x%x", control);
}

bool bm_fwcfg_action(const char *a)
{
    if (!bm_startswith(a, "fwcfg-dma:")) {
        return false;
    }
    fwcfg_dma(a + 10);
    return true;
}
