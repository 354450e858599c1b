"""A small synthetic OMOP CDM extract for the tests (no patient data): background people with
everyday records, and planted people whose records hold a pattern ``legdx screen`` must find.

Codes are real: ICD-10-CM conditions, ATC drug classes, LOINC laboratory tests and SNOMED CT
findings. The screening date is the latest record, :data:`AS_OF`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

AS_OF = dt.date(2026, 6, 30)
FEMALE, MALE = 8532, 8507
# person id -> what was planted (and what legdx should make of it)
UNTREATED_CLAUDICATION = 9001  # claudication symptom, smoker, diabetes; no arterial disease diagnosis
IRON_DEFICIENT_RLS = 9002  # restless legs diagnosis with a ferritin of 18 ug/L
STATIN_MYOPATHY = 9003  # on atorvastatin, myalgia, CK 1,400 U/L; no myopathy diagnosis
DIAGNOSED_PAD = 9004  # claudication with an arterial disease code already on the record
OLD_STATIN = 9005  # a statin stopped 400 days ago, myalgia now: the statin is outside its window


def _days_ago(n: int) -> dt.date:
    return AS_OF - dt.timedelta(days=n)


def write_extract(folder: Path, *, background: int = 300, seed: int = 7) -> Path:
    """Write person, condition_occurrence, drug_exposure, observation (Parquet) and measurement (CSV)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    people = [(i, int(rng.integers(1930, 2005)), int(rng.choice([FEMALE, MALE]))) for i in range(1, background + 1)]
    people += [
        (UNTREATED_CLAUDICATION, 1957, MALE),
        (IRON_DEFICIENT_RLS, 1981, FEMALE),
        (STATIN_MYOPATHY, 1959, MALE),
        (DIAGNOSED_PAD, 1950, MALE),
        (OLD_STATIN, 1962, FEMALE),
    ]
    conditions: list[tuple[int, dt.date, str]] = []
    drugs: list[tuple[int, dt.date, str]] = []
    measurements: list[tuple[int, dt.date, str, float]] = []
    observations: list[tuple[int, dt.date, str]] = []
    everyday = ["I10", "J06.9", "K21.9", "M25.561", "E78.5", "N39.0"]  # hypertension, a cold, reflux... (unmapped)
    for pid, _, _ in people[:background]:
        for _ in range(int(rng.integers(0, 4))):
            conditions.append((pid, _days_ago(int(rng.integers(0, 3000))), str(rng.choice(everyday))))
        if rng.random() < 0.3:
            measurements.append((pid, _days_ago(int(rng.integers(0, 300))), "2951-2", float(rng.integers(136, 145))))
    # the planted people
    conditions += [
        (UNTREATED_CLAUDICATION, _days_ago(200), "F17.210"),
        (UNTREATED_CLAUDICATION, _days_ago(900), "E11.9"),
        (IRON_DEFICIENT_RLS, _days_ago(100), "G25.81"),
        (STATIN_MYOPATHY, _days_ago(20), "M79.10"),
        (DIAGNOSED_PAD, _days_ago(300), "I70.212"),
        (DIAGNOSED_PAD, _days_ago(300), "F17.210"),
        (OLD_STATIN, _days_ago(15), "M79.10"),
    ]
    observations += [
        (UNTREATED_CLAUDICATION, _days_ago(60), "63491006"),
        (DIAGNOSED_PAD, _days_ago(310), "63491006"),
    ]
    drugs += [(STATIN_MYOPATHY, _days_ago(d), "C10AA05") for d in (150, 90, 30)]
    drugs += [(OLD_STATIN, _days_ago(400), "C10AA01")]
    measurements += [
        (IRON_DEFICIENT_RLS, _days_ago(500), "2276-4", 90.0),  # an old, normal ferritin: the latest counts
        (IRON_DEFICIENT_RLS, _days_ago(40), "2276-4", 18.0),
        (STATIN_MYOPATHY, _days_ago(10), "2157-6", 1400.0),
    ]
    pq.write_table(
        pa.table(
            {
                "person_id": [p[0] for p in people],
                "year_of_birth": [p[1] for p in people],
                "gender_concept_id": [p[2] for p in people],
            }
        ),
        folder / "person.parquet",
    )

    def events(name: str, stem: str, date_col: str, rows: list[tuple[int, dt.date, str]]) -> None:
        pq.write_table(
            pa.table(
                {
                    f"{stem}_occurrence_id" if stem != "drug" else "drug_exposure_id": list(range(1, len(rows) + 1)),
                    "person_id": [r[0] for r in rows],
                    date_col: pa.array([r[1] for r in rows], pa.date32()),
                    f"{stem}_concept_id": [0] * len(rows),
                    f"{stem}_source_value": [r[2] for r in rows],
                }
            ),
            folder / f"{name}.parquet",
        )

    events("condition_occurrence", "condition", "condition_start_date", conditions)
    events("drug_exposure", "drug", "drug_exposure_start_date", drugs)
    events("observation", "observation", "observation_date", observations)
    pacsv.write_csv(
        pa.table(
            {
                "measurement_id": list(range(1, len(measurements) + 1)),
                "person_id": [m[0] for m in measurements],
                "measurement_date": [m[1].isoformat() for m in measurements],
                "measurement_concept_id": [0] * len(measurements),
                "measurement_source_value": [m[2] for m in measurements],
                "value_as_number": [m[3] for m in measurements],
            }
        ),
        folder / "measurement.csv",
    )
    return folder
