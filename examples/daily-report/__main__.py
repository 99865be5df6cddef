"""A daily status report: one deployment, with the agent and the environment it references.

The engine creates the agent and environment first (the deployment uses their ids) and, on
destroy, archives the deployment before them. Credentials: `qoder:token`/`qoder:baseUrl` config or
QODER_PAT/QODER_BASE_URL in the environment (`make demo` points them at the local emulator).
"""

import pulumi

from pulumi_qoder.agent import Agent
from pulumi_qoder.deployment import Deployment, ScheduleArgs, UserMessageEventArgs
from pulumi_qoder.environment import Environment, EnvironmentConfigArgs, LimitedNetworkingArgs, PackagesArgs

config = pulumi.Config()

reporter = Agent(
    "status-reporter",
    name="status-reporter",
    model="ultimate",
    system=config.get("system")
    or "You write the team's daily status report: what shipped, what is blocked, what is next.",
    description="Writes the daily status report",
)

sandbox = Environment(
    "report-sandbox",
    name="report-sandbox",
    description="Reads the tracker and the repository; nothing else",
    config=EnvironmentConfigArgs(
        networking=LimitedNetworkingArgs(allowed_hosts=["api.github.com"], allow_package_managers=True),
        packages=PackagesArgs(pip=["pandas"]),
    ),
)

daily = Deployment(
    "daily-report",
    name="daily-report",
    description="The team's status report, every morning",
    agent=reporter.id,  # the agent's latest version when created; see docs/resources.md to pin
    environment_id=sandbox.id,
    schedule=ScheduleArgs(expression=config.get("cron") or "0 9 * * *", timezone="Asia/Shanghai"),
    initial_events=[UserMessageEventArgs(content="Generate today's status report")],
)

# What `make demo` prints (scripts/demo_summary.py): one row per deployment.
pulumi.export(
    "deployments",
    [
        pulumi.Output.all(
            name=daily.name,
            schedule_summary=daily.schedule_summary,
            timezone=daily.schedule.apply(lambda s: (s or {}).get("timezone")),
            upcoming_runs_at=daily.upcoming_runs_at,
            status=daily.status,
        )
    ],
)
pulumi.export("agent_id", reporter.id)
pulumi.export("environment_id", sandbox.id)
