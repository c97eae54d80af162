#!/usr/bin/env python3
"""Writes the GDB script `make debug` attaches with: the hypervisor's symbols,
and every partition's symbols at the address the partition runs at.

usage: gdb-session.py BUILD_DIR [PORT [OUT]]

BUILD_DIR is build/NAME (it holds bulkhead.elf and gen/layout.txt, written by
bhcfg); PORT is QEMU's GDB stub port (default 1234). Writes OUT (default
BUILD_DIR/debug.gdb):

    set architecture aarch64
    file BUILD_DIR/bulkhead.elf            linked at its run address (identity-mapped EL2)
    add-symbol-file KERNEL.elf -o OFFSET   one per partition whose kernel has an ELF
    target remote 127.0.0.1:PORT    QEMU listens on this machine only

A partition's kernel is the packed file named in layout.txt (e.g.
build/guests/baremetal/baremetal.bin); its symbols are taken from the file of
the same name ending in .elf, next to it. The packed file is the ELF's loadable
bytes from its lowest loaded address on, copied to LOAD-IPA, so the symbols
are offset by LOAD-IPA minus that address (the bare-metal guest is linked at 0
and relocates itself, so its offset is LOAD-IPA). Partitions run with their
EL1 MMU off, so these are the addresses the CPU executes at; QEMU's stub
translates them through the partition's stage 2. A kernel without an ELF next
to it is left out, with a note. Two partitions built from the same ELF get it
twice, at their own offsets: a breakpoint by name then has one location per
partition.
"""
import struct
import sys
from pathlib import Path

PT_LOAD = 1


def first_load_address(elf):
    """The lowest virtual address of the ELF's loadable segments that have
    bytes in the file (where objcopy -O binary starts the packed image)."""
    data = elf.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{elf}: not a little-endian 64-bit ELF")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    addrs = []
    for i in range(phnum):
        off = phoff + i * phentsize
        p_type, = struct.unpack_from("<I", data, off)
        p_vaddr, = struct.unpack_from("<Q", data, off + 0x10)
        p_filesz, = struct.unpack_from("<Q", data, off + 0x20)
        if p_type == PT_LOAD and p_filesz > 0:
            addrs.append(p_vaddr)
    if not addrs:
        raise ValueError(f"{elf}: no loadable segment")
    return min(addrs)


def partitions(layout):
    """(label, kernel file, load IPA, RAM IPA) for each line of layout.txt."""
    out = []
    for line in layout.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, kernel, load_ipa, ram_ipa, _ram_pa = line.split()
        out.append((label, Path(kernel), int(load_ipa, 0), int(ram_ipa, 0)))
    return out


def session(build_dir, port):
    """The text of debug.gdb, and notes for the user (one line each)."""
    build_dir = Path(build_dir).resolve()
    hyp = build_dir / "bulkhead.elf"
    layout = build_dir / "gen" / "layout.txt"
    for f in (hyp, layout):
        if not f.exists():
            raise FileNotFoundError(f"{f} does not exist: build the image first (make CONFIG=...)")
    lines = [
        f"# Written by tools/gdb-session.py for {build_dir.name}; attach with",
        f"#   gdb-multiarch -x {build_dir / 'debug.gdb'}",
        "set architecture aarch64",
        f"file {hyp}",
    ]
    notes = []
    for label, kernel, load_ipa, ram_ipa in partitions(layout):
        elf = kernel.with_suffix(".elf")
        if not elf.exists():
            notes.append(f"partition {label}: no symbols ({elf.name} not next to {kernel})")
            continue
        offset = load_ipa - first_load_address(elf)
        lines.append(f"echo partition {label}: symbols of {elf.name} at offset {offset:#x} "
                     f"(runs at {load_ipa:#x}, RAM from {ram_ipa:#x})\\n")
        lines.append(f"add-symbol-file {elf} -o {offset:#x}")
    for n in notes:
        lines.append(f"echo {n}\\n")
    lines.append(f"target remote 127.0.0.1:{port}")
    return "\n".join(lines) + "\n", notes


def main():
    if len(sys.argv) not in (2, 3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    build_dir = Path(sys.argv[1])
    port = sys.argv[2] if len(sys.argv) >= 3 else "1234"
    if not port.isdigit():
        print(f"gdb-session: port {port!r} is not a number", file=sys.stderr)
        return 2
    try:
        text, notes = session(build_dir, int(port))
    except (OSError, ValueError) as e:
        print(f"gdb-session: {e}", file=sys.stderr)
        return 1
    out = Path(sys.argv[3]) if len(sys.argv) == 4 else build_dir / "debug.gdb"
    out.write_text(text)
    for n in notes:
        print(f"gdb-session: {n}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
