#!/usr/bin/env python3
"""Where the instructions before a given guest address go, per function.

Runs an image once under QEMU's deterministic icount mode with its execution
trace (-d in_asm,exec,nochain), stops at the first execution of --until (an
address, e.g. a partition's entry), and sums the instructions executed per
function of the ELF given with --elf (nm symbols), per core. Under
-icount shift=0 one instruction is one virtual nanosecond, so the table reads
as nanoseconds of boot time. A developer's tool: docs/benchmarks.md quotes
its output; nothing asserts on it.

  python3 tests/bench/trace_profile.py --image build/X/bulkhead.bin \\
      --elf build/X/bulkhead.elf --until 0x48000000 [--smp 4] [--top 40]
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "qemu"))
from harness import QEMU, QEMU_NO_DEFAULTS  # noqa: E402

TRACE = re.compile(r"^Trace (\d+): 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
INSN = re.compile(r"^0x([0-9a-f]+):\s")


def symbols(elf):
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1].lower() in "tw":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


# What a function is for, to sum a boot by kind of work.
KINDS = (("console", ("bh_vsnprintf", "bh_snprintf", "put_", "log_", "pl011_", "plat_console",
                      "emit", "console_", "memchr", "strlen")),
         ("device tree", ("fdt_", "board_")),
         ("page tables", ("map_level", "unmap_level", "pt_", "pool_take", "arch_mmu_")),
         ("cache maintenance", ("arch_dcache_", "arch_sync_loaded")),
         ("zeroing", ("arch_zero_ram", "memset", "primary_entry")),
         ("copying", ("memcpy",)),
         ("interrupt controller", ("gic", "vgic_", "arch_gic", "arch_irq")),
         ("partition guest", ("guest@", "guest:")))


def kind_of(fn):
    for kind, prefixes in KINDS:
        if any(fn.startswith(p) for p in prefixes):
            return kind
    return "other"


def name_of(pc, addrs, names, gaddrs, gnames, gbase):
    if addrs and addrs[0] <= pc < 0x48000000:
        return names[bisect.bisect_right(addrs, pc) - 1]
    i = bisect.bisect_right(gaddrs, pc - gbase) - 1
    if gaddrs and pc >= gbase and i >= 0:
        return "guest:" + gnames[i]
    return f"guest@{pc:#x}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--until", required=True, help="guest address that ends the count")
    ap.add_argument("--from", dest="start", default=None,
                    help="count from the first execution of this address (default: reset)")
    ap.add_argument("--guest-elf", default=None, metavar="ELF@BASE",
                    help="name guest code with this ELF's symbols, loaded at BASE")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--cpu", default="cortex-a53")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--kinds", action="store_true", help="also sum by kind of work")
    ap.add_argument("--timeline", type=int, default=0, metavar="N",
                    help="also print runs of one function on one core of at least N "
                         "instructions, in order")
    args = ap.parse_args()
    until = int(args.until, 0)
    start = int(args.start, 0) if args.start else None
    addrs, names = symbols(args.elf)
    gaddrs, gnames, gbase = [], [], 0
    if args.guest_elf:
        path, base = args.guest_elf.rsplit("@", 1)
        gbase = int(base, 0)
        gaddrs, gnames = symbols(path)

    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "trace.log")
        cmd = [QEMU, "-M", "virt,gic-version=3,virtualization=on", "-cpu", args.cpu,
               "-smp", str(args.smp), "-m", "1G", "-display", "none", "-monitor", "none",
               "-serial", "null", *QEMU_NO_DEFAULTS, "-kernel", args.image,
               "-icount", "shift=0,sleep=off", "-d", "in_asm,exec,nochain", "-D", log]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        tb_len = {}
        per_fn = collections.Counter()
        per_core = collections.Counter()
        runs = []
        total = 0
        done = False
        try:
            with open(log, "w+"):
                pass
            with open(log) as f:
                block_pc, block_n = None, 0
                waited = 0.0
                while not done:
                    pos = f.tell()
                    line = f.readline()
                    if not line.endswith("\n"):
                        # QEMU is still writing this line: read it whole later.
                        if proc.poll() is not None or waited > args.timeout:
                            break
                        f.seek(pos)
                        time.sleep(0.05)
                        waited += 0.05
                        continue
                    m = INSN.match(line)
                    if m:
                        if block_pc is None:
                            block_pc = int(m.group(1), 16)
                        block_n += 1
                        continue
                    if block_pc is not None and not line.startswith("0x"):
                        tb_len[block_pc] = block_n
                        block_pc, block_n = None, 0
                    t = TRACE.match(line)
                    if not t:
                        continue
                    pc = int(t.group(2), 16)
                    if pc == until:
                        done = True
                        break
                    if start is not None:
                        if pc != start:
                            continue
                        start = None
                    n = tb_len.get(pc, 1)
                    fn = name_of(pc, addrs, names, gaddrs, gnames, gbase)
                    per_fn[fn] += n
                    core = int(t.group(1))
                    per_core[core] += n
                    if runs and runs[-1][0] == core and runs[-1][1] == fn:
                        runs[-1][2] += n
                    else:
                        runs.append([core, fn, n, total])
                    total += n
        finally:
            proc.kill()
            proc.wait()
    if not done:
        print(f"warning: {args.until} never executed; counted to the end of the trace")
    print(f"{total} instructions before {args.until}; per core: "
          + ", ".join(f"{c}: {n}" for c, n in sorted(per_core.items())))
    if args.timeline:
        print("timeline: at instruction, core, function, instructions")
        for core, fn, n, at in runs:
            if n >= args.timeline:
                print(f"{at:9d}  {core}  {fn:32s} {n}")
    if args.kinds:
        kinds = collections.Counter()
        for fn, n in per_fn.items():
            kinds[kind_of(fn)] += n
        print("by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    for fn, n in per_fn.most_common(args.top):
        print(f"{n:9d}  {fn}")


if __name__ == "__main__":
    main()
