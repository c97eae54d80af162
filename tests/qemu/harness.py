"""Building Bulkhead images and running them under QEMU for the system tests.

Every run has a hard timeout and is killed as soon as what the test waits for
has appeared, so a hang fails the test quickly instead of stalling the suite.
Tests assert on console text only: wall-clock time is never a pass criterion.
"""
import os
import re
import subprocess
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The Makefile exports BUILD_ROOT; run by hand, the tests use build/.
BUILD = REPO / os.environ.get("BUILD_ROOT", "build")
QEMU = "qemu-system-aarch64"
# Every QEMU run of the project: no default network card. The board's default
# NIC loads efi-virtio.rom (Debian's ipxe-qemu, only a Recommends of QEMU), and
# nothing here uses a network; asking for it broke every test on a fresh root.
QEMU_NO_DEFAULTS = ["-nic", "none"]
DEFAULT_TIMEOUT = 60.0

_built = {}


def make(*args, check=True):
    """Runs make in the repository root; returns its CompletedProcess."""
    env = dict(os.environ, BH_DEPS_OK="1")
    proc = subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"make {' '.join(args)} failed:\n{proc.stdout}")
    return proc


def build(config="configs/qemu-virt-hyp-only.dts", defconfig=None):
    """Builds the image for a configuration once per session; returns its path."""
    if config not in _built:
        extra = [f"DEFCONFIG={defconfig}"] if defconfig else []
        make(f"CONFIG={config}", *extra, "all")
        name = Path(config).stem
        _built[config] = BUILD / name / "bulkhead.bin"
    return _built[config]


# Text erased by "ESC [ K" at the start of a line (the "\r" before it is
# already dropped from the stream).
ERASED_LINE = re.compile(r"[^\n]*\x1b\[K")


class Qemu:
    """One QEMU run of an image, with its console collected as it arrives."""

    def __init__(self, image, smp=4, gic=3, virtualization=True, append=None, extra=(),
                 icount=False, mem="1G", bios=None, cpu="cortex-a53"):
        machine = f"virt,gic-version={gic}" + (",virtualization=on" if virtualization else "")
        self.cmd = [QEMU, "-M", machine, "-cpu", cpu, "-smp", str(smp), "-m", mem,
                    "-display", "none", "-monitor", "none", "-serial", "stdio",
                    *QEMU_NO_DEFAULTS]
        if bios is None:
            self.cmd += ["-kernel", str(image)]
        else:
            # A boot loader as firmware; the image is put in RAM where it will
            # be told to boot it from.
            self.cmd += ["-bios", str(bios), "-device",
                         f"loader,file={image},addr=0x40200000,force-raw=on"]
        if icount:
            self.cmd += ["-icount", "shift=0,sleep=off"]
        if append is not None:
            self.cmd += ["-append", append]
        self.cmd += list(extra)
        self._buf = []
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            with self._lock:
                self._buf.append(chunk.decode("utf-8", "replace").replace("\r", ""))

    @property
    def output(self):
        """The console as a terminal shows it: a partial line the hypervisor
        erased (carriage return, then ESC [ K, core/log.c: the focused
        partition's open line, hidden while another line is printed) is
        gone, so every line here is one source's and whole."""
        with self._lock:
            text = "".join(self._buf)
        return ERASED_LINE.sub("", text) if "\x1b[K" in text else text

    def raw(self):
        """The console's bytes as they came (less carriage returns)."""
        with self._lock:
            return "".join(self._buf)

    def lines(self, partial=False):
        """The console up to its last newline: complete lines only, so a
        pattern ending in `$` never matches a line still being written (the
        focused partition's lines appear as they are written). partial=True:
        all of it, for what never ends in a newline (a shell's prompt)."""
        text = self.output
        return text if partial else text[:text.rfind("\n") + 1]

    def wait_for(self, pattern, timeout=DEFAULT_TIMEOUT, count=1, partial=False):
        """Waits until `pattern` (a regex) has matched `count` times in the
        complete lines (see lines()); returns the last match. Fails with the
        console so far if it does not."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            matches = list(rx.finditer(self.lines(partial)))
            if len(matches) >= count:
                return matches[count - 1]
            if self.proc.poll() is not None:
                time.sleep(0.2)
                matches = list(rx.finditer(self.lines(partial)))
                if len(matches) >= count:
                    return matches[count - 1]
                raise AssertionError(f"QEMU exited ({self.proc.returncode}) before "
                                     f"{pattern!r} appeared {count}x. Console:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} did not appear {count}x within {timeout}s. "
                                     f"Console:\n{self.output}")
            time.sleep(0.05)

    def send(self, text):
        """Types text on the board's console (QEMU's serial input)."""
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def settle(self, seconds):
        """Lets the machine run a little longer (to see that something does
        NOT happen, or keeps happening)."""
        time.sleep(seconds)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


def complete_lines(out):
    """Console text up to its last newline: a line still arriving could end
    in the middle of a number ("heartbeat 1" of "heartbeat 10")."""
    return out[:out.rfind("\n") + 1]


def lines(text, prefix):
    """The console lines starting with `prefix`."""
    return [ln for ln in text.splitlines() if ln.startswith(prefix)]
