"""bhcfg: where image files are found and where they are placed, and the
files it writes for make (images.d, needs.mk) and for the debugger
(layout.txt). Each test writes its own configuration into a temporary folder,
as a user with an external test suite's images would."""
import re
import struct

import pytest

from test_bhcfg import (BOARD, ROOT, arm64_image, bhcfg, fdtget, images, run,  # noqa: F401
                        tables)

RAM = 0x48000000
RAM_SIZE = 0x08000000


def config(tmp_path, body, root_extra=""):
    text = f"""/dts-v1/;
/ {{
	compatible = "bulkhead,config-v1";
	board = "qemu-virt";
	{root_extra}
	partition@0 {{
		label = "alpha";
		cpus = <0>;
		memory = <0x0 {RAM:#x} 0x0 {RAM_SIZE:#x}>;
		{body}
	}};
}};
"""
    cfg = tmp_path / "cfg" / "suite.dts"
    cfg.parent.mkdir(exist_ok=True)
    cfg.write_text(text)
    return cfg


def ok(bhcfg, cfg, out, images):  # noqa: F811
    r = run(bhcfg, cfg, out, images)
    assert r.returncode == 0, r.stderr
    return out


def err(bhcfg, cfg, out, images):  # noqa: F811
    r = run(bhcfg, cfg, out, images)
    assert r.returncode == 1
    assert not out.exists()
    return r.stderr


def test_kernel_next_to_the_configuration_wins(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin";')
    mine = bytes(range(256)) * 3
    (cfg.parent / "baremetal.bin").write_bytes(mine)
    t = tables(ok(bhcfg, cfg, tmp_path / "out", images), tmp_path)
    assert bytes.fromhex(t["partitions"][0]["kernel"]["data"]) == mine


def test_kernel_in_a_subfolder_of_the_configuration(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "bin/test-01.bin";')
    (cfg.parent / "bin").mkdir()
    (cfg.parent / "bin" / "test-01.bin").write_bytes(b"\x01" * 100)
    t = tables(ok(bhcfg, cfg, tmp_path / "out", images), tmp_path)
    assert t["partitions"][0]["kernel"]["size"] == 100


def test_kernel_falls_back_to_the_image_folders(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin";')
    t = tables(ok(bhcfg, cfg, tmp_path / "out", images), tmp_path)
    assert bytes.fromhex(t["partitions"][0]["kernel"]["data"]) == \
        (images / "baremetal.bin").read_bytes()


def test_missing_kernel_names_every_folder_searched(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "nothere.bin";')
    e = err(bhcfg, cfg, tmp_path / "out", images)
    assert (f'partition "alpha": kernel: "nothere.bin" not found in the configuration\'s '
            f'folder or --images (searched {cfg.parent}, {images})') in e


def test_kernel_that_is_a_directory(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "bin";')
    (cfg.parent / "bin").mkdir()
    e = err(bhcfg, cfg, tmp_path / "out", images)
    assert f'kernel: "bin" is a directory, not an image file (searched {cfg.parent}' in e


def test_symlink_out_of_the_configuration_folder(bhcfg, images, tmp_path):  # noqa: F811
    """The configuration's folder is its author's: a link there may not reach
    other files of the build host (a link inside it may)."""
    cfg = config(tmp_path, 'kernel = "bin/k.bin"; initrd = "rd";')
    (cfg.parent / "bin").mkdir()
    (cfg.parent / "bin" / "k.bin").symlink_to(ROOT / "README.md")
    (cfg.parent / "real-rd").write_bytes(b"r" * 100)
    (cfg.parent / "rd").symlink_to("real-rd")
    e = err(bhcfg, cfg, tmp_path / "out", images)
    assert (f'kernel: "bin/k.bin" in the configuration\'s folder leads to {ROOT / "README.md"}, '
            'outside it (a symbolic link); put that file\'s folder in --images (IMAGE_PATH) '
            'instead') in e
    assert "initrd" not in e
    # Found in an image folder, a link is followed.
    imgs = tmp_path / "imgs"
    imgs.mkdir()
    (imgs / "link.bin").symlink_to(images / "baremetal.bin")
    cfg = config(tmp_path, 'kernel = "link.bin";')
    ok(bhcfg, cfg, tmp_path / "out2", imgs)


def test_raw_kernel_dtb_at_top_of_first_region(bhcfg, images, tmp_path):  # noqa: F811
    """A raw binary's BSS and stack are unknown: the DTB must not follow its
    last byte (an external suite's binaries assert on that at boot)."""
    cfg = config(tmp_path, 'kernel = "baremetal.bin";')
    out = ok(bhcfg, cfg, tmp_path / "out", images)
    p = tables(out, tmp_path)["partitions"][0]
    size = p["dtb"]["size"]
    assert p["dtb"]["load"] == (RAM + RAM_SIZE - size) & ~0xfff
    assert p["dtb"]["load"] + size <= RAM + RAM_SIZE
    assert p["dtb"]["load"] >= p["kernel"]["load"] + p["kernel"]["size"]


def test_image_kernel_dtb_above_image_size(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "Image-t";')
    p = tables(ok(bhcfg, cfg, tmp_path / "out", images), tmp_path)["partitions"][0]
    assert p["kernel"]["load"] == RAM + 0x80000
    assert p["dtb"]["load"] == RAM + 0x80000 + 0x200000


def test_dtb_ipa_is_honoured(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin"; dtb-ipa = <0x0 0x49000000>;')
    p = tables(ok(bhcfg, cfg, tmp_path / "out", images), tmp_path)["partitions"][0]
    assert p["dtb"]["load"] == 0x49000000


@pytest.mark.parametrize("where, message", [
    ("<0x0 0x60000000>", "do not fit in memory region 0"),
    ("<0x0 0x48080000>", "dtb-ipa: the device tree (0x"),
    ("<0x0 0x49000004>", "dtb-ipa: 0x49000004 is not 8-byte aligned"),
    ("<0x49000000>", "dtb-ipa: must be one 64-bit address"),
])
def test_dtb_ipa_refused(bhcfg, images, tmp_path, where, message):  # noqa: F811
    cfg = config(tmp_path, f'kernel = "baremetal.bin"; dtb-ipa = {where};')
    assert message in err(bhcfg, cfg, tmp_path / "out", images)


def test_initrd_loaded_and_described_in_chosen(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "Image-t"; initrd = "rd.cpio";')
    rd = bytes((i * 31) & 0xFF for i in range(10000))
    (cfg.parent / "rd.cpio").write_bytes(rd)
    out = ok(bhcfg, cfg, tmp_path / "out", images)
    p = tables(out, tmp_path)["partitions"][0]
    assert bytes.fromhex(p["initrd"]["data"]) == rd
    start = p["initrd"]["load"]
    assert start % 0x1000 == 0
    assert start >= p["dtb"]["load"] + p["dtb"]["size"]
    assert start + len(rd) <= RAM + RAM_SIZE
    dtb = out / "alpha.dtb"
    assert fdtget(dtb, "/chosen", "linux,initrd-start") == f"0 {start:x}"
    assert fdtget(dtb, "/chosen", "linux,initrd-end") == f"0 {start + len(rd):x}"
    # The copy packed into the image carries the same values.
    assert bytes.fromhex(p["dtb"]["data"]) == dtb.read_bytes()


def test_initrd_with_raw_kernel_goes_below_the_dtb(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin"; initrd = "rd.cpio";')
    (cfg.parent / "rd.cpio").write_bytes(b"r" * 5000)
    p = tables(ok(bhcfg, cfg, tmp_path / "out", images), tmp_path)["partitions"][0]
    assert p["initrd"]["load"] + 5000 <= p["dtb"]["load"]
    assert p["initrd"]["load"] % 0x1000 == 0


def test_initrd_that_does_not_fit(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "Image-t"; initrd = "big.cpio";')
    with open(cfg.parent / "big.cpio", "wb") as f:
        f.truncate(RAM_SIZE)
    e = err(bhcfg, cfg, tmp_path / "out", images)
    assert 'initrd: big.cpio (0x8000000 bytes) does not fit in memory region 0' in e


def test_initrd_missing(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin"; initrd = "none.cpio";')
    assert 'initrd: "none.cpio" not found' in err(bhcfg, cfg, tmp_path / "out", images)


def test_depfile_names_every_packed_file(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin"; initrd = "rd.cpio";')
    (cfg.parent / "rd.cpio").write_bytes(b"r" * 10)
    out = tmp_path / "out"
    ok(bhcfg, cfg, out, images)
    text = (out / "images.d").read_text()
    rule = re.search(r"^(\S+) (\S+): (.*)$", text, re.M)
    assert rule.group(1) == f"{out}/config_tables.c" and rule.group(2) == f"{out}/images.S"
    assert rule.group(3).split() == [str(images / "baremetal.bin"), str(cfg.parent / "rd.cpio")]
    # An empty rule for each, so a deleted file does not stop make.
    assert f"\n{images / 'baremetal.bin'}:\n" in text


def test_needs_and_layout(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin";')
    text = cfg.read_text().replace("cpus = <0>;", "cpus = <1 3>;")
    cfg.write_text(text)
    out = ok(bhcfg, cfg, tmp_path / "out", images)
    needs = dict(re.findall(r"^(\w+) := (\S+)$", (out / "needs.mk").read_text(), re.M))
    assert needs["BH_NEED_CORES"] == "4"
    assert int(needs["BH_NEED_RAM_TOP"], 16) == RAM + RAM_SIZE
    assert needs["BH_NEED_MEM_MIB"] == str((RAM + RAM_SIZE - 0x40000000) >> 20)
    assert needs["BH_NEED_GIC"] == "3"
    rows = [ln.split() for ln in (out / "layout.txt").read_text().splitlines()
            if not ln.startswith("#")]
    assert rows == [["alpha", str(images / "baremetal.bin"), hex(RAM + 0x80000), hex(RAM),
                     hex(RAM)]]


@pytest.mark.parametrize("value, stay", [(None, 0), ('"power-off"', 0), ('"stay-up"', 1)])
def test_on_all_stopped(bhcfg, images, tmp_path, value, stay):  # noqa: F811
    extra = f"on-all-stopped = {value};" if value else ""
    cfg = config(tmp_path, 'kernel = "baremetal.bin";', root_extra=extra)
    assert tables(ok(bhcfg, cfg, tmp_path / "out", images), tmp_path)["stay_up"] == stay


def test_on_all_stopped_bad_value(bhcfg, images, tmp_path):  # noqa: F811
    cfg = config(tmp_path, 'kernel = "baremetal.bin";', root_extra='on-all-stopped = "sleep";')
    assert ('on-all-stopped: must be "power-off" (the default) or "stay-up"'
            in err(bhcfg, cfg, tmp_path / "out", images))


def test_image_header_sizes_used(tmp_path):
    """The test Image's header is what the placement tests rely on."""
    data = arm64_image(0x80000, 0x200000, 8192)
    assert struct.unpack_from("<QQ", data, 8) == (0x80000, 0x200000)
