from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from legdx import assess, parse_case
from legdx.kb import load_kb
from legdx.kb.compile import compile_kb
from legdx.pipeline import default_compiled

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
LEGDX = [sys.executable, "-m", "legdx"]


@pytest.fixture(scope="session")
def ckb():
    """The real knowledge base, compiled."""
    return default_compiled()


@pytest.fixture(scope="session")
def kb(ckb):
    return ckb.kb


@pytest.fixture(scope="session")
def toy_ckb():
    return compile_kb(load_kb(DATA / "toy_kb"))


@pytest.fixture
def assess_case(ckb):
    def run(**case):
        return assess(parse_case(case), ckb)

    return run


def run_cli(*args: str, stdin: str | bytes | None = None, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """Run the real `legdx` command in a subprocess."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([*LEGDX, *args], input=data, capture_output=True, timeout=timeout, cwd=REPO, env=env)


@pytest.fixture(scope="session")
def cli():
    """Call the real `legdx` command: cli("assess", "-", stdin=...)."""
    return run_cli


# CONTRACT.md, "Assessment (output of --format json)": the keys every door must return.
CONTRACT_ASSESSMENT_KEYS = frozenset(
    {
        "conditions",
        "triage",
        "red_flags",
        "next_tests",
        "advice",
        "withheld_advice",
        "contributing_factors",
        "disclaimer",
    }
)


@pytest.fixture(scope="session")
def contract_keys():
    return CONTRACT_ASSESSMENT_KEYS


@pytest.fixture(scope="session")
def repo():
    return REPO


# Hypothesis: no example database in CI (fresh clone) and none shared across KB changes locally,
# where replaying examples drawn from an older finding list makes strategies look inconsistent.
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("legdx", database=None)
_hyp_settings.load_profile("legdx")
