"""FastAPI app factory: routes under both API prefixes, error envelopes, the background scheduler."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .errors import ApiError, envelope, invalid
from .flavor_layer import FlavorLayer
from .middleware import EmulatorMiddleware
from .openapi import build_openapi
from .routes import API_ROUTERS, control_router
from .routes import cma as cma_routes
from .service import Emulator
from .settings import Settings


def _error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.envelope(), status_code=exc.status)


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _error_response(exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:  # "No route": a wrong base URL, not an object that is gone
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
    """Query/path type errors (``limit=x``): 400 naming the parameter, never FastAPI's 422."""
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
        description="Every route is served under /api/v1/cloud and /v1. Errors: "
        '{"type":"error","error":{"type","message","param"}}.',
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.emulator = emulator
    routers = [*API_ROUTERS, cma_routes.router] if emulator.flavor.vault_update else list(API_ROUTERS)
    for prefix in emulator.flavor.api_prefixes:  # each family directly: no umbrella router (routes/)
        for router in routers:
            app.include_router(router, prefix=prefix)
    app.include_router(control_router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(FlavorLayer, flavor=emulator.flavor)  # inside EmulatorMiddleware: logged, faulted
    app.add_middleware(EmulatorMiddleware, emulator=emulator)

    def openapi() -> dict[str, Any]:
        return build_openapi(app)

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _scheduler_loop(emulator: Emulator) -> None:
    while True:
        emulator.fire_due()
        await asyncio.sleep(emulator.settings.tick_seconds)
