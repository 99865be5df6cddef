"""What every Qoder resource shares: the REST calls on its collection, idempotent create,
tolerant removal, adoption, the metadata rules and patch, the constructor's args-to-props step,
and :class:`ObjectProvider`, the one lifecycle (check, diff, create, read, update, delete).

Everything here is generic over the collection (``agents``, ``environments``, ``vaults``,
``deployments``); a resource module supplies its spec (args, ``check_inputs``, pure mappings)
and a provider subclass naming them, overriding a hook only for a genuine API quirk.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import validators as v
from ._base import BaseProvider, Failures, args_to_props, is_unknown, seed_outputs, unwrap_secrets
from .client import JSON, QoderClient
from .errors import QoderAPIError, QoderError

__all__ = [
    "ADOPT_KEY",
    "METADATA_RULES",
    "ObjectProvider",
    "adopt",
    "archive",
    "check_adopt_id",
    "check_metadata",
    "check_metadata_and_adopt_id",
    "collect_props",
    "create_once",
    "delete",
    "get_fresh",
    "get_or_none",
    "idempotency_key",
    "keep_adopt_id",
    "metadata_patch",
    "unexpected_keys",
    "user_metadata",
    "with_server_fields",
]

# User metadata limits of every object (section 4): 16 keys, key <= 64, value <= 512 characters.
METADATA_RULES = {"max_keys": 16, "max_key_len": 64, "max_value_len": 512}
MAX_ARCHIVED_REPLAYS = 5
# A read right after our own write may briefly see a stale replica: retried after 0.25, 0.5, 1 s.
STALE_READ_RETRIES = 4
STALE_READ_DELAY = 0.25
# Input naming an existing object to take over at create. Why not ``ResourceOptions(import_=)``:
# the engine's import step calls Read without any properties, and the dynamic provider server
# cannot even find the provider then (KeyError '__provider', pulumi/pulumi#16175; proven by
# tests/engine/test_resources_engine.py).
ADOPT_KEY = "adopt_id"


def check_metadata(f: Failures, value: Any) -> Any:
    """Validate user metadata; returns the canonical value (``None`` when empty or absent)."""
    if value is None:
        return None
    reserved = {"cas_config": "is reserved for deployment execution settings"}
    if not v.string_map(f, "metadata", value, reserved=reserved, **METADATA_RULES):
        return value
    return value if is_unknown(value) or value else None


def check_adopt_id(f: Failures, news: Mapping[str, Any], prefix: str) -> str | None:
    """The optional ``adopt_id``: an id of the kind this resource manages."""
    value = news.get(ADOPT_KEY)
    if value is None:
        return None
    v.id_with_prefix(f, ADOPT_KEY, value, prefix)
    return str(value)


def check_metadata_and_adopt_id(
    f: Failures, news: Mapping[str, Any], out: dict[str, Any], prefix: str
) -> None:
    """The two inputs every object has, checked into ``out`` (left out when not set)."""
    metadata = check_metadata(f, news.get("metadata"))
    if metadata is not None:
        out["metadata"] = metadata
    adopt_id = check_adopt_id(f, news, prefix)
    if adopt_id is not None:
        out[ADOPT_KEY] = adopt_id


def with_server_fields(
    obj: Mapping[str, Any], inputs: Mapping[str, Any], keys: Iterable[str]
) -> dict[str, Any]:
    """Full outputs: the inputs as the server has them, plus the server-managed ``keys``."""
    outs = dict(inputs)
    outs.update({k: obj.get(k) for k in keys})
    return outs


def keep_adopt_id(inputs: dict[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """``inputs`` with the prior ``adopt_id`` kept: the server knows nothing of it, and dropping it
    on refresh would make the next preview show it as a change."""
    if prior.get(ADOPT_KEY):
        inputs[ADOPT_KEY] = prior[ADOPT_KEY]
    return inputs


def adopt(client: QoderClient, collection: str, id_: str) -> JSON:
    """The existing object to take over; a clear error when it does not exist or is archived."""
    obj = get_or_none(client, collection, id_)
    if obj is None:
        raise QoderError(f"adopt_id: {id_} was not found in {collection} (wrong id, or another account's)")
    if obj.get("archived_at"):
        raise QoderError(f"adopt_id: {id_} is archived and can no longer be managed")
    return obj


def metadata_patch(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> JSON:
    """The key-level metadata patch turning ``old`` into ``new``: removed keys as ``null``."""
    old, new = old or {}, new or {}
    patch: JSON = {k: None for k in old if k not in new}
    patch.update({k: x for k, x in new.items() if old.get(k) != x})
    return patch


def user_metadata(server: Mapping[str, Any]) -> dict[str, str] | None:
    """Server metadata minus ``cas_config`` (a deployment-only key some responses may carry)."""
    meta = {k: x for k, x in (server.get("metadata") or {}).items() if k != "cas_config"}
    return meta or None


def idempotency_key(body: Mapping[str, Any], after: str | None = None, *, scope: str = "") -> str:
    """An ``Idempotency-Key`` derived from the canonical create body (and ``scope``, the collection):
    the next ``up`` after a crash mid-create sends the same key and gets the object created the
    first time instead of a twin. ``after`` (an id the plain key replays but that is archived or
    gone) derives the next key, so destroy-then-up within the key's 24 hours creates anew.

    The bytes hashed must never change: a create interrupted before an upgrade is replayed after it.
    """
    material = json.dumps(body, sort_keys=True, separators=(",", ":"))
    if scope:
        material = scope + "|" + material
    if after:
        material += "|after:" + after
    return "pulumi-qoder-" + hashlib.sha256(material.encode()).hexdigest()[:40]


def get_or_none(client: QoderClient, collection: str, id_: str) -> JSON | None:
    """``GET /{collection}/{id}``; ``None`` when the service says it does not exist."""
    try:
        return client.get_object(collection, id_)
    except QoderAPIError as exc:
        if exc.is_not_found:
            return None
        raise


def get_fresh(
    client: QoderClient,
    collection: str,
    id_: str,
    prior: Mapping[str, Any],
    looks_stale: Callable[[JSON, Mapping[str, Any]], bool],
) -> JSON | None:
    """GET, tolerating a briefly stale replica right after our own write.

    With an ``updated_at`` in ``prior`` (the state), an answer is suspect when ``looks_stale``
    says so, and a 404 is suspect too (a just-created object). Suspect answers are retried a
    few times with backoff, then believed (it was a real out-of-band change).
    """
    obj: JSON | None = None
    for attempt in range(STALE_READ_RETRIES):
        obj = get_or_none(client, collection, id_)
        if not prior.get("updated_at"):
            return obj
        # Archived is terminal: no replica is staler than an archived answer.
        if obj is not None and (obj.get("archived_at") or not looks_stale(obj, prior)):
            return obj
        if attempt < STALE_READ_RETRIES - 1:
            time.sleep(STALE_READ_DELAY * 2**attempt)
    return obj


def _gone(obj: JSON | None) -> bool:
    return obj is None or bool(obj.get("archived_at")) or obj.get("archived") is True


def create_once(client: QoderClient, collection: str, body: JSON, *, key_scope: str) -> JSON:
    """``POST /{collection}`` exactly once per logical object (see :func:`idempotency_key`)."""
    key = idempotency_key(body, scope=key_scope)
    for _ in range(MAX_ARCHIVED_REPLAYS):
        obj, replayed = client.create_object(collection, body, idempotency_key=key)
        if replayed or _gone(obj):
            # A replay repeats the original answer; only a fresh read says whether that object
            # was archived or deleted since (destroy, then up again within 24 h).
            obj = get_or_none(client, collection, obj["id"]) or {"id": obj["id"], "archived": True}
        if not _gone(obj):
            return obj
        key = idempotency_key(body, after=str(obj["id"]), scope=key_scope)
    raise QoderError(
        f"creating in {collection} kept replaying archived objects (last {obj['id']}); retry after 24 h"
    )


def archive(client: QoderClient, collection: str, id_: str) -> None:
    """``POST /{collection}/{id}/archive``; already archived (409) or gone (404) is the goal."""
    try:
        client.post_action(collection, id_, "archive")
    except QoderAPIError as exc:
        if exc.status not in (404, 409):
            raise


def delete(client: QoderClient, collection: str, id_: str) -> None:
    """``DELETE /{collection}/{id}``; gone (404) is the goal. Repeating a DELETE is harmless."""
    try:
        client.delete_object(collection, id_)
    except QoderAPIError as exc:
        if exc.status != 404:
            raise


def collect_props(
    type_name: str,
    args: Any,
    kwargs: Mapping[str, Any],
    input_keys: tuple[str, ...],
    output_keys: Iterable[str],
) -> dict[str, Any]:
    """Constructor inputs (typed args and/or keyword arguments) as the props dict handed to
    ``pulumi.dynamic.Resource``, with every output seeded so none is missing from the object."""
    unknown = set(kwargs) - set(input_keys)
    if unknown:
        raise TypeError(
            f"{type_name} got unexpected argument(s) {', '.join(sorted(unknown))}; "
            f"expected {', '.join(input_keys)}"
        )
    props: dict[str, Any] = {}
    if args is not None:
        props.update({k: getattr(args, k) for k in input_keys if getattr(args, k, None) is not None})
    props.update({k: x for k, x in kwargs.items() if x is not None})
    props = args_to_props(props)
    return seed_outputs(props, (*output_keys, *input_keys))


def unexpected_keys(
    f: Failures, news: Mapping[str, Any], input_keys: tuple[str, ...], outputs: Iterable[str]
) -> None:
    """Fail on outputs set as inputs and on keys the resource does not have."""
    output_set = set(outputs)
    for key in news:
        if key in output_set:
            f.add(key, "is an output and cannot be set")
        elif key not in input_keys:
            f.add(key, f"is not a property of this resource (expected one of {', '.join(input_keys)})")


def for_engine(failure: CheckFailure) -> CheckFailure:
    """A check failure as the engine should print it.

    With a property set, the engine prints ``property 'p' value <news[p]> has a problem: ...``,
    looking ``p`` up as a top-level key: a nested path (``schedule.expression``) shows a misleading
    ``{<nil>}``. Our reasons already start with the path, so the engine gets the reason alone:
    ``... resource 'daily' has a problem: schedule.expression: "@daily" is not a 5-field cron ...``.
    """
    return CheckFailure("", failure.reason)


class ObjectProvider(BaseProvider):
    """The lifecycle of one Qoder object, driven by class-level hooks.

    A subclass names its collection and kind and plugs in its spec's pure functions; the
    methods below are the API quirks a subclass may override. Stateless (see ``BaseProvider``):
    pickled by reference as the subclass, so keep subclasses at their module and name.
    """

    collection: ClassVar[str]  # the API path, e.g. "agents"
    kind: ClassVar[str]  # the object in messages, e.g. "agent"
    input_keys: ClassVar[tuple[str, ...]]
    # What a read right after our own write must show (see get_fresh); None: the input keys.
    written_keys: ClassVar[tuple[str, ...] | None] = None
    key_scope: ClassVar[str | None] = None  # idempotency key scope; None: the collection
    delete_before_replace: ClassVar[bool | None] = None  # None: the engine default (create first)

    @staticmethod
    def check_inputs(news: Mapping[str, Any], /) -> tuple[dict[str, Any], list[Any]]:
        raise NotImplementedError

    @staticmethod
    def create_body(inputs: Mapping[str, Any], /) -> JSON:
        raise NotImplementedError

    @staticmethod
    def update_patch(old: Mapping[str, Any], new: Mapping[str, Any], /) -> JSON:
        raise NotImplementedError  # a kind without an update endpoint overrides converge/apply

    @staticmethod
    def to_inputs(obj: Mapping[str, Any], prior: Mapping[str, Any], /) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def to_outputs(obj: Mapping[str, Any], inputs: Mapping[str, Any], /) -> dict[str, Any]:
        raise NotImplementedError

    # -- hooks ----------------------------------------------------------------------------------

    def update_body(self, patch: JSON, current: Mapping[str, Any]) -> JSON:
        """The update request for ``patch``, computed against ``current`` (server object or state)."""
        return patch

    def converge(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        """Adopt: bring the existing ``obj`` to ``inputs`` (one update, or none when it matches)."""
        patch = self.update_patch(self.to_inputs(obj, inputs), inputs)
        if patch:
            obj = client.update_object(self.collection, obj["id"], self.update_body(patch, obj))
        return obj

    def created(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        """What remains to do after a create (nothing by default)."""
        return obj

    def apply(
        self, client: QoderClient, id_: str, olds: Mapping[str, Any], old: JSON, new: JSON
    ) -> JSON | None:
        """Write the change from ``old`` to ``new`` inputs; ``None`` when nothing was written."""
        patch = self.update_patch(old, new)
        if not patch:
            return None
        return client.update_object(self.collection, id_, self.update_body(patch, olds))

    def remove(self, client: QoderClient, id_: str) -> None:
        archive(client, self.collection, id_)

    def looks_stale(self, obj: JSON, prior: Mapping[str, Any]) -> bool:
        """Older than the state, or (timestamps have one-second precision, so a write and a stale
        read can share one) as old yet different in what we wrote."""
        seen, known = str(obj.get("updated_at") or ""), str(prior.get("updated_at") or "")
        if seen != known:
            return seen < known
        now = self.to_outputs(obj, self.to_inputs(obj, prior))
        return any(now.get(k) != prior.get(k) for k in self.written_keys or self.input_keys)

    # -- the lifecycle --------------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = self.check_inputs(news)
        return CheckResult(inputs, [for_engine(f) for f in failures])

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        # DIFF_UNKNOWN: the engine diffs old against new *inputs* property by property, so
        # `preview --diff` shows paths, ignore_changes and replace_on_changes work, server-managed
        # outputs never diff, and no API call is made.
        return DiffResult(changes=None, delete_before_replace=self.delete_before_replace)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs, _ = self.check_inputs(props)
        client = self.client()
        if inputs.get(ADOPT_KEY):
            # Take over an existing object instead of creating a twin.
            obj = self.converge(client, adopt(client, self.collection, inputs[ADOPT_KEY]), inputs)
        else:
            scope = self.collection if self.key_scope is None else self.key_scope
            obj = create_once(client, self.collection, self.create_body(inputs), key_scope=scope)
            obj = self.created(client, obj, inputs)
        return CreateResult(obj["id"], self.to_outputs(obj, self.to_inputs(obj, inputs)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        prior = unwrap_secrets(props)
        obj = get_fresh(self.client(), self.collection, id_, prior, self.looks_stale)
        if obj is None or obj.get("archived_at"):
            return ReadResult("", {})
        inputs = self.to_inputs(obj, prior)
        return ReadResult(id_, self.to_outputs(obj, inputs), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, _ = self.check_inputs({k: x for k, x in olds.items() if k in self.input_keys})
        new, _ = self.check_inputs(news)
        client = self.client()
        obj = self.apply(client, id_, olds, old, new)
        if obj is None:
            obj = get_or_none(client, self.collection, id_)
            if obj is None:
                raise QoderError(f"{self.kind} {id_} no longer exists; run `pulumi refresh`")
        return UpdateResult(self.to_outputs(obj, self.to_inputs(obj, new)))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        self.remove(self.client(), id_)
