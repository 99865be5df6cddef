"""What every API route shares: auth, body and query parsing, declared responses and bodies.

Route modules deliberately do not use ``from __future__ import annotations``: FastAPI reads the
``Annotated`` dependencies from the live annotations.
"""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from .. import wire
from ..errors import ApiError, invalid
from ..ids import parse_time
from ..service import Account, CreatedRange, Emulator, PageParams, page_params
from ..validation import validated

_bearer = HTTPBearer(
    auto_error=False, description="A token given to the emulator with --token (one account each)"
)


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def authenticate(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Account:
    account = None if credentials is None else emulator_of(request).accounts.get(credentials.credentials)
    if account is None:
        raise ApiError(401, "authentication_error", "Invalid API key or token.")
    return account


Auth = Annotated[Account, Depends(authenticate)]


def reply(payload: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status)


async def json_body(request: Request) -> Any:
    """The parsed body (None when empty), not validated: ``body_of`` validates it."""
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise invalid(None, "Request body must be valid JSON.") from exc


async def body_of(request: Request, model: type[BaseModel]) -> dict[str, Any]:
    """The JSON body, validated by its ``wire`` model (a 400 naming the field path otherwise)."""
    return validated(model, await json_body(request))


def time_query(value: str | None, param: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise invalid(param, f"{param} must be an RFC 3339 timestamp (got {value!r}).") from exc


def bool_query(value: str | None, param: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise invalid(param, f"{param} must be true or false (got {value!r}).")


def _pages(
    limit: Annotated[int | None, Query(description="1-100, default 20; larger values are clamped")] = None,
    after_id: Annotated[str | None, Query(description="page toward older objects")] = None,
    before_id: Annotated[str | None, Query(description="page toward newer objects")] = None,
    page: Annotated[str | None, Query(description="a next_page cursor")] = None,
) -> PageParams:
    return page_params(limit, after_id, before_id, page)


Pages = Annotated[PageParams, Depends(_pages)]


CREATED_OPS = ("gt", "gte", "lt", "lte")


def created_range(request: Request) -> CreatedRange:
    """``created_at[gt|gte|lt|lte]``: every list that takes one takes all four.

    Read by hand rather than as four FastAPI parameters: lists are the hottest routes and this
    skips a dependency; ``LIST_PARAMETERS`` declares them in /openapi.json.
    """
    query = request.query_params
    return {op: time_query(query.get(f"created_at[{op}]"), f"created_at[{op}]") for op in CREATED_OPS}


LIST_PARAMETERS: dict[str, Any] = {
    "parameters": [
        {
            "name": f"created_at[{op}]",
            "in": "query",
            "required": False,
            "description": f"created_at {op} this RFC 3339 time",
            "schema": {"type": "string", "format": "date-time"},
        }
        for op in CREATED_OPS
    ]
}


IncludeArchived = Annotated[
    str | None, Query(alias="include_archived", description="true shows archived objects too")
]

Name = Annotated[str | None, Query(description="exact display_name")]


def include_archived(value: str | None) -> bool:
    return bool(bool_query(value, "include_archived"))


# --- what /openapi.json declares -------------------------------------------------------------------

_ERROR_TEXT = {
    400: "invalid_request_error: `param` names the field path",
    401: "authentication_error",
    404: "not_found_error",
    409: "conflict_error",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": wire.ErrorEnvelope, "description": _ERROR_TEXT[s]} for s in statuses}


READ_ERRORS = errors(400, 401, 404)
WRITE_ERRORS = errors(400, 401, 404, 409)

# The ``wire`` model a route validates its body with (``body_of``) is the one it documents:
# the schemas are added to the document by ``openapi.build_openapi``.
REQUEST_MODELS: dict[str, type[BaseModel]] = {}


def request_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    REQUEST_MODELS[model.__name__] = model
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": ref}}}}
