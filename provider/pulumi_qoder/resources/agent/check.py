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


def _check_model(f: Failures, value: Any) -> Any:
    if isinstance(value, str) or is_unknown(value):
        v.string(f, "model", value, min_len=1, max_len=256)
        return value
    if not isinstance(value, Mapping):
        f.add("model", 'must be a model id string or an object {"id": ...}')
        return value
    extra = set(value) - {"id", "speed"}
    if extra:
        f.add("model", f"unknown field(s) {', '.join(sorted(extra))}; expected id and speed")
    if value.get("id") is None:
        f.add("model.id", "is required")
    else:
        v.string(f, "model.id", value["id"], min_len=1, max_len=256)
    if value.get("speed") is not None:
        v.string(f, "model.speed", value["speed"], min_len=1)
    return {k: x for k, x in value.items() if x is not None}


def _check_items(f: Failures, key: str, value: Any) -> Any:
    """A list of API objects, each with a ``type``; skills also need a ``skill_id``."""
    if not v.is_list(f, key, value, max_items=LIST_LIMITS[key]) or is_unknown(value):
        return value
    for i, item in enumerate(value):
        path = f"{key}[{i}]"
        if is_unknown(item) or not v.is_mapping(f, path, item) or is_unknown(item):
            continue
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
