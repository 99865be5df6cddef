"""The native provider against the dynamic provider on the same stack, side by side in one run
(on demand, not a test).

Both variants are the same Python program shape (one agent, one environment, N deployments with
the same inputs) through the same engine, language host and emulator: the dynamic variant uses
``pulumi_qoder.Agent/Environment/Deployment``, the native one declares ``qoder:index:*`` resources
served by ``pulumi-resource-qoder``. Both drive the one core lifecycle, so the difference is the
front end: one gRPC plugin process per provider (native) against the SDK's dynamic-provider host
unpickling ``__provider`` per call (dynamic). The variants run interleaved (order alternating per
repetition) through ``up`` (create), a no-op ``preview``, ``up`` after one schedule change,
``refresh`` and ``destroy``; printed per operation: native/dynamic ratio (median, min), both
medians, API calls of each; and state bytes per resource.

    .venv/bin/python benchmarks/native_vs_dynamic.py [--n 50 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.engine_floor import OPERATIONS, Results, measure  # noqa: E402
from qoder_emulator.testing import EmulatorHandle, running_emulator  # noqa: E402
from tests.engine.conftest import PulumiProject, obtain_engine, offline_env  # noqa: E402

DYNAMIC = """
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
# The same stack on the native provider (no typed SDK needed: resources by type token).
NATIVE = """
import pulumi

cfg = pulumi.Config()
count = int(cfg.require("count"))
first_cron = cfg.get("firstCron") or "0 9 * * *"
agent = pulumi.CustomResource("qoder:index:Agent", "bench-agent", {"name": "bench-agent", "model": "ultimate"})
env = pulumi.CustomResource("qoder:index:Environment", "bench-env", {"name": "bench-env"})
for i in range(count):
    pulumi.CustomResource("qoder:index:Deployment", f"dep-{i}", dict(name=f"bench-{i}", agent=agent.id,
        environment_id=env.id,
        schedule={"expression": first_cron if i == 0 else f"{i % 60} 9 * * *", "timezone": "Asia/Shanghai"},
        initial_events=[{"type": "user.message", "content": f"Report {i}"}],
        metadata={"index": str(i)}))
"""
VARIANTS = {"native": NATIVE, "dynamic": DYNAMIC}


def run_variant(
    variant: str, engine: Path, scratch: Path, emu: EmulatorHandle, n: int, results: Results
) -> None:
    directory = scratch / f"{variant}-{time.monotonic_ns()}"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    env = offline_env(engine, directory / ".pulumi")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's shell would: bytecode reused
    env.update(QODER_BASE_URL=emu.base_url, QODER_PAT=emu.tokens[0])
    project = PulumiProject(directory, env)
    project.write_program(VARIANTS[variant])
    project.run("stack", "init", "bench")
    project.set_config("count", str(n))
    results.add(variant, "up (create)", measure(emu, project.up))
    state = project.export()["deployment"]
    resources = state.get("resources", [])
    results.state_bytes.setdefault(variant, []).append(len(json.dumps(state)) / max(1, len(resources)))
    results.add(variant, "no-op preview", measure(emu, lambda: project.preview("--expect-no-changes")))
    project.set_config("firstCron", "30 10 * * 1-5")
    results.add(variant, "one change", measure(emu, project.up))
    results.add(variant, "refresh", measure(emu, project.refresh))
    results.add(variant, "destroy", measure(emu, project.destroy))


def report(n: int, repeat: int, results: Results, load: tuple[float, float, float]) -> None:
    print(
        f"\n### N = {n}, {repeat} repetitions (load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})\n"
    )
    print(
        "| operation | native/dynamic median | min | native s (median) | dynamic s (median) | API calls native / dynamic |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for op in OPERATIONS:
        native, dynamic = results.samples[("native", op)], results.samples[("dynamic", op)]
        ratios = [a.seconds / b.seconds for a, b in zip(native, dynamic, strict=True)]
        print(
            f"| {op} | {statistics.median(ratios):.2f}x | {min(ratios):.2f}x "
            f"| {statistics.median(s.seconds for s in native):.2f} | {statistics.median(s.seconds for s in dynamic):.2f} "
            f"| {native[-1].api_calls} / {dynamic[-1].api_calls} |"
        )
    sb = {k: statistics.median(v) for k, v in results.state_bytes.items()}
    print(
        f"\nState per resource: native {sb['native'] / 1024:.2f} KB, dynamic {sb['dynamic'] / 1024:.2f} KB."
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = obtain_engine()
    for n in args.n:
        results = Results()
        load = os.getloadavg()
        with tempfile.TemporaryDirectory() as tmp, running_emulator(clock="real") as emu:
            for rep in range(args.repeat):
                order = ("native", "dynamic") if rep % 2 == 0 else ("dynamic", "native")
                for variant in order:
                    run_variant(variant, engine, Path(tmp), emu, n, results)
        report(n, args.repeat, results, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
