"""Take over objects that were made by hand: the agent and environment an existing deployment uses.

Set the ids of what exists (`pulumi config set agentId agent_...`, `environmentId env_...`) and
describe each object as you want it. The first `up` adopts them (`adopt_id`) instead of creating
twins, converging each to this program in place. Afterwards they are managed like anything else:
`up` applies changes, `refresh` sees console edits, `destroy` archives them (add
`retain_on_delete=True` to leave them behind instead).

The deployment itself is not adopted here yet: `ResourceOptions(import_=...)` cannot work for a
dynamic resource (see README.md), and `Deployment` has no `adopt_id` yet.
"""

import pulumi
from pulumi_qoder.agent import Agent
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

pulumi.export("agent_id", agent.id)
pulumi.export("agent_version", agent.version)
pulumi.export("environment_id", environment.id)
