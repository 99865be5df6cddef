"""Preview-time rules of a deployment (every documented API rule) and one canonical spelling of
its inputs: ``check_inputs``. Pure: no Pulumi, no network.

Rules and defaults: shared/api/deployments-api.md sections 4, 10, 11, 12.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...core import fields
from ...core import validators as v
from ...core.failures import CheckFailure, Failures
from ...core.flavor_rules import check_cma_budget, current_flavor
from ...core.values import UNKNOWN, contains_unknown, is_unknown, plain_news

__all__ = [
    "COMPUTED_INPUT_KEYS",
    "INPUT_KEYS",
    "MANUAL_ONLY",
    "OUTPUT_KEYS",
    "SECRET_OUTPUTS",
    "canonical_resource",
    "check_inputs",
    "schedule_summary",
]

INPUT_KEYS = (
    "name",
    "description",
    "agent",
    "environment_id",
    "schedule",
    "initial_events",
    "resources",
    "vault_ids",
    "metadata",
    "cas_config",
    "environment_variables",
    "budget",
    "desired_status",
    "adopt_id",
)
COMPUTED_INPUT_KEYS = ("schedule_summary",)
OUTPUT_KEYS = (
    "status",
    "paused_reason",
    "consecutive_failures",
    "agent_version",
    "upcoming_runs_at",
    "last_run_at",
    "created_at",
    "updated_at",
    "archived_at",
)
# Secret in state as an input and an output whatever the program says (dotenv text carries
# secrets); the native provider reads this, the dynamic resource marks it in its constructor.
SECRET_OUTPUTS = ["environment_variables"]
MANUAL_ONLY = "manual only"
EVENT_TYPES = ("user.message", "user.define_outcome", "system.message")
STARTING_EVENT_TYPES = ("user.message", "user.define_outcome")
CAS_DEFAULTS: dict[str, Any] = {
    "session_strategy": "new_session",
    "max_retries": 0,
    "timeout_ms": 300000,
    "max_concurrent": 1,
}
CAS_CONFIG_KEYS = ("max_retries", "timeout_ms", "max_concurrent")
# Not documented; the emulator's contract (kept equal so preview fails where apply would).
CAS_LIMITS = {"max_retries": (0, 10), "timeout_ms": (1000, 86_400_000), "max_concurrent": (1, 100)}
DEFINE_OUTCOME_DEFAULT_ITERATIONS = 3
MEMORY_STORE_DEFAULT_ACCESS = "read_write"
CHECKOUT_FIELDS: dict[str, tuple[str, ...]] = {"branch": ("type", "name"), "commit": ("type", "sha")}
RESOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "github_repository": ("type", "url", "authorization_token", "mount_path", "checkout"),
    "file": ("type", "file_id", "mount_path"),
    "memory_store": ("type", "memory_store_id", "access", "instructions"),
}


def _default_mount_path(resource: Mapping[str, Any]) -> str | None:
    """The mount path the API picks when none is given, so that spelling it out is no change."""
    if resource.get("type") == "github_repository" and isinstance(resource.get("url"), str):
        repo = resource["url"].rstrip("/").rsplit("/", 1)[-1]
        return f"/workspace/{repo.removesuffix('.git')}"
    if resource.get("type") == "file" and isinstance(resource.get("file_id"), str):
        return f"/mnt/session/uploads/{resource['file_id']}"
    return None


# ------------------------------------------------------------------------------------------------
# check: validation + canonical inputs
# ------------------------------------------------------------------------------------------------


def _canonical_expression(expression: str) -> str:
    import qoder_cron  # croniter loads only when a schedule is checked

    return qoder_cron.canonical_expression(expression)


def _check_agent(f: Failures, value: Any) -> Any:
    if isinstance(value, str) or is_unknown(value):
        v.id_with_prefix(f, "agent", value, "agent_")
        return value
    if not isinstance(value, Mapping):
        v.wrong_type(f, "agent", value, 'an agent id string or an object {"id": ..., "version": N}')
        return value
    v.fields(f, "agent", value, ("type", "id", "version"), what="a pinned agent")
    if "type" in value:
        v.one_of(f, "agent.type", value["type"], ("agent",))
    if "id" not in value:
        f.add("agent.id", "is required")
        return value
    v.id_with_prefix(f, "agent.id", value["id"], "agent_")
    if value.get("version") is None:
        return value["id"]  # {id} alone means the same as the bare id: latest version
    v.integer(f, "agent.version", value["version"], minimum=1)
    return {"id": value["id"], "version": value["version"]}


def _check_schedule(f: Failures, value: Any) -> Any:
    if value is None or is_unknown(value):
        return value
    if not v.is_mapping(f, "schedule", value, expected="an object {expression, timezone}"):
        return value
    v.fields(f, "schedule", value, ("type", "expression", "timezone"), what="a schedule")
    if "type" in value:
        v.one_of(f, "schedule.type", value["type"], ("cron",))
    out = {}
    for key in ("expression", "timezone"):
        if key not in value:
            f.add(f"schedule.{key}", "is required when a schedule is given (omit schedule for manual-only)")
    expr = value.get("expression")
    if "expression" in value and v.cron_expression(f, "schedule.expression", expr):
        out["expression"] = expr if is_unknown(expr) else _canonical_expression(expr)
    tz = value.get("timezone")
    if "timezone" in value and v.iana_timezone(f, "schedule.timezone", tz):
        out["timezone"] = tz
    return out


# Content blocks and their sources (fact sheet section 10; SDK ``*BlockParam``, ``*SourceParam``).
BLOCK_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("type", "text"),
    "image": ("type", "source"),
    "document": ("type", "source", "title", "context"),
    "redacted": ("type",),
}
SOURCE_FIELDS: dict[str, tuple[str, ...]] = {
    "base64": ("media_type", "data"),
    "text": ("media_type", "data"),
    "url": ("url",),
    "file": ("file_id",),
}
SOURCE_TYPES = {"image": ("base64", "url", "file"), "document": ("base64", "text", "url", "file")}
RUBRIC_FIELDS: dict[str, tuple[str, ...]] = {"text": ("type", "content"), "file": ("type", "file_id")}
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "user.message": ("type", "content"),
    "system.message": ("type", "content"),
    "user.define_outcome": ("type", "description", "rubric", "max_iterations"),
}


def _check_source(f: Failures, path: str, value: Any, block: str) -> None:
    kinds = SOURCE_TYPES[block]
    if is_unknown(value) or not v.is_mapping(
        f, path, value, expected=f"an object with a type ({', '.join(kinds)})"
    ):
        return
    kind = value.get("type")
    if not v.one_of(f, f"{path}.type", kind, kinds) or is_unknown(kind):
        return
    v.fields(f, path, value, ("type", *SOURCE_FIELDS[kind]), what=f"a {kind} source")
    for key in SOURCE_FIELDS[kind]:
        v.string(f, f"{path}.{key}", value.get(key), min_len=1)


def _check_block(f: Failures, path: str, block: Any, allowed: tuple[str, ...]) -> None:
    if is_unknown(block) or not v.is_mapping(f, path, block, expected="a content block object"):
        return
    kind = block.get("type")
    if not v.one_of(f, f"{path}.type", kind, allowed) or is_unknown(kind):
        return
    v.fields(f, path, block, BLOCK_FIELDS[kind], what=f"a {kind} block")
    if kind == "text":
        v.string(f, f"{path}.text", block.get("text"), min_len=1)
    elif kind in SOURCE_TYPES:
        _check_source(f, f"{path}.source", block.get("source"), kind)
    for key in ("title", "context"):
        if kind == "document" and block.get(key) is not None:
            v.string(f, f"{path}.{key}", block[key])


def _check_content(f: Failures, path: str, value: Any, *, system: bool) -> None:
    """A user message's content is a string or a list of content blocks; a system message's is a
    list of text blocks only (SDK ``SystemMessageEventParams``; fact sheet section 10)."""
    if is_unknown(value):
        return
    if isinstance(value, str) and not system:
        v.string(f, path, value, min_len=1)
        return
    expected = "a list of text blocks" if system else "a string or a list of content blocks"
    if not v.is_list(f, path, value, min_items=1, expected=expected):
        return
    allowed = ("text",) if system else tuple(BLOCK_FIELDS)
    for i, block in enumerate(value):
        _check_block(f, f"{path}[{i}]", block, allowed)


def _check_rubric(f: Failures, path: str, rubric: Any) -> None:
    if rubric is None:
        f.add(path, "is required for user.define_outcome")
        return
    expected = 'an object {"type": "text", "content": ...} or {"type": "file", "file_id": ...}'
    if not v.is_mapping(f, path, rubric, expected=expected) or is_unknown(rubric):
        return
    kind = rubric.get("type")
    if not v.one_of(f, f"{path}.type", kind, tuple(RUBRIC_FIELDS)) or is_unknown(kind):
        return
    v.fields(f, path, rubric, RUBRIC_FIELDS[kind], what=f"a {kind} rubric")
    if kind == "text":
        v.string(f, f"{path}.content", rubric.get("content"), min_len=1, max_len=262144)
    else:
        v.string(f, f"{path}.file_id", rubric.get("file_id"), min_len=1, max_len=128)


def _check_event(f: Failures, path: str, event: Any) -> Any:
    if is_unknown(event) or not v.is_mapping(f, path, event, expected="an event object"):
        return event
    kind = event.get("type")
    if not v.one_of(f, f"{path}.type", kind, EVENT_TYPES) or is_unknown(kind):
        return event
    v.fields(f, path, event, EVENT_FIELDS[kind], what=f"a {kind} event")
    if kind in ("user.message", "system.message"):
        _check_content(f, f"{path}.content", event.get("content"), system=kind == "system.message")
        return dict(event)
    out = dict(event)
    v.string(f, f"{path}.description", event.get("description"), min_len=1)
    _check_rubric(f, f"{path}.rubric", event.get("rubric"))
    if event.get("max_iterations") is not None:
        v.integer(f, f"{path}.max_iterations", event["max_iterations"], minimum=1, maximum=20)
        if event["max_iterations"] == DEFINE_OUTCOME_DEFAULT_ITERATIONS:
            del out["max_iterations"]  # the API default: spelling it out is no change
    return out


def _check_events(f: Failures, value: Any) -> Any:
    if value is None:
        f.add("initial_events", "is required (1-50 events delivered to the agent on each run)")
        return value
    if is_unknown(value) or not v.is_list(
        f, "initial_events", value, min_items=1, max_items=50, expected="a list of events"
    ):
        return value
    before = len(f.items)
    events = [_check_event(f, f"initial_events[{i}]", e) for i, e in enumerate(value)]
    kinds = [e.get("type") for e in events if isinstance(e, Mapping)]
    # Only once every event is valid: a broken event's type says nothing about the run's start.
    if (
        len(f.items) == before
        and not contains_unknown(value)
        and not any(k in STARTING_EVENT_TYPES for k in kinds)
    ):
        f.add("initial_events", "must include a user.message or user.define_outcome event to start each run")
    return events


def canonical_resource(resource: Mapping[str, Any]) -> dict[str, Any]:
    """One spelling of a resource: known fields only, API defaults left out."""
    kind = resource.get("type")
    keys = RESOURCE_FIELDS.get(kind, tuple(resource)) if isinstance(kind, str) else tuple(resource)
    out = {k: resource[k] for k in keys if resource.get(k) is not None}
    if out.get("mount_path") is not None and out.get("mount_path") == _default_mount_path(out):
        del out["mount_path"]
    if kind == "memory_store" and out.get("access") == MEMORY_STORE_DEFAULT_ACCESS:
        del out["access"]
    return out


def _check_resource(f: Failures, path: str, res: Any) -> Any:
    if is_unknown(res) or not v.is_mapping(f, path, res, expected="a resource object") or is_unknown(res):
        return res
    kind = res.get("type")
    if not v.one_of(f, f"{path}.type", kind, tuple(RESOURCE_FIELDS)) or is_unknown(kind):
        return res
    v.fields(f, path, res, RESOURCE_FIELDS[kind], what=f"a {kind} resource")
    if kind == "github_repository":
        url = res.get("url")
        if (
            v.string(f, f"{path}.url", url, min_len=1, max_len=2048)
            and not is_unknown(url)
            and not url.startswith(("https://", "http://"))
        ):
            f.add(f"{path}.url", f'"{url}" must be an http(s) URL')
        if res.get("authorization_token") is None:
            f.add(f"{path}.authorization_token", "is required for a github_repository resource")
        else:
            v.string(f, f"{path}.authorization_token", res["authorization_token"], min_len=1, max_len=4096)
        checkout = res.get("checkout")
        if (
            checkout is not None
            and v.is_mapping(f, f"{path}.checkout", checkout, expected="an object (branch or commit)")
            and not is_unknown(checkout)
            and v.one_of(f, f"{path}.checkout.type", checkout.get("type"), tuple(CHECKOUT_FIELDS))
            and not is_unknown(checkout["type"])
        ):
            v.fields(f, f"{path}.checkout", checkout, CHECKOUT_FIELDS[checkout["type"]], what="a checkout")
            if checkout.get("type") == "branch":
                v.string(f, f"{path}.checkout.name", checkout.get("name"), min_len=1, max_len=255)
            else:
                sha = checkout.get("sha")
                if (
                    v.string(f, f"{path}.checkout.sha", sha, min_len=7, max_len=64)
                    and not is_unknown(sha)
                    and any(c not in "0123456789abcdefABCDEF" for c in sha)
                ):
                    f.add(f"{path}.checkout.sha", f'"{sha}" must be 7-64 hex digits')
    elif kind == "file":
        v.string(f, f"{path}.file_id", res.get("file_id"), min_len=1, max_len=128)
    else:
        # Any id: the "memstore_" prefix is the Claude API's; Qoder's SDK types it as a plain string.
        v.string(f, f"{path}.memory_store_id", res.get("memory_store_id"), min_len=1, max_len=128)
        if res.get("access") is not None:
            v.one_of(f, f"{path}.access", res["access"], ("read_write", "read_only"))
        if res.get("instructions") is not None:
            v.string(f, f"{path}.instructions", res["instructions"], max_len=4096)
    if res.get("mount_path") is not None:
        v.string(f, f"{path}.mount_path", res["mount_path"], min_len=1, max_len=4096)
    return res if contains_unknown(res) else canonical_resource(res)


def _check_cas_config(f: Failures, value: Any) -> Any:
    if value is None or is_unknown(value) or not v.is_mapping(f, "cas_config", value) or is_unknown(value):
        return value
    v.fields(f, "cas_config", value, tuple(CAS_DEFAULTS), what="cas_config")
    for key, (low, high) in CAS_LIMITS.items():
        if value.get(key) is not None:
            v.integer(f, f"cas_config.{key}", value[key], minimum=low, maximum=high)
    if value.get("session_strategy") is not None:
        v.string(f, "cas_config.session_strategy", value["session_strategy"], min_len=1)
    # Defaults are left out: an explicit default and an omitted field mean the same.
    return {k: x for k, x in value.items() if x is not None and CAS_DEFAULTS.get(k) != x}


def schedule_summary(sched: Any) -> Any:
    """The schedule in words, or ``manual only``; unknown while the schedule is unknown."""
    if sched is None:
        return MANUAL_ONLY
    if contains_unknown(sched) or not isinstance(sched, Mapping):
        return UNKNOWN
    import qoder_cron  # the wording (cron_descriptor) loads only when a schedule is described

    try:
        return qoder_cron.describe(sched["expression"], sched["timezone"])
    except (KeyError, ValueError):
        return f"{sched.get('expression')} ({sched.get('timezone')})"


MAX_ENVIRONMENT_VARIABLES = 65536  # the emulator's bound (the SDK has none)
DOTENV_LINE = re.compile(r"^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=")
CREDITS = re.compile(r"\d{1,12}(\.\d{1,2})?")


def _check_environment_variables(f: Failures, value: Any) -> None:
    """Dotenv text: each line ``KEY=value`` (``export`` allowed), blank or ``#`` comment."""
    path = "environment_variables"
    if not v.string(f, path, value, max_len=MAX_ENVIRONMENT_VARIABLES) or is_unknown(value):
        return
    for number, line in enumerate(value.splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#") and not DOTENV_LINE.match(text):
            # The line itself is not shown: it may hold a secret value.
            f.add(path, f"line {number} is not KEY=VALUE (dotenv text)")


def _check_budget(f: Failures, value: Any) -> Any:
    if current_flavor() == "cma":  # CMA's money shape (core/flavor_rules.py)
        return check_cma_budget(f, value)
    if not v.is_mapping(f, "budget", value, expected='an object {"max_credit_cost": "12.50"}'):
        return value
    if is_unknown(value):
        return value
    v.fields(f, "budget", value, ("type", "max_credit_cost"), what="a budget")
    if value.get("type") is not None:
        v.one_of(f, "budget.type", value["type"], ("limit",))
    cost = value.get("max_credit_cost")
    if cost is None:
        f.add("budget.max_credit_cost", 'is required (Credits as a decimal string, e.g. "12.50")')
    elif (
        v.string(f, "budget.max_credit_cost", cost, min_len=1)
        and not is_unknown(cost)
        and (not CREDITS.fullmatch(cost) or float(cost) <= 0)
    ):
        f.add(
            "budget.max_credit_cost",
            f'"{cost}" must be a positive decimal with at most 12 integer and 2 fractional digits',
        )
    return value if is_unknown(cost) else {"max_credit_cost": cost}


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Validate ``news`` against every documented API rule and return canonical inputs.

    Unknown values pass through unvalidated. Canonical means: secrets unwrapped (the engine keeps
    secretness per key), numbers as ints, cron whitespace collapsed, empty lists/maps and API
    defaults left out, ``desired_status`` defaulted, ``schedule_summary`` computed.
    """
    news = plain_news(news)
    f = Failures()
    for key in news:
        if key in OUTPUT_KEYS:
            f.add(key, "is an output of the deployment and cannot be set")
        elif key not in INPUT_KEYS and key not in COMPUTED_INPUT_KEYS:
            f.add(key, f"is not a Deployment property (expected one of {', '.join(INPUT_KEYS)})")
    out: dict[str, Any] = {}

    if news.get("name") is None:
        f.add("name", "is required")
    else:
        v.string(f, "name", news["name"], min_len=1, max_len=256)
        out["name"] = news["name"]
    if news.get("description") not in (None, ""):
        v.string(f, "description", news["description"], max_len=2048)
        out["description"] = news["description"]
    if news.get("agent") is None:
        f.add("agent", 'is required (an agent id "agent_..." or {"id": ..., "version": N})')
    else:
        out["agent"] = _check_agent(f, news["agent"])
    if news.get("environment_id") is None:
        f.add("environment_id", 'is required (an environment id "env_...")')
    else:
        v.id_with_prefix(f, "environment_id", news["environment_id"], "env_")
        out["environment_id"] = news["environment_id"]
    sched = _check_schedule(f, news.get("schedule"))
    if sched is not None:
        out["schedule"] = sched
    out["initial_events"] = _check_events(f, news.get("initial_events"))

    resources = news.get("resources")
    if resources is not None and v.is_list(
        f, "resources", resources, max_items=500, expected="a list of resource objects"
    ):
        checked = (
            resources
            if is_unknown(resources)
            else [_check_resource(f, f"resources[{i}]", r) for i, r in enumerate(resources)]
        )
        if is_unknown(checked) or checked:
            out["resources"] = checked
    vault_ids = news.get("vault_ids")
    if (
        vault_ids is not None
        and v.string_list(
            f,
            "vault_ids",
            vault_ids,
            max_items=50,
            item=lambda ff, p, x: v.string(ff, p, x, min_len=1, max_len=128),
            expected="a list of vault ids",
        )
        and (is_unknown(vault_ids) or vault_ids)
    ):
        if not contains_unknown(vault_ids):
            for i, vid in enumerate(vault_ids):
                if vault_ids.index(vid) != i:
                    f.add(f"vault_ids[{i}]", f'duplicate vault id "{vid}"')
        out["vault_ids"] = vault_ids
    metadata = news.get("metadata")
    if (
        metadata is not None
        and v.string_map(
            f,
            "metadata",
            metadata,
            reserved={"cas_config": "is reserved: set execution settings with the cas_config input"},
            **fields.METADATA_RULES,
        )
        and (is_unknown(metadata) or metadata)
    ):
        out["metadata"] = metadata
    cas = _check_cas_config(f, news.get("cas_config"))
    if cas is not None and (is_unknown(cas) or cas):
        out["cas_config"] = cas
    if news.get("environment_variables") not in (None, ""):
        _check_environment_variables(f, news["environment_variables"])
        out["environment_variables"] = news["environment_variables"]
    if news.get("budget") is not None:
        out["budget"] = _check_budget(f, news["budget"])
    desired = news.get("desired_status")
    if desired is None:
        out["desired_status"] = "active"
    else:
        v.one_of(f, "desired_status", desired, ("active", "paused"))
        out["desired_status"] = desired
    adopt_id = fields.check_adopt_id(f, news, "dep_")
    if adopt_id is not None:
        out["adopt_id"] = adopt_id
    out["schedule_summary"] = schedule_summary(out.get("schedule"))
    if "initial_events" in out and out["initial_events"] is None:
        del out["initial_events"]
    return out, f.items
