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
