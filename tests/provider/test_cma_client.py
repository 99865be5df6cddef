"""The provider's Claude Managed Agents wire layer (``wire/cma.py``) against the emulator's CMA
flavor: flavor selection, credentials that never leak in from ANTHROPIC_* variables, and create
exactly once without ``Idempotency-Key`` under the faults that make the bare SDK duplicate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import pytest

from pulumi_qoder.wire.client import QoderClient, client_for
from pulumi_qoder.wire.cma import CREATE_TOKEN_KEY, CmaClient
from pulumi_qoder.wire.config import Credentials, resolve_credentials
from pulumi_qoder.wire.errors import ConfigurationError, QoderAPIError
from pulumi_qoder.wire.flavor import resolve_flavor
from qoder_emulator.testing import EmulatorHandle, running_emulator

TOKEN = "cma-key"
BLOCKS: Any = [{"type": "user.message", "content": [{"type": "text", "text": "report"}]}]
DROP_CREATE = {
    "drop_after_commit": {
        "count": 1,
        "methods": ["POST"],
        "path_regex": r"^/v1/[a-z_]+(/[^/]+/credentials)?$",
    }
}


@pytest.fixture
def emu() -> Iterator[EmulatorHandle]:
    # Unique deployment names off: CMA is not known to enforce them, so nothing but the
    # provider's own lookup can stop a duplicate.
    with running_emulator(tokens=(TOKEN,), flavor="cma", unique_names=False) as handle:
        yield handle


def cma(emu: EmulatorHandle) -> CmaClient:
    creds = resolve_credentials({"qoder:token": TOKEN, "qoder:baseUrl": emu.base_url, "qoder:flavor": "cma"})
    return CmaClient(creds, sleep=lambda _s: None)


def count(emu: EmulatorHandle, path: str) -> int:
    with emu.api() as api:
        return len(api.get(path, params={"limit": 100}).json()["data"])


# -- flavor and credentials ---------------------------------------------------------------------


def test_flavor_from_config_env_or_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QODER_FLAVOR", raising=False)
    monkeypatch.delenv("QODER_BASE_URL", raising=False)
    assert resolve_flavor({}) == ("qoder", "the default")
    assert resolve_flavor({"qoder:baseUrl": "https://api.anthropic.com"})[0] == "cma"
    assert resolve_flavor({"qoder:baseUrl": "https://api.qoder.com/api/v1/cloud"})[0] == "qoder"
    monkeypatch.setenv("QODER_FLAVOR", "cma")
    assert resolve_flavor({}) == ("cma", "QODER_FLAVOR")
    assert resolve_flavor({"qoder:flavor": "qoder"}) == ("qoder", "stack config qoder:flavor")
    with pytest.raises(ConfigurationError, match="qoder:flavor is 'claude': choose one of qoder, cma"):
        resolve_flavor({"qoder:flavor": "claude"})


def test_cma_credentials_come_from_qoder_token_or_anthropic_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QODER_PAT", "QODER_BASE_URL", "QODER_FLAVOR", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    creds = resolve_credentials({"qoder:flavor": "cma"})
    assert (creds.flavor, creds.base_url, creds.token, creds.token_source) == (
        "cma",
        "https://api.anthropic.com",
        "sk-ant-env",
        "ANTHROPIC_API_KEY",
    )
    assert "sk-ant-env" not in repr(creds)
    assert resolve_credentials({"qoder:flavor": "cma", "qoder:token": "sk-cfg"}).token == "sk-cfg"
    # The Qoder flavor never takes Anthropic's key.
    with pytest.raises(ConfigurationError, match="no Qoder token"):
        resolve_credentials({})
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY"):
        resolve_credentials({"qoder:flavor": "cma"})


def test_client_for_picks_the_sdk_per_flavor(emu: EmulatorHandle) -> None:
    cma_creds = Credentials(base_url=emu.base_url, token=TOKEN, flavor="cma")
    qoder_creds = Credentials(base_url="http://127.0.0.1:9/api/v1/cloud", token=TOKEN)
    assert isinstance(client_for(cma_creds), CmaClient)
    assert isinstance(client_for(qoder_creds), QoderClient)


def test_ambient_anthropic_variables_never_leak_in(
    emu: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "ambient-token")
    monkeypatch.setenv("ANTHROPIC_CUSTOM_HEADERS", "x-leak: ambient-secret")
    seen: list[httpx2.Request] = []
    http = httpx2.Client(event_hooks={"request": [seen.append]})
    creds = Credentials(base_url=emu.base_url, token=TOKEN, flavor="cma")
    client = CmaClient(creds, http_client=http)
    agent, _ = client.create_object(
        "agents", {"name": "a", "model": "claude-sonnet-4-6"}, idempotency_key="k"
    )
    assert agent["id"].startswith("agent_")
    assert seen and all(str(r.url).startswith(emu.base_url) for r in seen)
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in seen)
    assert all("x-leak" not in r.headers for r in seen)


# -- create exactly once --------------------------------------------------------------------------


def _refs(client: CmaClient) -> dict[str, Any]:
    agent, _ = client.create_object(
        "agents", {"name": "a", "model": "claude-sonnet-4-6"}, idempotency_key="ka"
    )
    env, _ = client.create_object("environments", {"name": "e"}, idempotency_key="ke")
    return {"agent": agent["id"], "environment_id": env["id"]}


def test_the_bare_sdk_duplicates_under_commit_then_drop(emu: EmulatorHandle) -> None:
    """The control: what the provider's create must not do (the SDK re-sends the POST)."""
    refs = _refs(cma(emu))
    emu.set_faults(DROP_CREATE)
    sdk = anthropic.Anthropic(api_key=TOKEN, base_url=emu.base_url, max_retries=2)
    sdk.beta.deployments.create(name="twice", initial_events=BLOCKS, **refs)
    assert count(emu, "/deployments") == 2


@pytest.mark.parametrize(
    ("collection", "body", "listing"),
    [
        ("deployments", {"name": "daily-report", "initial_events": BLOCKS}, "/deployments"),
        ("agents", {"name": "reporter", "model": "claude-sonnet-4-6"}, "/agents"),
        ("environments", {"name": "sandbox"}, "/environments"),
        ("vaults", {"display_name": "shared"}, "/vaults"),
    ],
)
def test_create_once_under_commit_then_drop(
    emu: EmulatorHandle, collection: str, body: dict[str, Any], listing: str
) -> None:
    client = cma(emu)
    refs = _refs(client)
    if collection == "deployments":
        body = {**body, **refs}
    before = count(emu, listing)
    emu.set_faults(DROP_CREATE)
    emu.clear_requests()
    obj, adopted = client.create_object(collection, body, idempotency_key="pulumi-qoder-abc")
    assert adopted  # the answer was lost; the object was found by its token
    assert count(emu, listing) == before + 1
    assert CREATE_TOKEN_KEY not in (obj.get("metadata") or {})
    posts = [r for r in emu.requests() if r["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["status"] is None  # dropped, never re-sent


def test_credential_create_once_under_commit_then_drop(emu: EmulatorHandle) -> None:
    client = cma(emu)
    vault, _ = client.create_object("vaults", {"display_name": "v"}, idempotency_key="kv")
    emu.set_faults(DROP_CREATE)
    auth = {"type": "static_bearer", "token": "secret", "mcp_server_url": "https://mcp.example.com/mcp"}
    obj, adopted = client.create_object(
        f"vaults/{vault['id']}/credentials", {"auth": auth}, idempotency_key="kc"
    )
    assert adopted and obj["id"].startswith("vcrd_")
    assert count(emu, f"/vaults/{vault['id']}/credentials") == 1


def test_create_after_a_5xx_that_committed_adopts(emu: EmulatorHandle) -> None:
    client = cma(emu)
    refs = _refs(client)
    emu.set_faults(
        {
            "server_error": {
                "status": 503,
                "after_commit": True,
                "count": 1,
                "methods": ["POST"],
                "path_regex": "/v1/deployments$",
            }
        }
    )
    obj, adopted = client.create_object(
        "deployments", {"name": "d", "initial_events": BLOCKS, **refs}, idempotency_key="k5"
    )
    assert adopted and count(emu, "/deployments") == 1
    assert obj["name"] == "d"


def test_a_5xx_that_did_not_commit_is_posted_again(emu: EmulatorHandle) -> None:
    client = cma(emu)
    refs = _refs(client)
    emu.set_faults(
        {"server_error": {"status": 503, "count": 1, "methods": ["POST"], "path_regex": "/v1/deployments$"}}
    )
    obj, adopted = client.create_object(
        "deployments", {"name": "d", "initial_events": BLOCKS, **refs}, idempotency_key="k6"
    )
    assert not adopted and count(emu, "/deployments") == 1
    assert obj["id"].startswith("depl_")


def test_a_rerun_after_a_crash_adopts_without_posting(emu: EmulatorHandle) -> None:
    client = cma(emu)
    refs = _refs(client)
    body = {"name": "d", "initial_events": BLOCKS, "metadata": {"team": "ops"}, **refs}
    first, adopted_first = client.create_object("deployments", body, idempotency_key="k7")
    emu.clear_requests()
    again, adopted = client.create_object("deployments", body, idempotency_key="k7")
    assert not adopted_first and adopted and again["id"] == first["id"]
    assert [r["method"] for r in emu.requests()] == ["GET"]  # one list, no POST
    assert again["metadata"] == {"team": "ops"}  # the token never shows


def test_many_creates_list_the_collection_once(emu: EmulatorHandle) -> None:
    """The look-before-POST lists live objects once per process and agent, not once per create
    (it was N listings, in pages growing with N); a token already live is still adopted."""
    client = cma(emu)
    refs = _refs(client)
    leftover, _ = cma(emu).create_object(  # made by an earlier, dead run (another client)
        "deployments", {"name": "d-3", "initial_events": BLOCKS, **refs}, idempotency_key="run-3"
    )
    emu.clear_requests()
    made = [
        client.create_object(
            "deployments", {"name": f"d-{i}", "initial_events": BLOCKS, **refs}, idempotency_key=f"run-{i}"
        )
        for i in range(30)
    ]
    lists = [r for r in emu.requests() if r["method"] == "GET"]
    posts = [r for r in emu.requests() if r["method"] == "POST"]
    assert len(lists) == 2  # the first create's listing, then the adoption's fresh look
    assert len(posts) == 29
    adopted = [obj for obj, was_adopted in made if was_adopted]
    assert [obj["id"] for obj in adopted] == [leftover["id"]]
    assert count(emu, "/deployments") == 30


def test_another_resource_with_the_same_body_gets_its_own_object(emu: EmulatorHandle) -> None:
    client = cma(emu)
    a, _ = client.create_object("vaults", {"display_name": "same"}, idempotency_key="key-of-resource-a")
    b, adopted = client.create_object("vaults", {"display_name": "same"}, idempotency_key="key-of-resource-b")
    assert not adopted and a["id"] != b["id"]


def test_archived_objects_are_not_adopted(emu: EmulatorHandle) -> None:
    client = cma(emu)
    first, _ = client.create_object("vaults", {"display_name": "v"}, idempotency_key="k8")
    client.post_action("vaults", first["id"], "archive")
    second, adopted = client.create_object("vaults", {"display_name": "v"}, idempotency_key="k8")
    assert not adopted and second["id"] != first["id"]


def test_updates_keep_the_token_and_hide_it(emu: EmulatorHandle) -> None:
    client = cma(emu)
    vault, _ = client.create_object(
        "vaults", {"display_name": "v", "metadata": {"a": "1"}}, idempotency_key="k9"
    )
    updated = client.update_object("vaults", vault["id"], {"metadata": {"a": None, "b": "2"}})
    assert updated["metadata"] == {"b": "2"}
    assert client.get_object("vaults", vault["id"])["metadata"] == {"b": "2"}
    with emu.api() as api:
        stored = api.get(f"/vaults/{vault['id']}").json()["metadata"]
    assert stored == {"b": "2", CREATE_TOKEN_KEY: "k9"}
    _again, adopted = client.create_object(
        "vaults", {"display_name": "v", "metadata": {"a": "1"}}, idempotency_key="k9"
    )
    assert adopted


# -- reads, lists, errors --------------------------------------------------------------------------


def test_lists_page_with_page_and_answer_the_qoder_envelope_keys(emu: EmulatorHandle) -> None:
    client = cma(emu)
    made = [
        client.create_object("vaults", {"display_name": f"v{i}"}, idempotency_key=f"kl{i}")[0]["id"]
        for i in range(3)
    ]
    first = client.list_objects("vaults", limit=2)
    assert [o["id"] for o in first["data"]] == [made[2], made[1]] and first["has_more"]
    rest = client.list_objects("vaults", limit=2, after_id=first["last_id"])
    assert [o["id"] for o in rest["data"]] == [made[0]] and not rest["has_more"]


def test_runs_of_a_deployment_come_from_deployment_runs(emu: EmulatorHandle) -> None:
    client = cma(emu)
    refs = _refs(client)
    dep, _ = client.create_object(
        "deployments", {"name": "d", "initial_events": BLOCKS, **refs}, idempotency_key="kr"
    )
    client.post_action("deployments", dep["id"], "pause")
    run = client.post_action("deployments", dep["id"], "run")  # allowed while paused on CMA
    listed = client.list_objects(f"deployments/{dep['id']}/runs")
    assert [r["id"] for r in listed["data"]] == [run["id"]]


def test_errors_are_one_line_with_the_request_id(emu: EmulatorHandle) -> None:
    client = cma(emu)
    with pytest.raises(QoderAPIError) as missing:
        client.get_object("deployments", "depl_missing")
    err = missing.value
    assert err.is_not_found and err.request_id and err.request_id.startswith("req_")
    assert f"[request {err.request_id}]" in str(err) and "/v1/deployments/depl_missing" in str(err)
    bad = CmaClient(
        Credentials(base_url=emu.base_url, token="wrong", flavor="cma", token_source="ANTHROPIC_API_KEY")
    )
    with pytest.raises(QoderAPIError) as denied:
        bad.get_object("agents", "agent_x")
    assert denied.value.status == 401 and "ANTHROPIC_API_KEY" in (denied.value.hint or "")
