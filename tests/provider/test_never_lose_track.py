"""Never lose track of an object (issue 10, section 3): refresh and destroy drop an object from
state only on the API's own, believable answer. Against the emulator on loopback, and a real
HTTP server on loopback for the wrong-server (HTML) case."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from pulumi_qoder.agent import AgentProvider
from pulumi_qoder.core import objects
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.dynamic import DynamicProvider
from pulumi_qoder.environment import EnvironmentProvider
from pulumi_qoder.errors import QoderAPIError, QoderError
from pulumi_qoder.vault import VaultProvider

from .conftest import Target, api_calls, deployment_props

OTHER_TOKEN = "other-token"  # a second emulator account (see the emulator fixture)


def created(provider: DynamicProvider, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    check = provider.check({}, props)
    assert check.failures == []
    result = provider.create(check.inputs or {})
    return result.id, result.outs or {}


@pytest.fixture
def stack(emulator_target: Target, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, dict[str, Any]]]:
    """One object of each kind, created with the right credentials."""
    monkeypatch.setenv("QODER_BASE_URL", emulator_target.base_url)
    monkeypatch.setenv("QODER_PAT", emulator_target.token)
    name = emulator_target.unique("lt")
    return {
        "deployment": created(DeploymentProvider(), deployment_props(emulator_target)),
        "agent": created(AgentProvider(), {"name": name, "model": "ultimate"}),
        "environment": created(EnvironmentProvider(), {"name": name}),
        "vault": created(VaultProvider(), {"display_name": name}),
    }


PROVIDERS: dict[str, type[DynamicProvider]] = {
    "deployment": DeploymentProvider,
    "agent": AgentProvider,
    "environment": EnvironmentProvider,
    "vault": VaultProvider,
}


def fresh_process() -> None:
    """Forget what this process has seen (each engine command starts a new provider process)."""
    objects._SEEN.clear()


def test_wrong_url_path_fails_refresh_and_destroy_and_keeps_every_object(
    stack: dict[str, tuple[str, dict[str, Any]]], emulator_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The base URL without /api/v1/cloud: the server answers a JSON 404 "No route for ...".
    root = emulator_target.base_url.removesuffix("/api/v1/cloud")
    monkeypatch.setenv("QODER_BASE_URL", root)
    fresh_process()
    for kind, (id_, outs) in stack.items():
        provider = PROVIDERS[kind]()
        with pytest.raises(
            QoderAPIError, match=r"404 not_found_error: No route for .*\(GET http://127"
        ) as err:
            provider.read(id_, outs)
        assert not err.value.is_not_found
        with pytest.raises(QoderAPIError, match="No route"):
            provider.delete(id_, outs)
    with emulator_target.api() as api:
        for kind, (id_, _) in stack.items():
            body = api.get(f"/{kind}s/{id_}").json()
            assert body["id"] == id_ and body.get("archived_at") is None, kind


def test_wrong_account_fails_loudly_naming_url_and_token_source(
    stack: dict[str, tuple[str, dict[str, Any]]], emulator_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QODER_PAT", OTHER_TOKEN)
    fresh_process()
    for kind, (id_, outs) in stack.items():
        provider = PROVIDERS[kind]()
        with pytest.raises(QoderError) as err:
            provider.read(id_, outs)
        line = str(err.value)
        assert line.startswith(
            f"{kind} {id_} was not found at {emulator_target.base_url}/{kind}s with the token from QODER_PAT;"
        )
        assert "\n" not in line and err.value.hint and "state is unchanged" in err.value.hint
        with pytest.raises(QoderError, match="was not found at"):
            provider.delete(id_, outs)
    with emulator_target.api() as api:
        for kind, (id_, _) in stack.items():
            assert api.get(f"/{kind}s/{id_}").json().get("archived_at") is None, kind


class HtmlNotFound(BaseHTTPRequestHandler):
    """A web server that is not the Qoder API: every path is an HTML 404 page."""

    def _answer(self) -> None:
        page = (
            b"<html><head><title>Not Found</title></head><body><h1>Not Found</h1>"
            + b"." * 300
            + b"</body></html>"
        )
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def html_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HtmlNotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1/cloud"
    server.shutdown()
    server.server_close()


def test_html_404_fails_refresh_loudly_with_a_summary(
    stack: dict[str, tuple[str, dict[str, Any]]], html_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QODER_BASE_URL", html_server)
    fresh_process()
    for kind, (id_, outs) in stack.items():
        with pytest.raises(QoderAPIError) as err:
            PROVIDERS[kind]().read(id_, outs)
        line = str(err.value)
        assert line == (
            f'Qoder API 404 http_error: the server answered an HTML page titled "Not Found", not the '
            f"Qoder API's JSON (GET {html_server}/{kind}s/{id_})"
        )
        assert err.value.hint == f"is {html_server} (from QODER_BASE_URL) the Qoder API's base URL?"


def test_manual_archive_reads_as_gone(
    stack: dict[str, tuple[str, dict[str, Any]]], emulator_target: Target
) -> None:
    fresh_process()
    with emulator_target.api() as api:
        for kind in ("deployment", "agent", "environment"):
            id_, _ = stack[kind]
            assert api.post(f"/{kind}s/{id_}/archive").status_code == 200
    for kind in ("deployment", "agent", "environment"):
        id_, outs = stack[kind]
        assert PROVIDERS[kind]().read(id_, outs).id == "", kind
    # Destroying what was archived by hand is done, without an error.
    DeploymentProvider().delete(*stack["deployment"])


def test_manual_delete_reads_as_gone_once_a_sibling_confirms_the_credentials(
    stack: dict[str, tuple[str, dict[str, Any]]], emulator_target: Target
) -> None:
    emu = emulator_target.emulator
    assert emu is not None
    with emulator_target.api() as api:
        for kind in ("environment", "vault"):
            assert api.delete(f"/{kind}s/{stack[kind][0]}").status_code == 200
    fresh_process()
    emu.clear_requests()
    # The deployment (a sibling) reads back with these credentials: the deletions are believed.
    assert DeploymentProvider().read(*stack["deployment"]).id == stack["deployment"][0]
    for kind in ("environment", "vault"):
        assert PROVIDERS[kind]().read(*stack[kind]).id == "", kind
    # One read each (a 404 right after our own write is retried as a possibly stale replica), and
    # no probe: the deployment read already showed these credentials see this stack.
    env, vault = stack["environment"][0], stack["vault"][0]
    assert sorted(set(api_calls(emu))) == [
        f"GET /deployments/{stack['deployment'][0]}",
        f"GET /environments/{env}",
        f"GET /vaults/{vault}",
    ]
    # Destroy of what was deleted by hand: done.
    VaultProvider().delete(*stack["vault"])


def test_manual_delete_without_any_visible_sibling_is_not_believed(
    stack: dict[str, tuple[str, dict[str, Any]]], emulator_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(objects, "SIBLING_WAIT", 0.2)
    with emulator_target.api() as api:
        assert api.delete(f"/environments/{stack['environment'][0]}").status_code == 200
    fresh_process()
    with pytest.raises(QoderError) as err:
        EnvironmentProvider().read(*stack["environment"])
    assert "no other object of this stack reads back" in str(err.value)
    assert err.value.hint is not None and "`pulumi state delete`" in err.value.hint


def test_a_sibling_probed_while_confirming_another_is_not_thereby_believed_gone(
    stack: dict[str, tuple[str, dict[str, Any]]], emulator_target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The engine reads a refresh's objects in parallel: with another account's token, the twin's
    # read has begun (asked) when the first environment's confirmation probes it and gets a 404.
    # That 404 confirms nothing; the twin's own read must still fail and keep it in state.
    twin = created(EnvironmentProvider(), {"name": emulator_target.unique("twin")})
    monkeypatch.setenv("QODER_PAT", OTHER_TOKEN)
    monkeypatch.setattr(objects, "SIBLING_WAIT", 0.2)
    fresh_process()
    provider = EnvironmentProvider()
    objects._asked(provider.client(), "environments", twin[0])
    with pytest.raises(QoderError, match="no other object of this stack reads back"):
        provider.read(*stack["environment"])
    with pytest.raises(QoderError, match="was not found at"):
        provider.read(*twin)
    with emulator_target.api() as api:
        assert api.get(f"/environments/{twin[0]}").json().get("archived_at") is None
