"""Through the real engine (issue 10, sections 3 and 5): refresh and destroy never drop an object
on a lookalike answer, identical resources stay two objects, and every API, transport and
configuration error reaches the user as one line plus at most one hint, with no traceback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import PulumiProject

PROGRAM = """
import pulumi
from pulumi_qoder import Agent, Deployment, Environment

env = Environment("sandbox", name="sandbox")
twin = Environment("sandbox-twin", name="sandbox")  # identical inputs: must be its own object
bot = Agent("reporter", name="reporter", model="ultimate")
daily = Deployment(
    "daily",
    name="daily-report",
    agent=bot.id,
    environment_id=env.id,
    schedule={"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
    initial_events=[{"type": "user.message", "content": "Generate today's status report"}],
)
pulumi.export("ids", [env.id, twin.id, bot.id, daily.id])
"""
QODER_TYPES = ("qoder:Environment", "qoder:Agent", "qoder:Deployment")


class HtmlNotFound(BaseHTTPRequestHandler):
    """Not the Qoder API: every path is an HTML 404 page (a proxy, a wrong host)."""

    def _answer(self) -> None:
        page = (
            b"<html><head><title>Not Found</title></head><body>"
            + b"<p>nothing here</p>" * 30
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
def html_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HtmlNotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1/cloud"
    server.shutdown()
    server.server_close()


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=("test-token", "other-token"), clock="manual") as emu:
        yield emu


def refresh(project: PulumiProject, env: dict[str, str]) -> Any:
    return project.run("refresh", "--yes", "--skip-preview", check=False, env=env)


def destroy(project: PulumiProject, env: dict[str, str]) -> Any:
    return project.run("destroy", "--yes", "--skip-preview", check=False, env=env)


def managed(project: PulumiProject) -> list[str]:
    return sorted(
        r["id"]
        for r in project.export()["deployment"].get("resources", [])
        if r["type"].endswith(QODER_TYPES)
    )


def diagnostic(result: Any, resource: str) -> list[str]:
    """What the engine's Diagnostics section says about ``resource`` (e.g. ``Deployment (daily)``)."""
    text = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in text and 'File "' not in text, text
    section = text.split("Diagnostics:", 1)[1]
    block = section.split(f"pulumi-python:dynamic/qoder:{resource}:", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.strip().splitlines()]


def assert_one_line(result: Any, resource: str, line: str, hint: str | None) -> None:
    """The error is one line (plus the hint, when there is one), nothing else."""
    said = diagnostic(result, resource)
    assert said[0].startswith(f"error: {line}"), said
    assert said[1:] == ([hint] if hint else []), said


def test_refresh_and_destroy_never_lose_track_and_errors_are_one_line(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle, html_url: str
) -> None:
    env = {"QODER_BASE_URL": emulator.base_url, "QODER_PAT": emulator.tokens[0]}
    project = make_project(PROGRAM, env=env)
    project.up()
    env_id, twin_id, agent_id, dep_id = project.outputs()["ids"]
    assert env_id != twin_id  # identical inputs, two declared resources: two objects
    before = managed(project)
    assert len(before) == 4

    # A wrong server answering HTML 404 pages: refresh fails loudly, state kept.
    html = refresh(project, {"QODER_BASE_URL": html_url})
    assert_one_line(
        html,
        "Deployment (daily)",
        'Qoder API 404 http_error: the server answered an HTML page titled "Not Found", not the Qoder API\'s JSON',
        f"is {html_url} (from QODER_BASE_URL) the Qoder API's base URL?",
    )
    assert managed(project) == before

    # The base URL without /api/v1/cloud (the emulator answers a JSON "No route"): same.
    root = emulator.base_url.removesuffix("/api/v1/cloud")
    assert refresh(project, {"QODER_BASE_URL": root}).returncode != 0
    assert managed(project) == before

    # Another account's token: refresh and destroy fail naming the URL and the token's source.
    other = {"QODER_PAT": emulator.tokens[1]}
    wrong = refresh(project, other)
    assert_one_line(
        wrong,
        "Deployment (daily)",
        f"deployment {dep_id} was not found at {emulator.base_url}/deployments with the token from QODER_PAT;",
        "state is unchanged: fix qoder:token / qoder:baseUrl (or QODER_PAT / QODER_BASE_URL) and run again",
    )
    assert managed(project) == before
    assert destroy(project, other).returncode != 0
    assert managed(project) == before
    with emulator.api() as api:
        assert api.get(f"/deployments/{dep_id}").json()["archived_at"] is None

    # A bad token: one line saying where the token came from.
    denied = refresh(project, {"QODER_PAT": "not-a-token"})
    assert_one_line(
        denied,
        "Agent (reporter)",
        "Qoder API 401 authentication_error",
        f"the token comes from QODER_PAT: check that it is valid for {emulator.base_url}",
    )

    # No token anywhere: a configuration error, one line saying how to set it.
    missing = refresh(project, {"QODER_PAT": ""})
    assert_one_line(
        missing,
        "Deployment (daily)",
        "no Qoder token: set it with `pulumi config set --secret qoder:token <PAT>` or the QODER_PAT "
        "environment variable",
        None,
    )
    assert managed(project) == before

    # Archived and deleted by hand: refresh drops exactly those, with the right credentials.
    with emulator.api() as api:
        assert api.post(f"/deployments/{dep_id}/archive").status_code == 200
        assert api.delete(f"/environments/{twin_id}").status_code == 200
    project.refresh()
    assert managed(project) == sorted({env_id, agent_id})
    project.destroy()
    assert managed(project) == []


CRASH_PROGRAM = """
import pulumi
from pulumi_qoder import Agent, Deployment, Environment

cfg = pulumi.Config()
env = Environment("sandbox", name="sandbox")
bot = Agent("reporter", name="reporter", model="ultimate")
Deployment(
    "daily",
    name="daily-report",
    description=cfg.get("description"),
    agent=bot.id,
    environment_id=env.id,
    initial_events=[{"type": "user.message", "content": "Generate today's status report"}],
)
"""


def test_a_create_committed_by_a_failed_run_is_found_after_the_program_changed(
    make_project: Callable[..., PulumiProject], emulator: EmulatorHandle
) -> None:
    env = {"QODER_BASE_URL": emulator.base_url, "QODER_PAT": emulator.tokens[0]}
    project = make_project(CRASH_PROGRAM, env=env)
    # The deployment's create is refused three times (429), then committed with its answer lost
    # (503 after commit): the client's four attempts are spent and `up` fails with the deployment
    # live on the service but not in the state, as after a crash.
    create = {"methods": ["POST"], "path_regex": "/deployments$"}
    emulator.set_faults(
        {
            "rate_limit": {**create, "retry_after": 0, "count": 3},
            "server_error": {**create, "status": 503, "after_commit": True, "count": 1},
        }
    )
    assert project.up(check=False).returncode != 0
    emulator.clear_faults()
    with emulator.api() as api:
        live = [d for d in api.get("/deployments").json()["data"] if not d.get("archived_at")]
    assert [d["name"] for d in live] == ["daily-report"]
    assert not project.resources("qoder:Deployment")

    # The program changes before the re-run: the create finds its own deployment and updates it.
    project.set_config("description", "edited after the failure")
    project.up()
    with emulator.api() as api:
        live = [d for d in api.get("/deployments").json()["data"] if not d.get("archived_at")]
    assert [(d["id"], d["description"]) for d in live] == [(live[0]["id"], "edited after the failure")]
    assert [r["id"] for r in project.resources("qoder:Deployment")] == [live[0]["id"]]
    project.destroy()
