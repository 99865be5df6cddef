"""The vault credential's quirks on the shared lifecycle: its collection is nested under its
vault (``/vaults/{vault_id}/credentials``), updates are in place, destroy deletes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core import objects
from ...core.fields import ADOPT_KEY
from ...core.idempotency import create_once
from ...core.lifecycle import CreateResponse, Lifecycle, ReadResponse, UpdateResponse, _keep_resource_key
from ...core.values import JSON, RESOURCE_KEY, is_unknown, plain_news, unwrap_secrets
from ...wire.errors import QoderError
from .check import INPUT_KEYS, REPLACE_ON_CHANGES, check_inputs
from .mapping import (
    create_body,
    credential_to_inputs,
    credential_to_outputs,
    credentials_path,
    update_patch,
)

__all__ = ["VaultCredentialLifecycle"]


def _changed_in_place_only(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The replacement-only paths that differ between ``old`` and ``new`` (normally none: the
    engine plans a replacement for them, unless an ignore_changes override hid it)."""
    changed = []
    for path in REPLACE_ON_CHANGES:
        a: Any = old
        b: Any = new
        for part in path.split("."):
            a = a.get(part) if isinstance(a, Mapping) else None
            b = b.get(part) if isinstance(b, Mapping) else None
        if a != b:
            changed.append(path)
    return changed


class VaultCredentialLifecycle(Lifecycle):
    """Lifecycle of one credential of a vault. Every call finds the collection from ``vault_id``."""

    collection, kind, input_keys = "vaults", "vault credential", INPUT_KEYS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    update_patch = staticmethod(update_patch)
    to_inputs = staticmethod(credential_to_inputs)
    to_outputs = staticmethod(credential_to_outputs)

    def create(self, props: Mapping[str, Any]) -> CreateResponse:
        # ``props`` are check's canonical inputs (as in the shared create), plus the resource key.
        inputs = plain_news(props)
        identity = str(props.get(RESOURCE_KEY) or "")
        client = self.connect()
        path = credentials_path(inputs["vault_id"])
        if inputs.get(ADOPT_KEY):
            obj = objects.adopt(client, path, inputs[ADOPT_KEY])
            obj = client.update_object(path, obj["id"], self._adoption_patch(obj, inputs))
        else:
            # Two credentials with the same inputs are two objects: the key names the resource.
            obj = create_once(client, path, self.create_body(inputs), key_scope=path, identity=identity)
        outs = self.to_outputs(obj, self.to_inputs(obj, inputs))
        return CreateResponse(obj["id"], _keep_resource_key(outs, props))

    def collection_of(self, inputs: Mapping[str, Any]) -> str | None:
        vault_id = inputs.get("vault_id")
        return credentials_path(vault_id) if isinstance(vault_id, str) and not is_unknown(vault_id) else None

    def adoption_changes(self, obj: JSON, inputs: Mapping[str, Any]) -> list[str]:
        return sorted(self._adoption_patch(obj, inputs))

    def _adoption_patch(self, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        """The update adopting ``obj`` sends. Secrets cannot be read back, so the program's are
        always sent (the service then holds what the state records), with every other updatable
        difference; a difference the update endpoint cannot apply is an error."""
        found = credential_to_inputs(obj, inputs)
        differs = _changed_in_place_only(found, inputs)
        if differs:
            raise QoderError(
                f"adopt_id: vault credential {obj['id']} differs in {', '.join(differs)}, which "
                "cannot be updated in place; make the program match it, or drop adopt_id"
            )
        return self.update_patch({**found, "auth": {"type": found["auth"].get("type")}}, inputs)

    def read(self, id_: str, props: Mapping[str, Any]) -> ReadResponse:
        prior = unwrap_secrets(props)
        path = credentials_path(str(prior.get("vault_id")))
        obj = objects.get_fresh(self.connect(), path, id_, prior, self.looks_stale)
        if obj is None or obj.get("archived_at"):
            return ReadResponse("", {})
        inputs = _keep_resource_key(self.to_inputs(obj, prior), prior)
        return ReadResponse(id_, _keep_resource_key(self.to_outputs(obj, inputs), prior), inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> UpdateResponse:
        old, _ = self.check_inputs({k: x for k, x in olds.items() if k in self.input_keys})
        new, _ = self.check_inputs(news)
        hidden = _changed_in_place_only(old, new)
        if hidden:
            raise QoderError(
                f"vault credential {id_}: {', '.join(hidden)} cannot change in place (the update "
                "endpoint takes only secrets, expiry, refresh settings, networking and metadata); "
                "remove the option that prevents the replacement"
            )
        client = self.connect()
        path = credentials_path(new["vault_id"])
        patch = self.update_patch(old, new)
        obj: JSON | None = client.update_object(path, id_, patch) if patch else None
        if obj is None:
            obj = objects.get_or_none(client, path, id_)
            if obj is None:
                raise QoderError(f"vault credential {id_} no longer exists; run `pulumi refresh`")
        return UpdateResponse(_keep_resource_key(self.to_outputs(obj, self.to_inputs(obj, new)), news))

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        prior = unwrap_secrets(props)
        objects.delete(self.connect(), credentials_path(str(prior.get("vault_id"))), id_)
