"""Under the CMA flavor an unset text field is ``null`` on the wire, as anthropic 2.10.0 types it
(agent ``system``/``description``, deployment and environment ``description``: ``Optional[str] =
None``; the environment's is documented "null when unset"). A client that sends nothing and expects
nothing back (the community Terraform provider does) must not read ``""``. Qoder keeps its
documented ``description: ""``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from qoder_emulator.testing import running_emulator

KEY = "sk-ant-unset-text"
EVENTS = [{"type": "user.message", "content": [{"type": "text", "text": "Report"}]}]


@pytest.fixture(scope="module", params=["cma", "qoder"])
def api(request: pytest.FixtureRequest) -> Iterator[tuple[str, httpx.Client]]:
    with running_emulator(tokens=(KEY,), flavor=request.param) as emu, emu.api() as client:
        yield request.param, client


def created(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def model(flavor: str) -> str:
    return "claude-sonnet-4-6" if flavor == "cma" else "ultimate"


def test_unset_text_fields_read_back_as_cma_types_them(api: tuple[str, httpx.Client]) -> None:
    flavor, client = api
    unset = None if flavor == "cma" else ""
    agent = created(client, "/agents", {"name": "a", "model": model(flavor)})
    env = created(client, "/environments", {"name": "e", "config": {"type": "cloud"}})
    dep = created(
        client,
        "/deployments",
        {"name": "d", "agent": agent["id"], "environment_id": env["id"], "initial_events": EVENTS},
    )
    for doc in (agent, client.get(f"/agents/{agent['id']}").json()):
        assert doc["system"] == unset and doc["description"] == unset, doc
    for doc in (env, client.get(f"/environments/{env['id']}").json()):
        assert doc["description"] == unset, doc
    listed = client.get("/deployments", params={"agent_id": agent["id"]}).json()["data"]
    for doc in (dep, client.get(f"/deployments/{dep['id']}").json(), *listed):
        assert doc["description"] == unset, doc


def test_set_text_round_trips_and_clearing_reads_as_unset(api: tuple[str, httpx.Client]) -> None:
    flavor, client = api
    unset = None if flavor == "cma" else ""
    agent = created(
        client, "/agents", {"name": "b", "model": model(flavor), "system": "Be brief.", "description": "x"}
    )
    assert (agent["system"], agent["description"]) == ("Be brief.", "x")
    env = created(client, "/environments", {"name": "f", "config": {"type": "cloud"}})
    body = {"name": "g", "agent": agent["id"], "environment_id": env["id"], "initial_events": EVENTS}
    dep = created(client, "/deployments", {**body, "description": "nightly"})
    assert dep["description"] == "nightly"
    cleared = created(client, f"/deployments/{dep['id']}", {"description": None})
    assert cleared["description"] == unset
