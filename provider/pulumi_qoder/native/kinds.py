"""The resources the native provider serves: for each, the core lifecycle and the typed
definitions the dynamic front end already uses (args dataclass, resource class annotations,
check constants). Nothing here is a second copy: the table only points at them."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

from ..core.lifecycle import Lifecycle

__all__ = ["KINDS", "PACKAGE", "Kind", "kind_for"]

PACKAGE = "qoder"


@dataclass(frozen=True)
class Kind:
    """One resource type: ``qoder:index:<name>``."""

    name: str
    lifecycle: type[Lifecycle]
    args: type[Any]  # the args dataclass (input types)
    resource: type[Any]  # the dynamic resource class (output annotations)
    input_keys: tuple[str, ...]
    computed_input_keys: tuple[str, ...]  # set by check, stored among the inputs
    output_keys: tuple[str, ...]
    replace_on_changes: tuple[str, ...]  # property paths whose change replaces the object
    secret_keys: tuple[str, ...]  # top-level properties always secret (write-only secrets)

    @property
    def token(self) -> str:
        return f"{PACKAGE}:index:{self.name}"


def _kind(name: str, module: str, args: str, lifecycle: str) -> Kind:
    check = importlib.import_module(f"pulumi_qoder.resources.{module}.check")
    return Kind(
        name=name,
        lifecycle=getattr(importlib.import_module(f"pulumi_qoder.resources.{module}.lifecycle"), lifecycle),
        args=getattr(importlib.import_module(f"pulumi_qoder.resources.{module}.args"), args),
        resource=getattr(importlib.import_module(f"pulumi_qoder.resources.{module}.resource"), name),
        input_keys=tuple(check.INPUT_KEYS),
        computed_input_keys=tuple(getattr(check, "COMPUTED_INPUT_KEYS", ())),
        output_keys=tuple(check.OUTPUT_KEYS),
        replace_on_changes=tuple(getattr(check, "REPLACE_ON_CHANGES", ())),
        secret_keys=tuple(getattr(check, "SECRET_OUTPUTS", ())),
    )


def _kinds() -> dict[str, Kind]:
    table = [
        _kind("Deployment", "deployment", "DeploymentArgs", "DeploymentLifecycle"),
        _kind("Agent", "agent", "AgentArgs", "AgentLifecycle"),
        _kind("Environment", "environment", "EnvironmentArgs", "EnvironmentLifecycle"),
        _kind("Vault", "vault", "VaultArgs", "VaultLifecycle"),
    ]
    # Served as soon as the package has it (it is being added next to the others).
    if importlib.util.find_spec("pulumi_qoder.resources.vault_credential.lifecycle") is not None:
        table.append(
            _kind("VaultCredential", "vault_credential", "VaultCredentialArgs", "VaultCredentialLifecycle")
        )
    return {k.token: k for k in table}


KINDS: dict[str, Kind] = _kinds()


def kind_for(token: str) -> Kind:
    try:
        return KINDS[token]
    except KeyError:
        raise ValueError(
            f"unknown resource type {token!r} (this provider serves {', '.join(KINDS)})"
        ) from None
