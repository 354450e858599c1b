"""Fixtures for the intake tests.

The intake needs only the knowledge base's finding table (ids, kinds, ranges), so most tests read
``findings.yaml`` alone through the schema: they keep working while condition files are being
written. Tests that run the whole assessment use the real compiled KB and skip, saying why, when it
does not load (``tests/kb`` is where a broken KB fails).
"""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from legdx.errors import KnowledgeBaseError
from legdx.kb.schema import Finding


@pytest.fixture(scope="session")
def findings() -> dict[str, Finding]:
    data = yaml.safe_load((resources.files("legdx") / "knowledge" / "findings.yaml").read_text(encoding="utf-8"))
    return {d["id"]: Finding.model_validate(d) for d in data}


@pytest.fixture(scope="session")
def read(findings):
    """read(text) -> {finding: value} for the mentions the intake uses."""
    from legdx.intake import extract

    def run(text: str) -> dict[str, bool | float]:
        return {u.finding: u.value for u in extract(text, findings) if u.used}

    return run


@pytest.fixture(scope="session")
def real_ckb():
    from legdx.pipeline import default_compiled

    try:
        return default_compiled()
    except KnowledgeBaseError as exc:  # pragma: no cover - only while the KB is being completed
        pytest.skip(f"the packaged knowledge base does not load yet ({str(exc).splitlines()[0]})")


@pytest.fixture(scope="session")
def kb_loads() -> bool:
    from legdx.kb import load_kb

    try:
        load_kb()
    except KnowledgeBaseError:
        return False
    return True
