"""Foundation: the hypervisor boots at EL2 on QEMU virt, brings every core
online, reports what it found, and dumps a decoded diagnostic on an EL2 fault."""
import re

import pytest

from harness import Qemu, build

HYP_ONLY = "configs/qemu-virt-hyp-only.dts"


@pytest.mark.parametrize("smp", [1, 2, 4, 8])
def test_boot_every_core_online_at_el2(smp):
    image = build(HYP_ONLY)
    with Qemu(image, smp=smp) as q:
        q.wait_for(r"^bulkhead: boot complete: 0 partitions$")
        out = q.output
    # One line for all the cores, their MPIDRs as runs (QEMU virt numbers
    # them 0, 1, ... within a cluster), read from the DTB in a
    # hypervisor-only image.
    mpidrs = "0x0" if smp == 1 else f"0x0-0x{smp - 1:x}"
    cores = "core" if smp == 1 else "cores"
    assert re.search(rf"^bulkhead: {smp} {cores} online at EL2 \(MPIDR {mpidrs}\), boot core 0; "
                     r"memory: 1024 MiB at 0x40000000; hypervisor image 0x40200000-0x[0-9a-f]+$",
                     out, re.M), out
    assert out.count("online at EL2") == 1
    core_list = "0" if smp == 1 else f"0-{smp - 1}"
    assert re.search(rf"^bulkhead: EL2 vectors on {cores} {core_list}: no hardening \(Cortex-A53",
                     out, re.M), out
    assert re.search(r"^bulkhead: Bulkhead \d+\.\d+\.\d+ on qemu-virt, (debug|release) build, "
                     r"starting; device tree at 0x[0-9a-f]+$", out, re.M)
    assert "bulkhead: interrupt controller: GICv3 (distributor at 0x8000000)" in out
    assert "error" not in out


def test_boot_refuses_when_not_entered_at_el2():
    image = build(HYP_ONLY)
    with Qemu(image, smp=2, virtualization=False) as q:
        q.wait_for(r"entered at EL1, but Bulkhead must be started at EL2")
        q.wait_for(r"virtualization=on")
        q.settle(0.5)
        out = q.output
    assert "cores online" not in out


def test_boot_refuses_a_gic_it_was_not_built_for():
    image = build(HYP_ONLY)
    with Qemu(image, smp=4, gic=2) as q:
        q.wait_for(r"stopping: no partition is started")
        q.settle(1.0)
        out = q.output
    assert "interrupt controller: GICv2 (distributor at 0x8000000)" in out
    assert "built for GICv3 but the board has GICv2" in out
    assert "boot complete" not in out
    # The idle secondaries must not touch the GICv3 registers that are not there.
    assert "EL2 exception" not in out, out


FAULTS = {
    # kind: (EC line, ISS line)
    "data-abort": (r"EC 0x25 Data Abort at the current EL",
                   r"ISS: translation fault, level 1, write doubleword x\d+, FAR valid"),
    "undef": (r"EC 0x00 Unknown reason \(UNDEFINED instruction\)", r"ISS: ISS 0x0000000"),
    "write-text": (r"EC 0x25 Data Abort at the current EL",
                   r"ISS: permission fault, level 3, write \w+ x\d+, FAR valid"),
    "exec-data": (r"EC 0x21 Instruction Abort at the current EL",
                  r"ISS: permission fault, level 3, FAR valid"),
}


@pytest.mark.parametrize("kind", sorted(FAULTS))
def test_boot_el2_fault_dump_is_decoded(kind):
    """A forced EL2 exception on core 1 is dumped decoded and stops only that
    core; write-text and exec-data also prove the EL2 text is read-only and
    the EL2 data is execute-never."""
    image = build(HYP_ONLY)
    with Qemu(image, smp=4, append=f"bulkhead.fault={kind}@1") as q:
        q.wait_for(r"core 1 stopped after an EL2 exception")
        q.wait_for(r"^bulkhead: boot complete: 0 partitions$")
        out = q.output
    ec, iss = FAULTS[kind]
    assert "bulkhead: *** EL2 exception on core 1: synchronous, current EL with SP_EL2 ***" in out
    assert re.search(r"ESR_EL2  0x[0-9a-f]{16}  " + ec, out), out
    assert re.search(iss, out), out
    far = re.search(r"FAR_EL2  0x([0-9a-f]{16})", out).group(1)
    elr = int(re.search(r"ELR_EL2  0x([0-9a-f]{16})", out).group(1), 16)
    if kind == "data-abort":
        assert far == "0000001000000000"
    assert 0x40200000 <= elr < 0x44000000, "ELR must point into the hypervisor image"
    assert re.search(r"SPSR_EL2 0x[0-9a-f]{16}  EL2h, DAIF DAIF", out)
    for reg in range(0, 31):
        assert re.search(rf"x{reg:<2} 0x[0-9a-f]{{16}}", out), f"x{reg} missing"
    assert re.search(r"sp  0x[0-9a-f]{16}", out)
    assert "MPIDR 0x1" in out
    # The other three cores came up and core 0 finished booting.
    assert "bulkhead: 4 cores online" in out


def test_boot_el2_stack_overflow_is_caught_before_it_reaches_another_core():
    """Core 2 recurses until its EL2 stack is gone: the vector catches the
    overflow by its address bit, reports it from an emergency stack, and core
    2 stops; the other cores are untouched."""
    image = build(HYP_ONLY)
    with Qemu(image, smp=4, append="bulkhead.fault=stack-overflow@2") as q:
        q.wait_for(r"core 2 stopped after an EL2 exception")
        q.wait_for(r"^bulkhead: boot complete: 0 partitions$")
        out = q.output
    assert "bulkhead: *** EL2 stack overflow on core 2 ***" in out
    m = re.search(r"ELR_EL2  0x([0-9a-f]{16})  FAR_EL2  0x([0-9a-f]{16})", out)
    assert m and 0x40200000 <= int(m.group(1), 16) < 0x44000000
    assert "EL2 exception on core" not in out, "the overflow re-faulted instead"
    assert out.count("stopped after an EL2 exception") == 1
    assert "bulkhead: 4 cores online" in out


UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"


def test_boot_from_uboot_booti():
    """The path a real board takes: U-Boot (Debian's u-boot-qemu, running at
    EL2) starts the image with booti and its own device tree, and Bulkhead
    comes up at EL2 with both partitions of configs/qemu-virt-two-baremetal.dts."""
    image = build("configs/qemu-virt-two-baremetal.dts")
    with Qemu(image, bios=UBOOT) as q:
        q.wait_for(r"Hit any key to stop autoboot", timeout=60, partial=True)
        q.send("\r")
        q.wait_for(r"^=> ", timeout=30, partial=True)
        q.send("booti 0x40200000 - ${fdtcontroladdr}\r")
        q.wait_for(r"^\[alpha\] bm: all 2 cpus up$")
        q.wait_for(r"^\[beta\] bm: all 2 cpus up$")
        out = q.output
    assert "bulkhead: 4 cores online at EL2 (MPIDR 0x0-0x3; from the board description " \
        "qemu-virt), boot core 0" in out
    assert "bulkhead: boot complete: 2 partitions" in out
    # U-Boot passed its own copy of the DTB, not QEMU's at the start of RAM.
    m = re.search(r"device tree at 0x([0-9a-f]+)", out)
    assert m and int(m.group(1), 16) != 0x40000000


def test_boot_el2_fault_while_printing_is_dumped_not_deadlocked():
    """Core 1 faults half-way through printing a console line, with the
    console held: the fault dump, which takes the console itself, must see
    the lock is its own core's (not wait for itself forever); the core stops
    and the others, which print after it, still can."""
    image = build(HYP_ONLY)
    with Qemu(image, smp=4, append="bulkhead.fault=in-console@1") as q:
        q.wait_for(r"core 1 stopped after an EL2 exception")
        q.wait_for(r"^bulkhead: boot complete: 0 partitions$")
        out = q.output
    # The line stops where the fault hit it ("bulkhead:"), the dump follows.
    assert "bulkhead:bulkhead: *** EL2 exception on core 1: synchronous, current EL with SP_EL2 ***" \
        in out, out
    assert "bulkhead: 4 cores online" in out
