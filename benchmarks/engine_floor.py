"""The provider against the engine's own floor, side by side in one run (on demand, not a test).

The *floor* is the same stack shape with a dynamic resource whose create/diff/read/update/delete
only return: same inputs per resource, same engine, same run. Whatever the provider costs above it
is ours to remove; the floor itself is the engine's (and the Python dynamic-provider SDK's).

For each N and ``--parallel`` setting, the two variants run interleaved (the order alternates per
repetition) through five operations on a fresh stack: ``up`` (create), a no-op ``preview``, ``up``
after one schedule changes, ``refresh``, ``destroy``. Printed per operation: the provider/floor
ratio (median and min over repetitions), medians of both, the API calls the emulator saw, and
the emulator's CPU share of the provider run (the emulator runs in this process, which otherwise
waits on the CLI), and the CPU time of the whole command (the CLI and every process it waited for:
language host, provider processes; a load-robust measure) as a ratio and in seconds. Also: state bytes per resource for both, and the peak RSS of the provider process
(``VmHWM`` of ``python -m pulumi.dynamic``, polled from /proc).

    .venv/bin/python benchmarks/engine_floor.py [--n 50 200] [--parallel default 4 16] [--repeat 3] \
        [--before /tmp/perf-before] [--env PULUMI_SKIP_CHECKPOINTS=true]

``--python PY`` runs the program and the provider processes with another interpreter: a user's
virtualenv holding only the runtime dependencies (``python -m venv /tmp/uvenv && /tmp/uvenv/bin/pip
install .``; the dev one also loads ``rich`` through ``httpx``'s CLI, ~0.1 s per process). With
``--per-process`` each of those Python processes runs under ``/usr/bin/time``, and a second table
splits the command's CPU into the program, the provider process, the language host and the rest
(the engine and the CLI, by difference). The language host then runs the program in a process of
its own (its interpreter is the wrapper, not its own), not in its own process as it otherwise
does: one more Python start-up per command, alike for every variant.

``--before DIR`` adds a third variant, the provider of another checkout (a ``git worktree`` of an
older commit: its provider, emulator and cron directories go first on PYTHONPATH, for the program
and the provider process), interleaved with the other two; ratios are then printed for it too.
``--after DIR`` runs the provider variant from such a checkout too (a snapshot of the commit
measured: the shared working tree may change during a long run). ``--env K=V`` sets an environment variable for every ``pulumi`` command of every variant.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from qoder_emulator.testing import EmulatorHandle, running_emulator  # noqa: E402
from tests.engine.conftest import PulumiProject, obtain_engine, offline_env  # noqa: E402

OPERATIONS = ("up (create)", "no-op preview", "one change", "refresh", "destroy")

# Same stack shape and inputs for both variants; only the resource classes differ.
PROGRAM = """
import pulumi
{imports}

cfg = pulumi.Config()
count = int(cfg.require("count"))
first_cron = cfg.get("firstCron") or "0 9 * * *"
agent = Agent("bench-agent", name="bench-agent", model="ultimate")
env = Environment("bench-env", name="bench-env")
for i in range(count):
    Deployment(f"dep-{{i}}", name=f"bench-{{i}}", agent=agent.id, environment_id=env.id,
        schedule={{"expression": first_cron if i == 0 else f"{{i % 60}} 9 * * *", "timezone": "Asia/Shanghai"}},
        initial_events=[{{"type": "user.message", "content": f"Report {{i}}"}}],
        metadata={{"index": str(i)}})
"""
PROVIDER_IMPORTS = "from pulumi_qoder import Agent, Deployment, Environment"
FLOOR_IMPORTS = "from floor import Agent, Deployment, Environment"

# The floor: importable (pickled by reference, like ours), methods that only return.
FLOOR_MODULE = """
import pickle
import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult


class FloorProvider(ResourceProvider):
    def check(self, _olds: Any, news: Any) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, _olds: Any, _news: Any) -> DiffResult:
        return DiffResult(changes=None)

    def create(self, props: Any) -> CreateResult:
        return CreateResult(uuid.uuid4().hex, props)

    def read(self, id_: str, props: Any) -> ReadResult:
        return ReadResult(id_, props)

    def update(self, _id: str, _olds: Any, news: Any) -> UpdateResult:
        return UpdateResult(news)

    def delete(self, _id: str, _props: Any) -> None:
        return None


_PROVIDER = FloorProvider()


class _Floor(pulumi.dynamic.Resource):
    def __init__(self, resource_name: str, /, **props: Any) -> None:
        # The provider's guard against the SDK's pickle patch piling up (RecursionError at ~980).
        batch_setitems = pickle._Pickler._batch_setitems
        try:
            super().__init__(_PROVIDER, resource_name, props, None)
        finally:
            pickle._Pickler._batch_setitems = batch_setitems


class Agent(_Floor, module="floor", name="Agent"):
    pass


class Environment(_Floor, module="floor", name="Environment"):
    pass


class Deployment(_Floor, module="floor", name="Deployment"):
    pass
"""


@dataclass
class Sample:
    seconds: float
    api_calls: int
    emulator_cpu: float
    command_cpu: float  # user + system of the CLI and every process it waited for
    python_cpu: dict[str, float] = field(default_factory=dict)  # --per-process: program, provider


@dataclass
class Results:
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)
    state_bytes: dict[str, list[float]] = field(default_factory=dict)
    peak_rss_mb: dict[str, list[float]] = field(default_factory=dict)

    def add(self, variant: str, operation: str, sample: Sample) -> None:
        self.samples.setdefault((variant, operation), []).append(sample)


@contextmanager
def provider_peak_rss() -> Iterator[list[float]]:
    """Poll /proc for ``python -m pulumi.dynamic`` processes; yield a list that receives the peak
    (VmHWM, MB) of each one seen."""
    peaks: dict[int, float] = {}
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(0.05):
            for pid_dir in Path("/proc").iterdir():
                if not pid_dir.name.isdigit():
                    continue
                try:
                    cmdline = (pid_dir / "cmdline").read_bytes()
                    if b"pulumi.dynamic" not in cmdline:
                        continue
                    for line in (pid_dir / "status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peaks[int(pid_dir.name)] = int(line.split()[1]) / 1024
                except OSError:
                    continue

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    out: list[float] = []
    try:
        yield out
    finally:
        stop.set()
        thread.join()
        out.extend(peaks.values())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(emu: EmulatorHandle, action: Callable[[], object], cpu_log: Path | None = None) -> Sample:
    emu.clear_requests()
    if cpu_log is not None:
        cpu_log.write_text("")
    cpu, wall, children = time.process_time(), time.perf_counter(), _children_cpu()
    action()
    seconds = time.perf_counter() - wall
    return Sample(
        seconds,
        len(emu.requests()),
        (time.process_time() - cpu) / seconds,
        _children_cpu() - children,
        python_cpu(cpu_log) if cpu_log is not None else {},
    )


# A PULUMI_PYTHON_CMD that runs each Python process of a command under /usr/bin/time (--per-process).
TIMED_PYTHON = """#!/bin/sh
exec /usr/bin/time -a -o "$QODER_BENCH_CPU_LOG" -f "%U %S %C" {python} "$@"
"""


def python_cpu(log: Path) -> dict[str, float]:
    """CPU seconds of the command's Python processes by role, from /usr/bin/time's lines."""
    roles = {"program": 0.0, "provider": 0.0, "language host": 0.0}
    for line in log.read_text().splitlines():
        user, system, *command = line.split()
        if not command or not user.replace(".", "").isdigit():
            continue  # time's own "Command exited with non-zero status" line
        cmdline = " ".join(command)
        if "pulumi.dynamic" in cmdline:
            role = "provider"
        elif "language-python-exec" in cmdline or "--run-program" in cmdline:
            role = "program"  # the language host runs the program in a process of its own
        else:
            role = "language host"  # the engine's Python language host, serving the program
        roles[role] += float(user) + float(system)
    # The host waits for the program's process, so the host's rusage includes the program's.
    roles["language host"] = max(0.0, roles["language host"] - roles["program"])
    return roles


def run_variant(
    variant: str,
    engine: Path,
    scratch: Path,
    emu: EmulatorHandle,
    n: int,
    parallel: str,
    results: Results,
    before: Path | None = None,
    extra_env: dict[str, str] | None = None,
    after: Path | None = None,
    python: str | None = None,
    per_process: bool = False,
) -> None:
    directory = scratch / f"{variant}-{time.monotonic_ns()}"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (directory / "floor.py").write_text(FLOOR_MODULE)
    env = offline_env(engine, directory / ".pulumi")
    # As a user's shell would: bytecode is written and reused.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        QODER_BASE_URL=emu.base_url,
        QODER_PAT=emu.tokens[0],
        PYTHONPATH=str(directory),  # the floor module, for the provider process too
    )
    tree = {"before": before, "provider": after}.get(variant)
    if tree is not None:
        paths = [str(tree / d) for d in ("provider", "emulator", "cron")]
        env["PYTHONPATH"] = os.pathsep.join([*paths, str(directory)])
    env.update(extra_env or {})
    if python is not None:
        env["PULUMI_PYTHON_CMD"] = python
    cpu_log: Path | None = None
    if per_process:
        cpu_log = directory / "python-cpu.log"
        wrapper = directory / "timed-python"
        wrapper.write_text(TIMED_PYTHON.format(python=env.get("PULUMI_PYTHON_CMD", sys.executable)))
        wrapper.chmod(0o755)
        env.update(PULUMI_PYTHON_CMD=str(wrapper), QODER_BENCH_CPU_LOG=str(cpu_log))
    project = PulumiProject(directory, env)
    imports = FLOOR_IMPORTS if variant == "floor" else PROVIDER_IMPORTS
    project.write_program(PROGRAM.format(imports=imports))
    # A stack name of its own per run: the same declared resources re-created on one emulator
    # would otherwise replay their archived twins (create keys are per declared resource).
    project.run("stack", "init", f"bench-{directory.name}")
    project.set_config("count", str(n))
    extra = () if parallel == "default" else ("--parallel", parallel)
    results.add(variant, "up (create)", measure(emu, lambda: project.up(*extra), cpu_log))
    state = project.export()["deployment"]
    resources = state.get("resources", [])
    results.state_bytes.setdefault(variant, []).append(len(json.dumps(state)) / max(1, len(resources)))
    results.add(
        variant,
        "no-op preview",
        measure(emu, lambda: project.preview("--expect-no-changes", *extra), cpu_log),
    )
    project.set_config("firstCron", "30 10 * * 1-5")
    results.add(variant, "one change", measure(emu, lambda: project.up(*extra), cpu_log))
    results.add(variant, "refresh", measure(emu, lambda: project.refresh(*extra), cpu_log))
    results.add(variant, "destroy", measure(emu, lambda: project.destroy(*extra), cpu_log))


def report(n: int, parallel: str, results: Results, load: tuple[float, float, float]) -> None:
    print(
        f"\n### N = {n}, --parallel {parallel} (load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})\n"
    )
    print(
        "| operation | provider/floor median | min | provider s (median) | floor s (median) | API calls "
        "| emulator CPU | command CPU provider/floor | provider CPU s | floor CPU s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    variants = [v for v in ("provider", "before") if (v, "up (create)") in results.samples]
    for variant in variants:
        for op in OPERATIONS:
            ours, floor = results.samples[(variant, op)], results.samples[("floor", op)]
            ratios = [a.seconds / b.seconds for a, b in zip(ours, floor, strict=True)]
            cpu = [a.command_cpu / b.command_cpu for a, b in zip(ours, floor, strict=True)]
            name = op if variant == "provider" else f"{op} [before]"
            print(
                f"| {name} | {statistics.median(ratios):.2f}x | {min(ratios):.2f}x "
                f"| {statistics.median(s.seconds for s in ours):.2f} | {statistics.median(s.seconds for s in floor):.2f} "
                f"| {ours[-1].api_calls} | {statistics.median(s.emulator_cpu for s in ours):.0%} "
                f"| {statistics.median(cpu):.2f}x | {statistics.median(s.command_cpu for s in ours):.2f} "
                f"| {statistics.median(s.command_cpu for s in floor):.2f} |"
            )
    if results.samples[("floor", "up (create)")][0].python_cpu:
        print(
            "\nCPU seconds by process (medians), each beside the floor's: the program, the provider "
            "process, the language host, the rest (the engine and the CLI: the command's CPU minus "
            "the Python processes'), the whole command.\n"
        )
        print(
            "| operation | program | floor | provider process | floor | language host | floor "
            "| engine + CLI | floor | command | floor |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for variant in variants:
            for op in OPERATIONS:
                row = [op if variant == "provider" else f"{op} [before]"]
                for role in ("program", "provider", "language host", "rest", "command"):
                    for v in (variant, "floor"):
                        row.append(
                            f"{statistics.median(_role_cpu(s, role) for s in results.samples[(v, op)]):.2f}"
                        )
                print("| " + " | ".join(row) + " |")
    sb = {k: statistics.median(v) for k, v in results.state_bytes.items()}
    rss = {k: max(v, default=0.0) for k, v in results.peak_rss_mb.items()}
    print(
        "\nState per resource: "
        + ", ".join(f"{k} {sb[k] / 1024:.2f} KB" for k in (*variants, "floor"))
        + ". Peak RSS of a provider process: "
        + ", ".join(f"{k} {rss.get(k, 0.0):.0f} MB" for k in variants)
        + "."
    )


def _role_cpu(sample: Sample, role: str) -> float:
    if role == "command":
        return sample.command_cpu
    if role == "rest":
        return sample.command_cpu - sum(sample.python_cpu.values())
    return sample.python_cpu.get(role, 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--parallel", nargs="+", default=["default"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="checkout of an older commit, run as a third variant")
    parser.add_argument(
        "--after", type=Path, help="checkout the provider variant runs from (default: this one, live)"
    )
    parser.add_argument("--env", nargs="*", default=[], metavar="K=V", help="environment for every command")
    parser.add_argument("--python", help="interpreter of the program and provider processes (a user's venv)")
    parser.add_argument(
        "--per-process", action="store_true", help="CPU of program and provider processes (/usr/bin/time)"
    )
    args = parser.parse_args()
    extra_env = dict(item.split("=", 1) for item in args.env)
    variants = ("provider", "before", "floor") if args.before else ("provider", "floor")
    engine = obtain_engine()
    for n in args.n:
        for parallel in args.parallel:
            results = Results()
            load = os.getloadavg()
            with tempfile.TemporaryDirectory() as tmp, running_emulator(clock="real") as emu:
                for rep in range(args.repeat):
                    order = variants if rep % 2 == 0 else tuple(reversed(variants))
                    for variant in order:
                        with provider_peak_rss() as peaks:
                            run_variant(
                                variant,
                                engine,
                                Path(tmp),
                                emu,
                                n,
                                parallel,
                                results,
                                args.before,
                                extra_env,
                                args.after,
                                args.python,
                                args.per_process,
                            )
                        results.peak_rss_mb.setdefault(variant, []).extend(peaks)
            report(n, parallel, results, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
