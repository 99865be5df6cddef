"""The emulator stands alone: it must not load the provider, the Pulumi SDK or grpc."""

from __future__ import annotations

import json
import subprocess
import sys


def test_starting_the_emulator_loads_neither_pulumi_nor_grpc() -> None:
    code = (
        "import json, sys\n"
        "import qoder_emulator, qoder_emulator.app, qoder_emulator.cli, qoder_emulator.server\n"
        "from qoder_emulator.app import create_app\n"
        "from qoder_emulator.settings import Settings\n"
        "create_app(Settings(tokens=('t',)))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'grpc', 'pulumi_qoder'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_the_cron_package_is_a_leaf() -> None:
    code = (
        "import json, sys\n"
        "import qoder_cron\n"
        "qoder_cron.fire_times('0 9 * * *', 'Asia/Shanghai', __import__('datetime').datetime(2026, 1, 1, tzinfo=__import__('datetime').UTC))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('pulumi', 'grpc', 'fastapi', 'pulumi_qoder', 'qoder_emulator', 'cron_descriptor'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
