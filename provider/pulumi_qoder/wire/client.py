"""Typed HTTP client of the Qoder Cloud Agents API (httpx), kept apart from resource logic.

* One ``httpx.Client`` per (base URL, token hash) per process, shared by the provider server's
  worker threads (httpx clients are thread-safe), so connections are reused across resources.
* Bounded retries with jittered exponential backoff on 429, 5xx and connection errors, honouring
  ``Retry-After``. A POST is retried only when repeating it is harmless: it carries an
  ``Idempotency-Key`` (create, update) or it is archive/pause/unpause, whose repeat answers 409 and
  is handled by the caller.
* Errors surface as :class:`QoderAPIError` (one line with status, type, param, message, request id).
* Tokens are never logged; log lines carry method, path, status and request id only.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from .config import Credentials
from .errors import QoderAPIError, QoderTransportError

__all__ = ["QoderClient", "RetryPolicy", "client_for"]

JSON = dict[str, Any]
log = logging.getLogger("pulumi_qoder.client")

USER_AGENT = "pulumi-qoder/0.1.0"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 529})
# A fresh create answers with `created_at` within a second or two of the server's `Date`; a replay
# repeats an answer made when the key was first used, so it lags by the time since.
REPLAY_LAG_SECONDS = 5.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. Delays are full-jitter: uniform(0, min(cap, base * 2**n))."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return (when - datetime.now(UTC)).total_seconds()


def _request_id(response: httpx.Response, body: Any) -> str | None:
    # Qoder documents no request id in the body; SDKs look at x-request-id, then request-id, then body.
    rid = response.headers.get("x-request-id") or response.headers.get("request-id")
    if not rid and isinstance(body, dict):
        rid = body.get("request_id")
    return rid if isinstance(rid, str) else None


def _api_error(response: httpx.Response, method: str, path: str) -> QoderAPIError:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        error_type = str(error.get("type") or "api_error")
        message = str(error.get("message") or response.reason_phrase)
        param = error.get("param") if isinstance(error.get("param"), str) else None
    else:
        error_type = "api_error" if response.status_code >= 500 else "http_error"
        message = (response.text or response.reason_phrase)[:300].replace("\n", " ")
        param = None
    return QoderAPIError(
        response.status_code,
        error_type,
        message,
        param=param,
        request_id=_request_id(response, body),
        method=method,
        path=path,
    )


class QoderClient:
    """The object endpoints, generic over the collection. Paths are relative to the base URL."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = credentials.base_url
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=credentials.base_url + "/",
            headers={
                "Authorization": f"Bearer {credentials.token}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            timeout=timeout or httpx.Timeout(30.0, connect=10.0),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    # -- generic --------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        retry_safe: bool | None = None,
    ) -> httpx.Response:
        """Send a request with bounded retries; return the 2xx response or raise.

        ``retry_safe`` defaults to True for GET and for requests with an idempotency key.
        """
        if retry_safe is None:
            retry_safe = method == "GET" or idempotency_key is not None
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        attempts = self.retry.max_attempts if retry_safe else 1
        url = path.lstrip("/")
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._http.request(method, url, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                log.debug("%s %s: %s (attempt %d)", method, path, type(exc).__name__, attempt + 1)
                if last:
                    raise QoderTransportError(
                        f"Qoder API {method} {path}: {type(exc).__name__}: {exc} "
                        f"(after {attempt + 1} attempt{'s' if attempt else ''})"
                    ) from exc
                self._sleep(self.retry.delay(attempt, None))
                continue
            log.debug(
                "%s %s -> %d [%s]", method, path, response.status_code, response.headers.get("x-request-id")
            )
            if response.is_success:
                return response
            if response.status_code in RETRY_STATUSES and not last:
                self._sleep(self.retry.delay(attempt, _retry_after(response)))
                continue
            raise _api_error(response, method, path)
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response: httpx.Response) -> JSON:
        try:
            body = response.json()
        except ValueError as exc:
            raise QoderTransportError(
                f"Qoder API {response.request.method} {response.request.url.path}: response is not JSON"
            ) from exc
        if not isinstance(body, dict):
            raise QoderTransportError(f"Qoder API {response.request.url.path}: expected a JSON object")
        return body

    # -- objects of a collection (agents, environments, vaults, deployments) -------------------

    def create_object(
        self, collection: str, body: Mapping[str, Any], *, idempotency_key: str
    ) -> tuple[JSON, bool]:
        """Create; returns (object, replayed). ``replayed`` is True when the answer is a replay of
        an earlier request with the same key: the server says so (``Idempotent-Replayed``), or the
        object's ``created_at`` lags the response's ``Date`` (Qoder does not document the header,
        so the provider must not depend on it)."""
        response = self.request("POST", collection, json=body, idempotency_key=idempotency_key)
        obj = self._json(response)
        replayed = response.headers.get("idempotent-replayed", "").lower() == "true"
        return obj, replayed or _created_before(obj, response.headers.get("date"))

    def get_object(self, collection: str, id_: str) -> JSON:
        return self._json(self.request("GET", f"{collection}/{id_}"))

    def update_object(self, collection: str, id_: str, patch: Mapping[str, Any]) -> JSON:
        """``POST /{collection}/{id}`` (merge-patch)."""
        # A fresh key per call (not per body): the same patch sent again later must apply again,
        # but the client's own retries of this call must not apply it twice.
        key = f"pulumi-qoder-update-{uuid.uuid4()}"
        return self._json(self.request("POST", f"{collection}/{id_}", json=patch, idempotency_key=key))

    def post_action(self, collection: str, id_: str, action: str) -> JSON:
        """``POST /{collection}/{id}/{action}`` (archive, pause, unpause): a repeat answers 409,
        which the caller handles, so retrying is safe."""
        return self._json(self.request("POST", f"{collection}/{id_}/{action}", retry_safe=True))

    def delete_object(self, collection: str, id_: str) -> None:
        """``DELETE /{collection}/{id}``; repeating a DELETE is harmless."""
        self.request("DELETE", f"{collection}/{id_}", retry_safe=True)

    def list_objects(self, collection: str, **params: Any) -> JSON:
        return self._json(self.request("GET", collection, params=params))


_CLIENTS: dict[tuple[str, str], QoderClient] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(credentials: Credentials) -> QoderClient:
    """The process-wide client for these credentials (created once, reused by every thread)."""
    key = (credentials.base_url, credentials.token_fingerprint)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = QoderClient(credentials)
        return client


def _created_before(obj: Mapping[str, Any], date_header: str | None) -> bool:
    """True when ``obj`` was created well before the server sent this response (see REPLAY_LAG_SECONDS)."""
    created = obj.get("created_at")
    if not isinstance(created, str) or not date_header:
        return False
    try:
        created_at = datetime.fromisoformat(created.replace("Z", "+00:00"))
        served_at = email.utils.parsedate_to_datetime(date_header)
    except (TypeError, ValueError):
        return False
    if created_at.tzinfo is None or served_at.tzinfo is None:
        return False
    return (served_at - created_at).total_seconds() > REPLAY_LAG_SECONDS
