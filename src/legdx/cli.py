"""The ``legdx`` command (Typer). Each command builds a Case and calls the one engine.

Bad input never produces a traceback: any :class:`~legdx.errors.LegdxError` is printed as one
line on stderr and the command exits with status 2 (CONTRACT.md).
"""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from legdx.errors import InvalidCase, KnowledgeBaseError, LegdxError

app = typer.Typer(
    help="legdx: evidence-based leg-pain assessment. It informs and does not replace a clinician.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
kb_app = typer.Typer(help="Validate or export the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")

MAX_CASE_BYTES = 1_000_000


class Format(StrEnum):
    json = "json"
    text = "text"
    html = "html"
    fhir = "fhir"


def fail(message: str) -> NoReturn:
    """Print one line to stderr and exit 2 (bad input)."""
    print(f"legdx: error: {message}", file=sys.stderr)
    raise typer.Exit(code=2)


@cache
def _compiled() -> Any:
    from legdx.assessment import default_compiled

    return default_compiled()


def read_case_data(source: str) -> Any:
    """Read a case from a file path or '-' (stdin) and parse its JSON."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_CASE_BYTES + 1)
        else:
            with open(source, "rb") as fh:
                raw = fh.read(MAX_CASE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidCase(source, "file not found") from None
    except IsADirectoryError:
        raise InvalidCase(source, "is a directory, expected a JSON file") from None
    if len(raw) > MAX_CASE_BYTES:
        raise InvalidCase("case", f"larger than {MAX_CASE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidCase("case", "is not UTF-8 text (binary file?)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidCase("case", f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None


def run_assessment(data: Any) -> Any:
    """Validate raw case data and assess it, reading any free text through the intake."""
    from legdx.assessment import assess
    from legdx.case import parse_case

    case = parse_case(data)
    understood = None
    if case.text is not None:
        from legdx.intake import understand

        understood = understand(case, _compiled())
    return assess(case, _compiled(), understood=understood)


def render(assessment: Any, fmt: Format) -> str:
    if fmt is Format.json:
        from legdx.report.json import render_json

        return render_json(assessment)
    if fmt is Format.text:
        from legdx.report.text import render_text

        return render_text(assessment)
    if fmt is Format.html:
        from legdx.report.html import render_html

        return render_html(assessment)
    from legdx.report.fhir import render_fhir

    return render_fhir(assessment)


@app.command()
def assess(
    case_file: Annotated[str, typer.Argument(metavar="CASE.json", help="Case file, or - to read standard input.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
) -> None:
    """Assess one case and print the result."""
    try:
        out = render(run_assessment(read_case_data(case_file)), fmt)
    except LegdxError as exc:
        fail(str(exc).splitlines()[0])
    sys.stdout.write(out if out.endswith("\n") else out + "\n")


@kb_app.command("check")
def kb_check(
    path: Annotated[Path | None, typer.Option(help="Knowledge-base folder (default: the packaged one).")] = None,
) -> None:
    """Validate the knowledge base; lists every problem and exits 2 if there are any."""
    from legdx.kb import load_kb
    from legdx.kb.compile import compile_kb

    try:
        kb = load_kb(path)
    except KnowledgeBaseError as exc:
        print(str(exc), file=sys.stderr)
        raise typer.Exit(code=2) from None
    ckb = compile_kb(kb)
    n_numbers = sum(1 for _ in _evidence(kb))
    print(
        f"knowledge base {kb.meta.kb_version} OK: {len(kb.conditions)} conditions, {len(kb.findings)} findings, "
        f"{len(kb.tests)} tests, {len(kb.advice)} advice items, {len(kb.triage_rules)} triage rules, "
        f"{len(kb.sources)} sources, {n_numbers} cited numbers; checksum {ckb.checksum()[:16]}"
    )


def _evidence(kb: Any) -> Any:
    from legdx.kb.load import _walk_evidence

    for table in (kb.findings, kb.conditions, kb.tests, kb.thresholds):
        for model in table.values():
            yield from _walk_evidence(model, "")


@kb_app.command("export")
def kb_export(
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON (the only format).")] = True,
    path: Annotated[Path | None, typer.Option(help="Knowledge-base folder (default: the packaged one).")] = None,
) -> None:
    """Dump the validated knowledge base (conditions, findings, tests, advice, sources) as JSON."""
    from legdx.kb import load_kb

    try:
        kb = load_kb(path)
    except KnowledgeBaseError as exc:
        fail(str(exc).splitlines()[0])
    data = {
        "meta": kb.meta.model_dump(mode="json"),
        "conditions": [c.model_dump(mode="json") for c in kb.conditions.values()],
        "findings": [f.model_dump(mode="json") for f in kb.findings.values()],
        "tests": [t.model_dump(mode="json") for t in kb.tests.values()],
        "advice": [a.model_dump(mode="json") for a in kb.advice.values()],
        "triage_rules": [r.model_dump(mode="json") for r in kb.triage_rules],
        "thresholds": [t.model_dump(mode="json") for t in kb.thresholds.values()],
        "sources": [s.model_dump(mode="json") for s in kb.sources.values()],
    }
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@app.command("eval")
def eval_cmd(
    vignettes: Annotated[Path, typer.Argument(metavar="VIGNETTES.jsonl")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    interview: Annotated[bool, typer.Option("--interview", help="Play each case as a simulated patient.")] = False,
) -> None:
    """Accuracy report on a vignette file: top-1, top-3, triage, calibration and every miss."""
    from legdx.evaluation import evaluate, read_vignettes

    try:
        items = read_vignettes(vignettes)
        report = evaluate(items, _compiled(), lambda case, ckb: run_assessment(case.model_dump(exclude_none=True)))
        if interview:
            from legdx.interview import simulate_all

            report.extra.update(simulate_all(items, _compiled()))
    except LegdxError as exc:
        fail(str(exc).splitlines()[0])
    data = report.as_dict()
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    print(f"vignettes: {data['n']}")
    print(f"top-1: {data['top1']:.1%}   top-3: {data['top3']:.1%}   triage exact: {data['triage_exact']:.1%}")
    print(f"under-triaged: {data['under_triaged']}   over-triaged: {data['over_triaged']}   Brier: {data['brier']}")
    if "questions" in data:
        q = data["questions"]
        print(f"interview: questions median {q['median']}, p90 {q['p90']}, max {q['max']}; "
              f"top-3 at stop {data['top3_at_stop']:.1%} vs all findings {data['top3_all_findings']:.1%}; "
              f"under-triaged at stop {data['under_triaged_at_stop']}")
    print("per condition (n, top-1, top-3):")
    for cid, s in data["per_condition_sensitivity"].items():
        print(f"  {cid:38s} {s['n']:3d}  {s['top1']:.0%}  {s['top3']:.0%}")
    print("reliability (predicted vs observed):")
    for b in data["reliability"]:
        if b["pairs"]:
            print(f"  {b['bin']}: {b['pairs']:5d} pairs, predicted {b['mean_predicted']:.3f}, observed {b['observed']:.3f}")
    print(f"misses ({len(data['misses'])}):")
    for m in data["misses"]:
        flag = " UNDER-TRIAGED" if m["under_triaged"] else ""
        print(f"  {m['id']}: gold {','.join(m['gold_icd10'])} / {m['gold_triage']}, got {m['triage']}{flag}; "
              f"leading {', '.join(m['leading'])}")


def main() -> None:  # pragma: no cover - console entry
    logging.basicConfig(level=logging.WARNING)
    app()
