"""Pulumi dynamic provider for Qoder Cloud Agents deployments.

Importing this package has no side effects: no network, no config reads, no clients, and no
HTTP stack (httpx loads when the first API call is made).

Layout: ``core/`` (the lifecycle, free of Pulumi), ``wire/`` (client, errors, credentials),
``resources/<kind>/`` (args, check, mapping, lifecycle, resource), ``dynamic.py`` (the
``pulumi.dynamic`` front end).
"""

from .resources.agent.args import AgentArgs, CustomSkillArgs, ModelArgs
from .resources.agent.resource import Agent
from .resources.deployment.args import (
    BranchCheckoutArgs,
    BudgetArgs,
    CasConfigArgs,
    CommitCheckoutArgs,
    DefineOutcomeEventArgs,
    DeploymentArgs,
    FileResourceArgs,
    FileRubricArgs,
    GithubRepositoryResourceArgs,
    MemoryStoreResourceArgs,
    PinnedAgentArgs,
    ScheduleArgs,
    SystemMessageEventArgs,
    TextBlockArgs,
    TextRubricArgs,
    UserMessageEventArgs,
)
from .resources.deployment.resource import Deployment, DeploymentProvider
from .resources.environment.args import (
    EnvironmentArgs,
    EnvironmentConfigArgs,
    LimitedNetworkingArgs,
    PackagesArgs,
    UnrestrictedNetworkingArgs,
)
from .resources.environment.resource import Environment
from .resources.vault.args import McpCredentialArgs, VaultArgs
from .resources.vault.resource import Vault
from .resources.vault_credential.args import (
    EnvironmentVariableAuthArgs,
    LimitedCredentialNetworkingArgs,
    McpOAuthAuthArgs,
    McpOAuthRefreshArgs,
    StaticBearerAuthArgs,
    TokenEndpointAuthArgs,
    VaultCredentialArgs,
)
from .resources.vault_credential.resource import VaultCredential
from .wire.errors import ConfigurationError, QoderAPIError, QoderError, QoderTransportError

__all__ = [
    "Agent",
    "AgentArgs",
    "BranchCheckoutArgs",
    "BudgetArgs",
    "CasConfigArgs",
    "CommitCheckoutArgs",
    "ConfigurationError",
    "CustomSkillArgs",
    "DefineOutcomeEventArgs",
    "Deployment",
    "DeploymentArgs",
    "DeploymentProvider",
    "Environment",
    "EnvironmentArgs",
    "EnvironmentConfigArgs",
    "EnvironmentVariableAuthArgs",
    "FileResourceArgs",
    "FileRubricArgs",
    "GithubRepositoryResourceArgs",
    "LimitedCredentialNetworkingArgs",
    "LimitedNetworkingArgs",
    "McpCredentialArgs",
    "McpOAuthAuthArgs",
    "McpOAuthRefreshArgs",
    "MemoryStoreResourceArgs",
    "ModelArgs",
    "PackagesArgs",
    "PinnedAgentArgs",
    "QoderAPIError",
    "QoderError",
    "QoderTransportError",
    "ScheduleArgs",
    "StaticBearerAuthArgs",
    "SystemMessageEventArgs",
    "TextBlockArgs",
    "TextRubricArgs",
    "TokenEndpointAuthArgs",
    "UnrestrictedNetworkingArgs",
    "UserMessageEventArgs",
    "Vault",
    "VaultArgs",
    "VaultCredential",
    "VaultCredentialArgs",
]
