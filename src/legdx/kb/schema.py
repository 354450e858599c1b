"""Pydantic models of the knowledge base files (``knowledge/*.yaml``).

Every model forbids unknown keys and is frozen. Every number a clinician could question is an
:class:`Evidence` (value plus source) rather than a bare float, so the loader can refuse an
uncited number. The cross-file checks (dangling ids, unused sources, tags) live in ``load.py``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
# The two finding ids that code fills from a case's top-level age and sex (named only here).
AGE_FINDING = "age_years"
FEMALE_FINDING = "female_sex"
SOURCE_PATTERN = r"^(\d{3}_[0-9a-f]{16}\.txt|pmid:\d+|doi:10\.\S+|ref:[a-z0-9-]+|expert:[a-z0-9-]+)$"

Id = Annotated[str, Field(pattern=ID_PATTERN)]
SourceId = Annotated[str, Field(pattern=SOURCE_PATTERN)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriageLevel(StrEnum):
    """Urgency, lowest first. ``ORDER`` gives the rank used to compare levels."""

    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _TRIAGE_ORDER.index(self)


_TRIAGE_ORDER = [TriageLevel.ROUTINE, TriageLevel.SOON, TriageLevel.URGENT, TriageLevel.EMERGENCY]


class EvidenceKind(StrEnum):
    STUDY = "study"
    SEED = "seed"
    EXPERT_ESTIMATE = "expert_estimate"


class FindingKind(StrEnum):
    BINARY = "binary"
    NUMERIC = "numeric"


class FindingCategory(StrEnum):
    RED_FLAG = "red_flag"
    PATTERN = "pattern"
    CHARACTER = "character"
    PLACE = "place"
    SIGN = "sign"
    EXAM = "exam"
    HISTORY = "history"
    MEDICATION = "medication"
    LIFESTYLE = "lifestyle"
    MEASURED = "measured"
    DEMOGRAPHIC = "demographic"


class AdviceTag(StrEnum):
    """Advice tags. The first fourteen are required by CONTRACT.md."""

    COMPRESSION = "compression"
    LEG_ELEVATION = "leg_elevation"
    EXERCISE = "exercise"
    STRETCHING = "stretching"
    HYDRATION = "hydration"
    HEAT = "heat"
    NSAID = "nsaid"
    MAGNESIUM = "magnesium"
    IRON = "iron"
    QUININE = "quinine"
    MEDICATION_REVIEW = "medication_review"
    SLEEP_POSTURE = "sleep_posture"
    SEE_CLINICIAN = "see_clinician"
    EMERGENCY_CARE = "emergency_care"
    ANALGESIA = "analgesia"
    LIFESTYLE = "lifestyle"
    FOOT_CARE = "foot_care"
    SPECIALIST_TREATMENT = "specialist_treatment"


class Evidence(Strict):
    """A number with its provenance.

    ``source`` is an id defined in ``sources.yaml``; ``locator`` says where in the source (in our
    own words); ``note`` is required for expert estimates and gives the reasoning.
    """

    value: float
    source: SourceId
    kind: EvidenceKind = EvidenceKind.STUDY
    locator: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _explained(self) -> Evidence:
        if self.kind is EvidenceKind.EXPERT_ESTIMATE and not self.note:
            raise ValueError("an expert_estimate needs a `note` giving its reasoning")
        if self.kind is EvidenceKind.EXPERT_ESTIMATE and not self.source.startswith("expert:"):
            raise ValueError("an expert_estimate must cite an `expert:` source")
        if self.kind is not EvidenceKind.EXPERT_ESTIMATE and not self.locator:
            raise ValueError(f"a {self.kind.value} number needs a `locator` saying where in the source")
        return self


class Source(Strict):
    id: SourceId
    citation: Text
    kind: Literal["seed", "study", "guideline", "review", "regulatory", "textbook", "expert"]
    url: str | None = None
    note: str | None = None


class Range(Strict):
    """Physiological range of a numeric finding; values outside it are rejected as bad input."""

    min: float
    max: float
    source: SourceId

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.min < self.max:
            raise ValueError(f"range min {self.min} must be below max {self.max}")
        return self


class Band(Strict):
    """One interval of a numeric finding. A value falls in the first band whose upper bound admits it."""

    id: Id
    label: Text
    upper: Evidence | None = None
    upper_inclusive: bool = False


class Finding(Strict):
    id: Id
    kind: FindingKind
    category: FindingCategory
    question: Text
    clinician_label: Text
    lay_label: str | None = None  # a short phrase in plain words ("pain in the calf"); shown to the person
    why: Text
    group: Id | None = None
    ask_with: Id | None = None  # interview question that asks this finding together with others
    red_flag: bool = False
    # The core vocabulary of leg-pain presentations (CONTRACT.md's v1 finding ids): what a record or
    # a description of leg pain almost always states one way or the other; the interview asks these first.
    core: bool = False
    sex: Literal["any", "female"] = "any"  # "female": only a female body has it (pregnancy, periods)
    # Asked only from the teenage years or from adulthood (thresholds.yaml: teen_questions_age,
    # adult_questions_age): a child, or the parent answering for one, is not asked whether they smoke
    # or take a statin; what they write in their own words is read whatever the age.
    asked_from: Literal["teen", "adult"] | None = None
    # An event a person tells unprompted (a snake bite): read from a description or a case, never
    # asked in the interview, where as a one-finding warning sign it would be put to everyone.
    told_only: bool = False
    # A warning sign that these findings explain when present: the safety net does not hold back
    # self-care for it then (a swollen ankle after rolling it). Its triage rules decide for themselves.
    expected_with: list[Id] = Field(default_factory=list)
    worsens: str | None = None
    unit: str | None = None
    range: Range | None = None
    bands: list[Band] = Field(default_factory=list)
    worsens_bands: dict[str, str] = Field(default_factory=dict)
    snomed: str | None = None
    loinc: str | None = None
    replaced_by: Id | None = None

    @property
    def plain(self) -> str:
        """The finding in the person's words (its lay label, or its clinician label until it has one)."""
        return self.lay_label or self.clinician_label

    @model_validator(mode="after")
    def _expected_only_for_warning_signs(self) -> Finding:
        if self.expected_with and not self.red_flag:
            raise ValueError("`expected_with` is for warning signs (red_flag: true) only")
        return self

    @model_validator(mode="after")
    def _numeric_shape(self) -> Finding:
        if self.kind is FindingKind.NUMERIC:
            if self.range is None or len(self.bands) < 2 or not self.unit:
                raise ValueError("a numeric finding needs `unit`, `range` and at least two `bands`")
            uppers = [b.upper for b in self.bands]
            if uppers[-1] is not None or any(u is None for u in uppers[:-1]):
                raise ValueError("every band but the last needs an `upper` bound; the last has none")
            values = [u.value for u in uppers[:-1] if u is not None]
            if values != sorted(values) or len(set(values)) != len(values):
                raise ValueError(f"band upper bounds must increase strictly, got {values}")
            unknown = set(self.worsens_bands) - {b.id for b in self.bands}
            if unknown:
                raise ValueError(f"worsens_bands names unknown bands {sorted(unknown)}")
        elif self.bands or self.range or self.unit:
            raise ValueError("only numeric findings may have `unit`, `range` or `bands`")
        return self


class FindingLink(Strict):
    """How one finding moves one condition.

    Give either ``lr_pos`` and ``lr_neg`` (likelihood ratios when present / absent), or
    ``sensitivity`` and ``specificity``; numeric findings give ``band_lr`` (one LR per band,
    bands left out count as 1).
    """

    finding: Id
    lr_pos: Evidence | None = None
    lr_neg: Evidence | None = None
    sensitivity: Evidence | None = None
    specificity: Evidence | None = None
    band_lr: dict[str, Evidence] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> FindingLink:
        forms = [
            self.lr_pos is not None and self.lr_neg is not None,
            self.sensitivity is not None and self.specificity is not None,
            self.band_lr is not None,
        ]
        partial = (self.lr_pos is None) != (self.lr_neg is None) or (self.sensitivity is None) != (
            self.specificity is None
        )
        if sum(forms) != 1 or partial:
            raise ValueError("give exactly one of: lr_pos+lr_neg, sensitivity+specificity, or band_lr")
        for name in ("sensitivity", "specificity"):
            ev = getattr(self, name)
            if ev is not None and not 0.0 < ev.value < 1.0:
                raise ValueError(f"{name} {ev.value} is outside the open interval (0, 1)")
        for name in ("lr_pos", "lr_neg"):
            ev = getattr(self, name)
            if ev is not None and ev.value <= 0.0:
                raise ValueError(f"{name} {ev.value} must be above 0")
        for band, ev in (self.band_lr or {}).items():
            if ev.value <= 0.0:
                raise ValueError(f"band_lr.{band} {ev.value} must be above 0")
        if self.lr_pos is not None and self.lr_neg is not None:
            lp, ln = self.lr_pos.value, self.lr_neg.value
            if not ((lp > 1.0 > ln) or (lp < 1.0 < ln)):
                raise ValueError(f"lr_pos {lp} and lr_neg {ln} must lie on opposite sides of 1")
        return self


class Urgency(Strict):
    """The triage level a condition warrants once it is at least `threshold` likely."""

    level: TriageLevel
    threshold: Id
    reason: Text


class Condition(Strict):
    id: Id
    name: Text
    lay_name: Text
    category: Literal[
        "vascular", "neurological", "spinal", "muscular", "metabolic", "gynaecological", "infection", "other"
    ]
    icd10: list[Annotated[str, Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")]] = Field(min_length=1)
    snomed: list[Annotated[str, Field(pattern=r"^\d{6,18}$")]] = Field(default_factory=list)
    sex: Literal["any", "female"] = "any"
    must_not_miss: bool = False
    prior: Evidence
    urgency: Urgency
    findings: list[FindingLink] = Field(min_length=1)
    tests: list[Id] = Field(default_factory=list)
    advice: list[Id] = Field(default_factory=list)
    # Known pairings: when this condition and one listed here are both likely, this one is shown
    # "with" it (iron deficiency behind restless legs) instead of as a rival explanation.
    alongside: list[Id] = Field(default_factory=list)
    # Symptoms the condition commonly produces that neither point to it nor away from it (pain in
    # the calf with sciatica, cramps that hurt a lot): no likelihood ratio, but not held against it
    # as a symptom it does not explain (thresholds.yaml, unexplained_finding_lr).
    explains: list[Id] = Field(default_factory=list)
    # Warning signs of other causes that can look like this one (shingles, a spinal infection or a
    # kidney stone can feel like sciatica): the interview asks them before it settles on this cause.
    look_alike_signs: list[Id] = Field(default_factory=list)
    summary_lay: Text
    summary_clinician: Text
    typical_pattern: Text
    how_confirmed: Text
    what_helps: Text
    when_to_get_help: Text
    sources: list[SourceId] = Field(min_length=1)

    @model_validator(mode="after")
    def _prior_is_probability(self) -> Condition:
        if not 0.0 < self.prior.value < 1.0:
            raise ValueError(f"prior {self.prior.value} is outside the open interval (0, 1)")
        ids = [link.finding for link in self.findings]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"findings listed more than once: {dupes}")
        both = sorted(set(ids) & set(self.explains))
        if both:
            raise ValueError(f"findings both linked and in `explains`: {both}")
        return self


class SomethingElse(Strict):
    """The explicit "something else": a cause of leg pain outside the knowledge base.

    It competes with the conditions for the differential's shares. ``prior`` is its share before
    any finding is known; ``findings`` are the findings that such causes explain better (or
    worse) than the modelled conditions do, as likelihood ratios against people with leg pain.
    ``says`` is the plain sentence shown when it matters.
    """

    prior: Evidence
    findings: list[FindingLink] = Field(default_factory=list)
    says: Text

    @model_validator(mode="after")
    def _prior_is_probability(self) -> SomethingElse:
        if not 0.0 < self.prior.value < 1.0:
            raise ValueError(f"prior {self.prior.value} is outside the open interval (0, 1)")
        return self


class AccuracyEntry(Strict):
    condition: Id
    sensitivity: Evidence
    specificity: Evidence


class DiagnosticTest(Strict):
    """A test legdx can recommend. It either measures findings (``reveals``) or confirms conditions
    directly (``accuracy``), or both."""

    id: Id
    name: Text
    lay_name: Text
    why: Text
    reveals: list[Id] = Field(default_factory=list)
    accuracy: list[AccuracyEntry] = Field(default_factory=list)
    source: SourceId

    @model_validator(mode="after")
    def _does_something(self) -> DiagnosticTest:
        if not self.reveals and not self.accuracy:
            raise ValueError("a test must reveal findings or carry accuracy for some condition")
        return self


class Rule(Strict):
    """A condition over a case. Every non-empty clause must hold for the rule to fire.

    - ``all``: every finding listed is present.
    - ``any``: at least one finding listed is present.
    - ``also_any``: and at least one of these too (a second list, for "this and (a or b)" rules).
    - ``none``: no finding listed is present (unknown counts as not present).
    - ``unless_no``: no finding listed was answered "no" (a test that rules the rule's worry out:
      a normal calf squeeze test, standing on tiptoe, for a torn Achilles tendon).
    - ``age_at_least`` / ``age_below``: the person's age is known and in that range.
    - ``bands``: at least one numeric finding falls in one of the listed bands.
    - ``unless_bands``: none of the listed numeric bands is matched (fires when a value is missing too).
    - ``probable``: at least one condition reaches the named threshold.
    - ``always``: fires unconditionally (for advice that is never given).
    """

    all: list[Id] = Field(default_factory=list)
    any: list[Id] = Field(default_factory=list)
    also_any: list[Id] = Field(default_factory=list)
    none: list[Id] = Field(default_factory=list)
    unless_no: list[Id] = Field(default_factory=list)
    age_at_least: int | None = Field(default=None, ge=0, le=120)
    age_below: int | None = Field(default=None, ge=1, le=121)
    bands: dict[Id, list[Id]] = Field(default_factory=dict)
    unless_bands: dict[Id, list[Id]] = Field(default_factory=dict)
    probable: dict[Id, Id] = Field(default_factory=dict)
    always: bool = False

    @model_validator(mode="after")
    def _not_empty(self) -> Rule:
        clauses = (self.all, self.any, self.bands, self.unless_bands, self.probable)
        if not (self.always or any(clauses) or self.age_at_least is not None or self.age_below is not None):
            raise ValueError("a rule needs at least one clause (or `always: true`)")
        return self


class TriageRule(Rule):
    """A warning sign: the level it sets and why.

    ``points_outside`` is for warning signs whose usual causes lie outside the knowledge base (a
    leaking aortic aneurysm, a bone infection, bleeding into a muscle): when the rule fires, this
    likelihood ratio is added to the evidence for "something else", so the differential says that
    the cause may be none of the modelled conditions.
    """

    id: Id
    level: TriageLevel
    reason: Text
    source: SourceId
    points_outside: Evidence | None = None

    @model_validator(mode="after")
    def _outside_is_evidence_for(self) -> TriageRule:
        if self.points_outside is None:
            return self
        if self.points_outside.value <= 1.0:
            raise ValueError(f"points_outside {self.points_outside.value} must be a likelihood ratio above 1")
        if self.probable:
            raise ValueError("a rule that points outside the knowledge base cannot depend on `probable` conditions")
        return self


class WithholdRule(Rule):
    why: Text
    source: SourceId


class AskFirst(Strict):
    """A fact that must be known before an advice item is safe to give (a contraindication that is
    unknown withholds the item with ``why`` until it has been asked). ``finding`` must be known to
    be absent; ``age_years`` means the age must be known (its limit is a ``withhold_when`` rule)."""

    finding: Id
    why: Text


SELF_CARE_LEVELS = [TriageLevel.ROUTINE, TriageLevel.SOON]


class AdviceItem(Strict):
    """Advice for the person.

    ``for_triage``: given at these levels whatever the cause (the "see a clinician" items).
    ``given_at``: the triage levels at which the item may be given at all (self-care by default
    only at routine and soon: it must not sit next to "get seen today").
    ``rank``: lower comes first among items of the same standing (safety, then what helps most).
    ``offer_when``: offered whatever the cause when this rule fires; ``requires``: never given
    unless this rule fires.
    """

    id: Id
    text: Text
    clinician_text: str | None = None
    tags: list[AdviceTag] = Field(min_length=1)
    source: SourceId
    for_triage: list[TriageLevel] = Field(default_factory=list)
    given_at: list[TriageLevel] = Field(default_factory=lambda: list(SELF_CARE_LEVELS))
    rank: int = Field(default=50, ge=0, le=100)
    offer_when: Rule | None = None
    requires: Rule | None = None  # given only when this fits the person (habit advice only for the habit)
    ask_first: list[AskFirst] = Field(default_factory=list)
    withhold_when: list[WithholdRule] = Field(default_factory=list)


class Management(Strict):
    """Clinician-facing management from the seeds and guidelines: always something to discuss with
    and decide by a clinician, never self-care. ``text_person`` only says what to ask about."""

    id: Id
    conditions: list[Id] = Field(min_length=1)
    text_clinician: Text
    text_person: Text
    source: SourceId
    locator: str | None = None
    also_cites: list[SourceId] = Field(default_factory=list)
    evidence: Text
    cautions: list[Text] = Field(default_factory=list)


class Threshold(Strict):
    id: Id
    value: Evidence
    meaning: Text


class QuestionGroup(Strict):
    """Caption for asking related findings together (the first warning-sign screen, the medicine
    safety checks) and for the terminal's and clinician form's grouping of the rest."""

    id: Id
    caption: Text
    why: Text


class KBMeta(Strict):
    kb_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    date: str
    disclaimer: Text
