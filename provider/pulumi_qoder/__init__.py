"""Pulumi dynamic provider for Qoder Cloud Agents deployments.

Importing this package has no side effects: no network, no config reads, no clients.
"""

from .agent import Agent, AgentArgs, CustomSkillArgs, ModelArgs
from .deployment import (
    BranchCheckoutArgs,
    CasConfigArgs,
    CommitCheckoutArgs,
    DefineOutcomeEventArgs,
    Deployment,
    DeploymentArgs,
    DeploymentProvider,
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
from .environment import (
    Environment,
    EnvironmentArgs,
    EnvironmentConfigArgs,
    LimitedNetworkingArgs,
    PackagesArgs,
    UnrestrictedNetworkingArgs,
)
from .errors import ConfigurationError, QoderAPIError, QoderError, QoderTransportError
from .vault import McpCredentialArgs, Vault, VaultArgs

__all__ = [
    "Agent",
    "AgentArgs",
    "BranchCheckoutArgs",
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
    "FileResourceArgs",
    "FileRubricArgs",
    "GithubRepositoryResourceArgs",
    "LimitedNetworkingArgs",
    "McpCredentialArgs",
    "MemoryStoreResourceArgs",
    "ModelArgs",
    "PackagesArgs",
    "PinnedAgentArgs",
    "QoderAPIError",
    "QoderError",
    "QoderTransportError",
    "ScheduleArgs",
    "SystemMessageEventArgs",
    "TextBlockArgs",
    "TextRubricArgs",
    "UnrestrictedNetworkingArgs",
    "UserMessageEventArgs",
    "Vault",
    "VaultArgs",
]
