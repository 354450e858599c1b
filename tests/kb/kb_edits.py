"""Edits that damage or change a copy of the packaged knowledge base (for the kb tests)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

Edit = Callable[[Path], None]


def replace_in(name: str, old: str, new: str) -> Edit:
    """An edit replacing the first ``old`` with ``new`` in file ``name`` (which must contain it)."""

    def edit(root: Path) -> None:
        path = root / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))

    return edit


def copy_kb(dst: Path, repo: Path, *edits: Edit) -> Path:
    """A copy of the packaged knowledge base at ``dst`` with ``edits`` applied."""
    shutil.copytree(repo / "src/legdx/knowledge", dst)
    for edit in edits:
        edit(dst)
    return dst
