"""The wire client loads qca-sdk without its unused parts, and the SDK stays whole for later users.

Each case runs in a fresh interpreter: what matters is the state of ``sys.modules`` and of the
SDK's pydantic models after the provider's first import, which one pytest process cannot undo.
"""

from __future__ import annotations

import json
import subprocess
import sys

_SCHEMAS = """
import json, random, sys
import pydantic
import qca.managed.types as types
models = sorted(
    (v for v in vars(types).values() if isinstance(v, type) and issubclass(v, pydantic.BaseModel)),
    key=lambda m: m.__name__,
)
random.Random(int(sys.argv[1])).shuffle(models)  # build order must not matter
schemas = {m.__name__: m.model_json_schema() for m in models}
"""


def _run(code: str, seed: int = 0) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, str(seed)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_first_load_skips_the_forward_client_and_defers_the_model_builds() -> None:
    seen = _run(
        "import json, sys\n"
        "import pulumi_qoder.wire.client\n"
        "from qca.managed.types import Deployment\n"
        "print(json.dumps({'forward': 'qca.forward' in sys.modules,"
        " 'deployment_built': Deployment.__pydantic_complete__}))\n"
    )
    assert seen == {"forward": False, "deployment_built": False}


def test_models_used_after_the_fast_load_build_exactly_as_after_a_normal_import() -> None:
    normal = _run("import qca\n" + _SCHEMAS + "print(json.dumps(schemas))")
    for seed in (1, 2):
        fast = _run("import pulumi_qoder.wire.client\n" + _SCHEMAS + "print(json.dumps(schemas))", seed)
        assert fast == normal
    assert len(normal) > 100  # the SDK's whole managed model set, not an empty comparison


def test_the_whole_package_is_there_for_later_users_of_the_sdk() -> None:
    seen = _run(
        "import json, sys\n"
        "import pulumi_qoder.wire.client\n"
        "from qca import Forward, Managed, NotFoundError, __version__\n"
        "import qca.managed\n"
        "from qca.managed.types import Deployment\n"
        "d = Deployment.model_validate({'id': 'dep_1', 'type': 'deployment', 'name': 'n'}, strict=False)\n"
        "print(json.dumps({'same_client': Managed is qca.managed.Managed, 'forward': 'qca.forward' in sys.modules,"
        " 'version': __version__, 'id': d.id, 'error': NotFoundError.__name__}))\n"
    )
    assert seen["same_client"] is True
    assert seen["forward"] is True  # `from qca import ...` ran the real package __init__
    assert seen["version"] == "0.11.0"
    assert seen["id"] == "dep_1"


def test_an_sdk_imported_before_the_provider_is_left_as_it_is() -> None:
    seen = _run(
        "import json, qca\n"
        "from qca.managed.types import Deployment\n"
        "built = Deployment.__pydantic_complete__\n"
        "import pulumi_qoder.wire.client\n"
        "print(json.dumps({'built_before': built, 'built_after': Deployment.__pydantic_complete__}))\n"
    )
    assert seen == {"built_before": True, "built_after": True}


def test_each_flavor_loads_only_its_own_sdk() -> None:
    seen = _run(
        "import json, sys\n"
        "from pulumi_qoder.wire.config import Credentials\n"
        "from pulumi_qoder.wire.connect import client_for\n"
        "cma = type(client_for(Credentials(base_url='http://127.0.0.1:9/v1', token='t', flavor='cma'))).__name__\n"
        "after_cma = {'qca': 'qca' in sys.modules, 'anthropic': 'anthropic' in sys.modules}\n"
        "print(json.dumps({'cma': cma, 'after_cma': after_cma}))\n"
    )
    assert seen == {"cma": "CmaClient", "after_cma": {"qca": False, "anthropic": True}}
    seen = _run(
        "import json, sys\n"
        "from pulumi_qoder.wire.config import Credentials\n"
        "from pulumi_qoder.wire.connect import client_for\n"
        "qoder = type(client_for(Credentials(base_url='http://127.0.0.1:9/x', token='t'))).__name__\n"
        "print(json.dumps({'qoder': qoder, 'anthropic': 'anthropic' in sys.modules}))\n"
    )
    assert seen == {"qoder": "QoderClient", "anthropic": False}
