"""Rules of the EL2 image that no compiler flag alone proves, checked on the
linked binary itself:
- no FP/SIMD instruction outside the distribution's libfdt (our code is built
  -mgeneral-regs-only; libfdt is not, so it may run only during boot) and
  arch_fp_reset (arch/arm64/fp_reset.S), which zeroes a partition's FP/SIMD,
  SVE and SME registers right before it is entered, from arch_vcpu_enter only;
- libfdt is called only by the boot-time DTB reader (core/board_fdt.c), so no
  FP/SIMD register is touched at EL2 once partitions run;
- no allocator in the image (no dynamic allocation, ever).
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = "configs/qemu-virt-two-baremetal.dts"
BUILD = REPO / os.environ.get("BUILD_ROOT", "build")
ELF = BUILD / "qemu-virt-two-baremetal" / "bulkhead.elf"
LIBFDT = BUILD / "deps" / "arm64" / "usr" / "lib" / "aarch64-linux-gnu" / "libfdt.a"
BOARD_FDT_OBJ = BUILD / "qemu-virt-two-baremetal" / "obj" / "core" / "board_fdt.o"
NM = "aarch64-linux-gnu-nm"
OBJDUMP = "aarch64-linux-gnu-objdump"

FP_OPERAND = re.compile(r"(?<![\w.])([qdsbh]\d{1,2}|v\d{1,2}\.\w+)(?![\w])")
FUNC = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
CALL = re.compile(r"\tbl\t[0-9a-f]+ <([^>+]+)>")


@pytest.fixture(scope="module")
def disassembly():
    env = dict(os.environ, BH_DEPS_OK="1")
    proc = subprocess.run(["make", "--no-print-directory", f"CONFIG={CONFIG}", "all"], cwd=REPO,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout
    out = subprocess.run([OBJDUMP, "-d", "--no-show-raw-insn", str(ELF)], check=True,
                         capture_output=True, text=True).stdout
    funcs = {}
    current = None
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            current = m.group(1)
            funcs[current] = []
        elif current is not None and "\t" in line:
            funcs[current].append(line)
    return funcs


def defined_text_symbols(path):
    out = subprocess.run([NM, "--defined-only", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return {parts[2] for parts in (ln.split() for ln in out.splitlines())
            if len(parts) == 3 and parts[1] in "Tt"}


def uses_fp(lines):
    for line in lines:
        fields = line.split("\t")
        if len(fields) >= 3:
            operands = fields[2].split("//")[0].split("<")[0]
            if FP_OPERAND.search(operands):
                return line
    return None


# The one FP/SIMD user of our own, and its one caller (docs/design-notes.md).
FP_RESET = "arch_fp_reset"


def test_image_has_fp_simd_only_inside_libfdt(disassembly):
    libfdt = defined_text_symbols(LIBFDT)
    offenders = {name: line for name, lines in disassembly.items()
                 if name not in libfdt and name != FP_RESET and (line := uses_fp(lines))}
    assert not offenders, f"FP/SIMD at EL2 outside libfdt: {offenders}"
    assert uses_fp(disassembly[FP_RESET])
    callers = {name for name, lines in disassembly.items()
               for line in lines if (m := CALL.search(line)) and m.group(1) == FP_RESET}
    assert callers == {"arch_vcpu_enter"}, callers
    # The check can see FP/SIMD at all: libfdt as Debian builds it does use it.
    assert any(uses_fp(disassembly[name]) for name in libfdt if name in disassembly)


def test_image_calls_libfdt_only_from_the_boot_time_dtb_reader(disassembly):
    libfdt = defined_text_symbols(LIBFDT)
    boot_reader = defined_text_symbols(BOARD_FDT_OBJ)
    callers = {name for name, lines in disassembly.items()
               for line in lines if (m := CALL.search(line)) and m.group(1) in libfdt}
    assert callers, "no call into libfdt found: the check is not looking at the right thing"
    assert callers <= libfdt | boot_reader, f"libfdt called from {callers - libfdt - boot_reader}"
    # And the DTB reader runs once, from the boot core's bulkhead_main only.
    readers = {name for name, lines in disassembly.items()
               for line in lines if (m := CALL.search(line)) and m.group(1) == "board_probe"}
    assert readers == {"bulkhead_main"}


def test_image_has_no_allocator(disassembly):
    for name in ("malloc", "calloc", "realloc", "free", "sbrk", "brk"):
        assert name not in disassembly
