"""FastAPI app factory: HTTP <-> ``Emulator`` translation, error envelopes, the control API."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import openapi_bodies as schemas
from .errors import ApiError, envelope, invalid
from .ids import fmt_seconds, parse_time
from .middleware import EmulatorMiddleware
from .scheduler import ManualClock
from .service import Account, CreatedRange, Emulator, PageParams, page_params
from .settings import Settings

PREFIXES = ("/api/v1/cloud", "/v1")  # decision #16
_bearer = HTTPBearer(
    auto_error=False, description="A token given to the emulator with --token (one account each)"
)


def _json(payload: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status)


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise invalid(None, "Request body must be valid JSON.") from exc


def _time_query(value: str | None, param: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as exc:
        raise invalid(param, f"{param} must be an RFC 3339 timestamp (got {value!r}).") from exc


def _bool_query(value: str | None, param: str) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    raise invalid(param, f"{param} must be true or false (got {value!r}).")


def _pages(
    limit: Annotated[int | None, Query(description="1-100, default 20; larger values are clamped")] = None,
    after_id: Annotated[str | None, Query()] = None,
    before_id: Annotated[str | None, Query()] = None,
    page: Annotated[str | None, Query(description="alias of after_id")] = None,
) -> PageParams:
    return page_params(limit, after_id, before_id, page)


Pages = Annotated[PageParams, Depends(_pages)]


def _created(
    gt: Annotated[str | None, Query(alias="created_at[gt]")] = None,
    gte: Annotated[str | None, Query(alias="created_at[gte]")] = None,
    lt: Annotated[str | None, Query(alias="created_at[lt]")] = None,
    lte: Annotated[str | None, Query(alias="created_at[lte]")] = None,
) -> CreatedRange:
    """``created_at[gt|gte|lt|lte]``: every list that takes one takes all four."""
    given = {"gt": gt, "gte": gte, "lt": lt, "lte": lte}
    return {op: _time_query(value, f"created_at[{op}]") for op, value in given.items()}


Created = Annotated[CreatedRange, Depends(_created)]
IncludeArchived = Annotated[str | None, Query()]


def api_router(emulator: Emulator) -> APIRouter:
    def authenticate(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Account:
        account = None if credentials is None else emulator.accounts.get(credentials.credentials)
        if account is None:
            raise ApiError(401, "authentication_error", "Invalid API key or token.")
        return account

    Auth = Annotated[Account, Depends(authenticate)]
    router = APIRouter()

    # --- deployments ---
    @router.post("/deployments", tags=["deployments"], openapi_extra=schemas.body(schemas.DEPLOYMENT_CREATE))
    async def create_deployment(request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.create_deployment(account, await _body(request)))

    @router.get("/deployments", tags=["deployments"])
    async def list_deployments(
        account: Auth,
        pages: Pages,
        created: Created,
        status: str | None = None,
        include_archived: IncludeArchived = None,
        agent_id: str | None = None,
    ) -> JSONResponse:
        return _json(
            emulator.list_deployments(
                account,
                pages,
                status=status,
                include_archived=bool(_bool_query(include_archived, "include_archived")),
                agent_id=agent_id,
                created=created,
            )
        )

    @router.get("/deployments/{deployment_id}", tags=["deployments"])
    async def get_deployment(deployment_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.get_deployment(account, deployment_id))

    @router.post(
        "/deployments/{deployment_id}",
        tags=["deployments"],
        openapi_extra=schemas.body(schemas.DEPLOYMENT_UPDATE),
    )
    async def update_deployment(deployment_id: str, request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.update_deployment(account, deployment_id, await _body(request)))

    @router.post("/deployments/{deployment_id}/archive", tags=["deployments"])
    async def archive_deployment(deployment_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.archive_deployment(account, deployment_id))

    @router.post("/deployments/{deployment_id}/pause", tags=["deployments"])
    async def pause_deployment(deployment_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.pause_deployment(account, deployment_id))

    @router.post("/deployments/{deployment_id}/unpause", tags=["deployments"])
    async def unpause_deployment(deployment_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.unpause_deployment(account, deployment_id))

    @router.post(
        "/deployments/{deployment_id}/run",
        tags=["deployments"],
        openapi_extra=schemas.body(schemas.EMPTY, required=False),
    )
    async def run_deployment(deployment_id: str, request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.run_deployment(account, deployment_id, await _body(request)))

    # --- runs ---
    def run_filters(
        status: str | None,
        trigger_type: str | None,
        has_error: str | None,
        triggered_after: str | None,
        triggered_before: str | None,
        created: CreatedRange,
    ) -> dict[str, Any]:
        return {
            "status": status,
            "trigger_type": trigger_type,
            "has_error": _bool_query(has_error, "has_error"),
            "triggered_after": _time_query(triggered_after, "triggered_after"),
            "triggered_before": _time_query(triggered_before, "triggered_before"),
            "created": created,
        }

    @router.get("/deployments/{deployment_id}/runs", tags=["runs"])
    async def list_deployment_runs(
        deployment_id: str,
        account: Auth,
        pages: Pages,
        created: Created,
        status: str | None = None,
        triggered_after: str | None = None,
        triggered_before: str | None = None,
        trigger_type: str | None = None,
        has_error: str | None = None,
    ) -> JSONResponse:
        return _json(
            emulator.list_runs(
                account,
                pages,
                deployment_id=deployment_id,
                scoped=True,
                **run_filters(status, trigger_type, has_error, triggered_after, triggered_before, created),
            )
        )

    @router.get("/deployments/{deployment_id}/runs/{run_id}", tags=["runs"])
    async def get_deployment_run(deployment_id: str, run_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.get_run(account, run_id, deployment_id))

    @router.get("/deployment_runs", tags=["runs"])
    async def list_all_runs(
        account: Auth,
        pages: Pages,
        created: Created,
        deployment_id: str | None = None,
        status: str | None = None,
        trigger_type: str | None = None,
        has_error: str | None = None,
        triggered_after: str | None = None,
        triggered_before: str | None = None,
    ) -> JSONResponse:
        return _json(
            emulator.list_runs(
                account,
                pages,
                deployment_id=deployment_id,
                scoped=False,
                **run_filters(status, trigger_type, has_error, triggered_after, triggered_before, created),
            )
        )

    @router.get("/deployment_runs/{run_id}", tags=["runs"])
    async def get_run(run_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.get_run(account, run_id))

    # --- agents ---
    @router.post("/agents", tags=["agents"], openapi_extra=schemas.body(schemas.AGENT_CREATE))
    async def create_agent(request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.create_agent(account, await _body(request)), 201)

    @router.get("/agents", tags=["agents"])
    async def list_agents(
        account: Auth, pages: Pages, created: Created, include_archived: IncludeArchived = None
    ) -> JSONResponse:
        return _json(
            emulator.list_agents(
                account,
                pages,
                include_archived=bool(_bool_query(include_archived, "include_archived")),
                created=created,
            )
        )

    @router.get("/agents/{agent_id}", tags=["agents"])
    async def get_agent(
        agent_id: str,
        account: Auth,
        version: Annotated[int | None, Query(ge=1, description="a past version")] = None,
    ) -> JSONResponse:
        return _json(emulator.get_agent(account, agent_id, version))

    @router.post("/agents/{agent_id}", tags=["agents"], openapi_extra=schemas.body(schemas.AGENT_UPDATE))
    async def update_agent(agent_id: str, request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.update_agent(account, agent_id, await _body(request)))

    @router.post("/agents/{agent_id}/archive", tags=["agents"])
    async def archive_agent(agent_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.archive_agent(account, agent_id))

    @router.get("/agents/{agent_id}/versions", tags=["agents"])
    async def list_agent_versions(
        agent_id: str, account: Auth, limit: int | None = None, page: str | None = None
    ) -> JSONResponse:
        return _json(emulator.list_agent_versions(account, agent_id, limit, page))

    # --- environments ---
    @router.post(
        "/environments", tags=["environments"], openapi_extra=schemas.body(schemas.ENVIRONMENT_CREATE)
    )
    async def create_environment(request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.create_environment(account, await _body(request)), 201)

    @router.get("/environments", tags=["environments"])
    async def list_environments(
        account: Auth, pages: Pages, created: Created, include_archived: IncludeArchived = None
    ) -> JSONResponse:
        return _json(
            emulator.list_environments(
                account,
                pages,
                include_archived=bool(_bool_query(include_archived, "include_archived")),
                created=created,
            )
        )

    @router.get("/environments/{environment_id}", tags=["environments"])
    async def get_environment(environment_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.get_environment(account, environment_id))

    @router.post(
        "/environments/{environment_id}",
        tags=["environments"],
        openapi_extra=schemas.body(schemas.ENVIRONMENT_UPDATE),
    )
    async def update_environment(environment_id: str, request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.update_environment(account, environment_id, await _body(request)))

    @router.post("/environments/{environment_id}/archive", tags=["environments"])
    async def archive_environment(environment_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.archive_environment(account, environment_id))

    @router.delete("/environments/{environment_id}", tags=["environments"])
    async def delete_environment(environment_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.delete_environment(account, environment_id))

    # --- vaults (no update endpoint, like Qoder) ---
    @router.post("/vaults", tags=["vaults"], openapi_extra=schemas.body(schemas.VAULT_CREATE))
    async def create_vault(request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.create_vault(account, await _body(request)), 201)

    @router.get("/vaults", tags=["vaults"])
    async def list_vaults(
        account: Auth,
        pages: Pages,
        created: Created,
        include_archived: IncludeArchived = None,
        name: Annotated[str | None, Query(description="exact display_name")] = None,
    ) -> JSONResponse:
        return _json(
            emulator.list_vaults(
                account,
                pages,
                include_archived=bool(_bool_query(include_archived, "include_archived")),
                name=name,
                created=created,
            )
        )

    @router.get("/vaults/{vault_id}", tags=["vaults"])
    async def get_vault(vault_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.get_vault(account, vault_id))

    @router.post("/vaults/{vault_id}/archive", tags=["vaults"])
    async def archive_vault(vault_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.archive_vault(account, vault_id))

    @router.delete("/vaults/{vault_id}", tags=["vaults"])
    async def delete_vault(vault_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.delete_vault(account, vault_id))

    # --- vault credentials (a sub-resource; updated in place, unlike vaults) ---
    @router.post(
        "/vaults/{vault_id}/credentials",
        tags=["credentials"],
        openapi_extra=schemas.body(schemas.CREDENTIAL_CREATE),
    )
    async def create_credential(vault_id: str, request: Request, account: Auth) -> JSONResponse:
        return _json(emulator.create_credential(account, vault_id, await _body(request)), 201)

    @router.get("/vaults/{vault_id}/credentials", tags=["credentials"])
    async def list_credentials(
        vault_id: str,
        account: Auth,
        pages: Pages,
        include_archived: IncludeArchived = None,
        name: Annotated[str | None, Query(description="exact display_name")] = None,
    ) -> JSONResponse:
        return _json(
            emulator.list_credentials(
                account,
                vault_id,
                pages,
                include_archived=bool(_bool_query(include_archived, "include_archived")),
                name=name,
            )
        )

    @router.get("/vaults/{vault_id}/credentials/{credential_id}", tags=["credentials"])
    async def get_credential(vault_id: str, credential_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.get_credential(account, vault_id, credential_id))

    @router.post(
        "/vaults/{vault_id}/credentials/{credential_id}",
        tags=["credentials"],
        openapi_extra=schemas.body(schemas.CREDENTIAL_UPDATE),
    )
    async def update_credential(
        vault_id: str, credential_id: str, request: Request, account: Auth
    ) -> JSONResponse:
        return _json(emulator.update_credential(account, vault_id, credential_id, await _body(request)))

    @router.post("/vaults/{vault_id}/credentials/{credential_id}/archive", tags=["credentials"])
    async def archive_credential(vault_id: str, credential_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.archive_credential(account, vault_id, credential_id))

    @router.delete("/vaults/{vault_id}/credentials/{credential_id}", tags=["credentials"])
    async def delete_credential(vault_id: str, credential_id: str, account: Auth) -> JSONResponse:
        return _json(emulator.delete_credential(account, vault_id, credential_id))

    return router


def control_router(emulator: Emulator) -> APIRouter:
    """``/_emulator/*``: no auth (a loopback tool), no faults, not in the request log."""
    router = APIRouter(prefix="/_emulator", include_in_schema=False)

    def clock_state(fired: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "now": fmt_seconds(emulator.now()),
            "mode": "manual" if emulator.clock.manual else "real",
        }
        if fired is not None:
            out["fired_runs"] = fired
        return out

    @router.get("/health")
    async def health() -> JSONResponse:
        return _json({"status": "ok", **clock_state()})

    @router.get("/clock")
    async def get_clock() -> JSONResponse:
        return _json(clock_state())

    @router.put("/clock")
    async def put_clock(request: Request) -> JSONResponse:
        clock = emulator.clock
        if not isinstance(clock, ManualClock):
            raise ApiError(
                409, "conflict_error", "The clock is real; start the emulator with --clock manual."
            )
        body = await _body(request)
        if not isinstance(body, dict) or len(body) != 1 or not ({"now", "advance_seconds"} & set(body)):
            raise invalid(None, 'Send exactly one of {"now": "<RFC 3339>"} or {"advance_seconds": N}.')
        try:
            if "now" in body:
                if not isinstance(body["now"], str):
                    raise ValueError("now must be an RFC 3339 string")
                clock.set(parse_time(body["now"]))
            else:
                seconds = body["advance_seconds"]
                if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                    raise ValueError("advance_seconds must be a number")
                clock.advance(float(seconds))
        except ValueError as exc:
            raise invalid("now" if "now" in body else "advance_seconds", str(exc)) from exc
        return _json(clock_state(emulator.fire_due()))

    @router.get("/faults")
    async def get_faults() -> JSONResponse:
        return _json(emulator.faults.describe())

    @router.put("/faults")
    async def put_faults(request: Request) -> JSONResponse:
        emulator.faults.configure(await _body(request) or {})
        return _json(emulator.faults.describe())

    @router.get("/requests")
    async def get_requests() -> JSONResponse:
        with emulator.log_lock:
            return _json({"data": list(emulator.request_log)})

    @router.delete("/requests")
    async def clear_requests() -> JSONResponse:
        with emulator.log_lock:
            emulator.request_log.clear()
        return _json({"data": []})

    return router


def _error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.envelope(), status_code=exc.status)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _error_response(exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return _error_response(ApiError(404, "not_found_error", f"No route for {request.url.path}."))
    if exc.status_code == 405:  # decision #13: e.g. PATCH /deployments/{id}
        response = _error_response(
            ApiError(
                405, "invalid_request_error", f"Method {request.method} is not allowed on {request.url.path}."
            )
        )
        if exc.headers and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    return JSONResponse(
        envelope("invalid_request_error" if exc.status_code < 500 else "api_error", str(exc.detail)),
        status_code=exc.status_code,
    )


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body", "header")]
    param = ".".join(loc) or None
    return _error_response(invalid(param, f"{param or 'request'}: {first.get('msg', 'invalid value')}"))


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(envelope("api_error", f"Internal error: {type(exc).__name__}"), status_code=500)


def create_app(settings: Settings) -> FastAPI:
    emulator = Emulator(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = None if emulator.clock.manual else asyncio.create_task(_scheduler_loop(emulator))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            emulator.close()

    app = FastAPI(
        title="Qoder Cloud Agents API (local emulator)",
        version="1",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.emulator = emulator
    router = api_router(emulator)
    app.include_router(router, prefix=PREFIXES[0])
    app.include_router(router, prefix=PREFIXES[1], include_in_schema=False)
    app.include_router(control_router(emulator))
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(EmulatorMiddleware, emulator=emulator)
    return app


async def _scheduler_loop(emulator: Emulator) -> None:
    while True:
        emulator.fire_due()
        await asyncio.sleep(emulator.settings.tick_seconds)
