"""Old home of ``Vault``, kept as an alias: stacks' state holds ``__provider`` pickled by
reference to ``pulumi_qoder.vault.VaultProvider``. The code lives in ``pulumi_qoder.resources.vault``."""

from .resources.vault.args import McpCredentialArgs, VaultArgs, VaultArgsDict
from .resources.vault.check import check_inputs
from .resources.vault.mapping import create_body, vault_to_inputs, vault_to_outputs
from .resources.vault.resource import Vault, VaultProvider

__all__ = [
    "McpCredentialArgs",
    "Vault",
    "VaultArgs",
    "VaultArgsDict",
    "VaultProvider",
    "check_inputs",
    "create_body",
    "vault_to_inputs",
    "vault_to_outputs",
]
