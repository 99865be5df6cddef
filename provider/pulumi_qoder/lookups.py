"""Lookups for stack code: read live Qoder objects the stack does not manage (or does), by id.

What the Terraform providers call data sources. Each function takes a plain id and returns the
API's object as a plain ``dict`` at once, or takes an ``Output`` (``other.id``) and returns an
``Output`` of it, read when the id is known (during ``up``; a preview with an unknown id shows it
as unknown)::

    from pulumi_qoder.lookups import get_deployment, get_deployment_runs

    nightly = get_deployment("dep_0123...")                 # dict, read now
    failed = get_deployment_runs(daily.id, status="failed", since=timedelta(days=1))  # Output[list]
    pulumi.export("nightly_next_run", nightly["schedule"]["upcoming_runs_at"][0])

Credentials are the provider's: stack config ``qoder:token`` / ``qoder:baseUrl`` /
``qoder:workspaceId``, else ``QODER_PAT`` / ``QODER_BASE_URL`` / ``QODER_WORKSPACE_ID``; with
``profile="team-b"``, that profile's in ``qoder:profiles`` (see docs/provider.md). A
deployment whose ``environment_variables`` is set comes back as a secret ``Output`` in the
``Output`` form (the text is dotenv and may hold secrets); the plain form is the caller's to guard.

To bring an existing deployment into the program as a read-only resource with all its outputs,
use ``Deployment.get(name, id)`` (see docs/cli.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, overload

import pulumi

from pulumi_qoder.ops.api import JSON, Api
from pulumi_qoder.wire.config import CONFIG_KEYS
from pulumi_qoder.wire.profiles import CONFIG_PROFILES, credentials_for

__all__ = ["get_agent", "get_deployment", "get_deployment_runs", "get_environment"]

T = TypeVar("T")
RUN_STATUSES = frozenset({"pending", "running", "completed", "failed", "skipped"})


def _api(profile: str | None = None) -> Api:
    """The provider's credential resolution (of ``profile``, or the stack's own credentials),
    fed with this program's stack config."""
    keys = (*CONFIG_KEYS, CONFIG_PROFILES)
    config = {key: value for key in keys if (value := pulumi.runtime.get_config(key))}
    if profile is None:
        return Api.connect(config)
    from pulumi_qoder.wire.connect import client_for  # httpx and the SDK load only here

    return Api(client_for(credentials_for(config, profile)))


def _lookup(
    ref: str | pulumi.Output[str], read: Callable[[str], T], secret: Callable[[T], bool]
) -> T | pulumi.Output[T]:
    if isinstance(ref, pulumi.Output):

        def resolve(id_: str) -> pulumi.Output[T]:
            value = read(id_)
            return pulumi.Output.secret(value) if secret(value) else pulumi.Output.from_input(value)

        return ref.apply(resolve)
    if not isinstance(ref, str) or not ref:
        raise TypeError(f"expected an id (a non-empty string or an Output of one), got {ref!r}")
    return read(ref)


def _never(_: Any) -> bool:
    return False


def _has_environment_variables(deployment: JSON) -> bool:
    return bool(deployment.get("environment_variables"))


@overload
def get_deployment(deployment_id: str, *, profile: str | None = None) -> JSON: ...
@overload
def get_deployment(
    deployment_id: pulumi.Output[str], *, profile: str | None = None
) -> pulumi.Output[JSON]: ...
def get_deployment(
    deployment_id: str | pulumi.Output[str], *, profile: str | None = None
) -> JSON | pulumi.Output[JSON]:
    """``GET /deployments/{id}``: the deployment as the API has it (archived ones too)."""
    return _lookup(deployment_id, lambda id_: _api(profile).deployment(id_), _has_environment_variables)


@overload
def get_agent(agent_id: str, *, profile: str | None = None) -> JSON: ...
@overload
def get_agent(agent_id: pulumi.Output[str], *, profile: str | None = None) -> pulumi.Output[JSON]: ...
def get_agent(
    agent_id: str | pulumi.Output[str], *, profile: str | None = None
) -> JSON | pulumi.Output[JSON]:
    """``GET /agents/{id}``: the agent, its latest version."""
    return _lookup(agent_id, lambda id_: _api(profile).agent(id_), _never)


@overload
def get_environment(environment_id: str, *, profile: str | None = None) -> JSON: ...
@overload
def get_environment(
    environment_id: pulumi.Output[str], *, profile: str | None = None
) -> pulumi.Output[JSON]: ...
def get_environment(
    environment_id: str | pulumi.Output[str], *, profile: str | None = None
) -> JSON | pulumi.Output[JSON]:
    """``GET /environments/{id}``."""
    return _lookup(environment_id, lambda id_: _api(profile).environment(id_), _never)


def _since(since: datetime | timedelta | None) -> datetime | None:
    if since is None or isinstance(since, datetime):
        if since is not None and since.tzinfo is None:
            raise ValueError("get_deployment_runs: since must be timezone-aware (or a timedelta)")
        return since
    return datetime.now(UTC) - since


@overload
def get_deployment_runs(
    deployment_id: str,
    *,
    status: str | None = None,
    since: datetime | timedelta | None = None,
    limit: int | None = None,
    profile: str | None = None,
) -> list[JSON]: ...
@overload
def get_deployment_runs(
    deployment_id: pulumi.Output[str],
    *,
    status: str | None = None,
    since: datetime | timedelta | None = None,
    limit: int | None = None,
    profile: str | None = None,
) -> pulumi.Output[list[JSON]]: ...
def get_deployment_runs(
    deployment_id: str | pulumi.Output[str],
    *,
    status: str | None = None,
    since: datetime | timedelta | None = None,
    limit: int | None = None,
    profile: str | None = None,
) -> list[JSON] | pulumi.Output[list[JSON]]:
    """Runs of a deployment, newest first; ``status`` (e.g. ``"failed"``), ``since`` (a time or
    how long ago, by trigger time) and ``limit`` narrow them; ``profile`` names the account."""
    if status is not None and status not in RUN_STATUSES:
        raise ValueError(
            f"get_deployment_runs: status must be one of {', '.join(sorted(RUN_STATUSES))}, got {status!r}"
        )
    if limit is not None and limit < 1:
        raise ValueError(f"get_deployment_runs: limit must be at least 1, got {limit}")
    after = _since(since)
    return _lookup(
        deployment_id, lambda id_: _api(profile).runs(id_, status=status, since=after, limit=limit), _never
    )
