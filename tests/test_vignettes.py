"""Accuracy on our own structured presentations (tests/data/vignettes/structured.jsonl).

The set was written independently of the knowledge base, from the seeds and textbooks (see the
README beside it). Floors are the issue's targets for the hidden set.
"""

from __future__ import annotations

from legdx import assess
from legdx.evaluation import evaluate, read_vignettes
from legdx.kb.schema import TriageLevel


def test_structured_vignettes_meet_the_accuracy_floors(ckb, repo):
    items = read_vignettes(repo / "tests/data/vignettes/structured.jsonl")
    assert len(items) >= 40
    report = evaluate(items, ckb).as_dict()
    print({k: report[k] for k in ("n", "top1", "top3", "triage_exact", "under_triaged", "over_triaged", "brier")})
    assert report["top1"] >= 0.80
    assert report["top3"] >= 0.93


def test_no_emergency_or_urgent_vignette_is_under_triaged(ckb, repo):
    for v in read_vignettes(repo / "tests/data/vignettes/structured.jsonl"):
        if v.gold_triage in (TriageLevel.EMERGENCY, TriageLevel.URGENT):
            got = assess(v.case, ckb).triage.level
            assert got.rank >= v.gold_triage.rank, f"{v.id}: gold {v.gold_triage}, got {got}"


def test_no_unsafe_advice_on_any_vignette(ckb, repo):
    for v in read_vignettes(repo / "tests/data/vignettes/structured.jsonl"):
        a = assess(v.case, ckb)
        tags = {t.value for x in a.advice for t in x.tags}
        p = {c.id: c.probability for c in a.conditions}
        assert "quinine" not in tags
        arterial = max(p["peripheral_artery_disease"], p["chronic_limb_threatening_ischemia"], p["acute_limb_ischemia"])
        if arterial >= 0.5 or v.case.findings.get("abi", 1.0) < 0.5:
            assert not tags & {"compression", "leg_elevation"}, v.id


def test_eval_command_json_keys(cli, repo):
    import json

    r = cli("eval", str(repo / "tests/data/vignettes/structured.jsonl"), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    for key in ("n", "top1", "top3", "triage_exact", "under_triaged", "misses"):
        assert key in data
    assert 0 <= data["top1"] <= data["top3"] <= 1


def test_eval_rejects_bad_files(cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "case": {}, "gold_icd10": ["G25.81"]}\n{not json}\n')
    r = cli("eval", str(bad))
    assert r.returncode == 2 and "bad.jsonl:2: not valid JSON" in r.stderr.decode()
    bad.write_text('{"id": "x", "case": {"findings": {"nope": true}}, "gold_icd10": ["G25.81"]}\n')
    r = cli("eval", str(bad))
    assert r.returncode == 2 and "unknown finding id" in r.stderr.decode()
    bad.write_text('{"id": "x", "case": {}, "gold_icd10": []}\n')
    r = cli("eval", str(bad))
    assert r.returncode == 2 and "gold_icd10" in r.stderr.decode()
