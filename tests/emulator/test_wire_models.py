"""``wire.py`` tells the truth about what the emulator answers: one of every response shape,
produced on purpose (not left to the fuzzer's luck), validated against the model /openapi.json
publishes for it. The models forbid undeclared fields, so a field served but not declared fails.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel

from qoder_emulator import wire
from qoder_emulator.testing import EmulatorHandle

BLOCKS = [{"type": "user.message", "content": [{"type": "text", "text": "go"}]}]


def ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def check(model: type[BaseModel], body: Any) -> None:
    model.model_validate(body)


class Sent:
    """Posts a body after checking it against the request model /openapi.json documents for it:
    what the validators accept, the published request schema must accept too."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def post(self, path: str, model: type[BaseModel], body: dict[str, Any]) -> Any:
        model.model_validate(body)
        return ok(self.client.post(path, json=body))


def test_every_response_shape_matches_its_wire_model(emu: EmulatorHandle, client: httpx.Client) -> None:
    sent = Sent(client)
    helper = sent.post("/agents", wire.AgentCreate, {"name": "helper", "model": "ultimate"})
    agent = sent.post(
        "/agents",
        wire.AgentCreate,
        {
            "name": "lead",
            "model": {"id": "claude-opus-4-8", "effort": {"type": "high"}, "speed": "fast"},
            "multiagent": {"type": "coordinator", "agents": [helper["id"], {"type": "self"}]},
            "tools": [{"type": "agent_toolset_20260401"}],
            "metadata": {"team": "ops"},
        },
    )
    updated = sent.post(f"/agents/{agent['id']}", wire.AgentUpdate, {"system": "Be brief."})
    env = sent.post(
        "/environments",
        wire.EnvironmentCreate,
        {
            "name": "net",
            "scope": "organization",
            "config": {
                "type": "cloud",
                "setup_script": "make",
                "networking": {"type": "limited", "allowed_hosts": ["example.com"]},
                "packages": {"pip": ["httpx"]},
            },
        },
    )
    bare_env = sent.post("/environments", wire.EnvironmentCreate, {"name": "bare"})
    inline = {"mcp_server_url": "https://m.example.com", "type": "static_bearer", "access_token": "t"}
    vault = sent.post("/vaults", wire.VaultCreate, {"display_name": "keys", "credentials": [inline]})
    credentials = [
        sent.post(f"/vaults/{vault['id']}/credentials", wire.CredentialCreate, {"auth": auth})
        for auth in (
            {"type": "static_bearer", "token": "t", "mcp_server_url": "https://a.example.com"},
            {
                "type": "mcp_oauth",
                "access_token": "a",
                "mcp_server_url": "https://b.example.com",
                "expires_at": "2026-07-01T00:00:00Z",
                "refresh": {
                    "client_id": "c",
                    "refresh_token": "r",
                    "token_endpoint": "https://auth.example.com/token",
                    "token_endpoint_auth": {"type": "client_secret_basic", "client_secret": "s"},
                },
            },
            {
                "type": "environment_variable",
                "secret_name": "TOKEN",
                "secret_value": "v",
                "networking": {"type": "unrestricted"},
            },
        )
    ]
    deployment = sent.post(
        "/deployments",
        wire.DeploymentCreate,
        {
            "name": "full",
            "agent": {"type": "agent", "id": agent["id"], "version": 1},
            "environment_id": env["id"],
            "vault_ids": [vault["id"]],
            "schedule": {"type": "cron", "expression": "0 * * * *", "timezone": "UTC"},
            "initial_events": [
                {"type": "system.message", "content": [{"type": "text", "text": "rules"}]},
                {"type": "user.message", "content": "plain text"},
                {
                    "type": "user.define_outcome",
                    "description": "a report",
                    "rubric": {"type": "text", "content": "complete"},
                },
            ],
            "resources": [
                {
                    "type": "github_repository",
                    "url": "https://github.com/o/r",
                    "authorization_token": "g",
                },
                {"type": "file", "file_id": "file_1"},
                {"type": "memory_store", "memory_store_id": "mem_1"},
            ],
            "metadata": {"team": "ops", "cas_config": {"config": {"max_retries": 1}}},
            "budget": {"type": "limit", "max_credit_cost": "9.99"},
            "environment_variables": "A=1",
        },
    )
    manual = ok(client.post(f"/deployments/{deployment['id']}/run"))
    paused = ok(client.post(f"/deployments/{deployment['id']}/pause"))
    active = ok(client.post(f"/deployments/{deployment['id']}/unpause"))
    ok(client.post(f"/environments/{env['id']}/archive"))
    emu.advance(3600)  # the scheduled run fails (environment archived) and auto-pauses, with a retry
    auto_paused = ok(client.get(f"/deployments/{deployment['id']}"))
    assert auto_paused["paused_reason"]["type"] == "error"
    runs = ok(client.get(f"/deployments/{deployment['id']}/runs"))
    assert {r["status"] for r in runs["data"]} == {"completed", "failed"}

    checks: list[tuple[type[BaseModel], Any]] = [
        (wire.Agent, helper),
        (wire.Agent, agent),
        (wire.Agent, updated),
        (wire.Page[wire.Agent], ok(client.get(f"/agents/{agent['id']}/versions"))),
        (wire.Page[wire.Agent], ok(client.get("/agents", params={"include_archived": "true"}))),
        (wire.Environment, env),
        (wire.Environment, bare_env),
        (wire.Page[wire.Environment], ok(client.get("/environments", params={"include_archived": "true"}))),
        (wire.Vault, vault),
        (wire.Page[wire.Vault], ok(client.get("/vaults"))),
        *((wire.Credential, c) for c in credentials),
        (wire.Page[wire.Credential], ok(client.get(f"/vaults/{vault['id']}/credentials"))),
        (
            wire.Credential,
            ok(client.post(f"/vaults/{vault['id']}/credentials/{credentials[0]['id']}/archive")),
        ),
        (wire.Deployment, deployment),
        (wire.Deployment, paused),
        (wire.Deployment, active),
        (wire.Deployment, auto_paused),
        (wire.Page[wire.Deployment], ok(client.get("/deployments", params={"include_archived": "true"}))),
        (wire.DeploymentRun, manual),
        (wire.Page[wire.DeploymentRun], runs),
        (
            wire.Page[wire.DeploymentRun],
            ok(client.get("/deployment_runs", params={"before_id": manual["id"]})),
        ),
        (wire.Deployment, ok(client.post(f"/deployments/{deployment['id']}/archive"))),
        (wire.Deleted, ok(client.delete(f"/vaults/{vault['id']}/credentials/{credentials[1]['id']}"))),
        (wire.Deleted, ok(client.delete(f"/environments/{bare_env['id']}"))),
        (wire.Deleted, ok(client.delete(f"/vaults/{vault['id']}"))),
    ]
    for model, body in checks:
        check(model, body)
    error = client.post("/deployments", json={"name": ""})
    assert error.status_code == 400
    check(wire.ErrorEnvelope, error.json())
