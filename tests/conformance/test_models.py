"""The emulator's JSON against qca-sdk's typed response models, read from the SDK itself.

For each model: every field it declares is present in the response (null allowed), and pydantic
validation of the model (the SDK's strict mode) accepts it. One documented exception: Qoder's
``metadata.cas_config`` object on deployments, which the SDK models as a string map
(docs/emulator.md, "qca-sdk and the Qoder docs").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter
from qca.common._models import BaseModel as SdkModel
from qca.common.pagination import SyncPage
from qca.managed.types.agent import Agent
from qca.managed.types.credential import Credential
from qca.managed.types.deleted_credential import DeletedCredential
from qca.managed.types.deleted_vault import DeletedVault
from qca.managed.types.deployment import Deployment
from qca.managed.types.deployment_run import DeploymentRun
from qca.managed.types.environment import Environment
from qca.managed.types.environment_delete_response import EnvironmentDeleteResponse
from qca.managed.types.vault import Vault

from qoder_emulator.testing import EmulatorHandle

from .conftest import TOKENS

BLOCKS = [{"type": "user.message", "content": [{"type": "text", "text": "go"}]}]


@pytest.fixture(scope="module")
def api(emu: EmulatorHandle) -> Iterator[httpx.Client]:
    with emu.api(TOKENS[0]) as client:
        yield client


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def samples(api: httpx.Client) -> dict[str, tuple[type[SdkModel], dict[str, Any]]]:
    """One real response per SDK model, from the emulator's routes."""
    agent = ok(api.post("/agents", json={"name": "m", "model": {"id": "claude-opus-4-8", "speed": "fast"}}))
    env = ok(api.post("/environments", json={"name": "m"}))
    vault = ok(api.post("/vaults", json={"display_name": "m"}))
    credential = ok(
        api.post(
            f"/vaults/{vault['id']}/credentials",
            json={"auth": {"type": "static_bearer", "token": "t", "mcp_server_url": "https://m.example.com"}},
        )
    )
    deployment = ok(
        api.post(
            "/deployments",
            json={
                "name": "m",
                "agent": agent["id"],
                "environment_id": env["id"],
                "initial_events": BLOCKS,
                "schedule": {"type": "cron", "expression": "0 9 * * *", "timezone": "UTC"},
                "budget": {"type": "limit", "max_credit_cost": "5"},
            },
        )
    )
    run = ok(api.post(f"/deployments/{deployment['id']}/run"))
    paused = ok(api.post(f"/deployments/{deployment['id']}/pause"))
    other_env = ok(api.post("/environments", json={"name": "gone"}))
    other_vault = ok(api.post("/vaults", json={"display_name": "gone"}))
    return {
        "agent": (Agent, agent),
        "agent version": (Agent, ok(api.get(f"/agents/{agent['id']}/versions"))["data"][0]),
        "environment": (Environment, env),
        "vault": (Vault, vault),
        "credential": (Credential, credential),
        "deployment": (Deployment, deployment),
        "paused deployment": (Deployment, paused),
        "run": (DeploymentRun, run),
        "deleted credential": (
            DeletedCredential,
            ok(api.delete(f"/vaults/{vault['id']}/credentials/{credential['id']}")),
        ),
        "deleted environment": (
            EnvironmentDeleteResponse,
            ok(api.delete(f"/environments/{other_env['id']}")),
        ),
        "deleted vault": (DeletedVault, ok(api.delete(f"/vaults/{other_vault['id']}"))),
    }


def without_cas_config(body: dict[str, Any]) -> dict[str, Any]:
    metadata = {k: v for k, v in body["metadata"].items() if k != "cas_config"}
    return {**body, "metadata": metadata}


NAMES = [
    "agent",
    "agent version",
    "environment",
    "vault",
    "credential",
    "deployment",
    "paused deployment",
    "run",
    "deleted credential",
    "deleted environment",
    "deleted vault",
]


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_field_is_served_and_validates(
    samples: dict[str, tuple[type[SdkModel], dict[str, Any]]], name: str
) -> None:
    model, body = samples[name]
    model.model_rebuild()
    declared = {field.alias or key for key, field in model.model_fields.items()}
    assert declared - set(body) == set(), f"{model.__name__} fields the emulator does not serve"
    if model is Deployment:
        with pytest.raises(ValueError, match=r"metadata\.cas_config"):
            TypeAdapter(model).validate_python(body)
        body = without_cas_config(body)
    TypeAdapter(model).validate_python(body)


@pytest.mark.parametrize(
    ("path", "model"), [("/agents", Agent), ("/vaults", Vault), ("/deployment_runs", DeploymentRun)]
)
def test_list_envelope_validates_as_the_sdk_page(api: httpx.Client, path: str, model: type[SdkModel]) -> None:
    page = ok(api.get(path, params={"limit": 1}))
    declared = set(SyncPage.model_fields)
    assert declared <= set(page)
    parsed = TypeAdapter(SyncPage[model]).validate_python(page)  # type: ignore[valid-type]
    assert len(parsed.data) == 1 and parsed.has_more is not None
