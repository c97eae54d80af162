"""The default system (configs/qemu-virt-linux-rtos.dts, `make run`): the
RTOS (partitions/rtos) on core 3 in direct mode beside Linux on cores 0-2,
in one boot of the board shared by the tests of this module, in file order.

The RTOS is unaffected by anything Linux does: its status lines keep coming
while Linux boots, loads every CPU and floods its console, and reboots
twice; and, what "unaffected" means on a machine model without caches, its
core enters EL2 only for the RTOS's own doing (its console accesses and its
one hypercall), never for an interrupt or a request caused by Linux. The
control task's missed releases and jitter are printed, never asserted: on
a 2-core host running 4 vCPU threads they measure the host.

The configuration is the default one with `counters=5` added to the RTOS's
bootargs: every 5 status lines it asks the hypervisor for its counters.
"""
import re

import pytest

from harness import BUILD, REPO, Qemu, make
from test_linux import BOOT_TIMEOUT, linux_guest  # noqa: F401 (fixture)

DEFAULT = REPO / "configs" / "qemu-virt-linux-rtos.dts"
STATUS = (r"^\[rtos\] rtos: control period 1000 us: releases (\d+), missed (\d+), jitter min (\d+) "
          r"avg (\d+) max (\d+) ticks \(\d+ Hz\), background (\d+)$")
COUNTERS = r"^\[rtos\] rtos: counters asked of the hypervisor after (\d+) s: (-?\d+)$"


@pytest.fixture(scope="module")
def board(linux_guest, tmp_path_factory):  # noqa: F811 (the fixture, imported)
    text = DEFAULT.read_text()
    assert 'bootargs = "name=rtos";' in text
    cfg = tmp_path_factory.mktemp("rtos") / "t-linux-rtos.dts"
    cfg.write_text(text.replace('bootargs = "name=rtos";', 'bootargs = "name=rtos counters=5";'))
    make(f"CONFIG={cfg}", "all")
    with Qemu(BUILD / cfg.stem / "bulkhead.bin") as q:
        yield q


def statuses(text):
    return [tuple(int(x) for x in m.groups()) for m in re.finditer(STATUS, text, re.M)]


def wait_status(q, more, timeout=60):
    q.wait_for(STATUS, count=len(statuses(q.output)) + more, timeout=timeout)


def test_rtos_first_line_before_linux_is_loaded_and_both_up(board):
    q = board
    q.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.$", timeout=BOOT_TIMEOUT)
    out = q.output
    first = out.index("[rtos] rtos: rtos first line at counter")
    # Started first, in configuration order, and running before the next
    # partition is loaded (the boot core waits for its vCPU to run): its
    # first line comes before Linux's first, which follows the zeroing of
    # Linux's 512 MiB and the copy of its Image. (Not necessarily before the
    # hypervisor's announce of Linux, printed as the RTOS starts.)
    assert first < out.index("[linux] [    0.000000] Booting Linux")
    assert re.search(r"^\[rtos\] rtos: selftest summary: 5 passed, 0 failed$", out, re.M)
    # Status lines while Linux booted, from its first line to its shell.
    booting = out[out.index("[linux] [    0.000000] Booting Linux"):
                  out.index("[linux] Enter 'help'")]
    assert len(statuses(booting)) >= 1, "no RTOS status line while Linux booted"
    assert re.search(r"^\[rtos\] rtos: rtos heartbeat \d+$", out, re.M)


def test_rtos_status_lines_go_on_under_linux_cpu_and_console_load(board):
    q = board
    before = len(statuses(q.output))
    q.send("for i in 1 2 3; do timeout 6 sh -c 'while :; do :; done' & done; "
           "seq 1 3000 | sed 's/^/flood /'; wait; echo load-done\n")
    q.wait_for(r"^\[linux\] flood 3000$", timeout=90)
    q.wait_for(r"^\[linux\] load-done$", timeout=90)
    during = len(statuses(q.output)) - before
    assert during >= 2, f"{during} RTOS status lines while Linux loaded its CPUs and console"


@pytest.mark.parametrize("n", [2, 3])
def test_rtos_status_lines_go_on_while_linux_reboots(board, n):
    q = board
    # Linux's shell is up (boot n-1) before the command is typed, whichever
    # of this module's tests ran before (pytest -k may pick this one alone).
    q.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.$", count=n - 1,
               timeout=BOOT_TIMEOUT)
    before = len(statuses(q.output))
    q.send("reboot -f\n")
    q.wait_for(rf'^bulkhead: partition "linux": restarting \(PSCI SYSTEM_RESET\), boot {n}',
               timeout=BOOT_TIMEOUT)
    q.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.$", count=n,
               timeout=BOOT_TIMEOUT)
    assert len(statuses(q.output)) - before >= 1
    assert 'partition "rtos": restarting' not in q.output


def test_rtos_core_entered_el2_only_for_its_own_doing(board):
    """The hypervisor's per-core entry counters for core 3, as the RTOS's
    own hypercall makes it print them every 5 s, the last one after all of
    the above: no IRQ and no FIQ entry at all (its timer and UART interrupts
    are direct; no request, no SGI, no maintenance interrupt from Linux's
    boots and reboots), no interrupt injected, no fault; and every trap
    since the first report one of the RTOS's own: an access to its emulated
    UART or one of its hypercalls. (Before the first report, its start-up
    adds a few traps of its own: ID register reads the hypervisor answers.)"""
    q = board
    asked = len(re.findall(COUNTERS, q.output, re.M))
    m = q.wait_for(COUNTERS, count=asked + 1, timeout=30)
    assert m.group(2) == "0"
    out = q.output[:m.start()]
    stats = list(re.finditer(
        r'^bulkhead: partition "rtos": so far (\d+) data aborts, (\d+) instruction aborts, '
        r'(\d+) undefined, (\d+) SErrors, (\d+) unknown SMC/HVC calls, (\d+) PSCI calls, '
        r'(\d+) emulated MMIO accesses, (\d+) restarts$', out, re.M))
    entries = list(re.finditer(
        r'^bulkhead: partition "rtos" vcpu 0 \(core 3\): (\d+) interrupts injected, (\d+) stray, '
        r'(\d+) SGIs refused; EL2 entries since boot: (\d+) traps, (\d+) IRQs, (\d+) FIQs, '
        r'(\d+) SErrors$', out, re.M))
    assert len(stats) == len(entries) == asked + 1 >= 3, (len(stats), len(entries), asked)
    others = []
    for k, (s, e) in enumerate(zip(stats, entries)):
        aborts, iaborts, undef, serr, unknown, psci, mmio, restarts = map(int, s.groups())
        injected, stray, refused, traps, irqs, fiqs, serrors = map(int, e.groups())
        assert (aborts, iaborts, undef, serr, restarts) == (0, 0, 0, 0, 0), s.group(0)
        assert (injected, stray, refused, irqs, fiqs, serrors) == (0, 0, 0, 0, 0, 0), e.group(0)
        # The k+1-th hypercall is the one printing these.
        others.append(traps - (mmio + psci + unknown + (k + 1)))
    assert others == [others[0]] * len(others), others
    assert 0 <= others[0] <= 16, others
    # And Linux, meanwhile, was busy: it booted three times.
    assert q.output.count("[linux] Enter 'help' for a list of built-in commands.") >= 3


def test_rtos_console_focus_moves_to_the_rtos_and_back(board):
    """Ctrl-\\ moves the input from Linux to the RTOS, whose UART interrupt
    (its own SPI, delivered directly) wakes its rx task; and back."""
    q = board
    q.send("echo to-linux-$((40+2))\n")
    q.wait_for(r"^\[linux\] to-linux-42$", timeout=20)
    q.send("\x1c")
    q.wait_for(r'^bulkhead: console: input goes to "rtos"$', timeout=10)
    q.send("x")
    q.wait_for(r"^\[rtos\] rtos: rx 'x'$", timeout=10)
    q.send("\x1c")
    q.wait_for(r'^bulkhead: console: input goes to "linux"$', timeout=10)
    q.send("echo back-$((40+2))\n")
    q.wait_for(r"^\[linux\] back-42$", timeout=20)
    # The x went to the RTOS alone: Linux's command line has no x before it.
    assert re.search(r"^\[linux\] linux:/root# echo back-\$\(\(40\+2\)\)$", q.output, re.M)


def test_rtos_console_passthrough(tmp_path):
    """console = "passthrough": the board's UART is the RTOS's own device
    (its page mapped, its interrupt, INTID 33, delivered directly). The
    hypervisor says so once and prints nothing after; the RTOS's lines come
    untagged, and what is typed reaches its UART interrupt with no EL2 in
    between. A bare-metal partition beside it has console = "none"."""
    from test_images import write_config
    cfg = write_config(tmp_path, "t-rtos-pass", """\
	partition@0 {
		label = "rtos";
		cpus = <3>;
		memory = <0x0 0x48000000 0x0 0x60000>;
		kernel = "rtos.bin";
		bootargs = "name=rtos";
		irq-delivery = "direct";
		console = "passthrough";
	};
	partition@1 {
		label = "bm";
		cpus = <0>;
		memory = <0x0 0x50000000 0x0 0x08000000>;
		kernel = "baremetal.bin";
		bootargs = "name=bm hb=200";
		console = "none";
	};""")
    make(f"CONFIG={cfg}", "all")
    with Qemu(BUILD / cfg.stem / "bulkhead.bin") as q:
        q.wait_for(r'^bulkhead: console: the board\'s UART is passed through to "rtos": the '
                   r"hypervisor's lines stop when it starts$")
        q.wait_for(r'^bulkhead: console: the board\'s UART is "rtos"\'s from here on '
                   r'\(console = "passthrough"\); the hypervisor prints nothing more$')
        q.wait_for(r"^rtos: rtos: uart 0x9000000 intid 33, ", timeout=30)
        q.wait_for(STATUS.replace(r"^\[rtos\] ", "^"), timeout=30)
        q.send("x")
        q.wait_for(r"^rtos: rx 'x'$", timeout=10)
        q.wait_for(r"^rtos: rtos heartbeat 2$", timeout=30)
        out = q.output
    after = out[out.index("the hypervisor prints nothing more"):]
    assert "bulkhead:" not in after.split("\n", 1)[1], after
    assert "[rtos]" not in out and "[bm]" not in out
