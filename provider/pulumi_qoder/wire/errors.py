"""Errors raised by the Qoder client and provider, each rendered as one clear line (``str``),
optionally followed by one hint line (``hint``) saying what to do."""

from __future__ import annotations

__all__ = ["ConfigurationError", "QoderAPIError", "QoderError", "QoderTransportError"]


class QoderError(Exception):
    """Base class of every error this package raises on purpose. ``str(err)`` is one line."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def for_user(self) -> str:
        """The line, and the hint on a second line when there is one."""
        return f"{self}\n{self.hint}" if self.hint else str(self)


class ConfigurationError(QoderError):
    """Credentials or endpoint are missing or malformed (a setup problem, not an API answer)."""


class QoderTransportError(QoderError):
    """No usable HTTP answer after the client's bounded retries (connection reset, timeout, ...)."""


class QoderAPIError(QoderError):
    """An error answer of the API (or of whatever answered at the configured URL).

    ``str(err)`` is one line: ``Qoder API 400 invalid_request_error (param name): ... (POST <url>)
    [request req_x]``. ``envelope`` says whether the body was the API's JSON error envelope: an
    HTML page or any other body means something else answered (a wrong base URL, a proxy).
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
        envelope: bool = True,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.error_type = error_type
        self.message = message
        self.param = param
        self.request_id = request_id
        self.method = method
        self.path = path  # the full URL when the client raised it
        self.envelope = envelope
        super().__init__(self._line(), hint=hint)

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
        """The API itself says the object does not exist: its JSON envelope with
        ``not_found_error``. Not an HTML 404 (a wrong server), not a route miss ("No route for
        ...": a base URL without ``/api/v1/cloud``)."""
        return (
            self.status == 404
            and self.envelope
            and self.error_type == "not_found_error"
            and not self.message.startswith("No route")
        )

    @property
    def is_conflict(self) -> bool:
        return self.status == 409
