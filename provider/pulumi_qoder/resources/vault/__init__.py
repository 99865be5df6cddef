"""``Vault``: credentials (static bearer tokens for MCP servers) that deployments' sessions use.

* The API has **no vault update**: any change of ``display_name``, ``credentials`` or
  ``metadata`` replaces the vault (the constructor sets ``replace_on_changes`` for them, and the
  engine, which diffs inputs itself, plans a create-then-delete). Deployments that reference
  ``vault.id`` are updated to the new id in the same ``up`` before the old vault goes.
* Access tokens are write-only secrets: the service never returns them. The constructor makes
  ``credentials`` a secret input and a secret output, so state holds them only as ciphertext;
  refresh carries them over from state (matched by MCP server URL) since the API cannot.
* Destroy **deletes** the vault (``DELETE /vaults/{id}``): a vault's only content is
  credentials, and a rotated or retired token should not stay stored on the service. Where the
  account may not delete (403/405), it is archived instead.

Modules: ``args``, ``check``, ``mapping``, ``lifecycle``, ``resource`` (as for deployments).
"""
