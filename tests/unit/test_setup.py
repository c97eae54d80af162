"""Set-up checks that need no QEMU run: every QEMU command line the project
builds asks only for devices it uses. A default network card pulls in a ROM
from a package QEMU only recommends (efi-virtio.rom from ipxe-qemu); on a fresh
root without it every QEMU test failed, and a machine that happened to have it
hid that."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "qemu"))
import harness  # noqa: E402


def make_dry_run(goal, *args):
    env = dict(os.environ, BH_DEPS_OK="1")
    out = subprocess.run(["make", "--no-print-directory", "-n", goal, *args], cwd=REPO, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    assert out.returncode == 0, out.stdout
    return out.stdout


def qemu_lines(text):
    return [ln for ln in text.splitlines()
            if ln.lstrip().startswith("qemu-system-aarch64 ") and "echo" not in ln]


def test_make_run_asks_for_no_network_card():
    lines = qemu_lines(make_dry_run("run"))
    assert lines, "make -n run printed no QEMU command"
    for ln in lines:
        assert "-nic none" in ln, ln


def test_harness_asks_for_no_network_card():
    assert harness.QEMU_NO_DEFAULTS == ["-nic", "none"]
    src = (REPO / "tests" / "qemu" / "test_baremetal_native.py").read_text()
    assert "QEMU_NO_DEFAULTS" in src


def test_make_run_says_what_to_change_before_qemu_starts():
    """A configuration that does not fit the QEMU command line is caught in
    one line per problem, and QEMU is never started."""
    env = dict(os.environ, BH_DEPS_OK="1")
    out = subprocess.run(["make", "--no-print-directory", "run", "SMP=2", "MEM=256M", "GIC=2",
                          "CONFIG=configs/qemu-virt-two-baremetal.dts"],
                         cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=300)
    assert out.returncode != 0
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("make run: ")]
    assert lines == [
        "make run: configs/qemu-virt-two-baremetal.dts uses core 3, but QEMU would get -smp 2: "
        "run with SMP=4",
        "make run: configs/qemu-virt-two-baremetal.dts uses RAM up to 0x58000000, but QEMU would "
        "get -m 256M (RAM from 0x40000000): run with MEM=384M",
        "make run: the board's interrupt controller is a GICv3, but QEMU would get "
        "gic-version=2: run with GIC=3",
    ]
    assert "Running:" not in out.stdout
