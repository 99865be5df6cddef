"""Check rules that differ between the two services (``qoder`` and ``cma``; see docs/cma.md).

The kinds' check functions are pure and flavor-blind; the front end says which service the
provider talks to (:func:`use_flavor`, from ``qoder:flavor`` or the base URL, never needing a
token), and the few rules that differ read it here: id prefixes, the ``budget`` shape, inputs only
one service has, metadata the provider reserves, model names. A failure names the property and
the flavor, so a preview against CMA says why a Qoder-only field cannot go there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from .failures import CheckFailure, Failures
from .values import is_unknown

__all__ = [
    "canonical_inputs",
    "check_cma_budget",
    "current_flavor",
    "flavor_failures",
    "id_prefix",
    "use_flavor",
]

_FLAVOR: ContextVar[str] = ContextVar("pulumi_qoder_flavor", default="qoder")
SERVICE = {"qoder": "Qoder", "cma": "Claude Managed Agents"}
# Qoder's documented id prefix -> the same object's prefix on CMA (docs/cma.md, id prefixes row).
_CMA_PREFIXES = {"dep_": "depl_", "vault_": "vlt_", "vcred_": "vcrd_", "sess_": "sesn_"}
# Inputs (by kind, as dotted paths) that only one service has.
_ONLY: dict[str, dict[str, tuple[str, ...]]] = {
    "qoder": {
        "deployment": ("cas_config", "environment_variables", "budget.max_credit_cost"),
        "environment": ("config.setup_script",),
        "agent": ("model.context_window",),
        "vault": ("credentials",),  # CMA: only the credentials sub-resource (VaultCredential)
    },
    "cma": {"deployment": ("budget.max_list_cost",)},
}
CREATE_TOKEN_KEY = "pulumi-create-token"  # written by wire/cma.py; one of CMA's 16 metadata keys
CMA_MAX_USER_METADATA = 15
_CLAUDE_MODEL = re.compile(r"claude-[a-z0-9][a-z0-9.\-]*")


def use_flavor(flavor: str) -> None:
    """Set the service the rules apply to, for this thread of the provider (set per call)."""
    _FLAVOR.set(flavor)


def current_flavor() -> str:
    return _FLAVOR.get()


def id_prefix(prefix: str) -> str:
    """``prefix`` (Qoder's) as the current flavor spells it."""
    return _CMA_PREFIXES.get(prefix, prefix) if _FLAVOR.get() == "cma" else prefix


def _present(news: Mapping[str, Any], path: str) -> bool:
    node: Any = news
    for part in path.split("."):
        if not isinstance(node, Mapping) or node.get(part) is None:
            return False
        node = node[part]
    return True


def flavor_failures(kind: str, news: Mapping[str, Any]) -> list[CheckFailure]:
    """What the current flavor rejects that the flavor-blind check let through."""
    flavor = _FLAVOR.get()
    f = Failures()
    for other, by_kind in _ONLY.items():
        if other == flavor:
            continue
        for path in by_kind.get(kind, ()):
            if _present(news, path):
                f.add(
                    path,
                    f"exists on {SERVICE[other]} only; this provider talks to {SERVICE[flavor]} "
                    f"(qoder:flavor {flavor})",
                )
    if flavor == "cma":
        _cma_metadata(f, news.get("metadata"))
        if kind == "agent":
            _cma_model(f, news.get("model"))
    return f.items


def canonical_inputs(kind: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Inputs as the current service stores them, so reads show no drift. CMA takes message
    content as blocks only: a text ``content`` becomes ``[{"type": "text", "text": ...}]``."""
    if _FLAVOR.get() != "cma" or kind != "deployment":
        return inputs
    events = inputs.get("initial_events")
    if not isinstance(events, list):
        return inputs
    blocks = [
        {**e, "content": [{"type": "text", "text": e["content"]}]}
        if isinstance(e, Mapping) and isinstance(e.get("content"), str) and not is_unknown(e["content"])
        else e
        for e in events
    ]
    return {**inputs, "initial_events": blocks}


def _cma_metadata(f: Failures, metadata: Any) -> None:
    if not isinstance(metadata, Mapping) or is_unknown(metadata):
        return
    if CREATE_TOKEN_KEY in metadata:
        f.add(f"metadata.{CREATE_TOKEN_KEY}", "is reserved: the provider writes it to create exactly once")
    if len(metadata) > CMA_MAX_USER_METADATA:
        f.add(
            "metadata",
            f"must have at most {CMA_MAX_USER_METADATA} keys on Claude Managed Agents (got "
            f"{len(metadata)}): the provider keeps the 16th for {CREATE_TOKEN_KEY}",
        )


def _cma_model(f: Failures, model: Any) -> None:
    name = model.get("id") if isinstance(model, Mapping) else model
    path = "model.id" if isinstance(model, Mapping) else "model"
    if isinstance(name, str) and not is_unknown(name) and not _CLAUDE_MODEL.fullmatch(name):
        f.add(
            path,
            f'"{name}" is not a Claude model id (e.g. "claude-sonnet-4-6"); this provider talks to '
            "Claude Managed Agents (qoder:flavor cma)",
        )


def check_cma_budget(f: Failures, value: Any) -> Any:
    """CMA's ``budget``: ``{"max_list_cost": {"currency": "USD", "amount": "<minor units>"}}``."""
    if is_unknown(value):
        return value
    if not isinstance(value, Mapping):
        f.add("budget", 'must be an object {"max_list_cost": {"currency": "USD", "amount": "500"}}')
        return value
    for key in value:
        if key not in ("type", "max_list_cost", "max_credit_cost"):
            f.add(f"budget.{key}", "is not a field of a budget (expected type, max_list_cost)")
    if value.get("type") not in (None, "limit"):
        f.add("budget.type", f'"{value["type"]}" is not one of limit')
    money = value.get("max_list_cost")
    if money is None:
        if value.get("max_credit_cost") is None:
            f.add("budget.max_list_cost", 'is required ({"currency": "USD", "amount": "<cents>"})')
        return value  # max_credit_cost is reported by flavor_failures
    if is_unknown(money):
        return {"max_list_cost": money}
    if not isinstance(money, Mapping):
        f.add("budget.max_list_cost", 'must be an object {"currency": "USD", "amount": "500"}')
        return value
    for key in money:
        if key not in ("currency", "amount"):
            f.add(f"budget.max_list_cost.{key}", "is not a field (expected currency, amount)")
    if money.get("currency", "USD") != "USD":
        f.add("budget.max_list_cost.currency", f'"{money["currency"]}" is not one of USD')
    amount = money.get("amount")
    if not is_unknown(amount) and (not isinstance(amount, str) or not amount.isdigit() or int(amount) <= 0):
        f.add(
            "budget.max_list_cost.amount", 'must be a positive whole number of cents as a string, e.g. "500"'
        )
    return {"max_list_cost": {"currency": "USD", "amount": amount}}
