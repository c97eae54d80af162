"""DMA masters (issue 13, item 10). A device that masters DMA uses physical
addresses: stage 2 does not see what it reads and writes, and QEMU virt has
no IOMMU in front of its platform devices. QEMU's fw-cfg device, asked
through its DMA interface to read its signature "QEMU" into memory, writes
those four bytes wherever it is told.

board.dts marks fw-cfg (and every virtio-mmio slot, and PCIe) a DMA master;
bhcfg refuses to give one to a partition unless the configuration trusts
that partition with all of memory (`dma-trusted`, docs/configuration.md).
These tests show both sides: without the opt-in the build is refused; with
it, the attack works exactly as the issue reported it, and this is the hole
docs/isolation.md (section 10) states until the hypervisor drives an SMMU.

tests/qemu/configs/hardening-dma.dts aims the DMA at alpha's own RAM; the
attack test builds it once to learn where beta's name (in beta's RAM, which
beta prints in its heartbeat) and beta's console label (in the hypervisor's
configuration tables, read-only at EL2) are, then builds a copy aimed there.
"""
import re
import subprocess

import pytest

from harness import BUILD, REPO, Qemu, make

CONFIG = "tests/qemu/configs/hardening-dma.dts"
REFUSED = "tests/qemu/configs/hardening-dma-refused.dts"
PLACEHOLDERS = ("wild-write:0x4bff0000", "fwcfg-dma:0x4bff0010", "fwcfg-dma:0x4bff0020")
NM = "aarch64-linux-gnu-nm"
READELF = "aarch64-linux-gnu-readelf"
# "QEMU" as the little-endian word a CPU load of those bytes gives.
QEMU_WORD = 0x554D4551

WARNING = (': warning: partition "alpha": /fw-cfg@9020000 masters DMA with physical addresses '
           'and can reach all of memory, including other partitions and the hypervisor '
           '(dma-trusted; no IOMMU)')


def symbol(elf, name):
    """(address, size) of a symbol of an ELF file (size 0 when it has none)."""
    out = subprocess.run([NM, "-S", str(elf)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == name:
            return int(f[0], 16), int(f[1], 16)
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16), 0
    raise AssertionError(f"{name} not in {elf}")


def physical(elf, va):
    """The physical address of a virtual address of a linked image (LOAD segments)."""
    out = subprocess.run([READELF, "-lW", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    for m in re.finditer(r"^\s*LOAD\s+0x[0-9a-f]+ (0x[0-9a-f]+) (0x[0-9a-f]+) 0x[0-9a-f]+ "
                         r"(0x[0-9a-f]+)", out, re.M):
        v, p, size = (int(x, 16) for x in m.groups())
        if v <= va < v + size:
            return p + va - v
    raise AssertionError(f"{va:#x} is in no LOAD segment of {elf}")


def targets(name):
    """Where beta's name and beta's console label are, in the image built
    from configuration `name`: physical addresses."""
    gen = BUILD / name / "gen"
    # layout.txt: LABEL KERNEL-FILE LOAD-IPA RAM-IPA RAM-PA
    layout = {f[0]: f for f in (ln.split() for ln in (gen / "layout.txt").read_text().splitlines())}
    beta = layout["beta"]
    load = int(beta[2], 16) - int(beta[3], 16) + int(beta[4], 16)
    guest = BUILD / "guests" / "baremetal" / "baremetal.elf"
    cmd, _ = symbol(guest, "cmd")           # struct bm_cmd; its first member is the name
    start, _ = symbol(guest, "_start_of_image")
    hyp = BUILD / name / "bulkhead.elf"
    table, size = symbol(hyp, "bh_partitions")  # bh_partition_config[2]; name first
    label = physical(hyp, table + size // 2)    # partitions[1], beta
    return load + cmd - start, label


def build_logged(config):
    """Builds an image; returns make's output (bhcfg's lines included)."""
    return make(f"CONFIG={config}", "all").stdout


@pytest.fixture(scope="module")
def attack(tmp_path_factory):
    """Builds the aimed copy of hardening-dma.dts; returns (its build output,
    beta's name PA, beta's label PA)."""
    build_logged(CONFIG)
    name_pa, label_pa = targets("hardening-dma")
    text = (REPO / CONFIG).read_text()
    for ph in PLACEHOLDERS:
        assert text.count(ph) == 1, ph
    aimed = text
    for ph, addr in zip(PLACEHOLDERS, (name_pa, name_pa, label_pa)):
        verb = ph.split(":")[0]
        assert len(f"{addr:#010x}") == len(ph.split(":")[1])
        aimed = aimed.replace(ph, f"{verb}:{addr:#010x}")
    cfg = tmp_path_factory.mktemp("dma") / "hardening-dma-aimed.dts"
    cfg.write_text(aimed)
    log = build_logged(cfg)
    # The same width: nothing moved between the two builds.
    assert targets("hardening-dma-aimed") == (name_pa, label_pa)
    return log, name_pa, label_pa


def test_hardening_dma_master_without_opt_in_is_refused_at_build_time():
    image = BUILD / "hardening-dma-refused" / "bulkhead.bin"
    tables = BUILD / "hardening-dma-refused" / "gen" / "config_tables.c"
    for f in (image, tables):
        f.unlink(missing_ok=True)
    proc = make(f"CONFIG={REFUSED}", "all", check=False)
    assert proc.returncode != 0, proc.stdout
    assert (f'{REFUSED}: partition "alpha": devices: /fw-cfg@9020000 masters DMA: it reads and '
            "writes physical memory past stage 2, and no IOMMU checks it, so it reaches all of "
            "memory, other partitions' and the hypervisor's included; give it only to a "
            "partition trusted with all of memory, by listing it in dma-trusted too"
            ) in proc.stdout, proc.stdout
    assert "bhcfg: 1 error(s); nothing written" in proc.stdout
    assert not image.exists() and not tables.exists()


def test_hardening_dma_master_with_opt_in_writes_over_the_neighbour_and_the_hypervisor(attack):
    log, name_pa, label_pa = attack
    # The build says what the opt-in gives away.
    assert re.search(r"hardening-dma-aimed\.dts" + re.escape(WARNING) + "$", log, re.M), log
    assert 0x50000000 <= name_pa < 0x54000000          # in beta's RAM
    assert 0x40000000 <= label_pa < 0x44000000         # in the hypervisor's range
    with Qemu(BUILD / "hardening-dma-aimed" / "bulkhead.bin") as q:
        q.wait_for(r"^\[beta\] bm: beta heartbeat 2$")
        q.wait_for(r"^\[alpha\] bm: fw-cfg DMA: done, control 0x0$", count=2)
        m = q.wait_for(r"^\[QEMU\] bm: QEMU heartbeat (\d+)$")
        q.wait_for(rf"^\[QEMU\] bm: QEMU heartbeat {int(m.group(1)) + 3}$")
        out = q.output
    # alpha's CPU cannot write beta's RAM: stage 2 stops it, the fault is
    # logged and answered under alpha's policy ("log").
    assert re.search(rf'^bulkhead: warning: partition "alpha" vcpu 0 \(core 0\): data abort #1: '
                     rf"write to IPA {name_pa:#x} .*outside its memory and devices; policy log$",
                     out, re.M), out
    assert re.search(rf"^\[alpha\] bm: caught EC=0x25 ESR=0x[0-9a-f]+ FAR={name_pa:#x} ", out, re.M)
    # fw-cfg, told to, writes the same address and then the hypervisor's
    # tables, and nothing notices: one fault line in all (the CPU's).
    assert f'[alpha] bm: fw-cfg DMA: "QEMU" to {name_pa:#x}' in out
    assert f'[alpha] bm: fw-cfg DMA: "QEMU" to {label_pa:#x}' in out
    assert len(re.findall(r"^bulkhead: (warning|error)", out, re.M)) == 1, out
    assert "PANIC" not in out and "halted" not in out and "restarting" not in out
    # beta's heartbeat line changed: its name in its own RAM ("beta" ->
    # "QEMU"), and the label the hypervisor puts before its lines ("[beta]"
    # -> "[QEMU]"), from read-only configuration tables. beta itself never
    # faulted or restarted: its heartbeat counts on across the change.
    beats = [(label, name, int(n)) for label, name, n in
             re.findall(r"^\[(beta|QEMU)\] bm: (beta|QEMU) heartbeat (\d+)$", out, re.M)]
    assert beats[0][:2] == ("beta", "beta") and beats[-1][:2] == ("QEMU", "QEMU"), beats
    assert [n for _, _, n in beats] == list(range(1, len(beats) + 1)), beats
    assert len(re.findall(r"^\[(beta|QEMU)\] bm: hello", out, re.M)) == 1
