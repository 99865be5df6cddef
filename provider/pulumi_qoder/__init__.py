"""Pulumi dynamic provider for Qoder Cloud Agents deployments.

Importing this package has no side effects: no network, no config reads, no clients.
"""

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
from .errors import ConfigurationError, QoderAPIError, QoderError, QoderTransportError

__all__ = [
    "BranchCheckoutArgs",
    "CasConfigArgs",
    "CommitCheckoutArgs",
    "ConfigurationError",
    "DefineOutcomeEventArgs",
    "Deployment",
    "DeploymentArgs",
    "DeploymentProvider",
    "FileResourceArgs",
    "FileRubricArgs",
    "GithubRepositoryResourceArgs",
    "MemoryStoreResourceArgs",
    "PinnedAgentArgs",
    "QoderAPIError",
    "QoderError",
    "QoderTransportError",
    "ScheduleArgs",
    "SystemMessageEventArgs",
    "TextBlockArgs",
    "TextRubricArgs",
    "UserMessageEventArgs",
]
