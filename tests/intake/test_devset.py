"""Finding-level precision and recall of the intake on the free-text development set.

``tests/data/vignettes/freetext.jsonl``: 86 descriptions in three voices (first-person lay,
clinician note, exam-style vignette), every condition at least three times, each with the
findings a careful reader takes from the text (``expected_findings``, absent ones as false).

Scoring counts polarity: reading a finding with the wrong value is one false positive *and* one
false negative. Numbers count as right within 3 % (unit conversions round). The figures print with
``pytest -s``; the floors sit a little under what was measured when they were set, so a lexicon
change that loses ground fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

from legdx.intake import extract

DEVSET = Path(__file__).parent.parent / "data" / "vignettes" / "freetext.jsonl"
PRECISION_FLOOR = 0.86
RECALL_FLOOR = 0.91


def _same(a: bool | float, b: bool | float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return abs(float(a) - float(b)) <= 0.03 * max(abs(float(b)), 1e-9)


VOCABULARY_1_0 = frozenset((DEVSET.parent / "vocabulary_kb_1_0.txt").read_text().split())


def score(
    findings, items: list[dict] | None = None, exclude: frozenset[str] = frozenset(), vocabulary=VOCABULARY_1_0
) -> dict:
    """Finding-level precision and recall over dev-set items; a wrong value counts as FP and FN.

    Shared by both development sets (``exclude`` drops findings such as age and sex from scoring).
    Findings outside ``vocabulary`` (the finding ids the set's author could label: those of
    knowledge base 1.0.0 for these sets) are not scored: the author could not have expected them.
    """
    if items is None:
        items = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    tp = fp = fn = 0
    misses: list[str] = []
    for item in items:
        got = {u.finding: u.value for u in extract(item["case"]["text"], findings) if u.used}
        got = {f: v for f, v in got.items() if f not in exclude and f in vocabulary}
        exp = item["expected_findings"]
        for f, v in got.items():
            if f in exp and _same(v, exp[f]):
                tp += 1
            else:
                fp += 1
                misses.append(f"{item['id']} FP {f}={v} (expected {exp.get(f, 'nothing')})")
        for f, v in exp.items():
            if f not in got or not _same(got[f], v):
                fn += 1
                if f not in got:
                    misses.append(f"{item['id']} FN {f}={v}")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "misses": misses}


def test_devset_has_enough_varied_cases(kb_loads):
    items = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 80
    per: dict[str, int] = {}
    for it in items:
        assert set(it) >= {"id", "case", "gold_icd10", "gold_triage", "expected_findings"}
        assert set(it["case"]) == {"text"}
        per[it["condition"]] = per.get(it["condition"], 0) + 1
    assert min(per.values()) >= 2 and len(per) >= 26


def test_finding_precision_and_recall(findings):
    s = score(findings)
    print(
        f"\nfree-text dev set: precision {s['precision']:.3f}, recall {s['recall']:.3f} "
        f"(TP {s['tp']}, FP {s['fp']}, FN {s['fn']})"
    )
    for m in s["misses"]:
        print("  ", m)
    assert s["precision"] >= PRECISION_FLOOR
    assert s["recall"] >= RECALL_FLOOR
