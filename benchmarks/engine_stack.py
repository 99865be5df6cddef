"""Wall time and API calls of the real engine over a stack of N deployments (on demand, not a test).

Runs the Pulumi CLI (scripts/get-engine.sh) in a temporary project against an in-process emulator on
127.0.0.1: `up` creating N deployments (plus one agent and one environment), a no-op `preview`, a
`preview` and an `up` after one schedule changes, `refresh`, `destroy`. Prints one Markdown table.

    .venv/bin/python benchmarks/engine_stack.py [--deployments 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from qoder_emulator.testing import EmulatorHandle, running_emulator  # noqa: E402
from tests.engine.conftest import PulumiProject, obtain_engine, offline_env  # noqa: E402

PROGRAM = """
import pulumi
from pulumi_qoder import Agent, Deployment, Environment

cfg = pulumi.Config()
count = int(cfg.require("count"))
first_cron = cfg.get("firstCron") or "0 9 * * *"
agent = Agent("bench-agent", name="bench-agent", model="ultimate")
env = Environment("bench-env", name="bench-env")
for i in range(count):
    Deployment(f"dep-{i}", name=f"bench-{i}", agent=agent.id, environment_id=env.id,
        schedule={"expression": first_cron if i == 0 else f"{i % 60} 9 * * *", "timezone": "Asia/Shanghai"},
        initial_events=[{"type": "user.message", "content": f"Report {i}"}],
        metadata={"index": str(i)})
"""


def _measure(
    emu: EmulatorHandle, label: str, action: Callable[[], object], rows: list[tuple[str, float, int]]
) -> None:
    emu.clear_requests()
    started = time.perf_counter()
    action()
    rows.append((label, time.perf_counter() - started, len(emu.requests())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deployments", type=int, default=50)
    args = parser.parse_args()
    engine = obtain_engine()
    rows: list[tuple[str, float, int]] = []
    with tempfile.TemporaryDirectory() as scratch, running_emulator(clock="real") as emu:
        directory = Path(scratch) / "project"
        directory.mkdir()
        (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
        env = offline_env(engine, Path(scratch))
        env.update(QODER_BASE_URL=emu.base_url, QODER_PAT=emu.tokens[0])
        project = PulumiProject(directory, env)
        project.write_program(PROGRAM)
        project.run("stack", "init", "bench")
        project.set_config("count", str(args.deployments))
        n = args.deployments
        _measure(emu, f"up (create {n} deployments + 2)", project.up, rows)
        _measure(emu, "preview, no change", lambda: project.preview("--expect-no-changes"), rows)
        project.set_config("firstCron", "30 10 * * 1-5")
        _measure(emu, "preview --diff, one schedule changed", lambda: project.preview("--diff"), rows)
        _measure(emu, "up, one schedule changed", project.up, rows)
        _measure(emu, f"refresh ({n} + 2)", project.refresh, rows)
        _measure(emu, f"destroy ({n} + 2)", project.destroy, rows)
    print(f"| operation ({n} deployments) | wall s | API calls |")
    print("|---|---:|---:|")
    for label, seconds, calls in rows:
        print(f"| {label} | {seconds:.1f} | {calls} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
