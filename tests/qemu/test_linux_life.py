"""A Linux partition's life beside a bare-metal partition, in one boot of
the board (Linux boots four times in it):

    linux  cores 0-2, virtual delivery, emulated console and SP805 watchdog,
           on-fault "restart"
    bm     core 3, a heartbeat every 200 ms

In order: Linux boots; a CPU load on each of its cores and a console flood;
`reboot` twice (PSCI SYSTEM_RESET restarts Linux alone, with a fresh boot
count); a kernel panic (sysrq c) with the watchdog armed, which the
partition's watchdog turns into a restart under its fault policy; finally
`poweroff`, which stops Linux alone. Throughout, bm's heartbeat goes on:
every number once, in order, none missing, bm never restarted, and its
core never entered EL2 for anything Linux did (its counters at the end).

The module shares one boot among its tests, which run in file order and
each start where the previous one left Linux.
"""
import re

import pytest

from harness import BUILD, Qemu, make
from test_images import write_config
from test_linux import BOOT_TIMEOUT, IMAGE, INITRD, linux_guest  # noqa: F401 (fixture)

PROMPT = r"^\[linux\] linux:/root# "
HEARTBEAT = r"^\[bm\] bm: bm heartbeat (\d+)\r?$"


@pytest.fixture(scope="module")
def board(linux_guest, tmp_path_factory):  # noqa: F811 (the fixture, imported)
    cfg = write_config(tmp_path_factory.mktemp("life"), "t-linux-life", """\
	partition@0 {
		label = "linux";
		cpus = <0 1 2>;
		memory = <0x0 0x50000000 0x0 0x20000000>;
		kernel = "Image";
		initrd = "initrd.cpio.gz";
		bootargs = "console=ttyAMA0";
		on-fault = "restart";
		watchdog = <0x0 0x09040000>;
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
        yield q


def wait_shell(q, n):
    """Waits until Linux's n-th boot has reached its shell. (The prompt
    itself is no count of boots: it is shown again below every other
    partition's line while it is open.)"""
    q.wait_for(r"^\[linux\] init: self-check done", count=n, timeout=BOOT_TIMEOUT)
    q.wait_for(r"^\[linux\] Enter 'help' for a list of built-in commands\.\r?$", count=n,
               timeout=BOOT_TIMEOUT)
    q.wait_for(PROMPT, timeout=BOOT_TIMEOUT, partial=True)


def shell(q, command, expect, timeout=20):
    """Types command at Linux's prompt; waits for a line matching expect."""
    q.send(command + "\n")
    return q.wait_for(expect, timeout=timeout)


def beats(q):
    return [int(n) for n in re.findall(HEARTBEAT, q.output, re.M)]


def wait_beats(q, more, timeout=20):
    q.wait_for(HEARTBEAT, count=len(beats(q)) + more, timeout=timeout)


def boot_count(q):
    """Linux's boot count, from its device tree (bhcfg's
    /chosen/bulkhead,boot-count, stamped at every load)."""
    boot_count.asked += 1
    tag = f"bc{boot_count.asked}"
    m = shell(q, f"echo {tag}=$(od -An -tu1 /proc/device-tree/chosen/bulkhead,boot-count | tr -d ' \\n')",
              rf"^\[linux\] {tag}=(\d+)\r?$")
    return int(m.group(1))


boot_count.asked = 0


def test_linux_life_boots_beside_bm(board):
    q = board
    wait_shell(q, 1)
    assert boot_count(q) == 1   # 0 0 0 1, digits joined
    assert beats(q), "bm was silent while Linux booted"


def test_linux_life_cpu_and_console_load(board):
    q = board
    before = len(beats(q))
    # A busy loop on each of Linux's three cores for 4 s, and 2,000 lines
    # of console output meanwhile.
    q.send("for i in 1 2 3; do timeout 4 sh -c 'while :; do :; done' & done; "
           "seq 1 2000 | sed 's/^/flood /'; wait; echo load-done\n")
    q.wait_for(r"^\[linux\] flood 2000\r?$", timeout=60)
    q.wait_for(r"^\[linux\] load-done\r?$", timeout=60)
    assert len(beats(q)) > before + 3, "bm's heartbeat stalled under Linux's load"


@pytest.mark.parametrize("n", [2, 3])
def test_linux_life_reboot(board, n):
    """`reboot -f`: PSCI SYSTEM_RESET restarts Linux alone; it reaches its
    shell again with the next boot count."""
    q = board
    q.send("reboot -f\n")
    q.wait_for(rf'^bulkhead: partition "linux": restarting \(PSCI SYSTEM_RESET\), boot {n}',
               timeout=BOOT_TIMEOUT)
    wait_shell(q, n)
    assert boot_count(q) == n
    wait_beats(q, 2)


def test_linux_life_panic_caught_by_watchdog(board):
    """A kernel panic: Linux stops feeding its SP805 (busybox's watchdog
    daemon, 2 s timeout), the watchdog's reset output fires and the
    partition's on-fault policy ("restart") restarts it."""
    q = board
    shell(q, "watchdog -T 2 -t 1 /dev/watchdog; sleep 1; echo wd-armed", r"^\[linux\] wd-armed\r?$")
    q.send("echo c > /proc/sysrq-trigger\n")
    q.wait_for(r"^\[linux\] \[ *[0-9.]+\] Kernel panic - not syncing: sysrq triggered crash",
               timeout=20)
    q.wait_for(r'^bulkhead: warning: partition "linux": watchdog expired \(SP805 reset, 1 so far\); '
               r'policy restart$', timeout=30)
    q.wait_for(r'^bulkhead: partition "linux": restarting \(.*\), boot 4', timeout=30)
    wait_shell(q, 4)
    assert boot_count(q) == 4
    wait_beats(q, 2)


def test_linux_life_poweroff_stops_linux_alone(board):
    q = board
    q.send("poweroff -f\n")
    q.wait_for(r'^bulkhead: partition "linux": stopped \(PSCI SYSTEM_OFF\); other partitions '
               r'unaffected', timeout=30)
    m = q.wait_for(r'^bulkhead: partition "linux": so far (\d+) data aborts, (\d+) instruction '
                   r'aborts, (\d+) undefined, (\d+) SErrors, (\d+) unknown SMC/HVC calls')
    # Linux's boot-time SMCCC probes (TRNG, SOC_ID, the vendor hypervisor
    # range, ...) are answered NOT_SUPPORTED and counted: never faults.
    assert [int(x) for x in m.groups()[:4]] == [0, 0, 0, 0]
    assert int(m.group(5)) > 0
    wait_beats(q, 3)
    assert q.proc.poll() is None, "the board went down with Linux"
    # The console's input still works with the focused partition stopped:
    # its first core, parked at EL2, takes the UART's interrupt, and
    # Ctrl-\ moves the focus on.
    q.send("lost\n")
    q.send("\x1c")
    q.wait_for(r"^bulkhead: console: 5 bytes typed while the focused partition was not "
               r"running dropped$", timeout=10)
    q.wait_for(r'^bulkhead: console: input goes to "bm"$', timeout=10)


def test_linux_life_bm_heartbeat_contiguous_and_undisturbed(board):
    """Over everything above: bm's heartbeats are 1..N, each once, in
    order; bm started once, never faulted."""
    q = board
    b = beats(q)
    assert b == list(range(1, len(b) + 1)), b
    assert len(b) > 20
    assert not re.search(r'partition "bm": (restarting|halted|stopped)', q.output)
    assert not re.search(r"^\[bm\] .*(fault|exception)", q.output, re.M)
