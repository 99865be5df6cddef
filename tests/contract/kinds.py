"""The provider's entry points per resource (its preview-time check and its create mapping), and
each resource's valid base inputs. The only place that knows where the provider keeps them."""

from __future__ import annotations

from pulumi_qoder.resources.agent import check as agent
from pulumi_qoder.resources.agent import mapping as agent_mapping
from pulumi_qoder.resources.deployment import check as deployment
from pulumi_qoder.resources.deployment import mapping as deployment_mapping
from pulumi_qoder.resources.environment import check as environment
from pulumi_qoder.resources.environment import mapping as environment_mapping
from pulumi_qoder.resources.vault import check as vault
from pulumi_qoder.resources.vault import mapping as vault_mapping
from pulumi_qoder.resources.vault_credential import check as credential
from pulumi_qoder.resources.vault_credential import mapping as credential_mapping

from .harness import AGENT, ENVIRONMENT, VAULT, Kind

DEPLOYMENT = Kind(
    name="deployment",
    collection="deployments",
    base={
        "name": "contract-deployment",
        "agent": AGENT,
        "environment_id": ENVIRONMENT,
        "schedule": {"expression": "0 9 * * *", "timezone": "Asia/Shanghai"},
        "initial_events": [{"type": "user.message", "content": "Generate today's status report"}],
    },
    check=deployment.check_inputs,
    create_body=deployment_mapping.create_body,
    input_keys=deployment.INPUT_KEYS,
    required=("name", "agent", "environment_id", "initial_events"),
    unique_key="name",
    provider_only=("cas_config", "desired_status", "adopt_id"),
    # Execution settings are their own input, sent inside metadata.
    wire_paths={
        "cas_config": "metadata.cas_config",
        "cas_config.session_strategy": "metadata.cas_config.session_strategy",
        **{f"cas_config.{k}": f"metadata.cas_config.config.{k}" for k in deployment.CAS_CONFIG_KEYS},
    },
)

AGENT_KIND = Kind(
    name="agent",
    collection="agents",
    base={"name": "contract-agent", "model": "ultimate"},
    check=agent.check_inputs,
    create_body=agent_mapping.create_body,
    input_keys=agent.INPUT_KEYS,
    required=("name", "model"),
)

ENVIRONMENT_KIND = Kind(
    name="environment",
    collection="environments",
    base={"name": "contract-env"},
    check=environment.check_inputs,
    create_body=environment_mapping.create_body,
    input_keys=environment.INPUT_KEYS,
    required=("name",),
)

VAULT_KIND = Kind(
    name="vault",
    collection="vaults",
    base={"display_name": "contract-vault"},
    check=vault.check_inputs,
    create_body=vault_mapping.create_body,
    input_keys=vault.INPUT_KEYS,
    required=("display_name",),
)

VAULT_CREDENTIAL_KIND = Kind(
    name="vault credential",
    collection="vaults/{vault_id}/credentials",
    base={
        "vault_id": VAULT,
        "auth": {
            "type": "static_bearer",
            "token": "ghp_secret",
            "mcp_server_url": "https://mcp.github.test/",
        },
    },
    check=credential.check_inputs,
    create_body=credential_mapping.create_body,
    input_keys=credential.INPUT_KEYS,
    required=("vault_id", "auth"),
    provider_only=("vault_id", "adopt_id"),
    path_params=("vault_id",),
)
