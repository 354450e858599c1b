"""`legdx kb check --path BROKEN`: every kind of damage is reported, one line per problem, exit 2,
never a traceback. Each case breaks a copy of the packaged knowledge base in one way; the last
breaks it in every way at once and expects every problem in the same run."""

from __future__ import annotations

import pytest
from tests.kb.kb_edits import copy_kb, replace_in


def _delete(name: str):
    def edit(root):
        (root / name).unlink()

    return edit


MERALGIA = "conditions/meralgia_paresthetica.yaml"
DAMAGE = {
    "missing key": (replace_in(MERALGIA, "lay_name: Trapped", "nickname: Trapped"), "meralgia_paresthetica.yaml: lay_name: Field required"),
    "wrong type": (replace_in("conditions/tarsal_tunnel_syndrome.yaml", "prior: {value: 0.008,", "prior: {value: high,"), "tarsal_tunnel_syndrome.yaml: prior.value: Input should be a valid number"),
    "probability out of range": (replace_in("conditions/statin_myopathy.yaml", "prior: {value: 0.02,", "prior: {value: 1.5,"), "prior 1.5 is outside the open interval (0, 1)"),
    "dangling finding": (replace_in("conditions/restless_legs_syndrome.yaml", "- finding: urge_to_move", "- finding: urge_to_moove"), "unknown finding 'urge_to_moove'"),
    "uncited number": (replace_in("conditions/dehydration.yaml", 'lr_pos: {value: 6.0, source: "expert:finding-estimates", kind', "lr_pos: {value: 6.0, kind"), "dehydration.yaml: findings.2.lr_pos.source: Field required"),
    "undefined source": (replace_in("conditions/hypokalemia.yaml", 'severe_low: {value: 200.0, source: "ref:statpearls-hypokalemia"', 'severe_low: {value: 200.0, source: "ref:nowhere"'), "source 'ref:nowhere' is not defined in sources.yaml"),
    "bad YAML": (replace_in("tests.yaml", "- id: abi_rest", "- id: [abi_rest"), "tests.yaml: not valid YAML"),
    "duplicate id": (replace_in("findings.yaml", "- id: fever\n", "- id: cold_pale_leg\n"), "findings.yaml: [cold_pale_leg]: id defined more than once"),
    "missing threshold the engine needs": (replace_in("thresholds.yaml", "- id: group_damping", "- id: group_dampening"), "thresholds.yaml: [group_damping]: missing"),
    "unknown advice tag": (replace_in("advice.yaml", "tags: [hydration]", "tags: [yoga]"), "advice.yaml: [hydration]: tags.0: Input should be"),
    "triage rule naming a band that does not exist": (replace_in("triage.yaml", "all: [dark_urine]", "all: [dark_urine]\n  bands: {abi: [very_low_indeed]}"), "finding abi has no band 'very_low_indeed'"),
    "file named after another condition": (lambda root: (root / "conditions/cellulitis_leg.yaml").rename(root / "conditions/cellulitis.yaml"), "conditions/cellulitis.yaml: id: file must be named cellulitis_leg.yaml"),
    "bad version": (replace_in("kb.toml", 'kb_version = "', 'kb_version = "v'), "kb.toml: kb_version: String should match pattern"),
    "missing file": (_delete("question_groups.yaml"), "no question group"),
    "look-alike sign that is not a warning sign": (replace_in("conditions/lumbar_radiculopathy.yaml", "look_alike_signs: [fever,", "look_alike_signs: [knee_pain,"), "look_alike_signs: 'knee_pain' is not a warning sign"),
}  # fmt: skip


def _broken(tmp_path, repo, *edits):
    return copy_kb(tmp_path / "kb", repo, *edits)


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_each_kind_of_damage_is_named_and_exits_2(kind, tmp_path, repo, cli):
    edit, expected = DAMAGE[kind]
    r = cli("kb", "check", "--path", str(_broken(tmp_path, repo, edit)))
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "Traceback" not in err
    assert expected in err, err


def test_every_problem_is_listed_in_one_run(tmp_path, repo, cli):
    root = _broken(tmp_path, repo, *(edit for edit, _ in DAMAGE.values()))
    r = cli("kb", "check", "--path", str(root))
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) >= len(DAMAGE)
    assert all(": " in line for line in lines)  # one "where: problem" line each, then the count
    for kind, (_, expected) in DAMAGE.items():
        assert expected in err, (kind, err)
