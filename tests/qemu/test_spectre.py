"""Speculation workarounds per CPU model (docs/isolation.md section 4): what
partitions are told about SMCCC_ARCH_WORKAROUND_1/2/3, and how EL2 hardens
its own vectors against branch history a partition leaves behind. QEMU's
PSCI is SMCCC 1.0 firmware, so both come from each core's MIDR and ID
registers alone. TCG does not speculate: these tests show the choice made
and that the hardened entries work, not that the mitigation mitigates."""
import re

import pytest

from harness import Qemu, build

HYP_ONLY = "configs/qemu-virt-hyp-only.dts"
SPECTRE = "tests/qemu/configs/spectre.dts"

# What each core's EL2 vectors run at an entry from a lower EL, as the boot
# log says it: the loop with Arm's count for the core, or nothing.
VECTORS = {
    "cortex-a53": "no hardening (Cortex-A53; BHB: not affected)",
    "cortex-a57": "BHB loop x8 (Cortex-A57)",
    "cortex-a72": "BHB loop x8 (Cortex-A72)",
    "cortex-a76": "BHB loop x24 (Cortex-A76)",
    "neoverse-n1": "BHB loop x24 (Neoverse-N1)",
    "max": "no hardening (not on Arm's lists; BHB: no mitigation known, vulnerable if affected)",
}


@pytest.mark.parametrize("cpu,said", [
    ("cortex-a53", "WA_1 not needed, WA_2 not needed, WA_3 not needed (MIDR 0x410fd034"),
    ("cortex-a57", "WA_1 vulnerable, WA_2 vulnerable, WA_3 vulnerable (MIDR 0x411fd070"),
    # The A72 runs the loop, but WA_3 also stands for variant 2 (SMCCC
    # 1.4), which nothing covers there without firmware.
    ("cortex-a72", "WA_1 vulnerable, WA_2 vulnerable, WA_3 vulnerable (MIDR 0x410fd083"),
    # CSV2 = 1 covers variant 2, and EL2 runs the loop: WA_3 is done.
    ("cortex-a76", "WA_1 not needed, WA_2 vulnerable, WA_3 done at EL2 entry (MIDR 0x414fd0b1"),
    ("neoverse-n1", "WA_1 not needed, WA_2 vulnerable, WA_3 done at EL2 entry (MIDR 0x414fd0c1"),
    ("max", "WA_1 not needed, WA_2 vulnerable, WA_3 vulnerable (MIDR 0xf0510"),
])
def test_workaround_answers_per_cpu(cpu, said):
    image = build(HYP_ONLY)
    with Qemu(image, smp=2, cpu=cpu) as q:
        q.wait_for(r"^bulkhead: boot complete: 0 partitions$")
        out = q.output
    assert (f"bulkhead: speculation workarounds: {said}; firmware without SMCCC 1.1)"
            in out)
    # Every core chooses for itself; cores that chose alike share one line
    # (a big.LITTLE board gets a line per cluster).
    assert out.count("EL2 vectors on ") == 1, out
    assert f"bulkhead: EL2 vectors on cores 0-1: {VECTORS[cpu]}\n" in out, out
    # Secondaries answered like core 0 print no line of their own.
    assert "core 1: speculation workarounds" not in out
    assert "error" not in out


# ARCH_FEATURES(WA_1, WA_2, WA_3), then the WA_3 and WA_1 calls, as the
# partition gets them by HVC.
GUEST = {
    "cortex-a53": ((1, 1, 1), 0, 0),
    "cortex-a72": ((-1, -1, -1), -1, -1),
    "cortex-a76": ((1, -1, 0), 0, 0),
    "max": ((1, -1, -1), -1, 0),
}


@pytest.mark.parametrize("cpu", sorted(GUEST))
def test_partition_runs_on_hardened_vectors(cpu):
    """A partition's calls, timer interrupts and heartbeat go through the core's
    EL2 vectors, hardened or not, and come back; it is answered what the
    boot log says (on the A76 the WA_3 call returns SUCCESS: the HVC's own
    entry ran the loop)."""
    (f1, f2, f3), wa3, wa1 = GUEST[cpu]
    with Qemu(build(SPECTRE), cpu=cpu) as q:
        q.wait_for(r"^\[alpha\] bm: PSCI_VERSION returned ", timeout=20)
        beats = [int(n) for n in re.findall(r"^\[alpha\] bm: alpha heartbeat (\d+)$",
                                            q.output, re.M)]
        q.wait_for(rf"^\[alpha\] bm: alpha heartbeat {max(beats, default=0) + 20}$",
                   timeout=20)
        out = q.output
    assert f"bulkhead: EL2 vectors on cores 0-3: {VECTORS[cpu]}\n" in out, out
    assert "[alpha] bm: cpu 1 up (mpidr 0x1)" in out
    for fid, r in ((0x80008000, f1), (0x80007fff, f2), (0x80003fff, f3)):
        assert f"[alpha] bm: SMCCC 0x80000001 (x1 {fid:#x}) returned {r}\n" in out, out
    assert f"[alpha] bm: SMCCC 0x80003fff (x1 0x0) returned {wa3}\n" in out, out
    assert f"[alpha] bm: SMCCC 0x80008000 (x1 0x0) returned {wa1}\n" in out, out
    assert "[alpha] bm: PSCI_VERSION returned 0x10000 (1.0)" in out
    beats = [int(n) for n in re.findall(r"^\[alpha\] bm: alpha heartbeat (\d+)$", out, re.M)]
    assert beats == list(range(1, len(beats) + 1)), beats
    # Both vCPUs' virtual timer interrupts (tick=10) keep arriving through
    # the lower-EL IRQ entry and the fast path behind it.
    ticks = re.findall(r"^\[alpha\] bm: alpha ticks \(virtual/physical\): "
                       r"cpu0 (\d+)/0 cpu1 (\d+)/0$", out, re.M)
    assert ticks and min(int(n) for n in ticks[-1]) >= 20, ticks[-1:]
    assert not re.search(r"^bulkhead: (error|warning)|halted|stopped|restarting", out, re.M), out


def test_board_dtb_not_mapped_at_el2_after_boot():
    """The board DTB (QEMU's, at 0x48000000: the first bytes of alpha's RAM)
    is mapped at EL2 only while the boot reads it: a read of its window
    afterwards is a translation fault, and the partitions run on."""
    image = build("configs/qemu-virt-two-baremetal.dts")
    with Qemu(image, smp=4, append="bulkhead.fault=read-board-dtb") as q:
        q.wait_for(r"core 0 stopped after an EL2 exception")
        q.wait_for(r"beta heartbeat 3")
        out = q.output
    m = re.search(r"reading the board DTB at EL2 address 0x([0-9a-f]+), as bootargs ask", out)
    assert m, out
    assert f"FAR_EL2  0x{int(m.group(1), 16):016x}" in out, out
    assert "ISS: translation fault" in out
    assert "without a fault" not in out
    assert "[beta] bm: hello from partition beta" in out


def test_partition_ram_not_mapped_at_el2_after_loading():
    """EL2 maps a partition's RAM only while loading it: a read from EL2
    afterwards is a translation fault naming the address, and the other
    partition runs on."""
    image = build("configs/qemu-virt-two-baremetal.dts")
    with Qemu(image, smp=4, append="bulkhead.fault=read-partition-ram@1") as q:
        q.wait_for(r"FAR_EL2  0x0000000050000000")
        q.wait_for(r"beta heartbeat 3")
        out = q.output
    assert ("bulkhead: core 0: reading partition \"beta\"'s RAM at 0x50000000 from EL2, "
            "as bootargs ask") in out
    assert "ISS: translation fault, level 2, read byte" in out
    assert "without a fault" not in out
    assert "[beta] bm: hello from partition beta" in out
