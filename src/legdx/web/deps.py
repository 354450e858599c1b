"""FastAPI dependencies as ``Annotated`` aliases ending in ``Dep`` (template ``api/deps.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from fastapi.templating import Jinja2Templates

from legdx.kb.compile import CompiledKB
from legdx.store import Store
from legdx.store.repo import find_api_key
from legdx.store.tables import ApiKeyRecord
from legdx.web.settings import Settings

__all__ = ["ApiKeyDep", "KBDep", "SettingsDep", "StoreDep", "TemplatesDep", "API_KEY_HEADER"]

API_KEY_HEADER = "X-API-Key"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_kb(request: Request) -> CompiledKB:
    ckb: CompiledKB = request.app.state.ckb
    return ckb


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
KBDep = Annotated[CompiledKB, Depends(get_kb)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]


def require_api_key(
    store: StoreDep,
    x_api_key: Annotated[
        str | None, Header(alias=API_KEY_HEADER, description="An API key from `legdx apikey create`.")
    ] = None,
) -> ApiKeyRecord:
    if not x_api_key:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=f"{API_KEY_HEADER}: missing; listing assessments needs an API key (`legdx apikey create`)",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    with store.session() as s:
        record = find_api_key(s, x_api_key)
    if record is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=f"{API_KEY_HEADER}: not a valid API key (unknown or revoked)",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    return record


ApiKeyDep = Annotated[ApiKeyRecord, Depends(require_api_key)]
