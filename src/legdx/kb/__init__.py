"""Knowledge base: schema, loader and compiler."""

from legdx.kb.load import KnowledgeBase, load_kb

__all__ = ["KnowledgeBase", "load_kb"]
