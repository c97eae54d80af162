/*
 * A fake physical GICv3 for host tests (core/include/gic_hw.h): the GICD
 * frame and each core's redistributor frames as plain byte arrays, the
 * set/clear register pairs acting on bits as the hardware's do, and SGIs
 * recorded. Tests read the arrays to see what reached the "hardware".
 */
#ifndef HOST_GIC_FAKES_H
#define HOST_GIC_FAKES_H

#include <stdint.h>

#define NCORES        8u
#define GICD_BYTES    0x10000u
#define GICR_BYTES    0x20000u
#define HGF_SGI_MAX   64u
/* What arch_gic_guest_private_mask() answers: SGIs but 8, PPIs 27 and 30. */
#define HGF_PRIVATE_MASK ((0xffffu & ~(1u << 8)) | (1u << 27) | (1u << 30))

extern uint8_t hw_gicd[GICD_BYTES];
extern uint8_t hw_gicr[NCORES][GICR_BYTES];
extern uint64_t hgf_sgis[HGF_SGI_MAX];
extern unsigned int hgf_nsgis;

void hgf_reset(void);

#endif /* HOST_GIC_FAKES_H */
