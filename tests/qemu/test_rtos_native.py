"""The RTOS (partitions/rtos) natively on QEMU virt, without the hypervisor.

Checks the kernel itself, so that partition tests can trust what it prints:
the first line (and its virtual time under icount), the start-up self-tests
of its primitives, the control task keeping its period, the background task
progressing, the UART receive interrupt waking a task, the stack guard page
stopping a task that overflows while the others go on, and the bootargs.
Line formats: partitions/rtos/README.md. Jitter and missed releases are
printed, never asserted: without icount they measure the host.
"""
import os
import re
import struct

import pytest

from harness import Qemu, make, REPO

IMAGE_TARGET = os.path.join(os.environ.get("BUILD_ROOT", "build"), "guests", "rtos", "rtos.bin")
IMAGE = REPO / IMAGE_TARGET
TIMEOUT = 90

FIRST_RE = re.compile(r"^rtos: (\S+) first line at counter (\d+) \((\d+) ns\), "
                      r"entry at counter (\d+) \((\d+) ns\)$", re.M)
BOARD_RE = re.compile(r"^rtos: (\S+): uart 0x([0-9a-f]+) intid (\d+), gicd 0x([0-9a-f]+), "
                      r"gicr 0x([0-9a-f]+), timer intid (\d+), memory 0x([0-9a-f]+)-0x([0-9a-f]+), "
                      r"image 0x([0-9a-f]+), period (\d+) us, cntfrq (\d+) Hz$", re.M)
STATUS_RE = re.compile(r"^rtos: control period (\d+) us: releases (\d+), missed (\d+), "
                       r"jitter min (\d+) avg (\d+) max (\d+) ticks \((\d+) Hz\), "
                       r"background (\d+)$", re.M)
SELFTESTS = ("semaphore", "mutex-pi", "queue", "irq-sem", "round-robin")
SUMMARY = "rtos: selftest summary: 5 passed, 0 failed"


@pytest.fixture(scope="module")
def image():
    make(IMAGE_TARGET)
    assert IMAGE.exists()
    return IMAGE


def boot(image, append=None, cpu="cortex-a53", icount=False):
    return Qemu(image, smp=1, mem="128M", virtualization=False, append=append, cpu=cpu,
                icount=icount)


def statuses(text):
    return [tuple(int(x) for x in m.groups()) for m in STATUS_RE.finditer(text)]


def test_rtos_image_header(image):
    data = image.read_bytes()
    assert data[0x38:0x3c] == b"ARM\x64"
    text_offset, image_size, flags = struct.unpack_from("<QQQ", data, 8)
    assert text_offset == 0          # the RAM base itself: nothing below it to zero
    assert flags & (1 << 3)          # place anywhere
    assert image_size >= len(data)   # covers BSS, stacks and page tables


def test_rtos_native_boot_selftests_and_demo(image):
    with boot(image, append="name=native") as q:
        q.wait_for(r"^rtos: control period .*$", timeout=TIMEOUT, count=4)
        q.wait_for(r"^rtos: native heartbeat 3$", timeout=TIMEOUT)
        q.send("x")
        q.wait_for(r"^rtos: rx 'x'$", timeout=TIMEOUT)
        out = q.output
    first = FIRST_RE.search(out)
    assert first and first.group(1) == "native", out
    assert out.lstrip().startswith("rtos: native first line"), out
    board = BOARD_RE.search(out)
    assert board, out
    name, uart, uart_intid, gicd, gicr, timer = board.groups()[:6]
    assert (int(uart, 16), int(uart_intid), int(gicd, 16), int(gicr, 16), int(timer)) == \
        (0x9000000, 33, 0x8000000, 0x80a0000, 27), out
    assert int(board.group(10)) == 1000, out
    for t in SELFTESTS:
        assert re.search(rf"^rtos: selftest {t} PASS: ", out, re.M), out
    assert "FAIL" not in out, out
    assert SUMMARY in out, out
    st = statuses(out)
    assert len(st) >= 4, out
    for period, releases, missed, jmin, javg, jmax, hz, _bg in st[1:]:
        # One line per second of counter time: every release of that second
        # is either taken or counted as missed. A release delayed across
        # the second's boundary (a host that deschedules QEMU's thread) is
        # counted in the next line, so one line may be off by a few dozen,
        # but none go missing: over the lines they add up.
        assert period == 1000 and hz == 62500000, out
        assert 900 <= releases + missed <= 1100, out
        assert releases > 0 and jmin <= javg <= jmax, out
    total = sum(r + m for _p, r, m, *_rest in st[1:])
    assert abs(total - 1000 * len(st[1:])) <= 10, (total, out)
    backgrounds = [s[7] for s in st]
    assert all(b2 > b1 for b1, b2 in zip(backgrounds, backgrounds[1:])), out


@pytest.mark.parametrize("cpu", ["cortex-a72", "max"])
def test_rtos_native_other_cpus(image, cpu):
    with boot(image, cpu=cpu) as q:
        q.wait_for(r"^rtos: control period .*$", timeout=TIMEOUT, count=2)
        out = q.output
    assert FIRST_RE.search(out), out
    assert SUMMARY in out, out


def test_rtos_native_first_line_virtual_time(image):
    """Under icount (1 instruction = 1 ns) the first line's CNTVCT is the
    virtual time from reset. Issue 15 wants it within 150 us."""
    with boot(image, icount=True) as q:
        q.wait_for(FIRST_RE.pattern, timeout=TIMEOUT)
        out = q.output
    m = FIRST_RE.search(out)
    ns = int(m.group(3))
    print(f"rtos native first line: {ns} ns of virtual time after reset")
    assert ns < 150000, out


def test_rtos_native_stack_overflow_caught(image):
    with boot(image, append="name=ov overflow=1") as q:
        m = q.wait_for(r"^rtos: stack overflow in task overflow: fault at 0x([0-9a-f]+) in guard "
                       r"page 0x([0-9a-f]+)-0x([0-9a-f]+); task stopped$", timeout=TIMEOUT)
        far, lo, hi = (int(x, 16) for x in m.groups())
        assert lo <= far < hi and hi - lo == 4096
        # The kernel goes on with the other tasks.
        before = q.output.count("rtos: control period")
        q.wait_for(r"^rtos: control period .*$", timeout=TIMEOUT, count=before + 2)
        q.wait_for(r"^rtos: ov heartbeat 2$", timeout=TIMEOUT)
        out = q.output
    assert out.index("rtos: overflow: task overflow recursing") < out.index("stack overflow in")
    assert "kernel fault" not in out and "halted" not in out, out


def test_rtos_native_bootargs_period_and_quiet(image):
    with boot(image, append="name=q period=2000 quiet") as q:
        q.wait_for(r"^rtos: control period .*$", timeout=TIMEOUT, count=3)
        out = q.output
    assert FIRST_RE.search(out).group(1) == "q", out
    assert SUMMARY in out, out
    assert "selftest semaphore" not in out and "heartbeat" not in out, out
    for period, releases, missed, *_ in statuses(out)[1:]:
        assert period == 2000 and 495 <= releases + missed <= 505, out
