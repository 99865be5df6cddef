"""The ``Vault`` dynamic resource and its provider (the dynamic front end over
:class:`VaultLifecycle`)."""

# Output types on a base class, evaluated annotations: why, in resources/__init__.py.

from typing import Any, Unpack, overload

import pulumi

from ...dynamic import DynamicProvider, ReadableResource, collect_props, program_flavor
from .args import VaultArgs, VaultArgsDict
from .check import INPUT_KEYS, OUTPUT_KEYS, REPLACE_ON_CHANGES, SECRET_OUTPUTS
from .lifecycle import VaultLifecycle

__all__ = ["Vault", "VaultProvider"]


class VaultProvider(DynamicProvider):
    """Pickled into state by reference as ``pulumi_qoder.vault.VaultProvider``: keep that path
    (an alias module) and this name, or existing stacks can no longer be read."""

    __module__ = "pulumi_qoder.vault"
    lifecycle = VaultLifecycle


class _VaultOutputs:
    """The types of the outputs of ``Vault`` (see ``resources/__init__.py``)."""

    display_name: pulumi.Output[str]
    credentials: pulumi.Output[list[dict[str, Any]] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    status: pulumi.Output[str]
    credential_ids: pulumi.Output[list[str]]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]


class Vault(ReadableResource, _VaultOutputs, module="qoder", name="Vault"):
    """A Qoder vault of MCP credentials. Changes replace it; destroying it deletes it."""

    @overload
    def __init__(
        self, resource_name: str, args: VaultArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[VaultArgsDict],
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: VaultArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = collect_props("Vault", args, kwargs, INPUT_KEYS, OUTPUT_KEYS)
        if props.get("credentials") is not None:
            # Tokens are write-only secrets: secret as an input (state holds ciphertext) ...
            props["credentials"] = pulumi.Output.secret(props["credentials"])
        opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(
                # ... and as an output, whatever the engine's by-key re-marking does on refresh.
                additional_secret_outputs=SECRET_OUTPUTS,
                # CMA updates display_name and metadata in place (docs/cma.md).
                replace_on_changes=(
                    ["credentials"] if program_flavor(props.get("profile")) == "cma" else REPLACE_ON_CHANGES
                ),
            ),
            opts,
        )
        self._register(VaultProvider(), resource_name, props, opts)
