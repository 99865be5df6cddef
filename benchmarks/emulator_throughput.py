"""Emulator throughput on loopback: create / get / list requests per second and p99 latency.

Not a test. Run: .venv/bin/python benchmarks/emulator_throughput.py [--requests 400] [--db file|memory]
Starts one emulator (real uvicorn on 127.0.0.1, ephemeral port), then for 1 and 16 concurrent
clients (threads, one keep-alive httpx.Client each) runs a bounded number of each request kind.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from qoder_emulator.testing import running_emulator


def measure(
    clients: list[httpx.Client], total: int, request: Callable[[httpx.Client, int], None]
) -> tuple[float, float]:
    """``(requests per second, p99 latency in ms)`` for ``total`` requests spread over the clients."""
    per_client = total // len(clients)
    latencies: list[float] = []

    def worker(index: int) -> list[float]:
        client, own = clients[index], []
        for i in range(per_client):
            started = time.perf_counter()
            request(client, index * per_client + i)
            own.append(time.perf_counter() - started)
        return own

    started = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        for own in pool.map(worker, range(len(clients))):
            latencies.extend(own)
    elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    return len(latencies) / elapsed, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per kind and concurrency level")
    parser.add_argument("--db", choices=("file", "memory"), default="file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db" if args.db == "file" else None
        with running_emulator(db_path=db, unique_names=True) as emu:
            with emu.api() as setup:
                agent = setup.post("/agents", json={"name": "bench", "model": "m"}).json()["id"]
                env = setup.post("/environments", json={"name": "bench", "config": {"type": "cloud"}}).json()[
                    "id"
                ]
            ids: list[str] = []
            print(f"{'op':<8}{'clients':>8}{'req/s':>10}{'p99 ms':>10}")
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
                    rate, p99 = measure(clients, args.requests, op)
                    print(f"{name:<8}{concurrency:>8}{rate:>10.0f}{p99:>10.1f}", flush=True)
                for client in clients:
                    client.close()


if __name__ == "__main__":
    main()
