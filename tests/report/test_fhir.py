"""FHIR output validates against fhir.resources and carries the differential with codes."""

from __future__ import annotations

import json

import pytest

from legdx.report.fhir import ICD10CM, assessment_to_fhir


def test_fhir_risk_assessment(assess_case):
    pytest.importorskip("fhir.resources")
    a = assess_case(age=67, sex="male", findings={"pain_on_walking": True, "relieved_by_rest": True, "abi": 0.62})
    res = assessment_to_fhir(a)
    assert res["resourceType"] == "RiskAssessment" and res["status"] == "final"
    first = res["prediction"][0]
    assert first["outcome"]["coding"][0] == {"system": ICD10CM, "code": "I70.21", "display": a.conditions[0].name}
    assert first["probabilityDecimal"] == pytest.approx(a.conditions[0].probability, abs=1e-4)
    assert any("does not replace a clinician" in n["text"] for n in res["note"])
    assert "Withheld for safety" in res["mitigation"]


def test_cli_fhir_format(cli):
    r = cli("assess", "-", "--format", "fhir", stdin=json.dumps({"findings": {"urge_to_move": True}}))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["resourceType"] == "RiskAssessment"
