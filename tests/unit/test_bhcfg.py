"""Tests of tools/bhcfg, the configuration compiler.

Binaries: $BHCFG and $BHCFG_ASAN when set, otherwise built here with
`make -f tools/bhcfg/rules.mk BUILD_ROOT=build build/tools/bhcfg
build/tools/bhcfg-asan` in the repo root (the same fragment the top Makefile
includes).

Run: /usr/bin/python3 -m pytest tests/unit/test_bhcfg.py -q
"""

import json
import os
import random
import re
import shutil
import struct
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOARD = ROOT / "platforms" / "qemu-virt" / "board.dts"
TESTBOARD = ROOT / "tests" / "configs" / "testboard" / "board.dts"
CONFIGS = ROOT / "configs"
BAD_DIR = ROOT / "tests" / "configs"
BAD_CONFIGS = sorted(BAD_DIR.glob("bad-*.dts"))

HYP = ["--hyp-base", "0x40000000", "--hyp-size", "0x4000000"]
LIMITS = ["--max-cpus", "8", "--max-partitions", "4"]

KERNEL_SIZE = 4096             # baremetal.bin: raw, no header
IMAGE_T_SIZE = 8192            # Image-t: arm64 header, text_offset 0x80000
IMAGE_T_TEXT = 0x80000
IMAGE_T_IMAGE_SIZE = 0x200000
# Sparse raw binaries for the room left in the hypervisor's image (64 MiB
# range, 3 MiB kept by the hypervisor): one too big alone, two too big together.
HUGE_SIZE = 0x3e00000
HALF_SIZE = 0x2000000


# --------------------------------------------------------------------------
# fixtures


def _binary(env_name, target):
    path = os.environ.get(env_name)
    if path:
        return Path(path)
    build = os.environ.get("BUILD_ROOT", "build")
    out = ROOT / build / "tools" / target
    # rules.mk is self-contained, so this works with or without the top Makefile.
    subprocess.run(["make", "-s", "-C", str(ROOT), "-f", "tools/bhcfg/rules.mk",
                    f"BUILD_ROOT={build}", f"{build}/tools/bhcfg", f"{build}/tools/bhcfg-asan"],
                   check=True)
    return out


@pytest.fixture(scope="session")
def bhcfg():
    return _binary("BHCFG", "bhcfg")


@pytest.fixture(scope="session")
def bhcfg_asan():
    return _binary("BHCFG_ASAN", "bhcfg-asan")


def arm64_image(text_offset, image_size, length):
    """A file with an arm64 Linux Image header (booting.rst) and filler."""
    data = bytearray(length)
    struct.pack_into("<IIQQQ", data, 0, 0x14000000, 0, text_offset, image_size, 0xA)
    struct.pack_into("<I", data, 0x38, 0x644D5241)
    for i in range(64, length):
        data[i] = (i * 7) & 0xFF
    return bytes(data)


@pytest.fixture(scope="session")
def images(tmp_path_factory):
    d = tmp_path_factory.mktemp("images")
    # Raw binary: a recognisable pattern, no header.
    (d / "baremetal.bin").write_bytes(bytes((i * 13 + 5) & 0xFF for i in range(KERNEL_SIZE)))
    # Header declaring 64 MiB (used by bad-kernel-fit-image.dts).
    (d / "Image").write_bytes(arm64_image(0, 0x4000000, 4096))
    (d / "Image-t").write_bytes(arm64_image(IMAGE_T_TEXT, IMAGE_T_IMAGE_SIZE, IMAGE_T_SIZE))
    for name, size in (("huge.bin", HUGE_SIZE), ("half.bin", HALF_SIZE)):
        with open(d / name, "wb") as f:
            f.truncate(size)
    return d


def run(tool, config, out, images, board=BOARD, extra=(), env=None):
    cmd = [str(tool), "--config", str(config), "--board", str(board),
           "--images", str(images), *HYP, *LIMITS, "--out", str(out), *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, errors="replace", env=env,
                          timeout=60)


def dma_warning(config, label, device):
    """The line bhcfg prints for a DMA master a partition is trusted with."""
    return (f'{config}: warning: partition "{label}": {device} masters DMA with physical '
            "addresses and can reach all of memory, including other partitions and the "
            "hypervisor (dma-trusted; no IOMMU)")


def build_ok(tool, config, out, images, board=BOARD, warnings=()):
    """Builds; stderr must hold exactly `warnings`, one line each (none by default)."""
    r = run(tool, config, out, images, board)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == list(warnings), r.stderr
    return out


PRINTER = r"""
#include <stdio.h>
#include "config_tables.h"

static void hex(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		printf("%02x", p[i]);
	}
}

int main(void)
{
	const struct bh_system_config *s = &bh_system;
	printf("{\"name\": \"%s\", \"board\": \"%s\", \"board_ncpus\": %u, \"board_mpidr\": [",
	       s->name, s->board, s->board_ncpus);
	for (unsigned i = 0; i < BH_CFG_MAX_CPUS; i++) {
		printf("%s%llu", i ? ", " : "", (unsigned long long)s->board_mpidr[i]);
	}
	printf("], \"npartitions\": %u, \"partitions\": [", s->npartitions);
	for (unsigned i = 0; i < s->npartitions; i++) {
		const struct bh_partition_config *p = &s->partitions[i];
		printf("%s{\"name\": \"%s\", \"id\": %u, \"cpus\": [", i ? ", " : "", p->name, p->id);
		for (unsigned k = 0; k < p->ncpus; k++) {
			printf("%s%u", k ? ", " : "", p->cpus[k]);
		}
		printf("], \"regions\": [");
		for (unsigned k = 0; k < p->nregions; k++) {
			const struct bh_region *r = &p->regions[k];
			printf("%s[%llu, %llu, %llu, %u]", k ? ", " : "", (unsigned long long)r->pa,
			       (unsigned long long)r->ipa, (unsigned long long)r->size, r->kind);
		}
		printf("], \"irqs\": [");
		for (unsigned k = 0; k < p->nirqs; k++) {
			printf("%s%u", k ? ", " : "", p->irqs[k]);
		}
		printf("], \"fault\": %u, \"delivery\": %u, \"entry\": %llu, ", p->fault_policy,
		       p->irq_delivery, (unsigned long long)p->entry_ipa);
		printf("\"kernel\": {\"size\": %llu, \"load\": %llu, \"data\": \"",
		       (unsigned long long)p->kernel.size, (unsigned long long)p->kernel.load_ipa);
		hex(p->kernel.data, p->kernel.size);
		printf("\"}, \"dtb\": {\"size\": %llu, \"load\": %llu, \"data\": \"",
		       (unsigned long long)p->dtb.size, (unsigned long long)p->dtb.load_ipa);
		hex(p->dtb.data, p->dtb.size);
		printf("\"}, \"initrd\": {\"size\": %llu, \"load\": %llu, \"data\": \"",
		       (unsigned long long)p->initrd.size, (unsigned long long)p->initrd.load_ipa);
		hex(p->initrd.data, p->initrd.size);
		printf("\"}, \"boot_count_offset\": %llu, \"console_ipa\": %llu, \"console_intid\": %u, "
		       "\"console_focus\": %u, \"console_passthrough\": %u, \"watchdog_ipa\": %llu}",
		       (unsigned long long)p->dtb_boot_count_offset, (unsigned long long)p->console_ipa,
		       p->console_intid, p->console_focus, p->console_passthrough,
		       (unsigned long long)p->watchdog_ipa);
	}
	printf("], \"stay_up\": %u}\n", s->stay_up);
	return 0;
}
"""


def tables(out, tmp_path):
    """Links the generated config_tables.c and images.S into a host program
    that prints bh_system, and returns it as a dict."""
    printer = tmp_path / "printer.c"
    printer.write_text(PRINTER)
    exe = tmp_path / "printer"
    subprocess.run(["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", str(ROOT / "core" / "include"),
                    "-o", str(exe), str(printer), str(out / "config_tables.c"), str(out / "images.S")],
                   check=True)
    r = subprocess.run([str(exe)], capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def fdtget(dtb, node, prop, fmt="x"):
    r = subprocess.run(["fdtget", "-t", fmt, str(dtb), node, prop], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def fdt_has(dtb, node, prop=None):
    cmd = ["fdtget", str(dtb), node] + ([prop] if prop else ["-l"])
    return subprocess.run(cmd, capture_output=True).returncode == 0


def subnodes(dtb, node="/"):
    r = subprocess.run(["fdtget", "-l", str(dtb), node], capture_output=True, text=True, check=True)
    return r.stdout.split()


def properties(dtb, node):
    """A node's property names, in the order they are in the blob."""
    r = subprocess.run(["fdtget", "-p", str(dtb), node], capture_output=True, text=True, check=True)
    return r.stdout.split()


def decompile(dtb):
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)], capture_output=True,
                          text=True, check=True).stdout


# --------------------------------------------------------------------------
# rejections


def test_enough_bad_configs():
    # One or more per rejection rule of docs/configuration.md.
    assert len(BAD_CONFIGS) >= 20


@pytest.mark.parametrize("config", BAD_CONFIGS, ids=lambda p: p.stem)
def test_bad_config(bhcfg, images, tmp_path, config):
    text = config.read_text()
    m = re.match(r"/\* expect: (.*) \*/\n", text)
    assert m, f"{config.name}: first line must be /* expect: ... */"
    board = TESTBOARD if "/* board: testboard */" in text else BOARD
    given = config.relative_to(ROOT)
    # `/* dtb: "FROM" -> "TO" */`: a blob only dtc would refuse. The source
    # is compiled, FROM (found once) replaced by TO of the same length, and
    # the blob given to bhcfg instead.
    patch = re.search(r'^/\* dtb: "([^"]+)" -> "([^"]+)" \*/$', text, re.M)
    if patch:
        old, new = patch.group(1).encode(), patch.group(2).encode()
        assert len(old) == len(new)
        blob = dtb_of(config)
        assert blob.count(old) == 1, f"{config.name}: {old} must occur once in the blob"
        given = tmp_path / f"{config.stem}.dtb"
        given.write_bytes(blob.replace(old, new))
    out = tmp_path / "out"
    out.mkdir()
    r = run(bhcfg, given, out, images, board)
    assert r.returncode == 1, r.stderr
    assert m.group(1) in r.stderr
    # Every message names the file it is about.
    for line in r.stderr.splitlines()[:-1]:
        assert line.startswith(str(given) + ":"), line
    assert list(out.iterdir()) == []


def test_one_message_per_conflict(bhcfg, images, tmp_path):
    # A device given twice, or nested in another partition's device, is
    # refused as such; its interrupts are not reported a second time.
    for name in ("bad-dev-twice", "bad-dev-nested-child", "bad-dev-nested-parent"):
        cfg = BAD_DIR / f"{name}.dts"
        board = TESTBOARD if "/* board: testboard */" in cfg.read_text() else BOARD
        r = run(bhcfg, cfg, tmp_path / name, images, board)
        assert r.returncode == 1
        assert "SPI" not in r.stderr and r.stderr.count("devices:") == 1, r.stderr


def test_out_dir_not_created_on_failure(bhcfg, images, tmp_path):
    out = tmp_path / "never"
    r = run(bhcfg, BAD_DIR / "bad-cpus-twice.dts", out, images)
    assert r.returncode == 1
    assert not out.exists()


def _header_max_cpus():
    text = (ROOT / "core" / "include" / "config_tables.h").read_text()
    return int(re.search(r"#define BH_CFG_MAX_CPUS\s+(\d+)u", text).group(1))


@pytest.mark.parametrize("base,extra", [
    (False, []),
    (False, ["--config", "configs/qemu-virt-hyp-only.dts"]),
    (True, ["--bogus"]),
    # One past BH_CFG_MAX_CPUS, the array size bhcfg is built with.
    (True, ["--max-cpus", str(_header_max_cpus() + 1)]),
    (True, ["--max-cpus", "0"]),
    (True, ["--hyp-base", "0x4000zz"]),
    (True, ["--hyp-size", "-1"]),
    (True, ["--max-partitions", "99999999999999999999999"]),
    (True, ["extra-positional"]),
    (True, ["--hyp-reserve", "3M"]),
], ids=["none", "missing", "unknown", "cpus-max", "cpus0", "badnum", "negative", "huge",
        "positional", "reserve"])
def test_usage_errors(bhcfg, tmp_path, base, extra):
    args = ["--config", "configs/qemu-virt-hyp-only.dts", "--board", str(BOARD), *HYP,
            "--out", str(tmp_path / "o")] if base else []
    r = subprocess.run([str(bhcfg), *args, *extra], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "usage:" in r.stderr
    assert not (tmp_path / "o").exists()


def test_help(bhcfg):
    r = subprocess.run([str(bhcfg), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "usage:" in r.stdout


def test_hyp_range_checked(bhcfg, images, tmp_path):
    cfg = CONFIGS / "qemu-virt-hyp-only.dts"
    cmd = [str(bhcfg), "--config", str(cfg), "--board", str(BOARD), "--out", str(tmp_path / "o")]
    r = subprocess.run(cmd + ["--hyp-base", "0x40000800", "--hyp-size", "0x100000"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "4 KiB aligned" in r.stderr
    r = subprocess.run(cmd + ["--hyp-base", "0x7ff00000", "--hyp-size", "0x200000"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "not inside the board's RAM" in r.stderr
    assert not (tmp_path / "o").exists()


def test_hyp_reserve(bhcfg, images, tmp_path):
    # bad-kernel-room.dts: refused with the default 3 MiB kept by the
    # hypervisor; a smaller estimate leaves room for the kernel.
    cfg = BAD_DIR / "bad-kernel-room.dts"
    r = run(bhcfg, cfg, tmp_path / "o", images, extra=["--hyp-reserve", "0x100000"])
    assert r.returncode == 0, r.stderr
    r = run(bhcfg, cfg, tmp_path / "p", images, extra=["--hyp-reserve", "0x4000000"])
    assert r.returncode == 1 and "more than the 0x0 its range leaves" in r.stderr


def test_invalid_blobs(bhcfg, images, tmp_path):
    good = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", str(BOARD)], capture_output=True,
                          check=True).stdout
    bdir = tmp_path / "qemu-virt"
    bdir.mkdir()
    board = bdir / "board.dtb"
    board.write_bytes(good[: len(good) // 2])
    r = run(bhcfg, CONFIGS / "qemu-virt-two-baremetal.dts", tmp_path / "o", images, board)
    assert r.returncode == 1 and "not a valid device tree blob" in r.stderr
    broken = tmp_path / "broken.dts"
    broken.write_text("/dts-v1/;\n/ { compatible = \"bulkhead,config-v1\" \n")
    r = run(bhcfg, broken, tmp_path / "o", images)
    assert r.returncode == 1 and "dtc failed" in r.stderr
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------
# good configurations


def test_hyp_only(bhcfg, images, tmp_path):
    out = build_ok(bhcfg, CONFIGS / "qemu-virt-hyp-only.dts", tmp_path / "out", images)
    assert sorted(p.name for p in out.iterdir()) == [
        "config_tables.c", "images.S", "images.d", "layout.txt", "needs.mk"]
    assert ".incbin" not in (out / "images.S").read_text()
    t = tables(out, tmp_path)
    assert t["name"] == "qemu-virt-hyp-only"
    assert t["board"] == "qemu-virt"
    assert t["npartitions"] == 0
    assert t["board_ncpus"] == 4
    assert t["board_mpidr"][:4] == [0, 1, 2, 3]


def test_two_baremetal_tables(bhcfg, images, tmp_path):
    out = build_ok(bhcfg, CONFIGS / "qemu-virt-two-baremetal.dts", tmp_path / "out", images)
    assert sorted(p.name for p in out.iterdir()) == [
        "alpha.dtb", "beta.dtb", "config_tables.c", "images.S", "images.d", "layout.txt",
        "needs.mk"]
    t = tables(out, tmp_path)
    assert t["name"] == "qemu-virt-two-baremetal"
    assert t["npartitions"] == 2
    alpha, beta = t["partitions"]
    assert (alpha["name"], alpha["id"], beta["name"], beta["id"]) == ("alpha", 0, "beta", 1)
    assert alpha["cpus"] == [0, 1] and beta["cpus"] == [2, 3]
    # RAM first, then the PL031's page; beta has RAM only.
    assert alpha["regions"] == [[0x48000000, 0x48000000, 0x8000000, 1],
                                [0x9010000, 0x9010000, 0x1000, 2]]
    assert beta["regions"] == [[0x50000000, 0x50000000, 0x8000000, 1]]
    # The PL031's SPI 2, and each emulated console's own spare SPI (the
    # board's bulkhead,spare-spis = <208 16>: INTIDs 240, 241).
    assert alpha["irqs"] == [34, 240] and beta["irqs"] == [241]
    assert alpha["fault"] == 2 and beta["fault"] == 3      # halt, restart
    assert alpha["delivery"] == 1 and beta["delivery"] == 1
    kernel = (images / "baremetal.bin").read_bytes()
    for p, base, name in ((alpha, 0x48000000, "alpha"), (beta, 0x50000000, "beta")):
        # Raw binary: RAM IPA base + 0x80000; its footprint is unknown, so
        # the DTB goes at the top of the region, page aligned.
        assert p["entry"] == base + 0x80000
        assert p["kernel"]["load"] == p["entry"]
        assert p["kernel"]["size"] == len(kernel)
        assert bytes.fromhex(p["kernel"]["data"]) == kernel
        dtb = (out / f"{name}.dtb").read_bytes()
        assert p["dtb"]["size"] == len(dtb)
        assert bytes.fromhex(p["dtb"]["data"]) == dtb
        assert p["dtb"]["load"] == (base + 0x8000000 - len(dtb)) & ~0xfff
        assert p["console_ipa"] == 0x9000000


def test_two_baremetal_dtbs(bhcfg, images, tmp_path):
    out = build_ok(bhcfg, CONFIGS / "qemu-virt-two-baremetal.dts", tmp_path / "out", images)
    for name, base, owns_rtc in (("alpha", 0x48000000, True), ("beta", 0x50000000, False)):
        dtb = out / f"{name}.dtb"
        assert fdtget(dtb, "/", "#address-cells") == "2"
        assert fdtget(dtb, "/", "#size-cells") == "2"
        assert fdtget(dtb, "/", "compatible", "s") == "linux,dummy-virt"
        assert fdtget(dtb, "/", "model", "s") == f"Bulkhead partition {name}"
        assert fdtget(dtb, "/", "interrupt-parent") == "8005"
        # Virtual CPUs 0..n-1.
        assert subnodes(dtb, "/cpus") == ["cpu@0", "cpu@1"]
        for i in range(2):
            assert fdtget(dtb, f"/cpus/cpu@{i}", "reg") == str(i)
            assert fdtget(dtb, f"/cpus/cpu@{i}", "enable-method", "s") == "psci"
            assert fdtget(dtb, f"/cpus/cpu@{i}", "compatible", "s") == "arm,cortex-a53"
            assert fdtget(dtb, f"/cpus/cpu@{i}", "device_type", "s") == "cpu"
        assert fdtget(dtb, "/psci", "method", "s") == "hvc"
        assert fdtget(dtb, "/psci", "compatible", "s") == "arm,psci-1.0 arm,psci-0.2"
        assert fdtget(dtb, f"/memory@{base:x}", "reg") == f"0 {base:x} 0 8000000"
        assert fdtget(dtb, f"/memory@{base:x}", "device_type", "s") == "memory"
        # The partition's GIC view: GICD + two redistributor frames, no ITS.
        assert fdtget(dtb, "/intc@8000000", "compatible", "s") == "arm,gic-v3"
        assert fdtget(dtb, "/intc@8000000", "reg") == "0 8000000 0 10000 0 80a0000 0 40000"
        assert fdtget(dtb, "/intc@8000000", "phandle") == "8005"
        assert fdtget(dtb, "/intc@8000000", "#interrupt-cells") == "3"
        assert fdt_has(dtb, "/intc@8000000", "interrupt-controller")
        assert subnodes(dtb, "/intc@8000000") == []
        assert fdtget(dtb, "/timer", "compatible", "s") == "arm,armv8-timer arm,armv7-timer"
        # Emulated console, chosen.
        assert fdtget(dtb, "/chosen", "stdout-path", "s") == "/pl011@9000000"
        assert fdtget(dtb, "/chosen", "bootargs", "s") == f"name={name} smp hb=1000"
        assert fdtget(dtb, "/chosen", "bulkhead,boot-count") == "0"
        assert fdtget(dtb, "/pl011@9000000", "reg") == "0 9000000 0 1000"
        # The console right after /chosen, its reg and interrupts first: what
        # a partition reads before its first line is the first it walks over
        # (partitions/rtos/board.c).
        assert subnodes(dtb)[:2] == ["chosen", "pl011@9000000"]
        props = properties(dtb, "/pl011@9000000")
        assert set(props[:2]) == {"reg", "interrupts"}, props
        assert "compatible" in props[2:]
        # Devices: the RTC only in alpha, and its clock with it.
        top = subnodes(dtb)
        assert ("pl031@9010000" in top) == owns_rtc
        assert "apb-pclk" in top
        if owns_rtc:
            assert fdtget(dtb, "/pl031@9010000", "interrupts") == "0 2 4"
            assert fdtget(dtb, "/pl031@9010000", "clocks") == "8000"
        text = decompile(dtb)
        for foreign in ("virtio_mmio", "flash@", "pcie@", "fw-cfg", "pl061", "its@",
                        "platform-bus", "gpio-keys", "pmu", "smc"):
            assert foreign not in text, (name, foreign)
        assert sorted(top) == sorted(
            ["chosen", "cpus", "psci", f"memory@{base:x}", "intc@8000000", "pl011@9000000",
             "timer", "apb-pclk"] + (["pl031@9010000"] if owns_rtc else []))


def test_boot_count_offset(bhcfg, images, tmp_path):
    out = build_ok(bhcfg, CONFIGS / "qemu-virt-two-baremetal.dts", tmp_path / "out", images)
    t = tables(out, tmp_path)
    for p in t["partitions"]:
        dtb = bytearray((out / f"{p['name']}.dtb").read_bytes())
        off = p["boot_count_offset"]
        assert off % 4 == 0 and dtb[off:off + 4] == b"\0\0\0\0"
        dtb[off:off + 4] = struct.pack(">I", 42)
        patched = tmp_path / f"{p['name']}-patched.dtb"
        patched.write_bytes(dtb)
        assert fdtget(patched, "/chosen", "bulkhead,boot-count", "u") == "42"


def test_three_baremetal(bhcfg, images, tmp_path):
    out = build_ok(bhcfg, CONFIGS / "qemu-virt-three-baremetal.dts", tmp_path / "out", images)
    t = tables(out, tmp_path)
    parts = t["partitions"]
    assert [p["name"] for p in parts] == ["alpha", "beta", "gamma"]
    assert [p["cpus"] for p in parts] == [[0], [1], [2, 3]]
    assert [p["fault"] for p in parts] == [2, 3, 1]
    assert [p["regions"][0][0] for p in parts] == [0x48000000, 0x4C000000, 0x50000000]
    assert subnodes(out / "alpha.dtb", "/cpus") == ["cpu@0"]
    assert subnodes(out / "gamma.dtb", "/cpus") == ["cpu@0", "cpu@1"]
    assert fdtget(out / "gamma.dtb", "/intc@8000000", "reg") == "0 8000000 0 10000 0 80a0000 0 40000"
    assert fdtget(out / "alpha.dtb", "/intc@8000000", "reg") == "0 8000000 0 10000 0 80a0000 0 20000"


def write_config(tmp_path, name, body, board="qemu-virt"):
    cfg = tmp_path / f"{name}.dts"
    cfg.write_text('/dts-v1/;\n/ {\n\tcompatible = "bulkhead,config-v1";\n'
                   f'\tboard = "{board}";\n{body}\n}};\n')
    return cfg


def test_image_header_placement_and_ipa(bhcfg, images, tmp_path):
    # RAM at PA 0x48100000 shown at IPA 0x40100000: the Image goes to the
    # next 2 MiB boundary of the IPA + text_offset, the DTB above image_size.
    cfg = write_config(tmp_path, "img", """
	partition@0 {
		label = "linux";
		cpus = <1>;
		memory = <0x0 0x48100000 0x0 0x4000000>;
		ipa = <0x0 0x40100000>;
		kernel = "Image-t";
		irq-delivery = "direct";
		console = "none";
		on-fault = "log";
	};""")
    out = build_ok(bhcfg, cfg, tmp_path / "out", images)
    t = tables(out, tmp_path)
    assert t["name"] == "img"
    p = t["partitions"][0]
    entry = 0x40200000 + IMAGE_T_TEXT
    assert p["entry"] == entry and p["kernel"]["load"] == entry
    assert p["kernel"]["size"] == IMAGE_T_SIZE
    assert p["dtb"]["load"] == entry + IMAGE_T_IMAGE_SIZE
    assert p["regions"] == [[0x48100000, 0x40100000, 0x4000000, 1]]
    assert p["delivery"] == 2 and p["fault"] == 1
    assert p["console_ipa"] == 0
    dtb = out / "linux.dtb"
    assert fdtget(dtb, "/memory@40100000", "reg") == "0 40100000 0 4000000"
    assert not fdt_has(dtb, "/chosen", "stdout-path")
    assert not fdt_has(dtb, "/chosen", "bootargs")
    assert "pl011@9000000" not in subnodes(dtb)
    assert "apb-pclk" not in subnodes(dtb)


def test_watchdog(bhcfg, images, tmp_path):
    # An emulated SP805 where the configuration says: in the tables, and in
    # the partition's tree as Linux's sp805_wdt and the AMBA bus want it,
    # with a fixed clock at the rate the hypervisor counts at (its phandle
    # above every board one). Nothing of it is mapped in stage 2.
    cfg = write_config(tmp_path, "wdt", """
	partition@0 {
		label = "alpha";
		cpus = <0>;
		memory = <0x0 0x48000000 0x0 0x4000000>;
		kernel = "baremetal.bin";
		watchdog = <0x0 0x09040000>;
	};
	partition@1 {
		label = "beta";
		cpus = <1>;
		memory = <0x0 0x50000000 0x0 0x4000000>;
		kernel = "baremetal.bin";
	};""")
    out = build_ok(bhcfg, cfg, tmp_path / "out", images)
    t = tables(out, tmp_path)
    assert [p["watchdog_ipa"] for p in t["partitions"]] == [0x09040000, 0]
    assert all(r[1] != 0x09040000 for r in t["partitions"][0]["regions"])
    dtb = out / "alpha.dtb"
    node = "/watchdog@9040000"
    assert fdtget(dtb, node, "compatible", "s") == "arm,sp805 arm,primecell"
    assert fdtget(dtb, node, "reg") == "0 9040000 0 1000"
    assert fdtget(dtb, node, "clock-names", "s") == "wdog_clk apb_pclk"
    assert not fdt_has(dtb, node, "interrupts")
    clk = fdtget(dtb, "/bulkhead-wdog-clk", "phandle", "u")
    assert fdtget(dtb, node, "clocks", "u") == f"{clk} {clk}"
    assert fdtget(dtb, "/bulkhead-wdog-clk", "compatible", "s") == "fixed-clock"
    assert fdtget(dtb, "/bulkhead-wdog-clk", "#clock-cells", "u") == "0"
    assert fdtget(dtb, "/bulkhead-wdog-clk", "clock-frequency", "u") == "1000000"
    board_phandles = re.findall(r"phandle = <(0x[0-9a-f]+)>", BOARD.read_text())
    assert board_phandles
    assert int(clk) > max(int(p, 16) for p in board_phandles)
    # beta has none.
    assert not any(n.startswith("watchdog") for n in subnodes(out / "beta.dtb"))
    assert "bulkhead-wdog-clk" not in subnodes(out / "beta.dtb")


def test_nested_device_and_shared_page(bhcfg, images, tmp_path):
    # A device behind a bus with ranges is translated to its CPU address;
    # virtio slots sharing a page within one partition are one region.
    cfg = write_config(tmp_path, "nested", """
	partition@0 {
		label = "a";
		cpus = <0 1 2 3>;
		memory = <0x0 0x48000000 0x0 0x1000000 0x0 0x60000000 0x0 0x1000000>;
		devices = "/bus@9200000/nested@2000", "/shared-a@9100000", "/shared-b@9101000",
			  VIRTIO;
		dma-trusted = VIRTIO;
		kernel = "baremetal.bin";
	};""".replace("VIRTIO", ", ".join(f'"/virtio_mmio@a000{x:03x}"' for x in range(0, 0x1000, 0x200))),
                       board="testboard")
    out = build_ok(bhcfg, cfg, tmp_path / "out", images, TESTBOARD,
                   warnings=[dma_warning(cfg, "a", f"/virtio_mmio@a000{x:03x}")
                             for x in range(0, 0x1000, 0x200)])
    p = tables(out, tmp_path)["partitions"][0]
    assert p["regions"] == [
        [0x48000000, 0x48000000, 0x1000000, 1],
        [0x60000000, 0x60000000, 0x1000000, 1],
        [0x9100000, 0x9100000, 0x2000, 2],
        [0x9202000, 0x9202000, 0x1000, 2],
        [0xA000000, 0xA000000, 0x1000, 2],
    ]
    assert p["irqs"] == [48, 49, 50, 51, 52, 53, 54, 55, 92, 102, 240]
    dtb = out / "a.dtb"
    assert subnodes(dtb, "/cpus") == ["cpu@0", "cpu@1", "cpu@2", "cpu@3"]
    assert subnodes(dtb, "/bus@9200000") == ["nested@2000"]
    assert fdtget(dtb, "/bus@9200000", "ranges") == "0 0 9200000 10000"
    assert not fdt_has(dtb, "/bus@9200000", "reg")
    assert fdtget(dtb, "/bus@9200000/nested@2000", "reg") == "2000 100"
    assert fdtget(dtb, "/memory@60000000", "reg") == "0 60000000 0 1000000"
    assert fdtget(dtb, "/intc@8000000", "reg") == "0 8000000 0 10000 0 80a0000 0 80000"


def dtb_gic_spis(dtb, gic_phandle, skip=()):
    """The INTIDs of every SPI the partition's device tree gives a node (but
    the nodes in skip), following interrupt-parent as a guest does."""
    found = set()

    def prop(node, name):
        r = subprocess.run(["fdtget", "-t", "u", str(dtb), node, name], capture_output=True,
                           text=True)
        return [int(v) for v in r.stdout.split()] if r.returncode == 0 else None

    def visit(node, parent):
        own = prop(node, "interrupt-parent")
        parent = own[0] if own else parent
        ext = prop(node, "interrupts-extended")
        if ext is not None:
            assert ext[0] == gic_phandle and len(ext) == 4, (node, ext)
            specs = [ext[1:]]
        else:
            cells = prop(node, "interrupts") or []
            specs = [cells[i:i + 3] for i in range(0, len(cells), 3)] if parent == gic_phandle else []
        for kind, num, _flags in specs:
            if kind == 0:
                found.add(32 + num)
        for child in subnodes(dtb, node):
            path = node.rstrip("/") + "/" + child
            if path not in skip:
                visit(path, parent)

    visit("/", None)
    return found


def test_partition_interrupts(bhcfg, images, tmp_path):
    # A partition's interrupts: those of its devices' nodes and subnodes,
    # each once, ascending, in the table; the same ones in its device tree,
    # next to a GICv3 with one redistributor frame per vCPU and the timer's
    # PPIs. A subnode wired to its device's own controller stays inside.
    cfg = write_config(tmp_path, "irqs", """
	partition@0 {
		label = "a";
		cpus = <1 2 3>;
		memory = <0x0 0x48000000 0x0 0x1000000>;
		devices = "/two-irqs@9117000", "/gpio-block@911a000", "/mfd@9300000",
			  "/shared-ext@9119000", "/shared-a@9100000";
		kernel = "baremetal.bin";
	};
	partition@1 {
		label = "b";
		cpus = <0>;
		memory = <0x0 0x50000000 0x0 0x1000000>;
		devices = "/pl031@9010000";
		kernel = "baremetal.bin";
	};""", board="testboard")
    out = build_ok(bhcfg, cfg, tmp_path / "out", images, TESTBOARD)
    a, b = tables(out, tmp_path)["partitions"]
    assert a["irqs"] == [92, 112, 122, 123, 127, 240]
    assert b["irqs"] == [34, 241]
    for p, ncpus, spi in ((a, 3, 208), (b, 1, 209)):
        dtb = out / f"{p['name']}.dtb"
        # The emulated console's interrupt is a spare SPI of the
        # partition's own, level-sensitive; the board UART's SPI 1 stays
        # the hypervisor's (its console input).
        assert fdtget(dtb, "/pl011@9000000", "interrupts") == f"0 {spi:x} 4"
        assert p["console_intid"] == 32 + spi
        assert 33 not in p["irqs"]
        assert dtb_gic_spis(dtb, 0x8005, skip=("/pl011@9000000",)) == set(p["irqs"]) - {32 + spi}
        assert fdtget(dtb, "/intc@8000000", "reg") == f"0 8000000 0 10000 0 80a0000 0 {ncpus * 0x20000:x}"
        assert fdtget(dtb, "/intc@8000000", "compatible", "s") == "arm,gic-v3"
        assert fdt_has(dtb, "/intc@8000000", "interrupt-controller")
        assert not fdt_has(dtb, "/intc@8000000", "bulkhead,spi-count")
        assert fdtget(dtb, "/", "interrupt-parent") == "8005"
        assert fdtget(dtb, "/timer", "interrupts") == "1 d 4 1 e 4 1 b 4 1 a 4"
    dtb = out / "a.dtb"
    assert fdtget(dtb, "/gpio-block@911a000/button", "interrupts") == "3 1"
    assert fdtget(dtb, "/mfd@9300000/cell@9301000", "interrupts") == "0 50 4"


def board_variant(tmp_path, name, body):
    """The test board with `body` appended, in a folder called testboard."""
    d = tmp_path / name / "testboard"
    d.mkdir(parents=True)
    board = d / "board.dts"
    board.write_text(f'/include/ "{TESTBOARD}"\n{body}\n')
    return board


def test_board_spi_count(bhcfg, images, tmp_path):
    cfg = write_config(tmp_path, "spi", """
	partition@0 {
		label = "a";
		cpus = <0>;
		memory = <0x0 0x48000000 0x0 0x1000000>;
		devices = "/spi-past-gic@9113000";
		kernel = "baremetal.bin";
	};""", board="testboard")
    # Without bulkhead,spi-count the GIC may have all 988 SPIs (bad-irq-
    # spi-board.dts: refused with QEMU's 224).
    board = board_variant(tmp_path, "absent", "&{/intc@8000000} { /delete-property/ bulkhead,spi-count; };")
    out = build_ok(bhcfg, cfg, tmp_path / "out", images, board)
    assert tables(out, tmp_path)["partitions"][0]["irqs"] == [240, 288]
    board = board_variant(tmp_path, "more", "&{/intc@8000000} { bulkhead,spi-count = <257>; };")
    build_ok(bhcfg, cfg, tmp_path / "out2", images, board)
    # The hypervisor's console (SPI 1) is checked too, as part of the board.
    # (Without spare SPIs, which such a GIC could not have either.)
    board = board_variant(tmp_path, "zero", "&{/intc@8000000} { bulkhead,spi-count = <0>; "
                          "/delete-property/ bulkhead,spare-spis; };")
    r = run(bhcfg, cfg, tmp_path / "out3", images, board)
    assert r.returncode == 1
    assert ("/pl011@9000000: SPI 1 (INTID 33): the board's GIC has no SPIs "
            "(bulkhead,spi-count of /intc@8000000 is 0)") in r.stderr
    board = board_variant(tmp_path, "one", "&{/intc@8000000} { bulkhead,spi-count = <1>; "
                          "/delete-property/ bulkhead,spare-spis; };")
    r = run(bhcfg, cfg, tmp_path / "out4", images, board)
    assert r.returncode == 1
    assert ("/pl011@9000000: SPI 1 (INTID 33) is beyond the board's GIC, which has 1 SPI "
            "(0..0, INTIDs 32..32: bulkhead,spi-count of /intc@8000000)") in r.stderr
    for i, bad in enumerate(("<989>", "<1 2>", '"256"')):
        board = board_variant(tmp_path, f"bad{i}", f"&{{/intc@8000000}} {{ bulkhead,spi-count = {bad}; }};")
        r = run(bhcfg, cfg, tmp_path / "out5", images, board)
        assert r.returncode == 1, bad
        assert "/intc@8000000: bulkhead,spi-count: must be one cell, 0..988 (SPIs are INTIDs 32..1019)" in r.stderr
    assert not any((tmp_path / o).exists() for o in ("out3", "out4", "out5"))


def test_board_spare_spis(bhcfg, images, tmp_path):
    """bulkhead,spare-spis gives each emulated console its interrupt; a board
    that names too few, names SPIs a device drives, or names them badly is
    refused with the reason."""
    two = """
	partition@0 {
		label = "a";
		cpus = <0>;
		memory = <0x0 0x48000000 0x0 0x1000000>;
		kernel = "baremetal.bin";
	};
	partition@1 {
		label = "b";
		cpus = <1>;
		memory = <0x0 0x50000000 0x0 0x1000000>;
		kernel = "baremetal.bin";
	};"""
    cfg = write_config(tmp_path, "spare", two, board="testboard")
    board = board_variant(tmp_path, "one", "&{/intc@8000000} { bulkhead,spare-spis = <220 1>; };")
    r = run(bhcfg, cfg, tmp_path / "out1", images, board)
    assert r.returncode == 1
    assert ('partition "b": console: no interrupt left for its emulated console: the board names '
            "1 spare SPI(s) (bulkhead,spare-spis on its GIC node) and 1 partition(s) before "
            "this one took them") in r.stderr
    board = board_variant(tmp_path, "driven", "&{/intc@8000000} { bulkhead,spare-spis = <2 2>; };")
    r = run(bhcfg, cfg, tmp_path / "out2", images, board)
    assert r.returncode == 1
    assert ('partition "a": console: spare SPI 2 (INTID 34, from bulkhead,spare-spis) is the '
            "interrupt of /pl031@9010000: fix the board's bulkhead,spare-spis") in r.stderr
    for i, bad in enumerate(("<208>", "<220 7>", "<208 0>", "<1000 1>")):
        board = board_variant(tmp_path, f"bad{i}", f"&{{/intc@8000000}} {{ bulkhead,spare-spis = {bad}; }};")
        r = run(bhcfg, cfg, tmp_path / f"out-bad{i}", images, board)
        assert r.returncode == 1, bad
        assert "/intc@8000000: bulkhead,spare-spis: " in r.stderr, r.stderr
    # A board that names no spare SPIs (QEMU's own dump): the emulated
    # consoles build output only, with a warning each.
    board = board_variant(tmp_path, "none", "&{/intc@8000000} { /delete-property/ bulkhead,spare-spis; };")
    r = run(bhcfg, cfg, tmp_path / "out-none", images, board)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("the board names no spare SPIs (bulkhead,spare-spis on its GIC node): its "
                          "emulated console is output only") == 2
    t = tables(tmp_path / "out-none", tmp_path)
    assert [(p["irqs"], p["console_intid"]) for p in t["partitions"]] == [([], 0), ([], 0)]
    cfg = write_config(tmp_path, "quiet", two.replace('kernel = "baremetal.bin";',
                                                     'kernel = "baremetal.bin";\n\t\tconsole = "none";'),
                       board="testboard")
    out = build_ok(bhcfg, cfg, tmp_path / "out3", images, board)
    assert [p["irqs"] for p in tables(out, tmp_path)["partitions"]] == [[], []]


def test_console_focus(bhcfg, images, tmp_path):
    """console-focus names the partition whose console takes input first:
    one at most, an empty property, on an emulated console."""
    def two(a_extra, b_extra):
        return f"""
	partition@0 {{
		label = "a";
		cpus = <0>;
		memory = <0x0 0x48000000 0x0 0x1000000>;
		kernel = "baremetal.bin";
		{a_extra}
	}};
	partition@1 {{
		label = "b";
		cpus = <1>;
		memory = <0x0 0x50000000 0x0 0x1000000>;
		kernel = "baremetal.bin";
		{b_extra}
	}};"""
    out = build_ok(bhcfg, write_config(tmp_path, "focus", two("", "console-focus;")),
                   tmp_path / "out", images)
    assert [p["console_focus"] for p in tables(out, tmp_path)["partitions"]] == [0, 1]
    cases = [
        (two("console-focus;", "console-focus;"),
         'partition "b": console-focus: partition "a" has it already: one partition takes input first'),
        (two('console = "none";\n\t\tconsole-focus;', ""),
         'partition "a": console-focus: needs console = "emulated": input goes to an emulated console'),
        (two('console-focus = "yes";', ""),
         'partition "a": console-focus: takes no value (write "console-focus;")'),
    ]
    for i, (parts, msg) in enumerate(cases):
        r = run(bhcfg, write_config(tmp_path, f"focus-bad{i}", parts), tmp_path / f"bad{i}", images)
        assert r.returncode == 1, parts
        assert msg in r.stderr, r.stderr


def test_console_passthrough(bhcfg, images, tmp_path):
    """console = "passthrough": the board's console UART is the partition's
    device (page mapped, SPI 1 its own, node and stdout-path in its tree);
    a second one, or an emulated console beside it, is refused."""
    def parts(a_console, b_console):
        return f"""
	partition@0 {{
		label = "a";
		cpus = <0>;
		memory = <0x0 0x48000000 0x0 0x1000000>;
		kernel = "baremetal.bin";
		console = "{a_console}";
	}};
	partition@1 {{
		label = "b";
		cpus = <1>;
		memory = <0x0 0x50000000 0x0 0x1000000>;
		kernel = "baremetal.bin";
		console = "{b_console}";
	}};"""
    out = build_ok(bhcfg, write_config(tmp_path, "pass", parts("passthrough", "none")),
                   tmp_path / "out", images)
    a, b = tables(out, tmp_path)["partitions"]
    assert [0x9000000, 0x9000000, 0x1000, 2] in a["regions"]
    assert a["irqs"] == [33] and b["irqs"] == []
    assert (a["console_passthrough"], a["console_ipa"], a["console_intid"]) == (1, 0, 0)
    assert (b["console_passthrough"], b["console_ipa"]) == (0, 0)
    dtb = out / "a.dtb"
    assert fdtget(dtb, "/pl011@9000000", "interrupts") == "0 1 4"
    assert fdtget(dtb, "/chosen", "stdout-path", "s") == "/pl011@9000000"
    assert not fdt_has(out / "b.dtb", "/pl011@9000000")
    r = run(bhcfg, write_config(tmp_path, "pass2", parts("passthrough", "passthrough")),
            tmp_path / "bad1", images)
    assert r.returncode == 1
    assert 'partition "b": devices: device /pl011@9000000 is already assigned to partition "a"' in r.stderr
    r = run(bhcfg, write_config(tmp_path, "pass3", parts("passthrough", "emulated")),
            tmp_path / "bad2", images)
    assert r.returncode == 1
    assert ('partition "b": console: "emulated" while partition "a" has the board\'s UART passed '
            'through: once that partition starts, the hypervisor has no console to show this one '
            'on (use "none")') in r.stderr


def test_device_path_without_unit_address(bhcfg, images, tmp_path):
    # A component without its unit address is fine when it names one node
    # (bad-dev-ambiguous.dts: refused when it names several).
    cfg = write_config(tmp_path, "short", """
	partition@0 {
		label = "a";
		cpus = <0>;
		memory = <0x0 0x48000000 0x0 0x1000000>;
		devices = "/pl031", "/bus/nested@2000";
		kernel = "baremetal.bin";
	};""", board="testboard")
    out = build_ok(bhcfg, cfg, tmp_path / "out", images, TESTBOARD)
    assert "pl031@9010000" in subnodes(out / "a.dtb")
    assert subnodes(out / "a.dtb", "/bus@9200000") == ["nested@2000"]


def test_generated_sources_cross_compile(bhcfg, images, tmp_path):
    cc = shutil.which("aarch64-linux-gnu-gcc")
    if cc is None:
        pytest.skip("no aarch64-linux-gnu-gcc")
    out = build_ok(bhcfg, CONFIGS / "qemu-virt-two-baremetal.dts", tmp_path / "out", images)
    subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-ffreestanding",
                    "-I", str(ROOT / "core" / "include"), "-c", str(out / "config_tables.c"),
                    "-o", str(tmp_path / "t.o")], check=True)
    subprocess.run([cc, "-c", str(out / "images.S"), "-o", str(tmp_path / "i.o")], check=True)


def test_changed_kernel_fails_assembly(bhcfg, images, tmp_path):
    imgs = tmp_path / "imgs"
    shutil.copytree(images, imgs)
    out = build_ok(bhcfg, CONFIGS / "qemu-virt-two-baremetal.dts", tmp_path / "out", imgs)
    with open(imgs / "baremetal.bin", "ab") as f:
        f.write(b"more")
    r = subprocess.run(["cc", "-c", str(out / "images.S"), "-o", str(tmp_path / "i.o")],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "changed size since bhcfg ran" in r.stderr


def test_rerun_is_identical(bhcfg, images, tmp_path):
    cfg = CONFIGS / "qemu-virt-two-baremetal.dts"
    a = build_ok(bhcfg, cfg, tmp_path / "a", images)
    b = build_ok(bhcfg, cfg, tmp_path / "b", images)
    for name in ("alpha.dtb", "beta.dtb", "config_tables.c"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


# --------------------------------------------------------------------------
# mutation fuzzing with the sanitizer build

FDT_PROP = 3


def struct_words(blob):
    """Offsets of the FDT_PROP tokens in a blob's structure block (test-side
    knowledge of the format, to aim mutations at property lengths)."""
    if len(blob) < 40:
        return 0, 0, []
    off_struct = struct.unpack_from(">I", blob, 8)[0]
    size_struct = struct.unpack_from(">I", blob, 36)[0]
    props = []
    for off in range(off_struct, min(len(blob), off_struct + size_struct) - 8, 4):
        if struct.unpack_from(">I", blob, off)[0] == FDT_PROP:
            props.append(off)
    return off_struct, size_struct, props


def mutate(blob, rng):
    b = bytearray(blob)
    kind = rng.randrange(6)
    off_struct, size_struct, props = struct_words(blob)
    if kind == 0 and b:                # random byte flips
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == 1:                    # truncation
        b = b[: rng.randrange(max(1, len(b)))]
    elif kind == 2 and props:          # property length changes
        p = rng.choice(props)
        length = struct.unpack_from(">I", b, p + 4)[0]
        new = rng.choice([0, 1, 3, length - 1, length + 1, length + 4, 0x7FFFFFFF, 0xFFFFFFFF])
        struct.pack_into(">I", b, p + 4, new & 0xFFFFFFFF)
    elif kind == 3 and props:          # huge or odd cell values
        p = rng.choice(props)
        length = struct.unpack_from(">I", b, p + 4)[0]
        w = p + 12 + 4 * rng.randrange(max(1, length // 4))
        if length >= 4 and w + 4 <= len(b):
            struct.pack_into(">I", b, w, rng.choice([0, 1, 0xFFFFFFFF, 0x80000000, 0xFFFFF000, 0x1000, 9]))
    elif kind == 4 and len(b) >= 40:   # header fields
        field = rng.choice([4, 8, 12, 16, 20, 32, 36])
        struct.pack_into(">I", b, field, rng.choice([0, 1, len(b), len(b) * 2, 0xFFFFFFFF]))
    else:                              # a random aligned word in the structure block
        w = off_struct + 4 * rng.randrange(max(1, size_struct // 4))
        if 0 < w and w + 4 <= len(b):
            struct.pack_into(">I", b, w, rng.getrandbits(32))
    return bytes(b)


def dtb_of(src):
    return subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", str(src)], capture_output=True,
                          check=True).stdout


ASAN_OPTIONS = "exitcode=99:abort_on_error=0"
UBSAN_OPTIONS = "halt_on_error=1:exitcode=98:print_stacktrace=1"


def test_no_leaks(bhcfg_asan, images, tmp_path):
    """The sanitizer build, leak checking on, over accepting and rejecting paths."""
    env = dict(os.environ, ASAN_OPTIONS=ASAN_OPTIONS + ":detect_leaks=1", UBSAN_OPTIONS=UBSAN_OPTIONS)
    cases = [(CONFIGS / f"qemu-virt-{n}.dts", BOARD, 0)
             for n in ("hyp-only", "two-baremetal", "three-baremetal")]
    cases += [(BAD_DIR / f"bad-{n}.dts", BOARD, 1)
              for n in ("dev-page", "kernel-fit", "too-many-partitions", "label-dup", "mem-wrap",
                        "dev-ambiguous", "line-long", "incbin", "kernel-room-total",
                        "kernel-dir")]
    cases += [(BAD_DIR / f"bad-{n}.dts", TESTBOARD, 1)
              for n in ("irq-twice", "irq-shared-subnode", "irq-type", "irq-spi-board", "irq-too-many",
                        "dev-nested-parent", "clock-provider-other")]
    for i, (cfg, board, want) in enumerate(cases):
        r = run(bhcfg_asan, cfg, tmp_path / f"o{i}", images, board, env=env)
        assert r.returncode == want, f"{cfg}: {r.stderr}"
        assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr


def test_fuzz_mutated_inputs(bhcfg_asan, images, tmp_path):
    rng = random.Random(20261122)
    configs = [dtb_of(CONFIGS / f"qemu-virt-{n}.dts") for n in ("two-baremetal", "three-baremetal")]
    configs.append(dtb_of(BAD_DIR / "bad-dev-page.dts"))
    board_dir = tmp_path / "qemu-virt"
    board_dir.mkdir()
    board_blob = dtb_of(BOARD)
    good_board = board_dir / "board.dtb"
    good_board.write_bytes(board_blob)
    # Leak checking doubles the cost of each run; test_no_leaks covers it.
    env = dict(os.environ, ASAN_OPTIONS=ASAN_OPTIONS + ":detect_leaks=0", UBSAN_OPTIONS=UBSAN_OPTIONS)

    cases = []
    for i in range(240):
        cfg = tmp_path / f"c{i}.dtb"
        cfg.write_bytes(mutate(rng.choice(configs), rng))
        cases.append((cfg, good_board, tmp_path / f"o{i}"))
    for i in range(60):
        bdir = tmp_path / f"b{i}" / "qemu-virt"
        bdir.mkdir(parents=True)
        board = bdir / "board.dtb"
        board.write_bytes(mutate(board_blob, rng))
        cfg = tmp_path / f"bc{i}.dtb"
        cfg.write_bytes(configs[0])
        cases.append((cfg, board, tmp_path / f"bo{i}"))

    def one(case):
        cfg, board, out = case
        return case, run(bhcfg_asan, cfg, out, images, board, env=env)

    outcomes = {0: 0, 1: 0, 2: 0}
    with ThreadPoolExecutor(max_workers=4) as pool:
        for (cfg, board, _), r in pool.map(one, cases):
            detail = f"{cfg} {board}: rc={r.returncode}\n{r.stderr[-3000:]}"
            assert r.returncode in (0, 1, 2), detail
            assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, detail
            outcomes[r.returncode] += 1
    # The mutations must reach both the accepting and the rejecting paths.
    assert outcomes[0] > 0 and outcomes[1] > 0, outcomes
