"""The vault's quirks on the shared lifecycle: no update endpoint (adopting refuses a vault that
differs, an in-place update refuses real changes), and destroy deletes (archives where the
account may not delete)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...core import fields, objects
from ...core.flavor_rules import current_flavor
from ...core.lifecycle import Lifecycle
from ...core.values import JSON
from ...wire.errors import QoderAPIError, QoderError
from .check import INPUT_KEYS, REPLACE_ON_CHANGES, check_inputs
from .mapping import create_body, vault_to_inputs, vault_to_outputs

if TYPE_CHECKING:
    from ...wire.client import QoderClient

__all__ = ["COLLECTION", "VaultLifecycle"]

COLLECTION = "vaults"


class VaultLifecycle(Lifecycle):
    """Lifecycle of a vault. The API has no vault update: adopting refuses a vault that differs,
    an in-place update refuses real changes, and destroy deletes (archives where not allowed)."""

    collection, kind, input_keys = COLLECTION, "vault", INPUT_KEYS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    to_inputs = staticmethod(vault_to_inputs)
    to_outputs = staticmethod(vault_to_outputs)

    def converge(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        self.adoption_changes(obj, inputs)
        return obj

    def adoption_changes(self, obj: JSON, inputs: Mapping[str, Any]) -> list[str]:
        found = vault_to_inputs(obj, inputs)
        differs = [k for k in REPLACE_ON_CHANGES if found.get(k) != inputs.get(k)]
        if differs:
            raise QoderError(
                f"adopt_id: vault {obj['id']} differs in {', '.join(differs)} and vaults cannot be "
                "updated; make the program match it, or drop adopt_id to create a new vault"
            )
        return []

    def apply(
        self, client: QoderClient, id_: str, olds: Mapping[str, Any], old: JSON, new: JSON
    ) -> JSON | None:
        # Reached only when nothing but the provider itself changed (a package upgrade), or when
        # a user's ignore_changes/replace_on_changes override hid a real change from the plan.
        changed = sorted(k for k in REPLACE_ON_CHANGES if old.get(k) != new.get(k))
        if current_flavor() == "cma" and changed and "credentials" not in changed:
            # CMA updates a vault in place (POST /v1/vaults/{id}); the resource registers only
            # ``credentials`` as replace-on-change there (resource.py).
            patch: JSON = {}
            if "display_name" in changed:
                patch["display_name"] = new["display_name"]
            if "metadata" in changed:
                patch["metadata"] = fields.metadata_patch(old.get("metadata"), new.get("metadata"))
            return client.update_object(COLLECTION, id_, patch)
        if changed:
            raise QoderError(
                f"vault {id_}: {', '.join(changed)} cannot change in place (the Qoder API has no "
                "vault update); remove the option that prevents the replacement"
            )
        return None

    def remove(self, client: QoderClient, id_: str) -> None:
        try:
            objects.delete(client, COLLECTION, id_)
        except QoderAPIError as exc:
            if exc.status not in (403, 405):
                raise
            objects.archive(client, COLLECTION, id_)  # not allowed to delete: archive instead
