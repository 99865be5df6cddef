"""A Python language host for `pulumi up` in a project directory.

The engine runs `runtime: python` programs through the Go plugin `pulumi-language-python`. It is
its own Go module that Pulumi never tags, and the module proxy these machines reach refuses it
(403), so it cannot be built here. This host speaks the same gRPC `LanguageRuntime` protocol by
reusing the SDK's Automation API `LanguageServer` for everything but `Run`.

As the official host does, it honours the project's ``runtime.options``: ``virtualenv`` (relative to
the project directory) and ``toolchain`` (``pip``, ``uv``: ``.venv`` by default, ``poetry``: the
environment ``poetry env info`` names). The program runs in that environment's interpreter: in this
process when it is the one running the host, else in a child process of that interpreter (as
``pulumi-language-python-exec`` does). A failing program is reported once, through the engine, and
the host answers ``bail`` so that the engine does not print it again.

The engine starts it like any plugin, with its own address as the last argument; the host must
print its port on the first line of stdout. Only the standard library is imported at the top:
started by an interpreter without the SDK, the host re-executes itself with the project's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_MAX_MESSAGE = 400 * 1024 * 1024  # the engine's own limit for plugin messages
_BAIL = 32  # a child's exit code meaning "the program failed and the error was reported"
_TOOLCHAINS = ("pip", "uv", "poetry")


class ProgramSetupError(Exception):
    """The project's runtime options name no usable interpreter."""


def program_python(options: Mapping[str, Any], root: str, env: Mapping[str, str], default: str) -> str:
    """The interpreter that runs the program, from ``runtime.options`` of Pulumi.yaml.

    ``default`` serves when the options name no environment (``PULUMI_PYTHON_CMD`` first).
    """
    toolchain = str(options.get("toolchain") or "pip")
    if toolchain not in _TOOLCHAINS:
        raise ProgramSetupError(
            f"runtime.options.toolchain: {toolchain!r} is not supported; use one of {', '.join(_TOOLCHAINS)}"
        )
    virtualenv = str(options.get("virtualenv") or "")
    if toolchain == "poetry":
        return _poetry_python(root)
    if toolchain == "uv" and not virtualenv:
        virtualenv = env.get("UV_PROJECT_ENVIRONMENT") or ".venv"
    if virtualenv:
        venv = Path(root, virtualenv)  # an absolute path stays as it is
        python = venv / "bin" / "python"
        if not python.exists():
            raise ProgramSetupError(
                f"runtime.options.virtualenv: {venv} is not a virtual environment (no bin/python); "
                f"create it with `python3 -m venv {venv}` and `{venv}/bin/pip install -r requirements.txt`"
            )
        return str(python)
    return env.get("PULUMI_PYTHON_CMD") or default


def _poetry_python(root: str) -> str:
    try:
        found = subprocess.run(
            ["poetry", "env", "info", "--executable"], cwd=root, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise ProgramSetupError(
            "runtime.options.toolchain: 'poetry' is not on PATH; install Poetry or use toolchain pip"
        ) from None
    python = found.stdout.strip()
    if found.returncode != 0 or not python:
        raise ProgramSetupError(
            f"runtime.options.toolchain: `poetry env info --executable` in {root} found no environment; "
            f"run `poetry install` there ({found.stderr.strip()})"
        )
    return python


def _environment_of(python: str) -> dict[str, str]:
    """The child's environment: a virtualenv's bin first on PATH, as if it were activated."""
    env = dict(os.environ)
    venv = Path(python).parent.parent
    if (venv / "pyvenv.cfg").exists():
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _same_interpreter(python: str) -> bool:
    # A venv's python is a symlink to the base interpreter: compare the paths, not their targets.
    return os.path.abspath(python) == os.path.abspath(sys.executable)


def _options_from_project_file(directory: Path) -> tuple[dict[str, str], str]:
    """``runtime.options`` read from the nearest Pulumi.yaml with a regex (no YAML parser yet)."""
    for folder in (directory, *directory.parents):
        for name in ("Pulumi.yaml", "Pulumi.yml"):
            project = folder / name
            if project.is_file():
                text = project.read_text(encoding="utf-8", errors="replace")
                options = {
                    key: m.group(1).strip("'\"")
                    for key in ("virtualenv", "toolchain")
                    if (m := re.search(rf"(?:^|[\s{{,]){key}\s*:\s*([^\s,}}#]+)", text, re.MULTILINE))
                }
                return options, str(folder)
    return {}, str(directory)


def _reexec_with_project_python() -> None:
    """Started by an interpreter without the Pulumi SDK: switch to the project's, or explain."""
    try:
        import grpc  # noqa: F401
        import pulumi  # noqa: F401

        return
    except ImportError as exc:
        missing = exc.name
    options, root = _options_from_project_file(Path.cwd())
    try:
        python = program_python(options, root, os.environ, default="")
    except ProgramSetupError as exc:
        sys.exit(f"pulumi-language-python: {exc}")
    if python and not _same_interpreter(python):
        os.execve(python, [python, "-u", __file__, *sys.argv[1:]], _environment_of(python))
    sys.exit(
        f"pulumi-language-python: {sys.executable} cannot import {missing!r} (the Pulumi SDK). Set "
        "runtime.options.virtualenv in Pulumi.yaml to a virtualenv holding your requirements, or "
        "PULUMI_PYTHON_CMD to such an interpreter."
    )


def _user_frames(tb: Any, entry_point: str) -> Any:
    """The traceback from the program's entry point onwards (no host or SDK frames above it)."""
    first = tb
    while first is not None and first.tb_frame.f_code.co_filename != entry_point:
        first = first.tb_next
    return first or tb


def run_program(spec: Mapping[str, Any]) -> bool:
    """Run the project's program against the engine; False when it failed (reported once)."""
    import asyncio
    import contextlib
    import logging
    import runpy
    from concurrent.futures import ThreadPoolExecutor

    import grpc
    from pulumi import log
    from pulumi.errors import RunError
    from pulumi.runtime import reset_options, run_in_stack, set_all_config

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # as the official host: no task noise
    reset_options(
        project=spec["project"],
        monitor_address=spec["monitor"],
        engine_address=spec["engine"],
        stack=spec["stack"],
        parallel=spec["parallel"],
        preview=spec["dry_run"],
        organization=spec["organization"] or "organization",
    )
    if spec["config"]:
        set_all_config(spec["config"], spec["secret_keys"] or None)

    path = spec["path"]
    program_dir = os.path.dirname(path)
    os.chdir(spec["pwd"])
    sys.path.insert(0, program_dir)

    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=max(spec["parallel"], 1) * 4))

    def program() -> None:
        runpy.run_path(path, run_name="__main__")

    try:
        loop.run_until_complete(run_in_stack(program))
        return True
    except RunError as exc:
        log.error(str(exc))
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.UNAVAILABLE:  # the engine is shutting down: not our error
            return True
        log.error(f"RPC error: {exc.details()}")
    except BaseException as exc:
        shown = traceback.format_exception(type(exc), exc, _user_frames(exc.__traceback__, path))
        log.error("Program failed with an unhandled exception:\n" + "".join(shown).rstrip())
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
            with contextlib.suppress(BaseException):
                loop.run_until_complete(task)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return False


def _spec(request: Any, engine_address: str) -> dict[str, Any]:
    info = request.info
    program_dir = info.program_directory or request.pwd or os.getcwd()
    path = os.path.join(program_dir, info.entry_point or request.program or ".")
    if os.path.isdir(path):
        path = os.path.join(path, "__main__.py")
    return {
        "project": request.project,
        "stack": request.stack,
        "monitor": request.monitor_address,
        "engine": engine_address,
        "parallel": request.parallel,
        "dry_run": request.dryRun,
        "organization": request.organization,
        "config": dict(request.config),
        "secret_keys": list(request.configSecretKeys),
        "pwd": request.pwd or program_dir,
        "path": os.path.abspath(path),
    }


def _serve(engine_address: str) -> None:
    import contextvars
    import signal
    from concurrent import futures

    import grpc
    from google.protobuf import json_format  # type: ignore[import-untyped]
    from pulumi.automation._server import LanguageServer
    from pulumi.runtime.proto import language_pb2, language_pb2_grpc

    class ProjectLanguageServer(LanguageServer):
        """The SDK's language server, with ``Run`` running the project named by the request."""

        def __init__(self) -> None:
            super().__init__(program=lambda: None)

        def Run(self, request: Any, context: Any) -> Any:
            info = request.info
            options = json_format.MessageToDict(info.options) if info.HasField("options") else {}
            root = info.root_directory or request.pwd or os.getcwd()
            try:
                python = program_python(options, root, os.environ, default=sys.executable)
            except ProgramSetupError as exc:
                return language_pb2.RunResponse(error=str(exc))
            spec = _spec(request, engine_address)
            if _same_interpreter(python):
                ok = contextvars.copy_context().run(run_program, spec)
                return language_pb2.RunResponse(bail=not ok)
            child = subprocess.run(
                [python, "-u", __file__, "--run-program"],
                input=json.dumps(spec),
                text=True,
                env=_environment_of(python),
                cwd=spec["pwd"],
                check=False,
            )
            if child.returncode in (0, _BAIL):
                return language_pb2.RunResponse(bail=child.returncode == _BAIL)
            return language_pb2.RunResponse(
                error=f"the program's interpreter {python} exited with code {child.returncode} (see above)"
            )

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


def main() -> None:
    args = sys.argv[1:]
    if args == ["--run-program"]:  # the child of a host whose interpreter is not the project's
        try:
            import pulumi  # noqa: F401
        except ImportError:
            sys.exit(
                f"pulumi-language-python: {sys.executable} has no Pulumi SDK: install the project's "
                "requirements into its virtualenv (pip install -r requirements.txt)"
            )
        sys.exit(0 if run_program(json.load(sys.stdin)) else _BAIL)
    _reexec_with_project_python()
    # The engine's address is the last positional argument (flags such as -v=9 may precede it).
    positional = [a for a in args if not a.startswith("-")]
    _serve(positional[-1] if positional else "")


if __name__ == "__main__":
    main()
