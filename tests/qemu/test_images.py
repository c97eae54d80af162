"""A user's own images in a configuration, as an external test suite would
bring them: raw binaries and an initrd next to the configuration file, files
replaced between builds, and a run that ends by itself once every partition
has stopped."""
from harness import BUILD, Qemu, make

GUEST = BUILD / "guests" / "baremetal" / "baremetal.bin"
IMAGE_MAGIC_OFFSET = 0x38


def write_config(folder, name, partitions, root_extra=""):
    """configs/NAME.dts-style file in `folder`; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / f"{name}.dts"
    cfg.write_text(f"""/dts-v1/;
/ {{
	compatible = "bulkhead,config-v1";
	board = "qemu-virt";
	{root_extra}
{partitions}
}};
""")
    return cfg


def partition(n, label, cpu, base, kernel, bootargs, extra=""):
    return f"""	partition@{n} {{
		label = "{label}";
		cpus = <{cpu}>;
		memory = <0x0 {base:#x} 0x0 0x08000000>;
		kernel = "{kernel}";
		bootargs = "{bootargs}";
		on-fault = "halt";
		{extra}
	}};"""


def build_config(cfg):
    make(f"CONFIG={cfg}", "all")
    return BUILD / cfg.stem / "bulkhead.bin"


def guest_bytes():
    if not GUEST.exists():
        make(str(GUEST.relative_to(BUILD.parent)))
    return GUEST.read_bytes()


def raw_copy(data):
    """The guest without its arm64 Image header magic: bhcfg then cannot
    know its footprint, as with an external suite's raw binaries. The first
    instruction is a branch, so it still runs from its first byte."""
    b = bytearray(data)
    b[IMAGE_MAGIC_OFFSET:IMAGE_MAGIC_OFFSET + 4] = b"\0\0\0\0"
    return bytes(b)


def test_images_replaced_kernel_is_packed_again(tmp_path):
    folder = tmp_path / "suite"
    folder.mkdir()
    original = guest_bytes()
    (folder / "test.bin").write_bytes(original)
    cfg = write_config(folder, "t-images-repack",
                       partition(0, "alpha", 0, 0x48000000, "test.bin", "name=alpha"))
    image = build_config(cfg)
    assert original in image.read_bytes()

    # Same size, other bytes: the text the guest prints.
    changed = original.replace(b"hello from partition", b"HELLO FROM PARTITION")
    assert changed != original and len(changed) == len(original)
    (folder / "test.bin").write_bytes(changed)
    image = build_config(cfg)
    packed = image.read_bytes()
    assert changed in packed and original not in packed
    with Qemu(image) as q:
        q.wait_for(r"^\[alpha\] bm: HELLO FROM PARTITION alpha")

    # Another size.
    grown = changed + bytes(4096)
    (folder / "test.bin").write_bytes(grown)
    assert grown in build_config(cfg).read_bytes()


def test_images_raw_binary_dtb_stays_out_of_its_bss_and_stacks(tmp_path):
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "raw.bin").write_bytes(raw_copy(guest_bytes()))
    cfg = write_config(folder, "t-images-raw",
                       partition(0, "raw", 0, 0x48000000, "raw.bin", "name=raw act=layout"))
    with Qemu(build_config(cfg)) as q:
        m = q.wait_for(r"^\[raw\] bm: layout: image 0x([0-9a-f]+)-0x([0-9a-f]+), "
                       r"dtb 0x([0-9a-f]+)-0x([0-9a-f]+): (.*)$")
    assert m.group(5) == "separate"
    # At the top of the partition's first RAM region, page aligned.
    dtb_lo, dtb_hi = int(m.group(3), 16), int(m.group(4), 16)
    assert dtb_lo % 0x1000 == 0 and dtb_hi <= 0x50000000 and 0x50000000 - dtb_hi < 0x1000


def test_images_initrd_is_loaded_and_described(tmp_path):
    folder = tmp_path / "suite"
    folder.mkdir()
    rd = bytes((i * 131 + 7) & 0xFF for i in range(70001))
    (folder / "rd.img").write_bytes(rd)
    (folder / "guest.bin").write_bytes(guest_bytes())
    cfg = write_config(folder, "t-images-initrd",
                       partition(0, "alpha", 0, 0x48000000, "guest.bin", "name=alpha act=initrd",
                                 extra='initrd = "rd.img";'))
    padded = rd + bytes(-len(rd) % 4)
    expected = sum(int.from_bytes(padded[i:i + 4], "little") for i in range(0, len(padded), 4))
    with Qemu(build_config(cfg)) as q:
        m = q.wait_for(r"^\[alpha\] bm: initrd: 0x([0-9a-f]+)-0x([0-9a-f]+), (\d+) bytes, "
                       r"sum 0x([0-9a-f]+)$")
    assert int(m.group(3)) == len(rd)
    assert int(m.group(4), 16) == expected & 0xFFFFFFFF
    start = int(m.group(1), 16)
    assert 0x48000000 <= start and int(m.group(2), 16) <= 0x50000000


def two_that_stop(folder, name, root_extra=""):
    parts = "\n".join([
        partition(0, "alpha", 0, 0x48000000, "baremetal.bin", "name=alpha act=off"),
        partition(1, "beta", 1, 0x50000000, "baremetal.bin", "name=beta hb=100 at=5 act=wild-write:0x0"),
    ])
    return write_config(folder, name, parts, root_extra)


def test_images_board_powers_off_when_every_partition_has_stopped(tmp_path):
    cfg = two_that_stop(tmp_path / "cfg", "t-images-poweroff")
    with Qemu(build_config(cfg)) as q:
        q.wait_for(r"every partition has stopped; powering the board off")
        q.proc.wait(timeout=30)
        out = q.output
    # The last one out turns the light off, not the first.
    assert out.index('partition "alpha": stopped (PSCI SYSTEM_OFF)') < \
        out.index('partition "beta": halted') < out.index("powering the board off")
    assert q.proc.returncode == 0


def test_images_stay_up_keeps_the_board_running(tmp_path):
    cfg = two_that_stop(tmp_path / "cfg", "t-images-stayup", 'on-all-stopped = "stay-up";')
    with Qemu(build_config(cfg)) as q:
        q.wait_for(r'every partition has stopped; staying up \(on-all-stopped = "stay-up"\)')
        q.settle(1.0)
        assert q.proc.poll() is None
        assert "powering" not in q.output
