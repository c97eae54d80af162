#!/usr/bin/env python3
"""Checks, before QEMU starts, that the machine `make run` is about to ask
QEMU for can boot every partition of the image: enough cores, enough memory,
the right GIC. Reads bhcfg's needs.mk for the configuration.

usage: qemu-fits.py NEEDS_MK CONFIG SMP MEM GIC

Exit 0 if it fits; otherwise one line per problem, each saying what to change,
and exit 1."""
import re
import sys

QEMU_VIRT_RAM_BASE = 0x40000000  # hw/arm/virt.c: RAM starts at 1 GiB


def mem_mib(text):
    """QEMU's -m syntax: a number with an optional K/M/G/T suffix; no suffix
    means MiB."""
    m = re.fullmatch(r"(\d+)([KkMmGgTt]?)[Bb]?", text.strip())
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2).upper()
    return {"": n, "M": n, "K": n / 1024, "G": n * 1024, "T": n * 1024 * 1024}[unit]


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    needs_mk, config, smp, mem, gic = sys.argv[1:]
    needs = dict(re.findall(r"^(\w+) := (\S+)$", open(needs_mk).read(), re.M))
    problems = []
    cores = int(needs["BH_NEED_CORES"])
    if not smp.isdigit() or int(smp) < cores:
        problems.append(f"{config} uses core {cores - 1}, but QEMU would get -smp {smp}: "
                        f"run with SMP={cores}")
    need_mib = int(needs["BH_NEED_MEM_MIB"])
    have = mem_mib(mem)
    if have is None:
        problems.append(f"MEM={mem} is not a QEMU memory size (e.g. 1G, 1536M)")
    elif have < need_mib:
        problems.append(f"{config} uses RAM up to {needs['BH_NEED_RAM_TOP']}, but QEMU would get "
                        f"-m {mem} (RAM from {QEMU_VIRT_RAM_BASE:#x}): run with MEM={need_mib}M")
    if gic != needs["BH_NEED_GIC"]:
        problems.append(f"the board's interrupt controller is a GICv{needs['BH_NEED_GIC']}, but "
                        f"QEMU would get gic-version={gic}: run with GIC={needs['BH_NEED_GIC']}")
    for p in problems:
        print(f"make run: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
