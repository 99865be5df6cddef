"""Several accounts in one stack: named profiles in stack config, chosen per resource by name.

``qoder:profiles`` is a map from a profile name to ``{token, baseUrl, flavor, workspaceId}``,
set with ``pulumi config set --secret --path 'qoder:profiles.team-b.token' <PAT>`` (the engine
hands it to the provider as a JSON string, secret as a whole). A resource says ``profile="team-b"``;
only that name is in its inputs, outputs and state. The token is looked up by name in the config
each time a provider method runs, so a rotated token is used as soon as the config the engine
passes has it.

A profile stands alone for what identifies an account: its ``token`` is required (never the
environment's ``QODER_PAT``, which is another account), and ``workspaceId`` is the profile's or
none. ``baseUrl`` falls back to the stack's ``qoder:baseUrl``/``QODER_BASE_URL``, and ``flavor``
to the one the profile's base URL implies (or the stack's, when the URL is the stack's too).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from .config import CONFIG_BASE_URL, CONFIG_TOKEN, CONFIG_WORKSPACE_ID, Credentials, resolve_credentials
from .errors import ConfigurationError
from .flavor import CONFIG_FLAVOR, resolve_flavor

__all__ = [
    "CONFIG_PROFILES",
    "PROFILE_FIELDS",
    "PROFILE_KEY",
    "credentials_for",
    "flavor_for",
    "profile_problem",
    "profiles",
    "same_account",
]

CONFIG_PROFILES = "qoder:profiles"
# The resource input naming the profile (a name only: never a token).
PROFILE_KEY = "profile"
# A profile's fields, spelled like the top-level keys they stand in for.
PROFILE_FIELDS = {
    "token": CONFIG_TOKEN,
    "baseUrl": CONFIG_BASE_URL,
    "flavor": CONFIG_FLAVOR,
    "workspaceId": CONFIG_WORKSPACE_ID,
}
_HOW_TO_SET = "pulumi config set --secret --path 'qoder:profiles.{name}.token' <token>"


def _unwrap(value: Any) -> Any:
    # The engine may hand config values over as secret-wrapped dicts; only the value matters here.
    if isinstance(value, dict) and "value" in value and len(value) == 2:
        return value["value"]
    return value


def profiles(config: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """The profiles in ``config`` (empty when ``qoder:profiles`` is not set).

    Raises :class:`ConfigurationError` naming the profile and field for a malformed map; the
    message never quotes a value (it may be a token)."""
    raw = _unwrap((config or {}).get(CONFIG_PROFILES))
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ConfigurationError(
                f"stack config {CONFIG_PROFILES} must be a map of profile names to "
                f"{{token, baseUrl, flavor, workspaceId}} (set it with `{_HOW_TO_SET}`)"
            ) from None
    if not isinstance(raw, Mapping):
        raise ConfigurationError(
            f"stack config {CONFIG_PROFILES} must be a map of profile names, got {type(raw).__name__}"
        )
    found: dict[str, dict[str, str]] = {}
    for name, profile in raw.items():
        where = f"stack config {CONFIG_PROFILES}.{name}"
        if not isinstance(profile, Mapping):
            raise ConfigurationError(
                f"{where} must be a map with a token (set it with `{_HOW_TO_SET.format(name=name)}`)"
            )
        unknown = sorted(set(profile) - set(PROFILE_FIELDS))
        if unknown:
            raise ConfigurationError(
                f"{where} has unknown field(s) {', '.join(unknown)}; expected {', '.join(PROFILE_FIELDS)}"
            )
        for key, value in profile.items():
            if not isinstance(value, str):
                raise ConfigurationError(f"{where}.{key} must be a string, got {type(value).__name__}")
        if not str(profile.get("token") or "").strip():
            raise ConfigurationError(f"{where} has no token: set it with `{_HOW_TO_SET.format(name=name)}`")
        found[str(name)] = {k: v.strip() for k, v in profile.items() if v.strip()}
    return found


def profile_problem(config: Mapping[str, Any] | None, name: Any) -> str | None:
    """Why ``name`` cannot be used as the ``profile`` input (a check failure), or None."""
    if not isinstance(name, str) or not name:
        return f"{PROFILE_KEY}: must be the name of a profile in stack config {CONFIG_PROFILES}, got {type(name).__name__}"
    try:
        known = profiles(config)
    except ConfigurationError as exc:
        return f"{PROFILE_KEY}: {exc}"
    if name in known:
        return None
    if not known:
        return (
            f'{PROFILE_KEY}: "{name}" is not a profile: stack config {CONFIG_PROFILES} is not set '
            f"(set it with `{_HOW_TO_SET.format(name=name)}`)"
        )
    return (
        f'{PROFILE_KEY}: "{name}" is not a profile in stack config {CONFIG_PROFILES} '
        f"(known: {', '.join(sorted(known))})"
    )


def _profile_config(config: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    """The top-level config the profile stands for: its own fields over the stack's URL/flavor."""
    config = config or {}
    known = profiles(config)
    if name not in known:
        raise ConfigurationError(
            profile_problem(config, name) or f"profile {name!r} is not in stack config {CONFIG_PROFILES}"
        )
    profile = known[name]
    effective: dict[str, Any] = {}
    if "baseUrl" not in profile:  # the stack's endpoint, so the stack's flavor too
        effective = {k: config[k] for k in (CONFIG_BASE_URL, CONFIG_FLAVOR) if config.get(k) is not None}
    effective.update({PROFILE_FIELDS[k]: v for k, v in profile.items()})
    return effective


def flavor_for(config: Mapping[str, Any] | None, name: str | None) -> str:
    """The flavor (``qoder`` or ``cma``) of the profile ``name``, or of the stack's own credentials."""
    return resolve_flavor(config if name is None else _profile_config(config, name))[0]


def credentials_for(config: Mapping[str, Any] | None, name: str | None) -> Credentials:
    """The credentials of profile ``name`` in the current ``config``; the stack's own
    (``qoder:token`` or the environment) when ``name`` is None."""
    if name is None:
        return resolve_credentials(config)
    credentials = resolve_credentials(_profile_config(config, name))
    where = f"stack config {CONFIG_PROFILES}.{name}"
    return dataclasses.replace(
        credentials,
        # Never the environment's workspace: it belongs to the stack's own account.
        workspace_id=profiles(config)[name].get("workspaceId"),
        # The hint of a 401 quotes it: name the usual cause after a rotation.
        token_source=f"{where}.token (as recorded at the last `up`, for refresh and destroy "
        "without --run-program)",
        base_url_source=f"{where}.baseUrl"
        if "baseUrl" in profiles(config)[name]
        else credentials.base_url_source,
    )


def same_account(config: Mapping[str, Any] | None, old: str | None, new: str | None) -> bool:
    """Whether profiles ``old`` and ``new`` (None: the stack's own credentials) reach the same
    account: the same URL, token and workspace. False when either cannot be resolved."""
    try:
        a, b = credentials_for(config, old), credentials_for(config, new)
    except ConfigurationError:
        return False
    return (a.base_url, a.token_fingerprint, a.workspace_id) == (
        b.base_url,
        b.token_fingerprint,
        b.workspace_id,
    )
