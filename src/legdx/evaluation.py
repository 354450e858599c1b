"""Accuracy of legdx on a vignette file (CONTRACT.md, "Vignette file").

Each line: ``{"id", "case", "gold_icd10": [...], "gold_triage"?}``. A condition counts as the gold
diagnosis when one of its ICD-10-CM codes and one gold code are equal or one is a prefix of the
other (so ``I70.21`` matches ``I70.213`` and ``T79.A2`` matches ``T79.A21XA``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legdx.case import Assessment, Case, parse_case
from legdx.errors import InvalidCase
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import TriageLevel

__all__ = ["EvalReport", "Vignette", "evaluate", "icd_match", "read_vignettes"]


def _norm(code: str) -> str:
    return code.upper().replace(".", "").rstrip("X")


def icd_match(ours: Iterable[str], gold: Iterable[str]) -> bool:
    """True when any code of ours equals or prefixes any gold code (or the reverse).

    >>> icd_match(["I70.21"], ["I70.213"]), icd_match(["I70.21"], ["I70.22"]), icd_match(["T79.A2"], ["T79.A21XA"])
    (True, False, True)
    """
    g = [_norm(c) for c in gold]
    return any(o.startswith(x) or x.startswith(o) for o in map(_norm, ours) for x in g if o and x)


@dataclass(frozen=True)
class Vignette:
    id: str
    case: Case
    gold_icd10: list[str]
    gold_triage: TriageLevel | None
    line: int
    raw: dict[str, Any] = field(default_factory=dict)


def read_vignettes(path: Path) -> list[Vignette]:
    """Parse a JSONL vignette file; bad lines raise InvalidCase naming the line and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidCase(str(path), "file not found") from None
    except UnicodeDecodeError:
        raise InvalidCase(str(path), "is not UTF-8 text") from None
    out: list[Vignette] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidCase(where, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise InvalidCase(where, "expected a JSON object")
        gold = obj.get("gold_icd10")
        if not isinstance(gold, list) or not gold or not all(isinstance(g, str) for g in gold):
            raise InvalidCase(f"{where}: gold_icd10", "expected a non-empty list of ICD-10-CM codes")
        tri = obj.get("gold_triage")
        if tri is not None and tri not in {t.value for t in TriageLevel}:
            raise InvalidCase(f"{where}: gold_triage", f"expected emergency, urgent, soon or routine, got {tri!r}")
        try:
            case = parse_case(obj.get("case"))
        except InvalidCase as exc:
            raise InvalidCase(f"{where}: case.{exc.field}", exc.problem) from None
        out.append(Vignette(str(obj.get("id", n)), case, gold, TriageLevel(tri) if tri else None, n, obj))
    if not out:
        raise InvalidCase(str(path), "contains no vignettes")
    return out


@dataclass
class EvalReport:
    n: int = 0
    top1_hits: int = 0
    top3_hits: int = 0
    triage_n: int = 0
    triage_exact_hits: int = 0
    under_triaged: int = 0
    over_triaged: int = 0
    brier_sum: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)
    per_condition: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    reliability: list[list[float]] = field(default_factory=lambda: [[0.0, 0.0, 0.0] for _ in range(10)])
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def frac(a: float, b: float) -> float:
            return round(a / b, 4) if b else 0.0

        return {
            "n": self.n,
            "top1": frac(self.top1_hits, self.n),
            "top3": frac(self.top3_hits, self.n),
            "triage_exact": frac(self.triage_exact_hits, self.triage_n),
            "under_triaged": self.under_triaged,
            "over_triaged": self.over_triaged,
            "brier": round(self.brier_sum / self.n, 4) if self.n else 0.0,
            "per_condition_sensitivity": {
                k: {"n": v[0], "top1": frac(v[1], v[0]), "top3": frac(v[2], v[0])}
                for k, v in sorted(self.per_condition.items())
            },
            "reliability": [
                {
                    "bin": f"{i / 10:.1f}-{(i + 1) / 10:.1f}",
                    "pairs": int(b[0]),
                    "mean_predicted": round(b[1] / b[0], 4) if b[0] else None,
                    "observed": round(b[2] / b[0], 4) if b[0] else None,
                }
                for i, b in enumerate(self.reliability)
            ],
            "misses": self.misses,
            **self.extra,
        }


def score(report: EvalReport, v: Vignette, a: Assessment) -> None:
    """Add one assessed vignette to the report."""
    report.n += 1
    hits = [icd_match(c.icd10, v.gold_icd10) for c in a.conditions]
    gold_ids = [c.id for c, h in zip(a.conditions, hits, strict=True) if h]
    label = gold_ids[0] if gold_ids else "+".join(v.gold_icd10)
    top1, top3 = any(hits[:1]), any(hits[:3])
    report.top1_hits += top1
    report.top3_hits += top3
    pc = report.per_condition[label]
    pc[0] += 1
    pc[1] += top1
    pc[2] += top3
    for c, h in zip(a.conditions, hits, strict=True):
        report.brier_sum += (c.probability - float(h)) ** 2
        b = report.reliability[min(int(c.probability * 10), 9)]
        b[0] += 1
        b[1] += c.probability
        b[2] += float(h)
    under = False
    if v.gold_triage is not None:
        report.triage_n += 1
        report.triage_exact_hits += a.triage.level is v.gold_triage
        under = a.triage.level.rank < v.gold_triage.rank
        report.under_triaged += under
        report.over_triaged += a.triage.level.rank > v.gold_triage.rank
    if not top1 or under or (v.gold_triage is not None and a.triage.level is not v.gold_triage):
        report.misses.append(
            {
                "id": v.id,
                "gold_icd10": v.gold_icd10,
                "gold_triage": v.gold_triage.value if v.gold_triage else None,
                "triage": a.triage.level.value,
                "top1": top1,
                "top3": top3,
                "under_triaged": under,
                "leading": [f"{c.id} {c.probability:.2f}" for c in a.conditions[:3]],
            }
        )


def evaluate(
    vignettes: list[Vignette],
    ckb: CompiledKB,
    assess_fn: Callable[[Case, CompiledKB], Assessment],
) -> EvalReport:
    report = EvalReport()
    for v in vignettes:
        score(report, v, assess_fn(v.case, ckb))
    return report
