"""Request validation around the ``wire`` request models, and what a model cannot say.

- ``validated``: a body checked against its model; pydantic's first error becomes Qoder's envelope
  with the field path as ``param`` (``schedule.expression``, ``initial_events[0].content``).
- Rules the models attach with ``AfterValidator`` (cron and time-zone meaning via ``qoder_cron``,
  URLs, dotenv lines, unique vault ids, ...): they raise ``rule(...)`` naming the field.
- The stored values of an accepted body (defaults, write-only secrets dropped, merge-patch of
  metadata and ``cas_config``) and the few rules that need the stored object (a credential's type).

References to other objects (agents, environments, vaults) need storage: the backends check them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from qoder_cron import ScheduleError, validate_expression, validate_timezone

from .errors import ApiError, invalid
from .ids import fmt_seconds, parse_time

MAX_METADATA_KEYS = 16
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 512
CAS_CONFIG = "cas_config"
CAS_DEFAULTS: dict[str, Any] = {
    "session_strategy": "new_session",
    "config": {"max_retries": 0, "timeout_ms": 300000, "max_concurrent": 1},
}


def join(parent: str, child: str | int) -> str:
    if isinstance(child, int):
        return f"{parent}[{child}]"
    return f"{parent}.{child}" if parent else child


# --- request models -> Qoder's error envelope ------------------------------------------------------


def validated(model: type[BaseModel], body: Any) -> dict[str, Any]:
    """``body`` checked against its ``wire`` request model; the first failure is a 400 naming the
    field path the way Qoder does (``initial_events[0].content``). Returns the body as sent."""
    try:
        model.model_validate(body)
    except ValidationError as exc:
        raise _api_error(min(exc.errors(include_url=False), key=_precedence), body) from None
    assert isinstance(body, dict)
    return body


def _precedence(error: ErrorDetails) -> int:
    """Which of several errors to name: an object's wrong ``type`` first (the rest follows from
    it), then an unknown field (before the missing field it may have been meant as)."""
    if error["type"] == "literal_error" and error["loc"][-1:] == ("type",):
        return 0
    return 1 if error["type"] == "extra_forbidden" else 2


def rule(reason: str | None, *at: str | int) -> PydanticCustomError:
    """A failed hand-kept rule, raised inside a model validator: ``reason`` continues the field
    path (``"must be 7-64 hex digits."``, ``": duplicate vault id x."``); ``at`` goes deeper than
    the field validated (a list item); ``None`` reports ``at`` as a missing required field."""
    return PydanticCustomError("rule", "{reason}", {"reason": reason, "at": list(at)})


def unknown_field(*at: str | int) -> PydanticCustomError:
    """A field the model declares but this variant of it does not take (cross-field)."""
    return PydanticCustomError("rule", "{reason}", {"reason": None, "at": list(at), "unknown": True})


def _path(loc: tuple[int | str, ...], body: Any) -> tuple[list[str | int], Any]:
    """pydantic's ``loc`` as the field path sent, and the value found there.

    Union members show up in ``loc`` as tags: ``"<str>"`` for the callable discriminators of
    ``wire`` and the ``type`` value for type-tagged unions; walking the body tells them apart."""
    parts: list[str | int] = []
    node, last = body, len(loc) - 1
    for i, key in enumerate(loc):
        if isinstance(key, str) and key.startswith("<"):
            continue
        if isinstance(node, dict):
            if i < last and key == node.get("type") and not isinstance(node.get(key), dict | list):
                continue
            parts.append(key)
            node = node.get(key) if isinstance(key, str) else None
        elif isinstance(node, list) and isinstance(key, int):
            parts.append(key)
            node = node[key] if 0 <= key < len(node) else None
        elif isinstance(key, int):
            parts.append(key)
            node = None
        # else: a tag of a member chosen for a scalar: not part of the path
    return parts, node


def _param(parts: list[str | int]) -> str | None:
    out = ""
    for part in parts:
        out = join(out, part)
    return out or None


_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "a boolean",
    "list_type": "an array",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "model_attributes_type": "a JSON object",
}


def _api_error(error: ErrorDetails, body: Any) -> ApiError:
    kind, ctx = error["type"], error.get("ctx") or {}
    parts, value = _path(error["loc"], body)
    if kind == "rule":
        parts += ctx["at"]
        if ctx["reason"] is None:
            kind = "extra_forbidden" if ctx.get("unknown") else "missing"
    p = _param(parts)
    if kind == "missing":
        return invalid(p, f"Missing required field: {p}")
    if kind == "extra_forbidden":
        return invalid(p, f"Unknown field: {p}")
    if kind == "rule":
        reason: str = ctx["reason"]
        return invalid(p, f"{p}{'' if reason.startswith(':') else ' '}{reason}")
    if kind in _TYPE_NAMES:
        if p is None:
            return invalid(None, "The request body must be a JSON object.")
        if value is None:
            return invalid(p, f"{p} cannot be null.")
        return invalid(p, f"{p} must be {_TYPE_NAMES[kind]}.")
    if kind == "shape":  # a callable discriminator found no member for this value
        return invalid(p, f"{p} must be {error['msg']} (got {type(value).__name__}).")
    if kind == "union_tag_not_found":  # an object without its ``type``
        if not isinstance(value, dict):
            return invalid(p, f"{p} must be a JSON object.")
        return invalid(join(p or "", "type"), f"Missing required field: {join(p or '', 'type')}")
    if kind == "union_tag_invalid":
        p = join(p or "", "type")
        return invalid(p, f"{p} must be one of {ctx['expected_tags']} (got {ctx['tag']!r}).")
    if kind == "literal_error":
        return invalid(p, f"{p} must be one of {ctx['expected']} (got {value!r}).")
    if kind == "string_too_short":
        n = ctx["min_length"]
        return invalid(
            p, f"{p} must not be empty." if n == 1 else f"{p} must be at least {n} characters long."
        )
    if kind == "string_too_long":
        got = f" (got {len(value)})" if isinstance(value, str) else ""
        return invalid(p, f"{p} must be at most {ctx['max_length']} characters long{got}.")
    if kind == "too_short":
        n = ctx["min_length"]
        return invalid(p, f"{p} must contain at least {n} item{'s' if n > 1 else ''}.")
    if kind == "too_long":
        got = f" (got {len(value)})" if isinstance(value, list) else ""
        return invalid(p, f"{p} must contain at most {ctx['max_length']} items{got}.")
    if kind == "greater_than_equal":
        return invalid(p, f"{p} must be at least {ctx['ge']}.")
    if kind == "less_than_equal":
        return invalid(p, f"{p} must be at most {ctx['le']}.")
    return invalid(p, f"{p or 'The request body'}: {error['msg']}.")


# --- rules a model cannot state (``wire`` attaches them with ``AfterValidator``) --------------------

_HTTP = re.compile(r"^https?://")
_HEX_SHA = re.compile(r"[0-9a-fA-F]{7,64}")
_DOTENV_LINE = re.compile(r"^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=")
_ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CREDIT = re.compile(r"\d{1,12}(\.\d{1,2})?")


def cron_expression(value: str) -> str:
    try:
        validate_expression(value)
    except ScheduleError as exc:
        raise rule(f": {exc}") from exc
    return value


def iana_timezone(value: str) -> str:
    try:
        validate_timezone(value)
    except ScheduleError as exc:
        raise rule(f": {exc}") from exc
    return value


def http_url(value: str) -> str:
    if not _HTTP.match(value):
        raise rule("must be an http(s) URL.")
    return value


def commit_sha(value: str) -> str:
    if not _HEX_SHA.fullmatch(value):
        raise rule("must be 7-64 hex digits.")
    return value


def env_var_name(value: str) -> str:
    if not _ENV_VAR_NAME.fullmatch(value):
        raise rule("must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*).")
    return value


def dotenv(text: str) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not _DOTENV_LINE.match(stripped):
            raise rule(f"line {number} is not KEY=VALUE.")
    return text


def credit_cost(value: str) -> str:
    if not _CREDIT.fullmatch(value) or float(value) <= 0:
        raise rule(
            "must be a positive decimal string with at most 12 integer and 2 fractional digits "
            f"(got {value!r})."
        )
    return value


def minor_units(value: str) -> str:
    if not value.isdigit() or int(value) <= 0:
        raise rule("must be a positive integer string of minor units.")
    return value


def rfc3339(value: str) -> str:
    try:
        parse_time(value)
    except ValueError as exc:
        raise rule(f"must be an RFC 3339 timestamp (got {value!r}).") from exc
    return value


def unique_ids(ids: list[str]) -> list[str]:
    for i, item in enumerate(ids):
        if ids.index(item) != i:
            raise rule(f": duplicate vault id {item}.", i)
    return ids


def starts_a_run(events: list[Any]) -> list[Any]:
    """At least one event a run can start from (a system message alone cannot)."""
    if not any(e.type in ("user.message", "user.define_outcome") for e in events):
        raise rule("must contain a user.message or user.define_outcome event to start the run.")
    return events


# --- hand checks of free-form JSON: metadata values and ``cas_config`` (merged onto the stored
# ones, so their limits hold for the result), list filters, and routes/cma.py's vault update ------


def require_object(value: Any, param: str | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(param, f"{param or 'The request body'} must be a JSON object.")
    return value


def check_fields(
    body: Mapping[str, Any], parent: str, allowed: set[str], required: tuple[str, ...] = ()
) -> None:
    for key in body:
        if key not in allowed:
            raise invalid(join(parent, key), f"Unknown field: {join(parent, key)}")
    for key in required:
        if key not in body:
            raise invalid(join(parent, key), f"Missing required field: {join(parent, key)}")


def string(value: Any, param: str, *, min_len: int = 0, max_len: int | None = None) -> str:
    if not isinstance(value, str):
        raise invalid(param, f"{param} must be a string.")
    if len(value) < min_len:
        raise invalid(
            param,
            f"{param} must not be empty."
            if min_len == 1
            else f"{param} must be at least {min_len} characters long.",
        )
    if max_len is not None and len(value) > max_len:
        raise invalid(param, f"{param} must be at most {max_len} characters long (got {len(value)}).")
    return value


def integer(value: Any, param: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(param, f"{param} must be an integer.")
    if minimum is not None and value < minimum:
        raise invalid(param, f"{param} must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise invalid(param, f"{param} must be at most {maximum}.")
    return value


def one_of(value: Any, param: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise invalid(param, f"{param} must be one of {', '.join(repr(c) for c in choices)} (got {value!r}).")
    return str(value)


# --- deployments: the stored values of a body ``wire.DeploymentCreate``/``Update`` accepted -------


def _agent_ref(value: str | Mapping[str, Any]) -> dict[str, Any]:
    """``"agent_x"`` or ``{"type":"agent","id":..,"version"?:N}`` -> ``{"id", "version"|None}``."""
    if isinstance(value, str):
        return {"id": value, "version": None}
    return {"id": value["id"], "version": value.get("version")}


def _schedule(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"type": "cron", "expression": value["expression"], "timezone": value["timezone"]}


def _event(event: Mapping[str, Any]) -> dict[str, Any]:
    # Echo policy (decision #4): a string stays a string, blocks stay blocks.
    if event["type"] != "user.define_outcome":
        content = event["content"]
        return {"type": event["type"], "content": content if isinstance(content, str) else list(content)}
    max_iterations = event.get("max_iterations")
    return {
        "type": event["type"],
        "description": event["description"],
        "rubric": dict(event["rubric"]),
        "max_iterations": 3 if max_iterations is None else max_iterations,
    }


def _repo_name(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail.removesuffix(".git") or "repository"


def _resource(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The stored (and echoed) resource: defaults filled, write-only ``authorization_token`` dropped."""
    kind, mount = obj["type"], obj.get("mount_path")
    if kind == "github_repository":
        out: dict[str, Any] = {
            "type": kind,
            "url": obj["url"],
            "mount_path": f"/workspace/{_repo_name(obj['url'])}" if mount is None else mount,
        }
        if obj.get("checkout") is not None:
            out["checkout"] = dict(obj["checkout"])
        return out
    if kind == "file":
        file_id = obj["file_id"]
        return {
            "type": kind,
            "file_id": file_id,
            "mount_path": f"/mnt/session/uploads/{file_id}" if mount is None else mount,
        }
    out = {
        "type": kind,
        "memory_store_id": obj["memory_store_id"],
        "access": obj.get("access") or "read_write",
    }
    if obj.get("instructions") is not None:
        out["instructions"] = obj["instructions"]
    return out


def _budget(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    out: dict[str, Any] = {"type": "limit"}
    if value.get("max_credit_cost") is not None:
        out["max_credit_cost"] = value["max_credit_cost"]
    if value.get("max_list_cost") is not None:
        out["max_list_cost"] = {"currency": "USD", "amount": value["max_list_cost"]["amount"]}
    return out


def cas_config(value: Any, current: Mapping[str, Any], param: str = "metadata.cas_config") -> dict[str, Any]:
    """Merge-patch ``value`` onto ``current`` (decision #5); ``stats`` is server-owned and ignored."""
    obj = require_object(value, param)
    check_fields(obj, param, {"session_strategy", "config", "stats"})
    merged = {
        "session_strategy": current.get("session_strategy", CAS_DEFAULTS["session_strategy"]),
        "config": dict(current.get("config", CAS_DEFAULTS["config"])),
    }
    if obj.get("session_strategy") is not None:
        merged["session_strategy"] = string(
            obj["session_strategy"], join(param, "session_strategy"), min_len=1
        )
    if obj.get("config") is not None:
        config_param = join(param, "config")
        config = require_object(obj["config"], config_param)
        check_fields(config, config_param, {"max_retries", "timeout_ms", "max_concurrent"})
        limits = {"max_retries": (0, 10), "timeout_ms": (1000, 86_400_000), "max_concurrent": (1, 100)}
        for key, item in config.items():
            if item is None:
                merged["config"][key] = CAS_DEFAULTS["config"][key]
            else:
                low, high = limits[key]
                merged["config"][key] = integer(item, join(config_param, key), minimum=low, maximum=high)
    return merged


def metadata(value: Any, current: Mapping[str, Any] | None, param: str = "metadata") -> dict[str, Any]:
    """Validate and apply metadata. ``current=None`` means create (no ``null`` deletes needed)."""
    base: dict[str, Any] = dict(current or {})
    cas = base.pop(CAS_CONFIG, CAS_DEFAULTS)
    if value is not None:
        for key, item in require_object(value, param).items():
            key_param = join(param, key)
            if key == CAS_CONFIG:
                cas = CAS_DEFAULTS if item is None else cas_config(item, cas, key_param)
                continue
            if not key:
                raise invalid(param, f"{param} keys must not be empty.")
            if len(key) > MAX_METADATA_KEY:
                raise invalid(
                    key_param, f"{param} key {key[:20]!r}... is longer than {MAX_METADATA_KEY} characters."
                )
            if item is None:
                base.pop(key, None)
                continue
            base[key] = string(item, key_param, max_len=MAX_METADATA_VALUE)
    if len(base) > MAX_METADATA_KEYS:
        raise invalid(
            param, f"{param} may hold at most {MAX_METADATA_KEYS} keys besides cas_config (got {len(base)})."
        )
    return {**base, CAS_CONFIG: {"session_strategy": cas["session_strategy"], "config": dict(cas["config"])}}


def deployment_update(body: Mapping[str, Any], current_metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The changed fields only (merge-patch, section 7); ``null`` clears what may be cleared."""
    normalize: dict[str, Any] = {
        "name": lambda v: v,
        "description": lambda v: v or "",
        "agent": _agent_ref,
        "environment_id": lambda v: v,
        "schedule": _schedule,
        "initial_events": lambda v: [_event(e) for e in v],
        "resources": lambda v: [_resource(r) for r in v or ()],
        "vault_ids": lambda v: list(v or ()),
        "metadata": lambda v: metadata(v, current_metadata),
        "environment_variables": lambda v: v or "",
        "budget": _budget,
    }
    return {key: normalize[key](value) for key, value in body.items()}


def deployment_create(body: Mapping[str, Any]) -> dict[str, Any]:
    return deployment_update(
        {
            "description": None,
            "schedule": None,
            "resources": None,
            "vault_ids": None,
            "metadata": None,
            "environment_variables": None,
            "budget": None,
            **body,
        },
        {},
    )


# --- agents, environments, vaults ---------------------------------------------------------------


def plain_metadata(
    value: Any, current: Mapping[str, Any] | None = None, param: str = "metadata"
) -> dict[str, str]:
    merged = metadata(value, current)
    merged.pop(CAS_CONFIG)
    return merged


def _team(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Members as references for the backend to pin: an id string is ``{"type": "agent", "id"}``."""
    if value is None:
        return None
    members = []
    for item in value["agents"]:
        if isinstance(item, str):
            members.append({"type": "agent", "id": item, "version": None})
        elif item["type"] == "agent":
            members.append({"type": "agent", "id": item["id"], "version": item.get("version")})
        else:
            members.append(dict(item))
    return {"type": "coordinator", "agents": members}


def agent_fields(obj: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored fields of a body ``wire.AgentCreate``/``AgentUpdate`` accepted."""
    out: dict[str, Any] = {}
    for key in ("name", "model"):
        if key in obj:
            model = obj[key]
            out[key] = {k: v for k, v in model.items() if v is not None} if isinstance(model, dict) else model
    for key in ("system", "description"):
        if key in obj:
            out[key] = obj[key] or ""
    for key in ("tools", "mcp_servers", "skills"):
        if key in obj:
            out[key] = list(obj[key] or [])
    if "metadata" in obj:
        out["metadata"] = plain_metadata(
            obj["metadata"], None if current is None else current.get("metadata")
        )
    if "multiagent" in obj:
        out["multiagent"] = _team(obj["multiagent"])
    return out


def agent_create(body: Mapping[str, Any]) -> dict[str, Any]:
    return agent_fields(body, None)


def agent_update(body: Mapping[str, Any], current: Mapping[str, Any]) -> tuple[int | None, dict[str, Any]]:
    """``version`` is optional (qca-sdk): sent, it must match the current one (optimistic concurrency)."""
    return body.get("version"), agent_fields({k: v for k, v in body.items() if k != "version"}, current)


DEFAULT_ENVIRONMENT_SCOPE = "account"
PACKAGE_MANAGERS = ("apt", "cargo", "gem", "go", "npm", "pip")


def environment_config(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """The stored config of a ``wire.EnvironmentConfigInput``; ``type`` defaults to ``cloud``."""
    if value is None:
        return {"type": "cloud"}
    kind = value.get("type", "cloud")
    out: dict[str, Any] = {"type": kind}
    if value.get("setup_script") is not None:
        out["setup_script"] = value["setup_script"]
    if kind == "self_hosted":
        return out
    net = value.get("networking")
    if net is not None:
        out["networking"] = (
            {"type": "unrestricted"}
            if net["type"] == "unrestricted"
            else {
                "type": "limited",
                "allowed_hosts": list(net.get("allowed_hosts") or ()),
                "allow_package_managers": net.get("allow_package_managers", False),
                "allow_mcp_servers": net.get("allow_mcp_servers", False),
            }
        )
    packages = value.get("packages")
    if packages is not None:
        out["packages"] = {"type": "packages", **{m: list(packages.get(m) or ()) for m in PACKAGE_MANAGERS}}
    return out


def environment_create(body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": body["name"],
        "description": body.get("description") or "",
        "config": environment_config(body.get("config")),
        "scope": body.get("scope") or DEFAULT_ENVIRONMENT_SCOPE,
        "metadata": plain_metadata(body.get("metadata")),
    }


def environment_update(body: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in body:
        out["name"] = body["name"]
    if "description" in body:
        out["description"] = body["description"] or ""
    if "config" in body:
        out["config"] = environment_config(body["config"])
    if body.get("scope") is not None:
        out["scope"] = body["scope"]
    if "metadata" in body:
        out["metadata"] = plain_metadata(body["metadata"], current.get("metadata"))
    return out


def vault_create(body: Mapping[str, Any]) -> dict[str, Any]:
    """Inline credentials as stored: ``access_token`` is write-only and never kept."""
    return {
        "display_name": body["display_name"],
        "credentials": [
            {
                "mcp_server_url": c["mcp_server_url"],
                "protocol": c.get("protocol", "streamable_http"),
                "type": c["type"],
            }
            for c in body.get("credentials") or ()
        ],
        "metadata": plain_metadata(body.get("metadata")),
    }


# --- vault credentials (the sub-resource /vaults/{id}/credentials) ------------------------------
# Secrets are checked by ``wire`` and never kept: nothing can echo what was never stored.


def _timestamp(value: str | None) -> str | None:
    return None if value is None else fmt_seconds(parse_time(value))


def _credential_networking(value: Mapping[str, Any]) -> dict[str, Any]:
    if value["type"] == "unrestricted":
        return {"type": "unrestricted"}
    return {"type": "limited", "allowed_hosts": list(value["allowed_hosts"])}


def _injection_location(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else {k: value.get(k) for k in ("body", "header")}


def credential_auth(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The stored (and echoed) ``auth`` of a new credential: every secret is dropped."""
    kind = obj["type"]
    if kind == "static_bearer":
        return {
            "type": kind,
            "mcp_server_url": obj["mcp_server_url"],
            "protocol": obj.get("protocol") or "streamable_http",
        }
    if kind == "mcp_oauth":
        refresh = obj.get("refresh")
        return {
            "type": kind,
            "mcp_server_url": obj["mcp_server_url"],
            "expires_at": _timestamp(obj.get("expires_at")),
            "refresh": None
            if refresh is None
            else {
                "client_id": refresh["client_id"],
                "token_endpoint": refresh["token_endpoint"],
                "token_endpoint_auth": {"type": refresh["token_endpoint_auth"]["type"]},
                "resource": refresh.get("resource"),
                "scope": refresh.get("scope"),
            },
        }
    return {
        "type": kind,
        "secret_name": obj["secret_name"],
        "networking": _credential_networking(obj["networking"]),
        "injection_location": _injection_location(obj.get("injection_location")),
    }


def credential_auth_update(obj: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """Apply an ``auth`` update to the stored one: the type is fixed, settings merge."""
    kind = obj["type"]
    if kind != current["type"]:
        raise invalid(
            "auth.type",
            f"auth.type cannot change from {current['type']!r} to {kind!r}; create a new credential instead.",
        )
    out = dict(current)
    if kind == "mcp_oauth":
        if "expires_at" in obj:
            out["expires_at"] = _timestamp(obj["expires_at"])
        refresh = obj.get("refresh")
        if refresh is not None:
            if out.get("refresh") is None:
                raise invalid("auth.refresh", "auth.refresh: this credential has no refresh settings.")
            merged = dict(out["refresh"])
            if "scope" in refresh:
                merged["scope"] = refresh["scope"]
            if refresh.get("token_endpoint_auth") is not None:
                merged["token_endpoint_auth"] = {"type": refresh["token_endpoint_auth"]["type"]}
            out["refresh"] = merged
    elif kind == "environment_variable":
        if obj.get("networking") is not None:
            out["networking"] = _credential_networking(obj["networking"])
        if "injection_location" in obj:
            out["injection_location"] = _injection_location(obj["injection_location"])
    return out


def credential_create(body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "display_name": body.get("display_name"),
        "auth": credential_auth(body["auth"]),
        "metadata": plain_metadata(body.get("metadata")),
    }


def _rotates_a_secret(auth: Mapping[str, Any]) -> bool:
    refresh = auth.get("refresh") or {}
    endpoint_auth = refresh.get("token_endpoint_auth") or {}
    return (
        any(auth.get(k) is not None for k in ("token", "access_token", "secret_value"))
        or refresh.get("refresh_token") is not None
        or endpoint_auth.get("client_secret") is not None
    )


def credential_update(body: Mapping[str, Any], current: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The changed fields, and whether a secret was rotated (which changes nothing we echo)."""
    out: dict[str, Any] = {}
    rotated = False
    if "display_name" in body:
        out["display_name"] = body["display_name"]
    if body.get("auth") is not None:
        out["auth"] = credential_auth_update(body["auth"], current["auth"])
        rotated = _rotates_a_secret(body["auth"])
    if "metadata" in body:
        out["metadata"] = plain_metadata(body["metadata"], current.get("metadata"))
    return out, rotated


def inline_credential_auth(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A credential given inline on ``POST /vaults`` as the sub-resource stores its ``auth``."""
    return {
        "type": "static_bearer",
        "mcp_server_url": stored["mcp_server_url"],
        "protocol": stored["protocol"],
    }
