"""Runs: per deployment (``/deployments/{id}/runs``, Qoder only) and global (``/deployment_runs``)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from .. import wire
from ._common import (
    LIST_PARAMETERS,
    READ_ERRORS,
    Auth,
    Pages,
    bool_query,
    created_range,
    emulator_of,
    reply,
    time_query,
)

router = APIRouter(tags=["runs"])

Status = Annotated[str | None, Query(description="pending, running, completed, failed or skipped")]
TriggerType = Annotated[str | None, Query(description="manual, schedule or retry")]


def _filters(
    status: str | None,
    trigger_type: str | None,
    has_error: str | None,
    triggered_after: str | None,
    triggered_before: str | None,
    created: Any,
) -> dict[str, Any]:
    return {
        "status": status,
        "trigger_type": trigger_type,
        "has_error": bool_query(has_error, "has_error"),
        "triggered_after": time_query(triggered_after, "triggered_after"),
        "triggered_before": time_query(triggered_before, "triggered_before"),
        "created": created,
    }


@router.get(
    "/deployments/{deployment_id}/runs",
    response_model=wire.Page[wire.DeploymentRun],
    responses=READ_ERRORS,
    openapi_extra=LIST_PARAMETERS,
)
async def list_deployment_runs(
    request: Request,
    deployment_id: str,
    account: Auth,
    pages: Pages,
    status: Status = None,
    trigger_type: TriggerType = None,
    has_error: str | None = None,
    triggered_after: str | None = None,
    triggered_before: str | None = None,
) -> JSONResponse:
    filters = _filters(
        status, trigger_type, has_error, triggered_after, triggered_before, created_range(request)
    )
    return reply(
        emulator_of(request).runs.list(account, pages, deployment_id=deployment_id, scoped=True, **filters)
    )


@router.get(
    "/deployments/{deployment_id}/runs/{run_id}", response_model=wire.DeploymentRun, responses=READ_ERRORS
)
async def get_deployment_run(
    request: Request, deployment_id: str, run_id: str, account: Auth
) -> JSONResponse:
    return reply(emulator_of(request).runs.get(account, run_id, deployment_id))


@router.get(
    "/deployment_runs",
    response_model=wire.Page[wire.DeploymentRun],
    responses=READ_ERRORS,
    openapi_extra=LIST_PARAMETERS,
)
async def list_all_runs(
    request: Request,
    account: Auth,
    pages: Pages,
    deployment_id: str | None = None,
    status: Status = None,
    trigger_type: TriggerType = None,
    has_error: str | None = None,
    triggered_after: str | None = None,
    triggered_before: str | None = None,
) -> JSONResponse:
    filters = _filters(
        status, trigger_type, has_error, triggered_after, triggered_before, created_range(request)
    )
    return reply(
        emulator_of(request).runs.list(account, pages, deployment_id=deployment_id, scoped=False, **filters)
    )


@router.get("/deployment_runs/{run_id}", response_model=wire.DeploymentRun, responses=READ_ERRORS)
async def get_run(request: Request, run_id: str, account: Auth) -> JSONResponse:
    return reply(emulator_of(request).runs.get(account, run_id))
