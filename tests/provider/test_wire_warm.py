"""A provider process under a command that calls the API loads the wire client ahead of the
first call (from the provider's ``configure``, where the flavor is known); under ``preview`` it
does not.

The parent of a real provider process is the ``pulumi`` CLI; here a real parent process runs with
``pulumi`` as its argv[0] (``exec -a``) and the command given, and starts the child the way the
engine does, as a ``pulumi.dynamic`` main module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from pulumi_qoder.wire.warm import calling_command

CHILD = textwrap.dedent(
    """
    import importlib.util, json, os, sys, threading
    sys.modules["__main__"].__spec__ = importlib.util.find_spec("pulumi.dynamic.__main__")
    from pulumi.dynamic import Config, ConfigureRequest
    from pulumi_qoder.deployment import DeploymentProvider
    # What the dynamic provider server does with the first request's pickled provider.
    raw = {"qoder:flavor": os.environ["WARM_FLAVOR"]} if os.environ.get("WARM_FLAVOR") else {}
    DeploymentProvider().configure(ConfigureRequest(Config(raw_config=raw, project_name="p")))
    warm = [t for t in threading.enumerate() if t.name == "qoder-wire-warm"]
    for t in warm:
        t.join(60)
    print(json.dumps({
        "warm": bool(warm),
        "client": "pulumi_qoder.wire.client" in sys.modules,
        "cma": "pulumi_qoder.wire.cma" in sys.modules,
    }))
    """
)

PARENT = textwrap.dedent(
    """
    import os, subprocess, sys
    # argv[0] is "pulumi", so sys.executable is unknown here: the interpreter comes by name.
    done = subprocess.run([os.environ["CHILD_PYTHON"], "-c", sys.argv[-1]], capture_output=True, text=True)
    sys.stdout.write(done.stdout); sys.stderr.write(done.stderr); sys.exit(done.returncode)
    """
)


def _child_under(*command: str, flavor: str = "") -> dict[str, bool]:
    script = f"exec -a pulumi {sys.executable} -c '{PARENT}' {' '.join(command)} \"$0\""
    env = {**os.environ, "CHILD_PYTHON": sys.executable, "WARM_FLAVOR": flavor}
    done = subprocess.run(
        ["bash", "-c", script, CHILD], capture_output=True, text=True, timeout=120, check=False, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("command", [("up", "--yes"), ("--non-interactive", "destroy"), ("refresh",)])
def test_a_calling_command_loads_the_client_ahead(command: tuple[str, ...]) -> None:
    assert _child_under(*command) == {"warm": True, "client": True, "cma": False}


def test_the_cma_flavor_loads_its_own_client_ahead() -> None:
    # Only the anthropic client: the Qoder SDK is not loaded for a CMA stack.
    assert _child_under("up", flavor="cma") == {"warm": True, "client": False, "cma": True}


def test_a_preview_loads_nothing_ahead() -> None:
    assert _child_under("preview", "--diff") == {"warm": False, "client": False, "cma": False}


def test_a_process_that_is_not_a_provider_loads_nothing_ahead() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, pulumi_qoder.dynamic; print('qca' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("argv", "calls"),
    [
        (["/usr/local/bin/pulumi", "up", "--yes", "--skip-preview"], True),
        (["pulumi", "--cwd", "infra", "destroy"], True),
        (["pulumi", "preview", "--diff"], False),
        (["pulumi", "stack", "export"], False),
        (["python3", "up"], False),  # not the CLI
        ([], False),
    ],
)
def test_which_command_lines_call_the_api(argv: list[str], calls: bool) -> None:
    assert calling_command(argv) is calls
