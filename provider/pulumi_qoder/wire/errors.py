"""Errors raised by the Qoder client and provider, each rendered as one clear line."""

from __future__ import annotations

__all__ = ["ConfigurationError", "QoderAPIError", "QoderError", "QoderTransportError"]


class QoderError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(QoderError):
    """Credentials or endpoint are missing or malformed (a setup problem, not an API answer)."""


class QoderTransportError(QoderError):
    """No usable HTTP answer after the client's bounded retries (connection reset, timeout, ...)."""


class QoderAPIError(QoderError):
    """An error answer of the API, parsed from the documented envelope.

    ``str(err)`` is one line: ``Qoder API 400 invalid_request_error (param name): ... [request req_x]``.
    """

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        *,
        param: str | None = None,
        request_id: str | None = None,
        method: str = "",
        path: str = "",
    ) -> None:
        self.status = status
        self.error_type = error_type
        self.message = message
        self.param = param
        self.request_id = request_id
        self.method = method
        self.path = path
        super().__init__(self._line())

    def _line(self) -> str:
        parts = [f"Qoder API {self.status} {self.error_type}"]
        if self.param:
            parts.append(f"(param {self.param})")
        text = " ".join(parts) + f": {self.message}"
        if self.method and self.path:
            text += f" ({self.method} {self.path})"
        if self.request_id:
            text += f" [request {self.request_id}]"
        return text

    @property
    def is_not_found(self) -> bool:
        return self.status == 404

    @property
    def is_conflict(self) -> bool:
        return self.status == 409
