"""``Agent``: a Qoder Cloud Agents agent (model, system prompt, tools, MCP servers, skills).

Versions: every successful update increments the agent's ``version`` (optimistic concurrency:
an update must carry the version it was computed against, 409 otherwise). The version is an
output, so a deployment that pins ``{"id": agent.id, "version": agent.version}`` follows the
agent in the same ``up``, while one that names only ``agent.id`` keeps the version it resolved
at create. Destroy archives: the API has no delete for agents.

Modules: ``args``, ``check``, ``mapping``, ``lifecycle``, ``resource`` (as for deployments).
"""
