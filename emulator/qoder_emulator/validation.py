"""Request validation: small named validators that raise ``ApiError`` naming the field path.

Validators only check shapes and limits and return the value to store; resolving references
(agents, environments, vaults) needs storage and lives in ``service.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from qoder_cron import ScheduleError, validate_expression, validate_timezone

from .errors import invalid
from .ids import fmt_seconds, parse_time

MAX_NAME = 256
MAX_DESCRIPTION = 2048
MAX_EVENTS = 50
MAX_RESOURCES = 500
MAX_VAULT_IDS = 50
MAX_METADATA_KEYS = 16
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 512
MAX_ENV_VARS = 65536
CAS_CONFIG = "cas_config"
EVENT_TYPES = ("user.message", "user.define_outcome", "system.message")
RESOURCE_TYPES = ("github_repository", "file", "memory_store")
CAS_DEFAULTS: dict[str, Any] = {
    "session_strategy": "new_session",
    "config": {"max_retries": 0, "timeout_ms": 300000, "max_concurrent": 1},
}


def join(parent: str, child: str | int) -> str:
    if isinstance(child, int):
        return f"{parent}[{child}]"
    return f"{parent}.{child}" if parent else child


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


def optional_string(value: Any, param: str, *, max_len: int | None = None) -> str | None:
    return None if value is None else string(value, param, max_len=max_len)


def integer(value: Any, param: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(param, f"{param} must be an integer.")
    if minimum is not None and value < minimum:
        raise invalid(param, f"{param} must be at least {minimum}.")
    if maximum is not None and value > maximum:
        raise invalid(param, f"{param} must be at most {maximum}.")
    return value


def boolean(value: Any, param: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(param, f"{param} must be a boolean.")
    return value


def array(value: Any, param: str, *, min_items: int = 0, max_items: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise invalid(param, f"{param} must be an array.")
    if len(value) < min_items:
        raise invalid(param, f"{param} must contain at least {min_items} item{'s' if min_items > 1 else ''}.")
    if max_items is not None and len(value) > max_items:
        raise invalid(param, f"{param} must contain at most {max_items} items (got {len(value)}).")
    return value


def one_of(value: Any, param: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise invalid(param, f"{param} must be one of {', '.join(repr(c) for c in choices)} (got {value!r}).")
    return str(value)


def string_list(
    value: Any, param: str, *, max_items: int | None = None, max_len: int | None = None
) -> list[str]:
    return [
        string(v, join(param, i), max_len=max_len)
        for i, v in enumerate(array(value, param, max_items=max_items))
    ]


# --- deployments -------------------------------------------------------------------------------


def deployment_name(value: Any, param: str = "name") -> str:
    return string(value, param, min_len=1, max_len=MAX_NAME)


def agent_reference(value: Any, param: str = "agent") -> dict[str, Any]:
    """``"agent_x"`` or ``{"type":"agent","id":..,"version"?:N}`` -> ``{"id", "version"|None}``."""
    if isinstance(value, str):
        return {"id": string(value, param, min_len=1, max_len=128), "version": None}
    obj = require_object(value, param)
    check_fields(obj, param, {"type", "id", "version"}, ("type", "id"))
    if obj["type"] != "agent":
        raise invalid(join(param, "type"), f'{join(param, "type")} must be "agent" (got {obj["type"]!r}).')
    version = obj.get("version")
    return {
        "id": string(obj["id"], join(param, "id"), min_len=1, max_len=128),
        "version": None if version is None else integer(version, join(param, "version"), minimum=1),
    }


def schedule(value: Any, param: str = "schedule") -> dict[str, Any] | None:
    if value is None:
        return None
    obj = require_object(value, param)
    check_fields(obj, param, {"type", "expression", "timezone"}, ("type", "expression", "timezone"))
    one_of(obj["type"], join(param, "type"), ("cron",))
    for field, check in (("expression", validate_expression), ("timezone", validate_timezone)):
        if not isinstance(obj[field], str):
            raise invalid(join(param, field), f"{join(param, field)} must be a string.")
        try:
            check(obj[field])
        except ScheduleError as exc:
            raise invalid(join(param, field), f"{join(param, field)}: {exc}") from exc
    return {"type": "cron", "expression": obj["expression"], "timezone": obj["timezone"]}


def _source(value: Any, param: str, kinds: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    obj = require_object(value, param)
    check_fields(obj, param, {"type"} | {f for fs in kinds.values() for f in fs}, ("type",))
    kind = one_of(obj["type"], join(param, "type"), tuple(kinds))
    check_fields(obj, param, {"type", *kinds[kind]}, kinds[kind])
    for field in kinds[kind]:
        string(obj[field], join(param, field), min_len=1)
    return dict(obj)


def content_block(value: Any, param: str, *, text_only: bool = False) -> dict[str, Any]:
    obj = require_object(value, param)
    if "type" not in obj:
        raise invalid(join(param, "type"), f"Missing required field: {join(param, 'type')}")
    kinds = ("text",) if text_only else ("text", "image", "document", "redacted")
    kind = one_of(obj["type"], join(param, "type"), kinds)
    if kind == "text":
        check_fields(obj, param, {"type", "text"}, ("text",))
        string(obj["text"], join(param, "text"), min_len=1)
    elif kind == "image":
        check_fields(obj, param, {"type", "source"}, ("source",))
        _source(
            obj["source"],
            join(param, "source"),
            {"base64": ("media_type", "data"), "url": ("url",), "file": ("file_id",)},
        )
    elif kind == "document":
        check_fields(obj, param, {"type", "source", "title", "context"}, ("source",))
        _source(
            obj["source"],
            join(param, "source"),
            {
                "base64": ("media_type", "data"),
                "text": ("media_type", "data"),
                "url": ("url",),
                "file": ("file_id",),
            },
        )
        for field in ("title", "context"):
            if field in obj:
                optional_string(obj[field], join(param, field))
    else:
        check_fields(obj, param, {"type"})
    return dict(obj)


def _content(value: Any, param: str, *, text_only: bool, allow_string: bool) -> str | list[dict[str, Any]]:
    if isinstance(value, str) and allow_string:
        return string(value, param, min_len=1)
    if not isinstance(value, list):
        expected = "a string or an array of content blocks" if allow_string else "an array of text blocks"
        raise invalid(param, f"{param} must be {expected}.")
    blocks = array(value, param, min_items=1)
    return [content_block(b, join(param, i), text_only=text_only) for i, b in enumerate(blocks)]


def initial_event(value: Any, param: str) -> dict[str, Any]:
    obj = require_object(value, param)
    if "type" not in obj:
        raise invalid(join(param, "type"), f"Missing required field: {join(param, 'type')}")
    kind = one_of(obj["type"], join(param, "type"), EVENT_TYPES)
    if kind == "user.message":
        check_fields(obj, param, {"type", "content"}, ("content",))
        # Echo policy (decision #4): a string stays a string, blocks stay blocks.
        return {
            "type": kind,
            "content": _content(obj["content"], join(param, "content"), text_only=False, allow_string=True),
        }
    if kind == "system.message":
        check_fields(obj, param, {"type", "content"}, ("content",))
        return {
            "type": kind,
            "content": _content(obj["content"], join(param, "content"), text_only=True, allow_string=False),
        }
    check_fields(obj, param, {"type", "description", "rubric", "max_iterations"}, ("description", "rubric"))
    rubric_param = join(param, "rubric")
    rubric = _source(obj["rubric"], rubric_param, {"text": ("content",), "file": ("file_id",)})
    if rubric["type"] == "text":
        string(rubric["content"], join(rubric_param, "content"), min_len=1, max_len=262144)
    max_iterations = obj.get("max_iterations")
    return {
        "type": kind,
        "description": string(obj["description"], join(param, "description"), min_len=1),
        "rubric": rubric,
        "max_iterations": 3
        if max_iterations is None
        else integer(max_iterations, join(param, "max_iterations"), minimum=1, maximum=20),
    }


def initial_events(value: Any, param: str = "initial_events") -> list[dict[str, Any]]:
    events = array(value, param, min_items=1, max_items=MAX_EVENTS)
    parsed = [initial_event(e, join(param, i)) for i, e in enumerate(events)]
    if not any(e["type"] in ("user.message", "user.define_outcome") for e in parsed):
        raise invalid(
            param, f"{param} must contain a user.message or user.define_outcome event to start the run."
        )
    return parsed


def _repo_name(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail.removesuffix(".git") or "repository"


def resource(value: Any, param: str) -> dict[str, Any]:
    """Returns the stored (and echoed) resource: write-only ``authorization_token`` is dropped."""
    obj = require_object(value, param)
    if "type" not in obj:
        raise invalid(join(param, "type"), f"Missing required field: {join(param, 'type')}")
    kind = one_of(obj["type"], join(param, "type"), RESOURCE_TYPES)
    if kind == "github_repository":
        check_fields(
            obj,
            param,
            {"type", "url", "authorization_token", "mount_path", "checkout"},
            ("url", "authorization_token"),
        )
        url = string(obj["url"], join(param, "url"), min_len=1, max_len=2048)
        if not re.match(r"^https?://", url):
            raise invalid(join(param, "url"), f"{join(param, 'url')} must be an http(s) URL.")
        string(obj["authorization_token"], join(param, "authorization_token"), min_len=1, max_len=4096)
        out: dict[str, Any] = {"type": kind, "url": url}
        mount = obj.get("mount_path")
        out["mount_path"] = (
            f"/workspace/{_repo_name(url)}"
            if mount is None
            else string(mount, join(param, "mount_path"), min_len=1, max_len=4096)
        )
        if obj.get("checkout") is not None:
            checkout_param = join(param, "checkout")
            checkout = _source(obj["checkout"], checkout_param, {"branch": ("name",), "commit": ("sha",)})
            if checkout["type"] == "branch":
                string(checkout["name"], join(checkout_param, "name"), min_len=1, max_len=255)
            elif not re.fullmatch(r"[0-9a-fA-F]{7,64}", checkout["sha"]):
                raise invalid(
                    join(checkout_param, "sha"), f"{join(checkout_param, 'sha')} must be 7-64 hex digits."
                )
            out["checkout"] = checkout
        return out
    if kind == "file":
        check_fields(obj, param, {"type", "file_id", "mount_path"}, ("file_id",))
        file_id = string(obj["file_id"], join(param, "file_id"), min_len=1, max_len=128)
        mount = obj.get("mount_path")
        return {
            "type": kind,
            "file_id": file_id,
            "mount_path": f"/mnt/session/uploads/{file_id}"
            if mount is None
            else string(mount, join(param, "mount_path"), min_len=1, max_len=4096),
        }
    check_fields(obj, param, {"type", "memory_store_id", "access", "instructions"}, ("memory_store_id",))
    out = {
        "type": kind,
        "memory_store_id": string(
            obj["memory_store_id"], join(param, "memory_store_id"), min_len=1, max_len=128
        ),
    }
    access = obj.get("access")
    out["access"] = (
        "read_write" if access is None else one_of(access, join(param, "access"), ("read_write", "read_only"))
    )
    if obj.get("instructions") is not None:
        out["instructions"] = string(obj["instructions"], join(param, "instructions"), max_len=4096)
    return out


def resources(value: Any, param: str = "resources") -> list[dict[str, Any]]:
    if value is None:
        return []
    return [resource(r, join(param, i)) for i, r in enumerate(array(value, param, max_items=MAX_RESOURCES))]


def vault_ids(value: Any, param: str = "vault_ids") -> list[str]:
    if value is None:
        return []
    ids = string_list(value, param, max_items=MAX_VAULT_IDS, max_len=128)
    for i, vault_id in enumerate(ids):
        if ids.index(vault_id) != i:
            raise invalid(join(param, i), f"{join(param, i)}: duplicate vault id {vault_id}.")
    return ids


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


def environment_variables(value: Any, param: str = "environment_variables") -> str:
    if value is None:
        return ""
    text = string(value, param, max_len=MAX_ENV_VARS)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if (
            stripped
            and not stripped.startswith("#")
            and not re.match(r"^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=", stripped)
        ):
            raise invalid(param, f"{param} line {number} is not KEY=VALUE.")
    return text


_CREDIT = re.compile(r"\d{1,12}(\.\d{1,2})?")


def budget(value: Any, param: str = "budget") -> dict[str, Any] | None:
    """``{"type":"limit","max_credit_cost":"12.50"}`` (qca-sdk) or CMA's ``max_list_cost`` money."""
    if value is None:
        return None
    obj = require_object(value, param)
    check_fields(obj, param, {"type", "max_credit_cost", "max_list_cost"}, ("type",))
    one_of(obj["type"], join(param, "type"), ("limit",))
    if obj.get("max_credit_cost") is None and obj.get("max_list_cost") is None:
        raise invalid(
            join(param, "max_credit_cost"), f"Missing required field: {join(param, 'max_credit_cost')}"
        )
    out: dict[str, Any] = {"type": "limit"}
    if obj.get("max_credit_cost") is not None:
        cost_param = join(param, "max_credit_cost")
        cost = string(obj["max_credit_cost"], cost_param, min_len=1)
        if not _CREDIT.fullmatch(cost) or float(cost) <= 0:
            raise invalid(
                cost_param,
                f"{cost_param} must be a positive decimal string with at most 12 integer and 2 "
                f"fractional digits (got {cost!r}).",
            )
        out["max_credit_cost"] = cost
    if obj.get("max_list_cost") is not None:
        money_param = join(param, "max_list_cost")
        money = require_object(obj["max_list_cost"], money_param)
        check_fields(money, money_param, {"currency", "amount"}, ("currency", "amount"))
        one_of(money["currency"], join(money_param, "currency"), ("USD",))
        amount = string(money["amount"], join(money_param, "amount"), min_len=1, max_len=20)
        if not amount.isdigit() or int(amount) <= 0:
            raise invalid(
                join(money_param, "amount"),
                f"{join(money_param, 'amount')} must be a positive integer string of minor units.",
            )
        out["max_list_cost"] = {"currency": "USD", "amount": amount}
    return out


DEPLOYMENT_FIELDS = {
    "budget",
    "name",
    "description",
    "agent",
    "environment_id",
    "schedule",
    "initial_events",
    "resources",
    "vault_ids",
    "metadata",
    "environment_variables",
}


def deployment_create(body: Any) -> dict[str, Any]:
    obj = require_object(body, None)
    check_fields(obj, "", DEPLOYMENT_FIELDS, ("name", "agent", "environment_id", "initial_events"))
    return {
        "name": deployment_name(obj["name"]),
        "description": optional_string(obj.get("description"), "description", max_len=MAX_DESCRIPTION) or "",
        "agent": agent_reference(obj["agent"]),
        "environment_id": string(obj["environment_id"], "environment_id", min_len=1, max_len=128),
        "schedule": schedule(obj.get("schedule")),
        "initial_events": initial_events(obj["initial_events"]),
        "resources": resources(obj.get("resources")),
        "vault_ids": vault_ids(obj.get("vault_ids")),
        "metadata": metadata(obj.get("metadata"), None),
        "environment_variables": environment_variables(obj.get("environment_variables")),
        "budget": budget(obj.get("budget")),
    }


def deployment_update(body: Any, current_metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The changed fields only (merge-patch, section 7); ``null`` rules per decision #3."""
    obj = require_object(body, None)
    check_fields(obj, "", DEPLOYMENT_FIELDS)
    for key in ("name", "agent", "environment_id", "initial_events"):
        if key in obj and obj[key] is None:
            raise invalid(key, f"{key} cannot be null.")
    parsers: dict[str, Any] = {
        "name": deployment_name,
        "description": lambda v: optional_string(v, "description", max_len=MAX_DESCRIPTION) or "",
        "agent": agent_reference,
        "environment_id": lambda v: string(v, "environment_id", min_len=1, max_len=128),
        "schedule": schedule,
        "initial_events": initial_events,
        "resources": resources,
        "vault_ids": vault_ids,
        "metadata": lambda v: metadata(v, current_metadata),
        "environment_variables": environment_variables,
        "budget": budget,
    }
    return {key: parsers[key](value) for key, value in obj.items()}


# --- agents, environments, vaults ---------------------------------------------------------------

AGENT_FIELDS = {
    "name",
    "model",
    "system",
    "description",
    "tools",
    "mcp_servers",
    "skills",
    "metadata",
    "multiagent",
}
EFFORTS = ("low", "medium", "high", "xhigh", "max")


def plain_metadata(
    value: Any, current: Mapping[str, Any] | None = None, param: str = "metadata"
) -> dict[str, str]:
    merged = metadata(value, current)
    merged.pop(CAS_CONFIG)
    return merged


def model_config(value: Any, param: str = "model") -> str | dict[str, Any]:
    """A model name, or ``{id, effort?, speed?, context_window?, inference_geo?}`` (qca-sdk)."""
    if isinstance(value, str):
        return string(value, param, min_len=1, max_len=256)
    obj = require_object(value, param)
    check_fields(obj, param, {"id", "effort", "speed", "context_window", "inference_geo"}, ("id",))
    out: dict[str, Any] = {"id": string(obj["id"], join(param, "id"), min_len=1, max_len=256)}
    effort = obj.get("effort")
    if effort is not None:
        effort_param = join(param, "effort")
        if isinstance(effort, str):
            out["effort"] = one_of(effort, effort_param, EFFORTS)
        else:
            effort_obj = require_object(effort, effort_param)
            check_fields(effort_obj, effort_param, {"type"}, ("type",))
            out["effort"] = {"type": one_of(effort_obj["type"], join(effort_param, "type"), EFFORTS)}
    if obj.get("speed") is not None:
        out["speed"] = one_of(obj["speed"], join(param, "speed"), ("standard", "fast"))
    if obj.get("context_window") is not None:
        out["context_window"] = integer(obj["context_window"], join(param, "context_window"), minimum=1)
    if obj.get("inference_geo") is not None:
        out["inference_geo"] = string(
            obj["inference_geo"], join(param, "inference_geo"), min_len=1, max_len=64
        )
    return out


def multiagent(value: Any, param: str = "multiagent") -> dict[str, Any] | None:
    """``{"type":"coordinator","agents":[...]}``; members are agent ids, agent references,
    ``{"type":"self"}`` or ``{"type":"advisor","model":...}``. References are resolved by the service."""
    if value is None:
        return None
    obj = require_object(value, param)
    check_fields(obj, param, {"type", "agents"}, ("type", "agents"))
    one_of(obj["type"], join(param, "type"), ("coordinator",))
    members = []
    for i, item in enumerate(array(obj["agents"], join(param, "agents"), min_items=1, max_items=20)):
        item_param = join(join(param, "agents"), i)
        if isinstance(item, str):
            members.append(
                {"type": "agent", "id": string(item, item_param, min_len=1, max_len=128), "version": None}
            )
            continue
        member = require_object(item, item_param)
        if "type" not in member:
            raise invalid(join(item_param, "type"), f"Missing required field: {join(item_param, 'type')}")
        kind = one_of(member["type"], join(item_param, "type"), ("agent", "self", "advisor"))
        if kind == "self":
            check_fields(member, item_param, {"type"})
            members.append({"type": "self"})
        elif kind == "advisor":
            check_fields(member, item_param, {"type", "model"}, ("model",))
            members.append(
                {"type": "advisor", "model": string(member["model"], join(item_param, "model"), min_len=1)}
            )
        else:
            ref = agent_reference(member, item_param)
            members.append({"type": "agent", **ref})
    return {"type": "coordinator", "agents": members}


def agent_fields(obj: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in obj:
        out["name"] = string(obj["name"], "name", min_len=1, max_len=MAX_NAME)
    if "model" in obj:
        out["model"] = model_config(obj["model"])
    for key in ("system", "description"):
        if key in obj:
            out[key] = optional_string(obj[key], key, max_len=100_000) or ""
    for key, limit in (("tools", 128), ("mcp_servers", 20), ("skills", 20)):
        if key in obj:
            items = [] if obj[key] is None else array(obj[key], key, max_items=limit)
            out[key] = [require_object(item, join(key, i)) for i, item in enumerate(items)]
    if "metadata" in obj:
        out["metadata"] = plain_metadata(
            obj["metadata"], None if current is None else current.get("metadata")
        )
    if "multiagent" in obj:
        out["multiagent"] = multiagent(obj["multiagent"])
    return out


def agent_create(body: Any) -> dict[str, Any]:
    obj = require_object(body, None)
    check_fields(obj, "", AGENT_FIELDS, ("name", "model"))
    return agent_fields(obj, None)


def agent_update(body: Any, current: Mapping[str, Any]) -> tuple[int | None, dict[str, Any]]:
    """``version`` is optional (qca-sdk): sent, it must match the current one (optimistic concurrency)."""
    obj = require_object(body, None)
    check_fields(obj, "", AGENT_FIELDS | {"version"})
    version = None if obj.get("version") is None else integer(obj["version"], "version", minimum=1)
    for key in ("name", "model"):
        if key in obj and obj[key] is None:
            raise invalid(key, f"{key} cannot be null.")
    return version, agent_fields({k: v for k, v in obj.items() if k != "version"}, current)


ENVIRONMENT_SCOPES = ("organization", "account")
DEFAULT_ENVIRONMENT_SCOPE = "account"
MAX_SETUP_SCRIPT = 65536


def environment_config(value: Any, param: str = "config") -> dict[str, Any]:
    """``cloud`` (networking, packages, setup_script) or ``self_hosted`` (setup_script); ``type``
    defaults to ``cloud`` (qca-sdk makes it optional)."""
    if value is None:
        return {"type": "cloud"}
    obj = require_object(value, param)
    kind = one_of(obj.get("type", "cloud"), join(param, "type"), ("cloud", "self_hosted"))
    if kind == "self_hosted":
        check_fields(obj, param, {"type", "setup_script"})
        out_hosted: dict[str, Any] = {"type": kind}
        if obj.get("setup_script") is not None:
            out_hosted["setup_script"] = string(
                obj["setup_script"], join(param, "setup_script"), max_len=MAX_SETUP_SCRIPT
            )
        return out_hosted
    check_fields(obj, param, {"type", "networking", "packages", "setup_script"})
    out: dict[str, Any] = {"type": "cloud"}
    if obj.get("setup_script") is not None:
        out["setup_script"] = string(
            obj["setup_script"], join(param, "setup_script"), max_len=MAX_SETUP_SCRIPT
        )
    if obj.get("networking") is not None:
        net_param = join(param, "networking")
        net = require_object(obj["networking"], net_param)
        if "type" not in net:
            raise invalid(join(net_param, "type"), f"Missing required field: {join(net_param, 'type')}")
        kind = one_of(net["type"], join(net_param, "type"), ("unrestricted", "limited"))
        if kind == "unrestricted":
            check_fields(net, net_param, {"type"})
            out["networking"] = {"type": kind}
        else:
            check_fields(
                net, net_param, {"type", "allowed_hosts", "allow_package_managers", "allow_mcp_servers"}
            )
            out["networking"] = {
                "type": kind,
                "allowed_hosts": string_list(
                    net.get("allowed_hosts") or [],
                    join(net_param, "allowed_hosts"),
                    max_items=256,
                    max_len=253,
                ),
                "allow_package_managers": boolean(
                    net.get("allow_package_managers", False), join(net_param, "allow_package_managers")
                ),
                "allow_mcp_servers": boolean(
                    net.get("allow_mcp_servers", False), join(net_param, "allow_mcp_servers")
                ),
            }
    if obj.get("packages") is not None:
        pkg_param = join(param, "packages")
        pkgs = require_object(obj["packages"], pkg_param)
        managers = ("apt", "cargo", "gem", "go", "npm", "pip")
        check_fields(pkgs, pkg_param, {"type", *managers})
        if "type" in pkgs:
            one_of(pkgs["type"], join(pkg_param, "type"), ("packages",))
        out["packages"] = {
            "type": "packages",
            **{
                m: string_list(pkgs.get(m) or [], join(pkg_param, m), max_items=500, max_len=256)
                for m in managers
            },
        }
    return out


ENVIRONMENT_FIELDS = {"name", "description", "config", "metadata", "scope"}


def environment_create(body: Any) -> dict[str, Any]:
    obj = require_object(body, None)
    check_fields(obj, "", ENVIRONMENT_FIELDS, ("name",))
    scope = obj.get("scope")
    return {
        "name": string(obj["name"], "name", min_len=1, max_len=MAX_NAME),
        "description": optional_string(obj.get("description"), "description", max_len=1024) or "",
        "config": environment_config(obj.get("config")),
        "scope": DEFAULT_ENVIRONMENT_SCOPE if scope is None else one_of(scope, "scope", ENVIRONMENT_SCOPES),
        "metadata": plain_metadata(obj.get("metadata")),
    }


def environment_update(body: Any, current: Mapping[str, Any]) -> dict[str, Any]:
    obj = require_object(body, None)
    check_fields(obj, "", ENVIRONMENT_FIELDS)
    out: dict[str, Any] = {}
    if "name" in obj:
        out["name"] = string(obj["name"], "name", min_len=1, max_len=MAX_NAME)
    if "description" in obj:
        out["description"] = optional_string(obj["description"], "description", max_len=1024) or ""
    if "config" in obj:
        out["config"] = environment_config(obj["config"])
    if obj.get("scope") is not None:
        out["scope"] = one_of(obj["scope"], "scope", ENVIRONMENT_SCOPES)
    if "metadata" in obj:
        out["metadata"] = plain_metadata(obj["metadata"], current.get("metadata"))
    return out


def vault_credential(value: Any, param: str) -> dict[str, Any]:
    """The stored credential: ``access_token`` is write-only and never kept."""
    obj = require_object(value, param)
    check_fields(
        obj,
        param,
        {"mcp_server_url", "protocol", "type", "access_token"},
        ("mcp_server_url", "type", "access_token"),
    )
    url = string(obj["mcp_server_url"], join(param, "mcp_server_url"), min_len=1, max_len=2048)
    if not re.match(r"^https?://", url):
        raise invalid(
            join(param, "mcp_server_url"), f"{join(param, 'mcp_server_url')} must be an http(s) URL."
        )
    string(obj["access_token"], join(param, "access_token"), min_len=1, max_len=8192)
    return {
        "mcp_server_url": url,
        "protocol": one_of(
            obj.get("protocol", "streamable_http"), join(param, "protocol"), ("sse", "streamable_http")
        ),
        "type": one_of(obj["type"], join(param, "type"), ("static_bearer",)),
    }


def vault_create(body: Any) -> dict[str, Any]:
    obj = require_object(body, None)
    check_fields(obj, "", {"display_name", "credentials", "metadata"}, ("display_name",))
    creds = [] if obj.get("credentials") is None else array(obj["credentials"], "credentials", max_items=50)
    return {
        "display_name": string(obj["display_name"], "display_name", min_len=1, max_len=255),
        "credentials": [vault_credential(c, join("credentials", i)) for i, c in enumerate(creds)],
        "metadata": plain_metadata(obj.get("metadata")),
    }


# --- vault credentials (the sub-resource /vaults/{id}/credentials) ------------------------------

CREDENTIAL_AUTH_TYPES = ("static_bearer", "mcp_oauth", "environment_variable")
TOKEN_ENDPOINT_AUTH_TYPES = ("none", "client_secret_basic", "client_secret_post")
_ENV_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_SECRET = 8192


def _url(value: Any, param: str) -> str:
    url = string(value, param, min_len=1, max_len=2048)
    if not re.match(r"^https?://", url):
        raise invalid(param, f"{param} must be an http(s) URL.")
    return url


def _secret(value: Any, param: str) -> None:
    """Write-only values are checked, never kept: nothing can echo what was never stored."""
    string(value, param, min_len=1, max_len=MAX_SECRET)


def _timestamp(value: Any, param: str) -> str | None:
    if value is None:
        return None
    text = string(value, param, min_len=1)
    try:
        datetime_value = parse_time(text)
    except ValueError as exc:
        raise invalid(param, f"{param} must be an RFC 3339 timestamp (got {text!r}).") from exc
    return fmt_seconds(datetime_value)


def _token_endpoint_auth(value: Any, param: str, *, update: bool) -> dict[str, Any]:
    obj = require_object(value, param)
    if "type" not in obj:
        raise invalid(join(param, "type"), f"Missing required field: {join(param, 'type')}")
    kind = one_of(obj["type"], join(param, "type"), TOKEN_ENDPOINT_AUTH_TYPES)
    if kind == "none":
        check_fields(obj, param, {"type"})
    else:
        check_fields(obj, param, {"type", "client_secret"}, () if update else ("client_secret",))
        if obj.get("client_secret") is not None or not update:
            _secret(obj["client_secret"], join(param, "client_secret"))
    return {"type": kind}


def _oauth_refresh(value: Any, param: str) -> dict[str, Any]:
    obj = require_object(value, param)
    check_fields(
        obj,
        param,
        {"client_id", "refresh_token", "token_endpoint", "token_endpoint_auth", "resource", "scope"},
        ("client_id", "refresh_token", "token_endpoint", "token_endpoint_auth"),
    )
    _secret(obj["refresh_token"], join(param, "refresh_token"))
    return {
        "client_id": string(obj["client_id"], join(param, "client_id"), min_len=1, max_len=1024),
        "token_endpoint": _url(obj["token_endpoint"], join(param, "token_endpoint")),
        "token_endpoint_auth": _token_endpoint_auth(
            obj["token_endpoint_auth"], join(param, "token_endpoint_auth"), update=False
        ),
        "resource": optional_string(obj.get("resource"), join(param, "resource"), max_len=2048),
        "scope": optional_string(obj.get("scope"), join(param, "scope"), max_len=2048),
    }


def _credential_networking(value: Any, param: str) -> dict[str, Any]:
    obj = require_object(value, param)
    if "type" not in obj:
        raise invalid(join(param, "type"), f"Missing required field: {join(param, 'type')}")
    kind = one_of(obj["type"], join(param, "type"), ("unrestricted", "limited"))
    if kind == "unrestricted":
        check_fields(obj, param, {"type"})
        return {"type": kind}
    check_fields(obj, param, {"type", "allowed_hosts"}, ("allowed_hosts",))
    hosts = string_list(obj["allowed_hosts"], join(param, "allowed_hosts"), max_items=256, max_len=253)
    return {"type": kind, "allowed_hosts": hosts}


def _injection_location(value: Any, param: str) -> dict[str, Any] | None:
    if value is None:
        return None
    obj = require_object(value, param)
    check_fields(obj, param, {"body", "header"})
    return {k: None if obj.get(k) is None else boolean(obj[k], join(param, k)) for k in ("body", "header")}


def credential_auth(value: Any, param: str = "auth") -> dict[str, Any]:
    """The stored (and echoed) ``auth`` of a new credential: every secret is dropped."""
    obj = require_object(value, param)
    if "type" not in obj:
        raise invalid(join(param, "type"), f"Missing required field: {join(param, 'type')}")
    kind = one_of(obj["type"], join(param, "type"), CREDENTIAL_AUTH_TYPES)
    if kind == "static_bearer":
        check_fields(obj, param, {"type", "token", "mcp_server_url", "protocol"}, ("token", "mcp_server_url"))
        _secret(obj["token"], join(param, "token"))
        return {
            "type": kind,
            "mcp_server_url": _url(obj["mcp_server_url"], join(param, "mcp_server_url")),
            "protocol": one_of(
                obj.get("protocol") or "streamable_http", join(param, "protocol"), ("sse", "streamable_http")
            ),
        }
    if kind == "mcp_oauth":
        check_fields(
            obj,
            param,
            {"type", "access_token", "mcp_server_url", "expires_at", "refresh"},
            ("access_token", "mcp_server_url"),
        )
        _secret(obj["access_token"], join(param, "access_token"))
        return {
            "type": kind,
            "mcp_server_url": _url(obj["mcp_server_url"], join(param, "mcp_server_url")),
            "expires_at": _timestamp(obj.get("expires_at"), join(param, "expires_at")),
            "refresh": None
            if obj.get("refresh") is None
            else _oauth_refresh(obj["refresh"], join(param, "refresh")),
        }
    check_fields(
        obj,
        param,
        {"type", "secret_name", "secret_value", "networking", "injection_location"},
        ("secret_name", "secret_value", "networking"),
    )
    name = string(obj["secret_name"], join(param, "secret_name"), min_len=1, max_len=256)
    if not _ENV_VAR_NAME.fullmatch(name):
        raise invalid(
            join(param, "secret_name"),
            f"{join(param, 'secret_name')} must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*).",
        )
    _secret(obj["secret_value"], join(param, "secret_value"))
    return {
        "type": kind,
        "secret_name": name,
        "networking": _credential_networking(obj["networking"], join(param, "networking")),
        "injection_location": _injection_location(
            obj.get("injection_location"), join(param, "injection_location")
        ),
    }


def credential_auth_update(value: Any, current: Mapping[str, Any], param: str = "auth") -> dict[str, Any]:
    """Apply an ``auth`` update to the stored one. The type is fixed; secrets are checked, not kept."""
    obj = require_object(value, param)
    if "type" not in obj:
        raise invalid(join(param, "type"), f"Missing required field: {join(param, 'type')}")
    kind = one_of(obj["type"], join(param, "type"), CREDENTIAL_AUTH_TYPES)
    if kind != current["type"]:
        raise invalid(
            join(param, "type"),
            f"{join(param, 'type')} cannot change from {current['type']!r} to {kind!r}; "
            "create a new credential instead.",
        )
    out = dict(current)
    if kind == "static_bearer":
        check_fields(obj, param, {"type", "token"})
        if obj.get("token") is not None:
            _secret(obj["token"], join(param, "token"))
        return out
    if kind == "mcp_oauth":
        check_fields(obj, param, {"type", "access_token", "expires_at", "refresh"})
        if obj.get("access_token") is not None:
            _secret(obj["access_token"], join(param, "access_token"))
        if "expires_at" in obj:
            out["expires_at"] = _timestamp(obj["expires_at"], join(param, "expires_at"))
        if obj.get("refresh") is not None:
            refresh_param = join(param, "refresh")
            refresh = require_object(obj["refresh"], refresh_param)
            check_fields(refresh, refresh_param, {"refresh_token", "scope", "token_endpoint_auth"})
            if out.get("refresh") is None:
                raise invalid(refresh_param, f"{refresh_param}: this credential has no refresh settings.")
            merged = dict(out["refresh"])
            if refresh.get("refresh_token") is not None:
                _secret(refresh["refresh_token"], join(refresh_param, "refresh_token"))
            if "scope" in refresh:
                merged["scope"] = optional_string(
                    refresh["scope"], join(refresh_param, "scope"), max_len=2048
                )
            if refresh.get("token_endpoint_auth") is not None:
                merged["token_endpoint_auth"] = _token_endpoint_auth(
                    refresh["token_endpoint_auth"], join(refresh_param, "token_endpoint_auth"), update=True
                )
            out["refresh"] = merged
        return out
    check_fields(obj, param, {"type", "secret_value", "injection_location", "networking"})
    if obj.get("secret_value") is not None:
        _secret(obj["secret_value"], join(param, "secret_value"))
    if obj.get("networking") is not None:
        out["networking"] = _credential_networking(obj["networking"], join(param, "networking"))
    if "injection_location" in obj:
        out["injection_location"] = _injection_location(
            obj["injection_location"], join(param, "injection_location")
        )
    return out


def credential_create(body: Any) -> dict[str, Any]:
    obj = require_object(body, None)
    check_fields(obj, "", {"auth", "display_name", "metadata"}, ("auth",))
    return {
        "display_name": optional_string(obj.get("display_name"), "display_name", max_len=255),
        "auth": credential_auth(obj["auth"]),
        "metadata": plain_metadata(obj.get("metadata")),
    }


def credential_update(body: Any, current: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The changed fields, and whether a secret was rotated (which changes nothing we echo)."""
    obj = require_object(body, None)
    check_fields(obj, "", {"auth", "display_name", "metadata"})
    out: dict[str, Any] = {}
    rotated = False
    if "display_name" in obj:
        out["display_name"] = optional_string(obj["display_name"], "display_name", max_len=255)
    if obj.get("auth") is not None:
        out["auth"] = credential_auth_update(obj["auth"], current["auth"])
        auth = obj["auth"]
        refresh = auth.get("refresh") if isinstance(auth.get("refresh"), dict) else {}
        endpoint_auth = refresh.get("token_endpoint_auth") if isinstance(refresh, dict) else None
        rotated = any(auth.get(k) is not None for k in ("token", "access_token", "secret_value")) or bool(
            refresh.get("refresh_token") is not None
            or (isinstance(endpoint_auth, dict) and endpoint_auth.get("client_secret") is not None)
        )
    if "metadata" in obj:
        out["metadata"] = plain_metadata(obj["metadata"], current.get("metadata"))
    return out, rotated


def inline_credential_auth(stored: Mapping[str, Any]) -> dict[str, Any]:
    """A credential given inline on ``POST /vaults`` as the sub-resource stores its ``auth``."""
    return {
        "type": "static_bearer",
        "mcp_server_url": stored["mcp_server_url"],
        "protocol": stored["protocol"],
    }
