"""Deployment rows (fact sheet sections 4, 10, 11, 12; SDK ``DeploymentCreateParams``)."""

from __future__ import annotations

from typing import Any

from .harness import ACCEPTS, AGENT, DROP, VAULT, Case, Differs

USER = {"type": "user.message", "content": "Generate today's status report"}
# A rejected property reaches the API as written (see harness): rows spell out wire constants.


def events(*extra: Any) -> dict[str, Any]:
    """``initial_events``: the base's starting user message, then ``extra``."""
    return {"initial_events": [USER, *extra]}


def content(*blocks: Any) -> dict[str, Any]:
    """``initial_events``: one user message with these content blocks."""
    return {"initial_events": [{"type": "user.message", "content": list(blocks)}]}


def outcome(**fields: Any) -> dict[str, Any]:
    """``initial_events``: one ``user.define_outcome`` with a text rubric, overridden by ``fields``."""
    event: dict[str, Any] = {
        "type": "user.define_outcome",
        "description": "Ship it",
        "rubric": {"type": "text", "content": "Done"},
    }
    event.update(fields)
    return {"initial_events": [{k: v for k, v in event.items() if v is not DROP}]}


def resource(**fields: Any) -> dict[str, Any]:
    return {"resources": [dict(fields)]}


GITHUB = {"type": "github_repository", "url": "https://github.com/acme/app", "authorization_token": "ghp_x"}
TEXT = {"type": "text", "text": "hello"}
PNG = {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}

CASES: list[Case] = [
    # --- valid bodies ----------------------------------------------------------------------------
    Case("minimal: the seed's deployment (string content)"),
    Case("manual-only: no schedule", {"schedule": DROP}),
    Case("agent pinned to a version", {"agent": {"id": AGENT, "version": 1}}),
    Case("agent object without version = latest", {"agent": {"id": AGENT}}),
    Case("agent object with type agent", {"agent": {"type": "agent", "id": AGENT, "version": 1}}),
    Case(
        "schedule with type cron",
        {"schedule": {"type": "cron", "expression": "30 9 * * 1-5", "timezone": "UTC"}},
    ),
    Case("description", {"description": "Daily report"}),
    Case(
        "every content block kind",
        content(
            TEXT,
            {"type": "image", "source": PNG},
            {"type": "image", "source": {"type": "url", "url": "https://x.test/a.png"}},
            {"type": "image", "source": {"type": "file", "file_id": "file_1"}},
            {
                "type": "document",
                "source": {"type": "text", "media_type": "text/plain", "data": "x"},
                "title": "T",
                "context": "C",
            },
            {
                "type": "document",
                "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
            },
            {"type": "document", "source": {"type": "url", "url": "https://x.test/a.pdf"}},
            {"type": "document", "source": {"type": "file", "file_id": "file_2"}},
            {"type": "redacted"},
        ),
    ),
    Case(
        "system.message with text blocks",
        events({"type": "system.message", "content": [{"type": "text", "text": "Be brief."}]}),
    ),
    Case("define_outcome with text rubric and max_iterations", outcome(max_iterations=20)),
    Case("define_outcome with file rubric", outcome(rubric={"type": "file", "file_id": "file_1"})),
    Case(
        "every resource kind",
        {
            "resources": [
                {**GITHUB, "mount_path": "/src", "checkout": {"type": "branch", "name": "main"}},
                {
                    **GITHUB,
                    "url": "https://github.com/acme/lib",
                    "checkout": {"type": "commit", "sha": "a1b2c3d"},
                },
                {"type": "file", "file_id": "file_1", "mount_path": "/data/in.csv"},
                {
                    "type": "memory_store",
                    "memory_store_id": "memstore_1",
                    "access": "read_only",
                    "instructions": "notes",
                },
            ]
        },
    ),
    Case(
        "memory_store_id: any non-empty string (SDK: str)",
        resource(type="memory_store", memory_store_id="mem_42"),
    ),
    Case("vault_ids", {"vault_ids": [VAULT]}),
    Case("metadata: 16 keys", {"metadata": {f"k{i}": "v" for i in range(16)}}),
    Case(
        "cas_config: every setting",
        {
            "cas_config": {
                "max_retries": 2,
                "timeout_ms": 60000,
                "max_concurrent": 3,
                "session_strategy": "new_session",
            }
        },
    ),
    # --- name, description -------------------------------------------------------------------------
    Case("name: required", {"name": DROP}, rejects="name"),
    Case("name: not empty", {"name": ""}, rejects="name"),
    Case("name: <= 256 characters", {"name": "n" * 257}, rejects="name"),
    Case("name: a string", {"name": 7}, rejects="name"),
    Case("description: <= 2048 characters", {"description": "d" * 2049}, rejects="description"),
    Case("description: a string", {"description": 7}, rejects="description"),
    # --- agent -------------------------------------------------------------------------------------
    Case("agent: required", {"agent": DROP}, rejects="agent"),
    Case("agent: an agent id (emulator: unknown id is 404)", {"agent": "bot"}, rejects="agent"),
    Case("agent: a string or an object", {"agent": 7}, rejects="agent"),
    Case("agent: id <= 128 characters", {"agent": "agent_" + "a" * 123}, rejects="agent"),
    Case(
        "agent.id: required in the object form",
        {"agent": {"type": "agent", "version": 1}},
        rejects="agent.id",
    ),
    Case(
        "agent.version: >= 1",
        {"agent": {"type": "agent", "id": AGENT, "version": 0}},
        rejects="agent.version",
    ),
    Case(
        "agent.version: an integer",
        {"agent": {"type": "agent", "id": AGENT, "version": "1"}},
        rejects="agent.version",
    ),
    Case("agent.type: agent", {"agent": {"type": "bot", "id": AGENT, "version": 1}}, rejects="agent.type"),
    Case(
        "agent: unknown field",
        {"agent": {"type": "agent", "id": AGENT, "version": 1, "pin": True}},
        rejects="agent.pin",
    ),
    Case(
        "agent: must exist",
        {"agent": "agent_0000000000000000000000000000dead"},
        differs=Differs(
            ACCEPTS, "agent", "existence is known only to the service: preview cannot look it up"
        ),
    ),
    # --- environment_id, vault_ids -----------------------------------------------------------------
    Case("environment_id: required", {"environment_id": DROP}, rejects="environment_id"),
    Case(
        "environment_id: an environment id (emulator: 404)",
        {"environment_id": "sandbox"},
        rejects="environment_id",
    ),
    Case(
        "environment_id: <= 128 characters", {"environment_id": "env_" + "e" * 125}, rejects="environment_id"
    ),
    Case(
        "environment_id: must exist",
        {"environment_id": "env_0000000000000000000000000000dead"},
        differs=Differs(ACCEPTS, "environment_id", "existence is known only to the service"),
    ),
    Case("vault_ids: a list", {"vault_ids": VAULT}, rejects="vault_ids"),
    Case("vault_ids: <= 50", {"vault_ids": [VAULT] * 51}, rejects="vault_ids"),
    Case("vault_ids: no duplicates", {"vault_ids": [VAULT, VAULT]}, rejects="vault_ids[1]"),
    Case("vault_ids[0]: <= 128 characters", {"vault_ids": ["vault_" + "v" * 123]}, rejects="vault_ids[0]"),
    Case("vault_ids[0]: not empty (emulator: 404)", {"vault_ids": [""]}, rejects="vault_ids[0]"),
    Case(
        "vault_ids[0]: must exist",
        {"vault_ids": ["vault_0000000000000000000000000000dead"]},
        differs=Differs(ACCEPTS, "vault_ids[0]", "existence is known only to the service"),
    ),
    # --- schedule ----------------------------------------------------------------------------------
    Case("schedule: an object", {"schedule": "0 9 * * *"}, rejects="schedule"),
    Case(
        "schedule.expression: required",
        {"schedule": {"type": "cron", "timezone": "UTC"}},
        rejects="schedule.expression",
    ),
    Case(
        "schedule.timezone: required",
        {"schedule": {"type": "cron", "expression": "0 9 * * *"}},
        rejects="schedule.timezone",
    ),
    Case(
        "schedule.expression: no macros",
        {"schedule": {"type": "cron", "expression": "@daily", "timezone": "UTC"}},
        rejects="schedule.expression",
    ),
    Case(
        "schedule.expression: 5 fields",
        {"schedule": {"type": "cron", "expression": "0 0 9 * * *", "timezone": "UTC"}},
        rejects="schedule.expression",
    ),
    Case(
        "schedule.expression: field ranges",
        {"schedule": {"type": "cron", "expression": "61 9 * * *", "timezone": "UTC"}},
        rejects="schedule.expression",
    ),
    Case(
        "schedule.expression: a string",
        {"schedule": {"type": "cron", "expression": 9, "timezone": "UTC"}},
        rejects="schedule.expression",
    ),
    Case(
        "schedule.timezone: an IANA name",
        {"schedule": {"type": "cron", "expression": "0 9 * * *", "timezone": "Mars/Olympus"}},
        rejects="schedule.timezone",
    ),
    Case(
        "schedule.type: cron only",
        {"schedule": {"type": "rate", "expression": "0 9 * * *", "timezone": "UTC"}},
        rejects="schedule.type",
    ),
    Case(
        "schedule: unknown field",
        {"schedule": {"type": "cron", "expression": "0 9 * * *", "timezone": "UTC", "jitter": 5}},
        rejects="schedule.jitter",
    ),
    # --- initial_events ----------------------------------------------------------------------------
    Case("initial_events: required", {"initial_events": DROP}, rejects="initial_events"),
    Case("initial_events: a list", {"initial_events": "hello"}, rejects="initial_events"),
    Case("initial_events: at least 1", {"initial_events": []}, rejects="initial_events"),
    Case("initial_events: at most 50", {"initial_events": [USER] * 51}, rejects="initial_events"),
    Case(
        "initial_events: a starting event",
        {"initial_events": [{"type": "system.message", "content": [TEXT]}]},
        rejects="initial_events",
    ),
    Case("initial_events[0]: an object", {"initial_events": ["hello"]}, rejects="initial_events[0]"),
    Case("event.type: required", {"initial_events": [{"content": "hi"}]}, rejects="initial_events[0].type"),
    Case(
        "event.type: known",
        {"initial_events": [{"type": "user.note", "content": "hi"}]},
        rejects="initial_events[0].type",
    ),
    Case(
        "event: unknown field",
        {"initial_events": [{**USER, "role": "user"}]},
        rejects="initial_events[0].role",
    ),
    Case(
        "user.message content: required",
        {"initial_events": [{"type": "user.message"}]},
        rejects="initial_events[0].content",
    ),
    Case(
        "user.message content: string or blocks",
        {"initial_events": [{"type": "user.message", "content": 7}]},
        rejects="initial_events[0].content",
    ),
    Case(
        "user.message content: not empty string",
        {"initial_events": [{"type": "user.message", "content": ""}]},
        rejects="initial_events[0].content",
    ),
    Case("user.message content: at least 1 block", content(), rejects="initial_events[0].content"),
    Case("block: an object", content("hello"), rejects="initial_events[0].content[0]"),
    Case("block.type: required", content({"text": "hi"}), rejects="initial_events[0].content[0].type"),
    Case("block.type: known", content({"type": "audio"}), rejects="initial_events[0].content[0].type"),
    Case("text block: text required", content({"type": "text"}), rejects="initial_events[0].content[0].text"),
    Case(
        "text block: text not empty",
        content({"type": "text", "text": ""}),
        rejects="initial_events[0].content[0].text",
    ),
    Case(
        "text block: unknown field",
        content({**TEXT, "cache": True}),
        rejects="initial_events[0].content[0].cache",
    ),
    Case(
        "image block: source required",
        content({"type": "image"}),
        rejects="initial_events[0].content[0].source",
    ),
    Case(
        "image block: source an object",
        content({"type": "image", "source": "x.png"}),
        rejects="initial_events[0].content[0].source",
    ),
    Case(
        "image source.type: required",
        content({"type": "image", "source": {}}),
        rejects="initial_events[0].content[0].source.type",
    ),
    Case(
        "image source.type: base64, url or file",
        content({"type": "image", "source": {"type": "text", "media_type": "text/plain", "data": "x"}}),
        rejects="initial_events[0].content[0].source.type",
    ),
    Case(
        "base64 source: data required",
        content({"type": "image", "source": {"type": "base64", "media_type": "image/png"}}),
        rejects="initial_events[0].content[0].source.data",
    ),
    Case(
        "url source: url required",
        content({"type": "image", "source": {"type": "url"}}),
        rejects="initial_events[0].content[0].source.url",
    ),
    Case(
        "file source: file_id not empty",
        content({"type": "document", "source": {"type": "file", "file_id": ""}}),
        rejects="initial_events[0].content[0].source.file_id",
    ),
    Case(
        "source: unknown field",
        content({"type": "image", "source": {**PNG, "detail": "high"}}),
        rejects="initial_events[0].content[0].source.detail",
    ),
    Case(
        "document block: title a string",
        content({"type": "document", "source": {"type": "file", "file_id": "file_1"}, "title": 7}),
        rejects="initial_events[0].content[0].title",
    ),
    Case(
        "image block: unknown field",
        content({"type": "image", "source": PNG, "title": "x"}),
        rejects="initial_events[0].content[0].title",
    ),
    Case(
        "redacted block: unknown field",
        content({"type": "redacted", "text": "x"}),
        rejects="initial_events[0].content[0].text",
    ),
    Case(
        "system.message content: text blocks only, no string (SDK, fact sheet 10)",
        events({"type": "system.message", "content": "Be brief."}),
        rejects="initial_events[1].content",
    ),
    Case(
        "system.message content: text blocks only",
        events({"type": "system.message", "content": [{"type": "image", "source": PNG}]}),
        rejects="initial_events[1].content[0].type",
    ),
    Case(
        "define_outcome: description required",
        outcome(description=DROP),
        rejects="initial_events[0].description",
    ),
    Case(
        "define_outcome: description not empty",
        outcome(description=""),
        rejects="initial_events[0].description",
    ),
    Case("define_outcome: rubric required", outcome(rubric=DROP), rejects="initial_events[0].rubric"),
    Case("define_outcome: rubric an object", outcome(rubric="Done"), rejects="initial_events[0].rubric"),
    Case(
        "rubric.type: text or file", outcome(rubric={"type": "url"}), rejects="initial_events[0].rubric.type"
    ),
    Case(
        "text rubric: content required",
        outcome(rubric={"type": "text"}),
        rejects="initial_events[0].rubric.content",
    ),
    Case(
        "text rubric: content <= 262144",
        outcome(rubric={"type": "text", "content": "c" * 262145}),
        rejects="initial_events[0].rubric.content",
    ),
    Case(
        "file rubric: file_id required",
        outcome(rubric={"type": "file"}),
        rejects="initial_events[0].rubric.file_id",
    ),
    Case(
        "rubric: unknown field",
        outcome(rubric={"type": "file", "file_id": "f", "page": 1}),
        rejects="initial_events[0].rubric.page",
    ),
    Case("max_iterations: >= 1", outcome(max_iterations=0), rejects="initial_events[0].max_iterations"),
    Case("max_iterations: <= 20", outcome(max_iterations=21), rejects="initial_events[0].max_iterations"),
    Case(
        "max_iterations: an integer", outcome(max_iterations="3"), rejects="initial_events[0].max_iterations"
    ),
    Case("define_outcome: unknown field", outcome(content="x"), rejects="initial_events[0].content"),
    # --- resources ---------------------------------------------------------------------------------
    Case("resources: a list", {"resources": GITHUB}, rejects="resources"),
    Case("resources[0]: an object", {"resources": ["repo"]}, rejects="resources[0]"),
    Case("resource.type: required", resource(url="https://github.com/a/b"), rejects="resources[0].type"),
    Case(
        "resource.type: github_repository, file, memory_store (SDK adds git_repository: neither side has it)",
        resource(type="git_repository", url="https://git.test/a.git"),
        rejects="resources[0].type",
    ),
    Case("resource: unknown field", {"resources": [{**GITHUB, "depth": 1}]}, rejects="resources[0].depth"),
    Case(
        "github: url required",
        resource(type="github_repository", authorization_token="t"),
        rejects="resources[0].url",
    ),
    Case(
        "github: url http(s)",
        {"resources": [{**GITHUB, "url": "git@github.com:a/b"}]},
        rejects="resources[0].url",
    ),
    Case(
        "github: url <= 2048",
        {"resources": [{**GITHUB, "url": "https://g.test/" + "a" * 2040}]},
        rejects="resources[0].url",
    ),
    Case(
        "github: authorization_token required",
        resource(type="github_repository", url="https://github.com/a/b"),
        rejects="resources[0].authorization_token",
    ),
    Case(
        "github: authorization_token <= 4096",
        {"resources": [{**GITHUB, "authorization_token": "t" * 4097}]},
        rejects="resources[0].authorization_token",
    ),
    Case(
        "github: mount_path not empty",
        {"resources": [{**GITHUB, "mount_path": ""}]},
        rejects="resources[0].mount_path",
    ),
    Case(
        "github: mount_path <= 4096",
        {"resources": [{**GITHUB, "mount_path": "/" + "m" * 4096}]},
        rejects="resources[0].mount_path",
    ),
    Case(
        "checkout: an object",
        {"resources": [{**GITHUB, "checkout": "main"}]},
        rejects="resources[0].checkout",
    ),
    Case(
        "checkout.type: branch or commit",
        {"resources": [{**GITHUB, "checkout": {"type": "tag", "name": "v1"}}]},
        rejects="resources[0].checkout.type",
    ),
    Case(
        "checkout branch: name required",
        {"resources": [{**GITHUB, "checkout": {"type": "branch"}}]},
        rejects="resources[0].checkout.name",
    ),
    Case(
        "checkout branch: name <= 255",
        {"resources": [{**GITHUB, "checkout": {"type": "branch", "name": "b" * 256}}]},
        rejects="resources[0].checkout.name",
    ),
    Case(
        "checkout commit: 7-64 hex",
        {"resources": [{**GITHUB, "checkout": {"type": "commit", "sha": "main123"}}]},
        rejects="resources[0].checkout.sha",
    ),
    Case(
        "checkout: unknown field",
        {"resources": [{**GITHUB, "checkout": {"type": "branch", "name": "m", "sha": "a1b2c3d"}}]},
        rejects="resources[0].checkout.sha",
    ),
    Case("file: file_id required", resource(type="file"), rejects="resources[0].file_id"),
    Case("file: file_id <= 128", resource(type="file", file_id="f" * 129), rejects="resources[0].file_id"),
    Case(
        "memory_store: memory_store_id required",
        resource(type="memory_store"),
        rejects="resources[0].memory_store_id",
    ),
    Case(
        "memory_store: memory_store_id <= 128",
        resource(type="memory_store", memory_store_id="m" * 129),
        rejects="resources[0].memory_store_id",
    ),
    Case(
        "memory_store: access read_write or read_only",
        resource(type="memory_store", memory_store_id="m", access="write"),
        rejects="resources[0].access",
    ),
    Case(
        "memory_store: instructions <= 4096",
        resource(type="memory_store", memory_store_id="m", instructions="i" * 4097),
        rejects="resources[0].instructions",
    ),
    # --- metadata, cas_config ----------------------------------------------------------------------
    Case("metadata: an object", {"metadata": ["k"]}, rejects="metadata"),
    Case("metadata: <= 16 keys", {"metadata": {f"k{i}": "v" for i in range(17)}}, rejects="metadata"),
    Case("metadata: key <= 64", {"metadata": {"k" * 65: "v"}}, rejects="metadata." + "k" * 65),
    Case("metadata: key not empty", {"metadata": {"": "v"}}, rejects="metadata"),
    Case("metadata: value <= 512", {"metadata": {"k": "v" * 513}}, rejects="metadata.k"),
    Case("metadata: value a string", {"metadata": {"k": 1}}, rejects="metadata.k"),
    Case(
        "metadata: cas_config is reserved", {"metadata": {"cas_config": "x"}}, rejects="metadata.cas_config"
    ),
    Case(
        "cas_config.max_retries: 0-10", {"cas_config": {"max_retries": 11}}, rejects="cas_config.max_retries"
    ),
    Case(
        "cas_config.timeout_ms: >= 1000", {"cas_config": {"timeout_ms": 999}}, rejects="cas_config.timeout_ms"
    ),
    Case(
        "cas_config.max_concurrent: >= 1",
        {"cas_config": {"max_concurrent": 0}},
        rejects="cas_config.max_concurrent",
    ),
    Case(
        "cas_config.max_retries: an integer",
        {"cas_config": {"max_retries": "1"}},
        rejects="cas_config.max_retries",
    ),
    Case(
        "cas_config.session_strategy: not empty",
        {"cas_config": {"session_strategy": ""}},
        rejects="cas_config.session_strategy",
    ),
    Case(
        "cas_config: an object",
        {"cas_config": "fast"},
        differs=Differs("cas_config", ACCEPTS, "a provider input: its mapping cannot send a non-object"),
    ),
    Case(
        "cas_config: unknown field",
        {"cas_config": {"retries": 1}},
        differs=Differs(
            "cas_config.retries", ACCEPTS, "a provider input: its mapping sends only the known settings"
        ),
    ),
    # --- provider-only inputs, and fields only the API has -----------------------------------------
    Case("unknown property", {"labels": {"a": "b"}}, rejects="labels"),
    Case(
        "desired_status: active or paused",
        {"desired_status": "archived"},
        differs=Differs(
            "desired_status", ACCEPTS, "a provider input (applied by pause/unpause), not a body field"
        ),
    ),
    Case(
        "adopt_id: a deployment id",
        {"adopt_id": "agent_1"},
        differs=Differs(
            "adopt_id", ACCEPTS, "a provider input (which object to take over), not a body field"
        ),
    ),
    Case(
        "environment_variables: dotenv text",
        {"environment_variables": "export FEATURE_FLAG=on\n# level\nLOG_LEVEL=info"},
    ),
    Case(
        "environment_variables: KEY=VALUE lines",
        {"environment_variables": "LOG_LEVEL=info\nnot a setting"},
        rejects="environment_variables",
    ),
    Case("environment_variables: a string", {"environment_variables": 7}, rejects="environment_variables"),
    Case(
        "environment_variables: <= 65536 characters",
        {"environment_variables": "A=" + "x" * 65535},
        rejects="environment_variables",
    ),
    Case("budget: max_credit_cost (type limit implied)", {"budget": {"max_credit_cost": "12.50"}}),
    Case("budget: with type limit", {"budget": {"type": "limit", "max_credit_cost": "25"}}),
    Case("budget: an object", {"budget": "25"}, rejects="budget"),
    Case("budget.type: limit", {"budget": {"type": "cap", "max_credit_cost": "1"}}, rejects="budget.type"),
    Case("budget.max_credit_cost: required", {"budget": {"type": "limit"}}, rejects="budget.max_credit_cost"),
    Case(
        "budget.max_credit_cost: positive",
        {"budget": {"type": "limit", "max_credit_cost": "0"}},
        rejects="budget.max_credit_cost",
    ),
    Case(
        "budget.max_credit_cost: <= 2 decimals",
        {"budget": {"type": "limit", "max_credit_cost": "1.234"}},
        rejects="budget.max_credit_cost",
    ),
    Case(
        "budget.max_credit_cost: a decimal string",
        {"budget": {"type": "limit", "max_credit_cost": 25}},
        rejects="budget.max_credit_cost",
    ),
    Case(
        "budget: unknown field",
        {"budget": {"type": "limit", "max_credit_cost": "1", "currency": "USD"}},
        rejects="budget.currency",
    ),
    Case(
        "budget.max_list_cost (Claude's money form)",
        {
            "budget": {
                "type": "limit",
                "max_credit_cost": "25",
                "max_list_cost": {"currency": "USD", "amount": "2500"},
            }
        },
        differs=Differs(
            "budget.max_list_cost",
            ACCEPTS,
            "the provider follows Qoder's SDK (BudgetLimitParam: max_credit_cost); the emulator also serves Claude's max_list_cost",
        ),
    ),
]
