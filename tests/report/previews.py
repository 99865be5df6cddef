"""Build `pulumi preview --json` documents in the engine's exact shape (PreviewDigest / ResourceV3).

The layout mirrors what engine v3.274.1 printed for the captured files in ``fixtures/``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

STACK = "urn:pulumi:dev::gitops::pulumi:pulumi:Stack::gitops-dev"
PROVIDER = (
    "urn:pulumi:dev::gitops::pulumi:providers:pulumi-python::default::0b5d2a43-6a61-4a1f-8d0e-9f6f1b0f7d11"
)
DEPLOYMENT = "pulumi-python:dynamic/qoder:Deployment"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def urn(name: str, type_: str = DEPLOYMENT) -> str:
    return f"urn:pulumi:dev::gitops::{type_}::{name}"


def inputs(
    name: str,
    expression: str | None = "0 9 * * *",
    timezone: str = "Asia/Shanghai",
    *,
    agent: Any = "agt_triage",
    **more: Any,
) -> dict[str, Any]:
    """Deployment inputs as the provider's check() stores them."""
    schedule = None if expression is None else {"expression": expression, "timezone": timezone}
    props: dict[str, Any] = {
        "__provider": "<pickled provider>",
        "name": name,
        "agent": agent,
        "environment_id": "env_1",
        "desired_status": "active",
        "schedule": schedule,
        "metadata": {"team": "[secret]"},
    }
    props.update(more)
    return props


def _state(name: str, props: dict[str, Any], *, with_id: bool, type_: str = DEPLOYMENT) -> dict[str, Any]:
    state: dict[str, Any] = {"urn": urn(name, type_), "custom": True, "type": type_}
    if with_id:
        state["id"] = f"dep_{name}"
    state["inputs"] = props
    state["outputs"] = {**props, "status": "active", "id": f"dep_{name}"} if with_id else {}
    state.update(
        parent=STACK,
        provider=PROVIDER,
        propertyDependencies={key: [] for key in props},
    )
    return state


def step(
    op: str,
    name: str,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    *,
    type_: str = DEPLOYMENT,
) -> dict[str, Any]:
    """One PreviewStep; ``diffReasons``/``detailedDiff`` are derived the way the engine reports them."""
    entry: dict[str, Any] = {"op": op, "urn": urn(name, type_), "provider": PROVIDER}
    if old is not None:
        entry["oldState"] = _state(name, old, with_id=True, type_=type_)
    if new is not None:
        entry["newState"] = _state(name, new, with_id=op != "create", type_=type_)
    if old is not None and new is not None and op != "same":
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        entry["diffReasons" if op == "update" else "replaceReasons"] = changed
        entry["detailedDiff"] = {k: {"kind": "update", "inputDiff": True} for k in changed}
    else:
        entry["detailedDiff"] = None
    return entry


def digest(*steps: dict[str, Any], hidden_same: int = 0) -> str:
    """A full preview document; ``hidden_same`` counts unchanged resources left out (no --show-sames)."""
    root = {
        "op": "same",
        "urn": STACK,
        "oldState": {"urn": STACK, "custom": False, "type": "pulumi:pulumi:Stack"},
        "newState": {"urn": STACK, "custom": False, "type": "pulumi:pulumi:Stack"},
        "detailedDiff": None,
    }
    counts = Counter(s["op"] for s in (root, *steps))
    counts["same"] += hidden_same
    return json.dumps(
        {
            "config": {"gitops:env": "dev"},
            "steps": [root, *steps],
            "duration": 1_250_000_000,
            "changeSummary": dict(counts),
        },
        indent=4,
    )
