"""Errors raised by legdx.

The tree (every class is importable from ``legdx``)::

    LegdxError                      base of everything legdx raises on purpose
     ├── InvalidCase                bad input: names each field and its problem (all of them at once)
     │    └── UnknownFinding        a finding id that the knowledge base does not define (also a KeyError)
     ├── TextReaderUnavailable      the free-text reader could not run (not the text's fault)
     ├── KnowledgeBaseError         the knowledge base failed validation; carries every problem found
     └── StoreError                 the assessment store could not save or read a record

Doors translate these once: the CLI prints one line per problem and exits 2, the web answers 422
(503 for an unavailable reader or store), batch writes the message into an ``error`` column and
moves on.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["InvalidCase", "KnowledgeBaseError", "LegdxError", "StoreError", "TextReaderUnavailable", "UnknownFinding"]

Problem = tuple[str, str]  # (field, problem)


class LegdxError(Exception):
    """Base class for errors legdx raises deliberately."""


class InvalidCase(LegdxError):
    """Raised when a case or an interview answer is bad input.

    Every problem has the form ``<field>: <problem>``; ``problems`` lists all of them (validation
    reports everything wrong at once) and ``field`` / ``problem`` name the first. ``str()`` gives
    one line per problem.

    >>> str(InvalidCase.of([("age", "150 is outside 0-120"), ("sex", "expected 'female' or 'male'")]))
    "age: 150 is outside 0-120\\nsex: expected 'female' or 'male'"
    """

    def __init__(self, field: str, problem: str, *, more: Sequence[Problem] = ()) -> None:
        self.field = field
        self.problem = problem
        self.problems: list[Problem] = [(field, problem), *more]
        super().__init__("\n".join(f"{f}: {p}" for f, p in self.problems))

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> InvalidCase:
        """One error carrying several problems (at least one)."""
        (field, problem), *more = problems
        return cls(field, problem, more=more)

    @classmethod
    def unreadable(cls, source: str, exc: Exception) -> InvalidCase:
        """A file, folder or map that cannot be read, with what the reader said on one short line.

        >>> str(InvalidCase.unreadable("cdm", ValueError("bad    quote")))
        'cdm: cannot be read (bad quote)'
        """
        detail = " ".join(str(exc).split())
        if len(detail) > 200:
            detail = detail[:197] + "..."
        return cls(source, f"cannot be read ({detail})")

    def lines(self) -> list[str]:
        """``field: problem``, one string per problem."""
        return [f"{f}: {p}" for f, p in self.problems]

    def within(self, prefix: str) -> InvalidCase:
        """The same problems with every field moved under ``prefix`` (``state.steps[2].`` + field)."""
        return InvalidCase.of([(f"{prefix}{f}", p) for f, p in self.problems])


class UnknownFinding(InvalidCase, KeyError):
    """Raised when a finding id is not defined in the knowledge base."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return "\n".join(self.lines())


class TextReaderUnavailable(LegdxError):
    """Raised when the free-text reader cannot run (its extra is not installed, or it failed).

    The text was not the problem; a door answers 503 or asks for structured findings instead.
    """


class KnowledgeBaseError(LegdxError):
    """Raised when the knowledge base fails validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        summary = f"{len(problems)} problem(s) in the knowledge base"
        super().__init__(summary + ":\n" + "\n".join(f"  {p}" for p in problems))


class StoreError(LegdxError):
    """Raised when an assessment cannot be stored or read back."""
