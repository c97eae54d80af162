"""make debug's GDB session: QEMU halted with its GDB stub, gdb-multiarch with
tools/gdb-session.py's script (the hypervisor's symbols, each partition's at
its load address), driven in batch mode through the session that
docs/getting-started.md shows."""
import re
import socket
import subprocess
import sys

from harness import BUILD, REPO, Qemu, build

GDB = "gdb-multiarch"
NM = "aarch64-linux-gnu-nm"
CONFIG = "configs/qemu-virt-two-baremetal.dts"
GDB_TIMEOUT = 45


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def layout(build_dir):
    """{label: (kernel ELF, load IPA, RAM IPA)} from bhcfg's layout.txt."""
    out = {}
    for line in (build_dir / "gen" / "layout.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        label, kernel, load, ram, _pa = line.split()
        out[label] = (kernel.rsplit(".", 1)[0] + ".elf", int(load, 16), int(ram, 16))
    return out


def symbol(elf, name):
    nm = subprocess.run([NM, elf], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"^([0-9a-f]+) \w {re.escape(name)}$", nm, re.M)
    assert m, f"{name} not in {elf}"
    return int(m.group(1), 16)


def run_gdb(script, commands):
    cmd = [GDB, "-nx", "-batch", "-x", str(script)]
    for c in commands:
        cmd += ["-ex", c]
    try:
        proc = subprocess.run(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=GDB_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        out = e.output.decode("utf-8", "replace") if isinstance(e.output, bytes) else e.output
        raise AssertionError(f"gdb did not finish within {GDB_TIMEOUT}s:\n{out}") from None
    return proc.stdout


def test_gdb_session_breaks_in_a_partition_then_in_the_trap_handler(tmp_path):
    image = build(CONFIG)
    build_dir = BUILD / "qemu-virt-two-baremetal"
    parts = layout(build_dir)
    alpha_elf, alpha_load, alpha_ram = parts["alpha"]
    beta_elf, beta_load, _ = parts["beta"]
    alpha_main = alpha_load + symbol(alpha_elf, "bm_main")
    beta_main = beta_load + symbol(beta_elf, "bm_main")

    port = free_port()
    # make debug writes build_dir/debug.gdb; the test's own copy names its port.
    script = tmp_path / "debug.gdb"
    subprocess.run([sys.executable, "tools/gdb-session.py", str(build_dir), str(port),
                    str(script)], cwd=REPO, check=True)
    text = script.read_text()
    assert f"add-symbol-file {alpha_elf} -o {alpha_load:#x}" in text
    assert f"add-symbol-file {beta_elf} -o {beta_load:#x}" in text
    assert text.rstrip().endswith(f"target remote 127.0.0.1:{port}")

    # The session of docs/getting-started.md, "Debugging with GDB".
    commands = [
        "break bm_main",                # one location per partition: 1.1 alpha, 1.2 beta
        "info breakpoints",
        "disable 1.2",
        "continue",
        'printf "STOP1 pc=%#lx\\n", $pc',
        "bt",
        "info symbol $pc",
        "next",
        'printf "NEXT pc=%#lx\\n", $pc',
        "info symbol $pc",
        "delete",
        "break guest_sync",
        "continue",
        "bt",
        "print partitions[0].cfg->name",
        "print (enum partition_state)partitions[0].state",
        "print partitions[0].boot_count",
        "print/a f->elr",
        "delete",
        "detach",
    ]
    with Qemu(image, extra=["-S", "-gdb", f"tcp:127.0.0.1:{port}"]) as q:
        out = run_gdb(script, commands)
        # Detached, the machine runs on: alpha, stopped at its first C line
        # and then at its first trap, says hello as usual.
        q.wait_for(r"^\[alpha\] bm: hello from partition alpha on cpu 0 ", timeout=30)
        console = q.output
    assert "Remote connection closed" not in out and "Connection refused" not in out, out

    # Both partitions' symbols, at their own offsets.
    assert f"with all sections offset by {alpha_load:#x}" in out, out
    assert f"with all sections offset by {beta_load:#x}" in out, out
    assert re.search(rf"^1\.1 .*{alpha_main:#018x} in bm_main at ", out, re.M), out
    assert re.search(rf"^1\.2 .*{beta_main:#018x} in bm_main at ", out, re.M), out

    # Stopped at alpha's bm_main, inside alpha's RAM, symbols from the guest's ELF.
    assert re.search(r"hit Breakpoint 1\.1, bm_main \(dtb=0x[0-9a-f]+", out), out
    stop = int(re.search(r"^STOP1 pc=(0x[0-9a-f]+)$", out, re.M).group(1), 16)
    assert stop == alpha_main and alpha_ram <= stop < beta_load, out
    assert re.search(r"^#0  bm_main \(", out, re.M), out
    assert f"bm_main in section .text of {alpha_elf}" in out, out

    # next moved on, still in bm_main.
    after = int(re.search(r"^NEXT pc=(0x[0-9a-f]+)$", out, re.M).group(1), 16)
    assert after != stop, out
    assert re.search(rf"^bm_main \+ \d+ in section \.text of {re.escape(alpha_elf)}$", out, re.M), out

    # The next trap from a partition stops in the hypervisor's handler.
    assert re.search(r"hit Breakpoint 2, guest_sync \(f=0x[0-9a-f]+\) at arch/arm64/traps\.c:",
                     out), out
    assert re.search(r"^#0  guest_sync \(f=", out, re.M), out
    # Its caller: arch_exception, or (when the compiler makes the call a
    # tail call) the vector's common path itself.
    assert re.search(r"^#1  (0x[0-9a-f]+ in )?(arch_exception \(f=0x[0-9a-f]+, vec=8\)|"
                     r"exception_(common|save_rest) \(\))", out, re.M), out
    # The hypervisor's view of partition alpha.
    assert re.search(r'^\$\d+ = "alpha"', out, re.M), out
    assert re.search(r"^\$\d+ = PART_RUNNING$", out, re.M), out
    assert re.search(r"^\$\d+ = 1$", out, re.M), out
    # Where the partition trapped, named with the partition's symbols.
    elr = re.search(r"^\$\d+ = (0x[0-9a-f]+) <(\w+)\+\d+>$", out, re.M)
    assert elr, out
    assert int(elr.group(1), 16) >= alpha_ram and elr.group(2).startswith("bm_"), out
    assert "[Inferior 1 (process 1) detached]" in out, out

    assert "bulkhead: boot complete: 2 partitions" in console
