"""`legdx screen FOLDER [--map MAP.yaml]` on a synthetic OMOP CDM extract: the planted people are
found, windows, units and vocabularies are honoured, and bad input is one line (exit 2)."""

from __future__ import annotations

import datetime as dt

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pytest.importorskip("duckdb")

from typer.testing import CliRunner  # noqa: E402

from legdx.batch.omop import read_omop  # noqa: E402
from legdx.cli import app  # noqa: E402
from legdx.pipeline import default_compiled  # noqa: E402

from .omop_extract import (  # noqa: E402
    DIAGNOSED_PAD,
    IRON_DEFICIENT_RLS,
    OLD_STATIN,
    STATIN_MYOPATHY,
    UNTREATED_CLAUDICATION,
    write_extract,
)

runner = CliRunner()


def _one_line_error(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("legdx: error: "), lines
    for word in words:
        assert word in lines[0]


def _wide(folder, map_path=None) -> dict[int, dict]:
    _, total, chunks = read_omop(folder, default_compiled(), map_path=map_path, chunk_rows=64)
    rows = [row for chunk in chunks for row in chunk.to_pylist()]
    assert len(rows) == total
    return {row["person_id"]: row for row in rows}


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    return write_extract(tmp_path_factory.mktemp("omop") / "cdm")


def test_the_planted_people_are_found(extract, tmp_path):
    out = tmp_path / "screen.parquet"
    result = runner.invoke(app, ["screen", str(extract), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["person_id"]: r for r in pq.read_table(out).to_pylist()}
    assert len(rows) == 305 and all(r["error"] is None for r in rows.values())
    claudicant, rls, statin, diagnosed = (
        rows[p] for p in (UNTREATED_CLAUDICATION, IRON_DEFICIENT_RLS, STATIN_MYOPATHY, DIAGNOSED_PAD)
    )
    # under-recognised arterial disease: claudication, a smoker with diabetes, no arterial diagnosis
    assert claudicant["top_condition"] == "peripheral_artery_disease"
    assert claudicant["share__peripheral_artery_disease"] >= 0.5 and claudicant["top_condition_recorded"] is False
    # the same picture with the diagnosis already coded is not "new"
    assert diagnosed["top_condition"] == "peripheral_artery_disease" and diagnosed["top_condition_recorded"] is True
    assert rls["top_condition"] == "restless_legs_syndrome" and rls["top_condition_recorded"] is True
    assert statin["top_condition"] == "statin_myopathy" and statin["top_condition_recorded"] is False
    assert statin["share__statin_myopathy"] >= 0.5
    # the summary names the likely causes not yet on anyone's record, and nothing else
    line = next(x for x in result.stderr.splitlines() if x.startswith("top condition not yet diagnosed"))
    assert line.endswith(": peripheral_artery_disease 1, statin_myopathy 1"), line


def test_codes_become_findings_within_their_windows(extract):
    wide = _wide(extract)
    rls, statin, old, claudicant = (
        wide[p] for p in (IRON_DEFICIENT_RLS, STATIN_MYOPATHY, OLD_STATIN, UNTREATED_CLAUDICATION)
    )
    assert rls["ferritin_ug_l"] == 18.0  # the latest ferritin, not the older normal one
    assert rls["urge_to_move"] is True and rls["recorded__restless_legs_syndrome"] is True
    assert (rls["age"], rls["sex"]) == (44.0, "female")
    assert statin["taking_statin"] is True and statin["ck_u_l"] == 1400.0
    assert old["taking_statin"] is None  # dispensed 400 days ago: outside the 180-day window
    assert old["symmetric_muscle_aches"] is True
    assert claudicant["pain_on_walking"] is True and claudicant["smoker"] is True and claudicant["diabetes"] is True
    assert claudicant["recorded__peripheral_artery_disease"] is False
    # no record is never read as "no": a background person's findings are unknown
    assert wide[1]["taking_statin"] is None and wide[1]["diabetes"] is None


def _folder(tmp_path, **tables):
    folder = tmp_path / "cdm"
    folder.mkdir()
    pq.write_table(
        pa.table({"person_id": [1, 2], "year_of_birth": [1960, 1970], "gender_concept_id": [8507, 8532]}),
        folder / "person.parquet",
    )
    for name, table in tables.items():
        pq.write_table(pa.table(table), folder / f"{name}.parquet")
    return folder


def test_units_are_converted_and_concept_ids_are_matched_by_vocabulary(tmp_path):
    day = dt.date(2026, 1, 10)
    folder = _folder(
        tmp_path,
        measurement={
            "person_id": [1, 2],
            "measurement_date": [day, day],
            "measurement_source_value": ["17861-6", "2000-8"],  # calcium in mg/dL, and in mmol/L
            "value_as_number": [8.0, 2.3],
        },
        drug_exposure={
            "person_id": [1, 2],
            "drug_exposure_start_date": [day, day],
            "drug_concept_id": [11, 12],
            "drug_source_value": [None, None],
        },
        concept={
            "concept_id": [11, 12],
            "vocabulary_id": ["ATC", "RxNorm"],
            "concept_code": ["C10AA05", "C10AA05"],  # the same letters in another vocabulary are not a statin
        },
    )
    wide = _wide(folder)
    assert wide[1]["calcium_mmol_l"] == pytest.approx(8.0 * 0.2495)
    assert wide[2]["calcium_mmol_l"] == pytest.approx(2.3)
    assert wide[1]["taking_statin"] is True and wide[2]["taking_statin"] is None


def test_a_map_of_ones_own_sets_the_screening_date(tmp_path):
    folder = _folder(
        tmp_path,
        condition_occurrence={
            "person_id": [1],
            "condition_start_date": [dt.date(2026, 1, 10)],
            "condition_source_value": ["r25.2"],  # lower case, as some sources write it
        },
    )
    mine = tmp_path / "map.yaml"
    mine.write_text(
        "as_of: 2026-03-01\nrules:\n  - findings: [sudden_muscle_tightening]\n    icd10cm: [R25]\n    within_days: 30\n"
    )
    assert _wide(folder, mine)[1]["sudden_muscle_tightening"] is None  # 50 days before the date: outside
    mine.write_text(
        "as_of: 2026-02-01\nrules:\n  - findings: [sudden_muscle_tightening]\n    icd10cm: [R25]\n    within_days: 30\n"
    )
    assert _wide(folder, mine)[1]["sudden_muscle_tightening"] is True


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "rules:\n  - findings: [leg_feels_odd]\n    icd10cm: [R25]\n",
            ("map.yaml", "leg_feels_odd", "not a finding id"),
        ),
        ("rules:\n  - findings: [ferritin_ug_l]\n    icd10cm: [D50]\n", ("map.yaml", "ferritin_ug_l", "LOINC")),
        ("rules:\n  - findings: [smoker]\n", ("map.yaml", "lists no codes")),
        ("rules:\n  - findings: [smoker]\n    icd10: [F17]\n", ("map.yaml", "icd10")),
        ("rules: [\n", ("map.yaml", "cannot be read")),
    ],
)
def test_a_bad_map_is_one_line(extract, tmp_path, content, words):
    mine = tmp_path / "map.yaml"
    mine.write_text(content)
    out = tmp_path / "out.parquet"
    _one_line_error(runner.invoke(app, ["screen", str(extract), "--map", str(mine), "-o", str(out)]), *words)
    assert not out.exists()


def test_a_bad_folder_is_one_line(tmp_path):
    out = tmp_path / "out.parquet"
    empty = tmp_path / "empty"
    empty.mkdir()
    _one_line_error(runner.invoke(app, ["screen", str(empty), "-o", str(out)]), "no person table")
    folder = _folder(tmp_path)
    pq.write_table(pa.table({"person_id": [1], "gender_concept_id": [8507]}), folder / "person.parquet")
    _one_line_error(runner.invoke(app, ["screen", str(folder), "-o", str(out)]), "year_of_birth")
    pq.write_table(
        pa.table({"person_id": ["P1"], "year_of_birth": [1960], "gender_concept_id": [8507]}), folder / "person.parquet"
    )
    _one_line_error(runner.invoke(app, ["screen", str(folder), "-o", str(out)]), "person_id", "'P1'")
    pq.write_table(
        pa.table({"person_id": [1], "year_of_birth": [1960], "gender_concept_id": [8507]}), folder / "person.parquet"
    )
    (folder / "measurement.csv").write_text(
        'person_id,measurement_date,measurement_source_value\n1,2026-01-01,"2276-4\n'
    )
    _one_line_error(runner.invoke(app, ["screen", str(folder), "-o", str(out)]), str(folder), "cannot be read")
    (folder / "measurement.csv").unlink()
    (folder / "drug_exposure.parquet").write_bytes(b"PAR1 not really parquet")
    _one_line_error(runner.invoke(app, ["screen", str(folder), "-o", str(out)]), "cannot be read")
    assert not out.exists()


def test_a_map_with_a_file_is_one_line(tmp_path):
    src = tmp_path / "people.csv"
    src.write_text("calf_pain\ntrue\n")
    _one_line_error(
        runner.invoke(app, ["screen", str(src), "--map", str(src), "-o", str(tmp_path / "o.parquet")]), "--map"
    )


def test_dask_scores_an_omop_folder_as_one_process_does(extract, tmp_path):
    pytest.importorskip("distributed")
    from legdx.batch.cluster import screen_with_dask
    from legdx.batch.screen import screen_file

    ckb = default_compiled()
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    screen_file(extract, one, ckb)
    screen_with_dask(extract, many, ckb, workers=2, rows_per_task=100)
    assert pq.read_table(one).equals(pq.read_table(many))
