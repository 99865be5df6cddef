"""The API the emulator answers as: a small table of differences, one ``Flavor`` per service.

``qoder`` is the Qoder Cloud Agents API; ``cma`` is Anthropic's Claude Managed Agents (beta
``managed-agents-2026-04-01``), which shares its objects and lifecycle. Each field is one row of the
difference table in ``docs/cma.md`` and is read where the behaviour differs (backends, the
middleware, ``flavor_layer``); nothing else forks. Evidence per row: ``docs/cma.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .prefixes import API_PREFIXES

CMA_BETA = "managed-agents-2026-04-01"


@dataclass(frozen=True)
class Flavor:
    name: str
    api_prefixes: tuple[str, ...]
    # Where an SDK's base URL points, relative to the server root (the SDK adds the rest).
    sdk_base_path: str
    id_prefixes: Mapping[str, str]  # object kind -> id prefix (decision #19)
    # A header carrying the API key, accepted besides ``Authorization: Bearer``.
    api_key_header: str | None = None
    # header -> a token that must be among its comma-separated values ("" = the header must be present).
    required_headers: Mapping[str, str] = field(default_factory=dict)
    request_id_in_errors: bool = False  # ``request_id`` in error bodies (the header is always sent)
    error_param: bool = True  # Qoder's ``error.param``; CMA's envelope has none
    cursor_envelope: bool = True  # list: ``first_id``/``last_id``/``has_more`` besides ``data``/``next_page``
    honours_idempotency_key: bool = True
    manual_run_while_paused: bool = False
    manual_run_sets_last_run_at: bool = True
    archive_renames: bool = True  # a deployment's name gets ``_archived_<unix>`` on archive
    scoped_runs: bool = True  # ``/deployments/{id}/runs[/{run_id}]``
    vault_update: bool = False  # ``POST /vaults/{id}``
    budget_field: str = "max_credit_cost"  # the one ``budget`` limit field the flavor takes
    metadata_cas_config: bool = True  # deployment ``metadata.cas_config`` object
    # Request fields only this flavor's service knows: "<kind>.<field path>".
    qoder_only_fields: tuple[str, ...] = ()
    # Response shaping for SDKs that validate strictly: agent ``model`` always an object, etc.
    strict_shapes: bool = False


QODER = Flavor(
    name="qoder",
    api_prefixes=API_PREFIXES,
    sdk_base_path="/api/v1/cloud",
    id_prefixes={
        "deployment": "dep",
        "run": "drun",
        "agent": "agent",
        "environment": "env",
        "vault": "vault",
        "credential": "vcred",
        "session": "sess",
        "turn": "turn",
    },
)

CMA = Flavor(
    name="cma",
    api_prefixes=("/v1",),
    sdk_base_path="",
    id_prefixes={
        "deployment": "depl",
        "run": "drun",
        "agent": "agent",
        "environment": "env",
        "vault": "vlt",
        "credential": "vcrd",
        "session": "sesn",
        "turn": "turn",
    },
    api_key_header="x-api-key",
    required_headers={"anthropic-version": "", "anthropic-beta": CMA_BETA},
    request_id_in_errors=True,
    error_param=False,
    cursor_envelope=False,
    honours_idempotency_key=False,
    manual_run_while_paused=True,
    manual_run_sets_last_run_at=False,
    archive_renames=False,
    scoped_runs=False,
    vault_update=True,
    budget_field="max_list_cost",
    metadata_cas_config=False,
    qoder_only_fields=(
        "deployment.environment_variables",
        "deployment.metadata.cas_config",
        "environment.config.setup_script",
        "agent.model.context_window",
        "vault.credentials",
    ),
    strict_shapes=True,
)

FLAVORS: Mapping[str, Flavor] = {f.name: f for f in (QODER, CMA)}


def flavor_named(name: str) -> Flavor:
    try:
        return FLAVORS[name]
    except KeyError:
        raise ValueError(f"unknown flavor {name!r}: choose one of {', '.join(FLAVORS)}") from None
