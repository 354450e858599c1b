"""An OMOP CDM extract as the wide table ``legdx screen`` scores: ``legdx screen FOLDER [--map MAP.yaml]``.

The folder holds OMOP CDM tables as Parquet or CSV files (or folders of Parquet files) named after
the table: ``person`` (required), ``condition_occurrence``, ``drug_exposure``, ``measurement`` and
``observation`` (each optional), and ``concept`` (optional: with it, concept ids are matched by
their vocabulary codes too). DuckDB reads them where they lie; nothing is loaded whole into Python.

A map (YAML; the default is ``omop_map.yaml`` beside this module) says which codes stand for which
findings, within how many days before the screening date. A record's code is matched in its
``*_source_value`` (as the source system wrote it, dots ignored) and, with a ``concept`` table, by
the vocabulary code of its ``*_concept_id`` and ``*_source_concept_id``. ICD-10-CM and ATC codes
match as prefixes (``E11`` takes ``E11.9``), SNOMED CT, LOINC and RxNorm codes exactly. A yes/no
finding is true when a matching record falls in its window and unknown otherwise: a record that
says nothing is not evidence that something is absent. A measured finding takes the latest value
in its window, times the rule's ``factor`` (for a laboratory that reports in other units).

Each person also gets ``recorded__<condition>`` columns (true when one of the condition's own
ICD-10-CM codes, exactly as the knowledge base lists them, is on their record), from which the
output's ``top_condition_recorded`` says whether the leading cause is already diagnosed: what a
team looking for under-recognised disease filters on.

Data flow: folder + map -> one DuckDB query -> chunks of the wide table -> :func:`score_table`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from legdx.errors import InvalidCase
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import FindingCategory, FindingKind

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = ["DEFAULT_MAP", "RECORDED_PREFIX", "OmopMap", "load_omop_map", "read_omop"]

DEFAULT_MAP = Path(__file__).with_name("omop_map.yaml")
RECORDED_PREFIX = "recorded__"  # column prefix of a condition already diagnosed on the record
FEMALE_CONCEPT, MALE_CONCEPT = 8532, 8507  # OMOP standard gender concepts
PREFIX_VOCABULARIES = ("ICD10CM", "ATC")  # hierarchical codes: a shorter code stands for its children
# Which OMOP table may hold a code of each vocabulary (a drug code in a condition table is a mistake, not a match).
VOCABULARY_DOMAINS = {
    "ICD10CM": ("condition", "observation"),
    "SNOMED": ("condition", "observation"),
    "ATC": ("drug",),
    "RxNorm": ("drug",),
    "LOINC": ("measurement", "observation"),
}
MAP_KEYS = {"icd10cm": "ICD10CM", "snomed": "SNOMED", "atc": "ATC", "rxnorm": "RxNorm", "loinc": "LOINC"}
# (table, domain, date column, code columns: source value, concept id, source concept id, value column)
EVENT_TABLES = (
    ("condition_occurrence", "condition", "condition_start_date", "condition", None),
    ("drug_exposure", "drug", "drug_exposure_start_date", "drug", None),
    ("measurement", "measurement", "measurement_date", "measurement", "value_as_number"),
    ("observation", "observation", "observation_date", "observation", "value_as_number"),
)
# Every CSV value is read as text (a bad value is then NULL, not a failed file), and quoting is
# strict: DuckDB's sniffer would otherwise read a broken quote as part of a value.
CSV_OPTIONS = "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true"
CATEGORY_RANGE = re.compile(r"^([A-Z])(\d\d)-\1(\d\d)$")  # an ICD-10 range of categories, "C00-C96"


class MapRule(BaseModel):
    """Codes that stand for one or more findings (a diagnosis may stand for its defining features)."""

    model_config = ConfigDict(extra="forbid")

    findings: list[str] = Field(min_length=1)
    icd10cm: list[str] = []
    snomed: list[str] = []
    atc: list[str] = []
    rxnorm: list[str] = []
    loinc: list[str] = []
    within_days: int | None = Field(default=None, ge=0)  # None: at any time before the screening date
    factor: float = Field(default=1.0, gt=0)  # measured values are multiplied by this (unit conversion)
    why: str = ""

    @field_validator("icd10cm", "snomed", "atc", "rxnorm", "loinc", mode="before")
    @classmethod
    def _codes_are_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) for v in value]  # YAML reads an unquoted SNOMED code as a number
        return value

    @model_validator(mode="after")
    def _has_codes(self) -> MapRule:
        if not any(getattr(self, key) for key in MAP_KEYS):
            raise ValueError(f"rule for {', '.join(self.findings)} lists no codes (give {', '.join(MAP_KEYS)})")
        return self

    def codes(self) -> Iterator[tuple[str, str]]:
        """(vocabulary, normalised code) pairs, ICD-10 ranges such as C00-C96 expanded to their categories."""
        for key, vocabulary in MAP_KEYS.items():
            for code in getattr(self, key):
                code = normalise_code(code)
                found = CATEGORY_RANGE.match(code)
                if found and vocabulary == "ICD10CM":
                    letter, first, last = found.group(1), int(found.group(2)), int(found.group(3))
                    yield from ((vocabulary, f"{letter}{n:02d}") for n in range(first, last + 1))
                else:
                    yield vocabulary, code


class OmopMap(BaseModel):
    """A map from record codes to finding ids (the ``--map`` file)."""

    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = None  # the screening date; default: the latest date in the extract
    rules: list[MapRule] = Field(min_length=1)


def normalise_code(code: str) -> str:
    """A code as matched: trimmed, upper case, without dots (``e11.9`` and ``E119`` are the same code)."""
    return code.strip().upper().replace(".", "")


def load_omop_map(path: Path | None, ckb: CompiledKB) -> OmopMap:
    """Read and check a map file (the default map when ``path`` is None).

    Raises:
        InvalidCase: naming the file and the first problem (unreadable YAML, an unknown key, a
            finding id the knowledge base does not have, a measured finding without LOINC codes).
    """
    source = path or DEFAULT_MAP
    where = str(source)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidCase(where, "file not found") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InvalidCase.unreadable(where, exc) from None
    try:
        mapping = OmopMap.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        place = ".".join(str(p) for p in err["loc"])
        raise InvalidCase(where, f"{place}: {err['msg']}" if place else err["msg"]) from None
    for n, rule in enumerate(mapping.rules):
        for fid in rule.findings:
            finding = ckb.kb.findings.get(fid)
            if finding is None:
                raise InvalidCase(where, f"rules.{n}.findings: {fid!r} is not a finding id")
            if finding.category is FindingCategory.DEMOGRAPHIC:
                raise InvalidCase(where, f"rules.{n}.findings: {fid!r} comes from the person table, not a code")
            if finding.kind is FindingKind.NUMERIC and (len(rule.findings) > 1 or not rule.loinc):
                problem = f"the measured finding {fid!r} needs a rule of its own with LOINC codes"
                raise InvalidCase(where, f"rules.{n}: {problem}")
    return mapping


# ---------------------------------------------------------------- reading the folder


def _table_source(folder: Path, name: str) -> str | None:
    """DuckDB's reader for an OMOP table in the folder (file name case ignored), or None if absent."""
    for entry in sorted(folder.iterdir()):
        stem, suffix = entry.stem.lower(), entry.suffix.lower()
        if entry.is_dir() and entry.name.lower() == name:
            return f"read_parquet('{_quoted(entry)}/*.parquet')"
        if stem == name and suffix in (".parquet", ".pq"):
            return f"read_parquet('{_quoted(entry)}')"
        if stem == name and suffix == ".csv":
            return f"read_csv('{_quoted(entry)}', {CSV_OPTIONS})"
    return None


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> set[str]:
    return {row[0].lower() for row in con.sql(f"DESCRIBE {view}").fetchall()}


def _require(columns: set[str], needed: tuple[str, ...], where: str) -> None:
    missing = [c for c in needed if c not in columns]
    if missing:
        raise InvalidCase(where, f"missing column {missing[0]!r}")


def _event_view(con: duckdb.DuckDBPyConnection, folder: Path, has_concepts: bool) -> str:
    """SQL of every coded record as (person_id, domain, date, vocabulary, code, value)."""
    parts = []
    for table, domain, date_col, stem, value_col in EVENT_TABLES:
        source = _table_source(folder, table)
        if source is None:
            continue
        con.sql(f"CREATE VIEW {table} AS SELECT * FROM {source}")
        columns = _columns(con, table)
        _require(columns, ("person_id", date_col), str(folder / table))
        value = f"TRY_CAST({value_col} AS DOUBLE)" if value_col and value_col in columns else "NULL::DOUBLE"
        base = f"TRY_CAST(person_id AS BIGINT) AS person_id, '{domain}' AS domain, TRY_CAST({date_col} AS DATE) AS day"
        if f"{stem}_source_value" in columns:
            code = f"upper(replace(trim(CAST({stem}_source_value AS VARCHAR)), '.', ''))"
            parts.append(f"SELECT {base}, NULL AS vocabulary, {code} AS code, {value} AS value FROM {table}")
        for concept_col in (f"{stem}_concept_id", f"{stem}_source_concept_id"):
            if has_concepts and concept_col in columns:
                parts.append(
                    f"SELECT {base}, c.vocabulary_id AS vocabulary, upper(replace(c.concept_code, '.', '')) AS code,"
                    f" {value} AS value FROM {table} JOIN concept c"
                    f" ON TRY_CAST({table}.{concept_col} AS BIGINT) = TRY_CAST(c.concept_id AS BIGINT)"
                )
    if not parts:
        return (
            "SELECT NULL::BIGINT AS person_id, NULL AS domain, NULL::DATE AS day, NULL AS vocabulary,"
            " NULL AS code, NULL::DOUBLE AS value WHERE false"
        )
    return " UNION ALL ".join(parts)


def _patterns(mapping: OmopMap, ckb: CompiledKB) -> list[tuple[str, str, str, str, bool, int | None, float]]:
    """One row per (finding, vocabulary, code, domain): the map's rules, then each condition's own ICD-10-CM codes."""
    rows = []
    for rule in mapping.rules:
        for vocabulary, code in rule.codes():
            for domain in VOCABULARY_DOMAINS[vocabulary]:
                for fid in rule.findings:
                    prefix = vocabulary in PREFIX_VOCABULARIES
                    rows.append((fid, vocabulary, code, domain, prefix, rule.within_days, rule.factor))
    for cid in ckb.condition_ids:
        for code in ckb.kb.conditions[cid].icd10:
            # exactly: a myalgia code (M79.10) is not a diagnosis of statin myopathy, whose own list has M79.1
            rows.append((RECORDED_PREFIX + cid, "ICD10CM", normalise_code(code), "condition", False, None, 1.0))
    return rows


def _wide_query(mapping: OmopMap, ckb: CompiledKB, events: str, person_columns: set[str]) -> str:
    """The query that turns matched records into one row per person (the wide table of ``legdx screen``)."""
    findings = list(dict.fromkeys(fid for rule in mapping.rules for fid in rule.findings))
    measured = {f for f in findings if ckb.kb.findings[f].kind is FindingKind.NUMERIC}
    recorded = [RECORDED_PREFIX + c for c in ckb.condition_ids]
    select = []
    for fid in findings:
        if fid in measured:
            select.append(f"max(CASE WHEN m.finding = '{fid}' AND m.latest THEN m.value END) AS \"{fid}\"")
        else:
            select.append(f"CASE WHEN bool_or(m.finding = '{fid}') THEN true END AS \"{fid}\"")
    select += [f"coalesce(bool_or(m.finding = '{r}'), false) AS \"{r}\"" for r in recorded]
    month = "coalesce(TRY_CAST(p.month_of_birth AS INTEGER), 7)" if "month_of_birth" in person_columns else "7"
    day = "coalesce(TRY_CAST(p.day_of_birth AS INTEGER), 1)" if "day_of_birth" in person_columns else "1"
    birth = f"make_date(TRY_CAST(p.year_of_birth AS INTEGER), {month}, {day})"
    return f"""
        WITH events AS ({events}),
        matched AS (
            SELECT e.person_id, k.finding, e.day, e.value * k.factor AS value
            FROM events e JOIN patterns k
              ON k.domain = e.domain AND left(e.code, 3) = left(k.code, 3)
             AND (e.vocabulary IS NULL OR e.vocabulary = k.vocabulary)
             AND (e.code = k.code OR (k.prefix AND starts_with(e.code, k.code)))
            WHERE e.day <= (SELECT as_of FROM screening_date) AND (
                k.within_days IS NULL OR e.day >= (SELECT as_of FROM screening_date) - CAST(k.within_days AS INTEGER)
            )
        ),
        m AS (
            SELECT *, row_number() OVER (PARTITION BY person_id, finding ORDER BY day DESC, value DESC) = 1 AS latest
            FROM matched WHERE finding NOT IN ({", ".join(f"'{f}'" for f in measured) or "''"}) OR value IS NOT NULL
        )
        SELECT TRY_CAST(p.person_id AS BIGINT) AS person_id,
               CAST(date_sub('year', {birth}, (SELECT as_of FROM screening_date)) AS DOUBLE) AS age,
               CASE TRY_CAST(p.gender_concept_id AS BIGINT) WHEN {FEMALE_CONCEPT} THEN 'female'
                    WHEN {MALE_CONCEPT} THEN 'male' END AS sex,
               {", ".join(select)}
        FROM person p LEFT JOIN m ON m.person_id = TRY_CAST(p.person_id AS BIGINT)
        GROUP BY ALL
        ORDER BY 1
    """


def read_omop(
    folder: Path, ckb: CompiledKB, *, map_path: Path | None = None, chunk_rows: int
) -> tuple[pa.Schema, int, Iterator[pa.Table]]:
    """Open an OMOP CDM folder as the wide table of ``legdx screen``: its schema, row count and chunks.

    Raises:
        InvalidCase: the map is invalid, the folder has no person table, a table lacks a required
            column, or DuckDB cannot read a file (one line naming the folder or file).
    """
    import duckdb
    import pyarrow as pa

    mapping = load_omop_map(map_path, ckb)
    con = duckdb.connect()
    try:
        person = _table_source(folder, "person")
        if person is None:
            raise InvalidCase(str(folder), "no person table (person.parquet, person.csv or a person/ folder)")
        con.sql(f"CREATE VIEW person AS SELECT * FROM {person}")
        person_columns = _columns(con, "person")
        _require(person_columns, ("person_id", "year_of_birth", "gender_concept_id"), str(folder / "person"))
        odd = con.sql(
            "SELECT any_value(person_id), count(*) FROM person"
            " WHERE person_id IS NULL OR TRY_CAST(person_id AS BIGINT) IS NULL"
        ).fetchall()[0]
        if odd[1]:
            shown = "an empty" if odd[0] is None else repr(str(odd[0])[:30])
            problem = f"person_id must be a whole number (OMOP CDM); {odd[1]} rows are not, such as {shown} value"
            raise InvalidCase(str(folder / "person"), problem)
        has_concepts = _table_source(folder, "concept") is not None
        if has_concepts:
            con.sql(f"CREATE VIEW concept AS SELECT * FROM {_table_source(folder, 'concept')}")
            _require(_columns(con, "concept"), ("concept_id", "vocabulary_id", "concept_code"), str(folder / "concept"))
        events = _event_view(con, folder, has_concepts)
        patterns = pa.table(
            dict(
                zip(
                    ("finding", "vocabulary", "code", "domain", "prefix", "within_days", "factor"),
                    zip(*_patterns(mapping, ckb), strict=True),
                    strict=True,
                )
            )
        )
        con.register("patterns", patterns)
        if mapping.as_of is not None:
            con.sql(f"CREATE TABLE screening_date AS SELECT DATE '{mapping.as_of.isoformat()}' AS as_of")
        else:
            con.sql(f"CREATE TABLE screening_date AS SELECT coalesce(max(day), current_date) AS as_of FROM ({events})")
        total = int(con.sql("SELECT count(*) FROM person").fetchall()[0][0])
        reader = con.sql(_wide_query(mapping, ckb, events, person_columns)).to_arrow_reader(chunk_rows)
    except duckdb.Error as exc:
        con.close()
        raise InvalidCase.unreadable(str(folder), exc) from None
    except InvalidCase:
        con.close()
        raise

    def chunks() -> Iterator[pa.Table]:
        try:
            for batch in reader:
                yield pa.Table.from_batches([batch])
        except duckdb.Error as exc:
            raise InvalidCase.unreadable(str(folder), exc) from None
        finally:
            con.close()

    return reader.schema, total, chunks()
