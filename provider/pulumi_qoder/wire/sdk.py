"""Loading ``qca-sdk`` for the wire client at about two thirds of its import cost.

Importing ``qca`` costs a provider process 0.8-1.0 s of CPU, more than all its API calls in a stack
of 50 deployments. Two parts of that are work the provider never uses:

* ``qca/__init__.py`` imports both clients; the provider uses ``qca.managed``, never ``qca.forward``.
  So the package module is created without running its ``__init__``; the first attribute asked of
  it (``from qca import X`` anywhere later in the process) runs it then (PEP 562), so other users
  of the SDK see the whole package.
* ``qca/managed/types/__init__.py`` calls ``model_rebuild()`` on each of its pydantic models, which
  builds every validator although they are declared ``defer_build``. The provider reads raw
  responses and never validates through them. During the import the rebuild only records the
  namespace it was given on the model (where pydantic's own deferred build looks), so a model
  used later still completes itself, identically (``tests/provider/test_sdk_loading.py``).

If ``qca`` is already imported, it is used as it is.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()


def load_qca_managed() -> None:
    """Import ``qca.managed`` and ``qca.common`` (idempotent, thread-safe)."""
    with _lock:
        if "qca.managed" in sys.modules:
            return
        if "qca" not in sys.modules:
            _install_package_without_init()
        with _deferred_model_builds():
            import qca.common
            import qca.managed  # noqa: F401


def _install_package_without_init() -> None:
    spec = importlib.util.find_spec("qca")
    if spec is None or spec.loader is None:  # not installed: let the import below say so
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    completing = threading.Lock()

    def complete(name: str) -> Any:
        # First attribute lookup: run the real __init__ now, in this module object (once).
        with completing:
            if package.__dict__.pop("__getattr__", None) is not None:
                loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = complete  # type: ignore[method-assign]
    sys.modules["qca"] = package


@contextmanager
def _deferred_model_builds() -> Iterator[None]:
    import pydantic

    original = pydantic.BaseModel.__dict__["model_rebuild"]

    def record_namespace(cls: type[pydantic.BaseModel], /, **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if (
            namespace is None
            or cls.__pydantic_complete__
            or cls.__pydantic_parent_namespace__  # a model declared in a function: build it now
            or not cls.__module__.startswith("qca.")
        ):
            result: bool | None = original.__func__(cls, **kwargs)
            return result
        # What model_rebuild(_types_namespace=...) would resolve names in, kept where the build
        # pydantic runs on the model's first use looks (one shared dict: the module's names).
        cls.__pydantic_parent_namespace__ = namespace
        return None

    pydantic.BaseModel.model_rebuild = classmethod(record_namespace)  # type: ignore[assignment,method-assign]
    try:
        yield
    finally:
        pydantic.BaseModel.model_rebuild = original  # type: ignore[method-assign]
