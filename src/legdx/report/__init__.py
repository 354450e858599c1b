"""Renderers: Assessment -> text / JSON (and HTML, FHIR where installed)."""
