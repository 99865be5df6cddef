"""The ``pulumi.dynamic`` front end: a ``ResourceProvider`` adapting the core lifecycle, and the
constructor helpers that turn typed args into the props of a ``pulumi.dynamic.Resource``.

The provider is stateless: credentials come from ``configure`` or the environment when a method
runs and are never part of the pickled instance (``__getstate__`` drops them). Each kind's
provider class is pickled into state *by reference* (module and name), so it must stay
importable under the path recorded there (see ``resources/<kind>/resource.py``).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from .core.idempotency import resource_key
from .core.lifecycle import Lifecycle
from .core.values import RESOURCE_KEY, UNKNOWN
from .diagnostics import warn
from .wire.config import CONFIG_KEYS, Credentials, resolve_credentials
from .wire.errors import QoderError

if TYPE_CHECKING:
    from .wire.client import QoderClient

__all__ = ["DynamicProvider", "QoderResource", "args_to_props", "collect_props", "seed_outputs"]


def plain(value: Any) -> Any:
    """SDK values as the core's plain data: ``Unknown`` objects become the ``UNKNOWN`` marker."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class _OneLineTracebacks:
    """``traceback`` as the dynamic provider server sees it: our own errors format as their line
    (plus hint), anything else as the full traceback, for a bug is worth its traceback."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, QoderError):
            return error.for_user()
        return str(self._real.format_exc(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def one_line_errors() -> None:
    """Make the dynamic provider server send our errors to the engine as one line (+ hint).

    The server (``python -m pulumi.dynamic``, so its module is ``__main__``) answers every failed
    call with ``traceback.format_exc()``, which the CLI prints twice: 20 to 76 lines of frames and
    httpx internals around one useful line. Its gRPC handlers are bound before any provider is
    loaded, so the one seam left is the module's ``traceback`` global, looked up per failure.
    A no-op in any other process (the program, tests)."""
    server = sys.modules.get("__main__")
    if server is None or not hasattr(server, "_abort_with_traceback"):
        return
    if not isinstance(getattr(server, "traceback", None), _OneLineTracebacks):
        setattr(server, "traceback", _OneLineTracebacks(server.traceback))  # noqa: B010


def for_engine(reason: str) -> CheckFailure:
    """A check failure as the engine should print it.

    With a property set, the engine prints ``property 'p' value <news[p]> has a problem: ...``,
    looking ``p`` up as a top-level key: a nested path (``schedule.expression``) shows a misleading
    ``{<nil>}``. Our reasons already start with the path, so the engine gets the reason alone:
    ``... resource 'daily' has a problem: schedule.expression: "@daily" is not a 5-field cron ...``.
    """
    return CheckFailure("", reason)


class DynamicProvider(ResourceProvider):
    """A ``ResourceProvider`` over one kind's :class:`Lifecycle`."""

    # The provider carries no secret, so the engine need not encrypt ``__provider`` in state.
    serialize_as_secret_always = False
    lifecycle: ClassVar[type[Lifecycle]]

    def configure(self, req: ConfigureRequest) -> None:
        # Keep only our keys; the engine hands dynamic providers the whole stack config.
        values = {key: req.config.get(key) for key in CONFIG_KEYS}
        self._config = {k: v for k, v in values.items() if v is not None}

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def credentials(self) -> Credentials:
        return resolve_credentials(getattr(self, "_config", None))

    def client(self) -> QoderClient:
        # Imported here: a process that only declares resources never loads httpx.
        from .wire.client import client_for

        return client_for(self.credentials())

    def core(self) -> Lifecycle:
        return self.lifecycle(self.client, warn=warn)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = self.core().check(plain(_olds), plain(news))
        return CheckResult(result.inputs, [for_engine(f.reason) for f in result.failures])

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        result = self.core().diff(id_, plain(olds), plain(news))
        return DiffResult(changes=result.changes, delete_before_replace=result.delete_before_replace)

    def create(self, props: dict[str, Any]) -> CreateResult:
        result = self.core().create(plain(props))
        return CreateResult(result.id, result.outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        result = self.core().read(id_, plain(props))
        return ReadResult(result.id, result.outs, result.inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self.core().update(id_, plain(olds), plain(news)).outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self.core().delete(id_, plain(props))


# -- constructor helpers ------------------------------------------------------------------------


def args_to_props(value: Any) -> Any:
    """Typed args (dataclasses) to plain property dicts, recursively; ``None`` fields are dropped.

    Outputs and other awaitables are left in place: the SDK resolves nested inputs itself.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: args_to_props(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, Mapping):
        return {k: args_to_props(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [args_to_props(v) for v in value]
    return value


def seed_outputs(props: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Declare every output with ``None`` so none vanishes from the resource object."""
    for name in names:
        props.setdefault(name, None)
    return props


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


class QoderResource(pulumi.dynamic.Resource):
    """A ``pulumi.dynamic.Resource`` that tells its provider which declared resource it is.

    The dynamic provider's ``create`` gets no URN, so the constructor passes a hidden input, the
    hash of project, stack, type and name (``__resource_key``): two resources with the same inputs
    then get two objects, while a re-run of the same resource gets its own object back. It is
    ignored in diffs, so stacks created before it existed see no change.
    """

    def __init__(
        self,
        provider: ResourceProvider,
        name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        key = resource_key(pulumi.get_project(), pulumi.get_stack(), self._resource_type_name, name)
        props = {**props, RESOURCE_KEY: key}
        opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(ignore_changes=[RESOURCE_KEY]), opts)
        super().__init__(provider, name, props, opts)


one_line_errors()
