"""Accounts and token rotation: each token is one account; a rotated token opens the old one's."""

from __future__ import annotations

from pathlib import Path

from qoder_emulator.testing import running_emulator


def test_a_rotated_token_opens_the_old_account_and_the_old_token_stops_working(tmp_path: Path) -> None:
    db = tmp_path / "emulator.db"
    with running_emulator(tokens=("team-a", "team-b-old"), db_path=db) as emulator:
        with emulator.api("team-b-old") as api:
            made = api.post("/environments", json={"name": "b-env", "config": {"type": "cloud"}}).json()
        with emulator.api("team-a") as api:  # another account does not see it
            assert api.get(f"/environments/{made['id']}").status_code == 404

    rotated = {"team-b-new": "team-b-old"}
    with running_emulator(tokens=("team-a", "team-b-new"), db_path=db, same_account_as=rotated) as emulator:
        with emulator.api("team-b-new") as api:
            assert api.get(f"/environments/{made['id']}").json()["name"] == "b-env"
        with emulator.api("team-b-old") as api:
            answer = api.get(f"/environments/{made['id']}")
            assert answer.status_code == 401, answer.text
        with emulator.api("team-a") as api:
            assert api.get(f"/environments/{made['id']}").status_code == 404
