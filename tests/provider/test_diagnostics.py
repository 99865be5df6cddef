"""Where provider warnings go: the engine's address is the plugin's last argument (the engine puts
its logging and tracing flags first); outside an engine a warning is a stderr line."""

from __future__ import annotations

import pytest

from pulumi_qoder import diagnostics

DYNAMIC = "/venv/lib/python3.11/site-packages/pulumi/dynamic/__main__.py"


@pytest.mark.parametrize(
    ("argv", "address"),
    [
        ([DYNAMIC, "127.0.0.1:40123"], "127.0.0.1:40123"),
        ([DYNAMIC, "--logtostderr", "-v=9", "--logflow", "127.0.0.1:40123"], "127.0.0.1:40123"),
        ([DYNAMIC, "--tracing", "file:/tmp/t.json", "127.0.0.1:40123"], "127.0.0.1:40123"),
        (["/venv/bin/pulumi-resource-qoder", "127.0.0.1:5"], "127.0.0.1:5"),
        (["/venv/bin/pytest", "127.0.0.1:40123"], None),  # not a provider process
        ([DYNAMIC], None),
    ],
)
def test_engine_address_is_the_last_argument_of_a_provider_process(
    argv: list[str], address: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", argv)
    assert diagnostics._engine_address() == address


def test_outside_an_engine_a_warning_is_a_stderr_line(capsys: pytest.CaptureFixture[str]) -> None:
    diagnostics._engine.cache_clear()
    diagnostics.warn('deployment "d" (dep_1) is paused by the service')
    diagnostics._engine.cache_clear()
    assert capsys.readouterr().err == 'warning: deployment "d" (dep_1) is paused by the service\n'
