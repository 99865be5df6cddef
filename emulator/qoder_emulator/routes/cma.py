"""Routes only Claude Managed Agents serves (``Flavor.vault_update``): ``POST /vaults/{id}``."""

import copy
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import validation as v
from .. import wire
from ..ids import fmt_seconds
from ..service import Account, Emulator
from ._common import WRITE_ERRORS, Auth, emulator_of, json_body, reply

router = APIRouter(tags=["vaults"])


def update_vault(emulator: Emulator, account: Account, vault_id: str, body: Any) -> dict[str, Any]:
    """Merge-patch ``display_name`` and ``metadata`` (``null`` deletes a key), in place."""
    obj = v.require_object(body, None)
    v.check_fields(obj, "", {"display_name", "metadata"})
    vaults = emulator.vaults
    with emulator.storage.transaction():
        previous = vaults.items.mutable(account, vault_id)
        doc = copy.deepcopy(previous)
        if "display_name" in obj:
            doc["display_name"] = v.string(obj["display_name"], "display_name", min_len=1, max_len=255)
        if "metadata" in obj:
            doc["metadata"] = v.plain_metadata(obj["metadata"], previous["metadata"])
        if doc != previous:
            doc["updated_at"] = fmt_seconds(emulator.now())
            vaults.items.replace(account, doc, previous)
    return vaults.get(account, vault_id)


@router.post("/vaults/{vault_id}", response_model=wire.Vault, responses=WRITE_ERRORS)
async def update_vault_route(request: Request, vault_id: str, account: Auth) -> JSONResponse:
    emulator = emulator_of(request)
    return reply(update_vault(emulator, account, vault_id, await json_body(request)))
