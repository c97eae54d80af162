"""Runs every host unit-test binary (tests/unit/rules.mk, UNIT_TESTS) as one
pytest case each. A binary that was not built is a failure, not a skip.

Builds them first with `make unit-bins` unless BH_UNIT_BINS_BUILT is set
(the Makefile's test goals build them before calling pytest)."""
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "tests" / "unit" / "rules.mk"
UNIT_DIR = REPO / os.environ.get("BUILD_ROOT", "build") / "unit"
TIMEOUT_S = 60


def unit_test_names():
    """The value of UNIT_TESTS in rules.mk (`:=`/`=` set it, `+=` appends),
    following backslash line continuations."""
    text = RULES.read_text().replace("\\\n", " ")
    names = []
    for line in text.splitlines():
        m = re.match(r"\s*UNIT_TESTS\s*(:=|\+=|\?=|=)(.*)$", line)
        if not m:
            continue
        words = m.group(2).split("#", 1)[0].split()
        if m.group(1) == "+=":
            names.extend(words)
        elif m.group(1) == "?=" and names:
            continue
        else:
            names = words
    return names


NAMES = unit_test_names()


@pytest.fixture(scope="session")
def unit_bins():
    if os.environ.get("BH_UNIT_BINS_BUILT"):
        return
    proc = subprocess.run(
        ["make", "unit-bins"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        pytest.fail(f"`make unit-bins` failed (exit {proc.returncode}):\n{proc.stdout}",
                    pytrace=False)


def test_unit_tests_listed():
    assert NAMES, f"no UNIT_TESTS found in {RULES}"


@pytest.mark.parametrize("name", NAMES)
def test_unit(name, unit_bins):
    binary = UNIT_DIR / f"test_{name}"
    assert binary.is_file() and os.access(binary, os.X_OK), \
        f"{binary} was not built (is test_{name}.c in tests/unit/?)"
    try:
        proc = subprocess.run(
            [str(binary)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        pytest.fail(f"{binary.name} did not finish in {TIMEOUT_S} s:\n{out}", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(f"{binary.name} exited with status {proc.returncode}:\n{proc.stdout}",
                    pytrace=False)
