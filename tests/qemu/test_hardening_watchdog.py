"""A watchdog per partition, an emulated SP805, whose expiry applies the
partition's policy; the restart limit with back-off; the counters through
the SMCCC vendor-specific hypervisor range (issue 13, item 9). One run of
tests/qemu/configs/hardening-watchdog.dts serves every test here."""
import re

import pytest

from harness import Qemu, build, make

CONFIG = "tests/qemu/configs/hardening-watchdog.dts"
LINUX_CONFIG = "tests/qemu/configs/hardening-watchdog-linux.dts"


def beats(text, name):
    return [int(n) for n in re.findall(rf"^\[{name}\] bm: {name} heartbeat (\d+)$", text, re.M)]


@pytest.fixture(scope="module")
def out():
    with Qemu(build(CONFIG)) as q:
        q.wait_for(r'^bulkhead: partition "beta": halted ', timeout=60)
        q.wait_for(r'^bulkhead: partition "delta": halted ', timeout=10)
        then = max(beats(q.output, "gamma"))
        q.wait_for(rf"^\[gamma\] bm: gamma heartbeat {then + 5}$", timeout=10)
        return q.output


def test_hardening_watchdog_is_an_sp805_found_through_the_dtb(out):
    # Where the partition's DTB says, at the clock it says, with the
    # PrimeCell IDs Linux's AMBA bus matches sp805_wdt on (0x00141805).
    assert re.search(r"^\[beta\] bm: wdt at 0x9040000, clock 1000000 Hz, id 0x5 0x18 0x14 0x0 "
                     r"0xd 0xf0 0x5 0xb1$", out, re.M), out
    # Started as Linux's driver starts it: half the timeout per run down.
    assert "[beta] bm: wdt started: load 199999, reset 400 ms after the last ping" in out
    # Locked after every write sequence, counting, interrupt and reset on.
    assert re.search(r"^\[delta\] bm: wdt regs: load 0x1869f value 0x[0-9a-f]+ control 0x3 ris 0 "
                     r"mis 0 lock 1$", out, re.M), out


def test_hardening_watchdog_pinged_never_fires_and_unpinged_applies_the_policy(out):
    # Each of beta's boots pings for 0.8 s (two timeouts):
    # no reset meanwhile; it comes once the pings stop, and its policy
    # ("restart") applies.
    runs = out.split("[beta] bm: hello from partition beta")[1:]
    assert len(runs) == 6, len(runs)
    for n, run in enumerate(runs, start=1):
        petted = run.find("[beta] bm: wdt petted 8 times, 100 ms apart")
        expired = run.find(f'partition "beta": watchdog expired (SP805 reset, {n} so far); '
                           f'policy restart')
        assert 0 <= petted < expired, (n, run)
    # delta ("halt") sleeps in WFI, which does not trap: only the EL2 timer
    # (a FIQ, PPI 26) could see its deadline pass.
    assert 'partition "delta": watchdog expired (SP805 reset, 1 so far); policy halt' in out
    assert 'partition "delta": halted (watchdog expired); other partitions unaffected' in out
    halted = out[out.index('partition "delta": halted'):]
    assert re.search(r'partition "delta" vcpu 0 \(core 3\): .* 0 IRQs, 1 FIQs, 0 SErrors$',
                     halted, re.M), halted
    # gamma ("log") runs on through its expiries, each said (rate-limited)
    # and counted, one per 100 ms run down after the first 200 ms.
    expiries = [int(n) for n in re.findall(r'partition "gamma": watchdog expired \(SP805 reset, '
                                           r'(\d+) so far\); policy log$', out, re.M)]
    assert expiries[:16] == list(range(1, 17)), expiries
    assert expiries == sorted(expiries) and expiries[-1] > 30, expiries
    assert re.search(r'partition "gamma": \d+ lines it caused suppressed', out)
    assert not re.search(r'partition "gamma": (halted|restarting)', out)
    g = beats(out, "gamma")
    assert g == list(range(1, len(g) + 1)), g


def test_hardening_restart_limit_with_back_off(out):
    restarts = re.findall(r'^bulkhead: partition "beta": restarting \(watchdog expired\), '
                          r'(boot \d+(?:, after \d+ ms)?)$', out, re.M)
    assert restarts == ["boot 2", "boot 3, after 100 ms", "boot 4, after 200 ms",
                        "boot 5, after 400 ms", "boot 6, after 800 ms"], restarts
    assert ('bulkhead: partition "beta": halted (restart limit: 5 restarts within 10000 ms); '
            'other partitions unaffected') in out
    assert len(re.findall(r"^\[beta\] bm: hello ", out, re.M)) == 6
    # The neighbour never noticed.
    a = beats(out, "alpha")
    assert a == list(range(1, len(a) + 1)), a
    assert "did not stop in time" not in out and "PANIC" not in out


def test_hardening_counters_by_hypercall_and_on_request(out):
    # Bulkhead's UID and revision (SMCCC vendor-specific hypervisor service
    # queries), then group 2 of the counters: emulated MMIO accesses,
    # restarts, watchdog expiries - kept across restarts.
    assert ("[beta] bm: hyp uid 0x61fb7150 0x12487da8 0x545a09a2 0x5ad950c1, revision 1.0"
            in out)
    group2 = [(int(m), int(r), int(w)) for m, r, w in
              re.findall(r"^\[beta\] bm: counters 2: 0 (\d+) (\d+) (\d+)$", out, re.M)]
    assert [(r, w) for _, r, w in group2] == [(k, k) for k in range(6)], group2
    assert all(m > 0 for m, _, _ in group2)
    assert [m for m, _, _ in group2] == sorted(m for m, _, _ in group2)
    # Interrupts delivered, stray, SGIs refused: beta uses none.
    assert re.search(r"^\[beta\] bm: counters 3: 0 0 0 0$", out, re.M)
    # A group that does not exist: INVALID_PARAMETER, nothing else.
    assert re.search(r"^\[beta\] bm: counters 6: -3 0 0 0$", out, re.M)
    # The same on the console when the partition asks.
    asked = out[:out.index("[delta] bm: counters-print returned 0")]
    assert re.search(r'^bulkhead: partition "delta": so far 0 data aborts, .* 0 restarts$', asked,
                     re.M), asked


def test_hardening_watchdog_drives_linuxs_unmodified_sp805_wdt():
    """Debian's sp805_wdt module binds to the emulated SP805, busybox's
    watchdog daemon pings it through /dev/watchdog for longer than its
    timeout without a reset, and once the daemon is killed the reset comes
    and the partition's policy (restart) applies; the next boot binds
    again. (The Linux guest: tests/qemu/test_linux.py, `make linux`.)"""
    make("linux")
    with Qemu(build(LINUX_CONFIG)) as q:
        bound = r"^\[linux\] \[ *[0-9.]+\] sp805-wdt 9040000\.watchdog: registration successful$"
        q.wait_for(bound, timeout=120)
        q.wait_for(r"^\[linux\] killed$", timeout=60)
        q.wait_for(r'^bulkhead: partition "linux": restarting \(watchdog expired\), boot 2$',
                   timeout=30)
        q.wait_for(bound, timeout=120, count=2)
        out = q.output
    first = out[:out.index('restarting (watchdog expired)')]
    # The driver let the watchdog run when its daemon died... (The kernel's
    # line may start right after the shell's "killed": Linux's console
    # writes can come between a tty write's text and its "\r\n".)
    assert re.search(r"^\[linux\] (killed)?\[ *[0-9.]+\] watchdog: watchdog0: watchdog did not stop!$",
                     first, re.M), first
    # ...and the reset came after the kill, not while it was pinged (4 s,
    # more than its 3 s timeout).
    killed = first.index("[linux] killed")
    expired = first.index('partition "linux": watchdog expired (SP805 reset, 1 so far); '
                          'policy restart')
    assert killed < expired
    assert first.count("watchdog expired") == 1
