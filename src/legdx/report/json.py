"""Assessment -> JSON exactly as CONTRACT.md describes (plus extra keys, which the contract allows)."""

from __future__ import annotations

import json
from typing import Any

from legdx.case import Assessment


def assessment_dict(assessment: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = assessment.model_dump(mode="json")
    return data


def render_json(assessment: Assessment, *, indent: int | None = 2) -> str:
    return json.dumps(assessment_dict(assessment), indent=indent, ensure_ascii=False)
