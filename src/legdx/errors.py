"""Errors raised by legdx.

The tree (every class is importable from ``legdx``)::

    LegdxError                      base of everything legdx raises on purpose
     ├── InvalidCase                a case (or an answer) is malformed: names the field and the problem
     │    └── UnknownFinding        a finding id that the knowledge base does not define (also a KeyError)
     ├── KnowledgeBaseError         the knowledge base failed validation; carries every problem found
     └── StoreError                 the assessment store could not save or read a record

Doors translate these once: the CLI prints one line and exits 2, the web answers 422, batch writes
the message into an ``error`` column and moves on.
"""

from __future__ import annotations


class LegdxError(Exception):
    """Base class for errors legdx raises deliberately."""


class InvalidCase(LegdxError):
    """Raised when a case or an interview answer is bad input.

    The message always has the form ``<field>: <problem>`` so a door can show it on one line.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class UnknownFinding(InvalidCase, KeyError):
    """Raised when a finding id is not defined in the knowledge base."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return f"{self.field}: {self.problem}"


class KnowledgeBaseError(LegdxError):
    """Raised when the knowledge base fails validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        summary = f"{len(problems)} problem(s) in the knowledge base"
        super().__init__(summary + ":\n" + "\n".join(f"  {p}" for p in problems))


class StoreError(LegdxError):
    """Raised when an assessment cannot be stored or read back."""
