"""Every output a program reads is typed, and the int ones arrive as ints.

The outputs' annotations live on a base of each resource class, where the SDK does not evaluate
them again per resource (``resources/deployment/resource.py``); only the int-typed ones stay on the
class itself, because protobuf carries every number as a double and the SDK turns one back into an
int only when the resource class's own annotation says ``int``.
"""

from __future__ import annotations

import typing
from typing import Any

import pulumi
import pytest

from pulumi_qoder import Agent, Deployment, Environment, Vault, VaultCredential
from pulumi_qoder.resources.agent.check import OUTPUT_KEYS as AGENT_OUTPUTS
from pulumi_qoder.resources.deployment.check import COMPUTED_INPUT_KEYS, INPUT_KEYS, OUTPUT_KEYS

from .conftest import run_json

PROGRAM = """
import asyncio
import json

import pulumi

class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return [args.name + "-id", {**args.inputs, "agent_version": 3, "consecutive_failures": 2,
                                    "version": 4, "upcoming_runs_at": ["2026-01-01T09:00:00Z"]}]

    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Mocks(), preview=False)
from pulumi_qoder import Agent, Deployment, Environment

agent = Agent("bot", name="bot", model="ultimate")
env = Environment("sandbox", name="sandbox")
dep = Deployment("daily", name="daily", agent=agent.id, environment_id=env.id,
                 schedule={"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
                 initial_events=[{"type": "user.message", "content": "hi"}], metadata={"team": "a"})
loop = asyncio.get_event_loop()
values = {
    "agent_version": loop.run_until_complete(dep.agent_version.future()),
    "consecutive_failures": loop.run_until_complete(dep.consecutive_failures.future()),
    "version": loop.run_until_complete(agent.version.future()),
    "upcoming_runs_at": loop.run_until_complete(dep.upcoming_runs_at.future()),
    "metadata": loop.run_until_complete(dep.metadata.future()),
}
print(json.dumps({k: [v, type(v).__name__] for k, v in values.items()}))
"""


def test_int_outputs_arrive_as_ints_and_the_others_unchanged() -> None:
    seen: dict[str, Any] = run_json(PROGRAM)
    assert seen["agent_version"] == [3, "int"]
    assert seen["consecutive_failures"] == [2, "int"]
    assert seen["version"] == [4, "int"]
    assert seen["upcoming_runs_at"] == [["2026-01-01T09:00:00Z"], "list"]
    assert seen["metadata"][0]["team"] == "a"


def _output_hints(cls: type[Any]) -> dict[str, Any]:
    return {
        k: h
        # resolved as a type checker would, across the MRO (the SDK's bases name pulumi's own types)
        for k, h in typing.get_type_hints(cls, localns={**vars(pulumi), "T": typing.TypeVar("T")}).items()
        if typing.get_origin(h) is pulumi.Output
    }


def test_type_checkers_see_every_deployment_output_with_its_type() -> None:
    hints = _output_hints(Deployment)
    declared = {*INPUT_KEYS, *COMPUTED_INPUT_KEYS, *OUTPUT_KEYS} - {"adopt_id"}
    assert declared - hints.keys() == set()
    assert hints["agent_version"] == pulumi.Output[int]
    assert hints["upcoming_runs_at"] == pulumi.Output[list[str]]
    assert hints["description"] == pulumi.Output[str | None]


@pytest.mark.parametrize("kind", [Agent, Environment, Vault, VaultCredential])
def test_every_kind_types_its_outputs(kind: type[Any]) -> None:
    hints = _output_hints(kind)
    assert {"created_at", "updated_at", "archived_at", "profile"} <= hints.keys()
    if kind is Agent:
        assert set(AGENT_OUTPUTS) <= hints.keys()
        assert hints["version"] == pulumi.Output[int]
