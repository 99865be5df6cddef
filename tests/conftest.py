"""Suite-wide rules.

In CI (``CI=true``) a skipped engine test is a failure: the engine must run there. The only skips
allowed anywhere are the tests against a real Qoder endpoint, which need QODER_BASE_URL/QODER_PAT.
"""

from __future__ import annotations

import os

import pytest

_ALLOWED_SKIP_MARK = "real_service"
_skipped_in_ci: list[str] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and _in_ci() and _ALLOWED_SKIP_MARK not in report.keywords:
        _skipped_in_ci.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _skipped_in_ci:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"CI: {len(_skipped_in_ci)} test(s) skipped without a reason allowed in CI: "
                + ", ".join(_skipped_in_ci[:10]),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
