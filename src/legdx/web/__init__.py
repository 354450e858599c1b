"""The web door: FastAPI app (``legdx.web.app.create_app``), pages for people and clinicians, JSON API v1."""
