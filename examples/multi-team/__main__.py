"""Several teams' deployments built from one table in stack config (Pulumi.<stack>.yaml).

One agent and one environment serve every row; a vault with an MCP token is shared by the rows
that say `vault: true`. Rows without `cron` are manual-only; `status: paused` declares a pause
that the next `up` keeps (a pause by the service is warned about, and undone only once its
cause is gone: docs/provider.md, Pauses).
"""

from typing import Any

import pulumi

from pulumi_qoder import StaticBearerAuthArgs, VaultCredential
from pulumi_qoder.agent import Agent
from pulumi_qoder.deployment import Deployment
from pulumi_qoder.environment import Environment
from pulumi_qoder.vault import Vault

config = pulumi.Config()
rows: list[dict[str, Any]] = config.require_object("deployments")

agent = Agent("team-assistant", name="team-assistant", model="ultimate", system="You help engineering teams.")
environment = Environment("team-sandbox", name="team-sandbox")
vault = Vault("team-mcp", display_name="team-mcp")
# The token is its own object: rotating it is one in-place update; the vault and its id stay.
token = VaultCredential(
    "team-mcp-token",
    vault_id=vault.id,
    display_name="team MCP server",
    auth=StaticBearerAuthArgs(
        token=config.require_secret("mcpToken"),
        mcp_server_url=config.get("mcpServerUrl") or "https://mcp.example.com/mcp",
    ),
)

deployments = []
for row in rows:
    schedule = (
        {"expression": row["cron"], "timezone": row.get("timezone", "UTC")} if row.get("cron") else None
    )
    deployments.append(
        Deployment(
            row["name"],
            name=row["name"],
            agent=agent.id,
            environment_id=environment.id,
            schedule=schedule,
            initial_events=[{"type": "user.message", "content": row["prompt"]}],
            vault_ids=[vault.id] if row.get("vault") else None,
            desired_status=row.get("status", "active"),
            metadata={"managed-by": "pulumi", "table": "multi-team"},
        )
    )

pulumi.export(
    "deployments",
    [
        pulumi.Output.all(
            name=d.name,
            id=d.id,
            schedule_summary=d.schedule_summary,
            timezone=d.schedule.apply(lambda s: (s or {}).get("timezone")),
            upcoming_runs_at=d.upcoming_runs_at,
            status=d.status,
            vault_ids=d.vault_ids,
        )
        for d in deployments
    ],
)
pulumi.export("vault_id", vault.id)
pulumi.export("credential_id", token.id)
