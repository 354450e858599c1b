"""The ``legdx`` command (Typer). Each command builds a Case and calls the one engine.

Bad input never produces a traceback: any :class:`~legdx.errors.LegdxError` is printed as one
line on stderr and the command exits with status 2 (CONTRACT.md).
"""

from __future__ import annotations

import json
import logging
import sys
import time
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


class Format(StrEnum):
    json = "json"
    text = "text"
    html = "html"
    fhir = "fhir"


def fail(message: str) -> NoReturn:
    """Print the problem(s) to stderr, one line each, and exit 2 (bad input)."""
    for line in message.splitlines() or [message]:
        print(f"legdx: error: {line}", file=sys.stderr)
    raise typer.Exit(code=2)


@cache
def _compiled() -> Any:
    from legdx.pipeline import default_compiled

    return default_compiled()


def read_case_data(source: str) -> Any:
    """Read a case from a file path or '-' (stdin) and decode its JSON (``legdx.case.decode_json``)."""
    from legdx.case import MAX_CASE_BYTES, decode_json

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
    return decode_json(raw)


def run_assessment(data: Any) -> Any:
    """Validate raw case data and assess it through the one pipeline."""
    from legdx.case import parse_case
    from legdx.pipeline import assess

    ckb = _compiled()
    return assess(parse_case(data, ckb.kb), ckb)


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
        fail(str(exc))
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
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"legdx: knowledge base at {path or 'the packaged location'}: {len(exc.problems)} problem(s)",
            file=sys.stderr,
        )
        raise typer.Exit(code=2) from None
    compile_kb(kb)  # a KB that validates must also compile
    n_numbers = sum(1 for _ in kb.evidence())
    print(
        f"knowledge base {kb.meta.kb_version} OK: {len(kb.conditions)} conditions, {len(kb.findings)} findings, "
        f"{len(kb.tests)} tests, {len(kb.advice)} advice items, {len(kb.triage_rules)} triage rules, "
        f"{len(kb.sources)} sources, {n_numbers} cited numbers; checksum {kb.checksum}"
    )


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
        fail("\n".join(exc.problems))
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


@kb_app.command("schema")
def kb_schema() -> None:
    """Print the JSON Schema of the knowledge-base files (for editors validating YAML as you type)."""
    from pydantic import BaseModel

    from legdx.kb.schema import AdviceItem, Condition, DiagnosticTest, Finding, Source, Threshold, TriageRule

    models: dict[str, type[BaseModel]] = {
        "condition": Condition,
        "finding": Finding,
        "test": DiagnosticTest,
        "advice": AdviceItem,
        "triage_rule": TriageRule,
        "threshold": Threshold,
        "source": Source,
    }
    data = {name: model.model_json_schema() for name, model in models.items()}
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")


@app.command("eval")
def eval_cmd(
    vignettes: Annotated[Path, typer.Argument(metavar="VIGNETTES.jsonl")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    interview: Annotated[bool, typer.Option("--interview", help="Play each case as a simulated patient.")] = False,
    vocabulary: Annotated[
        Path | None,
        typer.Option(help="File of the finding ids the set's authors were given (scores text reading only on those)."),
    ] = None,
) -> None:
    """Accuracy report on a vignette file: top-1, top-3, triage, calibration and every miss."""
    from legdx.evaluation import evaluate, read_vignettes, simulate_all

    ckb = _compiled()
    try:
        items = read_vignettes(vignettes, ckb.kb)
        words = None
        if vocabulary is not None:
            try:
                words = frozenset(vocabulary.read_text(encoding="utf-8").split())
            except OSError as exc:
                raise InvalidCase(str(vocabulary), f"cannot be read ({exc.strerror})") from None
        report = evaluate(items, ckb, vocabulary=words)
        if interview:
            report.extra.update(simulate_all(items, ckb))
    except LegdxError as exc:
        fail(str(exc))
    data = report.as_dict()
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    print(f"vignettes: {data['n']} ({data['modelled']} with a modelled cause, {data['outside_kb']} outside the KB)")
    print(f"top-1: {data['top1']:.1%}   top-3: {data['top3']:.1%}   triage exact: {data['triage_exact']:.1%}")
    print(
        f"under-triaged: {data['under_triaged']} (urgent or emergency: {data['under_triaged_urgent']})   "
        f"over-triaged: {data['over_triaged']}   self-care kept: {data['self_care_kept']}   Brier: {data['brier']}"
    )
    print(
        f"outside the KB: {data['outside_kb_flagged']}/{data['outside_kb']} named in the top 3 or 'something else' "
        f">= 0.25; self-care advised {data['outside_kb_self_care']}; unsafe advice in {data['unsafe_advice']} cases"
    )
    if "findings_precision" in data:
        print(
            f"text reading: precision {data['findings_precision']:.3f}, recall {data['findings_recall']:.3f}, "
            f"warning-sign recall {data['warning_signs_recall']:.3f}"
        )
    if "questions" in data:
        q, a = data["questions"], data["answers"]
        print(f"interview: screens median {q['median']}, p90 {q['p90']}, max {q['max']}")
        print(f"           single answers median {a['median']}, p90 {a['p90']}, max {a['max']}")
        print("                  at stop   all findings")
        print(f"  top-1           {data['top1_at_stop']:7.1%}   {data['top1_all_findings']:7.1%}")
        print(f"  top-3           {data['top3_at_stop']:7.1%}   {data['top3_all_findings']:7.1%}")
        print(f"  triage exact    {data['triage_exact_at_stop']:7.1%}   {data['triage_exact']:7.1%}")
        print(f"  under-triaged   {data['under_triaged_at_stop']:7d}   {data['under_triaged']:7d}")
    print("per condition (n, top-1, top-3):")
    for cid, s in data["per_condition_sensitivity"].items():
        print(f"  {cid:38s} {s['n']:3d}  {s['top1']:.0%}  {s['top3']:.0%}")
    print("reliability of the shares (predicted vs observed):")
    for b in data["reliability"]:
        if b["pairs"]:
            pred, obs = b["mean_predicted"], b["observed"]
            print(f"  {b['bin']}: {b['pairs']:5d} pairs, predicted {pred:.3f}, observed {obs:.3f}")
    print(f"misses ({len(data['misses'])}):")
    for m in data["misses"]:
        flag = " UNDER-TRIAGED" if m["under_triaged"] else ""
        print(
            f"  {m['id']}: gold {','.join(m['gold_icd10'])} / {m['gold_triage']}, got {m['triage']}{flag}"
            f"{' UNSAFE ' + ','.join(m['unsafe_advice']) if m['unsafe_advice'] else ''}; "
            f"leading {', '.join(m['leading'])}"
        )


class _Nav(StrEnum):
    BACK = "back"
    QUIT = "quit"


_HELP = "(type ? to see why I ask, back to change your last answer, quit to stop)"


def _prompt(console: Any, label: str, why: str) -> str | _Nav:
    while True:
        raw: str = str(console.input(f"{label} ")).strip()
        low = raw.lower()
        if low == "?":
            console.print(f"  [italic]Why I ask: {why}[/italic]")
            continue
        if low in ("back", "b"):
            return _Nav.BACK
        if low in ("quit", "q", "exit"):
            return _Nav.QUIT
        return raw


def _ask(console: Any, q: Any) -> Any:
    """Ask one question in the terminal; returns the response, or a navigation command."""
    from legdx.case import AGE_MAX, AGE_MIN, age_problem

    n = q.answers_left_at_most
    left = f"at most {n} more answer{'' if n == 1 else 's'}" if n else "nearly done"
    console.print(f"\n[bold]Question {q.number}[/bold] [dim]({left}) {_HELP}[/dim]")
    console.print(q.text)
    if q.kind == "demographics":
        while True:
            raw = _prompt(console, "Your age in years (Enter to skip):", q.why)
            if isinstance(raw, _Nav):
                return raw
            if raw == "" or (raw.isascii() and raw.isdigit() and age_problem(int(raw)) is None):
                age = int(raw) if raw else None
                break
            console.print(f"  Please type a whole number from {AGE_MIN} to {AGE_MAX}, or press Enter to skip.")
        while True:
            raw = _prompt(console, "Sex - female or male (f/m, Enter to skip):", q.why)
            if isinstance(raw, _Nav):
                return raw
            sex = {"f": "female", "female": "female", "m": "male", "male": "male", "": None}.get(raw.lower(), "?")
            if sex != "?":
                return {"age": age, "sex": sex}
            console.print("  Please type f, m, or press Enter to skip.")
    if q.kind in ("screen", "items"):
        for i, item in enumerate(q.items, 1):
            console.print(f"  {i}. {item.text}")
        none_word = "0 for none of these" if q.kind == "screen" else "0 if none apply"
        while True:
            raw = _prompt(
                console, f"Numbers that apply, separated by commas ({none_word}; d if you don't know):", q.why
            )
            if isinstance(raw, _Nav):
                return raw
            if raw.lower() in ("d", "dk", "don't know", "dont know"):
                return {item.finding: None for item in q.items}
            picks = [p.strip() for p in raw.replace(" ", ",").split(",") if p.strip()]
            if picks and all(p.isdigit() and 0 <= int(p) <= len(q.items) for p in picks):
                chosen = {int(p) for p in picks} - {0}
                return {item.finding: (i in chosen) for i, item in enumerate(q.items, 1)}
            console.print(f"  Please type numbers from 1 to {len(q.items)}, 0, or d.")
    if q.kind == "numbers":
        values: dict[str, float | None] = {}
        while True:
            raw = _prompt(console, "Do you have any of these results? (y/n):", q.why)
            if isinstance(raw, _Nav):
                return raw
            if raw.lower() in ("n", "no", "d"):
                return {item.finding: None for item in q.items}  # no results: don't know, never "normal"
            if raw.lower() in ("y", "yes"):
                break
            console.print("  Please type y or n.")
        for item in q.items:
            while True:
                raw = _prompt(console, f"  {item.text} ({item.unit}) - Enter to skip:", q.why)
                if isinstance(raw, _Nav):
                    return raw
                if raw == "":
                    values[item.finding] = None
                    break
                try:
                    values[item.finding] = float(raw)
                    break
                except ValueError:
                    console.print("  Please type a number, or press Enter to skip.")
        return values
    if q.kind == "number":
        while True:
            raw = _prompt(console, f"Value in {q.unit} (Enter if you don't know):", q.why)
            if isinstance(raw, _Nav):
                return raw
            if raw == "":
                return None
            try:
                return float(raw)
            except ValueError:
                console.print("  Please type a number, or press Enter if you don't know.")
    while True:
        raw = _prompt(console, "Yes, no or don't know? (y/n/d):", q.why)
        if isinstance(raw, _Nav):
            return raw
        answer_map = {"y": True, "yes": True, "n": False, "no": False, "d": None, "dk": None, "don't know": None}
        if raw.lower() in answer_map:
            return answer_map[raw.lower()]
        console.print("  Please type y, n or d.")


def _describe(console: Any, ckb: Any) -> Any:
    """Free text first: read the person's description, show what was understood, let them confirm.

    Returns the interview state to start from (the confirmed findings, never asked again), or a
    fresh one when they skip or reject it.
    """
    from legdx.case import parse_case
    from legdx.interview import InterviewState
    from legdx.kb.schema import AGE_FINDING, FEMALE_FINDING
    from legdx.pipeline import read_text

    while True:
        raw = str(console.input("\nDescribe the problem in your own words (or press Enter to skip):\n> ")).strip()
        if not raw:
            return InterviewState()
        try:
            understood = [u for u in read_text(parse_case({"text": raw}, ckb.kb), ckb) if u.used or u.uncertain]
        except LegdxError as exc:
            console.print(f"  [red]{exc}[/red]")
            continue
        findings = {u.finding: u.value for u in understood if u.finding not in (AGE_FINDING, FEMALE_FINDING)}
        age = next((int(u.value) for u in understood if u.finding == AGE_FINDING), None)
        female = next((u.value for u in understood if u.finding == FEMALE_FINDING), None)
        if not findings and age is None and female is None:
            console.print("  I could not pick out anything from that; let's go through the questions.")
            return InterviewState()
        console.print("\nThis is what I understood:")
        if age is not None or female is not None:
            sex = "" if female is None else ("female" if female else "male")
            console.print(f"  - {', '.join(x for x in (f'age {age}' if age is not None else '', sex) if x)}")
        for fid, value in findings.items():
            f = ckb.kb.findings[fid]
            shown = ("yes" if value else "no") if isinstance(value, bool) else f"{value:g} {f.unit}"
            unsure = (
                " (you sounded unsure; treated as yes to be safe)"
                if any(u.uncertain for u in understood if u.finding == fid)
                else ""
            )
            console.print(f"  - {f.plain}: {shown}{unsure}")
        reply = str(console.input("Is this right? (y = yes, n = type it again, s = skip it): ")).strip().lower()
        if reply in ("n", "no"):
            continue
        if reply in ("s", "skip"):
            return InterviewState()
        return InterviewState(
            age=age,
            sex=None if female is None else "female" if female else "male",
            answers=tuple(findings.items()),
            confirmed=tuple(findings),
        )


@app.command()
def interview(
    save: Annotated[
        Path | None, typer.Option("--save", help="Write the case and the assessment to this JSON file.")
    ] = None,
) -> None:
    """Interactive interview in the terminal: your own words first, then one question at a time."""
    from rich.console import Console

    from legdx.interview import answer, next_question
    from legdx.pipeline import assess as run_assess
    from legdx.report.json import assessment_dict
    from legdx.report.text import render_text

    console = Console(highlight=False)
    ckb = _compiled()
    console.print(
        "[bold]legdx[/bold] - a few questions about your leg pain. It informs and does not replace a clinician."
    )
    try:
        state = _describe(console, ckb)
        while (q := next_question(state, ckb)) is not None:
            response = _ask(console, q)
            if response is _Nav.QUIT:
                console.print("Stopped. Nothing was saved.")
                return
            if response is _Nav.BACK:
                state = state.back()
                continue
            try:
                state = answer(state, q.id, response, ckb)
            except LegdxError as exc:
                console.print(f"  [red]{exc}[/red]")
    except EOFError:
        console.print("\nInput ended before the interview finished; nothing was saved.")
        raise typer.Exit(code=1) from None
    result = run_assess(state.to_case(), ckb)
    sys.stdout.write("\n" + render_text(result))
    if save is not None:
        save.write_text(
            json.dumps(
                {"case": state.to_case().model_dump(mode="json"), "assessment": assessment_dict(result)}, indent=2
            )
        )
        console.print(f"Saved to {save}")


# ---------------------------------------------------------------- web: `legdx serve` and `legdx apikey` (issue 4)
# Everything web-related is imported lazily so the other commands start fast without the web extra.

apikey_app = typer.Typer(help="Create, list and revoke API keys for the JSON API.", no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")


def _web_settings(**overrides: Any) -> Any:
    try:
        from pydantic import ValidationError

        from legdx.web.settings import Settings
    except ImportError as exc:
        fail(f"the web app needs its extra: pip install 'legdx[web]' ({exc.name} is missing)")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        fail(str(exc.errors()[0]["msg"]).removeprefix("Value error, "))


def _open_web_store() -> Any:
    from legdx.store import open_store

    settings = _web_settings()
    try:
        return open_store(settings.resolved_database_url)
    except LegdxError as exc:
        fail(str(exc))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    rate_limit: Annotated[
        str | None, typer.Option(help="Writes per client, e.g. 60/minute;600/hour, or off (LEGDX_RATE_LIMIT).")
    ] = None,
) -> None:
    """Run the web app and JSON API (LEGDX_DATABASE_URL picks the database; SQLite by default)."""
    settings = _web_settings(**({} if rate_limit is None else {"rate_limit": rate_limit}))
    try:
        from legdx.web.app import create_app
        from legdx.web.server import run
    except ImportError as exc:
        fail(f"the web app needs its extra: pip install 'legdx[web]' ({exc.name} is missing)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    url = settings.resolved_database_url
    shown = url.split("@")[-1] if "@" in url else url
    print(f"legdx: serving on http://{host}:{port}/  (database: {shown})", file=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1") and "*" not in settings.allowed_hosts:
        hosts = settings.allowed_hosts
        print(f"legdx: note: only Host headers in LEGDX_ALLOWED_HOSTS are accepted ({hosts})", file=sys.stderr)
    if settings.rate_limit == "off" and host not in ("127.0.0.1", "localhost", "::1"):
        print("legdx: warning: rate limit is off on a non-loopback address", file=sys.stderr)
    try:
        run(create_app(settings), host=host, port=port, log_level=log_level, header_timeout=settings.header_timeout)
    except LegdxError as exc:
        fail(str(exc))


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def _print_summary(summary: Any, seconds: float) -> None:
    """Counts per triage level and per top condition, on stderr (stdout stays free for pipes)."""
    rate = summary.rows / seconds if seconds > 0 else 0.0
    print(
        f"screened {summary.rows} rows in {seconds:.1f} s ({rate:,.0f} rows/s); rows with an error: {summary.bad_rows}",
        file=sys.stderr,
    )
    from legdx.kb.schema import TriageLevel

    levels = ", ".join(f"{level.value} {summary.triage.get(level.value, 0)}" for level in reversed(TriageLevel))
    print(f"triage: {levels}", file=sys.stderr)
    top = sorted(summary.top_condition.items(), key=lambda kv: (-kv[1], kv[0]))
    print("top condition: " + (", ".join(f"{c} {n}" for c, n in top) or "none"), file=sys.stderr)
    if summary.no_findings:
        print(
            f"people with no finding recorded: {summary.no_findings} (their level is the safety net's 'soon' and their"
            " top condition comes from the priors alone; filter on the shares)",
            file=sys.stderr,
        )
    if summary.top_condition_unrecorded:
        new = sorted(summary.top_condition_unrecorded.items(), key=lambda kv: (-kv[1], kv[0]))
        counts = ", ".join(f"{c} {n}" for c, n in new)
        print(f"top condition not yet diagnosed on the record: {counts}", file=sys.stderr)


@app.command()
def screen(
    source: Annotated[
        Path | None,
        typer.Argument(
            metavar="INPUT", help="Wide table (.parquet or .csv, a column per finding id) or an OMOP CDM folder."
        ),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Output Parquet file.")] = Path("screen.parquet"),
    engine: Annotated[Engine, typer.Option(help="local: this process; dask: dask.distributed workers.")] = Engine.local,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (default: start a local cluster).")
    ] = None,
    synthetic: Annotated[
        int | None, typer.Option(min=1, help="Write N synthetic people (from the KB's own model) to -o instead.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --synthetic.")] = 0,
    map_path: Annotated[
        Path | None,
        typer.Option(
            "--map", help="For an OMOP CDM folder: which codes stand for which findings (default: the packaged map)."
        ),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(help="Summary chart (PNG) of the run; default: beside the output, ending .summary.png."),
    ] = None,
) -> None:
    """Score every row of a wide table: shares, top condition, triage level and warning signs (CONTRACT v1.1)."""
    ckb = _compiled()
    try:
        if synthetic is not None:
            from legdx.batch.synthetic import write_synthetic_cohort

            write_synthetic_cohort(output, ckb, synthetic, seed=seed)
            print(f"wrote {synthetic} synthetic people to {output}", file=sys.stderr)
            return
        if source is None:
            raise InvalidCase("INPUT", "missing: give a .parquet or .csv file, an OMOP CDM folder (or --synthetic N)")
        started = time.perf_counter()
        if engine is Engine.dask:
            from legdx.batch.cluster import screen_with_dask

            summary = screen_with_dask(source, output, ckb, scheduler=scheduler, map_path=map_path)
        else:
            summary = _screen_with_progress(source, output, ckb, map_path)
    except LegdxError as exc:
        fail(str(exc))
    except ImportError as exc:
        fail(f"legdx screen needs its extra: pip install 'legdx[scale]' ({exc.name})")
    _print_summary(summary, time.perf_counter() - started)
    _write_chart(summary, ckb, chart or output.with_suffix(".summary.png"), source)


def _write_chart(summary: Any, ckb: Any, path: Path, source: Path) -> None:
    """The summary chart; the scores are already written, so a chart that cannot be drawn is a warning."""
    try:
        from legdx.report.screen_chart import write_summary_chart

        write_summary_chart(summary, ckb, path, title=f"legdx screen {source.name}")
    except ImportError as exc:
        print(f"legdx: warning: no summary chart: pip install 'legdx[scale]' ({exc.name})", file=sys.stderr)
        return
    except OSError as exc:
        print(f"legdx: warning: {path}: the summary chart cannot be written ({exc.strerror or exc})", file=sys.stderr)
        return
    print(f"summary chart: {path}", file=sys.stderr)


def _screen_with_progress(source: Path, output: Path, ckb: Any, map_path: Path | None) -> Any:
    """Run screen_file with a Rich progress bar (rows and rows/s) when stderr is a terminal."""
    from legdx.batch.screen import screen_file

    if not sys.stderr.isatty():
        return screen_file(source, output, ckb, map_path=map_path)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("screening"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("screen", total=None, rate="-")
        started = time.perf_counter()

        def advance(done: int, total: int | None) -> None:
            elapsed = time.perf_counter() - started
            bar.update(task, completed=done, total=total, rate=f"{done / elapsed:,.0f}" if elapsed > 0 else "-")

        return screen_file(source, output, ckb, map_path=map_path, progress=advance)


@app.command()
def purge(
    days: Annotated[
        int | None, typer.Option(min=1, help="Delete assessments older than this (default LEGDX_RETENTION_DAYS).")
    ] = None,
) -> None:
    """Delete stored assessments past their retention, and old audit events (the server also does this daily)."""
    from legdx.store.retention import purge as purge_store

    settings = _web_settings()
    store = _open_web_store()
    try:
        done = purge_store(
            store,
            retention_days=days or settings.retention_days,
            audit_retention_days=settings.audit_retention_days,
            actor="cli",
        )
    finally:
        store.dispose()
    print(f"deleted {done.records} assessments and {done.audit_events} audit events", file=sys.stderr)


@apikey_app.command("create")
def apikey_create(name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")] = "default") -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from legdx.store.repo import create_api_key

    store = _open_web_store()
    try:
        with store.session() as s:
            record, key = create_api_key(s, name=name)
    except ValueError as exc:
        fail(f"name: {exc}")
    finally:
        store.dispose()
    print(
        f"created API key {record.id} ({record.name}); send it in the X-API-Key header. It is shown only once:",
        file=sys.stderr,
    )
    print(key)


@apikey_app.command("list")
def apikey_list() -> None:
    """List API keys (id, name, prefix, created, last used, revoked)."""
    from legdx.store.repo import list_api_keys

    store = _open_web_store()
    with store.session() as s:
        rows = list_api_keys(s)
    store.dispose()
    for r in rows:
        used = r.last_used_at.isoformat(timespec="seconds") if r.last_used_at else "never"
        state = f"revoked {r.revoked_at.isoformat(timespec='seconds')}" if r.revoked_at else "active"
        created = r.created_at.isoformat(timespec="seconds")
        print(f"{r.id}\t{r.name}\t{r.prefix}…\tcreated {created}\tused {used}\t{state}")


@apikey_app.command("revoke")
def apikey_revoke(key_id: Annotated[int, typer.Argument(help="The key's id (see `legdx apikey list`).")]) -> None:
    """Revoke an API key."""
    from legdx.store.repo import revoke_api_key

    store = _open_web_store()
    with store.session() as s:
        ok = revoke_api_key(s, key_id=key_id)
    store.dispose()
    if not ok:
        fail(f"key_id: no active API key with id {key_id}")
    print(f"revoked API key {key_id}", file=sys.stderr)
