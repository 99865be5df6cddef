"""The native ``qoder`` provider: a thin front end turning the engine's gRPC requests into calls
on the same core lifecycle the dynamic resources use (``pulumi_qoder.core.lifecycle``).

What this front end adds, and nothing else: property values in and out (``values``), the
schema (``schema``), configuration per provider instance (so explicit providers each have their
own account), the property-level diff the engine asks a native provider for, preview answers,
and the two functions. The core's calls are blocking, so they run in worker threads: the engine
sends many requests at once and they must not wait for each other.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from ..core.flavor_rules import use_flavor
from ..core.idempotency import resource_key
from ..core.lifecycle import Lifecycle
from ..core.values import RESOURCE_KEY, UNKNOWN
from ..diagnostics import warn
from ..resources.deployment.resource import _has_repository
from ..wire import warm
from ..wire.config import Credentials, resolve_credentials
from ..wire.flavor import resolve_flavor
from .diff import detailed_diff
from .kinds import PACKAGE, Kind, kind_for
from .schema import CONFIG, build_schema
from .values import from_engine, secret_keys, to_engine

if TYPE_CHECKING:
    from ..wire.client import QoderClient

__all__ = ["QoderProvider"]

# Outputs an update cannot change (all others are unknown in an update's preview).
_STABLE_OUTPUTS = ("created_at",)


class QoderProvider(Provider):
    """One provider instance = one account (the engine starts one per provider resource)."""

    def __init__(self, version: str) -> None:
        self.version = version
        self._config: dict[str, Any] = {}

    # -- configuration --------------------------------------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(json.dumps(build_schema(self.version), indent=2))

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        news = from_engine(request.new_inputs)
        failures = [
            CheckFailure(key, f"{key}: must be a string, got {type(news[key]).__name__}")
            for key in CONFIG
            if news.get(key) is not None and news[key] != UNKNOWN and not isinstance(news[key], str)
        ]
        return CheckResponse(request.new_inputs, failures)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        args = from_engine(request.args)
        config: dict[str, Any] = {}
        for key in CONFIG:
            # Explicit provider inputs or stack config (``qoder:<key>``); older engines send only
            # ``variables`` (``qoder:config:<key>``).
            value = args.get(key, request.variables.get(f"{PACKAGE}:config:{key}"))
            if value is not None and value != UNKNOWN:
                config[f"{PACKAGE}:{key}"] = value
        self._config = config
        # Under `up`/`refresh`/`destroy`: the client loads in the background from here on.
        warm.start(config, provider_process=True)
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_outputs=False)

    def credentials(self) -> Credentials:
        """This instance's credentials: its configuration, else the environment (as dynamic)."""
        return resolve_credentials(self._config)

    def client(self) -> QoderClient:
        from ..wire.connect import client_for  # an SDK loads only when an API call is made

        return client_for(self.credentials())

    def _core(self, kind: Kind) -> Lifecycle:
        use_flavor(resolve_flavor(self._config)[0])  # per-service check rules (core/flavor_rules.py)
        return kind.lifecycle(self.client, warn=warn)

    # -- resources ------------------------------------------------------------------------------

    @staticmethod
    def _secrets(kind: Kind, values: Mapping[str, Any], *marked: Mapping[str, PropertyValue]) -> set[str]:
        """Keys to keep secret: secret where they came from, always-secret keys, and a
        deployment's ``resources`` when they may hold a repository token."""
        keys = set(kind.secret_keys).union(*(secret_keys(m) for m in marked))
        if (
            kind.name == "Deployment"
            and values.get("resources") is not None
            and _has_repository(values["resources"])
        ):
            keys.add("resources")
        return keys

    async def check(self, request: CheckRequest) -> CheckResponse:
        kind = kind_for(request.type)
        result = self._core(kind).check(from_engine(request.old_inputs), from_engine(request.new_inputs))
        secrets = self._secrets(kind, result.inputs, request.new_inputs)
        # The reasons start with the property path (nested paths included): the engine prints
        # them as they are (see pulumi_qoder.dynamic.for_engine for why no property is named).
        failures = [CheckFailure("", f.reason) for f in result.failures]
        return CheckResponse(to_engine(result.inputs, secrets), failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        kind = kind_for(request.type)
        olds, news = from_engine(request.old_state), from_engine(request.new_inputs)
        keys = (*kind.input_keys, *kind.computed_input_keys)
        diffs = detailed_diff(
            {k: olds[k] for k in keys if olds.get(k) is not None},
            {k: news[k] for k in keys if news.get(k) is not None},
            kind.replace_on_changes,
        )
        replaces = sorted(
            {path.split(".")[0].split("[")[0] for path, d in diffs.items() if d.kind.name.endswith("REPLACE")}
        )
        changed = sorted({path.split(".")[0].split("[")[0] for path in diffs})
        return DiffResponse(
            changes=bool(diffs),
            replaces=replaces,
            diffs=changed,
            detailed_diff=diffs,
            delete_before_replace=bool(kind.lifecycle.delete_before_replace),
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        kind = kind_for(request.type)
        props = from_engine(request.properties)
        secrets = self._secrets(kind, props, request.properties)
        if request.preview:
            outs = {**props, **{k: UNKNOWN for k in kind.output_keys}}
            return CreateResponse("", to_engine(outs, secrets))
        # The declared resource identifies the create (two resources with the same inputs get two
        # objects, a re-run gets its own back). The URN is at hand on every call: not stored.
        stack, project = request.urn.split("::")[0].rsplit(":", 1)[-1], request.urn.split("::")[1]
        identity = resource_key(project, stack, request.type, request.name)
        result = await asyncio.to_thread(self._core(kind).create, {**props, RESOURCE_KEY: identity})
        outs = {k: v for k, v in result.outs.items() if k != RESOURCE_KEY}
        return CreateResponse(result.id, to_engine(outs, secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        kind = kind_for(request.type)
        prior = from_engine(request.properties)
        result = await asyncio.to_thread(self._core(kind).read, request.resource_id, prior)
        if not result.id:
            return ReadResponse("", {}, {})
        secrets = self._secrets(kind, result.outs, request.properties, request.inputs)
        return ReadResponse(
            result.id, to_engine(result.outs, secrets), to_engine(result.inputs or {}, secrets)
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        kind = kind_for(request.type)
        olds, news = from_engine(request.olds), from_engine(request.news)
        secrets = self._secrets(kind, news, request.olds, request.news)
        if request.preview:
            server = {k: UNKNOWN for k in kind.output_keys if k not in _STABLE_OUTPUTS}
            outs = {**olds, **news, **server}
            return UpdateResponse(to_engine(outs, secrets))
        result = await asyncio.to_thread(self._core(kind).update, request.resource_id, olds, news)
        return UpdateResponse(to_engine(result.outs, secrets))

    async def delete(self, request: DeleteRequest) -> None:
        kind = kind_for(request.type)
        await asyncio.to_thread(self._core(kind).delete, request.resource_id, from_engine(request.properties))

    # -- functions ------------------------------------------------------------------------------

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        functions: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
            f"{PACKAGE}:index:getDeployment": self._get_deployment,
            f"{PACKAGE}:index:getDeploymentRuns": self._get_deployment_runs,
        }
        function = functions.get(request.tok)
        if function is None:
            raise ValueError(
                f"unknown function {request.tok!r} (this provider serves {', '.join(functions)})"
            )
        args = from_engine(request.args)
        failures = _check_function_args(request.tok, args)
        if failures:
            return InvokeResponse(failures=failures)
        result = await asyncio.to_thread(function, args)
        return InvokeResponse(to_engine(result))

    def _get_deployment(self, args: Mapping[str, Any]) -> dict[str, Any]:
        deployment = kind_for(f"{PACKAGE}:index:Deployment")
        core = self._core(deployment)
        obj = self.client().get_object(core.collection, args["id"])
        return {"id": obj["id"], **core.to_outputs(obj, core.to_inputs(obj, {}))}

    def _get_deployment_runs(self, args: Mapping[str, Any]) -> dict[str, Any]:
        params = {
            k: args[k] for k in ("deployment_id", "trigger_type", "has_error") if args.get(k) is not None
        }
        page = self.client().list_objects("deployment_runs", limit=args.get("limit") or 20, **params)
        runs = [
            {
                "id": run.get("id"),
                "deployment_id": run.get("deployment_id"),
                "session_id": run.get("session_id"),
                "created_at": run.get("created_at"),
                "trigger_type": (run.get("trigger_context") or {}).get("type"),
                "agent": run.get("agent"),
                "error": run.get("error"),
            }
            for run in page.get("data") or []
        ]
        return {"runs": [{k: v for k, v in run.items() if v is not None} for run in runs]}


def _check_function_args(tok: str, args: Mapping[str, Any]) -> list[CheckFailure]:
    """Argument rules of the two functions, each failure naming the argument."""
    failures: list[CheckFailure] = []
    required = "id" if tok.endswith(":getDeployment") else "deployment_id"
    if not isinstance(args.get(required), str) or not args[required].startswith("dep_"):
        failures.append(CheckFailure(required, f'{required}: is required (a deployment id "dep_...")'))
    limit = args.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100):
        failures.append(CheckFailure("limit", f"limit: {limit!r} must be an integer from 1 to 100"))
    if args.get("trigger_type") not in (None, "schedule", "manual"):
        failures.append(
            CheckFailure("trigger_type", f"trigger_type: {args['trigger_type']!r} must be schedule or manual")
        )
    return failures
