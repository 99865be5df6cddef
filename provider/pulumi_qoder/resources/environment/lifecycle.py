"""An environment on the shared lifecycle: no quirk; destroy archives (why: the package doc)."""

from __future__ import annotations

from ...core.lifecycle import Lifecycle
from .check import INPUT_KEYS, check_inputs
from .mapping import create_body, environment_to_inputs, environment_to_outputs, update_patch

__all__ = ["COLLECTION", "EnvironmentLifecycle"]

COLLECTION = "environments"


class EnvironmentLifecycle(Lifecycle):
    """Lifecycle of an environment; destroy archives it (why not DELETE: module docstring)."""

    collection, kind, input_keys = COLLECTION, "environment", INPUT_KEYS
    check_inputs = staticmethod(check_inputs)
    create_body = staticmethod(create_body)
    update_patch = staticmethod(update_patch)
    to_inputs = staticmethod(environment_to_inputs)
    to_outputs = staticmethod(environment_to_outputs)
