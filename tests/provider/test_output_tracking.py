"""A resource's own outputs are left to its registration, not to the SDK's shutdown loop.

The SDK drains the outputs it tracks with ``asyncio.wait(every pending one)`` per wake-up, so a
program's CPU grew with outputs x wake-ups; a deployment has ~27 outputs (``dynamic.py``,
``leave_outputs_to_registration``). These run a program in a subprocess under the SDK's mocks
(its own runtime settings), through the real constructors.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pulumi

from .conftest import run_json

PROGRAM = textwrap.dedent(
    """
    import asyncio
    import gc
    import json

    import pulumi
    from pulumi.runtime.settings import SETTINGS

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            if args.name == "refused":
                raise RuntimeError("create refused")
            return [args.name + "-id", {**args.inputs, "status": "active"}]

        def call(self, args):
            return {}

    pulumi.runtime.set_mocks(Mocks(), preview=False)
    from pulumi_qoder import Agent, Deployment, Environment

    agent = Agent("bot", name="bot", model="ultimate")
    env = Environment("sandbox", name="sandbox")
    def deployment(name):
        return Deployment(name, name=name, agent=agent.id, environment_id=env.id,
                          schedule={"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
                          initial_events=[{"type": "user.message", "content": "hi"}])
    dep, refused = deployment("daily"), deployment("refused")
    own = [v for v in vars(dep).values() if isinstance(v, pulumi.Output)]
    derived = dep.status.apply(str.upper)
    own_tracked = sum(o._data in SETTINGS.outputs for o in own)
    derived_tracked = derived._data in SETTINGS.outputs
    loop = asyncio.get_event_loop()
    unhandled = []  # what asyncio would log (e.g. "Task exception was never retrieved")
    loop.set_exception_handler(lambda _loop, context: unhandled.append(context["message"]))
    try:
        loop.run_until_complete(refused.id.future())
        refused_error = None
    except RuntimeError as exc:
        refused_error = str(exc)
    # Nothing holds the refused resource's other outputs now: collected, an unretrieved failed
    # task would make asyncio log "Task exception was never retrieved" with a traceback.
    del refused
    gc.collect()
    loop.run_until_complete(asyncio.sleep(0))
    print(json.dumps({
        "own": len(own),
        "own_tracked": own_tracked,
        "derived_tracked": derived_tracked,
        "derived": loop.run_until_complete(derived.future()),
        "id": loop.run_until_complete(dep.id.future()),
        "name": loop.run_until_complete(dep.name.future()),
        "refused_error": refused_error,
        "unhandled": unhandled,
    }))
    """
)


def test_own_outputs_resolve_through_registration_and_derived_ones_stay_tracked() -> None:
    seen: dict[str, Any] = run_json(PROGRAM)
    assert seen["own"] > 20  # urn, id and every property of a deployment
    assert seen["own_tracked"] == 0
    # What the program builds from them is still awaited before the program ends.
    assert seen["derived_tracked"] is True
    assert (seen["derived"], seen["id"], seen["name"]) == ("ACTIVE", "daily-id", "daily")
    # A failed registration still fails its outputs, with the provider's error.
    assert seen["refused_error"] == "create refused"
    assert not any("never retrieved" in str(m) for m in seen["unhandled"]), seen["unhandled"]


def test_the_pinned_sdk_still_lets_an_output_be_untracked() -> None:
    """Without ``Output._untrack`` the provider silently falls back to the quadratic drain: an SDK
    upgrade that removes it must fail here, not in a benchmark months later."""
    assert callable(getattr(pulumi.Output, "_untrack", None))
