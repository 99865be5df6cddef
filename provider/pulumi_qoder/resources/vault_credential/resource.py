"""The ``VaultCredential`` dynamic resource and its provider (the dynamic front end over
:class:`VaultCredentialLifecycle`)."""

# Output types on a base class, evaluated annotations: why, in resources/__init__.py.

from typing import Any, Unpack, overload

import pulumi

from ...dynamic import DynamicProvider, QoderResource, collect_props
from .args import VaultCredentialArgs, VaultCredentialArgsDict
from .check import INPUT_KEYS, OUTPUT_KEYS, REPLACE_ON_CHANGES, SECRET_OUTPUTS
from .lifecycle import VaultCredentialLifecycle

__all__ = ["VaultCredential", "VaultCredentialProvider"]


class VaultCredentialProvider(DynamicProvider):
    """Pickled into state by reference (this module and name): keep both, or existing stacks can
    no longer be read."""

    lifecycle = VaultCredentialLifecycle


class _VaultCredentialOutputs:
    """The types of the outputs of ``VaultCredential`` (see ``resources/__init__.py``)."""

    vault_id: pulumi.Output[str]
    display_name: pulumi.Output[str | None]
    auth: pulumi.Output[dict[str, Any]]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    status: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]


class VaultCredential(QoderResource, _VaultCredentialOutputs, module="qoder", name="VaultCredential"):
    """One credential of a Qoder vault (``/vaults/{id}/credentials``). A secret rotation or a
    metadata change is an in-place update; destroying it deletes it."""

    @overload
    def __init__(
        self, resource_name: str, args: VaultCredentialArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        args: None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[VaultCredentialArgsDict],
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: VaultCredentialArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = collect_props("VaultCredential", args, kwargs, INPUT_KEYS, OUTPUT_KEYS)
        if props.get("auth") is not None:
            # Secrets are write-only: ``auth`` is secret as an input (state holds ciphertext) ...
            props["auth"] = pulumi.Output.secret(props["auth"])
        opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(
                # ... and as an output, whatever the engine's by-key re-marking does on refresh.
                additional_secret_outputs=SECRET_OUTPUTS,
                replace_on_changes=REPLACE_ON_CHANGES,
            ),
            opts,
        )
        self._register(VaultCredentialProvider(), resource_name, props, opts)
