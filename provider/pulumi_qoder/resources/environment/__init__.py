"""``Environment``: the sandbox a deployment's sessions run in (cloud, networking, packages).

Destroy **archives** the environment rather than deleting it. Why: ``DELETE /environments/{id}``
needs an admin token (403 otherwise) and may fail while sessions reference the environment
(section 14), so a routine ``pulumi destroy`` with an ordinary PAT would fail half-way; archive
works with any token, is what agents and deployments get too, and keeps past runs' environment
resolvable. The cost: archived environments accumulate in the account (hidden from the default
list).

Modules: ``args``, ``check``, ``mapping``, ``lifecycle``, ``resource`` (as for deployments).
"""
