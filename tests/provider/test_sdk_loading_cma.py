"""The CMA wire client loads only the parts of the ``anthropic`` SDK it uses, and the SDK stays
whole for later users.

Each case runs in a fresh interpreter: what matters is the state of ``sys.modules`` and of the
SDK's pydantic models after the provider's first import, which one pytest process cannot undo.
"FAST" is the provider's load (``pulumi_qoder.wire.cma``), "NORMAL" a plain ``import anthropic``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_qoder.wire.sdk import _read_exports
from qoder_emulator.testing import EmulatorHandle, running_emulator

from .conftest import run_json

TOKEN = "cma-key"

FAST = "import pulumi_qoder.wire.cma\n"
NORMAL = "import anthropic\nimport pulumi_qoder.wire.cma\n"

# What the process holds of anthropic, read without asking its packages for anything.
_MODULES = """
import json, pathlib, sys, types, importlib.util
PACKAGES = ('anthropic', 'anthropic.types', 'anthropic.types.beta', 'anthropic.resources', 'anthropic.resources.beta')
def loaded():
    return sorted(m for m in sys.modules if m == 'anthropic' or m.startswith('anthropic.'))
def on_disk():
    root = pathlib.Path(importlib.util.find_spec('anthropic').origin).parent
    return len([p for p in root.rglob('*.py') if '__pycache__' not in p.parts])
def incomplete():
    return [p for p in PACKAGES if p in sys.modules and type(sys.modules[p]) is not types.ModuleType]
def cma_client(base_url):
    from pulumi_qoder.wire.cma import CmaClient
    from pulumi_qoder.wire.config import Credentials
    return CmaClient(Credentials(base_url=base_url, token='cma-key', flavor='cma'), sleep=lambda _s: None)
COLLECTIONS = ('agents', 'environments', 'deployments', 'deployments/d/runs', 'vaults', 'vaults/v/credentials')
"""


@pytest.fixture(scope="module")
def cma_emulator() -> Iterator[EmulatorHandle]:
    with running_emulator(tokens=(TOKEN,), flavor="cma") as handle:
        yield handle


def test_the_cma_client_loads_less_than_half_of_the_sdk() -> None:
    code = (
        _MODULES + "client = cma_client('http://127.0.0.1:9')\n"
        "for c in COLLECTIONS:\n"
        "    client._resource(c)\n"
        "print(json.dumps({'loaded': len(loaded()), 'on_disk': on_disk(), 'incomplete': incomplete(),\n"
        " 'beta_py': 'anthropic.resources.beta.beta' in sys.modules}))\n"
    )
    fast, normal = run_json(FAST + code), run_json(NORMAL + code)
    assert normal["incomplete"] == [] and normal["beta_py"] is True
    assert fast["incomplete"] == ["anthropic", "anthropic.types", "anthropic.types.beta",
                                  "anthropic.resources", "anthropic.resources.beta"]  # fmt: skip
    assert fast["beta_py"] is False  # Beta imports all 15 beta resources; the client uses 5
    on_disk, loaded, whole = fast["on_disk"], fast["loaded"], normal["loaded"]
    assert isinstance(on_disk, int) and isinstance(loaded, int) and isinstance(whole, int)
    assert whole * 10 > on_disk * 9  # a normal import loads nearly every module on disk
    assert 0 < loaded * 2 < whole, (loaded, whole, on_disk)


def test_the_sdk_is_whole_for_later_users() -> None:
    use = (
        _MODULES + "import pulumi_qoder.wire.cma as cma\n"
        "import anthropic\n"
        "from anthropic import Anthropic, APIStatusError, NotFoundError\n"
        "from anthropic.types.beta import BetaManagedAgentsDeployment\n"
        "mod = sys.modules['anthropic.types.beta.beta_managed_agents_deployment']\n"
        "print(json.dumps({'modules': loaded(), 'incomplete': incomplete(),\n"
        " 'finders': sorted(type(f).__name__ for f in sys.meta_path),\n"
        " 'same': [Anthropic is cma.Anthropic, APIStatusError is cma.APIStatusError,\n"
        "          BetaManagedAgentsDeployment is mod.BetaManagedAgentsDeployment,\n"
        "          anthropic.types.beta.BetaManagedAgentsDeployment is BetaManagedAgentsDeployment],\n"
        " 'module_names': [NotFoundError.__module__, Anthropic.__module__],\n"
        " 'in_dir': 'BetaManagedAgentsDeployment' in dir(anthropic.types.beta),\n"
        " 'loaders': sorted({type(sys.modules[m].__loader__).__name__ for m in loaded()})}))\n"
    )
    fast, normal = run_json(FAST + use), run_json(NORMAL + use)
    assert fast == normal
    assert normal["same"] == [True] * 4
    assert normal["module_names"] == ["anthropic", "anthropic"]  # what anthropic/__init__ sets


def test_names_served_before_the_init_runs_are_what_the_init_binds() -> None:
    # Every name the incomplete packages served (one import of its defining module each) is the
    # object their __init__ binds once it runs, in each package the client left incomplete.
    seen = run_json(
        _MODULES + FAST + "import ast\n"
        "client = cma_client('http://127.0.0.1:9')\n"
        "for c in COLLECTIONS:\n"
        "    client._resource(c)\n"
        "served, packages = {}, incomplete()[1:]\n"
        "for p in packages:\n"
        "    tree = ast.parse(pathlib.Path(sys.modules[p].__file__).read_text())\n"
        "    names = [a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names]\n"
        "    served[p] = {n: getattr(sys.modules[p], n) for n in names}\n"
        "still = incomplete()\n"
        "import anthropic\n"
        "anthropic.Anthropic  # runs every __init__\n"
        "differ = [f'{p}.{n}' for p, d in served.items() for n, x in d.items() if getattr(sys.modules[p], n) is not x]\n"
        "print(json.dumps({'packages': packages, 'still': still, 'served': sum(map(len, served.values())),\n"
        " 'differ': differ, 'after': incomplete()}))\n"
    )
    packages = ["anthropic.types", "anthropic.types.beta", "anthropic.resources", "anthropic.resources.beta"]
    assert seen["packages"] == packages and seen["still"] == ["anthropic", *packages]
    assert seen["differ"] == [] and seen["after"] == []
    served = seen["served"]
    assert isinstance(served, int) and served > 1500  # the names of the four __init__ files


_SCHEMAS = """
import random, pydantic
def models_of(modules):
    return {f'{m}:{c.__qualname__}': c for m in modules for c in vars(sys.modules[m]).values()
            if isinstance(c, type) and issubclass(c, pydantic.BaseModel) and c.__module__ == m}
"""


def test_models_build_before_the_sdk_is_complete_exactly_as_after_a_normal_import() -> None:
    # The models of the modules the client loaded, and every model anthropic.types.beta exports,
    # built in a shuffled order while the packages are incomplete: anthropic's models resolve
    # their annotations in their own modules, so no build waits for a package's __init__.
    fast = run_json(
        _MODULES + FAST + _SCHEMAS + "client = cma_client('http://127.0.0.1:9')\n"
        "for c in COLLECTIONS:\n"
        "    client._resource(c)\n"
        "models = models_of([m for m in loaded() if m.startswith('anthropic.types.')\n"
        "                    and type(sys.modules[m]) is types.ModuleType])  # vars() completes a package\n"
        "beta = sys.modules['anthropic.types.beta']\n"
        "for name in json.load(sys.stdin):\n"
        "    model = getattr(beta, name)\n"
        "    models[f'{model.__module__}:{model.__qualname__}'] = model\n"
        "order = sorted(models)\n"
        "random.Random(int(sys.argv[1])).shuffle(order)\n"
        "schemas = {k: models[k].model_json_schema() for k in order}\n"
        "print(json.dumps({'incomplete': incomplete(), 'schemas': schemas}))\n",
        7,
        stdin=json.dumps(
            run_json(
                "import json, pydantic, anthropic.types.beta as b\n"
                "print(json.dumps({'names': sorted(n for n, v in vars(b).items()\n"
                "  if isinstance(v, type) and issubclass(v, pydantic.BaseModel))}))\n"
            )["names"]
        ),
    )
    schemas = fast["schemas"]
    assert isinstance(schemas, dict) and len(schemas) > 600
    assert len(fast["incomplete"]) == 5  # type: ignore[arg-type]
    normal = run_json(
        "import json, sys, importlib, anthropic\n"
        "def find(key):\n"
        "    module, _, name = key.partition(':')\n"
        "    return getattr(importlib.import_module(module), name)\n"
        "print(json.dumps({'schemas': {k: find(k).model_json_schema() for k in json.load(sys.stdin)}}))\n",
        stdin=json.dumps(sorted(schemas)),
    )
    assert schemas == normal["schemas"]


def test_the_cma_client_works_and_its_requests_load_nothing_more(cma_emulator: EmulatorHandle) -> None:
    code = (
        _MODULES + "from pulumi_qoder.wire.errors import QoderAPIError\n"
        "client = cma_client(sys.argv[1])\n"
        "for c in COLLECTIONS:\n"
        "    client._resource(c)\n"
        "before = loaded()\n"
        "agent, _ = client.create_object('agents', {'name': 'a', 'model': 'claude-sonnet-4-6'}, idempotency_key='ka')\n"
        "env, _ = client.create_object('environments', {'name': 'e'}, idempotency_key='ke')\n"
        "vault, _ = client.create_object('vaults', {'display_name': 'v'}, idempotency_key='kv')\n"
        "events = [{'type': 'user.message', 'content': [{'type': 'text', 'text': 'report'}]}]\n"
        "dep, _ = client.create_object('deployments', {'name': 'd', 'agent': agent['id'],\n"
        "    'environment_id': env['id'], 'initial_events': events}, idempotency_key='kd')\n"
        "runs = client.list_objects(f\"deployments/{dep['id']}/runs\")\n"
        "updated = client.update_object('agents', agent['id'], {'description': 'changed'})\n"
        "listed = client.list_objects('environments', limit=5)\n"
        "client.delete_object('vaults', vault['id'])\n"
        "after_ok = loaded()\n"
        "try:\n"
        "    client.get_object('agents', 'agent_missing')\n"
        "    error = None\n"
        "except QoderAPIError as exc:\n"
        "    error = [exc.status, exc.error_type]\n"
        "print(json.dumps({'more': sorted(set(after_ok) - set(before)), 'incomplete': incomplete(),\n"
        " 'more_for_error': sorted(set(loaded()) - set(after_ok)),\n"
        " 'ids': [agent['id'][:6], env['id'][:4], vault['id'][:4], dep['id'][:5]],\n"
        " 'runs': runs['data'], 'description': updated.get('description'),\n"
        " 'listed': env['id'] in [e['id'] for e in listed['data']], 'error': error}))\n"
    )
    fast = run_json(FAST + code, cma_emulator.base_url)
    normal = run_json(NORMAL + code, cma_emulator.base_url)
    assert fast["more"] == [] and len(fast["incomplete"]) == 5  # type: ignore[arg-type]
    # An error answer: the SDK imports its error-details model then, by module path.
    assert fast["more_for_error"] == ["anthropic.types.shared.error_details"]
    assert {**fast, "incomplete": [], "more_for_error": []} == {**normal, "more_for_error": []}
    assert normal["ids"] == ["agent_", "env_", "vlt_", "depl_"] and normal["runs"] == []
    assert normal["description"] == "changed"
    assert normal["listed"] is True and normal["error"] == [404, "not_found_error"]


def test_the_sdks_parsing_after_the_fast_load_matches_a_normal_import(cma_emulator: EmulatorHandle) -> None:
    # A later user of the SDK in the provider's process: its typed responses, through the beta
    # resources the client imported, parse as after a normal import.
    use = (
        "import json, sys\n"
        "from anthropic._client import Anthropic\n"
        "from pulumi_qoder.wire.sdk import BetaResources\n"
        "sdk = Anthropic(api_key='cma-key', base_url=sys.argv[1], max_retries=0)\n"
        "beta = BetaResources(sdk) if sys.argv[2] == 'fast' else sdk.beta\n"
        "agent = beta.agents.create(name='parsed', model='claude-sonnet-4-6')\n"
        "again = beta.agents.retrieve(agent.id)\n"
        "dump = again.model_dump(mode='json')\n"
        "print(json.dumps({'type': type(again).__module__ + '.' + type(again).__qualname__,\n"
        " 'keys': sorted(dump), 'name': dump['name'], 'same_id': again.id == agent.id}))\n"
    )
    fast = run_json(FAST + use, cma_emulator.base_url, "fast")
    normal = run_json(NORMAL + use, cma_emulator.base_url, "normal")
    assert fast == normal
    assert normal["name"] == "parsed" and normal["same_id"] is True
    assert normal["type"] == "anthropic.types.beta.beta_managed_agents_agent.BetaManagedAgentsAgent"


def test_beta_resources_are_the_resources_beta_gives() -> None:
    seen = run_json(
        "import json, functools\n"
        "import anthropic\n"
        "from anthropic.resources.beta.beta import Beta\n"
        "from pulumi_qoder.wire.sdk import BetaResources\n"
        "sdk = anthropic.Anthropic(api_key='k', base_url='http://127.0.0.1:9')\n"
        "names = sorted(n for n, v in vars(Beta).items() if isinstance(v, functools.cached_property)\n"
        "               and not n.startswith('with_'))\n"
        "light = BetaResources(sdk)\n"
        "def kind(x): return type(x).__qualname__\n"
        "def raw(beta, n):\n"
        "    try:\n"
        "        return kind(getattr(beta.with_raw_response, n))\n"
        "    except AttributeError:  # webhooks: no raw view\n"
        "        return None\n"
        "same = [n for n in names if kind(getattr(light, n)) == kind(getattr(sdk.beta, n))\n"
        "        and raw(light, n) == raw(sdk.beta, n) and getattr(light, n)._client is sdk]\n"
        "print(json.dumps({'names': names, 'same': same, 'once': light.agents is light.agents,\n"
        " 'nested': kind(light.with_raw_response.vaults.credentials)}))\n"
    )
    assert seen["same"] == seen["names"]
    names = seen["names"]
    assert isinstance(names, list) and {"agents", "deployment_runs", "vaults"} <= set(names)
    assert seen["once"] is True and seen["nested"] == "CredentialsWithRawResponse"


def test_import_time_fallbacks_of_the_sdk_are_unchanged() -> None:
    # anthropic._base_client picks its aiohttp client by whether a package's __init__ imports:
    # that package is created by a normal import, its ImportError included.
    use = (
        "import json, sys\n"
        "import anthropic._base_client as b\n"
        "print(json.dumps({'aiohttp': [k.__qualname__ for k in b._DefaultAioHttpClient.__mro__],\n"
        " 'vendor': 'anthropic._vendor.httpx_aiohttp' in sys.modules}))\n"
    )
    assert run_json(FAST + use) == run_json(NORMAL + use)


def test_threads_asking_at_once_all_see_the_one_complete_sdk() -> None:
    seen = run_json(
        _MODULES + FAST + "import threading\n"
        "barrier, got, errors = threading.Barrier(8), [], []\n"
        "def ask(i):\n"
        "    barrier.wait()\n"
        "    try:\n"
        "        if i % 2:\n"
        "            from anthropic.types.beta import BetaManagedAgentsDeployment as D\n"
        "            from anthropic import NotFoundError as E\n"
        "        else:\n"
        "            import anthropic\n"
        "            E, D = anthropic.NotFoundError, anthropic.types.beta.BetaManagedAgentsDeployment\n"
        "        got.append((D, E))\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "print(json.dumps({'errors': errors, 'answers': len(got), 'distinct': len(set(got)),\n"
        " 'incomplete': incomplete()}))\n"
    )
    assert seen == {"errors": [], "answers": 8, "distinct": 1, "incomplete": []}


def test_an_sdk_imported_before_the_provider_is_left_as_it_is() -> None:
    seen = run_json(
        _MODULES + NORMAL + "print(json.dumps({'incomplete': incomplete(),\n"
        " 'finders': [type(f).__name__ for f in sys.meta_path if 'Partial' in type(f).__name__]}))\n"
    )
    assert seen == {"incomplete": [], "finders": []}


def test_only_an_init_that_just_imports_names_is_served_without_running(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text(
        '"""Doc."""\n'
        "from __future__ import annotations\n"
        "from .models import Model, Other as Alias\n"
        "from . import sub\n"
        "from ..shared import Error\n"
        "__all__ = ['Model']\n"
    )
    assert _read_exports(str(init), "sdk.types") == {
        "annotations": ("__future__", "annotations"),
        "Model": ("sdk.types.models", "Model"),
        "Alias": ("sdk.types.models", "Other"),
        "sub": ("sdk.types.sub", None),
        "Error": ("sdk.shared", "Error"),
    }
    for body in ("from .models import *\n", "import os\n", "from .a import b\nsetup()\n", "x = 1\n"):
        init.write_text(body)
        assert _read_exports(str(init), "sdk.types") is None, body
