"""What a flavor changes at the HTTP edge: headers, request fields, response shapes, envelopes.

An ASGI layer between ``EmulatorMiddleware`` (request ids, log, faults) and the routes, so what it
rejects is logged and answered with the request's id. Behaviour that differs inside the service
(manual runs while paused, archive renames, ``last_run_at``) is read from the flavor by the
backends instead. For ``qoder`` this layer passes everything through untouched.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, invalid
from .flavor import Flavor
from .prefixes import CONTROL_PREFIX, UNLOGGED_PATHS, resource_path

Json = dict[str, Any]
REQUEST_ID_SCOPE_KEY = "qoder.request_id"
_PACKAGE_MANAGERS = ("apt", "cargo", "gem", "go", "npm", "pip")


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.encode()
    for key, value in scope["headers"]:
        if key.lower() == wanted:
            return str(value.decode("latin-1"))
    return None


def kind_of(path: str) -> str | None:
    """The object kind a resource path (without prefix) addresses, from its first segments."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    if parts[0] == "vaults" and len(parts) >= 3 and parts[2] == "credentials":
        return "credential"
    if parts[0] == "deployments" and len(parts) >= 3 and parts[2] in ("run", "runs"):
        return "run"
    return {
        "deployments": "deployment",
        "deployment_runs": "run",
        "agents": "agent",
        "environments": "environment",
        "vaults": "vault",
    }.get(parts[0])


# --- requests --------------------------------------------------------------------------------------


def check_headers(flavor: Flavor, scope: Scope) -> None:
    for name, token in flavor.required_headers.items():
        value = _header(scope, name)
        if token and (value is None or token not in [v.strip() for v in value.split(",")]):
            got = "none" if value is None else repr(value)
            raise invalid(None, f"{name}: this endpoint requires the beta header {token!r} (got {got}).")
        if value is None or not value.strip():
            raise invalid(None, f"{name}: header is required")


_SCOPED_RUNS = re.compile(r"^/deployments/[^/]+/runs(/[^/]+)?/?$")


def check_route(flavor: Flavor, method: str, path: str, query: dict[str, list[str]]) -> None:
    if not flavor.scoped_runs and _SCOPED_RUNS.match(path):
        raise ApiError(404, "not_found_error", f"No route for {path}.")
    if flavor.name == "cma" and method == "GET":
        if path.rstrip("/") == "/deployments" and "status" in query and "include_archived" in query:
            raise invalid("status", "status and include_archived cannot be combined.")
        if path.rstrip("/") == "/deployment_runs" and query.get("trigger_type", [""])[0] not in (
            "",
            "schedule",
            "manual",
        ):
            raise invalid("trigger_type", "trigger_type must be one of: schedule, manual.")


def _reject(flavor: Flavor, param: str) -> ApiError:
    return invalid(
        param, f"{param}: not a field of this API (it exists on Qoder only, not on {flavor.name})."
    )


def check_body(flavor: Flavor, method: str, path: str, body: Any) -> None:
    """Fields the other service knows and this one does not; the ``budget`` limit field; metadata
    value types. Everything else is validated by the shared validators."""
    if method != "POST" or not isinstance(body, dict):
        return
    kind = kind_of(path)
    for qualified in flavor.qoder_only_fields:
        field_kind, _, field_path = qualified.partition(".")
        if field_kind != kind:
            continue
        node: Any = body
        parts = field_path.split(".")
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and parts[-1] in node:
            raise _reject(flavor, field_path)
    budget = body.get("budget") if kind == "deployment" else None
    if isinstance(budget, dict):
        for other in ("max_credit_cost", "max_list_cost"):
            if other != flavor.budget_field and other in budget:
                raise invalid(
                    f"budget.{other}",
                    f"budget.{other}: {flavor.name} takes budget.{flavor.budget_field} instead.",
                )
    metadata = body.get("metadata")
    if flavor.name == "cma" and isinstance(metadata, dict):
        for key, value in metadata.items():
            if value is not None and not isinstance(value, str):
                raise invalid(
                    f"metadata.{key}",
                    f"metadata.{key} must be a string (got {type(value).__name__}); {flavor.name} "
                    "metadata maps strings to strings.",
                )
    if flavor.name == "cma" and kind == "deployment":
        for i, event in enumerate(body.get("initial_events") or []):
            if isinstance(event, dict) and isinstance(event.get("content"), str):
                raise invalid(
                    f"initial_events[{i}].content",
                    f"initial_events[{i}].content must be a list of content blocks.",
                )


# --- responses -------------------------------------------------------------------------------------


def _unset_text_as_null(doc: Json, *keys: str) -> None:
    """CMA answers ``null`` for an unset text field (anthropic 2.10.0: ``Optional[str] = None``;
    ``BetaEnvironment.description``: "null when unset"); the backends store Qoder's ``""``."""
    for key in keys:
        if doc.get(key) == "":
            doc[key] = None


def _deployment(doc: Json) -> Json:
    _unset_text_as_null(doc, "description")
    doc.pop("environment_variables", None)
    metadata = doc.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("cas_config", None)
    if doc.get("budget") is None:
        doc.pop("budget", None)
    return doc


def _agent(doc: Json) -> Json:
    _unset_text_as_null(doc, "system", "description")
    for qoder_only in ("instructions", "default_environment", "archived"):
        doc.pop(qoder_only, None)
    model = doc.get("model")
    if isinstance(model, str):
        doc["model"] = {"id": model}
    elif isinstance(model, dict):
        model.pop("context_window", None)
    doc.setdefault("execution_identity", {"type": "service_account"})
    return doc


def _environment(doc: Json) -> Json:
    _unset_text_as_null(doc, "description")
    doc.pop("archived", None)
    config = doc.get("config")
    if isinstance(config, dict):
        config.pop("setup_script", None)
        if config.get("type") == "cloud":
            config.setdefault("networking", {"type": "unrestricted"})
            packages = config.get("packages") or {}
            config["packages"] = {"type": "packages", **{m: packages.get(m, []) for m in _PACKAGE_MANAGERS}}
    return doc


def _vault(doc: Json) -> Json:
    if doc.get("type") == "vault":
        for qoder_only in ("credentials", "status"):
            doc.pop(qoder_only, None)
    return doc


def _credential(doc: Json) -> Json:
    if doc.get("type") == "vault_credential":
        doc.pop("status", None)
        auth = doc.get("auth")
        if isinstance(auth, dict):
            auth.pop("protocol", None)
            if auth.get("type") == "environment_variable" and auth.get("injection_location") is None:
                # Required in CMA's response; its default is not documented (docs/cma.md, open).
                auth["injection_location"] = {"body": False, "header": True}
    return doc


_RUN_FIELDS = ("id", "type", "agent", "created_at", "deployment_id", "error", "session_id", "trigger_context")


def _run(doc: Json) -> Json:
    if doc.get("type") != "deployment_run":
        return doc
    return {k: doc[k] for k in _RUN_FIELDS if k in doc}


SHAPERS: dict[str, Callable[[Json], Json]] = {
    "deployment": _deployment,
    "agent": _agent,
    "environment": _environment,
    "vault": _vault,
    "credential": _credential,
    "run": _run,
}


def shape_body(flavor: Flavor, path: str, status: int, body: Any, request_id: str | None) -> Any:
    if not isinstance(body, dict):
        return body
    if body.get("type") == "error":
        error = body.get("error")
        if not flavor.error_param and isinstance(error, dict):
            error.pop("param", None)
        if flavor.request_id_in_errors and request_id is not None:
            body["request_id"] = request_id
        return body
    if status >= 300 or not flavor.strict_shapes:
        return body
    kind = kind_of(path)
    shaper = SHAPERS.get(kind or "")
    if isinstance(body.get("data"), list):
        items = [shaper(item) if shaper and isinstance(item, dict) else item for item in body["data"]]
        if flavor.cursor_envelope:
            return {**body, "data": items}
        return {"data": items, "next_page": body.get("next_page")}
    if path.rstrip("/").endswith("/run"):  # POST /deployments/{id}/run answers a run
        return _run(body)
    return shaper(body) if shaper else body


# --- the ASGI layer --------------------------------------------------------------------------------


def _error_message(exc: ApiError, flavor: Flavor, request_id: str | None) -> bytes:
    body = shape_body(flavor, "", exc.status, exc.envelope(), request_id)
    return json.dumps(body).encode()


class FlavorLayer:
    def __init__(self, app: ASGIApp, flavor: Flavor) -> None:
        self.app = app
        self.flavor = flavor
        self.active = flavor.name != "qoder"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            not self.active
            or scope["type"] != "http"
            or path.startswith(CONTROL_PREFIX)
            or path in UNLOGGED_PATHS
            or not any(path == p or path.startswith(p + "/") for p in self.flavor.api_prefixes)
        ):  # outside the flavor's API (e.g. /api/v1/cloud on CMA): the router answers 404
            await self.app(scope, receive, send)
            return
        flavor = self.flavor
        request_id = scope.get(REQUEST_ID_SCOPE_KEY)
        scope = self._with_bearer(scope)
        rpath = resource_path(path)
        try:
            check_headers(flavor, scope)
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            check_route(flavor, scope["method"], rpath, query)
            body_bytes, receive = await _buffer(receive)
            if body_bytes.strip():
                with contextlib.suppress(ValueError):  # the routes answer malformed JSON
                    check_body(flavor, scope["method"], rpath, json.loads(body_bytes))
        except ApiError as exc:
            await _send(send, exc.status, _error_message(exc, flavor, request_id), [])
            return
        await self._shaped(scope, receive, send, rpath, request_id)

    def _with_bearer(self, scope: Scope) -> Scope:
        """``x-api-key: K`` is read as ``Authorization: Bearer K`` (both kinds of CMA caller exist)."""
        name = self.flavor.api_key_header
        if name is None or _header(scope, "authorization") is not None:
            return scope
        key = _header(scope, name)
        if key is None:
            return scope
        return {**scope, "headers": [*scope["headers"], (b"authorization", f"Bearer {key}".encode())]}

    async def _shaped(self, scope: Scope, receive: Receive, send: Send, rpath: str, rid: str | None) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await flush()

        async def flush() -> None:
            assert start is not None
            raw = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = None
            if payload is not None:
                raw = json.dumps(shape_body(self.flavor, rpath, start["status"], payload, rid)).encode()
            await send({**start, "headers": [*headers, (b"content-length", str(len(raw)).encode())]})
            await send({"type": "http.response.body", "body": raw, "more_body": False})

        await self.app(scope, receive, capture)


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
