"""Preview-time rules of an agent and one canonical spelling of its inputs. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core import fields
from ...core import validators as v
from ...core.failures import CheckFailure, Failures
from ...core.values import is_unknown, plain_news

__all__ = ["INPUT_KEYS", "LIST_KEYS", "OUTPUT_KEYS", "TEXT_KEYS", "check_inputs"]

INPUT_KEYS = (
    "name",
    "model",
    "system",
    "description",
    "tools",
    "mcp_servers",
    "skills",
    "metadata",
    "adopt_id",
)
OUTPUT_KEYS = ("version", "created_at", "updated_at", "archived_at")
LIST_KEYS = ("tools", "mcp_servers", "skills")
TEXT_KEYS = ("system", "description")
# Section 14: skills <= 20. Tools and MCP servers have no documented bound; these are the
# emulator's, generous enough for any real agent and catching runaway generated lists early.
LIST_LIMITS = {"tools": 128, "mcp_servers": 20, "skills": 20}
MAX_TEXT = 100_000

# ------------------------------------------------------------------------------------------------
# check: validation + canonical inputs
# ------------------------------------------------------------------------------------------------


# A model object as the SDK's ``ModelConfigParams`` has it.
MODEL_FIELDS = ("id", "effort", "speed", "context_window", "inference_geo")
EFFORTS = ("low", "medium", "high", "xhigh", "max")
SPEEDS = ("standard", "fast")


def _check_effort(f: Failures, value: Any) -> None:
    path = "model.effort"
    if isinstance(value, str) or is_unknown(value):
        v.one_of(f, path, value, EFFORTS)
    elif not isinstance(value, Mapping):
        v.wrong_type(f, path, value, f'one of {", ".join(EFFORTS)} or an object {{"type": ...}}')
    else:
        v.fields(f, path, value, ("type",), what="an effort")
        v.one_of(f, f"{path}.type", value.get("type"), EFFORTS)


def _check_model(f: Failures, value: Any) -> Any:
    if isinstance(value, str) or is_unknown(value):
        v.string(f, "model", value, min_len=1, max_len=256)
        return value
    if not isinstance(value, Mapping):
        v.wrong_type(f, "model", value, 'a model id string or an object {"id": ...}')
        return value
    v.fields(f, "model", value, MODEL_FIELDS, what="a model")
    if value.get("id") is None:
        f.add("model.id", "is required")
    else:
        v.string(f, "model.id", value["id"], min_len=1, max_len=256)
    if value.get("effort") is not None:
        _check_effort(f, value["effort"])
    if value.get("speed") is not None:
        v.one_of(f, "model.speed", value["speed"], SPEEDS)
    if value.get("context_window") is not None:
        v.integer(f, "model.context_window", value["context_window"], minimum=1)
    if value.get("inference_geo") is not None:
        v.string(f, "model.inference_geo", value["inference_geo"], min_len=1, max_len=64)
    return {k: x for k, x in value.items() if x is not None}


def _check_items(f: Failures, key: str, value: Any) -> Any:
    """A list of API objects, each with a ``type`` (every SDK variant requires one); skills also
    need a ``skill_id``."""
    if not v.is_list(f, key, value, max_items=LIST_LIMITS[key], expected="a list of objects") or is_unknown(
        value
    ):
        return value
    for i, item in enumerate(value):
        path = f"{key}[{i}]"
        if is_unknown(item) or not v.is_mapping(f, path, item) or is_unknown(item):
            continue
        if key == "mcp_servers":  # the SDK's only server kind: URLMCPServerParams, type "url"
            v.one_of(f, f"{path}.type", item.get("type"), ("url",))
        else:
            v.string(f, f"{path}.type", item.get("type"), min_len=1)
        if key == "skills":
            v.string(f, f"{path}.skill_id", item.get("skill_id"), min_len=1)
    return list(value) or None


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate ``news`` and return canonical inputs: secrets unwrapped, numbers as ints, empty
    strings, lists and maps left out (they mean the same as not setting the property)."""
    news = plain_news(news)
    f = Failures()
    fields.unexpected_keys(f, news, INPUT_KEYS, OUTPUT_KEYS)
    out: dict[str, Any] = {}
    if news.get("name") is None:
        f.add("name", "is required")
    else:
        v.string(f, "name", news["name"], min_len=1, max_len=256)
        out["name"] = news["name"]
    if news.get("model") is None:
        f.add("model", 'is required (a model id such as "ultimate", or {"id": ...})')
    else:
        out["model"] = _check_model(f, news["model"])
    for key in TEXT_KEYS:
        if news.get(key) not in (None, ""):
            v.string(f, key, news[key], max_len=MAX_TEXT)
            out[key] = news[key]
    for key in LIST_KEYS:
        if news.get(key) is not None:
            checked = _check_items(f, key, news[key])
            if checked is not None:
                out[key] = checked
    fields.check_metadata_and_adopt_id(f, news, out, "agent_")
    return out, f.items
