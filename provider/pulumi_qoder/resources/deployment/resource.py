"""The ``Deployment`` dynamic resource and its provider (the dynamic front end over
:class:`DeploymentLifecycle`)."""

# Output types on a base class, evaluated annotations: why, in resources/__init__.py.

from collections.abc import Mapping
from typing import Any, Unpack, overload

import pulumi

from ...dynamic import DynamicProvider, ReadableResource, collect_props
from .args import DeploymentArgs, DeploymentArgsDict
from .check import COMPUTED_INPUT_KEYS, INPUT_KEYS, OUTPUT_KEYS
from .lifecycle import DeploymentLifecycle

__all__ = ["Deployment", "DeploymentProvider"]


class DeploymentProvider(DynamicProvider):
    """Pickled into state by reference as ``pulumi_qoder.deployment.DeploymentProvider``: keep
    that path (an alias module) and this name, or existing stacks can no longer be read."""

    __module__ = "pulumi_qoder.deployment"
    lifecycle = DeploymentLifecycle


def _has_repository(resources: Any) -> bool:
    """Whether ``resources`` (as props: typed args already plain dicts) may hold a token."""
    if not isinstance(resources, list | tuple):
        return resources is not None  # an Output: cannot look inside, so treat it as secret
    return any(
        not isinstance(r, Mapping) or r.get("type") == "github_repository" or "authorization_token" in r
        for r in resources
    )


class _DeploymentOutputs:
    """The types of the outputs of ``Deployment`` (see ``resources/__init__.py``)."""

    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    agent: pulumi.Output[Any]
    environment_id: pulumi.Output[str]
    schedule: pulumi.Output[dict[str, str] | None]
    initial_events: pulumi.Output[list[dict[str, Any]]]
    resources: pulumi.Output[list[dict[str, Any]] | None]
    vault_ids: pulumi.Output[list[str] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    cas_config: pulumi.Output[dict[str, Any] | None]
    environment_variables: pulumi.Output[str | None]
    budget: pulumi.Output[dict[str, Any] | None]  # Qoder: {max_credit_cost}; CMA: {max_list_cost: {...}}
    desired_status: pulumi.Output[str]
    schedule_summary: pulumi.Output[str]
    status: pulumi.Output[str]
    paused_reason: pulumi.Output[dict[str, Any] | None]
    upcoming_runs_at: pulumi.Output[list[str]]
    last_run_at: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]


class Deployment(ReadableResource, _DeploymentOutputs, module="qoder", name="Deployment"):
    """A Qoder Cloud Agents deployment. Deleting it archives it (the API has no delete)."""

    consecutive_failures: pulumi.Output[int | None]
    agent_version: pulumi.Output[int]

    @overload
    def __init__(
        self, resource_name: str, args: DeploymentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[DeploymentArgsDict],
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: DeploymentArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        outputs = (*COMPUTED_INPUT_KEYS, *OUTPUT_KEYS)
        props = collect_props("Deployment", args, kwargs, INPUT_KEYS, outputs)
        if _has_repository(props["resources"]):
            # Repository tokens are write-only secrets: the whole list is secret in inputs and,
            # because the engine re-marks outputs by key, in outputs too.
            props["resources"] = pulumi.Output.secret(props["resources"])
        if props["environment_variables"] is not None:
            # Dotenv text carries secrets: ciphertext in state, as an input and as an output.
            props["environment_variables"] = pulumi.Output.secret(props["environment_variables"])
        # Names are unique among live deployments: a replacement must archive the old one first.
        opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(
                delete_before_replace=True, additional_secret_outputs=["environment_variables"]
            ),
            opts,
        )
        self._register(DeploymentProvider(), resource_name, props, opts)
