"""House-style gates that run with the tests: ruff lint over the code (STYLE.md)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest


def test_ruff_lint_is_clean(repo):
    ruff = shutil.which("ruff") or str(repo / ".venv/bin/ruff")
    if not shutil.which(ruff):
        pytest.skip("ruff is not installed (dev extra)")
    r = subprocess.run([ruff, "check", "src", "tests", "bench"], cwd=repo, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]


def test_cli_starts_without_heavy_imports(repo):
    """`legdx --help` must not import the web stack or spaCy (they are loaded lazily)."""
    code = "import sys, legdx.cli; print(sorted(m for m in ('fastapi', 'spacy', 'sqlalchemy') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr
