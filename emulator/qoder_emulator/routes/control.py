"""``/_emulator/*``: clock, faults, request log, health. No auth (a loopback tool), no faults, not logged."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..clocks import ManualClock
from ..errors import ApiError, invalid
from ..ids import fmt_seconds, parse_time
from ..prefixes import CONTROL_PREFIX
from ..service import Emulator
from ._common import emulator_of, json_body, reply

router = APIRouter(prefix=CONTROL_PREFIX, include_in_schema=False)


def _clock_state(emulator: Emulator, fired: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "now": fmt_seconds(emulator.now()),
        "mode": "manual" if emulator.clock.manual else "real",
    }
    if fired is not None:
        out["fired_runs"] = fired
    return out


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    return reply({"status": "ok", **_clock_state(emulator_of(request))})


@router.get("/clock")
async def get_clock(request: Request) -> JSONResponse:
    return reply(_clock_state(emulator_of(request)))


@router.put("/clock")
async def put_clock(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    clock = emulator.clock
    if not isinstance(clock, ManualClock):
        raise ApiError(409, "conflict_error", "The clock is real; start the emulator with --clock manual.")
    body = await json_body(request)
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
    return reply(_clock_state(emulator, emulator.fire_due()))


@router.get("/faults")
async def get_faults(request: Request) -> JSONResponse:
    return reply(emulator_of(request).faults.describe())


@router.put("/faults")
async def put_faults(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    emulator.faults.configure(await json_body(request) or {})
    return reply(emulator.faults.describe())


@router.get("/requests")
async def get_requests(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    with emulator.log_lock:
        return reply({"data": list(emulator.request_log)})


@router.delete("/requests")
async def clear_requests(request: Request) -> JSONResponse:
    emulator = emulator_of(request)
    with emulator.log_lock:
        emulator.request_log.clear()
    return reply({"data": []})
