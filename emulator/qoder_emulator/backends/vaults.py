"""Vaults (no update, like Qoder) and their credentials (a sub-resource, updated in place).

Credentials given inline on ``POST /vaults`` are ordinary credential objects too (same ids); the
vault's own ``credentials`` array lists only those, in the flat shape the docs show.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .. import validation as v
from ..errors import conflict, invalid, not_found
from ..ids import fmt_seconds
from ..mapping import render_credential, render_inline_credential, render_vault
from ..storage import Doc
from .collection import Account, Collection, CreatedRange, PageParams, created_filter

if TYPE_CHECKING:
    from ..service import Emulator

ALL = 1_000_000


class Vaults:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.items = Collection(emulator, "vault", "Vault")
        self.credentials = Collection(emulator, "credential", "Credential", "vault_credential_deleted")

    def check_usable(self, account: Account, vault_ids: list[str]) -> None:
        for i, vault_id in enumerate(vault_ids):
            vault = self.items.load(account, vault_id, f"vault_ids[{i}]")
            if vault["archived_at"] is not None:
                raise invalid(f"vault_ids[{i}]", f"Vault {vault_id} is archived.")

    def _credentials_of(self, account: Account, vault_id: str) -> list[Doc]:
        rows = self.emulator.storage.scan(
            "credential", account.key, want=ALL, parent=vault_id, ascending=True
        )
        return [doc for _, doc in rows]

    def _render(self, account: Account, doc: Doc) -> Doc:
        ids = doc.get("_credential_ids")
        if ids is None:  # a vault stored before credentials became a sub-resource
            return render_vault(doc, doc.get("credentials") or [])
        found = {c["id"]: c for c in self._credentials_of(account, doc["id"]) if c["id"] in ids}
        return render_vault(doc, [render_inline_credential(found[i]) for i in ids if i in found])

    def _new_credential(self, vault_id: str, fields: Doc, stamp: str) -> Doc:
        return {
            "id": self.emulator.new_id("credential"),
            "type": "vault_credential",
            "vault_id": vault_id,
            "display_name": fields["display_name"],
            "auth": fields["auth"],
            "metadata": fields["metadata"],
            "status": "active",
            "archived_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }

    # --- vaults ------------------------------------------------------------------------------------

    def create(self, account: Account, body: Any) -> Doc:
        fields = v.vault_create(body)
        stamp = fmt_seconds(self.emulator.now())
        vault_id = self.emulator.new_id("vault")
        inline = [
            self._new_credential(vault_id, {"display_name": None, "metadata": {}, "auth": auth}, stamp)
            for auth in map(v.inline_credential_auth, fields["credentials"])
        ]
        doc: Doc = {
            "id": vault_id,
            "type": "vault",
            "display_name": fields["display_name"],
            "status": "active",
            "metadata": fields["metadata"],
            "archived_at": None,
            "created_at": stamp,
            "updated_at": stamp,
            "_credential_ids": [c["id"] for c in inline],
        }
        with self.emulator.storage.transaction():
            self.items.insert(account, doc)
            for credential in inline:
                self.emulator.storage.insert("credential", account.key, credential, parent=vault_id)
        return self._render(account, doc)

    def get(self, account: Account, vault_id: str) -> Doc:
        return self._render(account, self.items.read(account, vault_id))

    def list(
        self,
        account: Account,
        params: PageParams,
        *,
        include_archived: bool,
        name: str | None,
        created: CreatedRange,
    ) -> Doc:
        return self.items.page(
            account,
            params,
            lambda d: self._render(account, d),
            include_archived=include_archived,
            keep=created_filter(created, name_key="display_name", name=name),
        )

    def archive(self, account: Account, vault_id: str) -> Doc:
        return self._render(account, self.items.archive(account, vault_id, status="archived"))

    def delete(self, account: Account, vault_id: str) -> Doc:
        with self.emulator.storage.transaction():
            for credential in self._credentials_of(account, vault_id):
                self.emulator.storage.delete(credential["id"])
            return self.items.delete(account, vault_id)

    # --- credentials -------------------------------------------------------------------------------

    def _credential(self, account: Account, vault_id: str, credential_id: str, *, read: bool = False) -> Doc:
        self.items.load(account, vault_id)
        items = self.credentials
        doc = items.read(account, credential_id) if read else items.load(account, credential_id)
        if doc["vault_id"] != vault_id:
            raise not_found("Credential", credential_id)
        return doc

    def create_credential(self, account: Account, vault_id: str, body: Any) -> Doc:
        fields = v.credential_create(body)
        with self.emulator.storage.transaction():
            vault = self.items.load(account, vault_id)
            if vault["archived_at"] is not None:
                raise conflict(f"Vault {vault_id} is archived; it takes no new credentials.")
            doc = self._new_credential(vault_id, fields, fmt_seconds(self.emulator.now()))
            self.credentials.insert(account, doc, parent=vault_id)
        return render_credential(doc)

    def get_credential(self, account: Account, vault_id: str, credential_id: str) -> Doc:
        return render_credential(self._credential(account, vault_id, credential_id, read=True))

    def list_credentials(
        self, account: Account, vault_id: str, params: PageParams, *, include_archived: bool, name: str | None
    ) -> Doc:
        self.items.load(account, vault_id)
        keep = None if name is None else (lambda d: d["display_name"] == name)
        return self.credentials.page(
            account, params, render_credential, parent=vault_id, include_archived=include_archived, keep=keep
        )

    def update_credential(self, account: Account, vault_id: str, credential_id: str, body: Any) -> Doc:
        with self.emulator.storage.transaction():
            previous = self._credential(account, vault_id, credential_id)
            if previous["archived_at"] is not None:
                raise conflict(f"Credential {credential_id} is archived and can no longer be changed.")
            changes, rotated = v.credential_update(body, previous)
            doc = {**copy.deepcopy(previous), **changes}
            if doc != previous or rotated:  # a rotated secret changes nothing we echo but the time
                doc["updated_at"] = fmt_seconds(self.emulator.now())
                self.credentials.replace(account, doc, previous)
        return render_credential(doc)

    def archive_credential(self, account: Account, vault_id: str, credential_id: str) -> Doc:
        with self.emulator.storage.transaction():
            self._credential(account, vault_id, credential_id)
            return render_credential(self.credentials.archive(account, credential_id, status="archived"))

    def delete_credential(self, account: Account, vault_id: str, credential_id: str) -> Doc:
        with self.emulator.storage.transaction():
            self._credential(account, vault_id, credential_id)
            return self.credentials.delete(account, credential_id)
