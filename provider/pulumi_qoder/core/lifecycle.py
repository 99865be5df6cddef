"""The one lifecycle of a Qoder object (check, diff, create, read, update, delete) over plain
data, driven by class-level hooks. No Pulumi here: a front end (``pulumi_qoder.dynamic``, later
a native provider) turns its requests into these calls and these responses into its results.

A kind subclasses :class:`Lifecycle` (``resources/<kind>/lifecycle.py``), names its collection
and plugs in its pure functions (check, wire mapping); it overrides a hook only for a genuine
API quirk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..wire.errors import QoderAPIError, QoderError
from .failures import CheckFailure
from .fields import ADOPT_KEY, MARKER_KEY, METADATA_RULES
from .flavor_rules import canonical_inputs, flavor_failures
from .idempotency import MARKED, create_once, find_marked
from .objects import adopt, archive, get_fresh, get_or_none
from .values import JSON, PROVIDER_KEY, RESOURCE_KEY, is_unknown, plain_news, unwrap_secrets

if TYPE_CHECKING:
    from ..wire.client import QoderClient

__all__ = [
    "CheckResponse",
    "CreateResponse",
    "DiffResponse",
    "Lifecycle",
    "ReadResponse",
    "UpdateResponse",
]


@dataclass(frozen=True)
class CheckResponse:
    """Canonical inputs, and the rules they break (empty when valid)."""

    inputs: dict[str, Any]
    failures: list[CheckFailure] = field(default_factory=list)


@dataclass(frozen=True)
class DiffResponse:
    """``changes`` None: let the engine diff old against new inputs property by property."""

    changes: bool | None = None
    delete_before_replace: bool | None = None


@dataclass(frozen=True)
class CreateResponse:
    id: str
    outs: dict[str, Any]


@dataclass(frozen=True)
class ReadResponse:
    """``id`` empty: the object is gone (the engine drops it from state)."""

    id: str
    outs: dict[str, Any]
    inputs: dict[str, Any] | None = None


@dataclass(frozen=True)
class UpdateResponse:
    outs: dict[str, Any]


def _stored(olds: Mapping[str, Any]) -> bool:
    """Whether the engine already has this resource (check's ``olds`` are its stored inputs)."""
    return any(k != PROVIDER_KEY for k in olds)


def _keep_resource_key(values: dict[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the hidden resource key of ``source`` (the server knows nothing of it)."""
    if isinstance(source.get(RESOURCE_KEY), str):
        values[RESOURCE_KEY] = source[RESOURCE_KEY]
    return values


class Lifecycle:
    """The lifecycle of one kind of object. ``connect`` returns the API client when a call needs it
    (the client is built once per process and only when first needed)."""

    collection: ClassVar[str]  # the API path, e.g. "agents"
    kind: ClassVar[str]  # the object in messages, e.g. "agent"
    input_keys: ClassVar[tuple[str, ...]]
    # What a read right after our own write must show (see get_fresh); None: the input keys.
    written_keys: ClassVar[tuple[str, ...] | None] = None
    key_scope: ClassVar[str | None] = None  # idempotency key scope; None: the collection
    delete_before_replace: ClassVar[bool | None] = None  # None: the engine default (create first)

    def __init__(self, connect: Callable[[], QoderClient], warn: Callable[[str], None] | None = None) -> None:
        self.connect = connect
        # Where warnings go (the front end shows them in preview/up); dropped when not given.
        self.warn: Callable[[str], None] = warn or (lambda _message: None)

    # -- the kind's pure functions ----------------------------------------------------------------

    @staticmethod
    def check_inputs(news: Mapping[str, Any], /) -> tuple[dict[str, Any], list[CheckFailure]]:
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
        if (
            self.collection in MARKED
            and isinstance(patch.get("metadata"), dict)
            and len(new.get("metadata") or {}) >= METADATA_RULES["max_keys"]
        ):
            # The user's keys fill the metadata: the create marker (only needed until the object
            # is in state) makes way rather than fail a change preview has approved.
            patch["metadata"] = {**patch["metadata"], MARKER_KEY: None}
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

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> CheckResponse:
        inputs, failures = self.check_inputs(news)
        failures = [*failures, *flavor_failures(self.kind, news)]  # rules that differ per service
        inputs = canonical_inputs(self.kind, inputs)
        _keep_resource_key(inputs, news)
        adopt_id = inputs.get(ADOPT_KEY)
        if not failures and isinstance(adopt_id, str) and not is_unknown(adopt_id) and not _stored(olds):
            failures = self.preview_adoption(adopt_id, inputs)
        return CheckResponse(inputs, failures)

    def preview_adoption(self, adopt_id: str, inputs: Mapping[str, Any]) -> list[CheckFailure]:
        """Preview of a create with ``adopt_id``: one read of the object, and a warning naming
        the fields ``up`` will change (preview alone would show a plain "+ create")."""
        collection = self.collection_of(inputs)
        if collection is None:  # where it lives is not known yet (an unknown parent id)
            return []
        try:
            obj = get_or_none(self.connect(), collection, adopt_id)
        except QoderError as exc:
            self.warn(f"adopt_id {adopt_id}: could not read it to preview the adoption: {exc}")
            return []
        if obj is None or obj.get("archived_at"):
            state = "archived" if obj else "not found (wrong id, or another account's)"
            return [CheckFailure(ADOPT_KEY, f"{ADOPT_KEY}: {self.kind} {adopt_id} is {state}")]
        try:
            changes = self.adoption_changes(obj, inputs)
        except QoderError as exc:  # a difference `up` could not apply: fail now, not at `up`
            return [CheckFailure(ADOPT_KEY, str(exc))]
        if changes:
            self.warn(
                f"adopt_id {adopt_id}: `up` takes over this {self.kind} and changes "
                f"{', '.join(changes)} to match the program"
            )
        else:
            self.warn(
                f"adopt_id {adopt_id}: `up` takes over this {self.kind}; it already matches the program"
            )
        return []

    def collection_of(self, inputs: Mapping[str, Any]) -> str | None:
        """The collection holding the object ``inputs`` describe (nested kinds override)."""
        return self.collection

    def adoption_changes(self, obj: JSON, inputs: Mapping[str, Any]) -> list[str]:
        """The fields adopting ``obj`` changes (the update ``converge`` will send); raises
        :class:`QoderError` for a difference ``converge`` refuses."""
        return sorted(self.update_patch(self.to_inputs(obj, inputs), inputs))

    def diff(self, _id: str, _olds: Mapping[str, Any], _news: Mapping[str, Any]) -> DiffResponse:
        # No verdict of our own: the engine diffs old against new *inputs* property by property,
        # so `preview --diff` shows paths, ignore_changes and replace_on_changes work,
        # server-managed outputs never diff, and no API call is made.
        return DiffResponse(changes=None, delete_before_replace=self.delete_before_replace)

    def create(self, props: Mapping[str, Any]) -> CreateResponse:
        # ``props`` are check's canonical inputs: not validated a second time.
        inputs = plain_news(props)
        identity = str(props.get(RESOURCE_KEY) or "")
        client = self.connect()
        if inputs.get(ADOPT_KEY):
            # Take over an existing object instead of creating a twin.
            obj = self.converge(client, adopt(client, self.collection, inputs[ADOPT_KEY]), inputs)
        else:
            scope = self.collection if self.key_scope is None else self.key_scope
            body = self.create_body(inputs)
            try:
                obj = create_once(client, self.collection, body, key_scope=scope, identity=identity)
            except QoderAPIError as exc:
                # The name is taken: by this very resource's object when a crashed run committed
                # it and the program changed since (so the key differs). Then bring it up to date.
                found = (
                    find_marked(client, self.collection, body.get("name"), identity)
                    if exc.is_conflict
                    else None
                )
                if found is None:
                    raise
                obj = self.converge(client, found, inputs)
            else:
                obj = self.created(client, obj, inputs)
        outs = self.to_outputs(obj, self.to_inputs(obj, inputs))
        return CreateResponse(obj["id"], _keep_resource_key(outs, props))

    def read(self, id_: str, props: Mapping[str, Any]) -> ReadResponse:
        prior = unwrap_secrets(props)
        obj = get_fresh(self.connect(), self.collection, id_, prior, self.looks_stale)
        if obj is None or obj.get("archived_at"):
            return ReadResponse("", {})
        inputs = _keep_resource_key(self.to_inputs(obj, prior), prior)
        return ReadResponse(id_, _keep_resource_key(self.to_outputs(obj, inputs), prior), inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> UpdateResponse:
        old, _ = self.check_inputs({k: x for k, x in olds.items() if k in self.input_keys})
        new, _ = self.check_inputs(news)
        client = self.connect()
        obj = self.apply(client, id_, olds, old, new)
        if obj is None:
            obj = get_or_none(client, self.collection, id_)
            if obj is None:
                raise QoderError(f"{self.kind} {id_} no longer exists; run `pulumi refresh`")
        return UpdateResponse(_keep_resource_key(self.to_outputs(obj, self.to_inputs(obj, new)), news))

    def delete(self, id_: str, _props: Mapping[str, Any]) -> None:
        self.remove(self.connect(), id_)
