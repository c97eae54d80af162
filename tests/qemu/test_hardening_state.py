"""What a partition finds in its core and its RAM (issue 13, items 1, 2, 3, 8),
on three core types QEMU 7.2 models: cortex-a53 and cortex-a72 (ARMv8.0,
PMUv3 without EL2 filtering), and max (ARMv8.x/9 with SVE, SME, pointer
authentication, BTI, SSBS, PAN, UAO, DIT, RAS, LOR, FEAT_PMUv3p5...; run with
MTE's tag storage on, so the core has MTE for the hypervisor to hide).

Per core type, one run of tests/qemu/configs/hardening-state.dts under
icount (so the PMU counts instructions) serves every test here, next to one
native run of the same bare-metal guest (no hypervisor) as the reference for
what the core itself does. The guest's actions are described in
partitions/baremetal/README.md ("Hardening actions")."""
import re

import pytest

from harness import BUILD, Qemu, build

CONFIG = "tests/qemu/configs/hardening-state.dts"
GUEST = BUILD / "guests" / "baremetal" / "baremetal.bin"
CPUS = ("cortex-a53", "cortex-a72", "max")
EXTRA = {"max": ("-M", "mte=on")}

# The 4-bit ID register fields the hypervisor hides (docs/isolation.md,
# section 3): they must read 0 in a partition, and only they (and PFR0.EL2:
# the native reference runs without EL2) may differ from the core's own.
HIDDEN = {
    "PFR0": {40: "MPAM", 44: "AMU", 52: "RME"},
    "PFR1": {8: "MTE", 16: "MPAM_frac", 28: "RNDR_trap", 36: "NMI", 40: "MTE_frac",
             44: "GCS", 48: "THE", 52: "MTEX", 56: "DF2", 60: "PFAR"},
    "DFR0": {4: "TraceVer", 16: "PMSS", 24: "SEBEP", 32: "PMSVer", 40: "TraceFilt",
             44: "TraceBuffer", 48: "MTPMU", 52: "BRBE", 56: "ExtTrcBuff", 60: "HPMN0"},
    "ISAR0": {24: "TME"},
    "ISAR1": {60: "LS64"},
    "ISAR2": {32: "SYSREG_128", 36: "SYSINSTR_128", 44: "reserved", 60: "ATS1A"},
    "MMFR0": {56: "FGT"},
    "MMFR1": {8: "VH", 16: "LO", 32: "TWED", 40: "HCX"},
    "MMFR2": {24: "NV", 40: "FWB", 56: "EVT"},
}
NATIVE_ONLY = {"PFR0": {8: "EL2"}}
# Features that stay trapped: never advertised to a partition.
NEVER_ADVERTISED = ("MTE", "MTE2", "LOR", "AMU", "SPE", "TRBE", "Trace", "TraceFilt", "MPAM")


def idregs(text, prefix):
    regs = {}
    for line in re.findall(rf"^{re.escape(prefix)}bm: id: (.*)$", text, re.M):
        for name, value in re.findall(r"(\w+) (0x[0-9a-f]+)", line):
            regs[name] = int(value, 16)
    return regs


def features(text, prefix):
    return dict(re.findall(rf"^{re.escape(prefix)}bm: feature ([\w-]+): (.*)$", text, re.M))


def pstate(text, prefix):
    cases = {}
    for case, new, nesr, saved, sesr in re.findall(
            rf"^{re.escape(prefix)}bm: pstate (\w): new (0x[0-9a-f]+) \(esr (0x[0-9a-f]+)\) "
            r"saved (0x[0-9a-f]+) \(esr (0x[0-9a-f]+)\)$", text, re.M):
        cases[case] = tuple(int(v, 16) for v in (new, nesr, saved, sesr))
    flags = re.search(rf"^{re.escape(prefix)}bm: pstate: PAN (\d) UAO (\d) SSBS (\d) DIT (\d) "
                      r"MTE (\d) BTI (\d)$", text, re.M)
    assert flags, text
    return cases, dict(zip(("PAN", "UAO", "SSBS", "DIT", "MTE", "BTI"),
                           (int(v) for v in flags.groups())))


@pytest.fixture(scope="module", params=CPUS)
def run(request):
    cpu = request.param
    extra = EXTRA.get(cpu, ())
    image = build(CONFIG)
    with Qemu(GUEST, smp=1, virtualization=False, cpu=cpu, extra=extra,
              append="name=native act=features,pstate") as n:
        n.wait_for(r"^bm: pstate C: ", timeout=30)
        native = n.output
    with Qemu(image, cpu=cpu, icount=True, extra=extra) as q:
        q.wait_for(r"^\[beta\] bm: pmu: ", timeout=60)
        q.wait_for(r"^\[alpha\] bm: ram-scan: ", count=2, timeout=60)
        part = q.output
    return cpu, native, part


def test_hardening_el2_controls_pmu_counts_only_the_partition(run):
    # Item 1: asked to count EL2 as well (NSH set in the event and cycle
    # counters' filters), the partition's PMU still counts only its own
    # EL0/EL1: 100 PSCI calls are about 9 instructions each in the
    # partition; with EL2 counted they were about 190 (MDCR_EL2 never
    # written: no HPMD/HCCD, no TPM). cortex-a53/a72 have PMUv3 without EL2
    # filtering, so their PMU accesses trap and EL2 clears NSH; max has
    # FEAT_PMUv3p5 (HPMD, HCCD) and no traps.
    cpu, _, out = run
    m = re.search(r"^\[beta\] bm: pmu: 100 calls: (\d+) instructions, (\d+) cycles "
                  r"\(INST_RETIRED counted, N (\d+)\)$", out, re.M)
    assert m, out
    insts, cycles = int(m.group(1)), int(m.group(2))
    assert 100 <= insts < 2000, (cpu, insts)
    assert 100 <= cycles < 2000, (cpu, cycles)
    # And what stays trapped is not advertised; the RAS error records, where
    # RAS is advertised, read as none (ERRIDR_EL1 = 0) instead of exposing
    # the system's.
    feats = features(out, "[beta] ")
    for name in NEVER_ADVERTISED:
        assert feats[name] == "not advertised", (cpu, name, feats[name])
    if feats["RAS"] != "not advertised":
        assert feats["RAS"] == "ok (0x0)", (cpu, feats["RAS"])


def test_hardening_every_advertised_feature_works(run):
    # Item 2: every feature the partition's ID registers advertise executes;
    # natively too (the guest's probes are right).
    cpu, native, out = run
    for text, prefix in ((native, ""), (out, "[beta] ")):
        summary = re.search(rf"^{re.escape(prefix)}bm: features: (\d+) advertised, (\d+) failed$",
                            text, re.M)
        assert summary, text
        assert summary.group(2) == "0", (cpu, prefix, features(text, prefix))
        assert "UNDEFINED" not in "".join(features(text, prefix).values())
    feats = features(out, "[beta] ")
    if cpu == "max":
        # What the core has is offered, not hidden: SVE, SME, both kinds of
        # pointer authentication, SCXTNUM, BTI, SSBS, RNDR, DIT, PAN; MTE
        # (which the core has) is hidden instead, with its tag accesses off.
        for name in ("SVE", "SME", "PAuth-address", "PAuth-generic", "SCXTNUM", "BTI", "SSBS",
                     "RNDR", "DIT", "PAN", "RAS", "PMU"):
            assert feats[name].startswith("ok"), (name, feats[name])
        assert features(native, "")["MTE"].startswith("ok")
    # The partition's ID registers are the core's, but for the hidden fields,
    # which read 0.
    mine, core = idregs(out, "[beta] "), idregs(native, "")
    assert set(mine) == set(core) and len(mine) == 11, (mine, core)
    for reg, value in mine.items():
        for shift in range(0, 64, 4):
            field, native_field = (value >> shift) & 0xf, (core[reg] >> shift) & 0xf
            if shift in HIDDEN.get(reg, {}):
                assert field == 0, (cpu, reg, HIDDEN[reg][shift], hex(value))
            elif shift not in NATIVE_ONLY.get(reg, {}):
                assert field == native_field, (cpu, reg, shift, hex(value), hex(core[reg]))


def test_hardening_injected_exceptions_enter_with_the_architectures_pstate(run):
    # Item 3: an exception the hypervisor injects (SMC #1: UNDEFINED, from
    # EL1t, reached by a BR) leaves PSTATE as one the core takes itself:
    # the native run is the reference, bit by bit.
    cpu, native, out = run
    mine, flags = pstate(out, "[beta] ")
    core, core_flags = pstate(native, "")
    assert set(mine) == set(core) == {"A", "B", "C"}
    EL1H, DAIF, SSBS, PAN, UAO, DIT, TCO = 0x5, 0xf << 6, 1 << 12, 1 << 22, 1 << 23, 1 << 24, 1 << 25
    BTYPE, IL, SS, ALLINT = 3 << 10, 1 << 20, 1 << 21, 1 << 13
    expect_pan = {"A": 1, "B": 1, "C": 0}     # A: SPAN = 0 sets it; B, C: kept
    expect_ssbs = {"A": 1, "B": 0, "C": 1}    # = SCTLR_EL1.DSSBS
    for case in "ABC":
        new, new_esr, saved, saved_esr = mine[case]
        cnew, cnew_esr, csaved, csaved_esr = core[case]
        # The state saved, the syndromes (UNDEFINED, then the SVC that
        # records the new PSTATE) are the core's own. (Where MTE is hidden
        # the partition does not set TCO before the exception, natively
        # case B does.)
        hidden = TCO if core_flags["MTE"] and not flags["MTE"] else 0
        assert (saved & ~hidden, saved_esr, new_esr) == (csaved & ~hidden, csaved_esr, cnew_esr), \
            (cpu, case, hex(saved), hex(csaved))
        assert saved_esr == 0x2000000 and new_esr == 0x56000000
        # The new PSTATE equals the core's, except DIT: the architecture
        # leaves it unchanged on exception entry (AArch64.TakeException()
        # does not touch it); QEMU 7.2 clears it.
        assert new & ~DIT == cnew & ~DIT, (cpu, case, hex(new), hex(cnew))
        assert new & DIT == saved & DIT, (cpu, case)
        # Bit by bit, as the architecture says.
        assert new & 0xf == EL1H and new & DAIF == DAIF
        assert new & (BTYPE | IL | SS | UAO | ALLINT) == 0, (cpu, case, hex(new))
        assert bool(new & PAN) == bool(flags["PAN"] and expect_pan[case]), (cpu, case)
        assert bool(new & SSBS) == bool(flags["SSBS"] and expect_ssbs[case]), (cpu, case)
        # TCO is set where the core has MTE, hidden from the partition or not.
        assert bool(new & TCO) == bool(core_flags["MTE"]), (cpu, case)
    if flags["BTI"]:
        # The BR before the SMC left BTYPE 1 in the saved state.
        assert mine["A"][2] & BTYPE == 1 << 10
    if cpu == "max":
        # Case A set UAO and DIT before the exception: saved, then UAO
        # cleared and DIT kept.
        assert mine["A"][2] & (UAO | DIT) == UAO | DIT


def test_hardening_nothing_survives_a_restart_or_the_loader(run):
    # Item 8: alpha's RAM starts where QEMU's loader put the board DTB. Its
    # first run finds every register it arrived with at its reset value and
    # every page of its RAM outside its image and DTB zero; then it fills
    # registers (general, EL1 system, FP/SIMD, SVE, SME, PMU, debug, pointer
    # authentication keys, SCXTNUM, timers) and RAM with canaries and resets
    # itself. The second run finds none of them.
    cpu, _, out = run
    assert re.search(r"^\[alpha\] bm: canary: set registers and 64 RAM blocks; SYSTEM_RESET$",
                     out, re.M), out
    assert 'partition "alpha": restarting (PSCI SYSTEM_RESET), boot 2' in out
    checks = re.findall(r"^\[alpha\] bm: canary: checked (\d+), (\d+) survived, (\d+) not reset$",
                        out, re.M)
    scans = re.findall(r"^\[alpha\] bm: ram-scan: (\d+) of (\d+) pages outside the image and "
                       r"DTB not zero", out, re.M)
    assert len(checks) == 2 and len(scans) == 2, out
    for (checked, survived, stale), (dirty, pages) in zip(checks, scans):
        assert (survived, stale) == ("0", "0"), (cpu, re.findall(r"^\[alpha\] bm: canary: \S+ "
                                                                 r"(?:survived|not reset).*$",
                                                                 out, re.M))
        assert int(checked) >= 180
        assert dirty == "0" and int(pages) > 16000, (cpu, dirty)
    assert not re.search(r"^\[alpha\] bm: caught", out, re.M)
