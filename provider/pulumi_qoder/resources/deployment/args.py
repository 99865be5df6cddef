"""Typed arguments of :class:`~pulumi_qoder.Deployment`: the schema users write against.

Property keys are the API's snake_case field names, so ``preview --diff`` prints paths such as
``schedule.expression``. Plain dicts with the API's field names work wherever a nested args class
is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NotRequired, Required, TypedDict

import pulumi

__all__ = [
    "BranchCheckoutArgs",
    "BudgetArgs",
    "CasConfigArgs",
    "CommitCheckoutArgs",
    "DefineOutcomeEventArgs",
    "DeploymentArgs",
    "DeploymentArgsDict",
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
]


@dataclass
class ScheduleArgs:
    """A cron schedule: 5 POSIX fields, evaluated on the wall clock of an IANA time zone."""

    expression: pulumi.Input[str]
    timezone: pulumi.Input[str]


@dataclass
class PinnedAgentArgs:
    """An agent pinned to one version (a bare id string means the latest version at create)."""

    id: pulumi.Input[str]
    version: pulumi.Input[int]


@dataclass
class TextBlockArgs:
    text: pulumi.Input[str]
    type: str = field(default="text", init=False)


@dataclass
class UserMessageEventArgs:
    """``content`` is a string or a list of content blocks (text, image, document)."""

    content: pulumi.Input[str | Sequence[Any]]
    type: str = field(default="user.message", init=False)


@dataclass
class SystemMessageEventArgs:
    content: pulumi.Input[str | Sequence[Any]]
    type: str = field(default="system.message", init=False)


@dataclass
class TextRubricArgs:
    content: pulumi.Input[str]
    type: str = field(default="text", init=False)


@dataclass
class FileRubricArgs:
    file_id: pulumi.Input[str]
    type: str = field(default="file", init=False)


@dataclass
class DefineOutcomeEventArgs:
    description: pulumi.Input[str]
    rubric: pulumi.Input[TextRubricArgs | FileRubricArgs | Mapping[str, Any]]
    max_iterations: pulumi.Input[int] | None = None
    type: str = field(default="user.define_outcome", init=False)


@dataclass
class BranchCheckoutArgs:
    name: pulumi.Input[str]
    type: str = field(default="branch", init=False)


@dataclass
class CommitCheckoutArgs:
    sha: pulumi.Input[str]
    type: str = field(default="commit", init=False)


@dataclass
class GithubRepositoryResourceArgs:
    """A repository mounted into each session. ``authorization_token`` is write-only: the API
    never echoes it, and this package keeps it secret in state."""

    url: pulumi.Input[str]
    authorization_token: pulumi.Input[str]
    mount_path: pulumi.Input[str] | None = None
    checkout: pulumi.Input[BranchCheckoutArgs | CommitCheckoutArgs | Mapping[str, Any]] | None = None
    type: str = field(default="github_repository", init=False)


@dataclass
class FileResourceArgs:
    file_id: pulumi.Input[str]
    mount_path: pulumi.Input[str] | None = None
    type: str = field(default="file", init=False)


@dataclass
class MemoryStoreResourceArgs:
    memory_store_id: pulumi.Input[str]
    access: pulumi.Input[Literal["read_write", "read_only"]] | None = None
    instructions: pulumi.Input[str] | None = None
    type: str = field(default="memory_store", init=False)


@dataclass
class CasConfigArgs:
    """Execution settings, sent as ``metadata.cas_config``. Omitted fields mean the API default."""

    max_retries: pulumi.Input[int] | None = None
    timeout_ms: pulumi.Input[int] | None = None
    max_concurrent: pulumi.Input[int] | None = None
    session_strategy: pulumi.Input[str] | None = None


@dataclass
class BudgetArgs:
    """A spending limit copied to each session the deployment starts: ``max_credit_cost`` is a
    positive decimal string of Credits (at most 12 integer and 2 fractional digits)."""

    max_credit_cost: pulumi.Input[str]
    type: str = field(default="limit", init=False)


EventArgs = UserMessageEventArgs | SystemMessageEventArgs | DefineOutcomeEventArgs
ResourceArgs = GithubRepositoryResourceArgs | FileResourceArgs | MemoryStoreResourceArgs


@dataclass
class DeploymentArgs:
    """Inputs of a :class:`Deployment`. Plain dicts with the API's field names work everywhere a
    nested args class is accepted."""

    name: pulumi.Input[str]
    agent: pulumi.Input[str | PinnedAgentArgs | Mapping[str, Any]]
    environment_id: pulumi.Input[str]
    initial_events: pulumi.Input[Sequence[pulumi.Input[EventArgs | Mapping[str, Any]]]]
    description: pulumi.Input[str] | None = None
    schedule: pulumi.Input[ScheduleArgs | Mapping[str, Any]] | None = None
    resources: pulumi.Input[Sequence[pulumi.Input[ResourceArgs | Mapping[str, Any]]]] | None = None
    vault_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    cas_config: pulumi.Input[CasConfigArgs | Mapping[str, Any]] | None = None
    environment_variables: pulumi.Input[str] | None = None
    """Dotenv text (``KEY=value`` lines) given to each session; a secret: state holds ciphertext."""
    budget: pulumi.Input[BudgetArgs | Mapping[str, Any]] | None = None
    desired_status: pulumi.Input[Literal["active", "paused"]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """Bring an existing deployment (``dep_...``) under management instead of creating one: the
    first ``up`` reads it and patches it to match these inputs. (``pulumi import`` and the
    ``import_`` option do not work for dynamic resources: the engine's import read carries no
    serialized provider.) Only used at create; later changes to it are ignored."""
    profile: pulumi.Input[str] | None = None
    """A profile named in stack config ``qoder:profiles`` (another account); omitted: the
    stack's own credentials. Only the name is stored; see docs/provider.md."""


class DeploymentArgsDict(TypedDict):
    """The keyword form of :class:`DeploymentArgs` (``Deployment("x", name=..., ...)``): a typo
    in a keyword is a type error in the editor."""

    name: Required[pulumi.Input[str]]
    agent: Required[pulumi.Input[str | PinnedAgentArgs | Mapping[str, Any]]]
    environment_id: Required[pulumi.Input[str]]
    initial_events: Required[pulumi.Input[Sequence[pulumi.Input[EventArgs | Mapping[str, Any]]]]]
    description: NotRequired[pulumi.Input[str] | None]
    schedule: NotRequired[pulumi.Input[ScheduleArgs | Mapping[str, Any]] | None]
    resources: NotRequired[pulumi.Input[Sequence[pulumi.Input[ResourceArgs | Mapping[str, Any]]]] | None]
    vault_ids: NotRequired[pulumi.Input[Sequence[pulumi.Input[str]]] | None]
    metadata: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[str]]] | None]
    cas_config: NotRequired[pulumi.Input[CasConfigArgs | Mapping[str, Any]] | None]
    environment_variables: NotRequired[pulumi.Input[str] | None]
    budget: NotRequired[pulumi.Input[BudgetArgs | Mapping[str, Any]] | None]
    desired_status: NotRequired[pulumi.Input[Literal["active", "paused"]] | None]
    adopt_id: NotRequired[pulumi.Input[str] | None]
    profile: NotRequired[pulumi.Input[str] | None]
