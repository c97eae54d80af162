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
from harness import Qemu, build  # noqa: E402

FIRST = r"bm: first line at counter (\d+), (\d+) ns; entered at counter (\d+), (\d+) ns"


def first_line_ns(image, smp, virtualization, append=None):
    with Qemu(image, smp=smp, virtualization=virtualization, append=append, icount=True) as q:
        m = q.wait_for(FIRST, timeout=120)
        return int(m.group(2)), int(m.group(4))


def qemu_version():
    out = subprocess.run(["qemu-system-aarch64", "--version"], capture_output=True, text=True)
    return out.stdout.splitlines()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    hyp = build("tests/bench/configs/bench-boot.dts", defconfig="tests/bench/bench.defconfig")
    guest = REPO / "build" / "guests" / "baremetal" / "baremetal.bin"
    rows = []
    for smp in (1, 4):
        native_ns, native_entry = first_line_ns(guest, smp, False, append="name=native ts")
        part_ns, part_entry = first_line_ns(hyp, smp, True)
        rows.append((smp, native_entry, native_ns, part_entry, part_ns))

    lines = [
        "| cores (-smp) | native: guest entered | native: first line | partition: guest entered "
        "| partition: first line | first line, ratio |",
        "|---|---|---|---|---|---|",
    ]
    for smp, n_entry, n_line, p_entry, p_line in rows:
        lines.append(f"| {smp} | {n_entry / 1000:.1f} µs | {n_line / 1000:.1f} µs | "
                     f"{p_entry / 1000:.1f} µs | {p_line / 1000:.1f} µs | {p_line / n_line:.2f} |")
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
