"""Accuracy on the held-out sets written blind to the knowledge base (see tests/data/vignettes/README.md)."""

from __future__ import annotations

from legdx import assess
from legdx.evaluation import evaluate, read_vignettes, simulate_all
from legdx.kb.schema import TriageLevel


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
    assert sim["under_triaged_at_stop"] == 0


def test_structured_interview_targets(ckb, repo):
    sim = simulate_all(read_vignettes(repo / "tests/data/vignettes/structured.jsonl"), ckb)
    # Issue 11's targets: a median of 15 single answers, a p90 of 25
    assert sim["answers"]["median"] <= 15 and sim["answers"]["p90"] <= 25
    assert sim["top3_at_stop"] >= sim["top3_all_findings"] - 0.04
    assert sim["under_triaged_at_stop"] == 0


def test_dev2_findings_as_structured_cases(ckb, repo):
    """The findings the third author extracted from freetext_dev2, assessed directly (no intake):
    a third independent check of the knowledge base and its triage."""
    items = read_vignettes(repo / "tests/data/vignettes/dev2_structured.jsonl")
    report = evaluate(items, ckb).as_dict()
    assert report["top1"] >= 0.85 and report["top3"] >= 0.95
    assert report["under_triaged"] == 0
