"""``/vaults``: create (201), list, get, archive, delete. No update, like Qoder."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import wire
from ._common import (
    LIST_PARAMETERS,
    READ_ERRORS,
    WRITE_ERRORS,
    Auth,
    IncludeArchived,
    Name,
    Pages,
    body_of,
    created_range,
    emulator_of,
    include_archived,
    reply,
    request_body,
)

router = APIRouter(tags=["vaults"])


@router.post(
    "/vaults",
    status_code=201,
    response_model=wire.Vault,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.VaultCreate),
)
async def create_vault(request: Request, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).vaults.create(account, await body_of(request, wire.VaultCreate)), 201)


@router.get(
    "/vaults", response_model=wire.Page[wire.Vault], responses=READ_ERRORS, openapi_extra=LIST_PARAMETERS
)
async def list_vaults(
    request: Request,
    account: Auth,
    pages: Pages,
    archived: IncludeArchived = None,
    name: Name = None,
) -> JSONResponse:
    return reply(
        emulator_of(request).vaults.list(
            account,
            pages,
            include_archived=include_archived(archived),
            name=name,
            created=created_range(request),
        )
    )


@router.get("/vaults/{vault_id}", response_model=wire.Vault, responses=READ_ERRORS)
async def get_vault(request: Request, vault_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).vaults.get(account, vault_id))


@router.post("/vaults/{vault_id}/archive", response_model=wire.Vault, responses=WRITE_ERRORS)
async def archive_vault(request: Request, vault_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).vaults.archive(account, vault_id))


@router.delete("/vaults/{vault_id}", response_model=wire.Deleted, responses=WRITE_ERRORS)
async def delete_vault(request: Request, vault_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).vaults.delete(account, vault_id))
