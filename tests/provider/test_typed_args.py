"""The keyword form of every resource is typed: a misspelt or missing argument is an error in the
editor (mypy here), not only when the program runs."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mypy import api

PROGRAM = """
from pulumi_qoder import Agent, Deployment, Environment, ScheduleArgs, Vault

env = Environment("env", name="sandbox")
bot = Agent("bot", name="bot", model="ultimate", sytem="typo")
Vault("keys", display_name="keys", credentails=[])
Deployment(
    "daily",
    name="daily",
    agent=bot.id,
    environment_id=env.id,
    initial_events=[{"type": "user.message", "content": "hi"}],
    schedule=ScheduleArgs(expression="0 9 * * *", timezone="UTC"),
    desired_status="actve",
)
Deployment("no-agent", name="x", environment_id=env.id, initial_events=[])
"""


def test_keyword_typos_and_missing_required_arguments_are_type_errors(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent(PROGRAM))
    out, _, status = api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(program)]
    )
    errors = [line for line in out.splitlines() if line.startswith(str(program)) and ": error:" in line]
    assert status == 1
    text = "\n".join(errors)
    assert 'Unexpected keyword argument "sytem"' in text
    assert 'Unexpected keyword argument "credentails"' in text
    # desired_status is Literal["active", "paused"]: "actve" matches no overload (line 7), nor does
    # a Deployment without its required agent (line 16).
    assert 'No overload variant of "Deployment"' in text
    lines = {int(line[len(str(program)) :].split(":")[1]) for line in errors}
    assert lines == {5, 6, 7, 16}, text  # the correct Environment on line 4 passes
