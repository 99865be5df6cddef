"""HTTP routes, one module per resource family (moto style); ``api_router`` is what the API serves."""

from fastapi import APIRouter

from . import agents, control, credentials, deployments, environments, runs, vaults

FAMILIES = (deployments, runs, agents, environments, vaults, credentials)


def api_router() -> APIRouter:
    """Every API route, without prefix: the app mounts it under each of ``prefixes.API_PREFIXES``."""
    router = APIRouter()
    for family in FAMILIES:
        router.include_router(family.router)
    return router


control_router = control.router

__all__ = ["api_router", "control_router"]
