"""Warnings from the provider to the person running ``preview`` or ``up``.

The engine starts a dynamic provider as ``python -m pulumi.dynamic [flags] <engine address>``
(every resource plugin gets the engine's gRPC address as its last argument), but the SDK's provider
server never connects to it, so ``pulumi.log`` in the provider can only print to stderr, which
the engine shows as plain text. This module sends the engine's own ``Log`` call instead: a real
``warning:`` line in the output, counted in the summary. Outside an engine it prints to stderr.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["warn"]


def _engine_address() -> str | None:
    argv = sys.argv
    entry = Path(argv[0])
    # The dynamic provider host, or the native plugin (its script, or ``-m pulumi_qoder.native``).
    if len(argv) > 1 and (
        entry.parts[-2:] in (("dynamic", "__main__.py"), ("native", "__main__.py"))
        or entry.name == "pulumi-resource-qoder"
    ):
        # Last: logging and tracing flags (--logtostderr, -v=9, --tracing URL) come before it.
        return argv[-1]
    return None


@cache
def _engine() -> Any:
    address = _engine_address()
    if address is None:
        return None
    import grpc
    from pulumi.runtime.proto import engine_pb2_grpc

    return engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))


def warn(message: str) -> None:
    """Show ``message`` as a warning of the running preview/up (stderr outside an engine)."""
    engine = _engine()
    if engine is not None:
        import grpc
        from pulumi.runtime.proto import engine_pb2

        try:
            engine.Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message, urn=""))
            return
        except grpc.RpcError:
            pass  # the engine went away: stderr is all that is left
    print(f"warning: {message}", file=sys.stderr)
