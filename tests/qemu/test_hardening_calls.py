"""Calls and accesses answered as the specifications say, not more kindly
(issue 13, item 7): CPU_SUSPEND checks its power_state and a power-down never
returns; HVC/SMC with a non-zero immediate are not SMCCC calls; the emulated
UART takes only what a PL011 takes. One run of
tests/qemu/configs/hardening-calls.dts serves every test here."""
import re

import pytest

from harness import Qemu, build

CONFIG = "tests/qemu/configs/hardening-calls.dts"


@pytest.fixture(scope="module")
def out():
    with Qemu(build(CONFIG)) as q:
        woke = r"^\[alpha\] bm: cpu 1 woke from power-down at its entry point \(mpidr 0x1\)$"
        q.wait_for(woke, timeout=10)
        q.wait_for(r'^bulkhead: partition "beta": so far ', timeout=10)
        q.wait_for(r'^bulkhead: partition "gamma": so far ', timeout=10)
        # alpha's boot core goes on after its second core powered down and woke.
        beats = [int(n) for n in re.findall(r"^\[alpha\] bm: alpha heartbeat (\d+)$",
                                            q.output, re.M)]
        q.wait_for(rf"^\[alpha\] bm: alpha heartbeat {max(beats) + 5}$", timeout=10)
        return q.output


def test_hardening_cpu_suspend_checks_power_state_and_power_down_never_returns(out):
    # Invalid power states (reserved bits; PowerLevel 1, which is hardware
    # other partitions share): INVALID_PARAMETERS.
    assert "[alpha] bm: CPU_SUSPEND 0xffffffff returned -2" in out
    assert "[alpha] bm: CPU_SUSPEND 0x1010000 returned -2" in out
    # Standby returns SUCCESS.
    assert "[alpha] bm: CPU_SUSPEND 0x0 returned 0" in out
    # Power-down: no return at all; the core starts again at the entry point
    # it gave, with its context (slot 1) in x0, on its own stack.
    assert "[alpha] bm: CPU_SUSPEND 0x10000\n" in out
    assert "CPU_SUSPEND 0x10000 returned" not in out
    assert len(re.findall(r"^\[alpha\] bm: cpu 1 woke from power-down", out, re.M)) == 1
    assert len(re.findall(r"^\[alpha\] bm: cpu 1 up ", out, re.M)) == 1
    # None of it is a fault, and alpha's heartbeat never paused.
    assert not re.search(r'partition "alpha".*(policy|halted|restarting|stopped)', out), out
    beats = [int(n) for n in re.findall(r"^\[alpha\] bm: alpha heartbeat (\d+)$", out, re.M)]
    assert beats == list(range(1, len(beats) + 1)), beats


def test_hardening_hvc_and_smc_with_an_immediate_are_undefined(out):
    # beta (on-fault "log"): each is UNDEFINED at the instruction itself;
    # the hypervisor logs it with its syndrome (EC 0x16 HVC, 0x17 SMC, the
    # immediate in ISS[15:0]).
    for n, insn, esr in ((1, "hvc #1", 0x5a000001), (2, "smc #0xffff", 0x5e00ffff)):
        m = re.search(rf'^bulkhead: warning: partition "beta" vcpu 0 \(core 2\): undefined or '
                      rf'forbidden instruction #{n} at PC (0x[0-9a-f]+), ESR {esr:#x}; policy log$',
                      out, re.M)
        assert m, out
        pc = m.group(1)
        # The guest's own handler sees UNDEFINED (EC 0x00) with ELR at that
        # instruction, and x0 comes back untouched: PSCI_VERSION was not called.
        assert re.search(rf"^\[beta\] bm: caught EC=0x00 ESR=0x2000000 FAR=0x0 ELR={pc}$",
                         out, re.M), out
        assert f"[beta] bm: {insn}: x0 = 0x84000000 after" in out
    # Counted as undefined instructions, not as calls: SYSTEM_OFF was beta's
    # one PSCI call.
    assert re.search(r'^bulkhead: partition "beta": so far 3 data aborts, 0 instruction aborts, '
                     r'2 undefined, 0 SErrors, 0 unknown SMC/HVC calls, 1 PSCI calls, ', out, re.M)
    # gamma (on-fault "halt"): the policy applies as to any UNDEFINED instruction.
    assert re.search(r'^bulkhead: warning: partition "gamma" vcpu 0 \(core 3\): undefined or '
                     r'forbidden instruction #1 at PC 0x[0-9a-f]+, ESR 0x5e00ffff; policy halt$',
                     out, re.M), out
    assert 'partition "gamma": halted (undefined or forbidden instruction)' in out
    assert "[gamma] bm: smc #0xffff: x0" not in out


def test_hardening_uart_accesses_a_pl011_does_not_take_are_external_aborts(out):
    accesses = (
        (1, "read from", "0x9000019", "ldrb from uart+0x19"),   # inside UARTFR
        (2, "write to", "0x9000032", "strh to uart+0x32"),      # upper half of UARTCR
        (3, "read from", "0x9000000", "ldr x from uart+0x0"),   # UARTDR and UARTRSR at once
    )
    for n, what, ipa, line in accesses:
        assert f"[beta] bm: {line}" in out
        m = re.search(rf'^bulkhead: warning: partition "beta" vcpu 0 \(core 2\): emulated-device '
                      rf'access refused #{n}: {what} IPA {ipa} \(VA {ipa}\) at PC (0x[0-9a-f]+), '
                      rf"ESR 0x[0-9a-f]+: not a register access the emulated device takes; "
                      rf"policy log$", out, re.M)
        assert m, out
        # The partition's own handler gets a synchronous external abort
        # (EC 0x25, DFSC 0x10, WnR for the store) at the access, FAR = its VA.
        c = re.search(rf"^\[beta\] bm: caught EC=0x25 ESR=(0x[0-9a-f]+) FAR={ipa} "
                      rf"ELR={m.group(1)}$", out, re.M)
        assert c, out
        esr = int(c.group(1), 16)
        assert esr & 0x3f == 0x10
        assert bool(esr & (1 << 6)) == (what == "write to")
    # The loads were not answered with shifted or made-up data.
    assert out.count("[beta] bm: read 0xbad0bad0") == 2
    assert "[beta] bm: survived uart-unaligned" in out
    # They count as data aborts; beta lives on under "log" and stops by itself.
    assert 'partition "beta": stopped (PSCI SYSTEM_OFF)' in out
    assert re.search(r'partition "beta": so far 3 data aborts, ', out)
