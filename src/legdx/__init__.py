"""legdx: open, evidence-based leg-pain assessment.

>>> from legdx import assess, parse_case
>>> a = assess(parse_case({"age": 67, "sex": "male", "findings": {"pain_on_walking": True, "relieved_by_rest": True}}))
>>> a.conditions[0].id
'peripheral_artery_disease'
"""

from legdx.case import Assessment, Case, parse_case
from legdx.errors import InvalidCase, KnowledgeBaseError, LegdxError, StoreError, TextReaderUnavailable, UnknownFinding
from legdx.kb.compile import CompiledKB, compile_kb
from legdx.kb.load import KnowledgeBase, load_kb
from legdx.pipeline import assess, default_compiled

__all__ = [
    "Assessment",
    "Case",
    "CompiledKB",
    "InvalidCase",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "LegdxError",
    "StoreError",
    "TextReaderUnavailable",
    "UnknownFinding",
    "assess",
    "compile_kb",
    "default_compiled",
    "load_kb",
    "parse_case",
]
