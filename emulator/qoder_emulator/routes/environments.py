"""``/environments``: create (201), list, get, update, archive, delete."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .. import wire
from ._common import (
    LIST_PARAMETERS,
    READ_ERRORS,
    WRITE_ERRORS,
    Auth,
    IncludeArchived,
    Pages,
    body_of,
    created_range,
    emulator_of,
    include_archived,
    reply,
    request_body,
)

router = APIRouter(tags=["environments"])


@router.post(
    "/environments",
    status_code=201,
    response_model=wire.Environment,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.EnvironmentCreate),
)
async def create_environment(request: Request, account: Auth) -> JSONResponse:
    return reply(
        emulator_of(request).environments.create(account, await body_of(request, wire.EnvironmentCreate)), 201
    )


@router.get(
    "/environments",
    response_model=wire.Page[wire.Environment],
    responses=READ_ERRORS,
    openapi_extra=LIST_PARAMETERS,
)
async def list_environments(
    request: Request, account: Auth, pages: Pages, archived: IncludeArchived = None
) -> JSONResponse:
    return reply(
        emulator_of(request).environments.list(
            account, pages, include_archived=include_archived(archived), created=created_range(request)
        )
    )


@router.get("/environments/{environment_id}", response_model=wire.Environment, responses=READ_ERRORS)
async def get_environment(request: Request, environment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).environments.get(account, environment_id))


@router.post(
    "/environments/{environment_id}",
    response_model=wire.Environment,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.EnvironmentUpdate),
)
async def update_environment(request: Request, environment_id: str, account: Auth) -> JSONResponse:
    return reply(
        emulator_of(request).environments.update(
            account, environment_id, await body_of(request, wire.EnvironmentUpdate)
        )
    )


@router.post(
    "/environments/{environment_id}/archive", response_model=wire.Environment, responses=WRITE_ERRORS
)
async def archive_environment(request: Request, environment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).environments.archive(account, environment_id))


@router.delete("/environments/{environment_id}", response_model=wire.Deleted, responses=WRITE_ERRORS)
async def delete_environment(request: Request, environment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).environments.delete(account, environment_id))
