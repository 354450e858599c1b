"""House-style gates that run with the tests and fail (never skip) when their tool is missing.

ruff (lint and format), mypy strict over src/, the README's layout against the tree, and a CLI
that starts without the heavy imports.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest


def _tool(module: str) -> list[str]:
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed: install the dev extra (scripts/test.sh does)")
    return [sys.executable, "-m", module]


def test_ruff_lint_is_clean(repo):
    r = subprocess.run([*_tool("ruff"), "check", "src", "tests", "bench"], cwd=repo, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]


def test_ruff_format_is_clean(repo):
    r = subprocess.run(
        [*_tool("ruff"), "format", "--check", "src", "tests", "bench"], cwd=repo, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout[-3000:]


@pytest.mark.slow
def test_mypy_strict_is_clean(repo):
    r = subprocess.run([*_tool("mypy")], cwd=repo, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]


def test_readme_layout_matches_the_tree(repo):
    """Every path the README's layout names exists, and every module or package of src/legdx is named."""
    readme = (repo / "README.md").read_text()
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    named = [line.split()[0] for line in block.splitlines() if line.strip()]
    for path in named:
        assert (repo / path).exists(), f"README layout names {path}, which does not exist"
    pkg = repo / "src/legdx"
    actual = {
        f"src/legdx/{p.name}" + ("/" if p.is_dir() else "")
        for p in pkg.iterdir()
        if not p.name.startswith(("_", ".")) and (p.is_dir() or p.suffix == ".py") and p.name != "py.typed"
    }
    listed = {re.sub(r"/+$", "/", p) for p in named}
    missing = sorted(actual - listed)
    assert not missing, f"README layout does not name {missing}"


def test_cli_starts_without_heavy_imports(repo):
    """`legdx --help` must not import the web stack or spaCy (they are loaded lazily)."""
    code = "import sys, legdx.cli; print(sorted(m for m in ('fastapi', 'spacy', 'sqlalchemy') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stdout + r.stderr


def test_package_init_files_only_hand_names_on(repo):
    """No algorithm lives in a package __init__.py: only a docstring, imports and __all__."""
    import ast

    for init in (repo / "src/legdx").rglob("__init__.py"):
        tree = ast.parse(init.read_text())
        for node in tree.body:
            ok = isinstance(node, ast.Import | ast.ImportFrom) or (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            )
            ok = ok or (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"])
            assert ok, f"{init.relative_to(repo)}:{node.lineno}: only imports and __all__ belong in a package __init__"
