"""The wire client loads only the parts of qca-sdk it uses, and the SDK stays whole for later users.

Each case runs in a fresh interpreter: what matters is the state of ``sys.modules`` and of the
SDK's pydantic models after the provider's first import, which one pytest process cannot undo.
"""

from __future__ import annotations

from .conftest import Target, run_json

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

# What the process holds of qca.managed.types, read without asking the package for anything.
_TYPE_MODULES = """
import pathlib, sys, importlib.util
def type_modules():
    return sorted(m for m in sys.modules if m.startswith('qca.managed.types.'))
def on_disk():
    folder = pathlib.Path(importlib.util.find_spec('qca').submodule_search_locations[0]) / 'managed' / 'types'
    return sorted('qca.managed.types.' + p.stem for p in folder.glob('*.py') if p.stem != '__init__')
"""


def test_first_load_imports_a_fraction_of_the_model_modules_and_builds_no_model() -> None:
    seen = run_json(
        _TYPE_MODULES + "import json, pydantic\n"
        "import pulumi_qoder.wire.client\n"
        "loaded = type_modules()\n"
        "built = [c.__name__ for m in loaded for c in vars(sys.modules[m]).values()\n"
        "         if isinstance(c, type) and issubclass(c, pydantic.BaseModel) and c.__pydantic_complete__]\n"
        "print(json.dumps({'forward': 'qca.forward' in sys.modules, 'loaded': len(loaded),\n"
        " 'on_disk': len(on_disk()), 'unknown': sorted(set(loaded) - set(on_disk())), 'built': built}))\n"
    )
    assert seen["forward"] is False
    assert seen["unknown"] == []
    assert seen["built"] == []
    on_disk, loaded = seen["on_disk"], seen["loaded"]
    assert isinstance(on_disk, int) and isinstance(loaded, int)
    assert on_disk > 300  # the SDK's model modules, found (the bound below is not vacuous)
    assert 0 < loaded * 3 < on_disk, (loaded, on_disk)


def test_models_used_after_the_fast_load_build_exactly_as_after_a_normal_import() -> None:
    normal = run_json("import qca\n" + _SCHEMAS + "print(json.dumps(schemas))", 0)
    for seed in (1, 2):
        fast = run_json("import pulumi_qoder.wire.client\n" + _SCHEMAS + "print(json.dumps(schemas))", seed)
        assert fast == normal
    assert len(normal) > 100  # the SDK's whole managed model set, not an empty comparison


def test_a_model_reached_by_its_module_path_builds_as_after_a_normal_import() -> None:
    # The SDK's resources import their models this way; their annotations name models that only
    # the package's namespace holds.
    use = (
        "import json\n"
        "from qca.managed.types.deployment import Deployment\n"
        "d = Deployment.model_validate({'id': 'dep_1', 'agent': {'id': 'agent_1', 'type': 'agent', 'version': 2},\n"
        " 'schedule': {'type': 'cron', 'expression': '0 9 * * *', 'timezone': 'UTC'}})\n"
        "print(json.dumps({'agent': type(d.agent).__name__, 'dump': d.model_dump(mode='json'),\n"
        " 'schema': Deployment.model_json_schema()}))\n"
    )
    normal = run_json("import qca\n" + use)
    fast = run_json("import pulumi_qoder.wire.client\n" + use)
    assert fast == normal
    assert normal["agent"] == "AgentReference"


def test_the_sdk_client_parses_responses_after_the_fast_load(emulator_target: Target) -> None:
    use = (
        "import json, sys\n"
        "agent = Managed(pat=sys.argv[2], base_url=sys.argv[1], max_retries=0).agents.retrieve(sys.argv[3])\n"
        "print(json.dumps({'type': type(agent).__module__ + '.' + type(agent).__qualname__,\n"
        " 'agent': agent.to_dict(mode='json')}))\n"
    )
    args = (emulator_target.base_url, emulator_target.token, emulator_target.agent_id)
    normal = run_json("from qca import Managed\n" + use, *args)
    fast = run_json("from pulumi_qoder.wire.client import Managed\n" + use, *args)
    assert fast == normal
    agent = normal["agent"]
    assert isinstance(agent, dict) and agent["id"] == emulator_target.agent_id


def test_the_wire_clients_own_requests_load_nothing_more(emulator_target: Target) -> None:
    seen = run_json(
        _TYPE_MODULES + "import json\n"
        "from pulumi_qoder.wire.client import QoderClient\n"
        "from pulumi_qoder.wire.config import Credentials\n"
        "before = type_modules()\n"
        "client = QoderClient(Credentials(base_url=sys.argv[1], token=sys.argv[2]))\n"
        "agent = client.get_object('agents', sys.argv[3])\n"
        "print(json.dumps({'id': agent['id'], 'more_types': sorted(set(type_modules()) - set(before)),\n"
        " 'forward': 'qca.forward' in sys.modules,\n"
        " 'incomplete': [type(sys.modules[p]).__name__ for p in ('qca', 'qca.managed', 'qca.managed.types')]}))\n",
        emulator_target.base_url,
        emulator_target.token,
        emulator_target.agent_id,
    )
    assert seen == {
        "id": emulator_target.agent_id,
        "more_types": [],
        "forward": False,
        "incomplete": ["_IncompletePackage"] * 3,
    }


def test_the_whole_package_is_there_for_later_users_of_the_sdk() -> None:
    seen = run_json(
        _TYPE_MODULES + "import json, types\n"
        "import pulumi_qoder.wire.client as client\n"
        "from qca import Forward, Managed, NotFoundError, __version__\n"
        "import qca.managed\n"
        "from qca.managed.types import Deployment\n"
        "d = Deployment.model_validate({'id': 'dep_1', 'type': 'deployment', 'name': 'n'}, strict=False)\n"
        "packages = [qca, qca.managed, qca.managed.types]\n"
        "print(json.dumps({'same_client': Managed is qca.managed.Managed is client.Managed,\n"
        " 'same_model': Deployment is sys.modules['qca.managed.types.deployment'].Deployment,\n"
        " 'forward': 'qca.forward' in sys.modules, 'version': __version__, 'id': d.id,\n"
        " 'error': NotFoundError.__name__, 'plain_modules': all(type(p) is types.ModuleType for p in packages),\n"
        " 'in_dir': 'Deployment' in dir(qca.managed.types), 'all_types': type_modules() == on_disk(),\n"
        " 'sdk_model_rebuild': 'model_rebuild' in vars(sys.modules['qca.common._models'].BaseModel)}))\n"
    )
    assert seen == {
        "same_client": True,
        "same_model": True,
        "forward": True,  # `from qca import ...` ran the real package __init__
        "version": "0.11.0",
        "id": "dep_1",
        "error": "NotFoundError",
        "plain_modules": True,
        "in_dir": True,
        "all_types": True,  # qca.managed.types ran its __init__ too, as `import qca` does
        "sdk_model_rebuild": False,  # the build guard is gone with the package it waited for
    }


def test_a_submodule_asked_of_an_incomplete_package_is_imported_alone() -> None:
    seen = run_json(
        _TYPE_MODULES + "import json\n"
        "import pulumi_qoder.wire.client\n"
        "before = type_modules()\n"
        "new = [m for m in on_disk() if m not in before][:2]\n"
        "import qca.managed.types\n"
        "mod = getattr(qca.managed.types, new[0].rpartition('.')[2])\n"
        "ns = {}\n"
        "exec(f'from qca.managed.types import {new[1].rpartition(\".\")[2]} as second', ns)\n"
        "loaded = qca.managed.types.deployment\n"
        "after = type_modules()\n"
        "print(json.dumps({'added': sorted(set(after) - set(before)), 'new': new,\n"
        " 'same': [mod is sys.modules[new[0]], ns['second'] is sys.modules[new[1]],\n"
        "          loaded is sys.modules['qca.managed.types.deployment']],\n"
        " 'forward': 'qca.forward' in sys.modules}))\n"
    )
    assert seen["added"] == seen["new"]
    assert seen["same"] == [True, True, True]
    assert seen["forward"] is False


def test_each_submodule_name_means_that_submodule_after_a_normal_import_too() -> None:
    # What makes the shortcut above faithful: no package __init__ binds a submodule's name to
    # something else (checked for the SDK version installed).
    seen = run_json(
        "import json, pkgutil, sys\n"
        "import qca, qca.managed, qca.managed.types\n"
        "checked, other = 0, []\n"
        "for package in (qca, qca.managed, qca.managed.types):\n"
        "    for info in pkgutil.iter_modules(package.__path__):\n"
        "        name = package.__name__ + '.' + info.name\n"
        "        if hasattr(package, info.name):\n"
        "            checked += 1\n"
        "            if getattr(package, info.name) is not sys.modules.get(name):\n"
        "                other.append(name)\n"
        "print(json.dumps({'checked': checked, 'other': other}))\n"
    )
    assert seen["other"] == []
    checked = seen["checked"]
    assert isinstance(checked, int) and checked > 300


def test_threads_asking_at_once_all_see_the_one_complete_package() -> None:
    seen = run_json(
        "import json, sys, threading\n"
        "import pulumi_qoder.wire.client\n"
        "barrier, got, errors = threading.Barrier(8), [], []\n"
        "def ask(i):\n"
        "    barrier.wait()\n"
        "    try:\n"
        "        if i % 2:\n"
        "            from qca.managed.types import Deployment, Schedule\n"
        "            got.append((Deployment, Schedule))\n"
        "        else:\n"
        "            from qca import managed\n"
        "            got.append((managed.types.Deployment, managed.types.Schedule))\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "from qca.managed.types import Deployment\n"
        "print(json.dumps({'errors': errors, 'answers': len(got), 'distinct': len(set(got)),\n"
        " 'built': Deployment.__pydantic_complete__}))\n"
    )
    assert seen == {"errors": [], "answers": 8, "distinct": 1, "built": True}


def test_model_rebuild_still_resolves_names_in_its_callers_frame() -> None:
    # While qca.managed.types is incomplete, the SDK's model_rebuild is wrapped: the caller's
    # local names must still be found, as pydantic documents for models declared in a function.
    seen = run_json(
        "import json, sys\n"
        "import pulumi_qoder.wire.client\n"
        "from qca.common._models import BaseModel\n"
        "def declare():\n"
        "    class Outer(BaseModel):\n"
        "        inner: 'Inner'\n"
        "    class Inner(BaseModel):\n"
        "        n: int\n"
        "    rebuilt = Outer.model_rebuild()\n"
        "    return rebuilt, Outer.model_validate({'inner': {'n': 3}}).inner.n\n"
        "rebuilt, n = declare()\n"
        "print(json.dumps({'rebuilt': rebuilt, 'n': n, 'types_complete': type(sys.modules['qca.managed.types']).__name__}))\n"
    )
    assert seen == {"rebuilt": True, "n": 3, "types_complete": "_IncompletePackage"}


def test_an_sdk_imported_before_the_provider_is_left_as_it_is() -> None:
    seen = run_json(
        "import json, qca\n"
        "from qca.managed.types import Deployment\n"
        "built = Deployment.__pydantic_complete__\n"
        "import pulumi_qoder.wire.client\n"
        "print(json.dumps({'built_before': built, 'built_after': Deployment.__pydantic_complete__}))\n"
    )
    assert seen == {"built_before": True, "built_after": True}


def test_each_flavor_loads_only_its_own_sdk() -> None:
    seen = run_json(
        "import json, sys\n"
        "from pulumi_qoder.wire.config import Credentials\n"
        "from pulumi_qoder.wire.connect import client_for\n"
        "cma = type(client_for(Credentials(base_url='http://127.0.0.1:9/v1', token='t', flavor='cma'))).__name__\n"
        "after_cma = {'qca': 'qca' in sys.modules, 'anthropic': 'anthropic' in sys.modules}\n"
        "print(json.dumps({'cma': cma, 'after_cma': after_cma}))\n"
    )
    assert seen == {"cma": "CmaClient", "after_cma": {"qca": False, "anthropic": True}}
    seen = run_json(
        "import json, sys\n"
        "from pulumi_qoder.wire.config import Credentials\n"
        "from pulumi_qoder.wire.connect import client_for\n"
        "qoder = type(client_for(Credentials(base_url='http://127.0.0.1:9/x', token='t'))).__name__\n"
        "print(json.dumps({'qoder': qoder, 'anthropic': 'anthropic' in sys.modules}))\n"
    )
    assert seen == {"qoder": "QoderClient", "anthropic": False}
