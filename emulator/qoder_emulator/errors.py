"""The one exception type the emulator raises for API errors, and the Qoder error envelope."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered as ``{"type":"error","error":{"type","message","param"}}``."""

    def __init__(self, status: int, error_type: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.param = param

    def envelope(self) -> dict[str, Any]:
        return envelope(self.error_type, self.message, self.param)


def envelope(error_type: str, message: str, param: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"type": error_type, "message": message}
    if param is not None:
        error["param"] = param
    return {"type": "error", "error": error}


def invalid(param: str | None, message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message, param)


def not_found(what: str, object_id: str, param: str | None = None) -> ApiError:
    return ApiError(404, "not_found_error", f"{what} {object_id} not found.", param)


def conflict(message: str, param: str | None = None) -> ApiError:
    return ApiError(409, "conflict_error", message, param)
