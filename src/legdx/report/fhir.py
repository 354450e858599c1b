"""Assessment -> a FHIR R5 RiskAssessment (JSON), validated by fhir.resources.

Each condition becomes a ``prediction`` coded in ICD-10-CM (and SNOMED CT where known) with its
probability; the explanation goes into ``rationale``; safe advice and what was withheld go into
``mitigation``; the triage level and the disclaimer into ``note``. Needs the ``fhir`` extra.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from legdx.case import Assessment
from legdx.report.wording import FOR_CLINICIAN

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
MIN_PROBABILITY = 0.01  # conditions below 1 % are left out of the resource


def assessment_to_fhir(a: Assessment) -> dict[str, Any]:
    """Build the RiskAssessment as a dict (validated)."""
    from fhir.resources.riskassessment import RiskAssessment

    predictions = []
    for c in a.conditions:
        if c.probability < MIN_PROBABILITY:
            continue
        coding = [{"system": ICD10CM, "code": code, "display": c.name} for code in c.icd10[:1]]
        coding += [{"system": SNOMED, "code": code} for code in c.snomed[:1]]
        why = "; ".join(f"{x.label} ({x.log_odds:+.2f})" for x in c.contributions[:4])
        predictions.append(
            {
                "outcome": {"coding": coding, "text": c.name},
                "probabilityDecimal": round(c.probability, 4),
                "rationale": f"Log-odds contributions: {why}" if why else "Prior only",
            }
        )
    mitigation = " ".join(x.text for x in a.advice)
    if a.withheld_advice:
        mitigation += " Withheld for safety: " + " ".join(f"[{', '.join(w.tags)}] {w.why}" for w in a.withheld_advice)
    resource = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "subject": {"display": "Person assessed by legdx"},
        "occurrenceDateTime": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": {"text": f"legdx knowledge base {a.kb_version}: likelihood-ratio reasoning over cited evidence"},
        "prediction": predictions,
        "mitigation": mitigation or None,
        "note": [
            {"text": f"Triage: {FOR_CLINICIAN[a.triage.level]}. " + " ".join(a.triage.reasons[:3])},
            {"text": a.disclaimer},
        ],
    }
    return RiskAssessment.model_validate(resource).model_dump(mode="json", exclude_none=True)


def render_fhir(a: Assessment) -> str:
    import json

    return json.dumps(assessment_to_fhir(a), indent=2, ensure_ascii=False)
