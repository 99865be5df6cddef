"""Two deployments of one agent; change a schedule in a pull request and read the report."""

import pulumi

from pulumi_qoder.deployment import Deployment

config = pulumi.Config()
agent = config.require("agent")
environment = config.require("environment")

Deployment(
    "triage",
    name="issue-triage",
    agent=agent,
    environment_id=environment,
    initial_events=[{"type": "user.message", "content": "Triage the issues opened since the last run"}],
    schedule={"expression": config.get("triage_cron") or "0 9 * * *", "timezone": "Asia/Shanghai"},
)
Deployment(
    "weekly-digest",
    name="weekly-digest",
    agent=agent,
    environment_id=environment,
    initial_events=[{"type": "user.message", "content": "Summarise this week's merged pull requests"}],
    schedule={"expression": "0 17 * * 5", "timezone": "Asia/Shanghai"},
    desired_status="paused" if config.get_bool("digest_paused") else "active",
)
