"""Engine benchmarks: KB load + compile, one assessment in-process, posterior only, next question.

Run: .venv/bin/python -m bench.bench_engine   (prints a markdown table; figures go in docs/benchmarks.md)
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from legdx import assess, parse_case
from legdx.engine import posterior, resolve_states
from legdx.interview import InterviewState, answer, next_question
from legdx.kb import load_kb
from legdx.kb.compile import compile_kb

ROOT = Path(__file__).resolve().parent.parent


def per_call(fn, n: int, repeats: int = 5) -> float:
    """Best-of-`repeats` mean seconds per call over n calls."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t0) / n)
    return min(times)


def main() -> None:
    t0 = time.perf_counter()
    kb = load_kb()
    t_load = time.perf_counter() - t0
    t_compile = per_call(lambda: compile_kb(kb), 20)
    ckb = compile_kb(kb)
    lines = (ROOT / "tests/data/vignettes/structured.jsonl").read_text().splitlines()
    cases = [parse_case(json.loads(line)["case"]) for line in lines if line.strip()]
    states = [resolve_states(c, ckb) for c in cases]

    t_post = statistics.mean(per_call(lambda s=s: posterior(ckb, s), 200) for s in states[:20])
    t_resolve_post = statistics.mean(
        per_call(lambda c=c: posterior(ckb, resolve_states(c, ckb)), 200) for c in cases[:20]
    )
    t_assess = statistics.mean(per_call(lambda c=c: assess(c, ckb), 50) for c in cases[:20])

    state = answer(InterviewState(), "demographics", {"age": 66, "sex": "male"}, ckb)
    state = answer(state, "red_flag_screen", {"none": True}, ckb)
    t_next = per_call(lambda: next_question(state, ckb), 50)

    rows = [
        ("KB load + validate (YAML, pydantic, cross-checks)", t_load, "once per process"),
        ("KB compile to arrays", t_compile, "once per process"),
        ("posterior (engine only, resolved case)", t_post, "target < 100 us"),
        ("validate case + posterior", t_resolve_post, ""),
        ("full assess() (posterior, triage, advice, tests, output model)", t_assess, ""),
        ("next interview question (full KB)", t_next, "target < 5 ms"),
    ]
    print(f"{len(kb.conditions)} conditions, {len(kb.findings)} findings, {len(ckb.state_names)} states")
    print("| what | time | note |\n|---|---|---|")
    for name, secs, note in rows:
        shown = f"{secs * 1e6:.1f} us" if secs < 1e-3 else f"{secs * 1e3:.2f} ms"
        print(f"| {name} | {shown} | {note} |")


if __name__ == "__main__":
    main()
