"""Loading ``qca-sdk`` for the wire client: only the modules the ``Managed`` client imports.

``import qca`` costs a provider process 0.5-0.8 s of CPU (637 modules), most of it code the
provider never runs, from the package ``__init__`` files: ``qca/__init__.py`` imports both clients (the provider uses
``qca.managed``, never ``qca.forward``); ``qca/managed/types/__init__.py`` imports all 336 model
modules and builds every model's validator (``model_rebuild``), while ``qca.managed._client`` and
its resources import the 78 they name by full path, and the provider, which reads raw
responses, builds none.

So ``qca``, ``qca.managed`` and ``qca.managed.types`` are created without running their
``__init__`` (:class:`_IncompletePackage`), and ``qca.managed._client`` is imported through them:
129 modules, 0.15-0.23 s of CPU (median 0.20 s, a third of it importing pydantic), where skipping
only ``qca/__init__.py`` and the model builds took 387 modules, 0.24-0.37 s (median 0.30 s).
The SDK stays whole for any later user in the process:

* any attribute of such a package but its import metadata (``from qca import Forward``,
  ``qca.managed.types.Deployment``, ``vars()``, ``dir()``) first runs its real ``__init__`` in
  that module object, once, under a lock, after those of its incomplete subpackages (as a normal
  import would have run them); the SDK's models are then built as by ``import qca``;
* a submodule's name (``from qca.managed.types import deployment``, and the import system's own
  lookups) imports just that submodule;
* a ``qca.managed.types`` model reached by its module path and used first (the SDK's response
  parsing calls ``model_rebuild``) completes ``qca.managed.types`` before it builds: its
  annotations name models that only the package's namespace holds.

If ``qca`` is already imported, it is used as it is. Tests: ``tests/provider/test_sdk_loading.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from collections.abc import Callable
from importlib.abc import Loader
from types import ModuleType
from typing import Any

_PACKAGES = ("qca", "qca.managed", "qca.managed.types")
_TYPES = "qca.managed.types"

# What module_from_spec sets, which the import system reads while importing a submodule (and
# isinstance reads through __class__): the same before and after the __init__, so not a use.
_METADATA = frozenset(
    {"__name__", "__loader__", "__package__", "__spec__", "__path__", "__file__", "__cached__", "__class__"}
)

_lock = threading.Lock()


def load_qca_managed() -> None:
    """Import ``qca.common`` and ``qca.managed._client`` (idempotent, thread-safe)."""
    with _lock:
        if "qca.managed._client" in sys.modules:
            return
        if "qca" not in sys.modules and _install_packages_without_init():
            _guard_model_builds()
        import qca.common
        import qca.managed._client  # noqa: F401


class _Pending:
    """A package whose ``__init__`` has not run yet."""

    def __init__(self, module: ModuleType, loader: Loader) -> None:
        self.module = module
        self.loader = loader
        self.lock = threading.RLock()
        self.running = False  # its __init__ is running, in the thread that holds the lock
        self.after: Callable[[], None] | None = None


_pending: dict[str, _Pending] = {}


class _IncompletePackage(ModuleType):
    """A package created without running its ``__init__``; see the module docstring."""

    def __getattribute__(self, name: str) -> Any:
        if name in _METADATA:
            return ModuleType.__getattribute__(self, name)
        package: str = ModuleType.__getattribute__(self, "__name__")
        submodule = f"{package}.{name}"
        if (
            name.isidentifier()
            and not name.startswith("__")
            and (submodule in sys.modules or importlib.util.find_spec(submodule) is not None)
        ):
            return importlib.import_module(submodule)
        _complete(package)
        return ModuleType.__getattribute__(self, name)


def _install_packages_without_init() -> bool:
    for name in _PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:  # not installed: let the imports that follow say so
            return False
        module = importlib.util.module_from_spec(spec)
        _pending[name] = _Pending(module, spec.loader)
        module.__class__ = _IncompletePackage
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)  # what the import system does
    return True


def _complete(name: str) -> None:
    """Run the ``__init__`` of the incomplete package ``name`` (no-op once done)."""
    pending = _pending.get(name)
    if pending is None:
        return
    with pending.lock:
        # Done while this thread waited, or asked by its own __init__ (a circular import: the
        # module is seen as it is so far, as in a normal import).
        if _pending.get(name) is not pending or pending.running:
            return
        pending.running = True
        try:
            for sub in sorted(_pending):  # a normal import runs the subpackages' __init__ too
                if sub.startswith(f"{name}."):
                    _complete(sub)
            pending.loader.exec_module(pending.module)
        finally:
            pending.running = False
        pending.module.__class__ = ModuleType
        del _pending[name]
        if pending.after is not None:
            pending.after()


def _guard_model_builds() -> None:
    # Every build of an SDK model goes through model_rebuild (the SDK's parsing calls it, and so
    # does pydantic's deferred build on first use); the models of qca.managed.types resolve their
    # annotations in that package's namespace, so it must be complete first.
    import qca.common._models

    base = qca.common._models.BaseModel
    own = base.__dict__.get("model_rebuild")  # None in qca-sdk 0.11: pydantic's
    original = next(
        k.__dict__["model_rebuild"] for k in base.__mro__ if "model_rebuild" in k.__dict__
    ).__func__

    def model_rebuild(cls: type[Any], /, *, _parent_namespace_depth: int = 2, **kwargs: Any) -> bool | None:
        if cls.__module__.startswith(f"{_TYPES}."):
            _complete(_TYPES)
        if _parent_namespace_depth > 0:
            _parent_namespace_depth += 1  # pydantic counts frames up to its caller: this one is extra
        result: bool | None = original(cls, _parent_namespace_depth=_parent_namespace_depth, **kwargs)
        return result

    def unguard() -> None:
        if base.__dict__.get("model_rebuild") is not guard:
            return
        if own is None:
            delattr(base, "model_rebuild")
        else:
            base.model_rebuild = own  # type: ignore[method-assign]

    guard = classmethod(model_rebuild)
    base.model_rebuild = guard  # type: ignore[assignment,method-assign]
    _pending[_TYPES].after = unguard
