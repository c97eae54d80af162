"""bhcfg and DMA masters (issue 13, item 10).

A device that masters DMA uses physical addresses: stage 2 does not stop
it, and QEMU virt has no IOMMU in front of its platform devices. The board
marks every such node `bulkhead,dma-master`; bhcfg refuses it unless the
partition's `dma-trusted` names it too (then only with RAM at IPA == PA),
and a build that trusts one prints a warning per device. The refusals are
tests/configs/bad-dma-*.dts (test_bhcfg.py::test_bad_config); this file
checks what is accepted, what the board marks and what the warning says.
"""
import os
import subprocess

from test_bhcfg import (BAD_DIR, BOARD, TESTBOARD, board_variant, bhcfg, bhcfg_asan,  # noqa: F401
                        build_ok, dma_warning, fdt_has, fdtget, images, run, subnodes,
                        tables, write_config, ASAN_OPTIONS, UBSAN_OPTIONS)

TWO = """
	partition@0 {{
		label = "alpha";
		cpus = <0 1>;
		memory = <0x0 0x48000000 0x0 0x08000000>;
		{alpha}
		kernel = "baremetal.bin";
	}};
	partition@1 {{
		label = "beta";
		cpus = <2 3>;
		memory = <0x0 0x50000000 0x0 0x08000000>;
		kernel = "baremetal.bin";
	}};"""


def board_nodes():
    """Top-level board nodes and whether each carries the flag."""
    text = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dts", str(BOARD)], capture_output=True,
                          text=True, check=True).stdout
    marked, name = {}, None
    for line in text.splitlines():
        if line.startswith("\t") and not line.startswith("\t\t") and line.rstrip().endswith("{"):
            name = line.strip()[:-1].strip()
            marked[name] = False
        elif line.startswith("\t\t") and line.strip() == "bulkhead,dma-master;" and name:
            marked[name] = True
    return marked


def test_the_board_marks_every_dma_master_and_nothing_else():
    marked = board_nodes()
    masters = sorted(n for n, m in marked.items() if m)
    virtio = sorted(n for n in marked if n.startswith("virtio_mmio@"))
    assert len(virtio) == 32
    assert masters == sorted(["fw-cfg@9020000", "pcie@10000000"] + virtio)
    for plain in ("pl011@9000000", "pl031@9010000", "pl061@9030000", "flash@0"):
        assert marked[plain] is False, plain


def test_a_trusted_dma_master_builds_with_a_warning(bhcfg, images, tmp_path):  # noqa: F811
    cfg = write_config(tmp_path, "dma", TWO.format(alpha='devices = "/fw-cfg@9020000";\n'
                                                         '\t\tdma-trusted = "/fw-cfg@9020000";'))
    out = build_ok(bhcfg, cfg, tmp_path / "out", images,
                   warnings=[dma_warning(cfg, "alpha", "/fw-cfg@9020000")])
    alpha, beta = tables(out, tmp_path)["partitions"]
    assert alpha["regions"] == [[0x48000000, 0x48000000, 0x8000000, 1],
                                [0x9020000, 0x9020000, 0x1000, 2]]
    assert beta["regions"] == [[0x50000000, 0x50000000, 0x8000000, 1]]
    dtb = out / "alpha.dtb"
    assert fdtget(dtb, "/fw-cfg@9020000", "compatible", "s") == "qemu,fw-cfg-mmio"
    assert fdtget(dtb, "/fw-cfg@9020000", "reg") == "0 9020000 0 18"
    assert fdt_has(dtb, "/fw-cfg@9020000", "dma-coherent")
    # The board's note to bhcfg is not copied into the partition's tree.
    assert not fdt_has(dtb, "/fw-cfg@9020000", "bulkhead,dma-master")
    assert "fw-cfg@9020000" not in subnodes(out / "beta.dtb")


def test_identity_ipa_given_explicitly_is_accepted(bhcfg, images, tmp_path):  # noqa: F811
    # IPA == PA spelt out is the same layout as no ipa at all.
    cfg = write_config(tmp_path, "dma-ipa", TWO.format(alpha='ipa = <0x0 0x48000000>;\n'
                                                             '\t\tdevices = "/fw-cfg";\n'
                                                             '\t\tdma-trusted = "/fw-cfg";'))
    build_ok(bhcfg, cfg, tmp_path / "out", images,
             warnings=[dma_warning(cfg, "alpha", "/fw-cfg@9020000")])


def test_a_dma_master_by_its_subnode_names_the_subnode(bhcfg, images, tmp_path):  # noqa: F811
    cfg = write_config(tmp_path, "dma-sub", TWO.format(alpha='devices = "/dma-parent@9120000";\n'
                                                             '\t\tdma-trusted = "/dma-parent@9120000";'),
                       board="testboard")
    out = build_ok(bhcfg, cfg, tmp_path / "out", images, TESTBOARD,
                   warnings=[dma_warning(cfg, "alpha", "/dma-parent@9120000 (through its subnode "
                                                       "/dma-parent@9120000/engine)")])
    dtb = out / "alpha.dtb"
    assert subnodes(dtb, "/dma-parent@9120000") == ["engine"]
    assert not fdt_has(dtb, "/dma-parent@9120000/engine", "bulkhead,dma-master")


def test_no_warning_when_the_build_is_refused(bhcfg, images, tmp_path):  # noqa: F811
    # The warning is about an image; with an error there is none.
    cfg = write_config(tmp_path, "dma-bad", TWO.format(alpha='devices = "/fw-cfg@9020000";\n'
                                                             '\t\tdma-trusted = "/fw-cfg@9020000";\n'
                                                             '\t\ton-fault = "sometimes";'))
    r = run(bhcfg, cfg, tmp_path / "out", images)
    assert r.returncode == 1
    assert 'on-fault: unknown value "sometimes"' in r.stderr
    assert ": warning: " not in r.stderr and "masters DMA" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_the_flag_is_an_empty_property(bhcfg, images, tmp_path):  # noqa: F811
    board = board_variant(tmp_path, "valued", "&{/fw-cfg@9020000} { bulkhead,dma-master = <1>; };")
    cfg = write_config(tmp_path, "plain", TWO.format(alpha=""), board="testboard")
    r = run(bhcfg, cfg, tmp_path / "out", images, board)
    assert r.returncode == 1
    assert ("/fw-cfg@9020000: bulkhead,dma-master: must be empty (a flag: the node masters DMA)"
            in r.stderr)
    assert not (tmp_path / "out").exists()


def test_dma_checks_under_the_sanitizers(bhcfg_asan, images, tmp_path):  # noqa: F811
    env = dict(os.environ, ASAN_OPTIONS=ASAN_OPTIONS + ":detect_leaks=1", UBSAN_OPTIONS=UBSAN_OPTIONS)
    good = write_config(tmp_path, "dma", TWO.format(alpha='devices = "/fw-cfg@9020000";\n'
                                                          '\t\tdma-trusted = "/fw-cfg@9020000";'))
    cases = [(good, BOARD, 0)]
    cases += [(cfg, TESTBOARD if "board: testboard" in cfg.read_text() else BOARD, 1)
              for cfg in sorted(BAD_DIR.glob("bad-dma-*.dts"))]
    for i, (cfg, board, want) in enumerate(cases):
        r = run(bhcfg_asan, cfg, tmp_path / f"o{i}", images, board, env=env)
        assert r.returncode == want, f"{cfg}: {r.stderr}"
        assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr


def test_a_virtio_disk_needs_identity_mapped_ram(bhcfg, images, tmp_path):  # noqa: F811
    # The Linux partition's disk (configs/qemu-virt-linux.dts): the transport
    # QEMU fills first, trusted, with the RTC beside it, and the seven other
    # transports of its page (stage 2 hands the page over whole). With RAM at
    # IPA == PA it builds (a warning per transport); with the same RAM shown
    # at another IPA it is refused by name, since its driver would hand the
    # device IPAs. Leaving the page's other transports out is refused.
    page = [f"/virtio_mmio@a003{x:03x}" for x in range(0, 0x1000, 0x200)]
    listed = ", ".join(f'"{t}"' for t in page)
    devs = (f'devices = "/pl031@9010000", {listed};\n'
            f'\t\tdma-trusted = {listed};')
    cfg = write_config(tmp_path, "disk", TWO.format(alpha=devs))
    out = build_ok(bhcfg, cfg, tmp_path / "out", images,
                   warnings=[dma_warning(cfg, "alpha", t) for t in page])
    assert fdtget(out / "alpha.dtb", "/virtio_mmio@a003e00", "interrupts") == "0 2f 1"
    cfg = write_config(tmp_path, "disk-ipa", TWO.format(alpha="ipa = <0x0 0x40000000>;\n\t\t" + devs))
    r = run(bhcfg, cfg, tmp_path / "out-ipa", images)
    assert r.returncode == 1
    assert (f'{cfg}: partition "alpha": dma-trusted: /virtio_mmio@a003e00: the partition\'s RAM '
            "must be identity-mapped (no ipa, or ipa equal to each region's address)") in r.stderr
    assert ": warning: " not in r.stderr
    assert not (tmp_path / "out-ipa").exists()
    alone = ('devices = "/pl031@9010000", "/virtio_mmio@a003e00";\n'
             '\t\tdma-trusted = "/virtio_mmio@a003e00";')
    cfg = write_config(tmp_path, "disk-alone", TWO.format(alpha=alone))
    r = run(bhcfg, cfg, tmp_path / "out-alone", images)
    assert r.returncode == 1
    for t in page[:-1]:
        assert (f'partition "alpha": devices: {t} masters DMA and shares page 0xa003000 with its '
                "device /virtio_mmio@a003e00, so it would be reachable too: list it in devices "
                "and dma-trusted as well") in r.stderr
    assert r.stderr.count("masters DMA and shares page") == 7
