"""Every resource's table, in the order the report prints them."""

from __future__ import annotations

from . import cases_agent, cases_deployment, cases_environment, cases_vault, cases_vault_credential
from .harness import Case, Kind
from .kinds import AGENT_KIND, DEPLOYMENT, ENVIRONMENT_KIND, VAULT_CREDENTIAL_KIND, VAULT_KIND

TABLES: list[tuple[Kind, list[Case]]] = [
    (DEPLOYMENT, cases_deployment.CASES),
    (AGENT_KIND, cases_agent.CASES),
    (ENVIRONMENT_KIND, cases_environment.CASES),
    (VAULT_KIND, cases_vault.CASES),
    (VAULT_CREDENTIAL_KIND, cases_vault_credential.CASES),
]
