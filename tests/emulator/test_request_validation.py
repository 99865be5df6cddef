"""Request bodies are validated by the ``wire`` models /openapi.json documents, and a failure reads
like Qoder's: a 400 whose ``param`` is the field path as sent and whose message says the rule.
(The contract suite, tests/contract, checks the ``param`` of 651 bodies against the provider.)
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from qoder_emulator.testing import EmulatorHandle

USER = {"type": "user.message", "content": "hi"}
DEPLOYMENT = {"name": "d", "agent": "agent_x", "environment_id": "env_x", "initial_events": [USER]}


def rejection(response: httpx.Response) -> tuple[str | None, str]:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    return error.get("param"), error["message"]


def test_every_documented_request_body_is_the_model_that_validates_it(
    emu: EmulatorHandle, client: httpx.Client
) -> None:
    """Each route's documented body forbids undeclared fields, and the route does reject one: the
    schema published and the validation served are the same declaration."""
    doc = httpx.get(emu.root_url + "/openapi.json").json()
    prefix = emu.flavor.api_prefixes[0]
    checked = []
    for path, item in doc["paths"].items():
        body = item.get("post", {}).get("requestBody")
        if body is None or not path.startswith(prefix):
            continue
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert doc["components"]["schemas"][ref]["additionalProperties"] is False, ref
        url = re.sub(r"\{[a-z_]+\}", "missing", path[len(prefix) :])
        assert rejection(client.post(url, json={"zz": 1})) == ("zz", "Unknown field: zz"), path
        checked.append(ref)
    assert {"DeploymentCreate", "AgentUpdate", "CredentialUpdate", "EmptyBody"} <= set(checked)


@pytest.mark.parametrize(
    ("path", "body", "param", "message"),
    [
        ("/deployments", None, None, "The request body must be a JSON object."),
        (
            "/deployments",
            {**DEPLOYMENT, "initial_events": [{"type": "user.message", "content": 7}]},
            "initial_events[0].content",
            "initial_events[0].content must be a string or an array of content blocks (got int).",
        ),
        (
            "/deployments",
            {
                **DEPLOYMENT,
                "initial_events": [USER, {"type": "system.message", "content": [{"type": "image"}]}],
            },
            "initial_events[1].content[0].type",
            "initial_events[1].content[0].type must be one of 'text' (got 'image').",
        ),
        (
            "/deployments",
            {
                **DEPLOYMENT,
                "initial_events": [{"type": "system.message", "content": [{"type": "text", "text": "x"}]}],
            },
            "initial_events",
            "initial_events must contain a user.message or user.define_outcome event to start the run.",
        ),
        (
            "/deployments",
            {**DEPLOYMENT, "schedule": {"type": "cron", "expression": "0 9 * * *"}},
            "schedule.timezone",
            "Missing required field: schedule.timezone",
        ),
        (
            "/deployments",
            {**DEPLOYMENT, "resources": [{"url": "https://github.com/a/b"}]},
            "resources[0].type",
            "Missing required field: resources[0].type",
        ),
        (
            "/deployments",
            {
                **DEPLOYMENT,
                "resources": [
                    {
                        "type": "github_repository",
                        "url": "https://github.com/a/b",
                        "authorization_token": "t",
                        "checkout": {"type": "commit", "sha": "main"},
                    }
                ],
            },
            "resources[0].checkout.sha",
            "resources[0].checkout.sha must be 7-64 hex digits.",
        ),
        (
            "/deployments",
            {**DEPLOYMENT, "vault_ids": ["vault_a", "vault_a"]},
            "vault_ids[1]",
            "vault_ids[1]: duplicate vault id vault_a.",
        ),
        ("/deployments", {**DEPLOYMENT, "name": 5}, "name", "name must be a string."),
        (
            "/deployments",
            {**DEPLOYMENT, "budget": {"type": "limit"}},
            "budget.max_credit_cost",
            "Missing required field: budget.max_credit_cost",
        ),
        ("/deployments/dep_x", {"agent": None}, "agent", "agent cannot be null."),
        (
            "/agents",
            {"name": "a", "model": "m", "tools": [{"mcp_server_name": "gh"}]},
            "tools[0].type",
            "Missing required field: tools[0].type",
        ),
        (
            "/agents",
            {"name": "a", "model": "m", "skills": [{"type": "custom"}]},
            "skills[0].skill_id",
            "Missing required field: skills[0].skill_id",
        ),
        (
            "/agents",
            {"name": "a", "model": "m", "mcp_servers": [{"type": "stdio", "name": "gh"}]},
            "mcp_servers[0].type",
            "mcp_servers[0].type must be one of 'url' (got 'stdio').",
        ),
        (
            "/agents",
            {"name": "a", "model": "m", "multiagent": {"type": "coordinator", "agents": [{"type": "robot"}]}},
            "multiagent.agents[0].type",
            "multiagent.agents[0].type must be one of 'agent', 'self', 'advisor' (got 'robot').",
        ),
        ("/agents/agent_x", {"version": True}, "version", "version must be an integer."),
        (
            "/environments",
            {"name": "e", "config": {"type": "self_hosted", "networking": {"type": "unrestricted"}}},
            "config.networking",
            "Unknown field: config.networking",
        ),
        (
            "/environments",
            {"name": "e", "config": {"networking": {"type": "limited", "allowed_hosts": "a.com"}}},
            "config.networking.allowed_hosts",
            "config.networking.allowed_hosts must be an array.",
        ),
        (
            "/vaults/vault_x/credentials",
            {
                "auth": {
                    "type": "environment_variable",
                    "secret_name": "1X",
                    "secret_value": "v",
                    "networking": {"type": "unrestricted"},
                }
            },
            "auth.secret_name",
            "auth.secret_name must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*).",
        ),
        (
            "/vaults/vault_x/credentials/vcred_x",
            {"auth": {"type": "mcp_oauth", "refresh": {"token_endpoint_auth": {"type": "basic"}}}},
            "auth.refresh.token_endpoint_auth.type",
            "auth.refresh.token_endpoint_auth.type must be one of 'none', 'client_secret_basic', "
            "'client_secret_post' (got 'basic').",
        ),
    ],
)
def test_a_rejected_body_names_the_field_path_and_the_rule(
    client: httpx.Client, path: str, body: Any, param: str | None, message: str
) -> None:
    response = client.post(path, json=body) if body is not None else client.post(path)
    assert rejection(response) == (param, message)


def test_an_accepted_body_is_stored_as_sent_with_its_defaults(client: httpx.Client) -> None:
    """Validation returns the body as sent: content stays a string, blocks stay blocks, and the
    defaults the docs give are filled in (not pydantic's ``None`` for every omitted field)."""
    agent = client.post(
        "/agents",
        json={
            "name": "a",
            "model": {"id": "m"},
            "skills": [{"type": "custom", "skill_id": "s", "version": "2"}],
        },
    ).json()
    assert agent["model"] == {"id": "m"} and agent["skills"] == [
        {"type": "custom", "skill_id": "s", "version": "2"}
    ]
    env = client.post("/environments", json={"name": "e"}).json()
    blocks = [{"type": "text", "text": "go"}]
    created = client.post(
        "/deployments",
        json={
            **DEPLOYMENT,
            "agent": agent["id"],
            "environment_id": env["id"],
            "initial_events": [USER, {"type": "user.message", "content": blocks}],
            "resources": [{"type": "file", "file_id": "file_1"}],
        },
    )
    assert created.status_code == 200, created.text
    deployment = created.json()
    assert [e["content"] for e in deployment["initial_events"]] == ["hi", blocks]
    assert deployment["resources"] == [
        {"type": "file", "file_id": "file_1", "mount_path": "/mnt/session/uploads/file_1"}
    ]
    assert env["config"] == {"type": "cloud"} and env["scope"] == "account"
