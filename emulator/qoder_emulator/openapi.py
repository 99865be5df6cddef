"""``/openapi.json``: generated from the routes and the ``wire`` models, then told the truth.

FastAPI documents a 422 for every route with parameters; the emulator answers 400 in Qoder's
envelope instead, so 422 is replaced. Request bodies are validated by their ``wire`` models in
the route (``routes._common.body_of``: the raw JSON is kept, as the echo policy needs, and errors
name Qoder's field paths), so the same models reach the document through
``routes._common.REQUEST_MODELS``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from .routes._common import REQUEST_MODELS

REF = "#/components/schemas/{model}"


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version="3.1.0",
        description=app.description,
        routes=app.routes,
    )
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, model in REQUEST_MODELS.items():
        schema = TypeAdapter(model).json_schema(ref_template=REF, mode="validation")
        for def_name, definition in schema.pop("$defs", {}).items():
            schemas.setdefault(def_name, definition)
        schemas[name] = schema
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path_item in doc["paths"].values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            responses.pop("422", None)
    app.openapi_schema = doc
    return doc
