"""The wire schema: every request and response body, declared once as pydantic v2 models.

Routes name these models (``response_model``, request bodies), so ``/openapi.json`` is generated
from them; the schemathesis run checks every response against them. Request validation that must
name a precise field path in Qoder's error envelope (``schedule.expression``,
``initial_events[0].content``), and the rules a model cannot state (references, uniqueness,
state transitions, cron and time-zone meaning), live in ``validation.py`` and the service.
Responses forbid undeclared fields, so a field served but not declared fails the fuzz run.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
Timestamp = str  # RFC 3339, UTC, "Z"


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Open(BaseModel):
    """Nested shapes echoed as sent (tools, content blocks): open to fields the SDKs add."""

    model_config = ConfigDict(extra="allow")


# --- errors and lists ------------------------------------------------------------------------------


class ErrorDetail(Wire):
    type: str = Field(examples=["invalid_request_error"])
    message: str
    param: str | None = Field(None, description="the field path, e.g. schedule.expression")


class ErrorEnvelope(Wire):
    type: Literal["error"]
    error: ErrorDetail


class Page(Wire, Generic[T]):
    data: list[T]
    first_id: str | None
    last_id: str | None
    has_more: bool
    next_page: str | None = Field(
        description="cursor for `page`: continues in the direction paged (`before:<id>` after a before_id page)"
    )


class Deleted(Wire):
    id: str
    type: str = Field(examples=["vault_deleted"])


# --- shared pieces ---------------------------------------------------------------------------------


class AgentRef(Wire):
    id: str
    type: Literal["agent"]
    version: int


class AgentRefInput(Wire):
    type: Literal["agent"]
    id: str
    version: int | None = Field(None, ge=1)


class TextBlock(Wire):
    type: Literal["text"]
    text: str = Field(min_length=1)


class ContentBlock(Open):
    type: Literal["text", "image", "document", "redacted"]


class UserMessage(Wire):
    type: Literal["user.message"]
    content: str | list[ContentBlock] = Field(description="echoed as sent: a string or content blocks")


class SystemMessage(Wire):
    type: Literal["system.message"]
    content: list[TextBlock]


class Rubric(Wire):
    type: Literal["text", "file"]
    content: str | None = None
    file_id: str | None = None


class DefineOutcome(Wire):
    type: Literal["user.define_outcome"]
    description: str
    rubric: Rubric
    max_iterations: int = Field(3, ge=1, le=20)


InitialEvent = UserMessage | SystemMessage | DefineOutcome


class Checkout(Wire):
    type: Literal["branch", "commit"]
    name: str | None = None
    sha: str | None = None


class GithubRepository(Wire):
    type: Literal["github_repository"]
    url: str
    mount_path: str
    checkout: Checkout | None = None


class FileResource(Wire):
    type: Literal["file"]
    file_id: str
    mount_path: str


class MemoryStoreResource(Wire):
    type: Literal["memory_store"]
    memory_store_id: str
    access: Literal["read_write", "read_only"]
    instructions: str | None = None


Resource = GithubRepository | FileResource | MemoryStoreResource


class GithubRepositoryInput(Wire):
    type: Literal["github_repository"]
    url: str
    authorization_token: str = Field(description="write-only: never echoed")
    mount_path: str | None = None
    checkout: Checkout | None = None


class FileResourceInput(Wire):
    type: Literal["file"]
    file_id: str
    mount_path: str | None = None


class MemoryStoreResourceInput(Wire):
    type: Literal["memory_store"]
    memory_store_id: str
    access: Literal["read_write", "read_only"] | None = None
    instructions: str | None = None


ResourceInput = GithubRepositoryInput | FileResourceInput | MemoryStoreResourceInput


# --- deployments -----------------------------------------------------------------------------------


class ScheduleInput(Wire):
    type: Literal["cron"]
    expression: str = Field(description="5-field cron", examples=["0 9 * * *"])
    timezone: str = Field(description="IANA time zone", examples=["Asia/Shanghai"])


class Schedule(ScheduleInput):
    upcoming_runs_at: list[Timestamp]
    last_run_at: Timestamp | None = None


class CasSettings(Wire):
    max_retries: int = Field(ge=0, le=10)
    timeout_ms: int = Field(ge=1000, le=86_400_000)
    max_concurrent: int = Field(ge=1, le=100)


class CasStats(Wire):
    consecutive_failures: int
    total_failures: int
    total_runs: int
    next_trigger_at: Timestamp | None
    last_triggered_at: Timestamp | None = None


class CasConfig(Wire):
    session_strategy: str
    config: CasSettings
    stats: CasStats


class Money(Wire):
    currency: Literal["USD"]
    amount: str = Field(pattern=r"^[0-9]+$")


class Budget(Wire):
    type: Literal["limit"]
    max_credit_cost: str | None = Field(None, pattern=r"^[0-9]{1,12}(\.[0-9]{1,2})?$")
    max_list_cost: Money | None = None


class PausedError(Wire):
    type: str


class PausedReason(Wire):
    type: Literal["manual", "error"]
    error: PausedError | None = None


class Deployment(Wire):
    id: str = Field(examples=["dep_019eb4d4a06d747c865d5800b9c57ae2"])
    type: Literal["deployment"]
    name: str
    description: str
    agent: AgentRef
    environment_id: str
    schedule: Schedule | None
    initial_events: list[InitialEvent]
    resources: list[Resource]
    vault_ids: list[str]
    metadata: dict[str, str | CasConfig] = Field(description="user keys, plus the cas_config object")
    environment_variables: str
    budget: Budget | None
    status: Literal["active", "paused"]
    paused_reason: PausedReason | None
    archived_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class DeploymentCreate(Wire):
    name: str = Field(min_length=1, max_length=256)
    agent: str | AgentRefInput
    environment_id: str
    initial_events: list[InitialEvent] = Field(min_length=1, max_length=50)
    description: str | None = None
    schedule: ScheduleInput | None = None
    resources: list[ResourceInput] | None = None
    vault_ids: list[str] | None = Field(None, max_length=50)
    metadata: dict[str, Any] | None = Field(None, description="string values; cas_config an object")
    environment_variables: str | None = None
    budget: Budget | None = None


class DeploymentUpdate(Wire):
    """Merge-patch: omitted fields keep their value; ``null`` clears (``schedule: null`` = manual only)."""

    name: str | None = Field(None, min_length=1, max_length=256)
    agent: str | AgentRefInput | None = None
    environment_id: str | None = None
    initial_events: list[InitialEvent] | None = Field(None, min_length=1, max_length=50)
    description: str | None = None
    schedule: ScheduleInput | None = None
    resources: list[ResourceInput] | None = None
    vault_ids: list[str] | None = Field(None, max_length=50)
    metadata: dict[str, Any] | None = None
    environment_variables: str | None = None
    budget: Budget | None = None


class EmptyBody(Wire):
    pass


# --- runs ------------------------------------------------------------------------------------------


class RunError(Wire):
    type: str
    message: str


class TriggerContext(Wire):
    type: Literal["manual", "schedule", "retry"]
    scheduled_at: Timestamp | None = None


class RunExtras(Wire):
    attempt: int
    turn_id: str | None
    started_at: Timestamp


class DeploymentRun(Wire):
    id: str
    type: Literal["deployment_run"]
    deployment_id: str
    agent: AgentRef
    status: Literal["pending", "running", "completed", "failed", "skipped"]
    session_id: str | None
    error: RunError | None
    trigger_context: TriggerContext
    triggered_at: Timestamp
    created_at: Timestamp
    completed_at: Timestamp | None
    duration_ms: int | None
    cas_run_extras: RunExtras


# --- agents ----------------------------------------------------------------------------------------

Effort = Literal["low", "medium", "high", "xhigh", "max"]


class EffortObject(Wire):
    type: Effort


class ModelConfig(Wire):
    id: str = Field(min_length=1, max_length=256)
    effort: Effort | EffortObject | None = None
    speed: Literal["standard", "fast"] | None = None
    context_window: int | None = Field(None, ge=1)
    inference_geo: str | None = None


class SelfMember(Wire):
    type: Literal["self"]


class AdvisorMember(Wire):
    type: Literal["advisor"]
    model: str


class AgentMember(Wire):
    type: Literal["agent"]
    id: str
    version: int


class Multiagent(Wire):
    type: Literal["coordinator"]
    agents: list[AgentMember | SelfMember | AdvisorMember]


class MultiagentInput(Wire):
    type: Literal["coordinator"]
    agents: list[str | AgentRefInput | SelfMember | AdvisorMember] = Field(min_length=1, max_length=20)


class Agent(Wire):
    id: str
    type: Literal["agent"]
    name: str
    description: str
    model: str | ModelConfig
    system: str
    instructions: str = Field(description="mirror of system")
    tools: list[dict[str, Any]]
    mcp_servers: list[dict[str, Any]]
    skills: list[dict[str, Any]]
    metadata: dict[str, str]
    multiagent: Multiagent | None
    default_environment: str
    version: int
    archived: bool
    archived_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class AgentCreate(Wire):
    name: str = Field(min_length=1, max_length=256)
    model: str | ModelConfig
    system: str | None = None
    description: str | None = None
    tools: list[dict[str, Any]] | None = Field(None, max_length=128)
    mcp_servers: list[dict[str, Any]] | None = Field(None, max_length=20)
    skills: list[dict[str, Any]] | None = Field(None, max_length=20)
    metadata: dict[str, str] | None = None
    multiagent: MultiagentInput | None = None


class AgentUpdate(Wire):
    version: int | None = Field(None, ge=1, description="optimistic concurrency, only when sent")
    name: str | None = Field(None, min_length=1, max_length=256)
    model: str | ModelConfig | None = None
    system: str | None = None
    description: str | None = None
    tools: list[dict[str, Any]] | None = Field(None, max_length=128)
    mcp_servers: list[dict[str, Any]] | None = Field(None, max_length=20)
    skills: list[dict[str, Any]] | None = Field(None, max_length=20)
    metadata: dict[str, str | None] | None = None
    multiagent: MultiagentInput | None = None


# --- environments ----------------------------------------------------------------------------------


class Networking(Wire):
    type: Literal["unrestricted", "limited"]
    allowed_hosts: list[str] | None = None
    allow_package_managers: bool | None = None
    allow_mcp_servers: bool | None = None


class Packages(Wire):
    type: Literal["packages"] | None = None
    apt: list[str] | None = None
    cargo: list[str] | None = None
    gem: list[str] | None = None
    go: list[str] | None = None
    npm: list[str] | None = None
    pip: list[str] | None = None


class EnvironmentConfig(Wire):
    type: Literal["cloud", "self_hosted"] | None = Field(None, description="default cloud")
    networking: Networking | None = None
    packages: Packages | None = None
    setup_script: str | None = None


class Environment(Wire):
    id: str
    type: Literal["environment"]
    name: str
    description: str
    config: EnvironmentConfig
    scope: Literal["organization", "account"]
    metadata: dict[str, str]
    status: Literal["ready"]
    archived: bool
    archived_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class EnvironmentCreate(Wire):
    name: str = Field(min_length=1, max_length=256)
    description: str | None = Field(None, max_length=1024)
    config: EnvironmentConfig | None = None
    scope: Literal["organization", "account"] | None = None
    metadata: dict[str, str] | None = None


class EnvironmentUpdate(Wire):
    name: str | None = Field(None, min_length=1, max_length=256)
    description: str | None = Field(None, max_length=1024)
    config: EnvironmentConfig | None = None
    scope: Literal["organization", "account"] | None = None
    metadata: dict[str, str | None] | None = None


# --- vaults and credentials ------------------------------------------------------------------------

Protocol = Literal["sse", "streamable_http"]


class InlineCredential(Wire):
    """The documented flat shape in ``vault.credentials`` (``type`` is the auth type)."""

    id: str
    vault_id: str
    mcp_server_url: str
    protocol: Protocol
    type: Literal["static_bearer"]
    status: Literal["active", "archived"]
    archived_at: Timestamp | None = None
    created_at: Timestamp
    updated_at: Timestamp


class InlineCredentialInput(Wire):
    mcp_server_url: str
    type: Literal["static_bearer"]
    access_token: str = Field(description="write-only: never echoed")
    protocol: Protocol | None = None


class Vault(Wire):
    id: str
    type: Literal["vault"]
    display_name: str
    status: Literal["active", "archived"]
    metadata: dict[str, str]
    credentials: list[InlineCredential]
    archived_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class VaultCreate(Wire):
    display_name: str = Field(min_length=1, max_length=255)
    credentials: list[InlineCredentialInput] | None = Field(None, max_length=50)
    metadata: dict[str, str] | None = None


class EndpointAuth(Wire):
    type: Literal["none", "client_secret_basic", "client_secret_post"]


class OAuthRefresh(Wire):
    client_id: str
    token_endpoint: str
    token_endpoint_auth: EndpointAuth
    resource: str | None
    scope: str | None


class CredentialNetworking(Wire):
    type: Literal["unrestricted", "limited"]
    allowed_hosts: list[str] | None = None


class InjectionLocation(Wire):
    body: bool | None
    header: bool | None


class StaticBearerAuth(Wire):
    type: Literal["static_bearer"]
    mcp_server_url: str
    protocol: Protocol


class McpOAuthAuth(Wire):
    type: Literal["mcp_oauth"]
    mcp_server_url: str
    expires_at: Timestamp | None
    refresh: OAuthRefresh | None


class EnvironmentVariableAuth(Wire):
    type: Literal["environment_variable"]
    secret_name: str
    networking: CredentialNetworking
    injection_location: InjectionLocation | None


class Credential(Wire):
    id: str = Field(examples=["vcred_019eb4d4a06d747c865d5800b9c57ae2"])
    type: Literal["vault_credential"]
    vault_id: str
    display_name: str | None
    auth: StaticBearerAuth | McpOAuthAuth | EnvironmentVariableAuth
    metadata: dict[str, str]
    status: Literal["active", "archived"]
    archived_at: Timestamp | None
    created_at: Timestamp
    updated_at: Timestamp


class EndpointAuthInput(Wire):
    type: Literal["none", "client_secret_basic", "client_secret_post"]
    client_secret: str | None = Field(None, description="write-only")


class OAuthRefreshInput(Wire):
    client_id: str
    refresh_token: str = Field(description="write-only")
    token_endpoint: str
    token_endpoint_auth: EndpointAuthInput
    resource: str | None = None
    scope: str | None = None


class StaticBearerInput(Wire):
    type: Literal["static_bearer"]
    token: str = Field(description="write-only")
    mcp_server_url: str
    protocol: Protocol | None = None


class McpOAuthInput(Wire):
    type: Literal["mcp_oauth"]
    access_token: str = Field(description="write-only")
    mcp_server_url: str
    expires_at: Timestamp | None = None
    refresh: OAuthRefreshInput | None = None


class EnvironmentVariableInput(Wire):
    type: Literal["environment_variable"]
    secret_name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    secret_value: str = Field(description="write-only")
    networking: CredentialNetworking
    injection_location: InjectionLocation | None = None


class CredentialCreate(Wire):
    auth: StaticBearerInput | McpOAuthInput | EnvironmentVariableInput
    display_name: str | None = Field(None, max_length=255)
    metadata: dict[str, str] | None = None


class OAuthRefreshUpdate(Wire):
    refresh_token: str | None = None
    scope: str | None = None
    token_endpoint_auth: EndpointAuthInput | None = None


class StaticBearerUpdate(Wire):
    type: Literal["static_bearer"]
    token: str | None = None


class McpOAuthUpdate(Wire):
    type: Literal["mcp_oauth"]
    access_token: str | None = None
    expires_at: Timestamp | None = None
    refresh: OAuthRefreshUpdate | None = None


class EnvironmentVariableUpdate(Wire):
    type: Literal["environment_variable"]
    secret_value: str | None = None
    networking: CredentialNetworking | None = None
    injection_location: InjectionLocation | None = None


class CredentialUpdate(Wire):
    """In place; ``auth.type`` must stay the credential's type."""

    auth: StaticBearerUpdate | McpOAuthUpdate | EnvironmentVariableUpdate | None = None
    display_name: str | None = Field(None, max_length=255)
    metadata: dict[str, str | None] | None = None
