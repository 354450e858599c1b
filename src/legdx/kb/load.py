"""Read, validate and cross-check the knowledge base.

``load_kb()`` reads the YAML files shipped in ``legdx/knowledge`` (or another folder given as
``path``), validates each against ``schema.py`` and then runs whole-KB checks in the spirit of
pgmpy's ``check_model``: every id a file mentions must exist, every source must be defined and
used, every number must be cited. All problems are gathered and raised together in one
:class:`~legdx.errors.KnowledgeBaseError`, one ``file: path: problem`` line each.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from legdx.errors import KnowledgeBaseError
from legdx.kb.schema import (
    AdviceItem,
    Condition,
    DiagnosticTest,
    Evidence,
    Finding,
    FindingKind,
    FindingLink,
    KBMeta,
    Management,
    QuestionGroup,
    Rule,
    SomethingElse,
    Source,
    Threshold,
    TriageRule,
)

M = TypeVar("M", bound=BaseModel)

# Thresholds the code reads by name (the engine, the interview and the pipeline); a KB without them is broken.
REQUIRED_THRESHOLDS = (
    "possible",
    "danger_weight",
    "group_damping",
    "share_temperature",
    "clear_lead",
    "unexplained",
    "danger_doubt",
    "possible_share",
    "teen_questions_age",
    "adult_questions_age",
)


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base: plain models keyed by id, in file order."""

    meta: KBMeta
    sources: dict[str, Source]
    findings: dict[str, Finding]
    conditions: dict[str, Condition]
    tests: dict[str, DiagnosticTest]
    advice: dict[str, AdviceItem]
    triage_rules: tuple[TriageRule, ...]
    thresholds: dict[str, Threshold]
    something_else: SomethingElse | None
    management: dict[str, Management] = field(default_factory=dict)
    question_groups: dict[str, QuestionGroup] = field(default_factory=dict)
    location: str = field(default="")

    def threshold(self, name: str) -> float:
        return self.thresholds[name].value.value

    def evidence(self) -> Iterator[tuple[str, Evidence]]:
        """Every cited number in the KB, with its dotted path (``legdx kb check`` counts them)."""
        for table in (self.findings, self.conditions, self.tests, self.thresholds):
            for key, model in table.items():
                yield from _walk_evidence(model, key)
        if self.something_else is not None:
            yield from _walk_evidence(self.something_else, "something_else")

    @cached_property
    def checksum(self) -> str:
        """SHA-256 over everything that can change an answer or its wording.

        Conditions, findings, tests, advice, triage rules, thresholds, question groups and sources,
        as canonical JSON of the validated models; ``kb_version`` and ``date`` are left out so the
        checksum can pin a version (``tests/kb/test_version.py`` fails when the checksum changes and
        ``kb_version`` does not).
        """
        tables: dict[str, Any] = {
            "disclaimer": self.meta.disclaimer,
            "conditions": self.conditions,
            "findings": self.findings,
            "tests": self.tests,
            "advice": self.advice,
            "triage_rules": list(self.triage_rules),
            "thresholds": self.thresholds,
            "question_groups": self.question_groups,
            "sources": self.sources,
            "something_else": self.something_else,
            "management": self.management,
        }

        def dump(obj: Any) -> Any:
            if isinstance(obj, BaseModel):
                return obj.model_dump(mode="json")
            if isinstance(obj, dict):
                return {k: dump(v) for k, v in obj.items()}
            if isinstance(obj, list):
                return [dump(v) for v in obj]
            return obj

        canonical = json.dumps(dump(tables), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


def default_path() -> Traversable:
    return resources.files("legdx") / "knowledge"


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: about 10x faster


def _read_yaml(node: Traversable, label: str, problems: list[str]) -> Any:
    try:
        return yaml.load(node.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        problems.append(f"{label}: file is missing")
    except yaml.YAMLError as exc:
        problems.append(f"{label}: not valid YAML ({str(exc).splitlines()[0]})")
    return None


def _validate(model: type[M], data: Any, label: str, problems: list[str]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(top)"
            problems.append(f"{label}: {loc}: {err['msg']}")
    return None


def _validate_list(model: type[M], data: Any, label: str, problems: list[str]) -> list[M]:
    if not isinstance(data, list):
        problems.append(f"{label}: expected a list of entries, got {type(data).__name__}")
        return []
    out: list[M] = []
    for i, item in enumerate(data):
        ident = item.get("id", i) if isinstance(item, dict) else i
        obj = _validate(model, item, f"{label}: [{ident}]", problems)
        if obj is not None:
            out.append(obj)
    return out


def _keyed(items: list[M], label: str, problems: list[str]) -> dict[str, M]:
    out: dict[str, M] = {}
    for item in items:
        ident: str = getattr(item, "id")  # noqa: B009 - M is any model with an id
        if ident in out:
            problems.append(f"{label}: [{ident}]: id defined more than once")
        out[ident] = item
    return out


def _walk_evidence(obj: Any, path: str) -> Iterator[tuple[str, Evidence]]:
    """Yield every Evidence inside a model, with its dotted path."""
    if isinstance(obj, Evidence):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _walk_evidence(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk_evidence(v, f"{path}.{k}")
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            yield from _walk_evidence(v, f"{path}[{i}]")


def load_kb(path: str | Path | None = None) -> KnowledgeBase:
    """Load and validate a knowledge base.

    Args:
        path: folder holding ``kb.toml`` and the YAML files; the packaged KB when ``None``.

    Returns:
        The validated :class:`KnowledgeBase`.

    Raises:
        KnowledgeBaseError: listing every problem found, one per line.
    """
    root: Traversable = default_path() if path is None else Path(path)
    problems: list[str] = []

    meta_data: Any = None
    try:
        meta_data = tomllib.loads((root / "kb.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append("kb.toml: file is missing")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"kb.toml: not valid TOML ({exc})")
    meta = _validate(KBMeta, meta_data, "kb.toml", problems) if meta_data is not None else None

    def list_file(name: str, model: type[M]) -> dict[str, M]:
        data = _read_yaml(root / name, name, problems)
        return _keyed(_validate_list(model, data, name, problems), name, problems) if data is not None else {}

    sources = list_file("sources.yaml", Source)
    findings = list_file("findings.yaml", Finding)
    tests = list_file("tests.yaml", DiagnosticTest)
    advice = list_file("advice.yaml", AdviceItem)
    management = list_file("management.yaml", Management)
    thresholds = list_file("thresholds.yaml", Threshold)
    question_groups: dict[str, QuestionGroup] = {}
    if (root / "question_groups.yaml").is_file():
        question_groups = list_file("question_groups.yaml", QuestionGroup)
    other_data = _read_yaml(root / "something_else.yaml", "something_else.yaml", problems)
    something_else = _validate(SomethingElse, other_data, "something_else.yaml", problems) if other_data else None
    triage_data = _read_yaml(root / "triage.yaml", "triage.yaml", problems)
    triage_rules = _validate_list(TriageRule, triage_data, "triage.yaml", problems) if triage_data else []

    conditions: dict[str, Condition] = {}
    cond_dir = root / "conditions"
    files = (
        sorted((f for f in cond_dir.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
        if cond_dir.is_dir()
        else []
    )
    if not files:
        problems.append("conditions/: no condition files")
    for f in files:
        label = f"conditions/{f.name}"
        data = _read_yaml(f, label, problems)
        cond = _validate(Condition, data, label, problems) if data is not None else None
        if cond is None:
            continue
        if f.name != f"{cond.id}.yaml":
            problems.append(f"{label}: id: file must be named {cond.id}.yaml")
        if cond.id in conditions:
            problems.append(f"{label}: id: condition {cond.id} defined more than once")
        conditions[cond.id] = cond

    kb = KnowledgeBase(
        meta=meta if meta is not None else KBMeta(kb_version="0.0.0", date="", disclaimer="-"),
        sources=sources,
        findings=findings,
        conditions=conditions,
        tests=tests,
        advice=advice,
        triage_rules=tuple(triage_rules),
        thresholds=thresholds,
        something_else=something_else,
        management=management,
        question_groups=question_groups,
        location=str(root),
    )
    problems.extend(cross_check(kb))
    if problems:
        raise KnowledgeBaseError(problems)
    return kb


def cross_check(kb: KnowledgeBase) -> list[str]:
    """Whole-KB consistency checks; returns problem lines (empty when consistent)."""
    problems: list[str] = []
    used_sources: set[str] = set()

    def need_source(label: str, source: str) -> None:
        used_sources.add(source)
        if source not in kb.sources:
            problems.append(f"{label}: source {source!r} is not defined in sources.yaml")

    def need(kind: str, table: dict[str, Any], ident: str, label: str) -> bool:
        if ident not in table:
            problems.append(f"{label}: unknown {kind} {ident!r}")
            return False
        return True

    def check_bands(bands: dict[str, list[str]], label: str) -> None:
        for fid, band_ids in bands.items():
            if need("finding", kb.findings, fid, label):
                valid = {b.id for b in kb.findings[fid].bands}
                for b in band_ids:
                    if b not in valid:
                        problems.append(f"{label}: finding {fid} has no band {b!r} (has {sorted(valid)})")

    def check_rule(rule: Rule, label: str) -> None:
        for fid in [*rule.all, *rule.any, *rule.also_any, *rule.none, *rule.unless_no]:
            need("finding", kb.findings, fid, label)
        check_bands(rule.bands, label)
        check_bands(rule.unless_bands, label)
        for cid, thr in rule.probable.items():
            need("condition", kb.conditions, cid, label)
            need("threshold", kb.thresholds, thr, label)

    # Every number is cited with a defined source.
    groups: list[tuple[str, Any]] = [
        *((f"findings.yaml: [{k}]", v) for k, v in kb.findings.items()),
        *((f"conditions/{k}.yaml", v) for k, v in kb.conditions.items()),
        *((f"tests.yaml: [{k}]", v) for k, v in kb.tests.items()),
        *((f"thresholds.yaml: [{k}]", v) for k, v in kb.thresholds.items()),
        *([("something_else.yaml", kb.something_else)] if kb.something_else is not None else []),
    ]
    for label, model in groups:
        for path, ev in _walk_evidence(model, ""):
            need_source(f"{label}: {path}", ev.source)

    for fid, f in kb.findings.items():
        label = f"findings.yaml: [{fid}]"
        if f.range is not None:
            need_source(f"{label}: range", f.range.source)
        if f.replaced_by is not None:
            need("finding", kb.findings, f.replaced_by, f"{label}: replaced_by")

    def check_links(links: list[FindingLink], label: str) -> None:
        for i, link in enumerate(links):
            ll = f"{label}: findings[{i}]"
            if not need("finding", kb.findings, link.finding, ll):
                continue
            f = kb.findings[link.finding]
            if f.kind is FindingKind.NUMERIC and link.band_lr is None:
                problems.append(f"{ll}: numeric finding {f.id} needs band_lr")
            if f.kind is FindingKind.BINARY and link.band_lr is not None:
                problems.append(f"{ll}: binary finding {f.id} cannot have band_lr")
            if link.band_lr is not None:
                check_bands({f.id: list(link.band_lr)}, ll)

    for cid, c in kb.conditions.items():
        label = f"conditions/{cid}.yaml"
        check_links(c.findings, label)
        for test_id in c.tests:
            need("test", kb.tests, test_id, f"{label}: tests")
        for advice_id in c.advice:
            need("advice", kb.advice, advice_id, f"{label}: advice")
        for fid in c.explains:
            need("finding", kb.findings, fid, f"{label}: explains")
        for fid in c.look_alike_signs:
            if need("finding", kb.findings, fid, f"{label}: look_alike_signs") and not kb.findings[fid].red_flag:
                problems.append(f"{label}: look_alike_signs: {fid!r} is not a warning sign")
        for source_id in c.sources:
            need_source(f"{label}: sources", source_id)
        for other in c.alongside:
            if need("condition", kb.conditions, other, f"{label}: alongside") and other == cid:
                problems.append(f"{label}: alongside: a condition cannot be shown alongside itself")
        need("threshold", kb.thresholds, c.urgency.threshold, f"{label}: urgency.threshold")

    for tid, test in kb.tests.items():
        label = f"tests.yaml: [{tid}]"
        need_source(label, test.source)
        for fid in test.reveals:
            need("finding", kb.findings, fid, f"{label}: reveals")
        for acc in test.accuracy:
            need("condition", kb.conditions, acc.condition, f"{label}: accuracy")

    for aid, item in kb.advice.items():
        label = f"advice.yaml: [{aid}]"
        need_source(label, item.source)
        if item.offer_when is not None:
            check_rule(item.offer_when, f"{label}: offer_when")
        if item.requires is not None:
            check_rule(item.requires, f"{label}: requires")
        for i, rule in enumerate(item.withhold_when):
            need_source(f"{label}: withhold_when[{i}]", rule.source)
            check_rule(rule, f"{label}: withhold_when[{i}]")
        for i, first in enumerate(item.ask_first):
            need("finding", kb.findings, first.finding, f"{label}: ask_first[{i}]")

    for mid, plan in kb.management.items():
        label = f"management.yaml: [{mid}]"
        need_source(label, plan.source)
        for sid in plan.also_cites:
            need_source(f"{label}: also_cites", sid)
        for cid in plan.conditions:
            need("condition", kb.conditions, cid, f"{label}: conditions")

    for trule in kb.triage_rules:
        label = f"triage.yaml: [{trule.id}]"
        need_source(label, trule.source)
        check_rule(trule, label)

    groups_in_use = {f.group for f in kb.findings.values() if f.group} | {
        f.ask_with for f in kb.findings.values() if f.ask_with
    }
    for f in kb.findings.values():
        for other in f.expected_with:
            need("finding", kb.findings, other, f"findings.yaml: [{f.id}]: expected_with")
        if f.ask_with is not None and f.ask_with not in kb.question_groups:
            problems.append(
                f"findings.yaml: [{f.id}]: ask_with: no question group {f.ask_with!r} in question_groups.yaml"
            )
    for gid in kb.question_groups:
        if gid not in groups_in_use:
            problems.append(f"question_groups.yaml: [{gid}]: no finding belongs to this group")

    if kb.something_else is not None:
        check_links(kb.something_else.findings, "something_else.yaml")

    for name in REQUIRED_THRESHOLDS:
        if name not in kb.thresholds:
            problems.append(f"thresholds.yaml: [{name}]: missing; the engine needs this threshold")

    for sid in sorted(set(kb.sources) - used_sources):
        problems.append(f"sources.yaml: [{sid}]: source is never cited")
    return problems
