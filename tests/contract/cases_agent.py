"""Agent rows (fact sheet section 14; SDK ``AgentCreateParams``)."""

from __future__ import annotations

from .harness import ACCEPTS, DROP, Case, Differs

CASES: list[Case] = [
    # --- valid bodies ----------------------------------------------------------------------------
    Case("minimal: name and a model id"),
    Case("model as an object", {"model": {"id": "ultimate"}}),
    Case("model object with speed", {"model": {"id": "ultimate", "speed": "fast"}}),
    Case(
        "model object with every SDK field",
        {
            "model": {
                "id": "ultimate",
                "effort": {"type": "high"},
                "speed": "standard",
                "context_window": 200000,
                "inference_geo": "us",
            }
        },
    ),
    Case("model effort as a string", {"model": {"id": "ultimate", "effort": "low"}}),
    Case("system and description", {"system": "Write the report.", "description": "Reporter"}),
    Case(
        "tools, mcp_servers, skills",
        {
            "tools": [{"type": "agent_toolset_20260401"}, {"type": "mcp_toolset", "mcp_server_name": "gh"}],
            "mcp_servers": [{"type": "url", "name": "gh", "url": "https://mcp.github.test/"}],
            "skills": [{"type": "custom", "skill_id": "skill_1"}],
        },
    ),
    Case("metadata", {"metadata": {"team": "ops"}}),
    # --- name, model -------------------------------------------------------------------------------
    Case("name: required", {"name": DROP}, rejects="name"),
    Case("name: not empty", {"name": ""}, rejects="name"),
    Case("name: <= 256 characters", {"name": "n" * 257}, rejects="name"),
    Case("name: a string", {"name": 7}, rejects="name"),
    Case("model: required", {"model": DROP}, rejects="model"),
    Case("model: not empty", {"model": ""}, rejects="model"),
    Case("model: <= 256 characters", {"model": "m" * 257}, rejects="model"),
    Case("model: a string or an object", {"model": 7}, rejects="model"),
    Case("model.id: required", {"model": {"speed": "fast"}}, rejects="model.id"),
    Case("model.id: not empty", {"model": {"id": ""}}, rejects="model.id"),
    Case("model: unknown field", {"model": {"id": "ultimate", "size": "xl"}}, rejects="model.size"),
    Case(
        "model.speed: standard or fast (SDK Literal)",
        {"model": {"id": "ultimate", "speed": "turbo"}},
        rejects="model.speed",
    ),
    Case(
        "model.effort: low, medium, high, xhigh, max",
        {"model": {"id": "ultimate", "effort": "extreme"}},
        rejects="model.effort",
    ),
    Case(
        "model.effort.type: an effort",
        {"model": {"id": "ultimate", "effort": {"type": "huge"}}},
        rejects="model.effort.type",
    ),
    Case(
        "model.context_window: >= 1",
        {"model": {"id": "ultimate", "context_window": 0}},
        rejects="model.context_window",
    ),
    # --- system, description -----------------------------------------------------------------------
    Case("system: <= 100000 characters", {"system": "s" * 100_001}, rejects="system"),
    Case("system: a string", {"system": 7}, rejects="system"),
    Case("description: <= 100000 characters", {"description": "d" * 100_001}, rejects="description"),
    Case("description: a string", {"description": ["d"]}, rejects="description"),
    # --- tools, mcp_servers, skills ----------------------------------------------------------------
    Case("tools: a list", {"tools": "bash"}, rejects="tools"),
    Case("tools: <= 128", {"tools": [{"type": "custom"}] * 129}, rejects="tools"),
    Case("tools[0]: an object", {"tools": ["bash"]}, rejects="tools[0]"),
    Case(
        "tools[0].type: required (SDK: every tool variant has a required type)",
        {"tools": [{"mcp_server_name": "gh"}]},
        rejects="tools[0].type",
    ),
    Case("mcp_servers: a list", {"mcp_servers": {"type": "url"}}, rejects="mcp_servers"),
    Case(
        "mcp_servers: <= 20",
        {"mcp_servers": [{"type": "url", "name": "a", "url": "https://a.test"}] * 21},
        rejects="mcp_servers",
    ),
    Case("mcp_servers[0]: an object", {"mcp_servers": ["https://a.test"]}, rejects="mcp_servers[0]"),
    Case(
        "mcp_servers[0].type: required",
        {"mcp_servers": [{"name": "gh", "url": "https://a.test"}]},
        rejects="mcp_servers[0].type",
    ),
    Case(
        "mcp_servers[0].type: url",
        {"mcp_servers": [{"type": "stdio", "name": "gh", "url": "https://a.test"}]},
        rejects="mcp_servers[0].type",
    ),
    Case("skills: a list", {"skills": "skill_1"}, rejects="skills"),
    Case("skills: <= 20", {"skills": [{"type": "custom", "skill_id": "s"}] * 21}, rejects="skills"),
    Case("skills[0]: an object", {"skills": ["skill_1"]}, rejects="skills[0]"),
    Case(
        "skills[0].skill_id: required",
        {"skills": [{"type": "custom"}]},
        rejects="skills[0].skill_id",
    ),
    Case(
        "skills[0].type: required",
        {"skills": [{"skill_id": "skill_1"}]},
        rejects="skills[0].type",
    ),
    # --- metadata, provider-only inputs ------------------------------------------------------------
    Case("metadata: <= 16 keys", {"metadata": {f"k{i}": "v" for i in range(17)}}, rejects="metadata"),
    Case("metadata: value <= 512", {"metadata": {"k": "v" * 513}}, rejects="metadata.k"),
    Case(
        "metadata: cas_config is reserved", {"metadata": {"cas_config": "x"}}, rejects="metadata.cas_config"
    ),
    Case("unknown property", {"temperature": 0.2}, rejects="temperature"),
    Case(
        "multiagent (SDK, emulator)",
        {"multiagent": {"type": "coordinator", "agents": [{"type": "self"}]}},
        differs=Differs("multiagent", ACCEPTS, "no provider input yet (issue 10 section 2)"),
    ),
    Case(
        "adopt_id: an agent id",
        {"adopt_id": "env_1"},
        differs=Differs(
            "adopt_id", ACCEPTS, "a provider input (which object to take over), not a body field"
        ),
    ),
]
