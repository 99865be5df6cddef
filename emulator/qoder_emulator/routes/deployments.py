"""``/deployments``: create, list, get, update (merge-patch POST), archive, pause, unpause, run."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from .. import wire
from ..validation import validated
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
    json_body,
    reply,
    request_body,
)

router = APIRouter(tags=["deployments"])


async def _empty_body(request: Request) -> dict[str, Any] | None:
    """``POST .../run`` takes no body, or ``{}``."""
    body = await json_body(request)
    return None if body is None else validated(wire.EmptyBody, body)


@router.post(
    "/deployments",
    response_model=wire.Deployment,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.DeploymentCreate),
)
async def create_deployment(request: Request, account: Auth) -> JSONResponse:
    return reply(
        emulator_of(request).deployments.create(account, await body_of(request, wire.DeploymentCreate))
    )  # 200 (#1)


@router.get(
    "/deployments",
    response_model=wire.Page[wire.Deployment],
    responses=READ_ERRORS,
    openapi_extra=LIST_PARAMETERS,
)
async def list_deployments(
    request: Request,
    account: Auth,
    pages: Pages,
    status: Annotated[str | None, Query(description="active or paused")] = None,
    archived: IncludeArchived = None,
    agent_id: str | None = None,
) -> JSONResponse:
    return reply(
        emulator_of(request).deployments.list(
            account,
            pages,
            status=status,
            include_archived=include_archived(archived),
            agent_id=agent_id,
            created=created_range(request),
        )
    )


@router.get("/deployments/{deployment_id}", response_model=wire.Deployment, responses=READ_ERRORS)
async def get_deployment(request: Request, deployment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).deployments.get(account, deployment_id))


@router.post(
    "/deployments/{deployment_id}",
    response_model=wire.Deployment,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.DeploymentUpdate),
)
async def update_deployment(request: Request, deployment_id: str, account: Auth) -> JSONResponse:
    return reply(
        emulator_of(request).deployments.update(
            account, deployment_id, await body_of(request, wire.DeploymentUpdate)
        )
    )


@router.post("/deployments/{deployment_id}/archive", response_model=wire.Deployment, responses=WRITE_ERRORS)
async def archive_deployment(request: Request, deployment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).deployments.archive(account, deployment_id))


@router.post("/deployments/{deployment_id}/pause", response_model=wire.Deployment, responses=WRITE_ERRORS)
async def pause_deployment(request: Request, deployment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).deployments.pause(account, deployment_id))


@router.post("/deployments/{deployment_id}/unpause", response_model=wire.Deployment, responses=WRITE_ERRORS)
async def unpause_deployment(request: Request, deployment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).deployments.unpause(account, deployment_id))


@router.post(
    "/deployments/{deployment_id}/run",
    response_model=wire.DeploymentRun,
    responses=WRITE_ERRORS,
    openapi_extra=request_body(wire.EmptyBody, required=False),
)
async def run_deployment(request: Request, deployment_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).deployments.run(account, deployment_id, await _empty_body(request)))
