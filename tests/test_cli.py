"""The real `legdx` command, run as a subprocess: output formats and every bad-input path."""

from __future__ import annotations

import json

import pytest

CASE = {
    "age": 67,
    "sex": "male",
    "findings": {"pain_on_walking": True, "relieved_by_rest": True, "abi": 0.62, "smoker": True},
}


def test_assess_json_follows_the_contract(tmp_path, cli, contract_keys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    r = cli("assess", str(path), "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert contract_keys <= set(out)
    first = out["conditions"][0]
    assert first["id"] == "peripheral_artery_disease"
    assert first["icd10"] and 0 < first["probability"] <= 1 and 0 < first["share"] <= 1
    assert {"finding", "log_odds", "source"} <= set(first["contributions"][0])
    assert out["triage"]["level"] in {"emergency", "urgent", "soon", "routine"}
    shares = [c["share"] for c in out["conditions"]]
    assert shares == sorted(shares, reverse=True)  # CONTRACT v1.1: sorted by share
    assert sum(shares) + out["something_else"]["share"] == pytest.approx(1.0, abs=1e-6)
    assert all(c["icd10"] for c in out["conditions"])
    assert out["kb_version"]
    tags = {t for a in out["advice"] for t in a["tags"]}
    assert "compression" not in tags  # ABI 0.62 means arterial disease
    assert any("compression" in w["tags"] for w in out["withheld_advice"])


def test_assess_reads_stdin_and_prints_text(cli):
    r = cli("assess", "-", "--format", "text", stdin=json.dumps(CASE))
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    assert "How urgent" in text and "Narrowed leg arteries" in text
    # The disclaimer is the last paragraph.
    last_paragraph = text.rstrip().split("\n\n")[-1]
    assert "does not replace a clinician" in last_paragraph


def test_emergency_message_comes_first_in_text(cli):
    case = {"age": 72, "findings": {"sudden_onset": True, "cold_pale_leg": True, "absent_foot_pulses": True}}
    r = cli("assess", "-", "--format", "text", stdin=json.dumps(case))
    assert r.returncode == 0
    first_lines = r.stdout.decode().splitlines()[:3]
    assert any("EMERGENCY" in line for line in first_lines)


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        (json.dumps({"findings": {"leg_hurts_a_lot": True}}), "findings.leg_hurts_a_lot: unknown finding id"),
        (json.dumps({"findings": {"smoker": "yes"}}), "findings.smoker: expected true, false or a number"),
        (json.dumps({"findings": {"smoker": 1}}), "findings.smoker: expected true or false"),
        (json.dumps({"findings": {"abi": True}}), "findings.abi: expected a number"),
        (json.dumps({"findings": {"abi": 4.2}}), "findings.abi: 4.2 is outside 0-2.5"),
        (json.dumps({"findings": {"potassium_mmol_l": -1}}), "findings.potassium_mmol_l: -1 is outside"),
        (json.dumps({"age": 300}), "age: 300 is outside 0-120"),
        (json.dumps({"age": "old"}), "age: expected a whole number"),
        (json.dumps({"sex": "robot"}), "sex: expected 'female' or 'male'"),
        (json.dumps({"colour": "red"}), "colour: is not a case field"),
        (json.dumps([1, 2]), "case: expected a JSON object"),
        (json.dumps({"sex": "male", "findings": {"pregnant": True}}), "findings.pregnant: true contradicts sex 'male'"),
        (json.dumps({"findings": {"age_years": 40}}), "findings.age_years: give this as the case's top-level age"),
        ('{"age": 67,', "case: not valid JSON"),
        (b"\xff\xfe\x00binary", "case: is not UTF-8 text"),
        (json.dumps({"text": "x" * 20001}), "text:"),
    ],
)
def test_bad_input_exits_2_with_one_line(stdin, expected, cli):
    r = cli("assess", "-", "--format", "json", stdin=stdin)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.count("\n") == 1, err  # exactly one line
    assert expected in err
    assert "Traceback" not in err
    assert r.stdout == b""


def test_missing_file_exits_2(cli):
    r = cli("assess", "/nonexistent/case.json")
    assert r.returncode == 2
    assert "file not found" in r.stderr.decode()


def test_kb_check_and_export(cli):
    r = cli("kb", "check")
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout.decode()
    r = cli("kb", "export", "--json")
    data = json.loads(r.stdout)
    assert {"conditions", "findings", "tests", "advice", "sources"} <= set(data)


def test_kb_check_reports_every_problem(tmp_path, cli, repo):
    """Three broken files: every problem is listed in one run, each naming file and field."""
    import shutil

    toy = tmp_path / "kb"
    shutil.copytree(repo / "tests/data/toy_kb", toy)
    alpha = toy / "conditions/alpha.yaml"  # an uncited number
    alpha.write_text(alpha.read_text().replace('{value: 4.0, source: "ref:toy-study", locator: t2}', "{value: 4.0}"))
    beta = toy / "conditions/beta.yaml"  # a dangling finding reference
    beta.write_text(beta.read_text().replace("finding: f3,", "finding: f_missing,"))
    gamma = toy / "conditions/gamma.yaml"  # a probability outside (0, 1)
    gamma.write_text(gamma.read_text().replace("prior: {value: 0.05,", "prior: {value: 1.2,"))
    advice = toy / "advice.yaml"  # an advice tag outside the contract list
    advice.write_text(advice.read_text().replace("tags: [exercise]", "tags: [yoga]"))
    r = cli("kb", "check", "--path", str(toy))
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "conditions/alpha.yaml: findings.0.lr_pos.source: Field required" in err
    assert "conditions/beta.yaml: findings[0]: unknown finding 'f_missing'" in err
    assert "conditions/gamma.yaml: (top): Value error, prior 1.2 is outside the open interval (0, 1)" in err
    assert "advice.yaml: [rest]: tags.0: Input should be" in err
