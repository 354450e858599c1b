"""`legdx screen` on real files: per-row errors, one-line failures (exit 2), output columns."""

from __future__ import annotations

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from typer.testing import CliRunner  # noqa: E402

from legdx.cli import app  # noqa: E402
from legdx.pipeline import default_compiled  # noqa: E402

runner = CliRunner()


def _screen(*args: str):
    return runner.invoke(app, ["screen", *args])


def _one_line_error(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("legdx: error: ")
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0]


def test_output_has_the_contract_columns_in_order(tmp_path):
    src, out = tmp_path / "people.csv", tmp_path / "out.parquet"
    src.write_text("calf_pain,pain_on_walking,relieved_by_rest,abi,age,sex\ntrue,true,true,0.62,67,male\n,,,,,\n")
    result = _screen(str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    ckb = default_compiled()
    expected = ["person_id", *(f"share__{c}" for c in ckb.condition_ids), "share__something_else"]
    expected += ["top_condition", "triage_level", "warning_signs", "error"]
    assert table.column_names == expected
    rows = table.to_pylist()
    assert [r["person_id"] for r in rows] == [1, 2]  # row numbers stand in for a missing person_id
    assert rows[0]["top_condition"] == "peripheral_artery_disease"
    assert rows[1]["error"] is None and rows[1]["top_condition"] is not None  # an empty row is a valid person
    assert "triage:" in result.stderr and "peripheral_artery_disease 1" in result.stderr
    assert "people with no finding recorded: 1 " in result.stderr  # the empty row, whose "soon" is the safety net's


def test_bad_values_make_row_errors_and_the_other_rows_are_scored(tmp_path):
    src, out = tmp_path / "people.parquet", tmp_path / "out.parquet"
    table = pa.table(
        {
            "person_id": pa.array(["a", "b", "c", "d"]),
            "abi": pa.array([0.8, 9.5, None, 0.5]),  # 9.5 is outside the physiological range
            "calf_pain": pa.array(["true", "true", "maybe", None]),  # text in a yes/no column
            "ferritin_ug_l": pa.array([True, None, None, None]),  # a yes/no value in a measured column
            "pregnant": pa.array([None, None, None, True]),
            "sex": pa.array([None, None, None, "male"]),
        }
    )
    pq.write_table(table, src)
    result = _screen(str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = {r["person_id"]: r for r in pq.read_table(out).to_pylist()}
    assert rows["a"]["error"] == "ferritin_ug_l: expected a number in ug/L, got true"
    assert rows["b"]["error"] == "abi: 9.5 is outside 0-2.5 ratio"
    assert rows["c"]["error"] == "calf_pain: expected true or false, got 'maybe'"
    assert rows["d"]["error"] == "pregnant: true contradicts sex 'male'"
    for row in rows.values():
        assert row["top_condition"] is None and row["triage_level"] is None and row["warning_signs"] is None
        assert row["share__something_else"] is None
    assert "rows with an error: 4" in result.stderr


def test_a_good_row_beside_bad_ones_is_scored(tmp_path):
    src, out = tmp_path / "people.csv", tmp_path / "out.parquet"
    src.write_text("person_id,abi,age\n1,0.5,70\n2,0.5,old\n")
    assert _screen(str(src), "-o", str(out)).exit_code == 0
    first, second = pq.read_table(out).to_pylist()
    assert first["error"] is None and first["triage_level"] is not None
    assert second["error"] == "age: expected a whole number of years, got 'old'"


def test_unknown_column_stops_with_one_line(tmp_path):
    src = tmp_path / "people.csv"
    src.write_text("person_id,calf_pain,shoe_size\n1,true,42\n")
    _one_line_error(_screen(str(src), "-o", str(tmp_path / "o.parquet")), "people.csv", "'shoe_size'")
    assert not (tmp_path / "o.parquet").exists()


def test_truncated_parquet_stops_with_one_line(tmp_path):
    whole, cut = tmp_path / "whole.parquet", tmp_path / "cut.parquet"
    pq.write_table(pa.table({"calf_pain": [True, False] * 500}), whole)
    cut.write_bytes(whole.read_bytes()[:-200])
    _one_line_error(_screen(str(cut), "-o", str(tmp_path / "o.parquet")), "cut.parquet", "cannot be read")


def test_csv_with_a_broken_quote_stops_with_one_line(tmp_path):
    src = tmp_path / "people.csv"
    src.write_text('person_id,calf_pain,abi\n1,true,0.8\n2,"true,0.7\n3,false,0.9\n')
    result = _screen(str(src), "-o", str(tmp_path / "o.parquet"))
    _one_line_error(result, "people.csv", "cannot be read")
    assert not (tmp_path / "o.parquet").exists()  # nothing half-written is left behind


def test_missing_file_and_unknown_type_stop_with_one_line(tmp_path):
    _one_line_error(_screen(str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.parquet")), "nope.csv", "not found")
    odd = tmp_path / "people.xlsx"
    odd.write_bytes(b"PK")
    _one_line_error(_screen(str(odd), "-o", str(tmp_path / "o.parquet")), "people.xlsx", "file type")


def test_synthetic_cohort_round_trip(tmp_path):
    cohort, out = tmp_path / "cohort.parquet", tmp_path / "out.parquet"
    assert _screen("--synthetic", "500", "--seed", "3", "-o", str(cohort)).exit_code == 0
    assert pq.read_metadata(cohort).num_rows == 500
    result = _screen(str(cohort), "-o", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 500 and table.column("error").null_count == 500


def test_the_run_draws_its_summary_chart(tmp_path):
    pytest.importorskip("matplotlib")
    np = pytest.importorskip("numpy")
    from PIL import Image

    src, out = tmp_path / "people.csv", tmp_path / "out.parquet"
    src.write_text("calf_pain,pain_on_walking,relieved_by_rest,abi,age,sex\ntrue,true,true,0.62,67,male\n,,,,,\n")
    result = _screen(str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    chart = tmp_path / "out.summary.png"  # beside the output by default
    assert f"summary chart: {chart}" in result.stderr
    pixels = np.asarray(Image.open(chart).convert("L"))
    assert pixels.shape[0] > 300 and pixels.std() > 10  # a drawn picture, not a blank page
    mine = tmp_path / "charts" / "run.png"
    result = _screen(str(src), "-o", str(out), "--chart", str(mine))  # a folder that does not exist: a warning
    assert result.exit_code == 0 and "warning" in result.stderr and out.exists()
