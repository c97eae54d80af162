"""The Linux guest (partitions/linux): Debian's arm64 kernel with our
busybox initramfs, natively on QEMU first (so the guest itself is known to
work), then in a Bulkhead partition (configs/qemu-virt-linux.dts).

`make linux` fetches the kernel and busybox from Debian's archive the first
time (about 60 MB, cached under BUILD_ROOT/deps/linux), so the first run of
this module also needs the archive; later runs use the cache.

/init prints a self-check (partitions/linux/init), every line starting with
"init: "; the tests read it:
    init: modules loaded: virtio_mmio ... sp805_wdt
    init: cpus online 0-1 of possible 0-1 (2 in /proc/cpuinfo; all online: yes)
    init: MemTotal: 487588 kB
    init: memory 0x50000000-0x70000000 (512 MiB) from /memory@50000000/reg
    init: timer: 11: 545 530 GICv3 27 Level arch_timer        (twice, 1 s apart)
    init: irq 11:arch_timer 1100 -> 1155 (+55 in 1 s)
    init: self-check done, up 3.88 s
then starts a shell (prompt "linux:/root# "); when it exits, the machine
powers off.
"""
import re

import pytest

from harness import BUILD, Qemu, build, make
from test_images import write_config

LINUX = BUILD / "guests" / "linux"
IMAGE = LINUX / "Image"
INITRD = LINUX / "initrd.cpio.gz"
PARTITION_CONFIG = "configs/qemu-virt-linux.dts"

# Boot to the self-check takes about 4 s of virtual time and a few seconds
# of wall-clock time; the timeouts only bound a hang.
BOOT_TIMEOUT = 60


@pytest.fixture(scope="module")
def linux_guest():
    make("linux")
    assert IMAGE.read_bytes()[0x38:0x3c] == b"ARM\x64", "Image is not an arm64 Image"
    return IMAGE, INITRD


def check_self_check(q, prefix, ncpus, mem_base, mem_mib):
    """The self-check block of /init, each line after `prefix` (the
    partition's console label, or nothing natively)."""
    p = re.escape(prefix)
    m = q.wait_for(rf"^{p}init: modules loaded: (.*)$", timeout=BOOT_TIMEOUT)
    assert "FAILED" not in m.group(1)
    for mod in ("virtio_mmio", "virtio_blk", "ext4", "sp805_wdt"):
        assert mod in m.group(1).split()
    last = ncpus - 1
    cpus = f"0-{last}" if last else "0"
    q.wait_for(rf"^{p}init: cpus online {cpus} of possible {cpus} "
               rf"\({ncpus} in /proc/cpuinfo; all online: yes\)$")
    m = q.wait_for(rf"^{p}init: MemTotal: (\d+) kB$")
    mem_kib = int(m.group(1))
    # What the kernel keeps for itself (code, page tables, reserved) comes
    # off the top; the rest must be there.
    assert mem_mib * 1024 * 3 // 4 < mem_kib <= mem_mib * 1024
    q.wait_for(rf"^{p}init: memory {mem_base:#x}-{mem_base + mem_mib * 2**20:#x} "
               rf"\({mem_mib} MiB\) from /memory@{mem_base:x}/reg$")
    # The timer's line of /proc/interrupts twice, one second apart: it counts.
    timer = rf"^{p}init: timer: +\d+:((?: \d+){{{ncpus}}}) GICv3 27 Level arch_timer$"
    q.wait_for(timer, count=2)
    samples = [sum(map(int, m.group(1).split()))
               for m in re.finditer(timer, q.output, re.M)]
    assert samples[1] > samples[0], samples
    m = q.wait_for(rf"^{p}init: irq \d+:arch_timer (\d+) -> (\d+) \(\+(\d+) in 1 s\)$")
    assert int(m.group(3)) > 0
    q.wait_for(rf"^{p}init: self-check done, up [0-9.]+ s$")


def test_linux_native_boots_to_a_shell(linux_guest):
    """Debian's kernel and the initramfs natively on QEMU virt (-smp 2, 1 GiB):
    both CPUs online, the timer ticking, the shell answering, a device
    interrupt (the PL011's receive) counting, and exit powering off."""
    image, initrd = linux_guest
    with Qemu(image, smp=2, virtualization=False, append="console=ttyAMA0",
              extra=["-initrd", str(initrd)]) as q:
        check_self_check(q, "", ncpus=2, mem_base=0x40000000, mem_mib=1024)
        q.wait_for(r"^linux:/root# ", timeout=BOOT_TIMEOUT, partial=True)
        q.send("echo hello-$((6*7))\n")
        q.wait_for(r"^hello-42$", timeout=10)
        q.send("grep uart-pl011 /proc/interrupts\n")
        m = q.wait_for(r"^ *\d+: +(\d+) +(\d+) +GICv3 +33 Level +uart-pl011$", timeout=10)
        assert int(m.group(1)) + int(m.group(2)) > 0, "typing raised no UART interrupt"
        q.send("exit\n")
        q.wait_for(r"^init: shell exited; powering off$", timeout=10)
        assert q.proc.wait(timeout=10) == 0


@pytest.fixture(scope="module")
def linux_partition(linux_guest):
    """One boot of configs/qemu-virt-linux.dts (Linux on cores 0-1, 512 MiB at
    0x50000000), shared by the partition tests in file order."""
    with Qemu(build(PARTITION_CONFIG)) as q:
        yield q


def test_linux_partition_boots_smp_with_timer_and_self_check(linux_partition):
    """Linux in a partition: its second core started through the emulated
    PSCI, the virtual timer's interrupts counting, the configured memory,
    the initramfs unpacked and /init's self-check through to the shell."""
    q = linux_partition
    q.wait_for(r'^bulkhead: partition "linux": 2 cores from core 0, 512 MiB RAM at IPA 0x50000000',
               timeout=BOOT_TIMEOUT)
    q.wait_for(r"^\[linux\] \[ *[0-9.]+\] psci: PSCIv1\.0 detected in firmware\.$",
               timeout=BOOT_TIMEOUT)
    q.wait_for(r"^\[linux\] \[ *[0-9.]+\] smp: Brought up 1 node, 2 CPUs$", timeout=BOOT_TIMEOUT)
    check_self_check(q, "[linux] ", ncpus=2, mem_base=0x50000000, mem_mib=512)
    q.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.$", timeout=BOOT_TIMEOUT)
    assert "EL2 exception" not in q.output
    assert 'partition "linux": halted' not in q.output


def test_linux_partition_shell_answers(linux_partition):
    """What the person types at the board's console reaches the partition's
    shell through the emulated PL011, which Linux's amba-pl011 driver runs
    with interrupts: the prompt (a line without a newline) shows at once,
    the command's output comes back tagged, and the UART's interrupt is the
    partition's own spare SPI (INTID 240), level-sensitive, counting."""
    q = linux_partition
    q.wait_for(r"^bulkhead: console: input goes to \"linux\"$", timeout=BOOT_TIMEOUT)
    q.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.$", timeout=BOOT_TIMEOUT)
    q.wait_for(r"^\[linux\] linux:/root# ", timeout=BOOT_TIMEOUT, partial=True)
    q.send("echo hello-$((6*7))\n")
    q.wait_for(r"^\[linux\] hello-42$", timeout=10)
    q.send("grep uart-pl011 /proc/interrupts\n")
    m = q.wait_for(r"^\[linux\] +\d+: +(\d+) +(\d+) +GICv3 240 Level +uart-pl011$", timeout=10)
    assert int(m.group(1)) + int(m.group(2)) > 0, "the emulated UART raised no interrupt"
    # The driver's own account: bytes received and sent through the port.
    q.send("cat /proc/tty/driver/ttyAMA\n")
    m = q.wait_for(r"^\[linux\] 0: uart:PL011 rev3 mmio:0x09000000 irq:\d+ tx:(\d+) rx:(\d+)",
                   timeout=10)
    assert int(m.group(2)) >= len("echo hello-$((6*7))\n")
    # A shell's terminal queries (ESC [ 6 n) never reach the operator's
    # terminal: escape sequences are dropped whole.
    assert "\x1b" not in q.output
    assert ".[6n" not in q.output


def test_linux_partition_three_cores_beside_a_baremetal_partition(linux_guest, tmp_path):
    """Linux on cores 0-2 in direct mode (its interrupts straight from the
    physical CPU interface) and a bare-metal partition on core 3 of the same
    board: all three of Linux's CPUs online, its timer counting, the other
    partition's heartbeat going on through Linux's boot and after. The
    console's focus: Ctrl-\\ moves the input to "bm" (what is typed then
    never reaches Linux) and back; Linux's prompt, cut by bm's lines, is
    shown again whole."""
    cfg = write_config(tmp_path, "t-linux-beside-bm", """\
	partition@0 {
		label = "linux";
		cpus = <0 1 2>;
		memory = <0x0 0x50000000 0x0 0x20000000>;
		kernel = "Image";
		initrd = "initrd.cpio.gz";
		bootargs = "console=ttyAMA0";
		irq-delivery = "direct";
	};
	partition@1 {
		label = "bm";
		cpus = <3>;
		memory = <0x0 0x48000000 0x0 0x08000000>;
		kernel = "baremetal.bin";
		bootargs = "name=bm hb=200";
	};""")
    make(f"CONFIG={cfg}", "all")
    with Qemu(BUILD / cfg.stem / "bulkhead.bin") as q:
        q.wait_for(r"^\[linux\] \[ *[0-9.]+\] smp: Brought up 1 node, 3 CPUs$", timeout=BOOT_TIMEOUT)
        check_self_check(q, "[linux] ", ncpus=3, mem_base=0x50000000, mem_mib=512)
        beats = len(re.findall(r"^\[bm\] bm: bm heartbeat \d+$", q.output, re.M))
        assert beats > 0, "the bare-metal partition was silent while Linux booted"
        q.wait_for(r"^\[bm\] bm: bm heartbeat \d+$", count=beats + 2, timeout=10)
        assert "EL2 exception" not in q.output and "halted" not in q.output

        q.wait_for(r"^bulkhead: console: input goes to \"linux\"; Ctrl-\\ moves it to the next "
                   r"partition$")
        q.wait_for(r"^\[linux\] linux:/root# ", timeout=BOOT_TIMEOUT, partial=True)
        q.send("echo one-$((40+2))\n")
        q.wait_for(r"^\[linux\] one-42$", timeout=10)
        q.send("\x1c")
        q.wait_for(r"^bulkhead: console: input goes to \"bm\"$", timeout=10)
        # bm does not read its UART: the line waits there, not in Linux.
        q.send("echo two-$((40+2))\n")
        beats = len(re.findall(r"^\[bm\] bm: bm heartbeat \d+$", q.output, re.M))
        q.wait_for(r"^\[bm\] bm: bm heartbeat \d+$", count=beats + 3, timeout=10)
        assert not re.search(r"^\[linux\] two-42", q.output, re.M)
        q.send("\x1c")
        q.wait_for(r"^bulkhead: console: input goes to \"linux\"$", timeout=10)
        q.send("echo three-$((40+2))\n")
        q.wait_for(r"^\[linux\] three-42$", timeout=10)
        assert not re.search(r"^\[linux\] two-42", q.output, re.M)
        # Every heartbeat line is whole on its own line, though Linux's
        # prompt was open on the console when it came.
        lines = q.output.replace("\r", "").split("\n")
        for line in lines[:-1]:
            if "heartbeat" in line:
                assert re.fullmatch(r"\[bm\] bm: bm heartbeat \d+", line), repr(line)
        # And Linux's prompt, open when bm's lines came, was erased for
        # each of them (never ended as a line of its own) and shown again
        # below: it stays at the bottom.
        raw_before = q.raw().count("[linux] linux:/root# \x1b[K")
        beats = len(re.findall(r"^\[bm\] bm: bm heartbeat \d+$", q.output, re.M))
        q.wait_for(r"^\[bm\] bm: bm heartbeat \d+$", count=beats + 3, timeout=10)
        assert q.raw().count("[linux] linux:/root# \x1b[K") >= raw_before + 3
        after = q.lines()[q.output.rindex("three-42"):].split("\n")[1:]
        assert "[linux] linux:/root# " not in after, after
        for _ in range(50):
            if q.output.endswith("\n[linux] linux:/root# "):
                break
            q.settle(0.1)
        assert q.output.endswith("\n[linux] linux:/root# "), q.output[-300:]
