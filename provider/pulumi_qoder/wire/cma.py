"""The Claude Managed Agents client, on the official ``anthropic`` SDK (beta resources), behind
the interface of :class:`pulumi_qoder.wire.client.QoderClient` so the core does not know which
service it talks to (``connect.client_for`` picks by ``Credentials.flavor``).

What differs from the Qoder client (rows of ``docs/cma.md``):

* **Create exactly once without ``Idempotency-Key``** (CMA's SDK never sends one and the service
  is not known to honour it). Every create carries the key the core derived (declared resource +
  canonical body) as the metadata marker ``pulumi-create-token``. Before the first POST, and after
  any answer that leaves the outcome unknown (connection dropped, timeout, 408, 409, 429, 5xx), the
  live objects are listed and the one carrying the marker is adopted instead of POSTing again (a
  re-read for ``SETTLE_SECONDS`` covers lists that lag). At most ``RetryPolicy.max_attempts`` POSTs.
  "Before the first POST" costs one listing per collection (and agent) per process, not one per
  create: the first create lists the live objects once and keeps their tokens; a later create
  lists again only when its token is among them or among those this process created (a create
  of N deployments used to list N times, in pages growing with N: 298 list calls for N = 200).
* The SDK's own retries are off (``max_retries=0``): it would re-send a POST after a dropped
  connection, a 409 or a 5xx, which is how one create became two (docs/cma.md section 3).
* ``api_key`` and ``base_url`` are always passed and ``ANTHROPIC_CUSTOM_HEADERS`` is dropped, so
  no ambient ANTHROPIC_* variable or credentials profile changes where or as whom we call.
* The marker never leaves this module: it is removed from every object returned, so diff and
  refresh never see it, and metadata updates are key-level patches that leave it in place.
* Lists page by ``page`` -> ``next_page``; the answer also carries ``has_more``/``last_id`` for
  callers written against the Qoder envelope, and their ``after_id`` is sent as ``page``.
* No scoped run routes: ``deployments/{id}/runs`` reads ``deployment_runs`` filtered by deployment.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .config import Credentials
from .errors import ConfigurationError, QoderAPIError, QoderTransportError
from .retry import RETRY_STATUSES, SAFE_ACTIONS, RetryPolicy, body_params
from .sdk import BetaResources, load_anthropic_client

try:
    load_anthropic_client()  # first: the SDK without the parts the client never uses (wire/sdk.py)
    import httpx2
    from anthropic._client import Anthropic
    from anthropic._exceptions import APIConnectionError, APIStatusError, APITimeoutError
except ImportError as exc:  # the [cma] extra
    raise ConfigurationError(
        f"qoder:flavor cma needs the anthropic SDK (missing: {exc.name}): pip install 'pulumi-qoder[cma]'"
    ) from exc

__all__ = ["CREATE_TOKEN_KEY", "CmaClient"]

JSON = dict[str, Any]
log = logging.getLogger("pulumi_qoder.client")

CREATE_TOKEN_KEY = "pulumi-create-token"
AMBIGUOUS_STATUSES = RETRY_STATUSES | {408, 409}
LIST_PAGE = 100
SETTLE_SECONDS = 1.75  # how long a create's lookup keeps re-reading a list that may lag
SETTLE_STEP = 0.25


def _without_marker(obj: JSON) -> JSON:
    """``obj`` as the core reads objects: without the create token; a run with the status and
    trigger time Qoder's runs carry. A CMA run is a trigger record, finished once it has its
    session (``completed``) or its error (``failed``); the session's own progress is not part of
    the deployments API (docs/cma.md, run object row)."""
    if obj.get("type") == "deployment_run" and "status" not in obj:
        obj = {
            **obj,
            "status": "failed" if obj.get("error") else "completed" if obj.get("session_id") else "pending",
            "triggered_at": obj.get("created_at"),
        }
    metadata = obj.get("metadata")
    if isinstance(metadata, dict) and CREATE_TOKEN_KEY in metadata:
        obj = {**obj, "metadata": {k: x for k, x in metadata.items() if k != CREATE_TOKEN_KEY}}
    return obj


def _request_id(response: httpx2.Response, body: Any) -> str | None:
    rid = response.headers.get("request-id") or response.headers.get("x-request-id")
    if not rid and isinstance(body, dict):
        rid = body.get("request_id")
    return rid if isinstance(rid, str) else None


class CmaClient:
    """The object endpoints of Claude Managed Agents, generic over the collection."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        retry: RetryPolicy | None = None,
        http_client: httpx2.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.credentials = credentials
        self.base_url = credentials.base_url
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        sdk = Anthropic(
            api_key=credentials.token, base_url=credentials.base_url, max_retries=0, http_client=http_client
        )
        sdk._custom_headers = {}  # ANTHROPIC_CUSTOM_HEADERS: ambient, may hold secrets; never ours
        self._sdk = sdk
        self._beta = BetaResources(sdk)  # sdk.beta, importing only the resources used
        self._workspace = {"workspace_id": credentials.workspace_id} if credentials.workspace_id else {}
        # Create tokens of live objects per (collection, narrowing), listed once per process.
        self._tokens: dict[tuple[str, tuple[tuple[str, Any], ...]], set[str]] = {}
        self._tokens_lock = threading.Lock()

    def close(self) -> None:
        self._sdk.close()

    def url(self, path: str) -> str:
        return f"{self.base_url}/v1/{path.lstrip('/')}"

    # -- the wire ---------------------------------------------------------------------------------

    def _resource(self, collection: str, *, raw: bool = True) -> tuple[Any, dict[str, str]]:
        beta = self._beta.with_raw_response if raw else self._beta
        parts = collection.split("/")
        if len(parts) == 3 and parts[0] == "deployments" and parts[2] == "runs":
            return beta.deployment_runs, {"deployment_id": parts[1]}
        if len(parts) == 3:
            parent, parent_id, child = parts
            return getattr(getattr(beta, parent), child), {f"{parent.removesuffix('s')}_id": parent_id}
        return getattr(beta, collection), {}

    def _split(self, method: Any, body: Mapping[str, Any]) -> dict[str, Any]:
        known = body_params(method)
        kwargs = {k: x for k, x in body.items() if k in known}
        extra = {k: x for k, x in body.items() if k not in known}
        if extra:
            kwargs["extra_body"] = extra
        return {**kwargs, **self._workspace}

    def _error(self, exc: APIStatusError, method: str, url: str) -> QoderAPIError:
        response = exc.response
        body = exc.body
        error = body.get("error") if isinstance(body, dict) else None
        hint = None
        if isinstance(error, dict) and isinstance(error.get("type"), str):
            error_type, message, envelope = error["type"], str(error.get("message") or ""), True
        else:
            error_type = "api_error" if response.status_code >= 500 else "http_error"
            message, envelope = f"the server answered {response.text[:120]!r}", False
            hint = f"is {self.base_url} (from {self.credentials.base_url_source}) the Claude API's base URL?"
        if response.status_code == 401:
            hint = f"the API key comes from {self.credentials.token_source}: check it is valid for {self.base_url}"
        return QoderAPIError(
            response.status_code,
            error_type,
            message,
            request_id=_request_id(response, body),
            method=method,
            path=url,
            envelope=envelope,
            hint=hint,
        )

    def _send(self, method: str, path: str, call: Callable[[], Any], *, safe: bool) -> JSON:
        """One SDK call with our retries (only when ``safe``); the JSON object answered."""
        attempts = self.retry.max_attempts if safe else 1
        url = self.url(path)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                raw = call()
            except APIStatusError as exc:
                status = exc.response.status_code
                log.debug("%s %s -> %d [%s]", method, url, status, exc.request_id)
                if status in RETRY_STATUSES and not last:
                    self._sleep(self.retry.delay(attempt, _retry_after(exc.response)))
                    continue
                raise self._error(exc, method, url) from None
            except APIConnectionError as exc:
                log.debug("%s %s: %s (attempt %d)", method, url, type(exc).__name__, attempt + 1)
                if not last:
                    self._sleep(self.retry.delay(attempt, None))
                    continue
                raise QoderTransportError(
                    f"Claude API {method} {url}: {_reason(exc)} (after {attempt + 1} attempts)",
                    hint=f"the URL comes from {self.credentials.base_url_source}",
                ) from None
            body = raw.http_response.json()
            if not isinstance(body, dict):
                raise QoderTransportError(f"Claude API {method} {url}: the answer is not a JSON object")
            return body
        raise AssertionError("unreachable")  # pragma: no cover

    # -- create exactly once ----------------------------------------------------------------------

    def _marked(self, collection: str, token: str, narrow: Mapping[str, Any]) -> JSON | None:
        """The oldest live object of ``collection`` carrying ``token``; others are reported."""
        found = [
            o
            for o in self._live(collection, narrow)
            if (o.get("metadata") or {}).get(CREATE_TOKEN_KEY) == token
        ]
        if not found:
            return None
        found.sort(key=lambda o: str(o.get("created_at") or ""))
        if len(found) > 1:
            log.warning(
                "%s: %d objects carry create token %s; adopting %s, not %s",
                collection,
                len(found),
                token,
                found[0]["id"],
                ", ".join(o["id"] for o in found[1:]),
            )
        return found[0]

    def _live(self, collection: str, narrow: Mapping[str, Any]) -> Iterator[JSON]:
        params: dict[str, Any] = {"limit": LIST_PAGE, **narrow}
        while True:
            page = self._list_page(collection, params)
            yield from page.get("data") or []
            cursor = page.get("next_page")
            if not cursor:
                return
            params["page"] = cursor

    def _tokens_of(self, collection: str, narrow: Mapping[str, Any]) -> set[str]:
        """The create tokens that live objects of ``collection`` may carry: those listed when this
        process first asked (the listing happens here, once; other creates wait for it), plus
        those this process created since. Objects made by an earlier, dead run all predate that
        listing (the stack is locked). Call with ``_tokens_lock`` held."""
        scope = (collection, tuple(sorted(narrow.items())))
        known = self._tokens.get(scope)
        if known is None:
            known = self._tokens[scope] = {
                str(o["metadata"][CREATE_TOKEN_KEY])
                for o in self._live(collection, narrow)
                if CREATE_TOKEN_KEY in (o.get("metadata") or {})
            }
        return known

    def _lookup(self, collection: str, token: str, narrow: Mapping[str, Any], *, settle: bool) -> JSON | None:
        deadline = time.monotonic() + (SETTLE_SECONDS if settle else 0)
        while True:
            found = self._marked(collection, token, narrow)
            if found is not None or time.monotonic() >= deadline:
                return found
            self._sleep(SETTLE_STEP)

    def create_object(
        self, collection: str, body: Mapping[str, Any], *, idempotency_key: str
    ) -> tuple[JSON, bool]:
        """Create once; returns (object, adopted). ``adopted`` is True when the object was found
        by its create token (made by an earlier attempt or an earlier run) instead of created."""
        metadata = {**(body.get("metadata") or {}), CREATE_TOKEN_KEY: idempotency_key}
        body = {**body, "metadata": metadata}
        if collection == "vaults" and not body.get("credentials"):
            body.pop("credentials", None)  # no inline credentials on CMA (check rejects non-empty)
        resource, parent = self._resource(collection)
        create = resource.create
        kwargs = {**self._split(create, body), **parent}
        narrow: dict[str, Any] = {}  # the parent id is added by _list_page
        agent = body.get("agent")
        if collection == "deployments":
            agent_id = agent.get("id") if isinstance(agent, dict) else agent
            if isinstance(agent_id, str):
                narrow["agent_id"] = agent_id
        with self._tokens_lock:
            tokens = self._tokens_of(collection, narrow)
            may_exist = idempotency_key in tokens
            tokens.add(idempotency_key)  # before the POST: it may commit
        if may_exist:
            found = self._lookup(collection, idempotency_key, narrow, settle=False)
            if found is not None:
                return _without_marker(found), True
        for attempt in range(self.retry.max_attempts):
            last = attempt == self.retry.max_attempts - 1
            try:
                return _without_marker(
                    self._send("POST", collection, lambda: create(**kwargs), safe=False)
                ), False
            except QoderAPIError as exc:
                if exc.status not in AMBIGUOUS_STATUSES or last:
                    raise
                retry_after = None
            except QoderTransportError:
                if last:
                    raise
                retry_after = None
            # The POST may have committed: look before sending it again.
            found = self._lookup(collection, idempotency_key, narrow, settle=True)
            if found is not None:
                return _without_marker(found), True
            self._sleep(self.retry.delay(attempt, retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    # -- the rest of the interface --------------------------------------------------------------

    def get_object(self, collection: str, id_: str) -> JSON:
        resource, parent = self._resource(collection)
        retrieve = resource.retrieve
        obj = self._send(
            "GET", f"{collection}/{id_}", lambda: retrieve(id_, **parent, **self._workspace), safe=True
        )
        return _without_marker(obj)

    def update_object(self, collection: str, id_: str, patch: Mapping[str, Any]) -> JSON:
        """``POST /v1/{collection}/{id}``: a key-level patch, so a repeat converges to the same
        object (the create token in metadata is never named, so it stays)."""
        resource, parent = self._resource(collection)
        update = resource.update
        kwargs = {**self._split(update, patch), **parent}
        obj = self._send("POST", f"{collection}/{id_}", lambda: update(id_, **kwargs), safe=True)
        return _without_marker(obj)

    def post_action(self, collection: str, id_: str, action: str) -> JSON:
        resource, parent = self._resource(collection)
        call = getattr(resource, action)
        obj = self._send(
            "POST",
            f"{collection}/{id_}/{action}",
            lambda: call(id_, **parent, **self._workspace),
            safe=action in SAFE_ACTIONS,
        )
        return _without_marker(obj)

    def delete_object(self, collection: str, id_: str) -> None:
        resource, parent = self._resource(collection)
        delete = resource.delete
        self._send(
            "DELETE", f"{collection}/{id_}", lambda: delete(id_, **parent, **self._workspace), safe=True
        )

    def _list_page(self, collection: str, params: Mapping[str, Any]) -> JSON:
        resource, parent = self._resource(collection)
        list_ = resource.list
        return self._send("GET", collection, lambda: list_(**params, **parent, **self._workspace), safe=True)

    def list_objects(self, collection: str, **params: Any) -> JSON:
        """One page; ``after_id`` (Qoder's cursor) is sent as CMA's ``page``. The answer adds
        ``has_more`` and ``last_id`` to CMA's ``{data, next_page}``."""
        after = params.pop("after_id", None)
        if after:
            params["page"] = after
        page = self._list_page(collection, params)
        data = [_without_marker(o) for o in page.get("data") or []]
        next_page = page.get("next_page")
        return {
            "data": data,
            "next_page": next_page,
            "has_more": bool(next_page),
            "first_id": data[0]["id"] if data else None,
            "last_id": (next_page or (data[-1]["id"] if data else None)),
        }


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _reason(exc: APIConnectionError) -> str:
    cause = exc.__cause__
    if isinstance(exc, APITimeoutError):
        return "timed out"
    return f"{type(cause).__name__}: {' '.join(str(cause).split())}" if cause else exc.message


_CLIENTS: dict[tuple[str, str, str | None], CmaClient] = {}
_CLIENTS_LOCK = threading.Lock()


def cma_client_for(credentials: Credentials) -> CmaClient:
    """The process-wide CMA client for these credentials (created once, shared by threads)."""
    key = (credentials.base_url, credentials.token_fingerprint, credentials.workspace_id)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            client = _CLIENTS[key] = CmaClient(credentials)
        return client
