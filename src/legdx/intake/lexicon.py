"""The intake lexicon: data files in ``legdx/intake/lexicon/`` read and validated once.

The files (all YAML, read with :mod:`importlib.resources`, never located from ``__file__``):

``macros.yaml``
    Named sets of single words used inside patterns as ``@name`` (``@pain``, ``@calf``...).
``findings.yaml``
    For each finding id, the phrases that mean it is present (``present``), absent (``absent``)
    or, for measured findings, a representative value (``approx``: qualitative phrases such as
    "hypokalaemia").
``entries.yaml``
    Phrases that set several findings at once (``claudication``), concepts whose meaning depends
    on their context (a *history of* DVT is ``previous_dvt``; a *mother with* restless legs is
    ``family_history_rls``), and blockers (a "sudden cramp" is not a sudden onset; ``blocks``
    names finding ids or entry ids: a "swollen knee" blocks the ``swelling`` entry).
``drugs.yaml``
    Drug names and class words per medication finding (atorvastatin -> ``taking_statin``).
``context.yaml``
    ConText modifier rules: negation, possibility, hypotheticals, history, family, other people,
    stopped medicines, pseudo-triggers and scope terminators.
``measures.yaml``
    Laboratory analytes: names, units, conversions to the knowledge base's unit, and the guesses
    made for numbers written without a unit.

Pattern syntax (one string per pattern, tokens separated by spaces; words are compared on spaCy's
``NORM``, which lower-cases and spells out contractions: "doesn't" = "does not"):

- ``word``: that word; ``a|b|c``: any of them; ``walk*``: any word starting with "walk";
- ``@macro``: any word of a macro set; ``NUM``: a number (digits, a number word, or a clinical
  duration fraction such as 10/7, 6/12, 2/52); ``*``: any word;
- a trailing ``?`` makes a token optional (``the?``); ``..`` skips up to 3 words and ``...`` up to
  6 (never across punctuation, and never over a negation word: "no", "not", "n't", "never",
  "without", "nor", which would otherwise hide inside the phrase and escape negation);
- a pattern made only of plain words is a phrase, looked up whole in a table (``matcher.py``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "Analyte",
    "Guess",
    "ContextRule",
    "Entry",
    "Lexicon",
    "load_lexicon",
]

Value = bool | float
SETTINGS = ConfigDict(extra="forbid", frozen=True)


class Entry(BaseModel):
    """Phrases and what they mean in each context.

    ``current`` applies to an affirmed mention about the person now. ``historical`` applies under a
    history cue ("history of", "PMH:"); when it is ``None`` the intake keeps the current meaning for
    history-like findings (history, medication, lifestyle) and drops the rest. ``family`` applies
    under a blood-relative cue. ``blocks`` suppresses matches of those findings (or entries) inside
    this span. ``special``: ``swelling`` is resolved by ``laterality.py``; ``site_pain`` is a body
    site that counts only when a pain word is linked to it (``reader._site_pain``).
    """

    model_config = SETTINGS

    id: str | None = None
    terms: list[str] = Field(min_length=1)
    current: dict[str, Value] = Field(default_factory=dict)
    historical: dict[str, Value] | None = None
    family: dict[str, Value] = Field(default_factory=dict)
    blocks: list[str] = Field(default_factory=list)
    special: Literal["swelling", "site_pain"] | None = None


class FindingTerms(BaseModel):
    model_config = SETTINGS

    present: list[str] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)
    approx: dict[float, list[str]] = Field(default_factory=dict)
    history_ok: bool | None = None


class ContextRule(BaseModel):
    """One ConText modifier (medspaCy's ``ConTextRule`` in spirit; see ``context.py``)."""

    model_config = SETTINGS

    category: Literal[
        "negated", "possible", "hypothetical", "historical", "family", "other", "stopped", "pseudo", "terminate"
    ]
    direction: Literal["forward", "backward", "bidirectional", "none"] = "forward"
    max_scope: int = Field(default=8, ge=1, le=60)
    comma_ends: bool = False
    only_for: list[str] = Field(default_factory=list)  # entry ids / finding ids this rule may modify
    stop_words: list[str] = Field(default_factory=list)  # words (NORM) that end this rule's scope
    terms: list[str] = Field(min_length=1)


class Unit(BaseModel):
    model_config = SETTINGS

    names: list[str] = Field(min_length=1)
    factor: float = 1.0
    offset: float = 0.0


class Guess(BaseModel):
    """How to read a number written without a unit: within [low, high) assume ``unit``."""

    model_config = SETTINGS

    low: float
    high: float
    unit: str | None = None  # a name of one of the analyte's units; None = the finding's own unit


class Analyte(BaseModel):
    """A measured value written as ``<name> <connector words> <number> <unit>``."""

    model_config = SETTINGS

    finding: str
    names: list[str] = Field(min_length=1)
    case_sensitive_names: list[str] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    unitless: list[Guess] = Field(default_factory=list)
    pick: Literal["first", "min"] = "first"
    threshold: float | None = None  # binary findings: value >= threshold -> True (after conversion)
    # binary findings that only a low value shows: value < present_below -> True, and a higher value
    # says nothing (an eGFR under 60 is chronic kidney disease; 85 does not rule out early CKD)
    present_below: float | None = None
    signed: bool = False  # the value may be negative ("Wells score -1"); elsewhere "-" is a dash

    @model_validator(mode="after")
    def _guess_units_exist(self) -> Analyte:
        names = {n for u in self.units for n in u.names}
        bad = [g.unit for g in self.unitless if g.unit is not None and g.unit not in names]
        if bad:
            raise ValueError(f"{self.finding}: unitless guesses name unknown units {bad}")
        if self.threshold is not None and self.present_below is not None:
            raise ValueError(f"{self.finding}: give a threshold or present_below, not both")
        return self


class Lexicon(BaseModel):
    model_config = SETTINGS

    macros: dict[str, list[str]]
    entries: list[Entry]
    context: list[ContextRule]
    analytes: list[Analyte]
    connectors: list[str]
    reject_units: list[str]

    @field_validator("macros")
    @classmethod
    def _single_words(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, words in v.items():
            bad = [w for w in words if " " in w]
            if bad:
                raise ValueError(f"macro @{name}: entries must be single words, got {bad}")
        return v

    def finding_ids(self) -> set[str]:
        """Every finding id the lexicon can produce."""
        out: set[str] = set()
        for e in self.entries:
            out |= set(e.current) | set(e.historical or {}) | set(e.family)
        concepts = {e.id for e in self.entries if e.id} - out  # entry ids that are not finding ids
        out |= {b for e in self.entries for b in e.blocks if b not in concepts}
        out |= {a.finding for a in self.analytes}
        return out


# libyaml's parser when PyYAML has it: the pure-Python one spent ~0.2 s of the first text read
# on these files. Either way the resolvers (what a plain scalar means) are the Python ones below.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """YAML 1.1 without its yes/no/on/off booleans: "no" and "on" are words in a lexicon."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def _read(name: str) -> Any:
    node = resources.files("legdx") / "intake" / "lexicon" / name
    return yaml.load(node.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def _finding_entries(data: dict[str, Any]) -> list[Entry]:
    out: list[Entry] = []
    for fid, raw in data.items():
        ft = FindingTerms.model_validate(raw)
        hist_present: dict[str, Value] | None = None
        hist_absent: dict[str, Value] | None = None
        if ft.history_ok is True:
            hist_present, hist_absent = {fid: True}, {fid: False}
        elif ft.history_ok is False:
            hist_present, hist_absent = {}, {}
        if ft.present:
            out.append(Entry(id=fid, terms=ft.present, current={fid: True}, historical=hist_present))
        if ft.absent:
            out.append(Entry(id=fid, terms=ft.absent, current={fid: False}, historical=hist_absent))
        for value, terms in ft.approx.items():
            out.append(Entry(id=fid, terms=terms, current={fid: float(value)}, historical={}))
    return out


def _drug_entries(data: dict[str, list[str]]) -> tuple[list[Entry], dict[str, list[str]]]:
    entries: list[Entry] = []
    macros: dict[str, list[str]] = {}
    for fid, names in data.items():
        entries.append(Entry(id=fid, terms=list(names), current={fid: True}))
        macros[f"drug_{fid}"] = [n.lower() for n in names if " " not in n and "-" not in n]
    return entries, macros


@cache
def load_lexicon() -> Lexicon:
    """Read and validate every lexicon file (once per process)."""
    macros: dict[str, list[str]] = dict(_read("macros.yaml"))
    entries = _finding_entries(_read("findings.yaml"))
    entries += [Entry.model_validate(e) for e in _read("entries.yaml")]
    drug_entries, drug_macros = _drug_entries(_read("drugs.yaml"))
    entries += drug_entries
    macros.update(drug_macros)
    ctx = _read("context.yaml")
    measures = _read("measures.yaml")
    entries += [Entry.model_validate(e) for e in measures.get("qualitative", [])]
    return Lexicon(
        macros=macros,
        entries=entries,
        context=[ContextRule.model_validate(r) for r in ctx],
        analytes=[Analyte.model_validate(a) for a in measures["analytes"]],
        connectors=list(measures["connectors"]),
        reject_units=list(measures["reject_units"]),
    )
