/* Where the image sits inside the hypervisor's reserved RAM (CONFIG_HYP_BASE). */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

/* The Image header's text_offset. Boot loaders put the image at a 2 MiB-aligned
 * base plus this; QEMU's -kernel loader moves any image asking for less than
 * its boot stub's size up by 2 MiB, so asking for 2 MiB is what both agree on.
 * [CONFIG_HYP_BASE, +HYP_TEXT_OFFSET) stays part of the hypervisor's range. */
#define HYP_TEXT_OFFSET         0x200000

#endif /* ARCH_LAYOUT_H */
