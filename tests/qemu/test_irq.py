"""Interrupts delivered to partitions, and attacked from them.

Each test writes a small configuration (alpha on cores 0-1 with the PL031 and
its interrupt, beta on cores 2-3 with nothing but its own timers and SGIs)
with the guest's bootargs, builds it, and reads what both partitions print
(partitions/baremetal/README.md, "Interrupts"). Counts are compared with
each other, never with wall-clock time."""
import re

import pytest

from harness import BUILD, Qemu, complete_lines, make

TWO = """/dts-v1/;
/ {{
	compatible = "bulkhead,config-v1";
	board = "qemu-virt";
	{root}
	partition@0 {{
		label = "alpha";
		cpus = <0 1>;
		memory = <0x0 0x48000000 0x0 0x08000000>;
		devices = "/pl031@9010000";
		kernel = "baremetal.bin";
		bootargs = "name=alpha {alpha}";
		on-fault = "{alpha_fault}";
		irq-delivery = "{alpha_delivery}";
	}};
	partition@1 {{
		label = "beta";
		cpus = <2 3>;
		memory = <0x0 0x50000000 0x0 0x08000000>;
		kernel = "baremetal.bin";
		bootargs = "name=beta {beta}";
		on-fault = "{beta_fault}";
		irq-delivery = "{beta_delivery}";
	}};
}};
"""


def boot_q(name, alpha, beta, delivery="virtual", **kw):
    """boot() in a folder of its own under the session's temporary folder."""
    import tempfile
    from pathlib import Path
    d = Path(tempfile.mkdtemp(prefix="bh-irq-"))
    return boot(d, name, alpha, beta, delivery, **kw)


def boot(tmp_path, name, alpha, beta, delivery="virtual", alpha_fault="log", beta_fault="log",
         root="", append=None):
    """delivery: one mode for both, or (alpha's, beta's)."""
    cfg = tmp_path / f"{name}.dts"
    da, db = (delivery, delivery) if isinstance(delivery, str) else delivery
    cfg.write_text(TWO.format(alpha=alpha, beta=beta, alpha_delivery=da, beta_delivery=db,
                              alpha_fault=alpha_fault, beta_fault=beta_fault, root=root))
    make(f"CONFIG={cfg}", "all")
    return Qemu(BUILD / name / "bulkhead.bin", append=append)


def ticks(out, name):
    """[(cpu0 virtual, cpu0 physical, cpu1 virtual, cpu1 physical)] per heartbeat."""
    out = complete_lines(out)
    rows = re.findall(rf"^\[{name}\] bm: {name} ticks \(virtual/physical\): "
                      r"cpu0 (\d+)/(\d+) cpu1 (\d+)/(\d+)$", out, re.M)
    return [tuple(int(x) for x in r) for r in rows]


def heartbeats(out, name):
    out = complete_lines(out)
    return [int(n) for n in re.findall(rf"^\[{name}\] bm: {name} heartbeat (\d+)$", out, re.M)]


def assert_contiguous(out, name):
    beats = heartbeats(out, name)
    assert beats and beats == list(range(1, len(beats) + 1)), f"{name}: {beats}"


def assert_ticking(out, name, physical):
    rows = ticks(out, name)
    assert len(rows) >= 3, out
    for a, b in zip(rows, rows[1:]):
        assert b[0] > a[0] and b[2] > a[2], f"{name}'s virtual timer stalled: {rows}"
        if physical:
            assert b[1] > a[1] and b[3] > a[3], f"{name}'s physical timer stalled: {rows}"


MODES = ["virtual", "direct"]


@pytest.mark.parametrize("delivery", MODES)
def test_irq_timers_on_every_core(tmp_path, delivery):
    with boot(tmp_path, f"irq-timers-{delivery}", "smp tick=10 ptick=20 hb=200",
              "smp tick=5 hb=200", delivery) as q:
        q.wait_for(r"^\[alpha\] bm: alpha heartbeat 4$")
        q.wait_for(r"^\[beta\] bm: beta heartbeat 4$")
        out = q.output
    assert_ticking(out, "alpha", physical=True)
    assert_ticking(out, "beta", physical=False)
    assert "warning" not in out


@pytest.mark.parametrize("delivery", MODES)
def test_irq_device_interrupt_reaches_its_owner_only(tmp_path, delivery):
    """alpha owns the PL031 and takes its match interrupt, after beta (which
    does not own it) tried every configuration register of it."""
    with boot(tmp_path, f"irq-device-{delivery}", "smp tick=10 hb=200 act=rtc-irq at=4",
              "smp irq hb=200 act=spi-attack:34 at=1", delivery) as q:
        m = q.wait_for(r"^\[beta\] bm: spi-attack 34: (enabled \d pending \d active \d priority 0x[0-9a-f]+ route 0x[0-9a-f]+)$")
        r = q.wait_for(r"^\[alpha\] bm: rtc-irq: interrupt 34 ((?:NOT )?taken) \(", timeout=30)
        out = q.output
    assert m.group(1) == "enabled 0 pending 0 active 0 priority 0x0 route 0x0"
    assert r.group(1) == "taken"
    assert_contiguous(out, "alpha")
    assert_contiguous(out, "beta")


@pytest.mark.parametrize("delivery", MODES)
def test_irq_sgis_between_a_partitions_own_cores(tmp_path, delivery):
    with boot(tmp_path, f"irq-sgi-{delivery}", "smp irq hb=100 act=sgi-to:1,sgi-to:0 at=2",
              "smp hb=100", delivery) as q:
        q.wait_for(r"^\[alpha\] bm: sgi 3 to cpu 0: (delivered|NOT delivered)$")
        out = q.output
    assert "[alpha] bm: sgi 3 to cpu 1: delivered" in out
    assert "[alpha] bm: sgi 3 to cpu 0: delivered" in out


@pytest.mark.parametrize("delivery", MODES)
def test_irq_foreign_sgis_and_the_hypervisors_sgi_change_nothing(tmp_path, delivery):
    """beta aims SGIs past itself, at the hypervisor's SGI, and at alpha's
    SPI; alpha's timers, heartbeat and device interrupt go on, and the
    hypervisor's own SGI still stops beta's second core when beta resets."""
    with boot(tmp_path, f"irq-foreign-{delivery}", "smp tick=10 hb=200 act=rtc-irq at=6",
              "smp tick=10 hb=200 act=sgi-foreign,hyp-sgi,spi-attack:34,reset at=2",
              delivery) as q:
        f1 = q.wait_for(r"^\[beta\] bm: sgi-foreign: sgi 3 received (\d+) times, sgi 8 (\d+) times$")
        f2 = q.wait_for(r"^\[beta\] bm: sgi-foreign: broadcast received (\d+) times$")
        h = q.wait_for(r"^\[beta\] bm: hyp-sgi: (enable reads 0x[0-9a-f]+, priority 0x[0-9a-f]+)$")
        q.wait_for(r'^bulkhead: partition "beta": restarting \(PSCI SYSTEM_RESET\), boot 2$')
        q.wait_for(r"^\[beta\] bm: hello from partition beta .* boot count 2$")
        r = q.wait_for(r"^\[alpha\] bm: rtc-irq: interrupt 34 ((?:NOT )?taken) \(", timeout=30)
        out = q.output
    assert (f1.group(1), f1.group(2)) == ("0", "0")
    assert f2.group(1) == "1"                      # its one other core, nobody else
    assert h.group(1) == "enable reads 0x0, priority 0x0"
    assert r.group(1) == "taken"
    assert 'partition "beta": core 3 did not stop' not in out
    assert_ticking(out, "alpha", physical=False)
    assert_contiguous(out, "alpha")


@pytest.mark.parametrize("delivery", MODES)
def test_irq_storms_leave_the_neighbour_on_time(tmp_path, delivery):
    """alpha floods itself with SGIs, then holds its PL031 level interrupt
    asserted for 20,000 interrupts; beta's timer interrupts keep their pace:
    none lost, every heartbeat sees more (a loaded host may bunch a few)."""
    with boot(tmp_path, f"irq-storm-{delivery}", "smp irq hb=200 act=sgi-storm:20000,rtc-storm:20000 at=2",
              "smp tick=10 hb=200", delivery) as q:
        s = q.wait_for(r"^\[alpha\] bm: sgi-storm: sent (\d+), received (\d+)$", timeout=120)
        r = q.wait_for(r"^\[alpha\] bm: rtc-storm: (\d+) interrupts(.*)$", timeout=120)
        q.wait_for(r"^\[alpha\] bm: alpha heartbeat \d+$", count=heartbeats(q.output, "alpha")[-1] + 2)
        out = q.output
    assert s.group(1) == s.group(2) == "20000"
    assert int(r.group(1)) == 20001 and r.group(2) == ""
    assert_contiguous(out, "beta")
    rows = ticks(out, "beta")
    steps = [b[0] - a[0] for a, b in zip(rows, rows[1:])]
    # Heartbeats are 200 ms, ticks 10 ms, both on the one counter: 20 ticks
    # per heartbeat. A vCPU thread the host descheduled shows as a short step
    # made up by the next; a lost tick would leave the total short.
    assert steps and min(steps) > 0, steps
    assert sum(steps) >= 20 * len(steps) - 10, steps


@pytest.mark.parametrize("delivery", MODES)
def test_irq_disabled_while_active_is_still_deactivated(tmp_path, delivery):
    with boot(tmp_path, f"irq-disact-{delivery}", "smp tick=10 hb=200 act=disable-active at=2",
              "hb=200", delivery) as q:
        m = q.wait_for(r"^\[alpha\] bm: disable-active: (disabled in handler \d+, fired again: (?:yes|NO))$")
    assert m.group(1) == "disabled in handler 1, fired again: yes"


@pytest.mark.parametrize("delivery", MODES)
def test_irq_more_pending_than_list_registers_in_priority_order(tmp_path, delivery):
    with boot(tmp_path, f"irq-order-{delivery}", "smp irq hb=100 act=prio-order at=2",
              "hb=100", delivery) as q:
        m = q.wait_for(r"^\[alpha\] bm: priority order:((?: \d+){8})$")
    assert m.group(1).split() == ["7", "6", "5", "4", "3", "2", "1", "0"]


@pytest.mark.parametrize("delivery", MODES)
def test_irq_nothing_of_the_old_run_reaches_the_new_one(tmp_path, delivery):
    with boot(tmp_path, f"irq-stale-{delivery}", "irq hb=100 act=stale-check at=2",
              "smp tick=10 hb=100", delivery) as q:
        q.wait_for(r"^\[alpha\] bm: stale-check: restarting with interrupts pending$")
        m = q.wait_for(r"^\[alpha\] bm: stale-check: run 2 received (sgi 5: \d+, rtc: \d+, other: \d+)$")
        out = q.output
    assert m.group(1) == "sgi 5: 0, rtc: 0, other: 0"
    assert_contiguous(out, "beta")


@pytest.mark.parametrize("delivery", MODES)
def test_irq_aimed_at_a_stopped_partition_takes_a_defined_path(tmp_path, delivery):
    """alpha arms its RTC's match interrupt a second ahead and powers itself
    off: the interrupt fires into a partition that no longer runs. Its
    cores stay parked, beta goes on, the board stays up as configured."""
    with boot(tmp_path, f"irq-stopped-{delivery}", "irq hb=100 act=rtc-arm,off at=2",
              "smp tick=10 hb=200", delivery, root='on-all-stopped = "stay-up";') as q:
        q.wait_for(r'^bulkhead: partition "alpha": stopped \(PSCI SYSTEM_OFF\)')
        n = len(heartbeats(q.output, "beta"))
        q.wait_for(r"^\[beta\] bm: beta heartbeat \d+$", count=n + 12)
        out = q.output
    assert_contiguous(out, "beta")
    assert_ticking(out, "beta", physical=False)
    after = out[out.index('partition "alpha": stopped'):]
    assert "[alpha]" not in after.split("so far", 1)[1]
    assert "error" not in out and "CHECK" not in out


def el2_report(out, name):
    """{vcpu: (injected, traps, irqs, fiqs)} from the report at its stop."""
    rows = re.findall(rf'^bulkhead: partition "{name}" vcpu (\d+) \(core \d+\): (\d+) interrupts '
                      r"injected, \d+ stray, \d+ SGIs refused; EL2 entries since boot: (\d+) traps, "
                      r"(\d+) IRQs, (\d+) FIQs", out, re.M)
    return {int(r[0]): tuple(int(x) for x in r[1:]) for r in rows}


def test_irq_direct_delivery_takes_no_el2_entry():
    """The same timer load, 1,000 interrupts a second on each of two cores:
    alpha (direct) takes them with no EL2 entry at all, beta (virtual) through
    EL2, one injection each. Both count their ticks the same way."""
    with boot_q("irq-direct-vs-virtual", "smp tick=1 hb=200 act=off at=5",
                "smp tick=1 hb=200 act=off at=5", ("direct", "virtual"),
                root='on-all-stopped = "stay-up";') as q:
        q.wait_for(r'^bulkhead: partition "alpha": stopped')
        q.wait_for(r'^bulkhead: partition "beta": stopped')
        q.wait_for(r"every partition has stopped")
        out = q.output
    a, b = el2_report(out, "alpha"), el2_report(out, "beta")
    ta, tb = ticks(out, "alpha")[-1], ticks(out, "beta")[-1]
    assert min(ta[0], ta[2], tb[0], tb[2]) >= 400, (ta, tb)
    # Direct: its interrupts never entered EL2 (its traps are its console
    # writes and PSCI calls).
    for vcpu in (0, 1):
        injected, traps, irqs, fiqs = a.get(vcpu, (0, 0, 0, 0))
        assert injected == 0 and irqs == 0, a
    # Virtual: every tick came through EL2 and a list register.
    for vcpu, t in ((0, tb[0]), (1, tb[2])):
        injected, traps, irqs, fiqs = b[vcpu]
        assert injected >= t and irqs >= 1, b


def test_irq_partitions_on_the_highest_cores_of_a_20_core_board(tmp_path):
    """QEMU virt numbers GICv3 cores 16 to a cluster: on a 20-core board,
    cores 16-19 are Aff1 = 1. alpha spans both levels (core 15 = 0.0.0.15,
    core 16 = 0.0.1.0), beta sits on 0.0.1.2-3; both see vCPUs 0.0.0.0-1.
    Timers, SGIs between their own cores, and SGIs aimed past themselves."""
    board = tmp_path / "qemu-virt" / "board.dtb"
    board.parent.mkdir()
    import subprocess
    subprocess.run(["qemu-system-aarch64", "-M",
                    f"virt,virtualization=on,gic-version=3,dumpdtb={board}", "-cpu", "cortex-a53",
                    "-smp", "20", "-m", "1G", "-nic", "none", "-display", "none"],
                   check=True, capture_output=True, timeout=60)
    cfg = tmp_path / "irq-many-cores.dts"
    cfg.write_text(TWO.format(alpha="smp tick=10 hb=200 act=sgi-to:1,sgi-to:0 at=2",
                              beta="smp tick=10 hb=200 act=sgi-foreign at=2",
                              alpha_delivery="virtual", beta_delivery="direct",
                              alpha_fault="log", beta_fault="log", root="")
                   .replace("cpus = <0 1>;", "cpus = <15 16>;")
                   .replace("cpus = <2 3>;", "cpus = <18 19>;"))
    make(f"CONFIG={cfg}", f"BOARD_DTS={board}", "DEFCONFIG=tests/qemu/configs/many-cores.defconfig",
         "all")
    with Qemu(BUILD / "irq-many-cores" / "bulkhead.bin", smp=20) as q:
        q.wait_for(r"^\[alpha\] bm: sgi 3 to cpu 0: (delivered|NOT delivered)$")
        f = q.wait_for(r"^\[beta\] bm: sgi-foreign: broadcast received (\d+) times$")
        q.wait_for(r"^\[beta\] bm: beta heartbeat 4$")
        q.wait_for(r"^\[alpha\] bm: alpha heartbeat 4$")
        out = q.output
    # QEMU virt puts 16 cores in a cluster (Aff0 0-15), then Aff1 = 1.
    assert "bulkhead: 20 cores online at EL2 (MPIDR 0x0-0xf, 0x100-0x103; from the board " \
        "description" in out, out
    assert "[alpha] bm: sgi 3 to cpu 1: delivered" in out
    assert "[alpha] bm: sgi 3 to cpu 0: delivered" in out
    assert re.search(r"^\[beta\] bm: sgi-foreign: sgi 3 received 0 times, sgi 8 0 times$", out, re.M)
    assert f.group(1) == "1"
    # 20 vCPUs on this machine's 2 host cores: QEMU runs some of them late,
    # so ticks come in bursts; what counts is that every vCPU's keep coming.
    for name in ("alpha", "beta"):
        rows = ticks(out, name)
        assert rows[-1][0] > rows[0][0] and rows[-1][2] > rows[0][2], (name, rows)


@pytest.mark.parametrize("delivery", MODES)
def test_irq_raised_while_the_hypervisor_initialises(tmp_path, delivery):
    """bulkhead.irq-at-boot (debug builds): before any partition exists, the
    PL031's SPI is made pending towards core 0 (busy booting), an SGI
    reaches core 1 (waiting at EL2) and a request SGI with no request core 2.
    Each takes a defined path: core 1 ends its SGI and says so, the stale SPI
    never reaches alpha (its first RTC interrupt is its own, the first one it
    counts), everything boots."""
    with boot(tmp_path, f"irq-at-boot-{delivery}", "smp tick=10 hb=200 act=rtc-irq at=2",
              "smp tick=10 hb=200", delivery, append="bulkhead.irq-at-boot") as q:
        r = q.wait_for(r"^\[alpha\] bm: rtc-irq: interrupt 34 ((?:NOT )?taken \(\d+ so far\))$", timeout=30)
        q.wait_for(r"^\[beta\] bm: beta heartbeat 3$")
        out = q.output
    assert "raising interrupts during initialisation, as bootargs ask" in out
    # Core 1 either ends the SGI itself (and says so) or alpha's start clears
    # it first (core 0 resets alpha's interrupts before core 1 enters it):
    # never does it reach alpha.
    ended = re.findall(r"^bulkhead: warning: core (\d+): ended (\d+) interrupts? that arrived "
                       r"while it waited at EL2$", out, re.M)
    assert ended in ([], [("1", "1")]), ended
    assert r.group(1) == "taken (1 so far)"
    assert_contiguous(out, "beta")
    assert "PANIC" not in out and "error" not in out
