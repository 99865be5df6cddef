"""Take over a deployment that was made by hand, with the agent and environment it uses.

Set the ids of what exists (`pulumi config set deploymentId dep_...`, `agentId`, `environmentId`) and
describe each object as you want it. The first `up` adopts them (`adopt_id`) instead of creating
twins, converging each to this program in place. Afterwards they are managed like anything else:
`up` applies changes, `refresh` sees console edits, `destroy` archives them (add
`retain_on_delete=True` to leave them behind instead).

`adopt_id` rather than `ResourceOptions(import_=...)`: see README.md.
"""

import pulumi

from pulumi_qoder.agent import Agent
from pulumi_qoder.deployment import Deployment
from pulumi_qoder.environment import Environment, EnvironmentConfigArgs, UnrestrictedNetworkingArgs

config = pulumi.Config()

agent = Agent(
    "triage-agent",
    name="triage-agent",
    model="ultimate",
    system="Triage new issues: label, deduplicate, and ask for missing details.",
    adopt_id=config.require("agentId"),
)
environment = Environment(
    "triage-env",
    name="triage-env",
    config=EnvironmentConfigArgs(networking=UnrestrictedNetworkingArgs()),
    adopt_id=config.require("environmentId"),
)

triage = Deployment(
    "issue-triage",
    name="issue-triage",
    agent=agent.id,
    environment_id=environment.id,
    schedule={"expression": "0 * * * *", "timezone": "UTC"},
    initial_events=[{"type": "user.message", "content": "Triage the issues opened in the last hour"}],
    adopt_id=config.require("deploymentId"),
)

pulumi.export("deployment_id", triage.id)
pulumi.export("agent_id", agent.id)
pulumi.export("agent_version", agent.version)
pulumi.export("environment_id", environment.id)
