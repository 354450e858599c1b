"""Free text -> findings (the reader is ``reader.py``; its parts are the other modules here)."""

from legdx.intake.demographics import AgeSex, read_age_sex
from legdx.intake.reader import extract, understand

__all__ = ["AgeSex", "extract", "read_age_sex", "understand"]
