"""Static partitions side by side: each sees only what it owns, and what one
does to break out is stopped at stage 2 and answered by its own policy."""
import re

import pytest

from harness import Qemu, build, complete_lines

CFG = "tests/qemu/configs/"


def heartbeats(out, name):
    return [int(n) for n in re.findall(rf"^\[{name}\] bm: {name} heartbeat (\d+)$",
                                       complete_lines(out), re.M)]


def assert_contiguous(beats, name):
    assert beats, f"{name} printed no heartbeat"
    assert beats == list(range(1, len(beats) + 1)), f"{name} heartbeats paused or jumped: {beats}"


def hello(name, ncpus, lo, hi, boot=1):
    return (rf"^\[{name}\] bm: hello from partition {name} on cpu 0 \(mpidr 0x0\), "
            rf"{ncpus} cpus, memory {lo}-{hi}, boot count {boot}$")


def test_partition_two_side_by_side():
    with Qemu(build("configs/qemu-virt-two-baremetal.dts")) as q:
        q.wait_for(hello("alpha", 2, "0x48000000", "0x50000000"))
        q.wait_for(hello("beta", 2, "0x50000000", "0x58000000"))
        q.wait_for(r"^\[alpha\] bm: all 2 cpus up$")
        q.wait_for(r"^\[beta\] bm: all 2 cpus up$")
        out = q.output
    assert "bulkhead: boot complete: 2 partitions" in out
    assert "warning" not in out and "error" not in out


def test_partition_three_side_by_side():
    with Qemu(build("configs/qemu-virt-three-baremetal.dts")) as q:
        q.wait_for(r"^\[alpha\] bm: hello from partition alpha on cpu 0 \(mpidr 0x0\), 1 cpus")
        q.wait_for(r"^\[beta\] bm: hello from partition beta on cpu 0 \(mpidr 0x0\), 1 cpus")
        q.wait_for(r"^\[gamma\] bm: hello from partition gamma on cpu 0 \(mpidr 0x0\), 2 cpus")
        q.wait_for(r"^\[gamma\] bm: all 2 cpus up$")
        out = q.output
    assert "bulkhead: boot complete: 3 partitions" in out
    assert "warning" not in out and "error" not in out


def test_partition_wild_write_halts_only_the_offender():
    with Qemu(build(CFG + "partition-wild-halt.dts")) as q:
        q.wait_for(r'partition "alpha": halted \(data abort\)')
        beta_then = max(heartbeats(q.output, "beta"))
        # beta keeps its heartbeat long after alpha is gone.
        q.wait_for(rf"^\[beta\] bm: beta heartbeat {beta_then + 10}$")
        out = q.output
    assert re.search(r'^bulkhead: warning: partition "alpha" vcpu 0 \(core 0\): data abort #1: '
                     r'write to IPA 0x50001000 \(VA 0x50001000\) at PC 0x480[0-9a-f]+, '
                     r'ESR 0x[0-9a-f]+: outside its memory and devices; policy halt$', out, re.M)
    assert "[alpha] bm: touching 0x50001000" in out
    assert "[alpha] bm: survived access" not in out
    assert max(heartbeats(out, "alpha")) == 3, "alpha ran on after its halt"
    assert_contiguous(heartbeats(out, "beta"), "beta")
    assert "[beta] bm: caught" not in out
    assert len(re.findall(r"^\[beta\] bm: hello", out, re.M)) == 1


def test_partition_wild_read_under_log_reaches_its_own_abort_handler():
    with Qemu(build(CFG + "partition-wild-log.dts")) as q:
        q.wait_for(r"^\[alpha\] bm: survived access$")
        q.wait_for(r"^\[alpha\] bm: alpha heartbeat 8$")
        out = q.output
    assert re.search(r'partition "alpha" vcpu 0 \(core 0\): data abort #1: read from IPA '
                     r'0x50001000 .* policy log$', out, re.M)
    # A synchronous external abort (DFSC 0x10), at EL1 (EC 0x25), on the load.
    m = re.search(r"^\[alpha\] bm: caught EC=0x25 ESR=0x([0-9a-f]+) FAR=0x50001000 ", out, re.M)
    assert m, out
    assert int(m.group(1), 16) & 0x3f == 0x10
    assert_contiguous(heartbeats(out, "alpha"), "alpha")
    assert "halted" not in out and "restarting" not in out


def test_partition_cpu_on_for_a_foreign_core_is_refused():
    with Qemu(build(CFG + "partition-wild-log.dts")) as q:
        q.wait_for(r"^\[beta\] bm: CPU_ON 0x2 returned -?\d+$")
        q.wait_for(r"^\[beta\] bm: beta heartbeat 5$")
        out = q.output
    # INVALID_PARAMETERS: core 2 exists on the board but is not beta's vCPU 2.
    assert "[beta] bm: CPU_ON 0x2 returned -2" in out
    assert "[beta] bm: all 2 cpus up" in out      # its own CPU_ON did work
    assert 'partition "beta" vcpu 0: CPU_ON for 0x2 refused' in out


def test_partition_system_reset_restarts_only_that_partition():
    with Qemu(build(CFG + "partition-reset.dts")) as q:
        # beta's RAM is physical 0x50000000, seen at IPA 0x40000000.
        q.wait_for(hello("beta", 2, "0x40000000", "0x44000000", boot=2))
        alpha_then = max(heartbeats(q.output, "alpha"))
        q.wait_for(hello("beta", 2, "0x40000000", "0x44000000", boot=3))
        q.wait_for(rf"^\[alpha\] bm: alpha heartbeat {alpha_then + 5}$")
        out = q.output
    assert 'partition "beta": restarting (PSCI SYSTEM_RESET), boot 2' in out
    assert 'partition "beta": 2 cores from core 2, 64 MiB RAM at IPA 0x40000000, entry 0x40080000' in out
    assert len(re.findall(r"^\[alpha\] bm: hello", out, re.M)) == 1, "alpha restarted too"
    assert_contiguous(heartbeats(out, "alpha"), "alpha")
    # Each beta boot starts its heartbeat from 1 again and resets at 3.
    assert re.findall(r"^\[beta\] bm: beta heartbeat (\d+)$", out, re.M)[:4] == ["1", "2", "3", "1"]
    m = re.search(r"^\[alpha\] bm: PSCI_VERSION returned (0x[0-9a-f]+) \(1\.0\)$", out, re.M)
    assert m and int(m.group(1), 0) == 0x10000, out


def test_partition_four_single_core_calls_and_faults():
    with Qemu(build(CFG + "partition-four.dts")) as q:
        q.wait_for(hello("delta", 1, "0x4b000000", "0x4c000000", boot=3))
        q.wait_for(r"^\[alpha\] bm: alpha heartbeat 6$")
        q.wait_for(r"^\[beta\] bm: beta heartbeat 6$")
        out = q.output
    # Unknown SMCCC ids answer NOT_SUPPORTED on both conduits and are not faults.
    assert "[alpha] bm: unknown call returned -1" in out
    assert "[beta] bm: unknown call returned -1" in out
    assert not re.search(r'partition "(alpha|beta)".*(policy|halted|restarting)', out)
    # SYSTEM_OFF stops gamma alone.
    assert 'partition "gamma": stopped (PSCI SYSTEM_OFF)' in out
    # Its counters: SYSTEM_OFF was its one PSCI call; its heartbeat lines went
    # through the emulated UART.
    m = re.search(r'partition "gamma": so far 0 data aborts, 0 instruction aborts, 0 undefined, '
                  r'0 SErrors, 0 unknown SMC/HVC calls, 1 PSCI calls, (\d+) emulated MMIO '
                  r'accesses, 0 restarts$', out, re.M)
    assert m and int(m.group(1)) > 100, out
    assert max(heartbeats(out, "gamma")) == 2
    # delta writes into alpha's RAM: refused, delta restarts, alpha runs on.
    assert re.search(r'partition "delta" vcpu 0 \(core 3\): data abort #1: write to IPA '
                     r'0x48000000 .* policy restart$', out, re.M)
    assert 'partition "delta": restarting (data abort), boot 2' in out
    assert re.search(r'partition "delta": so far 1 data aborts, .* 1 restarts$', out, re.M)
    assert re.search(r'partition "delta": so far 2 data aborts, .* 2 restarts$', out, re.M)
    assert_contiguous(heartbeats(out, "alpha"), "alpha")
    assert len(re.findall(r"^\[alpha\] bm: hello", out, re.M)) == 1


def test_partition_traps_are_answered_under_log():
    """Hostile-but-contained instructions: each is answered the way hardware
    would answer it, counted, and the partition and its neighbours go on."""
    with Qemu(build(CFG + "partition-traps.dts")) as q:
        for name, done in (("alpha", "survived access"), ("beta", "survived ldp"),
                           ("gamma", "survived actlr"), ("delta", "survived sgi")):
            q.wait_for(rf"^\[{name}\] bm: {done}$")
            q.wait_for(rf"^\[{name}\] bm: {name} heartbeat 6$")
        out = q.output
    # A write into the hypervisor's own image is a stage-2 miss like any other.
    assert re.search(r'partition "alpha" vcpu 0 \(core 0\): data abort #1: write to IPA '
                     r'0x40200000 .*outside its memory and devices; policy log$', out, re.M)
    assert re.search(r"^\[alpha\] bm: caught EC=0x25 ESR=0x[0-9a-f]+ FAR=0x40200000", out, re.M)
    # An LDP from the emulated UART has no syndrome: an abort, never garbage.
    assert re.search(r'partition "beta" vcpu 0 \(core 1\): emulated-device access without '
                     r'syndrome #1: read from IPA 0x9000000 .*policy log$', out, re.M)
    assert re.search(r"^\[beta\] bm: caught EC=0x25 ESR=0x96000010 FAR=0x9000000 ", out, re.M)
    # ACTLR_EL1 is trapped and UNDEFINED to the partition.
    assert re.search(r'partition "gamma" vcpu 0 \(core 2\): undefined or forbidden instruction '
                     r'#1 at PC 0x4a0[0-9a-f]+, ESR 0x62[0-9a-f]+; policy log$', out, re.M)
    assert re.search(r"^\[gamma\] bm: caught EC=0x00 ", out, re.M)
    # Set/way invalidate is emulated, not a fault; the SGI write that follows
    # (SGI 8, the hypervisor's own request SGI, to every core) is trapped and
    # refused: no fault for delta, nothing reaches another core.
    assert "[delta] bm: survived dc isw" in out
    assert not re.search(r'partition "delta" .*undefined', out)
    assert not re.search(r"^\[delta\] bm: caught", out, re.M)
    assert "[delta] bm: survived sgi" in out
    for name in ("alpha", "beta", "gamma", "delta"):
        assert_contiguous(heartbeats(out, name), name)


def test_partition_emulated_uart_identifies_as_pl011():
    """Linux's AMBA bus matches the PL011 driver on these ID registers."""
    with Qemu(build(CFG + "partition-wild-halt.dts")) as q:
        m = q.wait_for(r"^\[beta\] bm: uart id (.*)$")
    ids = [int(x, 16) for x in m.group(1).split()]
    part = ids[0] | (ids[1] & 0xf) << 8
    designer = (ids[1] >> 4) | (ids[2] & 0xf) << 4
    assert (part, designer) == (0x011, 0x41)
    assert ids[4:] == [0x0d, 0xf0, 0x05, 0xb1]


def test_partition_outside_the_booted_boards_ram_is_not_started():
    """The image was checked against board.dts (1 GiB); booted with 256 MiB,
    beta's RAM (0x50000000) does not exist: beta is refused, alpha runs."""
    with Qemu(build("configs/qemu-virt-two-baremetal.dts"), mem="256M") as q:
        q.wait_for(r"^\[alpha\] bm: all 2 cpus up$")
        q.settle(0.5)
        out = q.output
    assert "; memory: 256 MiB at 0x40000000;" in out
    assert ('bulkhead: error: partition "beta": its RAM 0x50000000-0x57ffffff is not RAM on '
            'this board (see "memory:" in the cores line above); the partition is not started') in out
    assert "[beta]" not in out


def test_partition_gic_frames_are_emulated_and_the_its_out_of_reach():
    """The ITS belongs to the hypervisor: a partition touching it takes an
    abort, the GIC never sees the access. GICD and the partition's own
    redistributor frame are emulated (vgic_dist.c, vgic_redist.c): a write to
    GICD_CTLR changes only the partition's view, a read of its GICR_CTLR
    answers."""
    with Qemu(build(CFG + "partition-wild-log.dts")) as q:
        q.wait_for(r'partition "beta" vcpu 0 \(core 2\): data abort #\d: \w+ \w+ IPA 0x8080000 ')
        q.wait_for(r"^\[beta\] bm: read 0x0$")
        q.wait_for(r"^\[beta\] bm: beta heartbeat 6$")
        out = q.output
    caught = re.findall(r"^\[beta\] bm: caught EC=0x25 ESR=0x[0-9a-f]+ FAR=(0x[0-9a-f]+) ", out, re.M)
    assert caught == ["0x8080000"]
    assert_contiguous(heartbeats(out, "beta"), "beta")
    assert_contiguous(heartbeats(out, "alpha"), "alpha")


def test_partition_fault_on_a_secondary_core_restarts_the_whole_partition():
    """beta's vCPU 1 (core 3) faults; core 3 stops core 2 (busy running vCPU 0),
    reloads beta and hands vCPU 0 back to core 2; alpha never notices."""
    with Qemu(build(CFG + "partition-secondary-fault.dts")) as q:
        q.wait_for(hello("beta", 2, "0x50000000", "0x54000000", boot=3))
        alpha_then = max(heartbeats(q.output, "alpha"))
        q.wait_for(rf"^\[alpha\] bm: alpha heartbeat {alpha_then + 5}$")
        out = q.output
    assert re.search(r'partition "beta" vcpu 1 \(core 3\): data abort #1: write to IPA '
                     r'0x48001000 .*policy restart$', out, re.M)
    assert 'partition "beta": restarting (data abort), boot 2' in out
    assert "did not stop in time" not in out
    # After each restart beta's vCPU 0 runs again (heartbeat from 1) and
    # brings vCPU 1 up again through PSCI.
    assert len(re.findall(r"^\[beta\] bm: all 2 cpus up$", out, re.M)) >= 3
    assert_contiguous(heartbeats(out, "alpha"), "alpha")
    assert len(re.findall(r"^\[alpha\] bm: hello", out, re.M)) == 1


def test_partition_restart_storm_leaves_the_neighbour_alone():
    with Qemu(build(CFG + "partition-restart-storm.dts")) as q:
        q.wait_for(hello("beta", 2, "0x50000000", "0x54000000", boot=30), timeout=120)
        alpha_then = max(heartbeats(q.output, "alpha"))
        q.wait_for(rf"^\[alpha\] bm: alpha heartbeat {alpha_then + 3}$")
        out = q.output
    boots = [int(n) for n in re.findall(r"^\[beta\] bm: hello .* boot count (\d+)$", out, re.M)]
    assert boots[:30] == list(range(1, 31))
    assert len(re.findall(r"^\[beta\] bm: all 2 cpus up$", out, re.M)) >= 29
    assert "did not stop in time" not in out and "PANIC" not in out
    assert_contiguous(heartbeats(out, "alpha"), "alpha")
    assert len(re.findall(r"^\[alpha\] bm: hello", out, re.M)) == 1


def test_partition_device_reaches_its_owner_only():
    """alpha's PL031 is mapped into alpha (Device-nGnRE, stage 2): alpha reads
    the real clock; beta's read of the same page is refused."""
    with Qemu(build(CFG + "partition-device.dts")) as q:
        q.wait_for(r"^\[alpha\] bm: alpha heartbeat 5$")
        q.wait_for(r"^\[beta\] bm: beta heartbeat 5$")
        out = q.output
    seconds = int(re.search(r"^\[alpha\] bm: read (0x[0-9a-f]+)$", out, re.M).group(1), 16)
    assert seconds > 1_600_000_000, "alpha did not read the RTC (seconds since 1970)"
    assert not re.search(r'partition "alpha".*(abort|policy)', out)
    assert "[beta] bm: read 0xbad0bad0" in out
    assert re.search(r'partition "beta" vcpu 0 \(core 2\): data abort #1: read from IPA '
                     r'0x9010000 .*policy log$', out, re.M)


def test_partition_fault_storm_is_answered_and_rate_limited():
    """5000 aborts under "log": each goes back to the partition, and the
    hypervisor prints a burst of 16 of them, then at most 4 a second, and
    says how many it did not print (its share of the console, log.h)."""
    with Qemu(build(CFG + "partition-fault-storm.dts")) as q:
        q.wait_for(r"^\[beta\] bm: fault storm: caught (\d+)$")
        q.wait_for(r'^bulkhead: warning: partition "beta": \d+ lines it caused suppressed ')
        q.wait_for(r"^\[alpha\] bm: alpha heartbeat 10$")
        out = q.output
    assert "[beta] bm: fault storm: caught 5000" in out
    # Up to the end of beta's first storm (every run of beta storms again).
    first_run = out[:out.index("[beta] bm: fault storm: caught 5000")]
    warnings = [int(n) for n in re.findall(r'^bulkhead: warning: partition "beta" .*data abort '
                                           r'#(\d+):', first_run, re.M)]
    assert warnings[:16] == list(range(1, 17))
    # After the burst, at most 4 a second of the storm (alpha's heartbeat
    # is every 20 ms; twice that, in case the host held alpha back).
    storm = first_run[first_run.index("[beta] bm: fault storm: 5000 loads"):]
    seconds = len(heartbeats(storm, "alpha")) * 0.02
    assert len(warnings) <= 16 + 2 * 4 * (seconds + 1), (warnings, seconds)
    suppressed = re.search(r'^bulkhead: warning: partition "beta": (\d+) lines it caused '
                           r'suppressed \(at most 16 at once, then 4 a second\)$', out, re.M)
    assert int(suppressed.group(1)) >= 5000 - len(warnings), out
    assert_contiguous(heartbeats(out, "alpha"), "alpha")
