"""A Python language host for `pulumi up` in a project directory.

The engine runs `runtime: python` programs through the Go plugin `pulumi-language-python`. It is
its own Go module that Pulumi never tags, and the module proxy these machines reach refuses it
(403), so it cannot be built here. This host speaks the same gRPC `LanguageRuntime` protocol by
reusing the SDK's own Automation API `LanguageServer` (the code path of inline programs), and runs
the project's entry point with `runpy`, as `pulumi-language-python-exec` would.

The engine starts it like any plugin: it must print its port on the first line of stdout.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
from concurrent import futures
from typing import Any

import grpc
from pulumi.automation._server import LanguageServer
from pulumi.runtime.proto import language_pb2_grpc

_MAX_MESSAGE = 400 * 1024 * 1024  # the engine's own limit for plugin messages


class ProjectLanguageServer(LanguageServer):
    """Runs the program named by the engine's RunRequest instead of an inline callable."""

    def __init__(self) -> None:
        super().__init__(program=lambda: None)

    def Run(self, request: Any, context: Any) -> Any:
        info = request.info
        program_dir = info.program_directory or request.pwd or os.getcwd()
        entry = info.entry_point or request.program or "."
        path = os.path.join(program_dir, entry)
        if os.path.isdir(path):
            path = os.path.join(path, "__main__.py")
        os.chdir(request.pwd or program_dir)
        sys.path.insert(0, os.path.dirname(path))

        def run_program() -> None:
            runpy.run_path(path, run_name="__main__")

        self.program = run_program
        return super().Run(request, context)  # type: ignore[no-untyped-call]


def main() -> None:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[("grpc.max_receive_message_length", _MAX_MESSAGE)],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(ProjectLanguageServer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    # The engine stops plugins with SIGINT when it is done: a clean exit, not a traceback.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: server.stop(grace=0))
    server.wait_for_termination()


if __name__ == "__main__":
    main()
