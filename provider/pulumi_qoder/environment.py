"""Old home of ``Environment``, kept as an alias: stacks' state holds ``__provider`` pickled by
reference to ``pulumi_qoder.environment.EnvironmentProvider``. The code lives in
``pulumi_qoder.resources.environment``."""

from .resources.environment.args import (
    EnvironmentArgs,
    EnvironmentArgsDict,
    EnvironmentConfigArgs,
    LimitedNetworkingArgs,
    PackagesArgs,
    UnrestrictedNetworkingArgs,
)
from .resources.environment.check import check_inputs
from .resources.environment.mapping import (
    create_body,
    environment_to_inputs,
    environment_to_outputs,
    update_patch,
)
from .resources.environment.resource import Environment, EnvironmentProvider

__all__ = [
    "Environment",
    "EnvironmentArgs",
    "EnvironmentArgsDict",
    "EnvironmentConfigArgs",
    "EnvironmentProvider",
    "LimitedNetworkingArgs",
    "PackagesArgs",
    "UnrestrictedNetworkingArgs",
    "check_inputs",
    "create_body",
    "environment_to_inputs",
    "environment_to_outputs",
    "update_patch",
]
