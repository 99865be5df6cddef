"""The Qoder Cloud Agents API client, on the official SDK (``qca-sdk``).

The SDK does the wire: paths, typed parameters, headers (auth, ``User-Agent``, the
``qoder-workspace-id`` workspace header, ``X-Qoder-Timeout``, ``X-Qoder-Retry-Count``), its
timeouts (600 s read, 5 s connect: a long create is not cut short) and error classes. Ours, on
top, only what the SDK does not do:

* the retry policy: bounded, jittered, ``Retry-After`` honoured (delta-seconds or HTTP date) but
  capped, on 429, 5xx and connection errors, for calls that are safe to repeat: GETs, POSTs with
  an ``Idempotency-Key`` (create, update), and archive/pause/unpause, whose repeat answers 409
  and is handled by the caller (the SDK would not retry those: no key);
* replay detection on create (``Idempotent-Replayed`` or a ``created_at`` older than ``Date``);
* errors as one line naming the URL tried (:class:`QoderAPIError`, :class:`QoderTransportError`),
  an HTML page summarised, a 401 naming where the token came from.

One client per (base URL, token hash, workspace) per process, created on first use and shared by
the provider server's worker threads (httpx and the SDK's resources are thread-safe). Tokens are
never logged; log lines carry method, URL, status and request id only. This module imports httpx
and the SDK: import it only when a call is about to be made.
"""

from __future__ import annotations

import email.utils
import html
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from .sdk import load_qca_managed

load_qca_managed()  # before the imports below: the SDK without the parts the provider never uses

from qca.common import APIConnectionError, APIStatusError, APITimeoutError  # noqa: E402
from qca.common._base_client import DEFAULT_TIMEOUT  # noqa: E402
from qca.common._response import APIResponse  # noqa: E402
from qca.managed._client import Managed  # noqa: E402  (qca.managed.Managed, without that package's __init__)

from .config import Credentials  # noqa: E402
from .connect import client_for  # noqa: E402
from .errors import QoderAPIError, QoderTransportError  # noqa: E402
from .retry import RETRY_STATUSES, SAFE_ACTIONS, RetryPolicy, body_params  # noqa: E402

__all__ = ["JSON", "QoderClient", "RetryPolicy", "client_for", "qoder_client_for"]

JSON = dict[str, Any]
log = logging.getLogger("pulumi_qoder.client")

# A fresh create answers with `created_at` within a second or two of the server's `Date`; a replay
# repeats an answer made when the key was first used, so it lags by the time since.
REPLAY_LAG_SECONDS = 5.0


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


def _summary(response: httpx.Response) -> str:
    """A non-API body in a few words: an HTML page by its title, anything else shortened."""
    text = response.text or response.reason_phrase
    if "html" in response.headers.get("content-type", "") or text.lstrip()[:1] == "<":
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        named = f' titled "{" ".join(html.unescape(title.group(1)).split())[:80]}"' if title else ""
        return f"an HTML page{named}, not the Qoder API's JSON"
    flat = " ".join(text.split())
    return flat if len(flat) <= 120 else flat[:117] + "..."


def api_error(response: httpx.Response, method: str, url: str, credentials: Credentials) -> QoderAPIError:
    """The error answer as one :class:`QoderAPIError` line (plus a hint where one helps)."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    status = response.status_code
    hint = None
    if isinstance(error, dict) and isinstance(error.get("type"), str):
        error_type, envelope = error["type"], True
        message = str(error.get("message") or response.reason_phrase)
        param = error.get("param") if isinstance(error.get("param"), str) else None
    else:
        error_type, envelope, param = ("api_error" if status >= 500 else "http_error"), False, None
        message = f"the server answered {_summary(response)}"
        hint = f"is {credentials.base_url} (from {credentials.base_url_source}) the Qoder API's base URL?"
    if status == 401:
        hint = f"the token comes from {credentials.token_source}: check that it is valid for {credentials.base_url}"
    return QoderAPIError(
        status,
        error_type,
        message,
        param=param,
        request_id=_request_id(response, body),
        method=method,
        path=url,
        envelope=envelope,
        hint=hint,
    )


class QoderClient:
    """The object endpoints, generic over the collection (``deployments``, ``agents``,
    ``environments``, ``vaults``: the SDK's resource of the same name)."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        retry: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.credentials = credentials
        self.base_url = credentials.base_url
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        if http_client is None and credentials.base_url.startswith("http://"):
            # Plain HTTP (the emulator): TLS is never used, for the SDK follows no redirect, so
            # skip the CA bundle httpx loads into every new client (~60 ms CPU per provider process).
            http_client = httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False, verify=False)
        # The SDK's own retries are off: ours (above) also cover archive/pause/unpause.
        sdk = Managed(
            pat=credentials.token, base_url=credentials.base_url, max_retries=0, http_client=http_client
        )
        self._sdk = sdk
        # One raw-response view for the process (``with_raw_response`` builds one per call): the
        # provider needs the headers (replay detection) and the JSON exactly as sent.
        self._raw = sdk._raw_response_view()
        self._workspace = {"workspace_id": credentials.workspace_id} if credentials.workspace_id else {}

    def close(self) -> None:
        self._sdk.close()

    def url(self, path: str) -> str:
        # What the SDK joins (base URL with a trailing slash + relative path), as a plain string:
        # httpx's URL join costs ~15 % of a call and this is only for messages and logs.
        return f"{self.base_url}/{path.lstrip('/')}"

    # -- the retry loop ---------------------------------------------------------------------------

    def _send(
        self, method: str, path: str, call: Callable[[dict[str, str]], Any], *, safe: bool
    ) -> httpx.Response:
        """Run ``call`` (an SDK call, given extra headers) with our retries; the 2xx response or raise."""
        attempts = self.retry.max_attempts if safe else 1
        url = self.url(path)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            headers = {"X-Qoder-Retry-Count": str(attempt)} if attempt else {}
            try:
                raw: APIResponse[Any] = call(headers)
            except APIStatusError as exc:
                response = exc.response
                log.debug("%s %s -> %d [%s]", method, url, response.status_code, _request_id(response, None))
                if response.status_code in RETRY_STATUSES and not last:
                    self._sleep(self.retry.delay(attempt, _retry_after(response)))
                    continue
                raise api_error(response, method, url, self.credentials) from None
            except APIConnectionError as exc:  # APITimeoutError included
                reason = _transport_reason(exc)
                log.debug("%s %s: %s (attempt %d)", method, url, reason, attempt + 1)
                if not last:
                    self._sleep(self.retry.delay(attempt, None))
                    continue
                tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                raise QoderTransportError(
                    f"Qoder API {method} {url}: {reason} (after {tries})",
                    hint=f"the URL comes from {self.credentials.base_url_source}",
                ) from None
            log.debug("%s %s -> %d", method, url, raw.status_code)
            return raw.http_response
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response: httpx.Response) -> JSON:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise QoderTransportError(
                f"Qoder API {response.request.method} {response.request.url}: "
                f"{response.status_code} answer is {_summary(response)}",
                hint=f"is {self.base_url} (from {self.credentials.base_url_source}) the Qoder API's base URL?",
            )
        return body

    def _resource(self, collection: str) -> tuple[Any, dict[str, str]]:
        """The SDK resource of ``collection`` and the parent id its methods take: a nested
        collection ``vaults/{vault_id}/credentials`` is the SDK's sub-resource (``vault_id=``)."""
        parent, _, rest = collection.partition("/")
        if not rest:
            return getattr(self._raw, collection), {}
        parent_id, _, child = rest.partition("/")
        return getattr(getattr(self._raw, parent), child), {f"{parent.removesuffix('s')}_id": parent_id}

    def _split(self, method: Any, body: Mapping[str, Any]) -> dict[str, Any]:
        """Keyword arguments for a bound SDK method: its typed params, the rest as ``extra_body``
        (fields this SDK version does not know yet), plus the workspace."""
        known = body_params(method.__func__)
        kwargs = {k: x for k, x in body.items() if k in known}
        extra = {k: x for k, x in body.items() if k not in known}
        if extra:
            kwargs["extra_body"] = extra
        return {**kwargs, **self._workspace}

    # -- objects of a collection (agents, environments, vaults, deployments) -------------------

    def create_object(
        self, collection: str, body: Mapping[str, Any], *, idempotency_key: str
    ) -> tuple[JSON, bool]:
        """Create; returns (object, replayed). ``replayed`` is True when the answer is a replay of
        an earlier request with the same key: the server says so (``Idempotent-Replayed``), or the
        object's ``created_at`` lags the response's ``Date`` (Qoder does not document the header,
        so the provider must not depend on it)."""
        resource, parent = self._resource(collection)
        create = resource.create
        kwargs = {**self._split(create, body), **parent}
        response = self._send(
            "POST",
            collection,
            lambda h: create(**kwargs, extra_headers={"Idempotency-Key": idempotency_key, **h}),
            safe=True,
        )
        obj = self._json(response)
        replayed = response.headers.get("idempotent-replayed", "").lower() == "true"
        return obj, replayed or _created_before(obj, response.headers.get("date"))

    def get_object(self, collection: str, id_: str) -> JSON:
        resource, parent = self._resource(collection)
        retrieve = resource.retrieve
        return self._json(
            self._send(
                "GET",
                f"{collection}/{id_}",
                lambda h: retrieve(id_, extra_headers=h, **parent, **self._workspace),
                safe=True,
            )
        )

    def update_object(self, collection: str, id_: str, patch: Mapping[str, Any]) -> JSON:
        """``POST /{collection}/{id}`` (merge-patch)."""
        # A fresh key per call (not per body): the same patch sent again later must apply again,
        # but the client's own retries of this call must not apply it twice.
        key = f"pulumi-qoder-update-{uuid.uuid4()}"
        resource, parent = self._resource(collection)
        update = resource.update
        kwargs = {**self._split(update, patch), **parent}
        return self._json(
            self._send(
                "POST",
                f"{collection}/{id_}",
                lambda h: update(id_, **kwargs, extra_headers={"Idempotency-Key": key, **h}),
                safe=True,
            )
        )

    def post_action(self, collection: str, id_: str, action: str) -> JSON:
        """``POST /{collection}/{id}/{action}`` (archive, pause, unpause, run). Archive, pause and
        unpause are retried: a repeat answers 409, which the caller handles."""
        resource, parent = self._resource(collection)
        call = getattr(resource, action)
        return self._json(
            self._send(
                "POST",
                f"{collection}/{id_}/{action}",
                lambda h: call(id_, extra_headers=h, **parent, **self._workspace),
                safe=action in SAFE_ACTIONS,
            )
        )

    def delete_object(self, collection: str, id_: str) -> None:
        """``DELETE /{collection}/{id}``; repeating a DELETE is harmless."""
        resource, parent = self._resource(collection)
        delete = resource.delete
        self._send(
            "DELETE",
            f"{collection}/{id_}",
            lambda h: delete(id_, extra_headers=h, **parent, **self._workspace),
            safe=True,
        )

    def list_objects(self, collection: str, **params: Any) -> JSON:
        """One page of ``GET /{collection}`` (the list envelope: ``data``, ``next_page``...)."""
        resource, parent = self._resource(collection)
        list_ = resource.list
        return self._json(
            self._send(
                "GET",
                collection,
                lambda h: list_(**params, extra_headers=h, **parent, **self._workspace),
                safe=True,
            )
        )


def _transport_reason(exc: APIConnectionError) -> str:
    """What went wrong on the wire, in a few words (the SDK's message is only "Connection error.")."""
    cause = exc.__cause__
    if isinstance(exc, APITimeoutError):
        return f"timed out ({type(cause).__name__})" if cause else "timed out"
    if cause is None:
        return exc.message
    detail = " ".join(str(cause).split())
    return f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__


_CLIENTS: dict[tuple[str, str, str | None], QoderClient] = {}
_CLIENTS_LOCK = threading.Lock()


def qoder_client_for(credentials: Credentials) -> QoderClient:
    """The process-wide Qoder client for these credentials."""
    key = (credentials.base_url, credentials.token_fingerprint, credentials.workspace_id)
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
