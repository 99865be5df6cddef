"""The seed's daily status report on Claude Managed Agents (CMA): the same resource classes as
on Qoder, with the provider switched to CMA by ``qoder:flavor cma`` (or an ``anthropic.com`` base
URL). Credentials: ``qoder:token`` (secret) or ANTHROPIC_API_KEY; base URL ``qoder:baseUrl`` or
QODER_BASE_URL, default https://api.anthropic.com. What differs from Qoder: docs/cma.md.
"""

import pulumi

from pulumi_qoder.agent import Agent
from pulumi_qoder.deployment import Deployment, ScheduleArgs, UserMessageEventArgs
from pulumi_qoder.environment import Environment, EnvironmentConfigArgs, LimitedNetworkingArgs, PackagesArgs

config = pulumi.Config()

reporter = Agent(
    "status-reporter",
    name="status-reporter",
    model=config.get("model") or "claude-sonnet-4-6",  # CMA runs Claude models
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
    agent=reporter.id,
    environment_id=sandbox.id,
    schedule=ScheduleArgs(expression=config.get("cron") or "0 9 * * *", timezone="Asia/Shanghai"),
    # CMA takes message content as blocks; text is sent as one text block.
    initial_events=[UserMessageEventArgs(content="Generate today's status report")],
    # CMA's budget is list-price money in cents: {"max_list_cost": {"currency": "USD", "amount": "500"}}.
    budget={"max_list_cost": {"currency": "USD", "amount": config.get("budgetCents") or "500"}},
)

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
pulumi.export("deployment_id", daily.id)
pulumi.export("agent_id", reporter.id)
pulumi.export("environment_id", sandbox.id)
