"""The wire schema: every request and response body, declared once as pydantic v2 models.

Routes validate request bodies with these models (``validation.validated`` maps a failure to
Qoder's error envelope, naming the field path: ``schedule.expression``,
``initial_events[0].content``) and name them as response models, so ``/openapi.json`` is
generated from them; the schemathesis run checks every response against them. What a model
cannot state is kept as small named rules from ``validation`` (cron and time-zone meaning, URLs,
cross-field rules); references, uniqueness and state transitions are the backends' job.
Responses forbid undeclared fields, so a field served but not declared fails the fuzz run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from . import validation as rules

T = TypeVar("T")
Timestamp = str  # RFC 3339, UTC, "Z"


class Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Open(BaseModel):
    """Nested shapes echoed as sent (tools, content blocks): open to fields the SDKs add."""

    model_config = ConfigDict(extra="allow")


class Body(BaseModel):
    """A request body (or a part of one): JSON types exactly (no ``"1"`` for 1), no unknown field."""

    model_config = ConfigDict(extra="forbid", strict=True)


class OpenBody(BaseModel):
    """A request object the emulator stores as sent (tools, MCP servers, skills)."""

    model_config = ConfigDict(extra="allow", strict=True)


def _shape_of(value: Any) -> str | None:
    if isinstance(value, str):
        return "<str>"
    return "<object>" if isinstance(value, dict) else "<list>" if isinstance(value, list) else None


def shape(expected: str) -> Discriminator:
    """For ``Annotated[Annotated[str, STR] | Annotated[Model, OBJECT], shape("...")]``: members
    told apart by the JSON type (``LIST`` too), so an error names the member the value is."""
    return Discriminator(_shape_of, custom_error_type="shape", custom_error_message=expected)


STR, OBJECT, LIST = Tag("<str>"), Tag("<object>"), Tag("<list>")

NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=256)]
LongText = Annotated[str, StringConstraints(max_length=100_000)]
Metadata = dict[str, Any]  # string values (``null`` deletes a key on update): ``validation.metadata``


def _not_null(value: T | None) -> T:
    if value is None:
        raise rules.rule("cannot be null.")
    return value


def Checked(check: Callable[[Any], Any]) -> AfterValidator:
    return AfterValidator(check)


NotNull = AfterValidator(_not_null)  # a merge-patch field that may be omitted, never cleared


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


class AgentRefInput(Body):
    type: Literal["agent"]
    id: Id
    version: int | None = Field(None, ge=1)


AgentInput = Annotated[
    Annotated[Id, STR] | Annotated[AgentRefInput, OBJECT],
    shape('an agent id or an object {"type": "agent", "id": ...}'),
]


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


# --- deployment request pieces ---------------------------------------------------------------------


class TextBlockInput(Body):
    type: Literal["text"]
    text: NonEmpty


class Base64Source(Body):
    type: Literal["base64"]
    media_type: NonEmpty
    data: NonEmpty


class PlainTextSource(Body):
    type: Literal["text"]
    media_type: NonEmpty
    data: NonEmpty


class UrlSource(Body):
    type: Literal["url"]
    url: NonEmpty


class FileSource(Body):
    type: Literal["file"]
    file_id: NonEmpty


class ImageBlockInput(Body):
    type: Literal["image"]
    source: Annotated[Base64Source | UrlSource | FileSource, Field(discriminator="type")]


class DocumentBlockInput(Body):
    type: Literal["document"]
    source: Annotated[Base64Source | PlainTextSource | UrlSource | FileSource, Field(discriminator="type")]
    title: str | None = None
    context: str | None = None


class RedactedBlockInput(Body):
    type: Literal["redacted"]


ContentBlockInput = Annotated[
    TextBlockInput | ImageBlockInput | DocumentBlockInput | RedactedBlockInput,
    Field(discriminator="type"),
]


class UserMessageInput(Body):
    type: Literal["user.message"]
    content: Annotated[
        Annotated[NonEmpty, STR] | Annotated[list[ContentBlockInput], LIST, Field(min_length=1)],
        shape("a string or an array of content blocks"),
    ] = Field(description="echoed as sent: a string or content blocks")


class SystemMessageInput(Body):
    type: Literal["system.message"]
    content: Annotated[
        Annotated[list[TextBlockInput], LIST, Field(min_length=1)], shape("an array of text blocks")
    ]


class TextRubric(Body):
    type: Literal["text"]
    content: Annotated[str, StringConstraints(min_length=1, max_length=262_144)]


class FileRubric(Body):
    type: Literal["file"]
    file_id: NonEmpty


class DefineOutcomeInput(Body):
    type: Literal["user.define_outcome"]
    description: NonEmpty
    rubric: Annotated[TextRubric | FileRubric, Field(discriminator="type")]
    max_iterations: int | None = Field(None, ge=1, le=20, description="default 3")


InitialEventInput = Annotated[
    UserMessageInput | SystemMessageInput | DefineOutcomeInput, Field(discriminator="type")
]
InitialEvents = Annotated[
    list[InitialEventInput], Field(min_length=1, max_length=50), AfterValidator(rules.starts_a_run)
]

MountPath = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


class BranchCheckout(Body):
    type: Literal["branch"]
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]


class CommitCheckout(Body):
    type: Literal["commit"]
    sha: Annotated[NonEmpty, AfterValidator(rules.commit_sha)]


class GithubRepositoryInput(Body):
    type: Literal["github_repository"]
    url: Annotated[str, StringConstraints(min_length=1, max_length=2048), AfterValidator(rules.http_url)]
    authorization_token: Annotated[str, StringConstraints(min_length=1, max_length=4096)] = Field(
        description="write-only: never echoed"
    )
    mount_path: MountPath | None = Field(None, description="default /workspace/<repository name>")
    checkout: Annotated[BranchCheckout | CommitCheckout, Field(discriminator="type")] | None = None


class FileResourceInput(Body):
    type: Literal["file"]
    file_id: Id
    mount_path: MountPath | None = Field(None, description="default /mnt/session/uploads/<file_id>")


class MemoryStoreResourceInput(Body):
    type: Literal["memory_store"]
    memory_store_id: Id
    access: Literal["read_write", "read_only"] | None = Field(None, description="default read_write")
    instructions: Annotated[str, StringConstraints(max_length=4096)] | None = None


ResourceInput = Annotated[
    GithubRepositoryInput | FileResourceInput | MemoryStoreResourceInput, Field(discriminator="type")
]
Resources = Annotated[list[ResourceInput], Field(max_length=500)]
VaultIds = Annotated[
    list[Annotated[str, StringConstraints(max_length=128)]],
    Field(max_length=50),
    AfterValidator(rules.unique_ids),
]


class ScheduleInput(Body):
    type: Literal["cron"]
    expression: Annotated[str, AfterValidator(rules.cron_expression)] = Field(
        description="5-field cron", examples=["0 9 * * *"]
    )
    timezone: Annotated[str, AfterValidator(rules.iana_timezone)] = Field(
        description="IANA time zone", examples=["Asia/Shanghai"]
    )


class MoneyInput(Body):
    currency: Literal["USD"]
    amount: Annotated[str, StringConstraints(min_length=1, max_length=20), AfterValidator(rules.minor_units)]


class BudgetInput(Body):
    """One limit: ``max_credit_cost`` (Qoder) or ``max_list_cost`` (CMA)."""

    type: Literal["limit"]
    max_credit_cost: Annotated[NonEmpty, AfterValidator(rules.credit_cost)] | None = None
    max_list_cost: MoneyInput | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> BudgetInput:
        if self.max_credit_cost is None and self.max_list_cost is None:
            raise rules.rule(None, "max_credit_cost")
        return self


Description = Annotated[str, StringConstraints(max_length=2048)]
EnvironmentVariables = Annotated[str, StringConstraints(max_length=65_536), AfterValidator(rules.dotenv)]


# --- deployments -----------------------------------------------------------------------------------


class Schedule(Wire):
    type: Literal["cron"]
    expression: str
    timezone: str
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


class DeploymentCreate(Body):
    name: Name
    agent: AgentInput
    environment_id: Id
    initial_events: InitialEvents
    description: Description | None = None
    schedule: ScheduleInput | None = Field(None, description="omitted or null: manual runs only")
    resources: Resources | None = None
    vault_ids: VaultIds | None = None
    metadata: Metadata | None = Field(None, description="string values; cas_config an object")
    environment_variables: EnvironmentVariables | None = None
    budget: BudgetInput | None = None


class DeploymentUpdate(Body):
    """Merge-patch: omitted fields keep their value; ``null`` clears (``schedule: null`` = manual only)."""

    name: Annotated[Name | None, NotNull] = None
    agent: Annotated[AgentInput | None, NotNull] = None
    environment_id: Annotated[Id | None, NotNull] = None
    initial_events: Annotated[InitialEvents | None, NotNull] = None
    description: Description | None = None
    schedule: ScheduleInput | None = None
    resources: Resources | None = None
    vault_ids: VaultIds | None = None
    metadata: Metadata | None = None
    environment_variables: EnvironmentVariables | None = None
    budget: BudgetInput | None = None


class EmptyBody(Body):
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
    id: str
    effort: Effort | EffortObject | None = None
    speed: Literal["standard", "fast"] | None = None
    context_window: int | None = None
    inference_geo: str | None = None


class EffortInput(Body):
    type: Effort


class ModelConfigInput(Body):
    id: Name
    effort: (
        Annotated[Annotated[Effort, STR] | Annotated[EffortInput, OBJECT], shape("an effort or {type}")]
        | None
    ) = None
    speed: Literal["standard", "fast"] | None = None
    context_window: int | None = Field(None, ge=1)
    inference_geo: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


ModelInput = Annotated[
    Annotated[Name, STR] | Annotated[ModelConfigInput, OBJECT],
    shape("a model name or an object {id, effort?, speed?}"),
]


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


class SelfMemberInput(Body):
    type: Literal["self"]


class AdvisorMemberInput(Body):
    type: Literal["advisor"]
    model: NonEmpty


TeamMemberObject = Annotated[
    AgentRefInput | SelfMemberInput | AdvisorMemberInput, Field(discriminator="type")
]


class MultiagentInput(Body):
    type: Literal["coordinator"]
    agents: list[
        Annotated[Annotated[Id, STR] | Annotated[TeamMemberObject, OBJECT], shape("an agent id or a member")]
    ] = Field(min_length=1, max_length=20)


class Tool(OpenBody):
    type: NonEmpty = Field(description="agent_toolset_20260401, mcp_toolset, custom, ...")


class McpServer(OpenBody):
    type: Literal["url"]


class Skill(OpenBody):
    type: NonEmpty = Field(description="custom or qoder (anthropic on CMA)")
    skill_id: NonEmpty


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


class AgentCreate(Body):
    name: Name
    model: ModelInput
    system: LongText | None = None
    description: LongText | None = None
    tools: list[Tool] | None = Field(None, max_length=128)
    mcp_servers: list[McpServer] | None = Field(None, max_length=20)
    skills: list[Skill] | None = Field(None, max_length=20)
    metadata: Metadata | None = None
    multiagent: MultiagentInput | None = None


class AgentUpdate(Body):
    version: int | None = Field(None, ge=1, description="optimistic concurrency, only when sent")
    name: Annotated[Name | None, NotNull] = None
    model: Annotated[ModelInput | None, NotNull] = None
    system: LongText | None = None
    description: LongText | None = None
    tools: list[Tool] | None = Field(None, max_length=128)
    mcp_servers: list[McpServer] | None = Field(None, max_length=20)
    skills: list[Skill] | None = Field(None, max_length=20)
    metadata: Metadata | None = None
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


# --- environment request pieces ----------------------------------------------------------------------

HostList = Annotated[list[Annotated[str, StringConstraints(max_length=253)]], Field(max_length=256)]
PackageList = Annotated[list[Annotated[str, StringConstraints(max_length=256)]], Field(max_length=500)]


class UnrestrictedNetworkInput(Body):
    type: Literal["unrestricted"]


class LimitedNetworkInput(Body):
    type: Literal["limited"]
    allowed_hosts: HostList | None = None
    allow_package_managers: bool = False
    allow_mcp_servers: bool = False


class PackagesInput(Body):
    type: Literal["packages"] = "packages"
    apt: PackageList | None = None
    cargo: PackageList | None = None
    gem: PackageList | None = None
    go: PackageList | None = None
    npm: PackageList | None = None
    pip: PackageList | None = None


class EnvironmentConfigInput(Body):
    """``cloud`` (networking, packages, setup_script) or ``self_hosted`` (setup_script only)."""

    type: Literal["cloud", "self_hosted"] = "cloud"
    networking: (
        Annotated[UnrestrictedNetworkInput | LimitedNetworkInput, Field(discriminator="type")] | None
    ) = None
    packages: PackagesInput | None = None
    setup_script: Annotated[str, StringConstraints(max_length=65_536)] | None = None

    @model_validator(mode="after")
    def _self_hosted_fields(self) -> EnvironmentConfigInput:
        if self.type == "self_hosted":
            for cloud_only in ("networking", "packages"):
                if cloud_only in self.model_fields_set:
                    raise rules.unknown_field(cloud_only)
        return self


EnvironmentDescription = Annotated[str, StringConstraints(max_length=1024)]
Scope = Literal["organization", "account"]


class EnvironmentCreate(Body):
    name: Name
    description: EnvironmentDescription | None = None
    config: EnvironmentConfigInput | None = Field(None, description="default {type: cloud}")
    scope: Scope | None = Field(None, description="default account")
    metadata: Metadata | None = None


class EnvironmentUpdate(Body):
    name: Annotated[Name | None, NotNull] = None
    description: EnvironmentDescription | None = None
    config: EnvironmentConfigInput | None = Field(None, description="null: back to {type: cloud}")
    scope: Scope | None = None
    metadata: Metadata | None = None


# --- vault and credential request pieces -----------------------------------------------------------

Url = Annotated[str, StringConstraints(min_length=1, max_length=2048), AfterValidator(rules.http_url)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=8192)]
DisplayName = Annotated[str, StringConstraints(max_length=255)]
Timestamp3339 = Annotated[str, StringConstraints(min_length=1), AfterValidator(rules.rfc3339)]


class InlineCredentialInput(Body):
    mcp_server_url: Url
    type: Literal["static_bearer"]
    access_token: Secret = Field(description="write-only: never echoed")
    protocol: Protocol = "streamable_http"


class VaultCreate(Body):
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    credentials: Annotated[list[InlineCredentialInput], Field(max_length=50)] | None = None
    metadata: Metadata | None = None


class NoEndpointAuth(Body):
    type: Literal["none"]


class SecretEndpointAuth(Body):
    type: Literal["client_secret_basic", "client_secret_post"]
    client_secret: Secret = Field(description="write-only")


class SecretEndpointAuthUpdate(Body):
    type: Literal["client_secret_basic", "client_secret_post"]
    client_secret: Secret | None = Field(None, description="write-only")


EndpointAuthInput = Annotated[NoEndpointAuth | SecretEndpointAuth, Field(discriminator="type")]
EndpointAuthUpdate = Annotated[NoEndpointAuth | SecretEndpointAuthUpdate, Field(discriminator="type")]


class OAuthRefreshInput(Body):
    client_id: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    refresh_token: Secret = Field(description="write-only")
    token_endpoint: Url
    token_endpoint_auth: EndpointAuthInput
    resource: Annotated[str, StringConstraints(max_length=2048)] | None = None
    scope: Annotated[str, StringConstraints(max_length=2048)] | None = None


class UnrestrictedCredentialNetwork(Body):
    type: Literal["unrestricted"]


class LimitedCredentialNetwork(Body):
    type: Literal["limited"]
    allowed_hosts: HostList


CredentialNetworkingInput = Annotated[
    UnrestrictedCredentialNetwork | LimitedCredentialNetwork, Field(discriminator="type")
]


class InjectionLocationInput(Body):
    body: bool | None = None
    header: bool | None = None


class StaticBearerInput(Body):
    type: Literal["static_bearer"]
    token: Secret = Field(description="write-only")
    mcp_server_url: Url
    protocol: Protocol | None = Field(None, description="default streamable_http")


class McpOAuthInput(Body):
    type: Literal["mcp_oauth"]
    access_token: Secret = Field(description="write-only")
    mcp_server_url: Url
    expires_at: Timestamp3339 | None = None
    refresh: OAuthRefreshInput | None = None


class EnvironmentVariableInput(Body):
    type: Literal["environment_variable"]
    secret_name: Annotated[
        str, StringConstraints(min_length=1, max_length=256), AfterValidator(rules.env_var_name)
    ]
    secret_value: Secret = Field(description="write-only")
    networking: CredentialNetworkingInput
    injection_location: InjectionLocationInput | None = None


class CredentialCreate(Body):
    auth: Annotated[StaticBearerInput | McpOAuthInput | EnvironmentVariableInput, Field(discriminator="type")]
    display_name: DisplayName | None = None
    metadata: Metadata | None = None


class OAuthRefreshUpdate(Body):
    refresh_token: Secret | None = None
    scope: Annotated[str, StringConstraints(max_length=2048)] | None = None
    token_endpoint_auth: EndpointAuthUpdate | None = None


class StaticBearerUpdate(Body):
    type: Literal["static_bearer"]
    token: Secret | None = None


class McpOAuthUpdate(Body):
    type: Literal["mcp_oauth"]
    access_token: Secret | None = None
    expires_at: Timestamp3339 | None = None
    refresh: OAuthRefreshUpdate | None = None


class EnvironmentVariableUpdate(Body):
    type: Literal["environment_variable"]
    secret_value: Secret | None = None
    networking: CredentialNetworkingInput | None = None
    injection_location: InjectionLocationInput | None = None


class CredentialUpdate(Body):
    """In place; ``auth.type`` must stay the credential's type (checked against the stored one)."""

    auth: (
        Annotated[
            StaticBearerUpdate | McpOAuthUpdate | EnvironmentVariableUpdate, Field(discriminator="type")
        ]
        | None
    ) = None
    display_name: DisplayName | None = None
    metadata: Metadata | None = None
