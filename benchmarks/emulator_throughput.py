"""Emulator throughput on loopback: create / get / list requests per second and p99 latency.

Not a test. Run: .venv/bin/python benchmarks/emulator_throughput.py [--requests 400] [--db file|memory]
Starts one emulator (real uvicorn on 127.0.0.1, ephemeral port), then for 1 and 16 concurrent
clients (threads, one keep-alive httpx.Client each) runs a bounded number of each request kind.

Side by side with another checkout of the emulator (the machine is shared and noisy, so the two
run interleaved, alternating which goes first, and each figure is the median over the rounds):

    git worktree add /tmp/emu-old <commit>
    .venv/bin/python benchmarks/emulator_throughput.py --compare-with /tmp/emu-old --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from qoder_emulator.testing import running_emulator


def measure(
    clients: list[httpx.Client], total: int, request: Callable[[httpx.Client, int], None]
) -> tuple[float, float, float]:
    """``(requests per second, p99 latency in ms, process CPU ms per request)`` for ``total``
    requests spread over the clients. Server and clients share the process, so CPU time per
    request is the cost of one request end to end; unlike wall time it barely moves when other
    processes compete for the cores."""
    per_client = total // len(clients)
    latencies: list[float] = []

    def worker(index: int) -> list[float]:
        client, own = clients[index], []
        for i in range(per_client):
            started = time.perf_counter()
            request(client, index * per_client + i)
            own.append(time.perf_counter() - started)
        return own

    started, cpu_started = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(len(clients)) as pool:
        for own in pool.map(worker, range(len(clients))):
            latencies.extend(own)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    return len(latencies) / elapsed, p99, cpu * 1000 / len(latencies)


ROOT = Path(__file__).resolve().parent.parent
Results = dict[str, tuple[float, float, float]]  # "create/1" -> (req/s, p99 ms, CPU ms per request)


def run_once(checkout: Path, requests: int, db: str) -> Results:
    """One full benchmark in a fresh interpreter, importing the emulator from ``checkout``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(checkout / d) for d in ("emulator", "cron"))}
    done = subprocess.run(
        [sys.executable, __file__, "--json", "--requests", str(requests), "--db", db],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {k: (v[0], v[1], v[2]) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def calls_of(checkout: Path) -> dict[str, int]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(checkout / d) for d in ("emulator", "cron"))}
    done = subprocess.run(
        [sys.executable, __file__, "--calls"], env=env, capture_output=True, text=True, check=True
    )
    counted: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return counted


def compare(old: Path, rounds: int, requests: int, db: str) -> None:
    was_calls, now_calls = calls_of(old), calls_of(ROOT)
    print("Python calls per request (in-process, deterministic): ", end="")
    print(", ".join(f"{op} {was_calls[op]} -> {now_calls[op]}" for op in now_calls))
    runs: dict[str, list[Results]] = {"old": [], "new": []}
    for i in range(rounds):
        order = [("old", old), ("new", ROOT)] if i % 2 == 0 else [("new", ROOT), ("old", old)]
        for label, checkout in order:
            runs[label].append(run_once(checkout, requests, db))
            print(f"round {i + 1}/{rounds} {label} done", file=sys.stderr, flush=True)
    print(f"median of {rounds} interleaved rounds, {requests} requests per op and level; ratio = new / old")
    print(
        f"{'op':<7}{'clients':>8}{'old req/s':>10}{'new req/s':>10}{'ratio':>6}"
        f"{'old p99':>9}{'new p99':>9}{'ratio':>6}{'old cpu':>9}{'new cpu':>9}{'ratio':>6}"
    )
    for key in runs["new"][0]:
        was, now = ([statistics.median(r[key][i] for r in runs[x]) for i in range(3)] for x in ("old", "new"))
        op, clients = key.split("/")
        print(
            f"{op:<7}{clients:>8}{was[0]:>10.0f}{now[0]:>10.0f}{now[0] / was[0]:>6.2f}"
            f"{was[1]:>9.1f}{now[1]:>9.1f}{now[1] / was[1]:>6.2f}"
            f"{was[2]:>9.2f}{now[2]:>9.2f}{now[2] / was[2]:>6.2f}"
        )


def python_calls() -> dict[str, int]:
    """Python function calls per create / get / list, through the app in-process (ASGI transport,
    no sockets): a count, so unlike any timing it does not move with the machine's load."""
    import asyncio
    import cProfile
    import pstats

    from qoder_emulator.app import create_app
    from qoder_emulator.settings import Settings

    app = create_app(Settings(tokens=("t",), db_path=":memory:", clock="manual"))
    calls: dict[str, int] = {}
    per_op = 50

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": "Bearer t"}
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://emu/api/v1/cloud", headers=headers) as c,
        ):
            agent = (await c.post("/agents", json={"name": "b", "model": "m"})).json()["id"]
            env = (await c.post("/environments", json={"name": "b", "config": {"type": "cloud"}})).json()[
                "id"
            ]

            def body(name: str) -> dict[str, object]:
                return {
                    "name": name,
                    "agent": agent,
                    "environment_id": env,
                    "schedule": {"type": "cron", "expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
                    "initial_events": [{"type": "user.message", "content": "report"}],
                }

            ids = [(await c.post("/deployments", json=body(f"warm-{i}"))).json()["id"] for i in range(30)]
            await c.get("/deployments", params={"limit": 20})
            ops: dict[str, Callable[[int], Awaitable[httpx.Response]]] = {
                "create": lambda i: c.post("/deployments", json=body(f"d-{i}")),
                "get": lambda i: c.get(f"/deployments/{ids[i % len(ids)]}"),
                "list": lambda i: c.get("/deployments", params={"limit": 20}),
            }
            for name, op in ops.items():
                profile = cProfile.Profile()
                profile.enable()
                for i in range(per_op):
                    (await op(i)).raise_for_status()
                profile.disable()
                calls[name] = pstats.Stats(profile).total_calls // per_op  # type: ignore[attr-defined]

    asyncio.run(run())
    return calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per kind and concurrency level")
    parser.add_argument("--db", choices=("file", "memory"), default="file")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON line")
    parser.add_argument("--compare-with", type=Path, help="another checkout's root: run both, interleaved")
    parser.add_argument("--rounds", type=int, default=5, help="with --compare-with: rounds per checkout")
    parser.add_argument("--calls", action="store_true", help="print Python calls per request (JSON) and exit")
    args = parser.parse_args()
    if args.calls:
        print(json.dumps(python_calls()))
        return
    if args.compare_with is not None:
        compare(args.compare_with, args.rounds, args.requests, args.db)
        return
    results: Results = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db" if args.db == "file" else None
        with running_emulator(db_path=db, unique_names=True) as emu:
            with emu.api() as setup:
                agent = setup.post("/agents", json={"name": "bench", "model": "m"}).json()["id"]
                env = setup.post("/environments", json={"name": "bench", "config": {"type": "cloud"}}).json()[
                    "id"
                ]
            ids: list[str] = []
            if not args.json:
                print(f"{'op':<8}{'clients':>8}{'req/s':>10}{'p99 ms':>10}{'cpu ms':>10}")
            for concurrency in (1, 16):
                clients = [emu.api() for _ in range(concurrency)]
                prefix = f"c{concurrency}"

                def create(client: httpx.Client, i: int, prefix: str = prefix) -> None:
                    response = client.post(
                        "/deployments",
                        json={
                            "name": f"{prefix}-{i}",
                            "agent": agent,
                            "environment_id": env,
                            "schedule": {
                                "type": "cron",
                                "expression": "0 9 * * *",
                                "timezone": "Asia/Shanghai",
                            },
                            "initial_events": [{"type": "user.message", "content": "report"}],
                        },
                    )
                    response.raise_for_status()
                    ids.append(response.json()["id"])

                def get(client: httpx.Client, i: int) -> None:
                    client.get(f"/deployments/{ids[i % len(ids)]}").raise_for_status()

                def list_page(client: httpx.Client, i: int) -> None:
                    client.get("/deployments", params={"limit": 20}).raise_for_status()

                for name, op in (("create", create), ("get", get), ("list", list_page)):
                    rate, p99, cpu = measure(clients, args.requests, op)
                    results[f"{name}/{concurrency}"] = (rate, p99, cpu)
                    if not args.json:
                        print(f"{name:<8}{concurrency:>8}{rate:>10.0f}{p99:>10.1f}{cpu:>10.2f}", flush=True)
                for client in clients:
                    client.close()
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
