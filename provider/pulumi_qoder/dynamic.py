"""The ``pulumi.dynamic`` front end: a ``ResourceProvider`` adapting the core lifecycle, and the
constructor helpers that turn typed args into the props of a ``pulumi.dynamic.Resource``.

The provider is stateless: credentials come from ``configure`` or the environment when a method
runs and are never part of the pickled instance (``__getstate__`` drops them). Each kind's
provider class is pickled into state *by reference* (module and name), so it must stay
importable under the path recorded there (see ``resources/<kind>/resource.py``).
"""

from __future__ import annotations

import dataclasses
import functools
import pickle
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

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
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider
from pulumi.output import Unknown
from pulumi.runtime._serialization import _serialize

from .core.flavor_rules import use_flavor
from .core.idempotency import resource_key
from .core.lifecycle import Lifecycle
from .core.values import RESOURCE_KEY, UNKNOWN, is_unknown, unwrap_secrets
from .diagnostics import warn
from .wire import warm
from .wire.config import CONFIG_KEYS, Credentials
from .wire.errors import ConfigurationError, QoderError
from .wire.profiles import (
    CONFIG_PROFILES,
    PROFILE_KEY,
    credentials_for,
    flavor_for,
    profile_problem,
    same_account,
)

if TYPE_CHECKING:
    from .wire.client import QoderClient

__all__ = [
    "DynamicProvider",
    "QoderResource",
    "args_to_props",
    "collect_props",
    "program_flavor",
    "seed_outputs",
]


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
        values = {key: req.config.get(key) for key in (*CONFIG_KEYS, CONFIG_PROFILES)}
        self._config = {k: v for k, v in values.items() if v is not None}
        # Under `up`/`refresh`/`destroy`: the client loads in the background from here on.
        warm.start(self._config)

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    def credentials(self, profile: str | None = None) -> Credentials:
        """Profile ``profile``'s credentials in the current config (None: the stack's own)."""
        return credentials_for(getattr(self, "_config", None), profile)

    def client(self, profile: str | None = None) -> QoderClient:
        # Imported here: a process that only declares resources never loads httpx.
        from .wire.connect import client_for

        return client_for(self.credentials(profile))

    def core(self, profile: Any = None) -> Lifecycle:
        """The lifecycle on profile ``profile``'s account (None: the stack's own credentials).
        A profile that is unknown yet or not configured gets a lifecycle whose first API call
        fails saying so (check reports the bad name itself; an unknown one makes no call)."""
        config = getattr(self, "_config", None)
        problem = (
            f"{PROFILE_KEY}: not known until apply"
            if is_unknown(profile)
            else None
            if profile is None
            else profile_problem(config, profile)
        )
        if problem is None:
            use_flavor(flavor_for(config, profile))  # per-service check rules
            return self.lifecycle(functools.partial(self.client, profile), warn=warn)

        def unusable() -> QoderClient:
            raise ConfigurationError(problem)

        use_flavor(flavor_for(config, None))
        return self.lifecycle(unusable, warn=warn)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        profile, news = _split_profile(news)
        result = self.core(profile).check(plain(_split_profile(_olds)[1]), plain(news))
        failures = [for_engine(f.reason) for f in result.failures]
        if profile is not None and not is_unknown(profile):
            problem = profile_problem(getattr(self, "_config", None), profile)
            failures += [for_engine(problem)] if problem else []
        return CheckResult(_with_profile(result.inputs, profile), failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old_profile, olds = _split_profile(olds)
        new_profile, news = _split_profile(news)
        result = self.core(new_profile).diff(id_, plain(olds), plain(news))
        if old_profile != new_profile and (
            is_unknown(new_profile)
            or not same_account(getattr(self, "_config", None), old_profile, new_profile)
        ):
            # Another account cannot take the object over: make it there, archive it here.
            return DiffResult(
                changes=True, replaces=[PROFILE_KEY], delete_before_replace=result.delete_before_replace
            )
        return DiffResult(changes=result.changes, delete_before_replace=result.delete_before_replace)

    def create(self, props: dict[str, Any]) -> CreateResult:
        profile, props = _split_profile(props)
        result = self.core(profile).create(plain(props))
        return CreateResult(result.id, _with_profile(result.outs, profile))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        profile, props = _split_profile(props)
        result = self.core(profile).read(id_, plain(props))
        if not result.id:
            return ReadResult(result.id, result.outs, result.inputs)
        inputs = None if result.inputs is None else _with_profile(result.inputs, profile)
        return ReadResult(result.id, _with_profile(result.outs, profile), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        profile, news = _split_profile(news)
        outs = self.core(profile).update(id_, plain(_split_profile(olds)[1]), plain(news)).outs
        return UpdateResult(_with_profile(outs, profile))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        profile, props = _split_profile(props)
        self.core(profile).delete(id_, plain(props))


def _split_profile(props: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The ``profile`` input (a name, ``UNKNOWN`` or None) and the props without it: it picks
    the credentials, and the core lifecycle knows nothing of it."""
    rest = dict(props)
    profile = unwrap_secrets(plain(rest.pop(PROFILE_KEY, None)))
    return (None if profile == "" else profile), rest


def _with_profile(values: dict[str, Any], profile: Any) -> dict[str, Any]:
    """``values`` (inputs or outputs) with the profile's name, so refresh and destroy find it."""
    if profile is not None:
        values[PROFILE_KEY] = profile
    return values


# -- constructor helpers ------------------------------------------------------------------------


def program_flavor(profile: Any = None) -> str:
    """The service a resource's provider talks to, as the program sees it (stack config
    ``qoder:flavor``/``qoder:baseUrl``/``qoder:profiles``, else the environment): for resource
    options that differ per service. ``profile``: the resource's profile input, when a plain name."""
    config = pulumi.Config("qoder")
    values: dict[str, Any] = {f"qoder:{k}": config.get(k) for k in ("flavor", "baseUrl", "profiles")}
    name = profile if isinstance(profile, str) else None
    try:
        return flavor_for(values, name)
    except ConfigurationError:  # a bad profile or flavor: the provider's check says so, by name
        return flavor_for({k: x for k, x in values.items() if k != CONFIG_PROFILES}, None)


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
    input_keys = (*input_keys, PROFILE_KEY)  # every kind's, read by the front end (wire/profiles.py)
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


def leave_outputs_to_registration(resource: pulumi.Resource) -> None:
    """Stop the SDK's shutdown loop from tracking this resource's own outputs a second time.

    At the end of a program the SDK awaits every registration RPC, then drains its set of
    tracked outputs with ``asyncio.wait(all pending, FIRST_COMPLETED)`` in a loop: each wake-up
    costs a callback per pending output, so the cost is outputs x wake-ups. A deployment has ~27
    outputs (the floor's resource 7): at N = 200 that loop was half of the program's CPU in
    ``up`` (benchmarks/README.md). The outputs the SDK made for this resource's properties
    (``urn``, ``id`` and each property) are resolved, or failed, by the registration RPC, which
    the SDK awaits anyway and whose error it raises; outputs derived from them (``apply``,
    ``Output.all``) are still tracked.
    """
    for value in vars(resource).values():
        untrack = getattr(value, "_untrack", None)  # pulumi.Output's; absent in another SDK: no-op
        if isinstance(value, pulumi.Output) and untrack is not None:
            untrack()


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
        self._register(provider, name, props, opts)

    def _register(
        self,
        provider: ResourceProvider,
        name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        """What ``pulumi.dynamic.Resource.__init__`` does, called from the kind's ``__init__``.

        Not through that ``__init__``: the SDK records as a resource's source position the frame
        outside the third ``__init__`` on the stack (``Resource``, ``CustomResource``, then the
        "concrete" class), so with ``dynamic.Resource.__init__`` and ours in between, every
        resource was placed in this library (``dynamic.py``) with two library frames in each
        state's stack trace. This way the kind's ``__init__`` is the third, and the position is
        the program's line.
        """
        key = resource_key(pulumi.get_project(), pulumi.get_stack(), self._resource_type_name, name)
        props = {**props, RESOURCE_KEY: key}
        defaults = pulumi.ResourceOptions(ignore_changes=[RESOURCE_KEY])
        if program_flavor(props.get(PROFILE_KEY)) == "cma":
            # No Idempotency-Key on CMA: a create-first replacement with an unchanged body would
            # find, by its create token, the very object it replaces (docs/cma.md). The user's
            # own delete_before_replace still wins.
            defaults = pulumi.ResourceOptions.merge(
                defaults, pulumi.ResourceOptions(delete_before_replace=True)
            )
        opts = pulumi.ResourceOptions.merge(defaults, opts)
        # The SDK's serialize_provider wraps pickle's _batch_setitems once more per resource and
        # never unwraps it: the ~980th dynamic resource of a program died in a RecursionError.
        batch_setitems = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
        try:
            serialized, contains_secrets = _serialize(True, serialize_provider, provider)
        finally:
            pickle._Pickler._batch_setitems = batch_setitems  # type: ignore[attr-defined]
        if getattr(provider, "serialize_as_secret_always", True) or contains_secrets:
            serialized = pulumi.Output.secret(serialized)
        props[PROVIDER_KEY] = serialized
        pulumi.CustomResource.__init__(self, f"pulumi-python:{self._resource_type_name}", name, props, opts)
        leave_outputs_to_registration(self)


class ReadableResource(QoderResource):
    """A resource that an existing object can be read into by id (``Kind.get``)."""

    @classmethod
    def get(
        cls,
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        profile: pulumi.Input[str] | None = None,
    ) -> Self:
        """An existing object read into the stack by the engine (one ``GET``, again at each ``up``
        and ``refresh``); read-only: this stack never updates, archives or deletes it.
        ``profile`` names the account to read it with (stack config ``qoder:profiles``)."""
        read_opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        # No other input: the engine reads them. Each kind's constructor takes (name, args, opts).
        construct = cast(Callable[..., Self], cls)
        return construct(resource_name, None, read_opts, profile=profile)


one_line_errors()
