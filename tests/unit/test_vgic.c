/*
 * Host tests of the emulated GICv3 distributor and redistributors
 * (core/vgic*.c) over a fake physical GIC: plain arrays standing for the
 * GICD frame and each core's redistributor frames. Each register the
 * architecture defines is read at reset, written and read back, tried at the
 * access sizes it allows and refuses, and shown to change nothing of the
 * hardware for an interrupt the partition does not own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gic_hw.h"
#include "host_gic_fakes.h"
#include "vgic.h"

void arch_cpu_relax(void)
{
}

/* ---- the partition under test ------------------------------------------- */

/* Two vCPUs on cores 5 and 6 of a two-cluster board, SPIs 34 and 40. */
static const uint32_t cores[2] = { 5, 6 };
static const uint64_t mpidr[2] = { 0x101, 0x102 };
static const uint32_t spis[2] = { 34, 40 };
/* SGIs 0-7 and 9-15 (8 is the hypervisor's), the timers' PPIs 27 and 30. */
#define PRIVATE_MASK  HGF_PRIVATE_MASK

static struct vgic g;

static uint32_t hwd32(uint32_t off)
{
	return arch_gicd_read32(off);
}

static uint64_t hwd64(uint32_t off)
{
	uint64_t v;
	memcpy(&v, hw_gicd + off, 8);
	return v;
}

static uint64_t rd(uint32_t off, unsigned int size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;
	assert_int_equal(vgic_dist_access(&g, off, 0, size, &v), VGIC_OK);
	return v;
}

static void wr(uint32_t off, unsigned int size, uint64_t v)
{
	assert_int_equal(vgic_dist_access(&g, off, 1, size, &v), VGIC_OK);
}

static uint64_t rrd(uint64_t off, unsigned int size)
{
	uint64_t v = 0xdeadbeefdeadbeefull;
	assert_int_equal(vgic_redist_access(&g, off, 0, size, &v), VGIC_OK);
	return v;
}

static void rwr(uint64_t off, unsigned int size, uint64_t v)
{
	assert_int_equal(vgic_redist_access(&g, off, 1, size, &v), VGIC_OK);
}

static int setup(void **state)
{
	(void)state;
	hgf_reset();
	/* What a GIC-600-like distributor reports: 256 INTIDs (ITLinesNumber
	 * 7), 16 ID bits, LPIs, MBIS, RSS, SecurityExtn; and a GICv3 PIDR2. */
	uint32_t typer = 7u | (15u << 19) | (1u << 17) | (1u << 16) | (1u << 26) | (1u << 10);
	memcpy(hw_gicd + 0x4, &typer, 4);
	uint32_t iidr = 0x0200143bu, pidr2 = 0x3bu;
	memcpy(hw_gicd + 0x8, &iidr, 4);
	memcpy(hw_gicd + 0xffe8, &pidr2, 4);
	for (unsigned int c = 0; c < NCORES; c++) {
		memcpy(hw_gicr[c] + 0x4, &iidr, 4);
		memcpy(hw_gicr[c] + 0xffe8, &pidr2, 4);
	}
	/* Leftovers of a previous run on the partition's SPIs. */
	hw_gicd[0x100 + 4] = 0x04;      /* SPI 34 enabled */
	hw_gicd[0x180 + 4] = 0x04;
	hw_gicd[0x400 + 34] = 0x10;
	vgic_init(&g, 2, cores, mpidr, spis, 2, PRIVATE_MASK);
	return 0;
}

/* ---- distributor ---------------------------------------------------------- */

static void test_init_resets_owned_spis(void **state)
{
	(void)state;
	assert_int_equal(hwd32(0x104) & (1u << 2), 0);           /* 34 disabled */
	assert_int_equal(hw_gicd[0x400 + 34], VGIC_PRIO_GUEST_BASE);
	assert_int_equal(hw_gicd[0x400 + 40], VGIC_PRIO_GUEST_BASE);
	assert_int_equal(hwd64(0x6000 + 8 * 34), 0x101);         /* vCPU 0's core */
	assert_int_equal(hwd64(0x6000 + 8 * 40), 0x101);
	assert_true(vgic_owns(&g, 34) && vgic_owns(&g, 40));
	assert_false(vgic_owns(&g, 35) || vgic_owns(&g, 8) || vgic_owns(&g, 26));
	assert_true(vgic_owns(&g, 27) && vgic_owns(&g, 0));
	assert_false(vgic_owns(&g, 1020) || vgic_owns(&g, 0xffffffffu));
}

static void test_ctlr(void **state)
{
	(void)state;
	assert_int_equal(rd(0x0, 4), 0x10);                      /* ARE_NS, RAO */
	wr(0x0, 4, 0xffffffff);
	assert_int_equal(rd(0x0, 4), 0x12);                      /* + EnableGrp1NS */
	wr(0x0, 4, 0);
	assert_int_equal(rd(0x0, 4), 0x10);
	assert_int_equal(hwd32(0x0), 0);                         /* hardware untouched */
}

static void test_typer_iidr_pidr2(void **state)
{
	(void)state;
	uint32_t t = (uint32_t)rd(0x4, 4);
	assert_int_equal(t & 0x1f, 7);                           /* same INTID space */
	assert_int_equal((t >> 19) & 0x1f, 15);                  /* same ID bits */
	assert_int_equal(t & ((1u << 17) | (1u << 16) | (1u << 26)), 0); /* no LPI, MBIS, RSS */
	assert_int_equal(t & (1u << 25), 1u << 25);              /* No1N */
	assert_int_equal((t >> 5) & 7, 1);                       /* two vCPUs */
	assert_int_equal(rd(0x8, 4), 0x0200143b);
	assert_int_equal(rd(0xffe8, 4), 0x3b);
	wr(0x4, 4, 0);
	assert_int_equal(rd(0x4, 4), t);                         /* read-only */
}

static void test_bit_registers_owned_and_foreign(void **state)
{
	(void)state;
	/* SPI 34 and 40 are bits 2 and 8 of word 1; 33 and 35 are someone else's. */
	const uint32_t mine = (1u << 2) | (1u << 8);
	hw_gicd[0x100 + 4] |= 0x0a;                               /* 33, 35 enabled by others */
	hw_gicd[0x180 + 4] |= 0x0a;
	for (uint32_t set = 0x100; set < 0x400; set += 0x100) {
		uint32_t clr = set + 0x80;
		uint32_t before = hwd32(set + 4);
		g.stats.foreign_writes = 0;
		wr(set + 4, 4, 0xffffffff);
		assert_int_equal(hwd32(set + 4), before | mine);
		assert_int_equal(rd(set + 4, 4), mine);
		assert_int_equal(rd(clr + 4, 4), mine);
		assert_int_equal(g.stats.foreign_writes, 1);
		wr(clr + 4, 4, 0xffffffff);
		assert_int_equal(hwd32(set + 4), before & ~mine);
		assert_int_equal(rd(set + 4, 4), 0);
		/* Word 0 (private interrupts) is RAZ/WI in the distributor. */
		wr(set, 4, 0xffffffff);
		assert_int_equal(rd(set, 4), 0);
		assert_int_equal(hwd32(set) & ~0u, set == 0x100 ? 0 : hwd32(set));
	}
	assert_int_equal(hwd32(0x104) & 0x0a, 0x0a);             /* others' still on */
}

static void test_priority(void **state)
{
	(void)state;
	assert_int_equal(rd(0x400 + 34, 1), 0);                  /* reset value */
	wr(0x400 + 34, 1, 0xa0);
	assert_int_equal(rd(0x400 + 34, 1), 0xa0);
	assert_int_equal(hw_gicd[0x400 + 34], 0x80 | (0xa0 >> 1));
	/* A word with one owned byte (34) and three foreign (32, 33, 35). */
	hw_gicd[0x400 + 33] = 0x55;
	wr(0x400 + 32, 4, 0x00102030);
	assert_int_equal(hw_gicd[0x400 + 33], 0x55);
	assert_int_equal(hw_gicd[0x400 + 32], 0);
	assert_int_equal(hw_gicd[0x400 + 35], 0);
	assert_int_equal(hw_gicd[0x400 + 34], 0x80 | (0x10 >> 1));
	assert_int_equal(rd(0x400 + 32, 4), 0x00100000);
	/* The guest cannot reach the hypervisor's priorities (below 0x80). */
	wr(0x400 + 40, 1, 0x00);
	assert_int_equal(hw_gicd[0x400 + 40], 0x80);
	/* Private INTIDs: RAZ/WI in the distributor. */
	wr(0x400 + 8, 1, 0x00);
	assert_int_equal(rd(0x400, 4), 0);
	assert_int_equal(hw_gicd[0x400 + 8], 0);
}

static void test_icfgr(void **state)
{
	(void)state;
	/* INTIDs 32-47 are ICFGR2; 34 is field 2, 40 field 8. */
	uint32_t others = 0x2u << (2 * 3);                        /* SPI 35 edge (not ours) */
	memcpy(hw_gicd + 0xc08, &others, 4);
	wr(0xc08, 4, 0xffffffff);
	assert_int_equal(hwd32(0xc08), others | (2u << 4) | (2u << 16));
	assert_int_equal(rd(0xc08, 4), (2u << 4) | (2u << 16));
	wr(0xc08, 4, 0);
	assert_int_equal(hwd32(0xc08), others);
	wr(0xc00, 4, 0xffffffff);                                 /* SGIs: RAZ/WI here */
	assert_int_equal(rd(0xc00, 4), 0);
	assert_int_equal(hwd32(0xc00), 0);
}

static void test_irouter(void **state)
{
	(void)state;
	uint32_t off = 0x6000 + 8 * 34;
	assert_int_equal(rd(off, 8), 0);
	wr(off, 8, 1);                                            /* vCPU 1 */
	assert_int_equal(rd(off, 8), 1);
	assert_int_equal(hwd64(off), 0x102);                      /* its core */
	assert_int_equal(vgic_route_vcpu(&g, 34), 1);
	/* 1-of-N (IRM, bit 31) is RES0 with No1N: never the whole machine. */
	wr(off, 8, 1u << 31);
	assert_int_equal(rd(off, 8), 0);
	assert_int_equal(hwd64(off), 0x101);
	/* An affinity the partition does not have: kept as written, held back,
	 * and physically still on one of its own cores. */
	wr(off, 8, 0x0000000203ull);
	assert_int_equal(rd(off, 8), 0x0203);
	assert_int_equal(vgic_route_vcpu(&g, 34), 2);            /* == ncpus: none */
	assert_int_equal(hwd64(off), 0x101);
	/* 32-bit halves. */
	wr(off, 4, 1);
	wr(off + 4, 4, 0);
	assert_int_equal(rd(off, 8), 1);
	assert_int_equal(rd(off, 4), 1);
	assert_int_equal(rd(off + 4, 4), 0);
	assert_int_equal(hwd64(off), 0x102);
	/* A foreign SPI's route: unchanged, reads zero. */
	uint64_t foreign = 0x6000 + 8 * 35;
	memcpy(hw_gicd + foreign, &(uint64_t){ 0x3 }, 8);
	wr((uint32_t)foreign, 8, 1);
	assert_int_equal(hwd64((uint32_t)foreign), 0x3);
	assert_int_equal(rd((uint32_t)foreign, 8), 0);
}

static void test_dist_sizes(void **state)
{
	(void)state;
	uint64_t v = 0;
	/* 16-bit, unaligned, or 64-bit where the register is 32-bit: bus error. */
	assert_int_equal(vgic_dist_access(&g, 0x0, 0, 2, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x102, 1, 4, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x100, 0, 8, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x100, 0, 1, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x6000 + 8 * 34 + 2, 0, 4, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x401, 0, 4, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x400 + 34, 0, 2, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x10000, 0, 4, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_dist_access(&g, 0x0, 0, 3, &v), VGIC_BUS_ERROR);
	/* Byte access is fine on IPRIORITYR. */
	assert_int_equal(vgic_dist_access(&g, 0x400 + 35, 0, 1, &v), VGIC_OK);
}

/* A partition that owns nothing, writing every value pattern to every offset
 * at every size: the hardware is byte for byte what it was. */
static void test_dist_owning_nothing_changes_nothing(void **state)
{
	(void)state;
	static uint8_t before[GICD_BYTES];
	static const uint64_t pats[] = { 0, ~0ull, 0x5555555555555555ull, 0x0000000100000001ull };
	vgic_init(&g, 2, cores, mpidr, spis, 0, 0);
	memcpy(before, hw_gicd, sizeof(before));
	for (uint32_t off = 0; off < GICD_BYTES; off++) {
		for (unsigned int size = 1; size <= 8; size *= 2) {
			for (unsigned int p = 0; p < 4; p++) {
				uint64_t v = pats[p];
				(void)vgic_dist_access(&g, off, 1, size, &v);
				v = pats[p];
				if (vgic_dist_access(&g, off, 0, size, &v) == VGIC_OK &&
				    off >= 0x80 && off < 0xfe00) {
					assert_int_equal(v, off >= 0x80 && off < 0x100 ? 0 : v);
				}
			}
		}
	}
	assert_memory_equal(before, hw_gicd, sizeof(before));
}

/* ---- redistributors --------------------------------------------------------- */

static void test_gicr_typer(void **state)
{
	(void)state;
	assert_int_equal(rrd(0x8, 8), (0ull << 32) | (0u << 8));              /* vCPU 0 */
	assert_int_equal(rrd(0x20000 + 0x8, 8), (1ull << 32) | (1u << 8) | (1u << 4)); /* Last */
	assert_int_equal(rrd(0x20000 + 0xc, 4), 1);
	assert_int_equal(rrd(0x20000 + 0x8, 4), (1u << 8) | (1u << 4));
	assert_int_equal(rrd(0x4, 4), 0x0200143b);
	assert_int_equal(rrd(0xffe8, 4), 0x3b);
	uint64_t v = 0;
	assert_int_equal(vgic_redist_access(&g, 0x40000, 0, 4, &v), VGIC_BUS_ERROR); /* no vCPU 2 */
	assert_int_equal(vgic_redist_access(&g, 0x0, 0, 8, &v), VGIC_BUS_ERROR);
	assert_int_equal(vgic_redist_access(&g, 0x14, 0, 2, &v), VGIC_BUS_ERROR);
}

static void test_gicr_waker_and_lpis(void **state)
{
	(void)state;
	assert_int_equal(rrd(0x14, 4), 0);
	rwr(0x14, 4, 2);
	assert_int_equal(rrd(0x14, 4), 6);                       /* asleep */
	rwr(0x14, 4, 0);
	assert_int_equal(rrd(0x14, 4), 0);
	static uint8_t before[GICR_BYTES];
	memcpy(before, hw_gicr[5], sizeof(before));
	rwr(0x70, 8, 0x40000000ull);                             /* PROPBASER */
	rwr(0x78, 8, 0x40000000ull);                             /* PENDBASER */
	rwr(0x0, 4, 1);                                          /* CTLR.EnableLPIs */
	assert_int_equal(rrd(0x70, 8), 0);
	assert_int_equal(rrd(0x0, 4), 0);
	assert_memory_equal(before, hw_gicr[5], sizeof(before));
}

static void test_gicr_private_filter(void **state)
{
	(void)state;
	/* Frame 1 is vCPU 1, on core 6. */
	rwr(0x20000 + 0x10100, 4, 0xffffffff);
	assert_int_equal(arch_gicr_read32(6, 0x10100), PRIVATE_MASK);
	assert_int_equal(arch_gicr_read32(5, 0x10100), 0);       /* not vCPU 0's core */
	/* The hypervisor's SGI 8 and EL2 timer PPI 26, enabled on the core,
	 * stay enabled whatever the partition writes, and are not shown. */
	arch_gicr_write32(5, 0x10100, (1u << 8) | (1u << 26));
	rwr(0x10180, 4, 0xffffffff);
	assert_int_equal(arch_gicr_read32(5, 0x10100), (1u << 8) | (1u << 26));
	assert_int_equal(rrd(0x10100, 4), 0);
	/* Priorities: shadowed, clamped below the hypervisor's. */
	rwr(0x10400 + 27, 1, 0x20);
	assert_int_equal(rrd(0x10400 + 27, 1), 0x20);
	assert_int_equal(hw_gicr[5][0x10400 + 27], 0x80 | 0x10);
	rwr(0x10400 + 8, 1, 0x00);
	assert_int_equal(hw_gicr[5][0x10400 + 8], 0);
	assert_int_equal(rrd(0x10408, 4), 0);
	/* ICFGR0: SGIs always edge, read-only; ICFGR1 filtered. */
	assert_int_equal(rrd(0x10c00, 4), 0xaaaaaaaa);
	rwr(0x10c00, 4, 0);
	assert_int_equal(rrd(0x10c00, 4), 0xaaaaaaaa);
	rwr(0x10c04, 4, 0xffffffff);
	assert_int_equal(arch_gicr_read32(5, 0x10c04), (2u << 22) | (2u << 28)); /* 27, 30 */
	/* Groups: Secure in this view, RAZ/WI. */
	rwr(0x10080, 4, 0xffffffff);
	assert_int_equal(rrd(0x10080, 4), 0);
	assert_int_equal(arch_gicr_read32(5, 0x10080), 0);
}

/* ---- SGIs a partition sends ------------------------------------------------ */

static void test_sgi_to_own_vcpus_only(void **state)
{
	(void)state;
	int refused;
	/* SGI 3 to vCPU 1 (target list bit 1): core 6's MPIDR 0x102. */
	assert_int_equal(vgic_send_sgi(&g, 0, (3ull << 24) | 0x2, &refused), 1);
	assert_false(refused);
	assert_int_equal(hgf_nsgis, 1);
	assert_int_equal(hgf_sgis[0], (0x102ull << 8) | 3);
	/* Both vCPUs, and a third that does not exist: two sent, refusal noted. */
	assert_int_equal(vgic_send_sgi(&g, 0, (5ull << 24) | 0x7, &refused), 2);
	assert_true(refused);
	assert_int_equal(hgf_sgis[1], (0x101ull << 8) | 5);
	assert_int_equal(hgf_sgis[2], (0x102ull << 8) | 5);
	/* IRM: every other vCPU of the partition, never the machine. */
	assert_int_equal(vgic_send_sgi(&g, 1, (1ull << 40) | (2ull << 24), &refused), 1);
	assert_int_equal(hgf_sgis[3], (0x101ull << 8) | 2);
	assert_int_equal(hgf_nsgis, 4);
}

static void test_sgi_refused(void **state)
{
	(void)state;
	int refused;
	/* The hypervisor's request SGI, to everyone. */
	assert_int_equal(vgic_send_sgi(&g, 0, (8ull << 24) | 0xffff, &refused), 0);
	assert_true(refused);
	assert_int_equal(vgic_send_sgi(&g, 0, (1ull << 40) | (8ull << 24), &refused), 0);
	assert_true(refused);
	/* Affinity 0.0.1.x, 0.1.0.x, 1.0.0.x: nobody of this partition (physical
	 * cores 0x101/0x102 are Aff1 = 1, but the guest speaks virtual affinity). */
	assert_int_equal(vgic_send_sgi(&g, 0, (1ull << 16) | 0x3, &refused), 0);
	assert_true(refused);
	assert_int_equal(vgic_send_sgi(&g, 0, (1ull << 32) | 0x3, &refused), 0);
	assert_int_equal(vgic_send_sgi(&g, 0, (1ull << 48) | 0x3, &refused), 0);
	/* Range selector 1: vCPUs 16-31, which it does not have. */
	assert_int_equal(vgic_send_sgi(&g, 0, (1ull << 44) | 0x1, &refused), 0);
	assert_true(refused);
	assert_int_equal(hgf_nsgis, 0);
}

/* Every value of the register: nothing reaches a core outside the partition. */
static void test_sgi_sweep_stays_inside(void **state)
{
	(void)state;
	int refused;
	for (uint64_t hi = 0; hi < 0x400; hi++) {
		uint64_t v = (hi & 0xf) << 24 | ((hi >> 4) & 1) << 40 | ((hi >> 5) & 3) << 44 |
			     ((hi >> 7) & 7) << 16 | 0xffff;
		hgf_nsgis = 0;
		(void)vgic_send_sgi(&g, 0, v, &refused);
		for (unsigned int i = 0; i < hgf_nsgis && i < HGF_SGI_MAX; i++) {
			uint64_t mp = hgf_sgis[i] >> 8;
			assert_true(mp == 0x101 || mp == 0x102);
			assert_int_not_equal(hgf_sgis[i] & 0xff, 8);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_resets_owned_spis, setup),
		cmocka_unit_test_setup(test_ctlr, setup),
		cmocka_unit_test_setup(test_typer_iidr_pidr2, setup),
		cmocka_unit_test_setup(test_bit_registers_owned_and_foreign, setup),
		cmocka_unit_test_setup(test_priority, setup),
		cmocka_unit_test_setup(test_icfgr, setup),
		cmocka_unit_test_setup(test_irouter, setup),
		cmocka_unit_test_setup(test_dist_sizes, setup),
		cmocka_unit_test_setup(test_dist_owning_nothing_changes_nothing, setup),
		cmocka_unit_test_setup(test_gicr_typer, setup),
		cmocka_unit_test_setup(test_gicr_waker_and_lpis, setup),
		cmocka_unit_test_setup(test_gicr_private_filter, setup),
		cmocka_unit_test_setup(test_sgi_to_own_vcpus_only, setup),
		cmocka_unit_test_setup(test_sgi_refused, setup),
		cmocka_unit_test_setup(test_sgi_sweep_stays_inside, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
