"""The `pulumi-qoder` console command: its code is in the top-level ``pulumi_qoder_cli`` module,
which starts without importing this package (and so the Pulumi SDK). Kept for ``python -m
pulumi_qoder.cli`` and for imports of ``main`` and the exit codes from here."""

import sys

from pulumi_qoder_cli import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_PREVIEW_FAILED,
    EXIT_RUN_FAILED,
    EXIT_WARNINGS,
    main,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PREVIEW_FAILED",
    "EXIT_RUN_FAILED",
    "EXIT_WARNINGS",
    "main",
]

if __name__ == "__main__":
    sys.exit(main())
