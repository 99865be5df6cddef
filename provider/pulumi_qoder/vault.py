"""``Vault``: credentials (static bearer tokens for MCP servers) that deployments' sessions use.

Same layout as ``deployment.py``: typed args, ``check_inputs``, one pure mapping per direction,
a small stateless provider.

* The API has **no vault update**: any change of ``display_name``, ``credentials`` or
  ``metadata`` replaces the vault (the constructor sets ``replace_on_changes`` for them, and the
  engine, which diffs inputs itself, plans a create-then-delete). Deployments that reference
  ``vault.id`` are updated to the new id in the same ``up`` before the old vault goes.
* Access tokens are write-only secrets: the service never returns them. The constructor makes
  ``credentials`` a secret input and a secret output, so state holds them only as ciphertext;
  refresh carries them over from state (matched by MCP server URL) since the API cannot.
* Destroy **deletes** the vault (``DELETE /vaults/{id}``): a vault's only content is
  credentials, and a rotated or retired token should not stay stored on the service. Where the
  account may not delete (403/405), it is archived instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi

from . import _objects as objects
from . import validators as v
from ._base import Failures, is_unknown, normalize_numbers, plain_news, unwrap_secrets
from .client import JSON, QoderClient
from .errors import QoderAPIError, QoderError

__all__ = [
    "McpCredentialArgs",
    "Vault",
    "VaultArgs",
    "VaultProvider",
    "check_inputs",
    "create_body",
    "vault_to_inputs",
    "vault_to_outputs",
]

COLLECTION = "vaults"

# ------------------------------------------------------------------------------------------------
# Typed arguments (the schema)
# ------------------------------------------------------------------------------------------------


@dataclass
class McpCredentialArgs:
    """A static bearer token for one MCP server. ``access_token`` is kept secret in state."""

    mcp_server_url: pulumi.Input[str]
    access_token: pulumi.Input[str]
    protocol: pulumi.Input[Literal["sse", "streamable_http"]] | None = None
    type: str = field(default="static_bearer", init=False)


@dataclass
class VaultArgs:
    """Inputs of a :class:`Vault`. Every change replaces the vault (the API has no update)."""

    display_name: pulumi.Input[str]
    credentials: pulumi.Input[Sequence[pulumi.Input[McpCredentialArgs | Mapping[str, Any]]]] | None = None
    metadata: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    adopt_id: pulumi.Input[str] | None = None
    """An existing vault to take over at create. It must already match (there is no update);
    its tokens cannot be read back, so the ones given here are recorded as its tokens."""


INPUT_KEYS = ("display_name", "credentials", "metadata", "adopt_id")
OUTPUT_KEYS = ("status", "credential_ids", "created_at", "updated_at", "archived_at")
# All real inputs: there is no update endpoint, so a change can only be applied by a new vault.
REPLACE_ON_CHANGES = ["display_name", "credentials", "metadata"]
SECRET_OUTPUTS = ["credentials"]
PROTOCOLS = ("sse", "streamable_http")
DEFAULT_PROTOCOL = "streamable_http"
CREDENTIAL_TYPE = "static_bearer"
CREDENTIAL_FIELDS = ("mcp_server_url", "protocol", "type", "access_token")
URL_RE = re.compile(r"^https?://[^\s/]+")

# ------------------------------------------------------------------------------------------------
# check: validation + canonical inputs
# ------------------------------------------------------------------------------------------------


def http_url(f: Failures, path: str, value: Any) -> bool:
    """An absolute http(s) URL of at most 2048 characters."""
    if not v.string(f, path, value, min_len=1, max_len=2048) or is_unknown(value):
        return is_unknown(value) or False
    if not URL_RE.match(value):
        f.add(path, f'"{value}" is not an http(s) URL such as https://mcp.example.com/sse')
        return False
    return True


def canonical_credential(cred: Mapping[str, Any]) -> dict[str, Any]:
    """Known fields only; the API defaults (``streamable_http``, ``static_bearer``) left out."""
    out = {k: cred[k] for k in CREDENTIAL_FIELDS if cred.get(k) is not None}
    if out.get("protocol") == DEFAULT_PROTOCOL:
        del out["protocol"]
    if out.get("type") == CREDENTIAL_TYPE:
        del out["type"]
    return out


def _check_credential(f: Failures, path: str, cred: Any) -> Any:
    if is_unknown(cred) or not v.is_mapping(f, path, cred) or is_unknown(cred):
        return cred
    extra = set(cred) - set(CREDENTIAL_FIELDS)
    if extra:
        f.add(path, f"unknown field(s) {', '.join(sorted(extra))}; expected {', '.join(CREDENTIAL_FIELDS)}")
    if cred.get("mcp_server_url") is None:
        f.add(f"{path}.mcp_server_url", "is required")
    else:
        http_url(f, f"{path}.mcp_server_url", cred["mcp_server_url"])
    if cred.get("access_token") is None:
        f.add(f"{path}.access_token", "is required (the bearer token sent to the MCP server)")
    else:
        v.string(f, f"{path}.access_token", cred["access_token"], min_len=1, max_len=8192)
    if cred.get("protocol") is not None:
        v.one_of(f, f"{path}.protocol", cred["protocol"], PROTOCOLS)
    if cred.get("type") is not None:
        v.one_of(f, f"{path}.type", cred["type"], (CREDENTIAL_TYPE,))
    return canonical_credential(cred)


def _check_credentials(f: Failures, value: Any) -> Any:
    if not v.is_list(f, "credentials", value, max_items=50) or is_unknown(value):
        return value
    creds = [_check_credential(f, f"credentials[{i}]", c) for i, c in enumerate(value)]
    urls = [
        c.get("mcp_server_url")
        for c in creds
        if isinstance(c, Mapping) and isinstance(c.get("mcp_server_url"), str)
    ]
    for i, url in enumerate(urls):
        if urls.index(url) != i:
            f.add("credentials", f"has two credentials for {url}; one MCP server takes one token")
    return creds or None


def check_inputs(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """Validate ``news`` and return canonical inputs (defaults and empty values left out)."""
    news = plain_news(news)
    f = Failures()
    objects.unexpected_keys(f, news, INPUT_KEYS, OUTPUT_KEYS)
    out: dict[str, Any] = {}
    if news.get("display_name") is None:
        f.add("display_name", "is required")
    else:
        v.string(f, "display_name", news["display_name"], min_len=1, max_len=255)
        out["display_name"] = news["display_name"]
    if news.get("credentials") is not None:
        creds = _check_credentials(f, news["credentials"])
        if creds is not None:
            out["credentials"] = creds
    objects.check_metadata_and_adopt_id(f, news, out, "vault_")
    return out, f.items


# ------------------------------------------------------------------------------------------------
# inputs -> wire
# ------------------------------------------------------------------------------------------------


def _wire_credential(cred: Mapping[str, Any]) -> JSON:
    return {
        "mcp_server_url": cred["mcp_server_url"],
        "protocol": cred.get("protocol", DEFAULT_PROTOCOL),
        "type": cred.get("type", CREDENTIAL_TYPE),
        "access_token": cred["access_token"],
    }


def create_body(inputs: Mapping[str, Any]) -> JSON:
    """The ``POST /vaults`` body for canonical inputs (the only write the API offers)."""
    body: JSON = {
        "display_name": inputs["display_name"],
        "credentials": [_wire_credential(c) for c in inputs.get("credentials") or []],
    }
    if inputs.get("metadata"):
        body["metadata"] = dict(inputs["metadata"])
    return body


# ------------------------------------------------------------------------------------------------
# wire -> state
# ------------------------------------------------------------------------------------------------


def _live_credentials(vault: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        c
        for c in vault.get("credentials") or []
        if isinstance(c, Mapping) and not c.get("archived_at") and c.get("status", "active") == "active"
    ]


def _credentials_with_tokens(server: list[Mapping[str, Any]], prior: Any) -> list[dict[str, Any]]:
    """Server credentials in canonical form, each with the token the prior state had for the same
    MCP server URL (the API never returns tokens). A credential added outside this stack has no
    known token and comes back without one: the next preview then asks for it."""
    tokens: dict[Any, Any] = {}
    for cred in prior if isinstance(prior, list) else []:
        if isinstance(cred, Mapping) and cred.get("access_token") is not None:
            tokens.setdefault(cred.get("mcp_server_url"), cred["access_token"])
    out = []
    for cred in server:
        canon = canonical_credential({k: x for k, x in cred.items() if k in CREDENTIAL_FIELDS})
        token = tokens.get(cred.get("mcp_server_url"))
        if token is not None:
            canon["access_token"] = token
        out.append(canon)
    return out


def vault_to_inputs(vault: Mapping[str, Any], prior: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical inputs describing the vault as the server has it, tokens from ``prior``."""
    vault = normalize_numbers(vault)
    prior = unwrap_secrets(dict(prior))
    out: dict[str, Any] = {"display_name": vault["display_name"]}
    creds = _credentials_with_tokens(_live_credentials(vault), prior.get("credentials"))
    if creds:
        out["credentials"] = creds
    metadata = objects.user_metadata(vault)
    if metadata:
        out["metadata"] = metadata
    return objects.keep_adopt_id(out, prior)


def vault_to_outputs(vault: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    outs = objects.with_server_fields(vault, inputs, OUTPUT_KEYS)
    outs["credential_ids"] = [c.get("id") for c in _live_credentials(vault)]
    return outs


# ------------------------------------------------------------------------------------------------
# The provider
# ------------------------------------------------------------------------------------------------


class VaultProvider(objects.ObjectProvider):
    """Lifecycle of a vault. The API has no vault update: adopting refuses a vault that differs,
    an in-place update refuses real changes, and destroy deletes (archives where not allowed)."""

    collection, kind, input_keys = COLLECTION, "vault", INPUT_KEYS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    to_inputs = staticmethod(vault_to_inputs)
    to_outputs = staticmethod(vault_to_outputs)

    def converge(self, client: QoderClient, obj: JSON, inputs: Mapping[str, Any]) -> JSON:
        found = vault_to_inputs(obj, inputs)
        differs = [k for k in REPLACE_ON_CHANGES if found.get(k) != inputs.get(k)]
        if differs:
            raise QoderError(
                f"adopt_id: vault {obj['id']} differs in {', '.join(differs)} and vaults cannot be "
                "updated; make the program match it, or drop adopt_id to create a new vault"
            )
        return obj

    def apply(
        self, client: QoderClient, id_: str, olds: Mapping[str, Any], old: JSON, new: JSON
    ) -> JSON | None:
        # Reached only when nothing but the provider itself changed (a package upgrade), or when
        # a user's ignore_changes/replace_on_changes override hid a real change from the plan.
        changed = sorted(k for k in REPLACE_ON_CHANGES if old.get(k) != new.get(k))
        if changed:
            raise QoderError(
                f"vault {id_}: {', '.join(changed)} cannot change in place (the Qoder API has no "
                "vault update); remove the option that prevents the replacement"
            )
        return None

    def remove(self, client: QoderClient, id_: str) -> None:
        try:
            objects.delete(client, COLLECTION, id_)
        except QoderAPIError as exc:
            if exc.status not in (403, 405):
                raise
            objects.archive(client, COLLECTION, id_)  # not allowed to delete: archive instead


# ------------------------------------------------------------------------------------------------
# The resource
# ------------------------------------------------------------------------------------------------


class Vault(pulumi.dynamic.Resource, module="qoder", name="Vault"):
    """A Qoder vault of MCP credentials. Changes replace it; destroying it deletes it."""

    display_name: pulumi.Output[str]
    credentials: pulumi.Output[list[dict[str, Any]] | None]
    metadata: pulumi.Output[dict[str, str] | None]
    adopt_id: pulumi.Output[str | None]
    status: pulumi.Output[str]
    credential_ids: pulumi.Output[list[str]]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    archived_at: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: VaultArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = objects.collect_props("Vault", args, kwargs, INPUT_KEYS, OUTPUT_KEYS)
        if props.get("credentials") is not None:
            # Tokens are write-only secrets: secret as an input (state holds ciphertext) ...
            props["credentials"] = pulumi.Output.secret(props["credentials"])
        opts = pulumi.ResourceOptions.merge(
            pulumi.ResourceOptions(
                # ... and as an output, whatever the engine's by-key re-marking does on refresh.
                additional_secret_outputs=SECRET_OUTPUTS,
                replace_on_changes=REPLACE_ON_CHANGES,
            ),
            opts,
        )
        super().__init__(VaultProvider(), resource_name, props, opts)
