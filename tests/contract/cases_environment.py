"""Environment rows (fact sheet section 14; SDK ``EnvironmentCreateParams``, ``CloudConfigParams``)."""

from __future__ import annotations

from typing import Any

from .harness import ACCEPTS, DROP, Case, Differs


def net(**networking: Any) -> dict[str, Any]:
    return {"config": {"type": "cloud", "networking": dict(networking)}}


def hosts(*names: Any) -> dict[str, Any]:
    return net(type="limited", allowed_hosts=list(names))


def packages(**managers: Any) -> dict[str, Any]:
    return {"config": {"type": "cloud", "packages": dict(managers)}}


CASES: list[Case] = [
    # --- valid bodies ----------------------------------------------------------------------------
    Case("minimal: a name (config defaults to cloud)"),
    Case("config type cloud", {"config": {"type": "cloud"}}),
    Case("unrestricted networking", net(type="unrestricted")),
    Case(
        "limited networking with hosts and flags",
        net(
            type="limited",
            allowed_hosts=["api.github.com", "*.pypi.org"],
            allow_package_managers=True,
            allow_mcp_servers=False,
        ),
    ),
    Case("limited networking without hosts", net(type="limited")),
    Case(
        "packages: every manager",
        packages(
            type="packages",
            apt=["curl"],
            cargo=["ripgrep"],
            gem=["rake"],
            go=["golang.org/x/tools"],
            npm=["tsx"],
            pip=["pandas"],
        ),
    ),
    Case("description and metadata", {"description": "Sandbox", "metadata": {"team": "ops"}}),
    # --- name, description -------------------------------------------------------------------------
    Case("name: required", {"name": DROP}, rejects="name"),
    Case("name: not empty", {"name": ""}, rejects="name"),
    Case("name: <= 256 characters", {"name": "n" * 257}, rejects="name"),
    Case("description: <= 1024 characters", {"description": "d" * 1025}, rejects="description"),
    # --- config ------------------------------------------------------------------------------------
    Case("config: an object", {"config": "cloud"}, rejects="config"),
    Case("config.type: cloud or self_hosted", {"config": {"type": "docker"}}, rejects="config.type"),
    Case(
        "config.type: self_hosted (SDK, emulator)",
        {"config": {"type": "self_hosted"}},
        differs=Differs(
            "config.type",
            ACCEPTS,
            "the provider has no self-hosted environments yet and its mapping sends cloud: it refuses rather than create a cloud one",
        ),
    ),
    Case("config.setup_script", {"config": {"type": "cloud", "setup_script": "make deps"}}),
    Case(
        "config.setup_script: <= 65536 characters",
        {"config": {"type": "cloud", "setup_script": "s" * 65537}},
        rejects="config.setup_script",
    ),
    Case(
        "config.setup_script: a string",
        {"config": {"type": "cloud", "setup_script": 7}},
        rejects="config.setup_script",
    ),
    Case("config: unknown field", {"config": {"type": "cloud", "gpu": True}}, rejects="config.gpu"),
    Case("scope: account", {"scope": "account"}),
    Case("scope: organization", {"scope": "organization"}),
    Case("scope: organization or account", {"scope": "team"}, rejects="scope"),
    # --- networking --------------------------------------------------------------------------------
    Case(
        "networking: an object",
        {"config": {"type": "cloud", "networking": "limited"}},
        rejects="config.networking",
    ),
    Case("networking.type: required", net(allowed_hosts=["a.test"]), rejects="config.networking.type"),
    Case("networking.type: unrestricted or limited", net(type="allowlist"), rejects="config.networking.type"),
    Case(
        "unrestricted networking: no other field",
        net(type="unrestricted", allowed_hosts=["a.test"]),
        rejects="config.networking.allowed_hosts",
    ),
    Case(
        "limited networking: unknown field",
        net(type="limited", ports=[443]),
        rejects="config.networking.ports",
    ),
    Case(
        "allowed_hosts: a list",
        net(type="limited", allowed_hosts="a.test"),
        rejects="config.networking.allowed_hosts",
    ),
    Case(
        "allowed_hosts: <= 256",
        hosts(*[f"h{i}.test" for i in range(257)]),
        rejects="config.networking.allowed_hosts",
    ),
    Case(
        "allowed_hosts[0]: <= 253 characters",
        hosts("a" * 250 + ".test"),
        rejects="config.networking.allowed_hosts[0]",
    ),
    Case("allowed_hosts[0]: a string", hosts(443), rejects="config.networking.allowed_hosts[0]"),
    Case(
        "allowed_hosts[0]: a host name, not a URL",
        hosts("https://api.github.com"),
        differs=Differs(
            "config.networking.allowed_hosts[0]",
            ACCEPTS,
            "deliberately stricter: the field is a list of hosts (fact sheet 14, Qoder docs); a URL names no host and would "
            "silently allow nothing, so preview stops it. The SDK types it as a plain string",
        ),
    ),
    Case(
        "allowed_hosts[0]: not empty",
        hosts(""),
        differs=Differs(
            "config.networking.allowed_hosts[0]",
            ACCEPTS,
            "deliberately stricter: an empty host allows nothing",
        ),
    ),
    Case(
        "allow_package_managers: a boolean",
        net(type="limited", allow_package_managers="yes"),
        rejects="config.networking.allow_package_managers",
    ),
    # --- packages ----------------------------------------------------------------------------------
    Case(
        "packages: an object", {"config": {"type": "cloud", "packages": ["curl"]}}, rejects="config.packages"
    ),
    Case("packages.apt: a list", packages(apt="curl"), rejects="config.packages.apt"),
    Case("packages.apt: <= 500", packages(apt=[f"p{i}" for i in range(501)]), rejects="config.packages.apt"),
    Case("packages.apt[0]: <= 256 characters", packages(apt=["p" * 257]), rejects="config.packages.apt[0]"),
    Case(
        "packages.apt[0]: not empty",
        packages(apt=[""]),
        differs=Differs(
            "config.packages.apt[0]",
            ACCEPTS,
            "deliberately stricter: an empty package name cannot be installed",
        ),
    ),
    Case("packages: unknown manager", packages(brew=["jq"]), rejects="config.packages.brew"),
    Case("packages.type: packages", packages(type="pkgs", apt=["curl"]), rejects="config.packages.type"),
    # --- metadata, provider-only inputs ------------------------------------------------------------
    Case("metadata: key <= 64", {"metadata": {"k" * 65: "v"}}, rejects="metadata." + "k" * 65),
    Case("metadata: value a string", {"metadata": {"k": 1}}, rejects="metadata.k"),
    Case("unknown property", {"region": "eu"}, rejects="region"),
    Case(
        "adopt_id: an environment id",
        {"adopt_id": "vault_1"},
        differs=Differs(
            "adopt_id", ACCEPTS, "a provider input (which object to take over), not a body field"
        ),
    ),
]
