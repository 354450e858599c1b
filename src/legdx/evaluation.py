"""Accuracy of legdx on a vignette file (CONTRACT.md, "Vignette file"), and simulated people.

Each line: ``{"id", "case", "gold_icd10": [...], "gold_triage"?}``. A condition counts as the gold
diagnosis when one of its ICD-10-CM codes and one gold code are equal or one is a prefix of the
other (so ``I70.21`` matches ``I70.213`` and ``T79.A2`` matches ``T79.A21XA``).
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from legdx.case import Assessment, Case, FindingValue, parse_case
from legdx.errors import InvalidCase
from legdx.interview import InterviewState, Question, answer, answers_asked, next_question
from legdx.kb.compile import CompiledKB
from legdx.kb.load import KnowledgeBase
from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING, TriageLevel
from legdx.pipeline import assess, read_text

__all__ = [
    "EvalReport",
    "SimulationResult",
    "Vignette",
    "evaluate",
    "icd_match",
    "read_vignettes",
    "respond",
    "simulate",
    "simulate_all",
]


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


def read_vignettes(path: Path, kb: KnowledgeBase | None = None) -> list[Vignette]:
    """Parse a JSONL vignette file; bad lines raise InvalidCase naming the line and the field.

    With ``kb`` each case is also checked against it, so a bad case is named by its line.
    """
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
            case = parse_case(obj.get("case"), kb)
        except InvalidCase as exc:
            raise exc.within(f"{where}: case.") from None
        out.append(Vignette(str(obj.get("id", n)), case, gold, TriageLevel(tri) if tri else None, n, obj))
    if not out:
        raise InvalidCase(str(path), "contains no vignettes")
    return out


@dataclass
class EvalReport:
    """Counts over assessed vignettes; :meth:`as_dict` gives the CONTRACT.md keys and more.

    Cases whose gold cause is outside the knowledge base ("outside") are scored on what legdx
    should do with them: name the cause in its top three or give "something else" a share of at
    least ``OUTSIDE_SHARE``, and never advise self-care. Top-1 and top-3 are over the others.
    """

    n: int = 0
    modelled: int = 0
    top1_hits: int = 0
    top3_hits: int = 0
    outside: int = 0
    outside_flagged: int = 0
    outside_self_care: int = 0
    triage_n: int = 0
    triage_exact_hits: int = 0
    under_triaged: int = 0
    under_triaged_urgent: int = 0
    over_triaged: int = 0
    gold_routine: int = 0
    routine_kept: int = 0
    advice_checked: int = 0
    unsafe_advice: int = 0
    brier_sum: float = 0.0
    found: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])  # tp, fp, fn, warning tp, warning fn
    misses: list[dict[str, Any]] = field(default_factory=list)
    per_condition: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    reliability: list[list[float]] = field(default_factory=lambda: [[0.0, 0.0, 0.0] for _ in range(10)])
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def frac(a: float, b: float) -> float:
            return round(a / b, 4) if b else 0.0

        tp, fp, fn, wtp, wfn = self.found
        out: dict[str, Any] = {
            "n": self.n,
            "modelled": self.modelled,
            "top1": frac(self.top1_hits, self.modelled),
            "top3": frac(self.top3_hits, self.modelled),
            "triage_exact": frac(self.triage_exact_hits, self.triage_n),
            "under_triaged": self.under_triaged,
            "under_triaged_urgent": self.under_triaged_urgent,
            "over_triaged": self.over_triaged,
            "self_care_kept": f"{self.routine_kept}/{self.gold_routine}",
            "outside_kb": self.outside,
            "outside_kb_flagged": self.outside_flagged,
            "outside_kb_self_care": self.outside_self_care,
            "unsafe_advice": self.unsafe_advice,
            "advice_checked": self.advice_checked,
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
        }
        if tp + fp + fn:
            out["findings_precision"] = frac(tp, tp + fp)
            out["findings_recall"] = frac(tp, tp + fn)
            out["warning_signs_recall"] = frac(wtp, wtp + wfn)
        return {**out, **self.extra}


OUTSIDE_SHARE = 0.25  # "something else" share that counts as saying the cause may lie outside the KB
NUMBER_TOLERANCE = 0.05  # a read value within 5 % of the expected one counts as right


def _same(expected: Any, got: FindingValue) -> bool:
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    return isinstance(expected, int | float) and abs(expected - got) <= NUMBER_TOLERANCE * max(1.0, abs(expected))


def _score_reading(
    report: EvalReport, v: Vignette, a: Assessment, kb: KnowledgeBase, vocabulary: frozenset[str] | None
) -> None:
    """Finding-level precision and recall of the text reader against the author's expected findings.

    A finding read that the author could not have labelled (outside ``vocabulary``, the ids the
    author was given) is not scored either way.
    """
    expected = v.raw.get("expected_findings")
    if not isinstance(expected, dict) or not v.case.text:
        return
    skip = {AGE_FINDING, FEMALE_FINDING}
    got = {
        u.finding: u.value
        for u in a.understood
        if u.used and u.finding not in skip and (vocabulary is None or u.finding in vocabulary)
    }
    want = {k: val for k, val in expected.items() if k in kb.findings and k not in skip}
    for fid, value in got.items():
        report.found[0 if fid in want and _same(want[fid], value) else 1] += 1
    for fid, value in want.items():
        ok = fid in got and _same(value, got[fid])
        report.found[2] += not ok
        if kb.findings[fid].red_flag and value is True:
            report.found[3 if ok else 4] += 1


def score(
    report: EvalReport, v: Vignette, a: Assessment, kb: KnowledgeBase, vocabulary: frozenset[str] | None = None
) -> None:
    """Add one assessed vignette to the report (``vocabulary``: see :func:`_score_reading`)."""
    report.n += 1
    hits = [icd_match(c.icd10, v.gold_icd10) for c in a.conditions]
    in_kb = any(icd_match(c.icd10, v.gold_icd10) for c in kb.conditions.values())
    gold_ids = [c.id for c, h in zip(a.conditions, hits, strict=True) if h]
    label = gold_ids[0] if gold_ids else "+".join(v.gold_icd10)
    top1, top3 = any(hits[:1]), any(hits[:3])
    if in_kb:
        report.modelled += 1
        report.top1_hits += top1
        report.top3_hits += top3
        pc = report.per_condition[label]
        pc[0] += 1
        pc[1] += top1
        pc[2] += top3
    else:
        report.outside += 1
        report.outside_flagged += top3 or a.something_else.share >= OUTSIDE_SHARE
        report.outside_self_care += a.triage.level is TriageLevel.ROUTINE
    # Brier score and reliability of the shares: the conditions and "something else" share 1.
    pairs = [(c.share, float(h)) for c, h in zip(a.conditions, hits, strict=True)]
    pairs.append((a.something_else.share, 0.0 if in_kb else 1.0))
    for share, hit in pairs:
        report.brier_sum += (share - hit) ** 2
        b = report.reliability[min(int(share * 10), 9)]
        b[0] += 1
        b[1] += share
        b[2] += hit
    under = False
    if v.gold_triage is not None:
        report.triage_n += 1
        report.triage_exact_hits += a.triage.level is v.gold_triage
        under = a.triage.level.rank < v.gold_triage.rank
        report.under_triaged += under
        report.under_triaged_urgent += under and v.gold_triage.rank >= TriageLevel.URGENT.rank
        report.over_triaged += a.triage.level.rank > v.gold_triage.rank
        if v.gold_triage is TriageLevel.ROUTINE:
            report.gold_routine += 1
            report.routine_kept += a.triage.level is TriageLevel.ROUTINE
    given = {t.value for x in a.advice for t in x.tags}
    unsafe_tags = v.raw.get("unsafe_advice_tags")
    unsafe = sorted(given & set(unsafe_tags)) if isinstance(unsafe_tags, list) else []
    if "quinine" in given:  # never appropriate as advice, whatever the vignette says
        unsafe = sorted({*unsafe, "quinine"})
    report.advice_checked += isinstance(unsafe_tags, list)
    report.unsafe_advice += bool(unsafe)
    _score_reading(report, v, a, kb, vocabulary)
    if (in_kb and not top1) or under or unsafe or (v.gold_triage is not None and a.triage.level is not v.gold_triage):
        report.misses.append(
            {
                "id": v.id,
                "gold_icd10": v.gold_icd10,
                "gold_triage": v.gold_triage.value if v.gold_triage else None,
                "triage": a.triage.level.value,
                "top1": top1,
                "top3": top3,
                "in_kb": in_kb,
                "under_triaged": under,
                "unsafe_advice": unsafe,
                "leading": [f"{c.id} {c.share:.2f}" for c in a.conditions[:3]]
                + [f"something_else {a.something_else.share:.2f}"],
            }
        )


def evaluate(vignettes: list[Vignette], ckb: CompiledKB, *, vocabulary: frozenset[str] | None = None) -> EvalReport:
    """Assess every vignette through the pipeline and score it.

    ``vocabulary``: the finding ids the set's authors were given (text-reading precision ignores
    any other finding read); all of them when None.
    """
    report = EvalReport()
    for v in vignettes:
        score(report, v, assess(v.case, ckb), ckb.kb, vocabulary)
    return report


# ---------------------------------------------------------------- simulated people (legdx eval --interview)


def respond(question: Question, truth: dict[str, FindingValue], age: int | None, sex: str | None) -> Any:
    """How a simulated person who knows only ``truth`` answers (don't know for everything else)."""
    if question.kind == "demographics":
        return {"age": age, "sex": sex}
    if question.kind in ("screen", "items", "numbers"):
        return {item.finding: truth.get(item.finding) for item in question.items}
    return truth.get(question.finding or "")


@dataclass(frozen=True)
class SimulationResult:
    questions: int  # screens shown
    answers: int  # single answers asked for
    state: InterviewState


def simulate(case: Case, ckb: CompiledKB, truth: dict[str, FindingValue] | None = None) -> SimulationResult:
    """Play one case as a simulated person through the interview; returns what was asked and the final state."""
    known = dict(case.findings) if truth is None else truth
    state = InterviewState()
    answers = 0
    while (q := next_question(state, ckb)) is not None:
        answers += answers_asked(q)
        state = answer(state, q.id, respond(q, known, case.age, case.sex), ckb)
    return SimulationResult(questions=len(state.asked), answers=answers, state=state)


def _spread(values: list[int]) -> dict[str, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(np.ceil(0.9 * len(ordered))) - 1)]
    return {"median": statistics.median(ordered), "p90": p90, "max": ordered[-1]}


def simulate_all(vignettes: list[Vignette], ckb: CompiledKB) -> dict[str, Any]:
    """Interview statistics over vignettes (the keys ``legdx eval --interview`` reports)."""
    screens: list[int] = []
    answers: list[int] = []
    top1 = top3 = top1_all = top3_all = triage_exact = under = under_urgent = n_triage = 0
    for v in vignettes:
        truth = dict(v.case.findings)
        for u in read_text(v.case, ckb):
            if u.used and u.finding not in truth and u.finding not in (AGE_FINDING, FEMALE_FINDING):
                truth[u.finding] = u.value
        sim = simulate(v.case, ckb, truth)
        screens.append(sim.questions)
        answers.append(sim.answers)
        at_stop = assess(sim.state.to_case(), ckb)
        full = assess(Case(age=v.case.age, sex=v.case.sex, findings=truth), ckb)
        hits = [icd_match(c.icd10, v.gold_icd10) for c in at_stop.conditions]
        top1 += any(hits[:1])
        top3 += any(hits[:3])
        full_hits = [icd_match(c.icd10, v.gold_icd10) for c in full.conditions[:3]]
        top1_all += any(full_hits[:1])
        top3_all += any(full_hits)
        if v.gold_triage is not None:
            n_triage += 1
            triage_exact += at_stop.triage.level is v.gold_triage
            lower = at_stop.triage.level.rank < v.gold_triage.rank
            under += lower
            under_urgent += lower and v.gold_triage.rank >= TriageLevel.URGENT.rank
    n = len(vignettes)
    return {
        "questions": _spread(screens),
        "answers": _spread(answers),
        "top1_at_stop": round(top1 / n, 4),
        "top3_at_stop": round(top3 / n, 4),
        "top1_all_findings": round(top1_all / n, 4),
        "top3_all_findings": round(top3_all / n, 4),
        "triage_exact_at_stop": round(triage_exact / n_triage, 4) if n_triage else 0.0,
        "under_triaged_at_stop": under,
        "under_triaged_urgent_at_stop": under_urgent,
    }
