"""Loading the official SDKs for the wire clients: only the modules each client imports.

**qca-sdk** (the Qoder client, :func:`load_qca_managed`). ``import qca`` costs a provider process
0.5-0.8 s of CPU (637 modules), most of it code the provider never runs, from the package
``__init__`` files: ``qca/__init__.py`` imports both clients (the provider uses ``qca.managed``,
never ``qca.forward``); ``qca/managed/types/__init__.py`` imports all 336 model modules and builds
every model's validator (``model_rebuild``), while ``qca.managed._client`` and its resources
import the 78 they name by full path, and the provider, which reads raw responses, builds none.

So ``qca``, ``qca.managed`` and ``qca.managed.types`` are created without running their
``__init__`` (:class:`_IncompletePackage`), and ``qca.managed._client`` is imported through them:
129 modules, 0.15-0.23 s of CPU (median 0.20 s, a third of it importing pydantic), where skipping
only ``qca/__init__.py`` and the model builds took 387 modules, 0.24-0.37 s (median 0.30 s).

**anthropic** (the CMA client, :func:`load_anthropic_client`). ``import anthropic`` imports all
2,888 of its modules: ``anthropic/__init__.py`` imports every type, the cloud clients and the
tool runner, and ``client.beta`` (``Beta``) all 15 beta resources. Here ``anthropic`` is created
without its ``__init__``; the packages of ``anthropic.types``, ``anthropic.resources`` and
``anthropic.lib.tools`` whose ``__init__`` only imports names are created the same way when first
imported, and serve each such name by importing only the module it comes from
(:class:`_PartialPackages`); :class:`BetaResources` is ``client.beta`` importing only the
resources used. Importing ``wire.cma`` and resolving its 6 collections (after ``pulumi``,
``pulumi_qoder``, ``httpx``) then takes 0.51-0.93 s of CPU (median 0.56 s, 16 interleaved pairs)
and 1,229 modules, most of them what ``_base_client`` imports by module path (message types for
its tracing), where ``import anthropic`` took 1.01-1.79 s (median 1.16 s), all 2,888 modules;
the import alone 0.39 s, was 1.11 s (medians). anthropic's models need no build guard: each
model module imports the names its annotations use (no postponed annotations), so a model builds
in its own module's namespace whatever is incomplete.

Either SDK stays whole for any later user in the process:

* any attribute of such a package but its import metadata and the names served (``from qca import
  Forward``, ``qca.managed.types.Deployment``, ``vars()``, ``dir()``) first runs its real
  ``__init__`` in that module object, once, under a lock, after those of its incomplete
  subpackages (as a normal import would have run them); the SDK's models are then built as by a
  normal import, and anthropic's package ``__init__`` renames its exports' ``__module__`` and
  reads ``ANTHROPIC_LOG`` as usual (the log setup also runs at the fast load);
* a submodule's name (``from qca.managed.types import deployment``, and the import system's own
  lookups) imports just that submodule;
* a ``qca.managed.types`` model reached by its module path and used first (the SDK's response
  parsing calls ``model_rebuild``) completes ``qca.managed.types`` before it builds: its
  annotations name models that only the package's namespace holds.

An SDK already imported is used as it is. Tests: ``tests/provider/test_sdk_loading.py``,
``tests/provider/test_sdk_loading_cma.py``.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Callable, Sequence
from importlib.abc import Loader
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

_PACKAGES = ("qca", "qca.managed", "qca.managed.types")
_TYPES = "qca.managed.types"
_ANTHROPIC_TREES = ("anthropic.types", "anthropic.resources", "anthropic.lib.tools")

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
        if "qca" not in sys.modules and _install_packages_without_init(_PACKAGES):
            _guard_model_builds()
        import qca.common
        import qca.managed._client  # noqa: F401


def load_anthropic_client() -> None:
    """Import ``anthropic._client`` and ``anthropic._exceptions`` (idempotent, thread-safe)."""
    with _lock:
        if "anthropic._client" in sys.modules:
            return
        fast = "anthropic" not in sys.modules and _install_packages_without_init(("anthropic",))
        if fast:
            finder = _PartialPackages("anthropic", _ANTHROPIC_TREES)
            sys.meta_path.insert(0, finder)
            _pending["anthropic"].after = lambda: _remove(finder)
        import anthropic._client
        import anthropic._exceptions  # noqa: F401

        if fast:  # the one thing anthropic/__init__.py does besides naming: ANTHROPIC_LOG
            from anthropic._utils._logs import setup_logging

            setup_logging()


class BetaResources:
    """``client.beta`` of an ``anthropic.Anthropic`` client, importing each resource when first
    asked: the SDK's ``Beta`` imports all 15 of them and their types, about 1,000 modules and
    0.45 s of CPU, where the CMA client uses 5. ``beta.agents`` is ``Agents(client)``, as in
    ``Beta``; ``beta.with_raw_response.agents`` is ``Agents(client).with_raw_response``."""

    def __init__(self, client: Any, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    @functools.cached_property
    def with_raw_response(self) -> BetaResources:
        return BetaResources(self._client, raw=True)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        resources = importlib.import_module("anthropic.resources.beta")
        resource_class = getattr(resources, name.title().replace("_", ""))  # DeploymentRuns
        resource = resource_class(self._client)
        value = resource.with_raw_response if self._raw else resource
        setattr(self, name, value)  # kept, as by Beta's cached properties
        return value


def _remove(finder: importlib.abc.MetaPathFinder) -> None:
    with contextlib.suppress(ValueError):
        sys.meta_path.remove(finder)


class _PartialPackages(importlib.abc.MetaPathFinder):
    """While the package ``root`` is incomplete, the packages in ``trees`` whose ``__init__`` only
    imports names are created incomplete too, serving those names from the modules that define
    them. Only trees whose ``__init__`` a normal ``import anthropic`` runs, so that they cannot
    fail in a working install: elsewhere an ``__init__``'s ImportError can be a signal the SDK
    reads (``anthropic._vendor.httpx_aiohttp`` without ``aiohttp``), which must not go missing."""

    def __init__(self, root: str, trees: tuple[str, ...]) -> None:
        self.root = root
        self.trees = trees
        self.prefixes = tuple(f"{tree}." for tree in trees)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.trees and not fullname.startswith(self.prefixes):
            return None
        root = _pending.get(self.root)
        if root is None or root.running:  # the whole SDK is asked for: its packages are made whole
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if (
            spec is None
            or spec.loader is None
            or spec.origin is None
            or spec.submodule_search_locations is None
        ):
            return spec
        exports = _read_exports(spec.origin, fullname)
        if exports is not None:
            spec.loader = _PartialLoader(spec.loader, exports)
        return spec


class _PartialLoader(importlib.abc.Loader):
    """Creates the package as its real loader would, and leaves its ``__init__`` for later."""

    def __init__(self, loader: Loader, exports: dict[str, tuple[str, str | None]]) -> None:
        self.loader = loader
        self.exports = exports

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__loader__ = self.loader  # the package as a normal import leaves it
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        _pending[module.__name__] = _Pending(module, self.loader, self.exports)
        module.__class__ = _IncompletePackage


class _Pending:
    """A package whose ``__init__`` has not run yet."""

    def __init__(
        self, module: ModuleType, loader: Loader, exports: dict[str, tuple[str, str | None]] | None = None
    ) -> None:
        self.module = module
        self.loader = loader
        self.lock = threading.RLock()
        self.running = False  # its __init__ is running, in the thread that holds the lock
        self.after: Callable[[], None] | None = None
        # The names its __init__ imports, served without running it (None: every name but a
        # submodule's completes the package).
        self.exports = exports


_pending: dict[str, _Pending] = {}


class _IncompletePackage(ModuleType):
    """A package created without running its ``__init__``; see the module docstring."""

    def __getattribute__(self, name: str) -> Any:
        if name in _METADATA:
            return ModuleType.__getattribute__(self, name)
        package: str = ModuleType.__getattribute__(self, "__name__")
        exported = _exported(package, name)
        if exported is not None:
            return exported
        submodule = f"{package}.{name}"
        if (
            name.isidentifier()
            and not name.startswith("__")
            and (submodule in sys.modules or importlib.util.find_spec(submodule) is not None)
        ):
            return importlib.import_module(submodule)
        _complete(package)
        return ModuleType.__getattribute__(self, name)


def _install_packages_without_init(packages: tuple[str, ...]) -> bool:
    for name in packages:
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


def _exported(package: str, name: str) -> Any | None:
    """What the ``__init__`` of the incomplete ``package`` binds to ``name``, found by importing
    only the module it comes from; None if that is not known without running the ``__init__``."""
    pending = _pending.get(package)
    if pending is None:
        return None
    target = pending.exports.get(name) if pending.exports is not None else None
    if target is None:
        return None
    module_name, attribute = target
    module = importlib.import_module(module_name)
    if attribute is None:
        return module
    try:
        return getattr(module, attribute)
    except AttributeError:  # `from .pkg import submodule`, not imported yet
        return importlib.import_module(f"{module_name}.{attribute}")


def _read_exports(origin: str, package: str) -> dict[str, tuple[str, str | None]] | None:
    """``name -> (module, attribute)`` bound by ``package``'s ``__init__`` (the file ``origin``),
    if all it does is ``from <module> import <name> [as <alias>]`` (besides a docstring and
    ``__all__``), else None."""
    try:
        tree = ast.parse(Path(origin).read_bytes(), origin)
    except (OSError, SyntaxError, ValueError):
        return None
    exports: dict[str, tuple[str, str | None]] = {}
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["__all__"]:
            continue  # read as an attribute, it completes the package
        if not isinstance(node, ast.ImportFrom):  # (`from __future__ import x` binds x too)
            return None
        source = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
        for alias in node.names:
            if alias.name == "*":
                return None
            bound = alias.asname or alias.name
            own = node.module is None and source == package  # `from . import x`: a submodule
            exports[bound] = (f"{source}.{alias.name}", None) if own else (source, alias.name)
    return exports


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
