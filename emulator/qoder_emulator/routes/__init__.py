"""HTTP routes, one module per resource family (moto style).

The app includes each family's router under each API prefix directly: FastAPI walks included
routers per request, so one level of nesting less is measurably cheaper than an umbrella router.
"""

from fastapi import APIRouter

from . import agents, control, credentials, deployments, environments, runs, vaults

API_ROUTERS: tuple[APIRouter, ...] = tuple(
    family.router for family in (deployments, runs, agents, environments, vaults, credentials)
)
control_router = control.router

__all__ = ["API_ROUTERS", "control_router"]
