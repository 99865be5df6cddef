"""Where a dynamic-provider process spends its CPU (on demand, not a test).

Runs the engine_floor stack (one agent, one environment, N deployments) through ``up``, a no-op
``preview`` and ``refresh`` with the engine's provider processes (``python -u -m pulumi.dynamic``)
started through this file: each one records its own CPU time (user + system, which a loaded
machine does not inflate the way it inflates wall time) and, with ``--profile``, a cProfile of
every thread (the gRPC handlers run in a pool of 4), merged per operation.

    .venv/bin/python benchmarks/provider_profile.py [--n 50] [--variant provider floor] \\
        [--tree /tmp/perf-before] [--profile] [--top 25] [--repeat 1]

``--tree DIR`` runs the provider of another checkout (a ``git worktree``): its provider, emulator
and cron directories go first on PYTHONPATH for the program and the provider processes.
Printed per operation and variant: provider-process CPU seconds (median over repetitions, summed
over that operation's provider processes), the process count, and with ``--profile`` the top
functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import json
import os
import pstats
import runpy
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

# -- the wrapper half: run as ``provider_profile.py --wrap -u -m pulumi.dynamic ARGS`` ------------


def _wrap(out_dir: str, profile: bool) -> None:
    """Run ``pulumi.dynamic`` in this process, recording CPU time (and a cProfile per thread)."""
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    if profile:
        real_run = threading.Thread.run

        def profiled_run(self: threading.Thread) -> None:
            prof = cProfile.Profile(time.thread_time)  # CPU of this thread, not wall time
            with lock:
                profiles.append(prof)
            prof.enable()
            try:
                real_run(self)
            finally:
                prof.disable()

        threading.Thread.run = profiled_run  # type: ignore[method-assign]
        main_prof = cProfile.Profile(time.thread_time)
        profiles.append(main_prof)
        main_prof.enable()
    done = threading.Event()

    def dump(*_: Any) -> None:
        if done.is_set():
            return
        done.set()
        times = os.times()
        stem = Path(out_dir) / f"{os.getpid()}"
        stem.with_suffix(".json").write_text(json.dumps({"cpu": times.user + times.system}))
        if profile:
            with lock:
                stats = pstats.Stats(profiles[0])
                for prof in profiles[1:]:
                    try:
                        stats.add(prof)
                    except (TypeError, ValueError):  # a thread that never ran anything
                        continue
            stats.dump_stats(str(stem.with_suffix(".prof")))

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        dump()
        os._exit(0)

    atexit.register(dump)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sys.argv = ["pulumi.dynamic", *sys.argv[1:]]
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--wrap":
    # argv: --wrap -u -m pulumi.dynamic ARGS...
    rest = sys.argv[2:]
    while rest and rest[0] in ("-u", "-m", "pulumi.dynamic"):
        rest = rest[1:]
    sys.argv = [sys.argv[0], *rest]
    _wrap(os.environ["QODER_PROFILE_DIR"], os.environ.get("QODER_PROFILE_CPROFILE") == "1")
    sys.exit(0)

# -- the driver half ------------------------------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.engine_floor import FLOOR_IMPORTS, FLOOR_MODULE, PROGRAM, PROVIDER_IMPORTS  # noqa: E402
from qoder_emulator.testing import EmulatorHandle, running_emulator  # noqa: E402
from tests.engine.conftest import PulumiProject, obtain_engine, offline_env  # noqa: E402

OPERATIONS = ("up (create)", "no-op preview", "refresh")

WRAPPER = """#!/bin/sh
# Provider processes go through the profiler; the language host runs the program as usual.
if [ "$1" = "-u" ] && [ "$2" = "-m" ] && [ "$3" = "pulumi.dynamic" ]; then
  exec "{python}" "{this}" --wrap "$@"
fi
exec "{python}" "$@"
"""


def collect(out_dir: Path) -> tuple[float, int, list[Path]]:
    """CPU seconds summed over the provider processes that wrote into ``out_dir``, their count and
    their profiles; then empties the directory for the next operation."""
    deadline = time.monotonic() + 10
    cpu, count, profs = 0.0, 0, []
    # A process killed by the engine writes as it exits: give it a moment.
    while time.monotonic() < deadline:
        procs = sorted(out_dir.glob("*.json"))
        if procs:
            break
        time.sleep(0.2)
    time.sleep(0.5)
    for path in sorted(out_dir.glob("*.json")):
        cpu += float(json.loads(path.read_text())["cpu"])
        count += 1
        path.unlink()
    for path in sorted(out_dir.glob("*.prof")):
        kept = out_dir.parent / "profiles-kept"
        kept.mkdir(exist_ok=True)
        keep = kept / f"{time.monotonic_ns()}-{path.name}"
        path.rename(keep)
        profs.append(keep)
    return cpu, count, profs


def run_variant(
    variant: str,
    engine: Path,
    scratch: Path,
    emu: EmulatorHandle,
    n: int,
    tree: Path | None,
    profile: bool,
    record: Callable[[str, float, int, list[Path]], None],
) -> None:
    directory = scratch / f"{variant}-{time.monotonic_ns()}"
    directory.mkdir()
    out_dir = directory / "profiles"
    out_dir.mkdir()
    (directory / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (directory / "floor.py").write_text(FLOOR_MODULE)
    wrapper = directory / "python-wrapper"
    wrapper.write_text(WRAPPER.format(python=sys.executable, this=Path(__file__).resolve()))
    wrapper.chmod(0o755)
    env = offline_env(engine, directory / ".pulumi")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    paths = [str(directory)]
    if tree is not None:
        paths = [str(tree / d) for d in ("provider", "emulator", "cron")] + paths
    env.update(
        QODER_BASE_URL=emu.base_url,
        QODER_PAT=emu.tokens[0],
        PYTHONPATH=os.pathsep.join(paths),
        PULUMI_PYTHON_CMD=str(wrapper),
        QODER_PROFILE_DIR=str(out_dir),
        QODER_PROFILE_CPROFILE="1" if profile else "0",
    )
    project = PulumiProject(directory, env)
    imports = FLOOR_IMPORTS if variant == "floor" else PROVIDER_IMPORTS
    project.write_program(PROGRAM.format(imports=imports))
    # A stack name of its own per run: the same declared resources re-created on one emulator
    # would otherwise replay their archived twins (create keys are per declared resource).
    project.run("stack", "init", f"bench-{directory.name}")
    project.set_config("count", str(n))
    project.up()
    record("up (create)", *collect(out_dir))
    project.preview("--expect-no-changes")
    record("no-op preview", *collect(out_dir))
    project.refresh()
    record("refresh", *collect(out_dir))
    project.destroy()
    collect(out_dir)


def top_lines(profs: list[Path], top: int) -> str:
    if not profs:
        return "(no profile)"
    stats = pstats.Stats(*(str(p) for p in profs))
    lines: list[str] = []
    total = stats.total_tt  # type: ignore[attr-defined]
    lines.append(f"profiled CPU (all threads): {total:.2f} s")
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative")):
        entries = stats.stats  # type: ignore[attr-defined]
        ranked = sorted(
            entries.items(), key=lambda kv: kv[1][2] if key == "tottime" else kv[1][3], reverse=True
        )
        lines.append(f"  top by {title}:")
        shown = 0
        for (file, line, func), (_cc, nc, tt, ct, _callers) in ranked:
            where = file.replace(str(REPO_ROOT) + "/", "").replace(sys.prefix + "/lib/python3.11/", "")
            if key == "cumulative" and func in ("<module>", "run", "_bootstrap", "_bootstrap_inner"):
                continue
            lines.append(f"    {tt:7.3f} {ct:7.3f} {nc:7d}  {where}:{line}({func})")
            shown += 1
            if shown >= top:
                break
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--variant", nargs="+", default=["provider", "floor"])
    parser.add_argument("--tree", type=Path, help="checkout whose provider runs as the 'before' variant")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    variants = list(args.variant) + (["before"] if args.tree else [])
    engine = obtain_engine()
    cpu: dict[tuple[str, str], list[float]] = {}
    procs: dict[tuple[str, str], int] = {}
    profiles: dict[tuple[str, str], list[Path]] = {}
    keep = Path(tempfile.mkdtemp(prefix="provider-profile-"))
    load = os.getloadavg()
    with running_emulator(clock="real") as emu:
        for rep in range(args.repeat):
            order = variants if rep % 2 == 0 else list(reversed(variants))
            for variant in order:

                def record(op: str, seconds: float, count: int, profs: list[Path], v: str = variant) -> None:
                    cpu.setdefault((v, op), []).append(seconds)
                    procs[(v, op)] = count
                    profiles.setdefault((v, op), []).extend(profs)

                tree = args.tree if variant == "before" else None
                run_variant(variant, engine, keep, emu, args.n, tree, args.profile, record)
    print(f"\nN = {args.n}, load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("\n| operation | " + " | ".join(f"{v} CPU s" for v in variants) + " | processes |")
    print("|---|" + "---:|" * (len(variants) + 1))
    for op in OPERATIONS:
        cells = [f"{statistics.median(cpu[(v, op)]):.2f}" for v in variants]
        print(f"| {op} | " + " | ".join(cells) + f" | {procs[(variants[0], op)]} |")
    if args.profile:
        for op in OPERATIONS:
            for v in variants:
                print(f"\n## {v}: {op}\n{top_lines(profiles[(v, op)], args.top)}")
    print(f"\nprofiles kept in {keep}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
