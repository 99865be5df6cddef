"""``/vaults/{id}/credentials``: a sub-resource, updated in place (unlike vaults)."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import wire
from ._common import (
    READ_ERRORS,
    WRITE_ERRORS,
    Auth,
    IncludeArchived,
    Name,
    Pages,
    body_of,
    emulator_of,
    include_archived,
    reply,
    request_body,
)

router = APIRouter(tags=["credentials"])
CREDENTIAL = "/vaults/{vault_id}/credentials/{credential_id}"


@router.post(
    "/vaults/{vault_id}/credentials",
    status_code=201,
    response_model=wire.Credential,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.CredentialCreate),
)
async def create_credential(request: Request, vault_id: str, account: Auth) -> JSONResponse:
    return reply(
        emulator_of(request).vaults.create_credential(
            account, vault_id, await body_of(request, wire.CredentialCreate)
        ),
        201,
    )


@router.get(
    "/vaults/{vault_id}/credentials",
    response_model=wire.Page[wire.Credential],
    responses=READ_ERRORS,
)
async def list_credentials(
    request: Request,
    vault_id: str,
    account: Auth,
    pages: Pages,
    archived: IncludeArchived = None,
    name: Name = None,
) -> JSONResponse:
    return reply(
        emulator_of(request).vaults.list_credentials(
            account, vault_id, pages, include_archived=include_archived(archived), name=name
        )
    )


@router.get(CREDENTIAL, response_model=wire.Credential, responses=READ_ERRORS)
async def get_credential(request: Request, vault_id: str, credential_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).vaults.get_credential(account, vault_id, credential_id))


@router.post(
    CREDENTIAL,
    response_model=wire.Credential,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.CredentialUpdate),
)
async def update_credential(
    request: Request, vault_id: str, credential_id: str, account: Auth
) -> JSONResponse:
    body = await body_of(request, wire.CredentialUpdate)
    return reply(emulator_of(request).vaults.update_credential(account, vault_id, credential_id, body))


@router.post(CREDENTIAL + "/archive", response_model=wire.Credential, responses=WRITE_ERRORS)
async def archive_credential(
    request: Request, vault_id: str, credential_id: str, account: Auth
) -> JSONResponse:
    return reply(emulator_of(request).vaults.archive_credential(account, vault_id, credential_id))


@router.delete(CREDENTIAL, response_model=wire.Deleted, responses=WRITE_ERRORS)
async def delete_credential(
    request: Request, vault_id: str, credential_id: str, account: Auth
) -> JSONResponse:
    return reply(emulator_of(request).vaults.delete_credential(account, vault_id, credential_id))
