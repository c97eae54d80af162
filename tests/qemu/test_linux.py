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
        q.wait_for(r"^linux:/root# ", timeout=BOOT_TIMEOUT)
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
    q = linux_partition
    q.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.$", timeout=BOOT_TIMEOUT)
    q.send("echo hello-$((6*7))\n")
    q.wait_for(r"^\[linux\] hello-42$", timeout=5)


def test_linux_partition_three_cores_beside_a_baremetal_partition(linux_guest, tmp_path):
    """Linux on cores 0-2 and a bare-metal partition on core 3 of the same
    board: all three of Linux's CPUs online, its timer counting, and the
    other partition's heartbeat going on through Linux's boot and after."""
    cfg = write_config(tmp_path, "t-linux-beside-bm", """\
	partition@0 {
		label = "linux";
		cpus = <0 1 2>;
		memory = <0x0 0x50000000 0x0 0x20000000>;
		kernel = "Image";
		initrd = "initrd.cpio.gz";
		bootargs = "console=ttyAMA0";
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
