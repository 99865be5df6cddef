"""``pulumi-resource-qoder``: the plugin the engine starts (``python -m pulumi_qoder.native``)."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

__all__ = ["main", "plugin_version"]


def plugin_version() -> str:
    try:
        return version("pulumi-qoder")
    except PackageNotFoundError:  # running from a source tree without metadata
        return "0.0.0"


def main() -> None:
    # Imported here: `--version` and a missing dependency report quickly and clearly.
    from pulumi.provider.experimental.server import main as serve

    from .provider import QoderProvider

    if sys.argv[1:] == ["--version"]:
        print(plugin_version())
        return
    serve(sys.argv[1:], plugin_version(), QoderProvider(plugin_version()))


if __name__ == "__main__":
    main()
