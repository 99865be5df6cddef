"""``/agents``: create (201), list, get (``?version=N``), update, archive, versions."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
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

router = APIRouter(tags=["agents"])


@router.post(
    "/agents",
    status_code=201,
    response_model=wire.Agent,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.AgentCreate),
)
async def create_agent(request: Request, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).agents.create(account, await body_of(request, wire.AgentCreate)), 201)


@router.get(
    "/agents", response_model=wire.Page[wire.Agent], responses=READ_ERRORS, openapi_extra=LIST_PARAMETERS
)
async def list_agents(
    request: Request, account: Auth, pages: Pages, archived: IncludeArchived = None
) -> JSONResponse:
    return reply(
        emulator_of(request).agents.list(
            account, pages, include_archived=include_archived(archived), created=created_range(request)
        )
    )


@router.get("/agents/{agent_id}", response_model=wire.Agent, responses=READ_ERRORS)
async def get_agent(
    request: Request,
    agent_id: str,
    account: Auth,
    version: Annotated[int | None, Query(ge=1, description="a past version")] = None,
) -> JSONResponse:
    return reply(emulator_of(request).agents.get(account, agent_id, version))


@router.post(
    "/agents/{agent_id}",
    response_model=wire.Agent,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.AgentUpdate),
)
async def update_agent(request: Request, agent_id: str, account: Auth) -> JSONResponse:
    return reply(
        emulator_of(request).agents.update(account, agent_id, await body_of(request, wire.AgentUpdate))
    )


@router.post("/agents/{agent_id}/archive", response_model=wire.Agent, responses=WRITE_ERRORS)
async def archive_agent(request: Request, agent_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).agents.archive(account, agent_id))


@router.get("/agents/{agent_id}/versions", response_model=wire.Page[wire.Agent], responses=READ_ERRORS)
async def list_agent_versions(
    request: Request,
    agent_id: str,
    account: Auth,
    limit: int | None = None,
    page: Annotated[str | None, Query(description="a next_page cursor (v<N>)")] = None,
) -> JSONResponse:
    return reply(emulator_of(request).agents.versions(account, agent_id, limit, page))
