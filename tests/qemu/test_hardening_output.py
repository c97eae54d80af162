"""Output a partition can cause is bounded in time (issue 13, item 4): every
hypervisor line a partition can cause goes through its share of the console
(core/include/log.h: a burst of 16, then 4 a second, one summary of what was
suppressed at most every second), and a fault loop is a failure under any
policy but "log". One run of tests/qemu/configs/hardening-output.dts serves
every test here.

Rates are read against console text only: the guest's own counter-time
measurement of its CPU_ON storm, and alpha's heartbeat (every 100 ms of
counter time) for the loop, with slack for a host that delays alpha."""
import math
import re

import pytest

from harness import Qemu, build

CONFIG = "tests/qemu/configs/hardening-output.dts"
BURST = 16          # LOG_LIMIT_BURST
PER_S = 4           # LOG_LIMIT_PER_S
HB_S = 0.1          # alpha's heartbeat period (hb=100)
LOOP_BEATS = 40     # alpha heartbeats the VBAR loop is watched for

REFUSED = re.compile(r'^bulkhead: partition "beta" vcpu 0: CPU_ON for 0x1 refused: '
                     r'not one of its cores$', re.M)
SUMMARY = re.compile(r'^bulkhead: warning: partition "beta": (\d+) lines? it caused suppressed '
                     r'\(at most 16 at once, then 4 a second\)$', re.M)
BETA_FAULT = re.compile(r'^bulkhead: warning: partition "beta" vcpu 0 \(core 1\): instruction '
                        r'abort #(\d+): fetch from IPA 0x200 \(VA 0x200\) at PC 0x200, '
                        r'ESR 0x[0-9a-f]+: outside its memory and devices; policy log$', re.M)
STORM = re.compile(r"^\[beta\] bm: cpu-on storm: (\d+) calls for mpidr 0x1, last returned (-?\d+), "
                   r"(\d+) us$", re.M)
VBAR = "[beta] bm: vbar-loop: VBAR_EL1 = 0x0, then udf\n"


def beats(text):
    return [int(n) for n in re.findall(r"^\[alpha\] bm: alpha heartbeat (\d+)$", text, re.M)]


@pytest.fixture(scope="module")
def out():
    with Qemu(build(CONFIG)) as q:
        q.wait_for(re.escape(VBAR.strip()), timeout=60)
        q.wait_for(r'^bulkhead: partition "delta": halted ', timeout=30)
        start = max(beats(q.output[:q.output.index(VBAR)]))
        q.wait_for(rf"^\[alpha\] bm: alpha heartbeat {start + LOOP_BEATS}$", timeout=60)
        return q.output


def test_hardening_cpu_on_storm_lines_stay_bounded(out):
    storms = STORM.findall(out)
    assert [(int(n), int(r)) for n, r, _ in storms] == [(20000, -2), (300000, -2)], out
    seconds = sum(int(us) for _, _, us in storms) / 1e6
    storm_end = STORM.search(out, out.index("[beta] bm: cpu-on storm: 20000")).end()
    storm_end = STORM.search(out, storm_end).end()
    during = out[:storm_end]
    refused = len(REFUSED.findall(during))
    summaries = SUMMARY.findall(during)
    # 320,000 refused calls: the burst, then at most 4 a second over the
    # storms' own counter time (and one more for the refill under way), and
    # at most one summary a second.
    assert BURST <= refused <= BURST + PER_S * math.ceil(seconds) + 1, (refused, seconds)
    assert len(summaries) <= math.ceil(seconds) + 1, (summaries, seconds)
    # What was not said was counted: the first summary after the storms
    # (a later line carries it, whenever the storms took less than the
    # second a summary waits for) says, with any before it, at least every
    # refused call that was not printed.
    later = SUMMARY.search(out, storm_end)
    assert later, out
    said = sum(int(n) for n in summaries) + int(later.group(1))
    assert said >= 320000 - refused, (said, refused, summaries)
    # CPU_ON storms are answered, not faults: beta goes on to its next action.
    assert VBAR in out
    assert 'partition "beta": halted' not in out


def test_hardening_vbar_loop_lines_stay_bounded_and_the_loop_goes_on_under_log(out):
    loop = out[out.index(VBAR):]
    faults = [int(n) for n in BETA_FAULT.findall(loop)]
    summaries = [int(n) for n in SUMMARY.findall(loop)]
    alpha = beats(loop)
    seconds = len(alpha) * HB_S
    assert len(alpha) >= LOOP_BEATS, alpha
    # The CPU_ON storm left beta's share empty: no burst here. At most 4
    # fault lines and one summary a second; twice that, in case the host
    # held alpha's heartbeat back.
    assert len(faults) + len(summaries) <= 2 * (PER_S + 1) * (seconds + 1), (faults, seconds)
    # It never stops: fault lines keep coming, numbered ever higher, and
    # each summary stands for thousands of faults answered meanwhile.
    assert len(faults) >= PER_S * seconds / 2, (faults, seconds)
    assert faults == sorted(faults) and faults[-1] - faults[0] > 1000 * seconds, faults
    assert len(summaries) >= seconds / 2 and min(summaries) > 1000, summaries
    # "log": every fault answered, never a failure.
    assert 'partition "beta": halted' not in out
    assert 'partition "beta": restarting' not in out
    # The neighbour's heartbeat never paused.
    all_beats = beats(out)
    assert all_beats == list(range(1, len(all_beats) + 1)), all_beats


def test_hardening_vbar_loop_is_a_failure_under_halt_and_a_storm_under_restart(out):
    # "halt": the first fault of the loop halts gamma; no second one.
    gamma = re.findall(r'^bulkhead: warning: partition "gamma" vcpu 0 \(core 2\): instruction '
                       r'abort #(\d+): fetch from IPA 0x200 .*; policy halt$', out, re.M)
    assert gamma == ["1"], gamma
    assert 'partition "gamma": halted (instruction abort); other partitions unaffected' in out
    # "restart": delta restarts, each time after a longer back-off, and the
    # loop that starts again at every boot is caught as a fault storm: the
    # 4th fault within a second halts it instead of a 4th restart.
    delta = re.findall(r'^bulkhead: warning: partition "delta" vcpu 0 \(core 3\): instruction '
                       r'abort #(\d+): .*; policy restart$', out, re.M)
    # (Each boot reaches its fault in a few ms; a host that holds QEMU back
    # for long may spread the first faults over more than a second, and the
    # storm comes a fault or two later; at the latest the restart limit, 5
    # restarts within 10 s, halts it at the 6th fault.)
    n = len(delta)
    assert 4 <= n <= 6 and delta == [str(k) for k in range(1, n + 1)], delta
    restarts = re.findall(r'^bulkhead: partition "delta": restarting \(instruction abort\), '
                          r'(boot \d+(?:, after \d+ ms)?)$', out, re.M)
    assert restarts == ["boot 2", "boot 3, after 100 ms", "boot 4, after 200 ms",
                        "boot 5, after 400 ms", "boot 6, after 800 ms"][:n - 1], restarts
    storm = ('bulkhead: partition "delta": halted (fault storm: 4 faults within 1000 ms); '
             'other partitions unaffected')
    limit = ('bulkhead: partition "delta": halted (restart limit: 5 restarts within 10000 ms); '
             'other partitions unaffected')
    assert storm in out or (n == 6 and limit in out), out
    boots = re.findall(r"^\[delta\] bm: hello .* boot count (\d+)$", out, re.M)
    assert boots == [str(k) for k in range(1, n + 1)], boots
