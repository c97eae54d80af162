"""What partitions are told about SMCCC_ARCH_WORKAROUND_1/2/3, per CPU model
(docs/isolation.md section 4). QEMU's PSCI is SMCCC 1.0 firmware, so the
answers come from the boot core's MIDR and ID registers alone."""
import pytest

from harness import Qemu, build

HYP_ONLY = "configs/qemu-virt-hyp-only.dts"


@pytest.mark.parametrize("cpu,said", [
    ("cortex-a53", "WA_1 not needed, WA_2 not needed, WA_3 not needed (MIDR 0x410fd034"),
    ("cortex-a72", "WA_1 vulnerable, WA_2 vulnerable, WA_3 vulnerable (MIDR 0x410fd083"),
    ("max", "WA_1 not needed, WA_2 vulnerable, WA_3 vulnerable (MIDR 0xf0510"),
])
def test_workaround_answers_per_cpu(cpu, said):
    image = build(HYP_ONLY)
    with Qemu(image, smp=2, cpu=cpu) as q:
        q.wait_for(r"^bulkhead: boot complete: 0 partitions$")
        out = q.output
    assert (f"bulkhead: speculation workarounds: {said}; firmware without SMCCC 1.1)"
            in out)
    assert "error" not in out


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
