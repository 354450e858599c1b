"""Score a wide table of people (Parquet or CSV) in chunks: ``legdx screen`` (CONTRACT.md v1.1).

A column per finding id (true / false / a number; empty = unknown) and optional ``person_id``,
``age`` and ``sex``. Each chunk is decoded into answer codes (0 unknown, ``i + 1`` the finding's
``i``-th state), scored by :func:`legdx.engine.row_posterior` and :func:`legdx.triage.triage_rows`
(the mathematics and the rules of :func:`legdx.assess`, over rows) and appended to the output
Parquet file. A value :func:`legdx.case.parse_case` would refuse makes that row's ``error``
("column: problem") and leaves its other outputs null; a file that cannot be read, or a column
that is not a finding, stops the run with one :class:`~legdx.errors.InvalidCase` naming the file.
Only the chunk in hand is in memory, whatever the size of the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from legdx.batch.omop import RECORDED_PREFIX
from legdx.case import SEXES, age_problem, finding_value_problem
from legdx.engine import band_codes, row_posterior
from legdx.errors import InvalidCase
from legdx.kb.compile import BoolArray, CompiledKB, FloatArray
from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING, Finding, FindingCategory, FindingKind, TriageLevel
from legdx.triage import RowFacts, outside_evidence_rows, triage_rows

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "CHUNK_ROWS",
    "PERSON_COLUMNS",
    "DecodedChunk",
    "ScreenOutput",
    "ScreenSummary",
    "decode_chunk",
    "finding_columns",
    "open_input",
    "output_schema",
    "output_schema_for",
    "read_chunks",
    "score_table",
    "screen_file",
    "screen_output",
]

OUTPUT_ROW_GROUP = 65_536  # rows per row group of the output file
CHUNK_ROWS = 8_192  # small enough that a chunk's working arrays stay in the CPU cache (measured fastest)
PERSON_COLUMNS = ("person_id", "age", "sex")
TRIAGE_NAMES = [level.value for level in TriageLevel]  # indexed by rank
# The summary counts a top condition not yet on the record only when it holds at least this share: a
# person with few or no coded findings gets a top condition too, from the priors alone.
UNRECORDED_SHARE = 0.5
TRUE_WORDS, FALSE_WORDS = ("true", "1"), ("false", "0")
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


@dataclass
class ScreenSummary:
    """Counts over the whole run: rows, bad rows, and people per triage level and per top condition
    (and, when the input says what is diagnosed, per likely top condition not yet on the record).
    ``no_findings``: people with no finding recorded at all, whose level is the safety net's "soon"
    and whose top condition comes from the priors alone."""

    rows: int = 0
    bad_rows: int = 0
    no_findings: int = 0
    triage: dict[str, int] = field(default_factory=dict)
    top_condition: dict[str, int] = field(default_factory=dict)
    top_condition_unrecorded: dict[str, int] = field(default_factory=dict)

    def count_empty(self, chunk: pa.Table) -> None:
        """Count the input rows that hold no finding (person_id, age, sex and diagnoses aside)."""
        import pyarrow.compute as pc

        empty = np.ones(chunk.num_rows, dtype=bool)
        for name in finding_names(chunk.column_names):
            empty &= pc.is_null(chunk.column(name)).to_numpy(zero_copy_only=False)
        self.no_findings += int(empty.sum())

    def add(self, output: pa.Table) -> None:
        self.rows += output.num_rows
        self.bad_rows += output.num_rows - output.column("error").null_count
        for name, counts in (("triage_level", self.triage), ("top_condition", self.top_condition)):
            for item in output.column(name).value_counts().to_pylist():
                if item["values"] is not None:
                    counts[item["values"]] = counts.get(item["values"], 0) + item["counts"]
        if "top_condition_recorded" in output.column_names:
            share_names = [n for n in output.column_names if n.startswith("share__")]
            shares = [output.column(n).to_numpy(zero_copy_only=False) for n in share_names]
            top_share = np.fmax.reduce(np.column_stack(shares), axis=1) if shares else np.zeros(output.num_rows)
            recorded = output.column("top_condition_recorded").to_numpy(zero_copy_only=False)
            unrecorded = output.filter((recorded == False) & (top_share >= UNRECORDED_SHARE))  # noqa: E712 (null rows drop out)
            for item in unrecorded.column("top_condition").value_counts().to_pylist():
                counts = self.top_condition_unrecorded
                counts[item["values"]] = counts.get(item["values"], 0) + item["counts"]


def finding_names(names: list[str]) -> tuple[str, ...]:
    """The columns of a checked table that hold findings (not person_id, age, sex or a diagnosis)."""
    return tuple(n for n in names if n not in PERSON_COLUMNS and not n.startswith(RECORDED_PREFIX))


def finding_columns(names: list[str], ckb: CompiledKB, source: str) -> tuple[str, ...]:
    """The finding columns of a table, checked: every other column must be person_id, age, sex or
    ``recorded__<condition id>`` (the condition is already diagnosed; :mod:`legdx.batch.omop` adds these).

    Raises:
        InvalidCase: on ``source``, naming the first column that is not a finding id (or is repeated).
    """
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidCase(source, f"column {name!r} appears twice")
        seen.add(name)
        finding = ckb.kb.findings.get(name)
        if name in PERSON_COLUMNS:
            continue
        if name.startswith(RECORDED_PREFIX) and name.removeprefix(RECORDED_PREFIX) in ckb.kb.conditions:
            continue
        if finding is None:
            raise InvalidCase(source, f"unknown column {name!r} (expected finding ids, person_id, age, sex)")
        if finding.category is FindingCategory.DEMOGRAPHIC:
            raise InvalidCase(source, f"column {name!r}: give this as the age or sex column")
    return finding_names(names)


def output_schema(ckb: CompiledKB, person_id_type: pa.DataType | None, *, recorded: bool = False) -> pa.Schema:
    """The columns of CONTRACT.md v1.1, in order (person_id keeps its input type; row numbers are int64),
    and ``top_condition_recorded`` when the input says which conditions are already diagnosed."""
    import pyarrow as pa

    fields = [pa.field("person_id", person_id_type or pa.int64())]
    fields += [pa.field(f"share__{c}", pa.float64()) for c in ckb.condition_ids]
    fields += [
        pa.field("share__something_else", pa.float64()),
        pa.field("top_condition", pa.string()),
        pa.field("triage_level", pa.string()),
        pa.field("warning_signs", pa.list_(pa.string())),
        pa.field("error", pa.string()),
    ]
    if recorded:
        fields.append(pa.field("top_condition_recorded", pa.bool_()))
    return pa.schema(fields)


# ---------------------------------------------------------------- decoding a chunk


class _Problems:
    """Per-row ``column: problem`` lines, built only for the rows that have one."""

    def __init__(self, n: int) -> None:
        self.lines: dict[int, list[str]] = {}
        self.bad = np.zeros(n, dtype=bool)

    def add(self, column: str, rows: BoolArray, problem: Callable[[int], str]) -> None:
        for i in np.flatnonzero(rows):
            self.lines.setdefault(int(i), []).append(f"{column}: {problem(int(i))}")
        self.bad |= rows

    def messages(self) -> pa.Array:
        import pyarrow as pa

        if not self.lines:
            return pa.nulls(len(self.bad), pa.string())
        return pa.array([("; ".join(self.lines[i]) if i in self.lines else None) for i in range(len(self.bad))])


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _strings(column: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, BoolArray]:
    """A text column trimmed and lower-cased, and the rows holding something (not null, not blank)."""
    import pyarrow.compute as pc

    text = pc.utf8_lower(pc.utf8_trim_whitespace(column))
    given = pc.fill_null(pc.not_equal(text, ""), False).to_numpy(zero_copy_only=False)
    return text, given


def _numbers(column: pa.ChunkedArray | pa.Array, problems: _Problems, name: str, expected: str) -> FloatArray:
    """A column as float64 (NaN = unknown); text that is not a number and true/false become problems."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        values: FloatArray = pc.fill_null(pc.cast(column, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
        return values.astype(np.float64, copy=True)
    given = pc.is_valid(column).to_numpy(zero_copy_only=False)
    values = np.full(len(column), np.nan)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text, given = _strings(column)
        ok = pc.fill_null(pc.match_substring_regex(text, NUMBER), False)
        values = pc.fill_null(pc.cast(pc.if_else(ok, text, None), pa.float64()), np.nan).to_numpy(zero_copy_only=False)
        bad = given & ~ok.to_numpy(zero_copy_only=False)
        raw = column
        problems.add(name, bad, lambda i: f"expected {expected}, got {_shown(raw[i].as_py())}")
        return np.array(values, dtype=np.float64)
    if pa.types.is_boolean(kind):
        raw = column
        problems.add(name, given, lambda i: f"expected {expected}, got {str(raw[i].as_py()).lower()}")
        return values
    problems.add(name, given, lambda i: f"expected {expected}, got a {kind} value")
    return values


def _binary_codes(column: pa.ChunkedArray | pa.Array, problems: _Problems, name: str) -> Any:
    """1 present, 2 absent, 0 unknown. Booleans, 0/1 and the words true/false are accepted."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    codes = np.zeros(len(column), dtype=np.uint8)
    if pa.types.is_boolean(kind):
        one, two, zero = (pa.scalar(v, pa.uint8()) for v in (1, 2, 0))
        return pc.fill_null(pc.if_else(column, one, two), zero).to_numpy(zero_copy_only=False)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text, given = _strings(column)
        yes = pc.fill_null(pc.is_in(text, value_set=pa.array(TRUE_WORDS)), False).to_numpy(zero_copy_only=False)
        no = pc.fill_null(pc.is_in(text, value_set=pa.array(FALSE_WORDS)), False).to_numpy(zero_copy_only=False)
        raw = column
        problems.add(name, given & ~yes & ~no, lambda i: f"expected true or false, got {_shown(raw[i].as_py())}")
    else:
        values = _numbers(column, problems, name, "true or false")
        given = ~np.isnan(values)
        yes, no = values == 1.0, values == 0.0
        problems.add(name, given & ~yes & ~no, lambda i: f"expected true or false, got {values[i]:g}")
    codes[yes] = 1
    codes[no] = 2
    return codes


def _measured_codes(finding: Finding, column: pa.ChunkedArray | pa.Array, problems: _Problems, name: str) -> Any:
    values = _numbers(column, problems, name, f"a number in {finding.unit}")
    given = ~np.isnan(values)
    rng = finding.range
    infinite = given & ~np.isfinite(values)
    problems.add(name, infinite, lambda i: f"expected a finite number, got {values[i]!r}")
    outside = given & np.isfinite(values) & ((values < rng.min) | (values > rng.max)) if rng else np.zeros_like(given)
    problems.add(name, outside, lambda i: str(finding_value_problem(finding, float(values[i]))))
    values[infinite | outside] = np.nan
    return band_codes(finding, values)


@dataclass(frozen=True)
class DecodedChunk:
    """A chunk as answer codes (what :func:`legdx.engine.row_posterior` takes), with each row's problems."""

    finding_ids: tuple[str, ...]  # code columns: the table's findings, then age and sex when modelled
    codes: Any  # (N, K) uint8
    age: FloatArray
    male: BoolArray
    bad: BoolArray
    errors: pa.Array


def decode_chunk(table: pa.Table, findings: tuple[str, ...], ckb: CompiledKB) -> DecodedChunk:
    """Answer codes, age and sex of every row, and the problems of the rows parse_case would refuse."""
    kb = ckb.kb
    n = table.num_rows
    problems = _Problems(n)
    columns = []
    for fid in findings:
        finding = kb.findings[fid]
        if finding.kind is FindingKind.BINARY:
            columns.append(_binary_codes(table.column(fid), problems, fid))
        else:
            columns.append(_measured_codes(finding, table.column(fid), problems, fid))
    age = np.full(n, np.nan)
    if "age" in table.column_names:
        age = _numbers(table.column("age"), problems, "age", "a whole number of years")
        given = ~np.isnan(age)
        odd = given & ((age != np.floor(age)) | (age < 0) | (age > 120) | ~np.isfinite(age))
        problems.add("age", odd, lambda i: str(age_problem(float(age[i]))))
        age[odd] = np.nan
    female = np.zeros(n, dtype=bool)
    male = np.zeros(n, dtype=bool)
    if "sex" in table.column_names:
        import pyarrow as pa

        sex = table.column("sex")
        if pa.types.is_string(sex.type) or pa.types.is_large_string(sex.type):
            text, given = _strings(sex)
            words = np.array(text.to_pylist(), dtype=object)
            female, male = given & (words == SEXES[0]), given & (words == SEXES[1])
            problems.add(
                "sex", given & ~female & ~male, lambda i: f"expected 'female' or 'male', got {_shown(sex[i].as_py())}"
            )
        else:
            given = np.asarray(sex.is_valid())
            problems.add("sex", given, lambda i: f"expected 'female' or 'male', got a {sex.type} value")
    female_only_present = np.zeros(n, dtype=bool)
    for fid, codes in zip(findings, columns, strict=True):
        if kb.findings[fid].sex == "female":
            present = codes == 1
            problems.add(fid, present & male, lambda i: "true contradicts sex 'male'")
            female_only_present |= present
    female |= female_only_present & ~male  # the body a finding implies, as resolve_states infers it
    ids = list(findings)
    if AGE_FINDING in kb.findings:
        ids.append(AGE_FINDING)
        columns.append(band_codes(kb.findings[AGE_FINDING], age))
    if FEMALE_FINDING in kb.findings:
        ids.append(FEMALE_FINDING)
        columns.append(np.where(female, 1, np.where(male, 2, 0)).astype(np.uint8))
    codes = np.column_stack(columns) if columns else np.zeros((n, 0), dtype=np.uint8)
    codes[problems.bad] = 0  # a bad row is scored as an empty one, then its outputs are nulled
    return DecodedChunk(tuple(ids), codes, age, male & ~problems.bad, problems.bad, problems.messages())


# ---------------------------------------------------------------- scoring


def score_table(table: pa.Table, ckb: CompiledKB, *, first_row: int = 0) -> pa.Table:
    """Score every row of ``table`` (finding columns checked by :func:`finding_columns`).

    Args:
        table: the rows, with finding columns and optional person_id, age and sex.
        ckb: the compiled knowledge base.
        first_row: number of rows before this chunk (row numbers stand in for a missing person_id).

    Returns:
        The output columns of CONTRACT.md v1.1 (:func:`output_schema`), one row per input row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    findings = finding_names(table.column_names)
    recorded = [n for n in table.column_names if n.startswith(RECORDED_PREFIX)]
    decoded = decode_chunk(table, findings, ckb)
    answers = RowFacts.answers_only(decoded.finding_ids, decoded.codes, decoded.age)
    post = row_posterior(ckb, decoded.finding_ids, decoded.codes, decoded.male, outside_evidence_rows(ckb, answers))
    facts = answers.with_differential(post.triage_probability, post.share, post.other_share)
    level = triage_rows(ckb, facts)
    n = table.num_rows
    bad = decoded.bad
    # The leading cause as assess orders them: largest share, then largest probability, then KB order.
    top = post.share.argmax(axis=1)
    tied = np.flatnonzero((post.share == post.share[np.arange(n), top][:, None]).sum(axis=1) > 1)
    if len(tied):
        best = post.share[tied].max(axis=1, keepdims=True)
        top[tied] = np.where(post.share[tied] == best, post.probability[tied], -np.inf).argmax(axis=1)
    red_flags = [f for f in findings if ckb.kb.findings[f].red_flag]
    flagged = (
        np.column_stack([decoded.codes[:, decoded.finding_ids.index(f)] == 1 for f in red_flags])
        if red_flags
        else np.zeros((n, 0), dtype=bool)
    )
    flagged[bad] = False
    rows, cols = np.nonzero(flagged)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(flagged.sum(axis=1), out=offsets[1:])
    signs = pc.take(pa.array(red_flags, pa.string()), pa.array(cols, pa.int64()))
    warning_signs = pa.ListArray.from_arrays(pa.array(offsets), signs, mask=pa.array(bad))
    person = (
        table.column("person_id")
        if "person_id" in table.column_names
        else pa.array(np.arange(first_row + 1, first_row + n + 1, dtype=np.int64))
    )
    arrays: list[Any] = [person]
    arrays += [pa.array(post.share[:, i], mask=bad) for i in range(len(ckb.condition_ids))]
    arrays += [
        pa.array(post.other_share, mask=bad),
        pc.take(pa.array(ckb.condition_ids, pa.string()), pa.array(top, pa.int64(), mask=bad)),
        pc.take(pa.array(TRIAGE_NAMES, pa.string()), pa.array(level, pa.int64(), mask=bad)),
        warning_signs,
        decoded.errors,
    ]
    if recorded:  # is the leading cause already diagnosed? (a condition without a column: not recorded)
        diagnosed = np.zeros((n, len(ckb.condition_ids)), dtype=bool)
        for name in recorded:
            column = pc.fill_null(pc.cast(table.column(name), pa.bool_()), False)
            diagnosed[:, ckb.condition_ids.index(name.removeprefix(RECORDED_PREFIX))] = column.to_numpy(
                zero_copy_only=False
            )
        arrays.append(pa.array(diagnosed[np.arange(n), top], mask=bad))
    schema = output_schema(ckb, person.type if "person_id" in table.column_names else None, recorded=bool(recorded))
    return pa.Table.from_arrays(arrays, schema=schema)


# ---------------------------------------------------------------- files


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise InvalidCase(str(path), f"unknown file type {suffix or '(none)'!r}; expected .parquet or .csv")


def read_chunks(
    path: Path, ckb: CompiledKB, *, chunk_rows: int = CHUNK_ROWS
) -> tuple[pa.Schema, int | None, Iterator[pa.Table]]:
    """Open a wide table and check its columns; returns its schema, its row count when known, and the chunks.

    CSV columns are all read as text and parsed here, so a bad value is a row's problem, not the file's.

    Raises:
        InvalidCase: the file is missing, of an unknown type, unreadable, or has a column that is not a finding.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if not path.exists():
        raise InvalidCase(str(path), "file not found")
    if path.is_dir():
        raise InvalidCase(str(path), "is a directory, expected a Parquet or CSV file")
    kind = _kind(path)
    try:
        if kind == "parquet":
            # without pre-buffering: a pre-buffering reader keeps every row group it has read (memory grew
            # with the file, about 70 MB a million rows); this one holds one row group at a time
            parquet = pq.ParquetFile(path, pre_buffer=False)
            schema = parquet.schema_arrow
            finding_columns(schema.names, ckb, str(path))
            rows: int | None = parquet.metadata.num_rows
            batches: Iterator[Any] = parquet.iter_batches(batch_size=chunk_rows)
        else:
            header = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 16))
            names = header.schema.names
            header.close()
            finding_columns(names, ckb, str(path))
            text_types = {name: pa.string() for name in names}
            reader = pacsv.open_csv(
                path,
                read_options=pacsv.ReadOptions(block_size=chunk_rows * 64),
                convert_options=pacsv.ConvertOptions(column_types=text_types, strings_can_be_null=True),
            )
            schema, rows, batches = reader.schema, None, iter(reader)
    except InvalidCase:
        raise
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InvalidCase.unreadable(str(path), exc) from None

    def chunks() -> Iterator[pa.Table]:
        try:
            for batch in batches:
                yield pa.Table.from_batches([batch])
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InvalidCase.unreadable(str(path), exc) from None

    return schema, rows, chunks()


def open_input(
    source: Path, ckb: CompiledKB, *, map_path: Path | None = None, chunk_rows: int = CHUNK_ROWS
) -> tuple[pa.Schema, int | None, Iterator[pa.Table]]:
    """A wide table file, or an OMOP CDM folder read through a map: its schema, row count and chunks.

    Raises:
        InvalidCase: as :func:`read_chunks` and :func:`legdx.batch.omop.read_omop`; a map given with a file.
    """
    if source.is_dir():
        from legdx.batch.omop import read_omop

        return read_omop(source, ckb, map_path=map_path, chunk_rows=chunk_rows)
    if map_path is not None:
        raise InvalidCase("--map", f"applies to an OMOP CDM folder, and {source} is not a folder")
    return read_chunks(source, ckb, chunk_rows=chunk_rows)


def output_schema_for(input_schema: pa.Schema, ckb: CompiledKB) -> pa.Schema:
    """The output schema :func:`score_table` gives for chunks of ``input_schema``."""
    person_type = input_schema.field("person_id").type if "person_id" in input_schema.names else None
    return output_schema(ckb, person_type, recorded=any(n.startswith(RECORDED_PREFIX) for n in input_schema.names))


def screen_file(
    source: Path,
    output: Path,
    ckb: CompiledKB,
    *,
    map_path: Path | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int, int | None], None] | None = None,
) -> ScreenSummary:
    """Score ``source`` chunk by chunk into the Parquet file ``output`` and count the results.

    The output is written beside its destination and moved into place only when the whole input
    was read, so a file that turns out unreadable half-way leaves no partial output behind.

    Args:
        source: a wide table (Parquet or CSV) or an OMOP CDM folder (:mod:`legdx.batch.omop`).
        map_path: the OMOP map (default: the packaged map); only with a folder.
        progress: called after each chunk with the rows done so far and the total (None when unknown).

    Raises:
        InvalidCase: the input cannot be read (see :func:`read_chunks`) or the output cannot be written.
    """

    schema, total, chunks = open_input(source, ckb, map_path=map_path, chunk_rows=chunk_rows)
    with screen_output(output, output_schema_for(schema, ckb)) as out:
        for table in chunks:
            out.summary.count_empty(table)
            out.write(score_table(table, ckb, first_row=out.summary.rows))
            if progress is not None:
                progress(out.summary.rows, total)
    return out.summary


class ScreenOutput:
    """Scored chunks on their way to the output file: counted, and written in row groups of
    OUTPUT_ROW_GROUP rows (a row group per small chunk would make the file's metadata, which the
    writer keeps until it closes, grow with the input)."""

    def __init__(self, writer: Any) -> None:
        self.summary = ScreenSummary()
        self._writer = writer
        self._waiting: list[pa.Table] = []
        self._rows = 0

    def write(self, scored: pa.Table) -> None:
        self.summary.add(scored)
        self._waiting.append(scored)
        self._rows += scored.num_rows
        if self._rows >= OUTPUT_ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self._waiting:
            self._writer.write_table(pa.concat_tables(self._waiting))
        self._waiting, self._rows = [], 0


@contextmanager
def screen_output(output: Path, schema: pa.Schema) -> Iterator[ScreenOutput]:
    """Write scored chunks beside ``output`` and move the file into place only when all went well,
    so an input that turns out unreadable half-way leaves no partial output behind.

    Raises:
        InvalidCase: the output cannot be written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    partial = output.with_name(f".{output.name}.partial-{os.getpid()}")
    try:
        # dictionary encoding only where values repeat (condition ids, levels): on the float shares it
        # costs four times the writing time and makes the file larger
        repeated = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_list(f.type)]
        with pq.ParquetWriter(partial, schema, use_dictionary=repeated) as writer:
            out = ScreenOutput(writer)
            yield out
            out.flush()
        os.replace(partial, output)
    except OSError as exc:
        raise InvalidCase(str(output), f"cannot be written ({exc.strerror or exc})") from None
    except pa.ArrowException as exc:
        raise InvalidCase(str(output), f"cannot be written ({exc})") from None
    finally:
        partial.unlink(missing_ok=True)
