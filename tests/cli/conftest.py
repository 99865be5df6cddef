"""An emulator on loopback with one account, an agent, an environment and a daily deployment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from qoder_emulator.testing import EmulatorHandle, running_emulator

TOKEN = "cli-token"


@dataclass
class Seeded:
    emulator: EmulatorHandle
    agent: dict[str, Any]
    environment: dict[str, Any]
    daily: dict[str, Any]

    def create_deployment(self, name: str, schedule: dict[str, str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": name,
            "agent": self.agent["id"],
            "environment_id": self.environment["id"],
            "initial_events": [{"type": "user.message", "content": "Write the report"}],
        }
        if schedule is not None:
            body["schedule"] = {"type": "cron", **schedule}
        with self.emulator.api() as api:
            response = api.post("/deployments", json=body)
        response.raise_for_status()
        created: dict[str, Any] = response.json()
        return created

    def post(self, path: str) -> dict[str, Any]:
        with self.emulator.api() as api:
            response = api.post(path)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer


# The manual clock starts three days before the real now, so that `--since 24h` (measured by the
# real clock) keeps the last day's runs and drops the two before.
START = (datetime.now(UTC) - timedelta(days=3)).replace(second=0, microsecond=0)


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> Iterator[Seeded]:
    with running_emulator(tokens=(TOKEN,), clock="manual", start=START) as emulator:
        with emulator.api() as api:
            agent = api.post("/agents", json={"name": "reporter", "model": "ultimate"}).json()
            environment = api.post(
                "/environments", json={"name": "sandbox", "config": {"type": "cloud"}}
            ).json()
        seed = Seeded(emulator, agent, environment, {})
        # Hourly at minute 7, so fires are spread through the day whatever the start time.
        seed.daily = seed.create_deployment("daily", {"expression": "7 */6 * * *", "timezone": "UTC"})
        for name in ("QODER_PERSONAL_ACCESS_TOKEN", "QODER_WORKSPACE_ID"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("QODER_BASE_URL", emulator.base_url)
        monkeypatch.setenv("QODER_PAT", TOKEN)
        yield seed
