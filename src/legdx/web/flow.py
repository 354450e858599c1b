"""The person's web interview, carried in the page as a hidden JSON field.

The hidden ``state`` field holds ``{"v": 1, "base": {age, sex, answers}, "steps": [[question_id,
response], ...]}``: what the person confirmed from their description (the engine's ``confirmed``
findings: never asked again, never overwritten), then every answer in order.
It is not secret (it is the person's own answers), but it comes back from the browser, so every
request re-validates it completely by replaying the steps through :func:`legdx.interview.answer`.
"Back" drops the last step. Nothing is stored until the interview ends.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from legdx.case import SEXES, read_age
from legdx.engine import resolve_states
from legdx.errors import InvalidCase
from legdx.interview import DEMOGRAPHICS, RED_FLAG_SCREEN, InterviewState, Question, answer
from legdx.kb.compile import CompiledKB
from legdx.kb.schema import FindingCategory, FindingKind

__all__ = [
    "NOTHING",
    "Flow",
    "MAX_STATE_CHARS",
    "base_from_confirm",
    "parse_response",
    "prefill_for",
    "word_of",
]

MAX_STATE_CHARS = 32_000
MAX_STEPS = 60
YES, NO, UNKNOWN = "yes", "no", "unknown"
_WORD_VALUE = {YES: True, NO: False, UNKNOWN: None}


def word_of(value: Any) -> str | None:
    """True/False/None -> the radio value used in the forms."""
    if value is True:
        return YES
    if value is False:
        return NO
    if value is None:
        return UNKNOWN
    return None


@dataclass
class Flow:
    base: dict[str, Any] = field(default_factory=lambda: {"age": None, "sex": None, "answers": {}})
    steps: list[list[Any]] = field(default_factory=list)

    def encode(self) -> str:
        return json.dumps({"v": 1, "base": self.base, "steps": self.steps}, separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str | None, ckb: CompiledKB) -> tuple[Flow, InterviewState]:
        """Parse and completely re-validate the hidden state; returns it with the replayed interview state.

        Raises:
            InvalidCase: with ``state...`` in the field name, whatever was wrong.
        """
        if not raw:
            raise InvalidCase("state", "is missing; please start again")
        if len(raw) > MAX_STATE_CHARS:
            raise InvalidCase("state", f"is longer than {MAX_STATE_CHARS} characters")
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # ValueError: also an integer of more than 4300 digits
            raise InvalidCase("state", "is not valid JSON") from None
        if not isinstance(data, dict) or data.get("v") != 1 or set(data) != {"v", "base", "steps"}:
            raise InvalidCase("state", "is not an interview state of version 1")
        base, steps = data["base"], data["steps"]
        if not isinstance(base, dict) or not set(base) <= {"age", "sex", "answers"}:
            raise InvalidCase("state.base", "expected an object with age, sex and answers")
        if not isinstance(steps, list) or len(steps) > MAX_STEPS:
            raise InvalidCase("state.steps", f"expected a list of at most {MAX_STEPS} answers")
        flow = cls(
            base={"age": base.get("age"), "sex": base.get("sex"), "answers": base.get("answers") or {}}, steps=[]
        )
        state = flow.base_state(ckb)
        for i, step in enumerate(steps):
            if not (isinstance(step, list) and len(step) == 2 and isinstance(step[0], str)):
                raise InvalidCase(f"state.steps[{i}]", "expected [question id, response]")
            try:
                state = answer(state, step[0], step[1], ckb)
            except InvalidCase as exc:
                raise InvalidCase(f"state.steps[{i}].{exc.field}", exc.problem) from None
            flow.steps.append([step[0], step[1]])
        return flow, state

    def base_state(self, ckb: CompiledKB) -> InterviewState:
        answers = self.base.get("answers")
        if not isinstance(answers, dict):
            raise InvalidCase("state.base.answers", "expected an object")
        for fid, value in answers.items():
            f = ckb.kb.findings.get(fid)
            if f is None or f.category is FindingCategory.DEMOGRAPHIC:
                raise InvalidCase(f"state.base.answers.{fid}", "is not a finding that can be answered")
            if value is not None and not isinstance(value, bool | int | float):
                raise InvalidCase(f"state.base.answers.{fid}", f"expected true, false, a number or null, got {value!r}")
        try:
            # Everything in the base was confirmed by the person on the "is this right?" page: the
            # engine never asks it again nor lets a later answer overwrite it.
            known = [fid for fid, value in answers.items() if value is not None]
            state = InterviewState.from_dict({**self.base, "asked": [], "confirmed": known})
            resolve_states(state.to_case(), ckb)
        except InvalidCase as exc:
            raise InvalidCase(f"state.base.{exc.field}", exc.problem) from None
        except ValueError as exc:  # pydantic ValidationError from Case.model_validate
            raise InvalidCase("state.base", str(exc).splitlines()[0]) from None
        return state


NOTHING = object()


def prefill_for(question: Question, state: InterviewState, earlier: Any = NOTHING) -> dict[str, Any]:
    """Values to show in the form: the earlier answer to this question (after Back), else what is known."""
    known = dict(state.answers)
    if question.kind == "demographics":
        if isinstance(earlier, dict):
            return {"age": earlier.get("age"), "sex": earlier.get("sex")}
        return {"age": state.age, "sex": state.sex}
    if question.kind == "numbers":
        if isinstance(earlier, dict):
            known |= earlier
        return {i.finding: f"{known[i.finding]:g}" for i in question.items if known.get(i.finding) is not None}
    if question.kind in ("screen", "items"):
        if isinstance(earlier, dict):
            if earlier.get("none") is True:
                return {item.finding: NO for item in question.items}
            known |= earlier
        return {i.finding: word_of(known[i.finding]) for i in question.items if i.finding in known}
    fid = question.finding
    if earlier is not NOTHING:
        value, have = earlier, True
    elif fid in known:
        value, have = known[fid], True
    else:
        value, have = None, False
    if question.kind == "number":
        return {"value": "" if value is None else f"{value:g}"}
    return {"answer": word_of(value) if have else None}


def _binary(field_name: str, raw: Any) -> bool | None:
    if raw in (None, ""):
        return None
    if raw not in _WORD_VALUE:
        raise InvalidCase(field_name, f"expected yes, no or don't know, got {str(raw)[:40]!r}")
    return _WORD_VALUE[raw]


def parse_number(raw: str, *, field: str, lo: float, hi: float, unit: str) -> float:
    text = raw.strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise InvalidCase(
            field, f"please type a number, like {lo + (hi - lo) / 4:g} (you typed {raw[:30]!r})"
        ) from None
    if not math.isfinite(value):
        raise InvalidCase(field, "please type an ordinary number")
    if not lo <= value <= hi:
        raise InvalidCase(field, f"{value:g} is outside the possible range {lo:g} to {hi:g} {unit}")
    return value


def parse_age(raw: str) -> int | None:
    """A typed age (the range is checked by :func:`legdx.case.read_age`, the one place it lives)."""
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise InvalidCase("age", f"please give your age as a whole number of years, like 54 (you typed {raw[:30]!r})")
    return read_age(raw)


def parse_sex(raw: str) -> str | None:
    if raw in ("", "unsaid"):
        return None
    if raw not in SEXES:
        raise InvalidCase("sex", f"expected female or male, got {raw[:20]!r}")
    return raw


def parse_response(question: Question, form: Any, action: str) -> Any:
    """Turn a submitted form into the response :func:`legdx.interview.answer` expects.

    Raises:
        InvalidCase: with a plain-words problem the page shows next to the question.
    """
    if question.kind == "demographics":
        return {"age": parse_age(str(form.get("age", ""))), "sex": parse_sex(str(form.get("sex", "")))}
    if question.kind == "numbers":
        if action == "unknown":
            return {item.finding: None for item in question.items}
        out: dict[str, float | None] = {}
        for item in question.items:
            raw = str(form.get(f"item.{item.finding}", ""))
            if not raw.strip():
                out[item.finding] = None
                continue
            lo = item.min if item.min is not None else -math.inf
            hi = item.max if item.max is not None else math.inf
            out[item.finding] = parse_number(raw, field=f"item.{item.finding}", lo=lo, hi=hi, unit=item.unit or "")
        return out
    if question.kind in ("screen", "items"):
        if action == "none":
            return {"none": True}  # every item shown is "no"; items not shown (confirmed ones) are untouched
        return {
            item.finding: _binary(f"item.{item.finding}", form.get(f"item.{item.finding}")) for item in question.items
        }
    if question.kind == "yes_no":
        raw = form.get("answer")
        if raw is None:
            raise InvalidCase("answer", "please choose Yes, No or I don't know")
        return _binary("answer", raw)
    if action == "unknown":
        return None
    raw = str(form.get("value", ""))
    if not raw.strip():
        raise InvalidCase("value", "please type a number, or choose \u201cI don't know\u201d")
    assert question.min is not None and question.max is not None
    return parse_number(raw, field="value", lo=question.min, hi=question.max, unit=question.unit or "")


def base_from_confirm(form: Any, ckb: CompiledKB) -> dict[str, Any]:
    """The findings a person confirmed or corrected on the "is this right?" page."""
    answers: dict[str, Any] = {}
    for key in form.keys():
        if not key.startswith("f."):
            continue
        fid = key[2:]
        f = ckb.kb.findings.get(fid)
        if f is None or f.category is FindingCategory.DEMOGRAPHIC:
            raise InvalidCase(key, "is not a finding that can be confirmed")
        raw = str(form.get(key, ""))
        if f.kind is FindingKind.BINARY:
            answers[fid] = _binary(key, raw)
        elif raw.strip():
            assert f.range is not None
            answers[fid] = parse_number(raw, field=key, lo=f.range.min, hi=f.range.max, unit=f.unit or "")
        else:
            answers[fid] = None
    return {
        "age": parse_age(str(form.get("age", ""))),
        "sex": parse_sex(str(form.get("sex", ""))),
        "answers": {k: v for k, v in answers.items() if v is not None},
    }


QUESTION_IDS_ALWAYS = (DEMOGRAPHICS, RED_FLAG_SCREEN)
