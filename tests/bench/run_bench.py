#!/usr/bin/env python3
"""Benchmarks, in QEMU's deterministic icount mode (-icount shift=0,sleep=off:
virtual time advances 1 ns per instruction), so figures repeat exactly and are
comparable across machines. Wall-clock time is never used.

boot: virtual time from reset to the first console line of a bare-metal
partition, against the same guest booted natively (no hypervisor) in the same
invocation. Prints a Markdown table; `--out FILE` also writes it.
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "qemu"))
from harness import BUILD, Qemu, build  # noqa: E402

BENCH = r"bm: bench: (\d+) uart reads in (\d+) ns, (\d+) psci calls in (\d+) ns"
FIRST = r"bm: first line at counter (\d+), (\d+) ns; entered at counter (\d+), (\d+) ns"


def run_guest(image, smp, virtualization, append=None):
    """(first line ns, entry ns, ns per UART read, ns per PSCI call)."""
    with Qemu(image, smp=smp, virtualization=virtualization, append=append, icount=True) as q:
        m = q.wait_for(FIRST, timeout=120)
        b = q.wait_for(BENCH, timeout=120)
        return (int(m.group(2)), int(m.group(4)), int(b.group(2)) / int(b.group(1)),
                int(b.group(4)) / int(b.group(3)))


def qemu_version():
    out = subprocess.run(["qemu-system-aarch64", "--version"], capture_output=True, text=True)
    return out.stdout.splitlines()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    hyp = build("tests/bench/configs/bench-boot.dts", defconfig="tests/bench/bench.defconfig")
    guest = BUILD / "guests" / "baremetal" / "baremetal.bin"
    rows = []
    ops = []
    for smp in (1, 4):
        native_ns, native_entry, n_mmio, n_hvc = run_guest(guest, smp, False,
                                                          append="name=native ts act=bench")
        part_ns, part_entry, p_mmio, p_hvc = run_guest(hyp, smp, True)
        rows.append((smp, native_entry, native_ns, part_entry, part_ns))
        ops.append((smp, n_mmio, p_mmio, n_hvc, p_hvc))

    lines = [
        "| cores (-smp) | native: guest entered | native: first line | partition: guest entered "
        "| partition: first line | first line, ratio |",
        "|---|---|---|---|---|---|",
    ]
    for smp, n_entry, n_line, p_entry, p_line in rows:
        lines.append(f"| {smp} | {n_entry / 1000:.1f} µs | {n_line / 1000:.1f} µs | "
                     f"{p_entry / 1000:.1f} µs | {p_line / 1000:.1f} µs | {p_line / n_line:.2f} |")
    lines += [
        "",
        "Trapped operations, virtual ns (= instructions) per operation, 10,000 of each:",
        "",
        "| cores (-smp) | UART flag read: native | in a partition (emulated) | PSCI_VERSION: native "
        "| in a partition | EL2 instructions per UART read | per PSCI call |",
        "|---|---|---|---|---|---|---|",
    ]
    for smp, n_mmio, p_mmio, n_hvc, p_hvc in ops:
        lines.append(f"| {smp} | {n_mmio:.1f} | {p_mmio:.1f} | {n_hvc:.1f} | {p_hvc:.1f} | "
                     f"{p_mmio - n_mmio:.0f} | {p_hvc - n_hvc:.0f} |")
    table = "\n".join(lines)
    header = (f"Boot to first console line, {qemu_version()}, -icount shift=0,sleep=off "
              f"(1 instruction = 1 ns of virtual time), cortex-a53, 1 GiB.\n"
              f"With -smp 4 the other cores idle in WFE/WFI at EL2 (no partition on them).\n")
    print(header)
    print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(header + "\n" + table + "\n")


if __name__ == "__main__":
    main()
