"""The Linux partition's own devices (issue 14, item 4): the PL031 RTC and a
virtio-mmio block device, both passed through with their interrupts
(configs/qemu-virt-linux.dts: devices "/pl031@9010000" and
"/virtio_mmio@a003e00", the latter in dma-trusted, RAM at IPA == PA).

The test makes a small ext4 image (mkfs.ext4 -d, e2fsprogs) holding
hello.txt with a random token, gives it to QEMU as the first virtio device
(QEMU virt fills its virtio-mmio transports from the highest address down,
so the first -device lands in virtio_mmio@a003e00, the one the partition
owns), and boots the partition once; Linux's unmodified drivers (rtc-pl031,
virtio_mmio, virtio_blk, ext4) bind to the nodes bhcfg copied into the
partition's DTB. /init's self-check (partitions/linux/init) then prints:
    init: rtc: /dev/rtc0 rtc-pl031 9010000.pl031, hwclock -r -u: <date>, since epoch <s> s
    init: rtc irq: 14: 0 0 GICv3 34 Level rtc-pl031
    init: disk: /dev/vda mounted ext4, hello.txt: <token>
    init: disk irq: 15: 7 0 GICv3 79 Edge virtio0
"""
import os
import re
import secrets
import shutil
import subprocess
import time

import pytest

from harness import BUILD, Qemu, build, make

PARTITION_CONFIG = "configs/qemu-virt-linux.dts"
DTB = BUILD / "qemu-virt-linux" / "gen" / "linux.dtb"
WORK = BUILD / "tests" / "linux-devices"
BOOT_TIMEOUT = 60
P = re.escape("[linux] ")


def mkfs_ext4():
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    tool = shutil.which("mkfs.ext4", path=path)
    if tool is None:
        pytest.fail("mkfs.ext4 not found: it comes with e2fsprogs (make deps installs it)")
    return tool


@pytest.fixture(scope="module")
def disk():
    """An 8 MiB ext4 image with hello.txt holding a fresh random token."""
    token = f"bulkhead-{secrets.token_hex(8)}"
    src = WORK / "src"
    shutil.rmtree(WORK, ignore_errors=True)
    src.mkdir(parents=True)
    (src / "hello.txt").write_text(token + "\n")
    image = WORK / "disk.img"
    subprocess.run([mkfs_ext4(), "-q", "-F", "-t", "ext4", "-L", "bhtest", "-d", str(src),
                    str(image), "8M"], check=True, capture_output=True)
    return image, token


@pytest.fixture(scope="module")
def linux_with_devices(disk):
    """One boot of configs/qemu-virt-linux.dts with the disk, shared by the
    tests below (each waits for its own lines)."""
    make("linux")
    image = build(PARTITION_CONFIG)
    path, _ = disk
    with Qemu(image, extra=["-drive", f"file={path},if=none,format=raw,id=bhdisk",
                            "-device", "virtio-blk-device,drive=bhdisk"]) as q:
        q.wait_for(rf"^{P}init: self-check done", timeout=BOOT_TIMEOUT)
        yield q


def fdtget(*args):
    return subprocess.run(["fdtget", *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_linux_partition_dtb_describes_its_rtc_and_virtio_disk(linux_with_devices):
    """The partition DTB bhcfg wrote has both nodes as the board describes
    them (compatible, reg, interrupts; the RTC's clock), without the board's
    bulkhead,dma-master flag."""
    dtb = str(DTB)
    assert fdtget(dtb, "/virtio_mmio@a003e00", "compatible") == "virtio,mmio"
    assert fdtget(dtb, "-tx", "/virtio_mmio@a003e00", "reg").split() == ["0", "a003e00", "0", "200"]
    assert fdtget(dtb, "-tx", "/virtio_mmio@a003e00", "interrupts").split() == ["0", "2f", "1"]
    assert "bulkhead,dma-master" not in fdtget(dtb, "-p", "/virtio_mmio@a003e00").split()
    assert fdtget(dtb, "/pl031@9010000", "compatible").split() == ["arm,pl031", "arm,primecell"]
    assert fdtget(dtb, "-tx", "/pl031@9010000", "interrupts").split() == ["0", "2", "4"]
    clk = fdtget(dtb, "-tx", "/pl031@9010000", "clocks")
    assert fdtget(dtb, "-tx", "/apb-pclk", "phandle") == clk
    # The transports of the disk's page are all the partition's (stage 2
    # maps the page whole, bhcfg makes the configuration say so); those of
    # other pages are not in its tree.
    nodes = fdtget(dtb, "-l", "/").split()
    assert [n for n in nodes if n.startswith("virtio_mmio@")] == [
        f"virtio_mmio@a003{x:03x}" for x in range(0, 0x1000, 0x200)]


def test_linux_partition_mounts_its_virtio_disk_and_reads_the_file(linux_with_devices, disk):
    """virtio_blk finds the 8 MiB disk behind virtio_mmio@a003e00 as vda; /init
    mounts it read-only and prints hello.txt: the token this test wrote."""
    q = linux_with_devices
    _, token = disk
    q.wait_for(rf"^{P}\[ *[0-9.]+\] virtio_blk virtio0: \[vda\] 16384 512-byte logical blocks")
    m = q.wait_for(rf"^{P}init: disk: (.*)$")
    assert m.group(1) == f"/dev/vda mounted ext4, hello.txt: {token}"
    assert "EL2 exception" not in q.output
    assert 'partition "linux": halted' not in q.output


def test_linux_partition_virtio_interrupt_counts(linux_with_devices):
    """The transport's SPI 47 (INTID 79, edge) reached Linux: the virtio0 line
    of /proc/interrupts, after the mount, has counted."""
    q = linux_with_devices
    m = q.wait_for(rf"^{P}init: disk irq: \d+:((?: \d+)+) GICv3 79 Edge virtio0$")
    assert sum(map(int, m.group(1).split())) > 0, m.group(0)


def test_linux_partition_rtc_reads_a_sane_date(linux_with_devices):
    """rtc-pl031 binds (rtc0, its SPI 2 requested: INTID 34 in
    /proc/interrupts) and hwclock reads the time QEMU's PL031 gives, which is
    the host's: within a day of this machine's clock."""
    q = linux_with_devices
    q.wait_for(rf"^{P}\[ *[0-9.]+\] rtc-pl031 9010000\.pl031: registered as rtc0$")
    m = q.wait_for(rf"^{P}init: rtc: /dev/rtc0 rtc-pl031 9010000\.pl031, "
                   rf"hwclock -r -u: (.*), since epoch (\d+) s$")
    hwclock, since_epoch = m.group(1), int(m.group(2))
    assert abs(since_epoch - time.time()) < 86400, (since_epoch, time.time())
    year = time.gmtime(since_epoch).tm_year
    assert re.search(rf"\b{year}\b", hwclock), hwclock
    q.wait_for(rf"^{P}init: rtc irq: \d+:(?: \d+)+ GICv3 34 Level rtc-pl031$")
