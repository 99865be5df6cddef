"""Distribution of the native provider: ``make plugin``'s tarball installs with ``pulumi plugin
install resource qoder <version> --file ...`` and runs a YAML program from the plugin cache,
with no virtualenv on PATH and no ``plugins.providers`` entry: the launcher finds the Python it
was built for on PATH and its own ``lib/``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_qoder.native.__main__ import plugin_version
from qoder_emulator.testing import EmulatorHandle, running_emulator
from tests.engine.conftest import REPO_ROOT, PulumiProject

TOKEN = "plugin-token"


@pytest.fixture
def emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), clock="manual") as emu:
        yield emu


def test_plugin_tarball_installs_and_runs_a_yaml_program_from_the_plugin_cache(
    engine_bin: Path, engine_env: dict[str, str], tmp_path: Path, emulator: EmulatorHandle
) -> None:
    subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "get-language-yaml.sh"), str(engine_bin)],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    built = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "build-plugin.sh"), sys.executable],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    tarball = Path(built.stdout.strip().splitlines()[-1])
    version = plugin_version()
    assert tarball.name.startswith(f"pulumi-resource-qoder-v{version}-")
    with tarfile.open(tarball) as archive:
        launcher = archive.extractfile("./pulumi-resource-qoder")
        assert launcher is not None
        script = launcher.read().decode()
    # No interpreter path is recorded: the launcher looks Python up on PATH.
    assert sys.executable not in script and sys.base_prefix not in script

    # Nothing of the repository's virtualenv is reachable: only the engine and a plain Python.
    env = {
        **engine_env,
        "PATH": os.pathsep.join([str(engine_bin), str(Path(sys.base_prefix) / "bin"), "/usr/bin", "/bin"]),
        "QODER_PAT": TOKEN,
        "QODER_BASE_URL": emulator.base_url,
    }
    env.pop("PULUMI_PYTHON_CMD", None)
    directory = tmp_path / "yaml"
    shutil.copytree(REPO_ROOT / "examples" / "yaml", directory)
    manifest = directory / "Pulumi.yaml"
    text = manifest.read_text()
    manifest.write_text(text[: text.index("plugins:")] + text[text.index("config:") :])
    project = PulumiProject(directory, env)
    project.run("plugin", "install", "resource", "qoder", version, "--file", str(tarball))
    installed = json.loads(project.run("plugin", "ls", "--json").stdout)
    assert [(p["name"], p["kind"], p["version"]) for p in installed] == [("qoder", "resource", version)]

    project.run("stack", "init", project.stack)
    result = project.up()
    assert "from $PATH" not in result.stdout + result.stderr  # the installed plugin, not a dev copy
    out = project.outputs()
    assert out["schedule_summary"] == "at 09:00, every day (Asia/Shanghai)"
    with emulator.api() as api:
        assert api.get(f"/deployments/{out['deployment_id']}").json()["status"] == "active"
    project.destroy()
