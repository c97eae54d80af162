"""Run the baremetal test guest natively on QEMU virt (no hypervisor).

This checks the guest itself, so that partition tests can trust what it
prints: boot report, PSCI CPU_ON of its other CPUs, heartbeat, surviving its
own UNDEFINED instruction and a data abort from an unmapped address, and
position independence (loaded at another base).
"""

import os
import re
import shutil
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

from harness import QEMU_NO_DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
# The make target, spelled as the Makefile spells it (BUILD_ROOT relative or not).
IMAGE_TARGET = os.path.join(os.environ.get("BUILD_ROOT", "build"), "guests", "baremetal",
                            "baremetal.bin")
IMAGE = ROOT / IMAGE_TARGET
QEMU = "qemu-system-aarch64"
CROSS_GCC = "aarch64-linux-gnu-gcc"

# Generous: a pass normally takes a second or two; the run stops as soon as
# the expected lines are in. Wall-clock time never decides pass/fail otherwise.
RUN_TIMEOUT_S = 60
BUILD_TIMEOUT_S = 300

IMAGE_MAGIC_OFFSET = 0x38
IMAGE_MAGIC = b"ARM\x64"
IMAGE_TEXT_OFFSET = 0x80000
IMAGE_FLAG_PHYS_ANYWHERE = 1 << 3

HELLO_RE = re.compile(
    r"^bm: hello from partition (\S+) on cpu (\d+) \(mpidr 0x([0-9a-f]+)\), "
    r"(\d+) cpus, memory 0x([0-9a-f]+)-0x([0-9a-f]+), boot count (\d+)$",
    re.M,
)


def _build():
    """Builds the guest with the repository Makefile (BH_DEPS_OK: the set-up
    check already ran in the make that started the tests)."""
    res = subprocess.run(
        ["make", "-C", str(ROOT), "--no-print-directory", IMAGE_TARGET],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
        env=dict(os.environ, BH_DEPS_OK="1"),
    )
    assert res.returncode == 0, f"build failed:\n{res.stdout}\n{res.stderr}"


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    for tool in (QEMU, CROSS_GCC, "make"):
        assert shutil.which(tool), f"{tool} is not installed"
    _build()
    assert IMAGE.exists()
    return IMAGE


def run_guest(kernel, append, done, smp=2):
    """Boot kernel under QEMU; return its output once done(text) holds.

    QEMU is killed as soon as the expected output is in, or after
    RUN_TIMEOUT_S, or when it exits by itself.
    """
    cmd = [
        QEMU, "-M", "virt", "-cpu", "cortex-a53", "-smp", str(smp), "-m", "1G",
        "-nographic", *QEMU_NO_DEFAULTS, "-kernel", str(kernel), "-append", append,
    ]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    chunks = []
    lock = threading.Lock()

    def reader():
        while True:
            data = proc.stdout.read1(4096)
            if not data:
                break
            with lock:
                chunks.append(data)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    text = ""
    try:
        while time.monotonic() < deadline:
            with lock:
                text = b"".join(chunks).decode(errors="replace").replace("\r", "")
            if done(text) or proc.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait()
        thread.join(timeout=5)
    with lock:
        text = b"".join(chunks).decode(errors="replace").replace("\r", "")
    return text


def line_index(text, pattern):
    """Index of the first output line matching regex pattern, or -1."""
    for i, line in enumerate(text.splitlines()):
        if re.search(pattern, line):
            return i
    return -1


def test_image_header(image):
    data = image.read_bytes()
    assert data[IMAGE_MAGIC_OFFSET:IMAGE_MAGIC_OFFSET + 4] == IMAGE_MAGIC
    text_offset, image_size, flags = struct.unpack_from("<QQQ", data, 8)
    assert text_offset == IMAGE_TEXT_OFFSET
    assert flags & IMAGE_FLAG_PHYS_ANYWHERE
    # image_size covers BSS too, so it is at least the file size.
    assert image_size >= len(data)


def test_smp_heartbeat_and_undef(image):
    out = run_guest(
        image, "name=native smp hb=10 act=undef at=2",
        lambda t: "bm: native heartbeat 4" in t,
    )
    m = HELLO_RE.search(out)
    assert m, out
    name, cpu, _mpidr, ncpus, base, end, boots = m.groups()
    assert name == "native" and cpu == "0" and ncpus == "2" and boots == "0"
    assert int(base, 16) == 0x40000000 and int(end, 16) > int(base, 16), out
    assert "bm: cpu 1 up (mpidr 0x1)" in out, out
    assert "bm: all 2 cpus up" in out, out

    caught = line_index(out, r"^bm: caught EC=0x00 ESR=0x[0-9a-f]+ FAR=0x[0-9a-f]+ ELR=0x[0-9a-f]+$")
    hb2 = line_index(out, r"^bm: native heartbeat 2$")
    hb3 = line_index(out, r"^bm: native heartbeat 3$")
    hb4 = line_index(out, r"^bm: native heartbeat 4$")
    assert line_index(out, r"^bm: native heartbeat 1$") >= 0, out
    assert 0 <= hb2 < caught < hb3 < hb4, out
    assert line_index(out, r"^bm: survived undef$") > caught, out


def test_psci_version(image):
    out = run_guest(
        image, "hb=10 act=psci-version at=1",
        lambda t: "bm: native heartbeat 2" in t,
    )
    m = re.search(r"^bm: PSCI_VERSION returned 0x([0-9a-f]+)", out, re.M)
    assert m, out
    version = int(m.group(1), 16)
    # Non-negative as a signed 32-bit value, and at least PSCI 0.2.
    assert version < 0x80000000 and version >= 0x2, out
    assert line_index(out, r"^bm: native heartbeat 2$") > line_index(out, "PSCI_VERSION"), out


def test_wild_read_survives(image):
    out = run_guest(
        image, "hb=10 act=wild-read:0x0C000000 at=1",
        lambda t: "bm: native heartbeat 3" in t,
    )
    touching = line_index(out, r"^bm: touching 0xc000000$")
    caught = line_index(out, r"^bm: caught EC=0x25 ESR=0x[0-9a-f]+ FAR=0xc000000 ELR=")
    survived = line_index(out, r"^bm: survived access$")
    hb3 = line_index(out, r"^bm: native heartbeat 3$")
    assert 0 <= touching < caught < survived < hb3, out


def test_runs_at_another_base(image, tmp_path):
    """Position independence: QEMU honours text_offset, so moving it moves the image."""
    moved = tmp_path / "moved.bin"
    data = bytearray(image.read_bytes())
    struct.pack_into("<Q", data, 8, IMAGE_TEXT_OFFSET + 0x200000)
    moved.write_bytes(bytes(data))
    out = run_guest(
        moved, "name=moved smp hb=10 act=undef at=1",
        lambda t: "bm: moved heartbeat 2" in t,
    )
    assert HELLO_RE.search(out), out
    assert "bm: cpu 1 up (mpidr 0x1)" in out, out
    # The fault address proves where the code ran.
    m = re.search(r"^bm: caught EC=0x00 .* ELR=0x([0-9a-f]+)$", out, re.M)
    assert m, out
    assert int(m.group(1), 16) >= 0x40000000 + IMAGE_TEXT_OFFSET + 0x200000, out
    assert line_index(out, r"^bm: moved heartbeat 2$") > line_index(out, "caught EC"), out
