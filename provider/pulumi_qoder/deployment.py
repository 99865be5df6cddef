"""Old home of ``Deployment``, kept as an alias: stacks' state holds ``__provider`` pickled by
reference to ``pulumi_qoder.deployment.DeploymentProvider``. The code lives in
``pulumi_qoder.resources.deployment``."""

from .core.idempotency import idempotency_key
from .resources.deployment.args import (
    BranchCheckoutArgs,
    CasConfigArgs,
    CommitCheckoutArgs,
    DefineOutcomeEventArgs,
    DeploymentArgs,
    DeploymentArgsDict,
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
from .resources.deployment.check import MANUAL_ONLY, check_inputs
from .resources.deployment.mapping import (
    create_body,
    deployment_to_inputs,
    deployment_to_outputs,
    update_patch,
)
from .resources.deployment.resource import Deployment, DeploymentProvider

__all__ = [
    "MANUAL_ONLY",
    "BranchCheckoutArgs",
    "CasConfigArgs",
    "CommitCheckoutArgs",
    "DefineOutcomeEventArgs",
    "Deployment",
    "DeploymentArgs",
    "DeploymentArgsDict",
    "DeploymentProvider",
    "FileResourceArgs",
    "FileRubricArgs",
    "GithubRepositoryResourceArgs",
    "MemoryStoreResourceArgs",
    "PinnedAgentArgs",
    "ScheduleArgs",
    "SystemMessageEventArgs",
    "TextBlockArgs",
    "TextRubricArgs",
    "UserMessageEventArgs",
    "check_inputs",
    "create_body",
    "deployment_to_inputs",
    "deployment_to_outputs",
    "idempotency_key",
    "update_patch",
]
