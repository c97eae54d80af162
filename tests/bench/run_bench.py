#!/usr/bin/env python3
"""Benchmarks, in QEMU's deterministic icount mode (-icount shift=0,sleep=off:
virtual time advances 1 ns per instruction), so figures repeat exactly and are
comparable across machines. Wall-clock time is never used.

boot: virtual time from reset to the first console line of a bare-metal
partition, against the same guest booted natively (no hypervisor) in the same
invocation.

irq: interrupt latency, from the virtual timer's deadline to the guest's IRQ
vector, 10,000 samples, natively and in a partition with virtual and with
direct delivery, with a 1 GHz counter (one tick = one instruction).

linux: virtual time from reset to Debian's kernel running our /init and to
its shell, natively and in a partition (configs/qemu-virt-linux.dts), same
kernel, initramfs, bootargs and QEMU options (-smp 2 -m 1G), one run each.
/init reads the virtual counter itself (partitions/linux/cntvct.c).

rtos: the RTOS (partitions/rtos) to its first line, natively (-smp 1), alone
in a partition (tests/bench/configs/bench-rtos.dts, core 3) and in the
default system (configs/qemu-virt-linux-rtos.dts, with Linux); then its
1 kHz control task's jitter, natively and alone in a partition, with a 1 GHz
counter.

Prints Markdown tables; `--out FILE` also writes them, the interrupt
figures go to irq-latency.json and irq-latency.png (gnuplot) the Linux
boot figures to linux-boot.json and the RTOS figures to rtos.json, next to FILE (build/bench/ without --out).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "qemu"))
from harness import BUILD, Qemu, build, make  # noqa: E402

BENCH = r"bm: bench: (\d+) uart reads in (\d+) ns, (\d+) psci calls in (\d+) ns"
FIRST = r"bm: first line at counter (\d+), (\d+) ns; entered at counter (\d+), (\d+) ns"
LATENCY = (r"bm: latency: (\d+) samples, min (\d+) p50 (\d+) p99 (\d+) max (\d+) ticks "
           r"\(counter (\d+) Hz\)")
HIST_HEAD = r"bm: latency-hist: (\d+) buckets of (\d+) ticks from (\d+)"
HIST_LINE = r"bm: latency-hist (\d+):((?: \d+)+)$"

LAT_SAMPLES = 10000
# One tick of the guest's counter per instruction: icount's 1 ns per
# instruction, and the counter at 1 GHz.
CNTFRQ = ["-global", "cortex-a53-arm-cpu.cntfrq=1000000000"]
# The project's budget for an injected interrupt, in EL2 instructions.
TARGET_EL2 = 100
LAT_CONFIGS = {"virtual": "tests/bench/configs/bench-irq-virtual.dts",
               "direct": "tests/bench/configs/bench-irq-direct.dts"}
MODES = ("native", "virtual", "direct")

# Linux boot: the partition configuration people run, its own Image and
# initramfs (make linux), and what /init prints at its start and right
# before it starts the shell (partitions/linux/init).
LINUX_CONFIG = REPO / "configs" / "qemu-virt-linux.dts"
LINUX_DIR = BUILD / "guests" / "linux"
LINUX_VTIME = r"init: virtual time at {}: (\d+) ticks \(([0-9.]+) s\)"
LINUX_SMP = 2
LINUX_TARGET = 1.05


# The RTOS: the same image natively and in its partition; its first line and
# status line (partitions/rtos/README.md, "Output").
RTOS_IMAGE = BUILD / "guests" / "rtos" / "rtos.bin"
RTOS_ALONE = "tests/bench/configs/bench-rtos.dts"
RTOS_SYSTEM = "configs/qemu-virt-linux-rtos.dts"
RTOS_FIRST = (r"rtos: rtos first line at counter (\d+) \((\d+) ns\), "
              r"entry at counter (\d+) \((\d+) ns\)$")
RTOS_STATUS = (r"rtos: control period (\d+) us: releases (\d+), missed (\d+), jitter min (\d+) "
               r"avg (\d+) max (\d+) ticks \((\d+) Hz\), background (\d+)$")
RTOS_ANNOUNCE = r'^bulkhead: partition "{}": .*$'
RTOS_TARGET_NS = 150000
RTOS_OTHER_CPUS = ("cortex-a72", "max")
BAO_NS = 333000
RTOS_STATUS_LINES = 10


def rtos_boot(image, smp, virtualization, append=None, timeout=120, cpu="cortex-a53"):
    """The first line's figures, the console up to it and the QEMU command."""
    with Qemu(image, smp=smp, virtualization=virtualization, append=append, icount=True,
              cpu=cpu) as q:
        m = q.wait_for(RTOS_FIRST, timeout=timeout)
        out = q.lines()
        if virtualization:
            assert "EL2 exception" not in out and "halted" not in out, out
        return {"first_counter": int(m.group(1)), "first_ns": int(m.group(2)),
                "entry_counter": int(m.group(3)), "entry_ns": int(m.group(4)),
                "startup_ns": int(m.group(2)) - int(m.group(4)),
                "console": out[:m.end()], "qemu": list(q.cmd)}


def rtos_jitter(image, smp, virtualization, append=None):
    """RTOS_STATUS_LINES status lines with a 1 GHz counter (1 tick = 1
    instruction): per line and over all of them."""
    with Qemu(image, smp=smp, virtualization=virtualization, append=append, icount=True,
              extra=CNTFRQ) as q:
        q.wait_for(RTOS_STATUS, count=RTOS_STATUS_LINES, timeout=600)
        lines = [tuple(int(x) for x in m.groups())
                 for m in re.finditer(RTOS_STATUS, q.lines(), re.M)][:RTOS_STATUS_LINES]
        cmd = list(q.cmd)
    rel = sum(x[1] for x in lines)
    return {"lines": [dict(zip(("period_us", "releases", "missed", "min", "avg", "max", "hz",
                                "background"), x)) for x in lines],
            "releases": rel, "missed": sum(x[2] for x in lines),
            "min": min(x[3] for x in lines), "max": max(x[5] for x in lines),
            # The lines' integer averages weighted by their releases.
            "avg": round(sum(x[1] * x[4] for x in lines) / rel, 1) if rel else 0,
            "hz": lines[0][6], "background": lines[-1][7], "qemu": cmd}


def rtos_bench(outdir):
    """The RTOS boot and jitter tables, as Markdown; the figures in rtos.json."""
    # `all` builds rtos.bin too (the configuration's kernel).
    alone_hyp = build(RTOS_ALONE, defconfig="tests/bench/bench.defconfig")
    # The default system as it is, built like the others (bench.defconfig).
    make("linux")
    system_hyp = build(RTOS_SYSTEM, defconfig="tests/bench/bench.defconfig")
    native = rtos_boot(RTOS_IMAGE, 1, False, append="name=rtos")
    alone = rtos_boot(alone_hyp, 4, True)
    system = rtos_boot(system_hyp, 4, True)
    out = system.pop("console")
    alone.pop("console")
    native.pop("console")
    ann_rtos = re.search(RTOS_ANNOUNCE.format("rtos"), out, re.M)
    ann_linux = re.search(RTOS_ANNOUNCE.format("linux"), out, re.M)
    first_at = out.rindex("rtos first line at counter")
    system["order"] = {
        "rtos_announce_before_first_line": bool(ann_rtos) and ann_rtos.start() < first_at,
        "linux_announce_before_rtos_first_line": bool(ann_linux) and ann_linux.start() < first_at,
        "hypervisor_log_to_first_line": [l for l in out[:first_at].splitlines()
                                         if l.startswith("bulkhead: partition") or
                                         l.startswith("bulkhead: boot complete")]}
    # The same on other core models: EL2 vectors with the BHB loop
    # (cortex-a72), and everything QEMU has (max: SVE, SME, PAuth, MTE, more
    # state reset at vCPU entry).
    other_cpus = {}
    for cpu in RTOS_OTHER_CPUS:
        n = rtos_boot(RTOS_IMAGE, 1, False, append="name=rtos", cpu=cpu)
        sy = rtos_boot(system_hyp, 4, True, cpu=cpu)
        n.pop("console")
        sy.pop("console")
        other_cpus[cpu] = {"native_smp1": n, "default_system": sy}
    jit_native = rtos_jitter(RTOS_IMAGE, 1, False, append="name=rtos")
    jit_alone = rtos_jitter(alone_hyp, 4, True)
    result = {"qemu_version": qemu_version(), "qemu_options": "-icount shift=0,sleep=off",
              "boot": {"native_smp1": native, "alone": alone, "default_system": system},
              "boot_other_cpus": other_cpus,
              "target_first_line_ns": RTOS_TARGET_NS, "bao_bare_metal_ns": BAO_NS,
              "jitter_counter": " ".join(CNTFRQ),
              "jitter": {"native_smp1": jit_native, "alone": jit_alone}}
    (outdir / "rtos.json").write_text(json.dumps(result, indent=1) + "\n")

    def us(ns):
        return f"{ns / 1000:.1f} µs"

    def brow(name, r, base=native):
        return (f"| {name} | {us(r['entry_ns'])} | {us(r['first_ns'])} | {us(r['startup_ns'])} | "
                f"{r['first_ns'] / base['first_ns']:.2f} | "
                f"{'within' if r['first_ns'] <= RTOS_TARGET_NS else 'above'} "
                f"({r['first_ns'] / RTOS_TARGET_NS:.2f}x) |")

    def jrow(name, r):
        worst = max(r["lines"], key=lambda x: x["max"])
        return (f"| {name} | {len(r['lines'])} | {r['releases']} | {r['missed']} | {r['min']} | "
                f"{r['avg']} | {r['max']} | {worst['min']}/{worst['avg']}/{worst['max']} |")

    o = system["order"]
    lines = [
        f"RTOS boot, virtual time from reset ({qemu_version()}, -icount shift=0,sleep=off, "
        "-cpu cortex-a53 unless a row says otherwise, -m 1G, bootargs name=rtos): the RTOS's "
        "own counter reads at its "
        "first instruction (entry) and before its first line (CNTVOFF_EL2 = 0: time since "
        "reset).",
        "",
        "| run | entry | first line | entry to first line | first line / native "
        f"| target {RTOS_TARGET_NS // 1000} µs |",
        "|---|---|---|---|---|---|",
        brow("native (-kernel rtos.bin, -smp 1)", native),
        brow(f"alone in a partition ({RTOS_ALONE}: core 3, direct, -smp 4)", alone),
        brow(f"default system ({RTOS_SYSTEM}: with Linux, -smp 4)", system),
        *[row for cpu, r in other_cpus.items() for row in (
            brow(f"native, -cpu {cpu}", r["native_smp1"], r["native_smp1"]),
            brow(f"default system, -cpu {cpu}", r["default_system"], r["native_smp1"]))],
        "",
        f"Target: first line within {RTOS_TARGET_NS // 1000} µs of reset (Bao: "
        f"{BAO_NS // 1000} µs for a bare-metal guest). Default system: the hypervisor's "
        f"`partition \"linux\"` line (printed before Linux is loaded) comes "
        f"{'BEFORE' if o['linux_announce_before_rtos_first_line'] else 'after'} the RTOS's "
        "first line in the console.",
        "",
        f"RTOS 1 kHz control task, {RTOS_STATUS_LINES} status lines (= "
        f"{RTOS_STATUS_LINES} s of virtual time) each, counter at 1 GHz "
        f"({' '.join(CNTFRQ)}: 1 tick = 1 instruction = 1 ns). Natively -smp 1; alone in a "
        "partition -smp 4 with cores 0-2 idle at EL2 (WFI). Under icount QEMU runs all vCPUs "
        "on one thread in turns (round-robin TCG, 100 ms slices with -smp > 1), and on a "
        "2-core host running 4 vCPU threads without icount the figures would measure the "
        "host; so these are figures of the machine model, natively with -smp 1.",
        "",
        "| run | status lines | releases | missed | jitter min | avg | max (ticks) "
        "| worst line min/avg/max |",
        "|---|---|---|---|---|---|---|---|",
        jrow("native (-smp 1)", jit_native),
        jrow(f"alone in a partition ({RTOS_ALONE}, -smp 4)", jit_alone),
    ]
    return "\n".join(lines) + "\n"


def run_linux(image, virtualization, mem="1G", append=None, extra=()):
    """Seconds of virtual time at /init and at the shell, and the QEMU command."""
    with Qemu(image, smp=LINUX_SMP, virtualization=virtualization, append=append, mem=mem,
              icount=True, extra=extra) as q:
        at_init = q.wait_for(LINUX_VTIME.format("/init"), timeout=300)
        at_shell = q.wait_for(LINUX_VTIME.format("the shell"), timeout=300)
        if virtualization:
            assert "EL2 exception" not in q.output and "halted" not in q.output, q.output
        return {"init_ticks": int(at_init.group(1)), "init_s": float(at_init.group(2)),
                "shell_ticks": int(at_shell.group(1)), "shell_s": float(at_shell.group(2)),
                "qemu": list(q.cmd)}


def linux_bench(outdir):
    """The Linux boot table, as Markdown; the figures also in linux-boot.json."""
    make("linux")
    text = LINUX_CONFIG.read_text()
    bootargs = re.search(r'^\s*bootargs\s*=\s*"([^"]*)";', text, re.M).group(1)
    mem = re.search(r"^\s*memory\s*=\s*<0x0 (0x[0-9a-f]+) 0x0 (0x[0-9a-f]+)>;", text, re.M)
    mem_mib = int(mem.group(2), 16) >> 20
    # The configuration as it is, built the way the other benchmarks build
    # theirs (bench.defconfig: no debug fault trigger) in a folder of its own.
    cfgdir = BUILD / "bench" / "configs"
    cfgdir.mkdir(parents=True, exist_ok=True)
    cfg = cfgdir / "bench-linux.dts"
    cfg.write_text(text)
    hyp = build(str(cfg), defconfig="tests/bench/bench.defconfig")
    # What the hypervisor does before Linux's first instruction, alone: the
    # same RAM, and a blob as big as the kernel to copy into it (the Image as
    # the initrd of the bare-metal test guest, which prints when it is
    # entered). Natively QEMU's loader puts the kernel in RAM for nothing.
    load_cfg = cfgdir / "bench-linux-load.dts"
    load_cfg.write_text(f"""/dts-v1/;
/ {{
	compatible = "bulkhead,config-v1";
	board = "qemu-virt";
	partition@0 {{
		label = "load";
		cpus = <0 1>;
		memory = <0x0 {mem.group(1)} 0x0 {mem.group(2)}>;
		kernel = "baremetal.bin";
		initrd = "Image";
		bootargs = "name=load ts";
		on-fault = "halt";
	}};
}};
""")
    load_hyp = build(str(load_cfg), defconfig="tests/bench/bench.defconfig")

    linux = [str(LINUX_DIR / "Image"), "-initrd", str(LINUX_DIR / "initrd.cpio.gz")]
    native = run_linux(linux[0], False, append=bootargs, extra=linux[1:])
    part = run_linux(hyp, True)
    native_small = run_linux(linux[0], False, mem=f"{mem_mib}M", append=bootargs, extra=linux[1:])
    with Qemu(load_hyp, smp=LINUX_SMP, icount=True) as q:
        load_ns = int(q.wait_for(FIRST, timeout=120).group(4))
    ratio_init = part["init_s"] / native["init_s"]
    ratio_shell = part["shell_s"] / native["shell_s"]
    result = {
        "qemu_version": qemu_version(),
        "measure": "CNTVCT_EL0 read by /bin/cntvct at the start of /init and right before "
                   "/init starts the shell; CNTVOFF_EL2 = 0, so ticks since reset",
        "bootargs": bootargs,
        "native": native, "partition": part, f"native_{mem_mib}M": native_small,
        "hypervisor_load_ns": load_ns,
        "ratio_init": round(ratio_init, 3), "ratio_shell": round(ratio_shell, 3),
        "target": LINUX_TARGET,
    }
    (outdir / "linux-boot.json").write_text(json.dumps(result, indent=1) + "\n")

    def row(name, r):
        return f"| {name} | {r['init_s']:.3f} s | {r['shell_s']:.3f} s |"

    lines = [
        f"Linux boot, virtual time from reset, {qemu_version()}, -icount shift=0,sleep=off, "
        f"-cpu cortex-a53 -smp {LINUX_SMP} -m 1G; Debian's kernel and our initramfs, "
        f'bootargs "{bootargs}" (natively -append, in the partition from its configuration).',
        "",
        "| run | reset to /init | reset to the shell |",
        "|---|---|---|",
        row("native (-M virt, Linux at EL1, 1 GiB)", native),
        row(f"in a partition (configs/qemu-virt-linux.dts: 2 cores, {mem_mib} MiB)", part),
        f"| **partition / native** | **{ratio_init:.3f}** | **{ratio_shell:.3f}** |",
        "",
        f"Target: at most {LINUX_TARGET:.2f} times native: "
        f"{'met' if max(ratio_init, ratio_shell) <= LINUX_TARGET else 'NOT met'} "
        f"(/init {ratio_init:.3f}, shell {ratio_shell:.3f}).",
        "",
        "For comparison (not the target's figures):",
        "",
        "| run | reset to /init | reset to the shell |",
        "|---|---|---|",
        row(f"native with -m {mem_mib}M, the partition's RAM", native_small),
        f"| in a partition / native with -m {mem_mib}M | "
        f"{part['init_s'] / native_small['init_s']:.3f} | "
        f"{part['shell_s'] / native_small['shell_s']:.3f} |",
        f"| the hypervisor's work before the guest's first instruction ({mem_mib} MiB "
        f"zeroed, the {os.path.getsize(linux[0]) / 2**20:.1f} MiB Image copied) | "
        f"{load_ns / 1e9:.3f} s | |",
    ]
    return "\n".join(lines) + "\n"


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


def boot_bench():
    """The boot and trapped-operation tables, as Markdown."""
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
    return header + "\n" + table + "\n"


def run_latency(image, smp, virtualization, append=None):
    """One latency run: its summary, histogram and QEMU command line."""
    with Qemu(image, smp=smp, virtualization=virtualization, append=append, icount=True,
              extra=CNTFRQ) as q:
        m = q.wait_for(LATENCY, timeout=300)
        q.wait_for(r"bm: latency-hist 48:", timeout=60)
        out = q.output[m.start():]
        cmd = list(q.cmd)
    n, lo, p50, p99, hi, freq = (int(x) for x in m.groups())
    h = re.search(HIST_HEAD, out)
    counts = []
    for first, nums in re.findall(HIST_LINE, out, re.M):
        assert int(first) == len(counts), out
        counts += [int(x) for x in nums.split()]
    nbuckets, width, start = (int(x) for x in h.groups())
    assert len(counts) == nbuckets and sum(counts) == n and start == lo, out
    return {"samples": n, "min": lo, "p50": p50, "p99": p99, "max": hi, "counter_hz": freq,
            "histogram": {"from": start, "bucket_width": width, "counts": counts},
            "qemu": cmd}


def irq_bench():
    """{smp: {mode: run}} for native, virtual and direct delivery."""
    images = {mode: build(cfg, defconfig="tests/bench/bench.defconfig")
              for mode, cfg in LAT_CONFIGS.items()}
    guest = BUILD / "guests" / "baremetal" / "baremetal.bin"
    runs = {}
    for smp in (1, 4):
        # Natively the other cores are started ("smp") and sleep in WFI.
        append = f"name=native{' smp' if smp > 1 else ''} irq act=latency:{LAT_SAMPLES}"
        runs[smp] = {"native": run_latency(guest, smp, False, append=append)}
        for mode, image in images.items():
            runs[smp][mode] = run_latency(image, smp, True)
    return runs


def derived(r):
    """The comparisons with the native run, from the medians."""
    nat, vir, dire = r["native"]["p50"], r["virtual"]["p50"], r["direct"]["p50"]
    return {"el2_instructions_per_injected_interrupt": vir - nat,
            # The fastest sample of each: free of QEMU's turn-taking between
            # vCPUs (see docs/benchmarks.md), so it shows the path alone.
            "el2_instructions_min_to_min": r["virtual"]["min"] - r["native"]["min"],
            "direct_minus_native_min_to_min": r["direct"]["min"] - r["native"]["min"],
            "direct_minus_native": dire - nat,
            "virtual_over_native": round(vir / nat, 2),
            "direct_over_native": round(dire / nat, 2),
            "target_el2_instructions": TARGET_EL2,
            "virtual_within_target": vir - nat <= TARGET_EL2,
            "direct_equals_native": dire == nat}


def irq_table(runs):
    lines = [
        f"Interrupt latency, virtual timer deadline to the guest's IRQ vector, "
        f"{LAT_SAMPLES:,} samples each, in counter ticks (1 GHz counter under "
        f"-icount shift=0: 1 tick = 1 instruction):",
        "",
        "| cores (-smp) | run | min | p50 | p99 | max |",
        "|---|---|---|---|---|---|",
    ]
    for smp, r in runs.items():
        for mode in MODES:
            x = r[mode]
            lines.append(f"| {smp} | {mode} | {x['min']} | {x['p50']} | {x['p99']} | {x['max']} |")
    lines += [
        "",
        "| cores (-smp) | EL2 instructions per injected interrupt (virtual p50 - native p50) "
        "| virtual / native | direct - native | direct / native "
        "| min to min: virtual - native, direct - native |",
        "|---|---|---|---|---|---|",
    ]
    for smp, r in runs.items():
        d = derived(r)
        lines.append(f"| {smp} | {d['el2_instructions_per_injected_interrupt']} "
                     f"(target {TARGET_EL2}: {'met' if d['virtual_within_target'] else 'NOT met'}) | "
                     f"{d['virtual_over_native']:.2f} | {d['direct_minus_native']} | "
                     f"{d['direct_over_native']:.2f} | {d['el2_instructions_min_to_min']}, "
                     f"{d['direct_minus_native_min_to_min']} |")
    return "\n".join(lines) + "\n"


def plot(runs, outdir):
    """irq-latency.png (and its .dat and .gp): one histogram per run (rows: -smp, columns: mode),
    all on the same tick axis, counts on a log scale. A bucket is drawn as a
    bar at its centre, at least a few pixels wide, and labelled with its
    count when the run has only a few non-empty buckets."""
    dat = outdir / "irq-latency.dat"
    blocks = []
    for smp, r in runs.items():
        for mode in MODES:
            h = r[mode]["histogram"]
            rows = [f"{h['from'] + (i + 0.5) * h['bucket_width'] - 0.5:g} {c}"
                    for i, c in enumerate(h["counts"]) if c > 0]
            blocks.append(f"# -smp {smp} {mode}: bucket centre (ticks), samples\n"
                          + "\n".join(rows))
    dat.write_text("\n\n\n".join(blocks) + "\n")
    xmax = max(x["max"] for r in runs.values() for x in r.values())
    xmax = int(xmax * 1.1) + 5
    gp = [
        "set terminal pngcairo size 1500,850 font 'sans,10'",
        f"set output '{outdir / 'irq-latency.png'}'",
        f"set multiplot layout {len(runs)},3 title 'Interrupt latency: virtual timer deadline "
        f"to the guest IRQ vector, {LAT_SAMPLES:,} samples per run "
        "(QEMU -icount shift=0, 1 GHz counter: 1 tick = 1 instruction)'",
        "set logscale y", "set yrange [0.8:40000]", f"set xrange [-{xmax // 12}:{xmax}]",
        "set xlabel 'ticks (instructions) from the deadline'", "set ylabel 'samples'",
        "set grid ytics", "unset key",
    ]
    colours = {"native": "#555555", "virtual": "#c0392b", "direct": "#2471a3"}
    idx = 0
    for smp, r in runs.items():
        for mode in MODES:
            x = r[mode]
            h = x["histogram"]
            gp.append(f"set title '{mode}, -smp {smp}: min {x['min']} p50 {x['p50']} "
                      f"p99 {x['p99']} max {x['max']} (buckets of {h['bucket_width']})'")
            cmd = f"plot '{dat}' index {idx} using 1:2 with impulses lw 5 lc rgb '{colours[mode]}'"
            if sum(1 for c in h["counts"] if c) <= 8:
                cmd += (f", '' index {idx} using 1:($2*1.5):(sprintf('%d at %g', $2, $1)) "
                        "with labels font 'sans,9'")
            gp.append(cmd)
            idx += 1
    gp.append("unset multiplot")
    script = outdir / "irq-latency.gp"
    script.write_text("\n".join(gp) + "\n")
    if shutil.which("gnuplot") is None:
        raise SystemExit("gnuplot not found (make deps installs gnuplot-nox); "
                         f"the figures are in {outdir / 'irq-latency.json'}")
    subprocess.run(["gnuplot", str(script)], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--only", choices=("boot", "irq", "linux", "rtos"), help="run one benchmark only")
    args = ap.parse_args()
    outdir = args.out.parent if args.out else BUILD / "bench"
    outdir.mkdir(parents=True, exist_ok=True)

    text = ""
    if args.only in (None, "boot"):
        part = boot_bench()
        print(part)
        text += part
    if args.only in (None, "irq"):
        runs = irq_bench()
        result = {
            "qemu_version": qemu_version(),
            "qemu_options": "-icount shift=0,sleep=off " + " ".join(CNTFRQ),
            "measure": "CNTVCT_EL0 at the guest's IRQ vector minus the virtual timer's "
                       "deadline, in ticks (= instructions)",
            "runs": {str(smp): r for smp, r in runs.items()},
            "derived": {str(smp): derived(r) for smp, r in runs.items()},
        }
        (outdir / "irq-latency.json").write_text(json.dumps(result, indent=1) + "\n")
        part = (f"{qemu_version()}, -M virt,gic-version=3 (natively) or "
                f"virt,virtualization=on,gic-version=3, -cpu cortex-a53, 1 GiB, "
                f"-icount shift=0,sleep=off {' '.join(CNTFRQ)}.\n"
                "Natively with -smp 4 the other cores are started and sleep in WFI at EL1; "
                "in a partition they belong to no partition and wait at EL2 in a WFE loop, "
                "which QEMU runs as a yield (not a sleep): their turns show in the -smp 4 "
                "tail, in direct mode too. -smp 1 has no other core.\n\n"
                + irq_table(runs))
        print(part)
        plot(runs, outdir)
        print(f"wrote {outdir / 'irq-latency.json'} and {outdir / 'irq-latency.png'}")
        text += ("\n" if text else "") + part
    if args.only in (None, "linux"):
        part = linux_bench(outdir)
        print(part)
        print(f"wrote {outdir / 'linux-boot.json'}")
        text += ("\n" if text else "") + part
    if args.only in (None, "rtos"):
        part = rtos_bench(outdir)
        print(part)
        print(f"wrote {outdir / 'rtos.json'}")
        text += ("\n" if text else "") + part
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
