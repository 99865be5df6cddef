"""A program may declare more dynamic resources than Python's recursion limit (1000).

The Pulumi SDK's ``serialize_provider`` wraps pickle's ``_batch_setitems`` once more for every
dynamic resource and never unwraps it, so without the provider's guard a program died in a
``RecursionError`` at about its 980th resource. The program runs in a subprocess under the SDK's
mocks (its own runtime settings), through the real constructors."""

from __future__ import annotations

import subprocess
import sys
import textwrap

COUNT = 1200

PROGRAM = textwrap.dedent(
    f"""
    import pickle
    import sys

    import pulumi

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return [args.name + "-id", args.inputs]

        def call(self, args):
            return {{}}

    pulumi.runtime.set_mocks(Mocks(), preview=False)
    from pulumi_qoder import Agent, Deployment, Environment

    agent = Agent("bot", name="bot", model="ultimate")
    env = Environment("sandbox", name="sandbox")
    before = pickle._Pickler._batch_setitems
    for i in range({COUNT}):
        Deployment(f"dep-{{i}}", name=f"dep-{{i}}", agent=agent.id, environment_id=env.id,
                   schedule={{"expression": f"{{i % 60}} 9 * * *", "timezone": "Asia/Shanghai"}},
                   initial_events=[{{"type": "user.message", "content": f"Report {{i}}"}}])
    assert pickle._Pickler._batch_setitems is before, "pickle left patched"
    print("declared", {COUNT}, "recursion limit", sys.getrecursionlimit())
    """
)


def test_a_program_declares_more_deployments_than_the_recursion_limit() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=600, check=False
    )
    assert "RecursionError" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    *_, declared, _, _, limit = result.stdout.split()
    assert int(declared) == COUNT > int(limit)  # more resources than stack frames allowed
