"""``VaultCredential``: one credential of a vault, its own object (``/vaults/{id}/credentials``)
as the official API and SDK have it, updated in place.

* Rotating a secret (a bearer token, an OAuth access token, an environment variable's value) or
  changing ``metadata`` is **one credential update**: the vault keeps its id and deployments keep
  their ``vault_ids``. What the update endpoint cannot change (``vault_id``, ``display_name``,
  ``auth.type``, the MCP server URL, the secret's name, the OAuth client) replaces the credential,
  never the vault.
* Secrets are write-only: the service never returns them. The constructor makes ``auth`` a secret
  input and a secret output (state holds ciphertext); refresh carries them over from state.
* Destroy deletes the credential (``DELETE /vaults/{vault_id}/credentials/{id}``).

Modules: ``args``, ``check``, ``mapping``, ``lifecycle``, ``resource`` (as for deployments).
"""
