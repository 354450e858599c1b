"""Accuracy on the held-out sets written blind to the knowledge base (see tests/data/vignettes/README.md)."""

from __future__ import annotations

from legdx import assess
from legdx.evaluation import evaluate, read_vignettes, simulate_all
from legdx.kb.schema import TriageLevel

# The team's early sets label lumbar spinal stenosis "within days"; since knowledge base 1.3.13 it
# is routine without a warning sign (four blind authors labelled 8 of their 10 cases routine). The
# labels stay as written, so those cases, and only those, may come out one level lower.
STENOSIS = "M48.0"


def stenosis_cases(items) -> int:
    return sum(any(code.startswith(STENOSIS) for code in v.gold_icd10) for v in items)


def test_holdout_structured_accuracy_and_interview(ckb, repo):
    items = read_vignettes(repo / "tests/data/vignettes/holdout_structured.jsonl")
    report = evaluate(items, ckb).as_dict()
    assert report["top1"] >= 0.80 and report["top3"] >= 0.93
    for v in items:
        if v.gold_triage in (TriageLevel.EMERGENCY, TriageLevel.URGENT):
            assert assess(v.case, ckb).triage.level.rank >= v.gold_triage.rank, v.id
    sim = simulate_all(items, ckb)
    # Issue 11 asks for a median of 15 single answers and a p90 of 25 (docs/interview.md).
    assert sim["answers"]["median"] <= 15 and sim["answers"]["p90"] <= 25
    assert sim["top3_at_stop"] >= sim["top3_all_findings"] - 0.04
    assert sim["under_triaged_urgent_at_stop"] == 0
    assert sim["under_triaged_at_stop"] <= stenosis_cases(items)


def test_structured_interview_targets(ckb, repo):
    items = read_vignettes(repo / "tests/data/vignettes/structured.jsonl")
    sim = simulate_all(items, ckb)
    # Issue 11's targets: a median of 15 single answers, a p90 of 25
    assert sim["answers"]["median"] <= 15 and sim["answers"]["p90"] <= 25
    assert sim["top3_at_stop"] >= sim["top3_all_findings"] - 0.04
    assert sim["under_triaged_urgent_at_stop"] == 0
    assert sim["under_triaged_at_stop"] <= stenosis_cases(items)


def test_dev2_findings_as_structured_cases(ckb, repo):
    """The findings the third author extracted from freetext_dev2, assessed directly (no intake):
    a third independent check of the knowledge base and its triage."""
    items = read_vignettes(repo / "tests/data/vignettes/dev2_structured.jsonl")
    report = evaluate(items, ckb).as_dict()
    assert report["top1"] >= 0.85 and report["top3"] >= 0.95
    assert report["under_triaged_urgent"] == 0
    under = [m for m in report["misses"] if m["under_triaged"]]
    assert all(any(code.startswith(STENOSIS) for code in m["gold_icd10"]) for m in under), under
