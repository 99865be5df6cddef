"""The contract tables run against the native front end (``pulumi-resource-qoder``): every row
goes through the native provider's ``check`` with its values marshalled as on the gRPC wire, and
must (1) reach the verdict the row expects against the emulator, exactly as the dynamic front
end does (tests/contract/test_contract.py), and (2) give the same canonical inputs and the same
reasons as the dynamic front end's ``check`` on the same inputs. The tables are the contract
suite's own (imported, not copied)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import CheckRequest

from pulumi_qoder.agent import AgentProvider
from pulumi_qoder.core.failures import CheckFailure
from pulumi_qoder.deployment import DeploymentProvider
from pulumi_qoder.environment import EnvironmentProvider
from pulumi_qoder.native.provider import QoderProvider
from pulumi_qoder.native.values import from_engine, to_engine
from pulumi_qoder.resources.vault_credential.resource import VaultCredentialProvider
from pulumi_qoder.vault import VaultProvider

from .cases import TABLES
from .harness import Case, Kind, contract_api, row_inputs, run_case

NATIVE_TYPES = {
    "deployment": "Deployment",
    "agent": "Agent",
    "environment": "Environment",
    "vault": "Vault",
    "vault credential": "VaultCredential",
}
DYNAMIC: dict[str, type[ResourceProvider]] = {
    "deployment": DeploymentProvider,
    "agent": AgentProvider,
    "environment": EnvironmentProvider,
    "vault": VaultProvider,
    "vault credential": VaultCredentialProvider,
}
ROWS = [(kind, case, serial) for kind, cases in TABLES for serial, case in enumerate(cases)]
IDS = [f"{kind.name}: {case.rule}" for kind, case, _ in ROWS]


def _over_the_wire(values: Mapping[str, PropertyValue]) -> dict[str, PropertyValue]:
    """Values as the provider receives them: marshalled to protobuf and back."""
    return PropertyValue.unmarshal_map(PropertyValue.marshal_map(dict(values)))


def native_check(kind: Kind) -> Any:
    """``kind.check`` through the native front end (the path is the reason's prefix: the core
    writes every reason as ``<path>: <rule>``, and the front end sends the reason alone)."""
    provider = QoderProvider("0.0.0")
    urn = f"urn:pulumi:dev::contract::qoder:index:{NATIVE_TYPES[kind.name]}::row"

    def check(inputs: Mapping[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
        request = CheckRequest(urn, {}, _over_the_wire(to_engine(inputs)), b"")
        response = asyncio.run(provider.check(request))
        checked = from_engine(_over_the_wire(response.inputs or {}))
        return checked, [CheckFailure(f.reason.split(": ", 1)[0], f.reason) for f in response.failures or []]

    return check


@pytest.fixture(scope="module")
def contract() -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    with contract_api() as api_and_refs:
        yield api_and_refs


@pytest.mark.parametrize(("kind", "case", "serial"), ROWS, ids=IDS)
def test_row_through_the_native_front_end(
    kind: Kind, case: Case, serial: int, contract: tuple[httpx.Client, dict[str, str]]
) -> None:
    api, refs = contract
    native = dataclasses.replace(kind, check=native_check(kind))
    outcome = run_case(native, case, api, refs, serial)
    problem = outcome.problem()
    assert problem is None, f"{kind.name}: {case.rule} (native): {problem}"

    # The same answer as the dynamic front end, input for input and reason for reason.
    inputs = row_inputs(kind, case, refs, serial)
    checked, failures = native.check(inputs)
    dynamic = DYNAMIC[kind.name]().check({}, dict(inputs))
    assert checked == dynamic.inputs
    assert [f.reason for f in failures] == [f.reason for f in dynamic.failures or []]


def test_every_table_runs_against_the_native_front_end() -> None:
    assert {kind.name for kind, _ in TABLES} <= set(NATIVE_TYPES) == set(DYNAMIC)
    assert {"deployment", "agent", "environment", "vault"} <= {kind.name for kind, _ in TABLES}
