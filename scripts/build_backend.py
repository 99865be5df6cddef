"""PEP 517 build backend: setuptools, with an editable install that type checkers can see.

The packages live in three roots (``provider/pulumi_qoder``, ``emulator/qoder_emulator``,
``cron/qoder_cron``). For such a layout setuptools makes editable installs with an import hook (a
meta path finder), which mypy and pyright cannot follow, and prints a banner about the hook. Here
the editable wheel carries a plain ``.pth`` naming the three roots instead: imports, modules added
later and type checkers all see the checkout. Wheels and sdists are setuptools' own.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import warnings
import zipfile
from pathlib import Path

from setuptools import build_meta as _setuptools  # type: ignore[import-untyped]
from setuptools.build_meta import (  # type: ignore[import-untyped]  # the other hooks, unchanged
    build_sdist,
    build_wheel,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)
from setuptools.warnings import InformationOnly  # type: ignore[import-untyped]

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]


def build_editable(
    wheel_directory: str,
    config_settings: dict[str, str | list[str]] | None = None,
    metadata_directory: str | None = None,
) -> str:
    with warnings.catch_warnings():
        # The banner describes the import hook, which the wheel no longer carries.
        warnings.simplefilter("ignore", InformationOnly)
        name: str = _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
    static_pth(Path(wheel_directory) / name)
    return name


def static_pth(wheel: Path) -> None:
    """Replace setuptools' finder (module + .pth) by a .pth of source roots, when that is exact.

    Exact means every package directory is named as its package, so that adding its parent to
    ``sys.path`` imports the same files the finder would.
    """
    with zipfile.ZipFile(wheel) as zf:
        files = {info.filename: zf.read(info) for info in zf.infolist()}
    finders = [n for n in files if n.startswith("__editable___") and n.endswith("_finder.py")]
    if len(finders) != 1:
        return  # setuptools already chose a static path (or something new): leave it
    mapping = _finder_mapping(files[finders[0]].decode())
    if not mapping or any(Path(path).name != package for package, path in mapping.items()):
        return
    roots = sorted({str(Path(path).parent) for path in mapping.values()})
    hook_pth = next(n for n in files if n.startswith("__editable__.") and n.endswith(".pth"))
    del files[finders[0]]
    files[hook_pth] = ("\n".join(roots) + "\n").encode()
    record = next(n for n in files if n.endswith(".dist-info/RECORD"))
    files[record] = _record(files, record).encode()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for filename, data in files.items():
            zf.writestr(filename, data)


def _finder_mapping(source: str) -> dict[str, str]:
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(getattr(t, "id", "") == "MAPPING" for t in targets) and getattr(node, "value", None):
            value = ast.literal_eval(node.value)  # type: ignore[attr-defined]
            if isinstance(value, dict):
                return {str(k): str(v) for k, v in value.items()}
    return {}


def _record(files: dict[str, bytes], record: str) -> str:
    lines = []
    for filename, data in files.items():
        if filename == record:
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{filename},sha256={digest},{len(data)}")
    lines.append(f"{record},,")
    return "\n".join(lines) + "\n"
