"""Free text -> findings. (Placeholder until the intake issue lands: understands nothing.)"""

from __future__ import annotations

from legdx.case import Case, UnderstoodFinding
from legdx.kb.compile import CompiledKB


def understand(case: Case, ckb: CompiledKB) -> list[UnderstoodFinding]:
    """Read ``case.text`` into findings with their spans. Explicit findings win over text."""
    return []
