"""The package schema (``pulumi package get-schema``), generated from the typed definitions the
dynamic resources use: each kind's args dataclass gives the input types, the dynamic resource's
``pulumi.Output[...]`` annotations give the output types, the check constants give secrets.

Property names are the API's snake_case field names, as in the Python API and in state, so a
stack moves between the dynamic and the native front end without renaming anything.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import inspect
import types
import typing
from typing import Any, Literal

import pulumi

from .kinds import KINDS, PACKAGE, Kind

__all__ = ["CONFIG", "FUNCTIONS", "build_schema"]

JSONSpec = dict[str, Any]
_HINT_NAMES: dict[str, Any] = {"Output": pulumi.Output}
ANY: JSONSpec = {"$ref": "pulumi.json#/Any"}
_MISSING = dataclasses.MISSING

# Provider configuration: stack config ``qoder:<key>`` or an explicit provider's inputs.
CONFIG: dict[str, JSONSpec] = {
    "token": {
        "type": "string",
        "secret": True,
        "description": "A Qoder personal access token. Environment: QODER_PAT (or QODER_PERSONAL_ACCESS_TOKEN).",
    },
    "baseUrl": {
        "type": "string",
        "description": "The API endpoint. Environment: QODER_BASE_URL; default https://api.qoder.com/api/v1/cloud.",
    },
    "flavor": {
        "type": "string",
        "description": "The service: qoder or cma (Claude Managed Agents); default: cma for an "
        "anthropic.com base URL, else qoder. Environment: QODER_FLAVOR.",
    },
    "workspaceId": {
        "type": "string",
        "description": "The workspace to work in. Environment: QODER_WORKSPACE_ID.",
    },
}


def _hints(cls: type[Any]) -> dict[str, Any]:
    """The class's own annotations, evaluated (not its bases': the SDK's need other names)."""
    return inspect.get_annotations(cls, eval_str=True, locals=_HINT_NAMES)


def _strip_input(tp: Any) -> list[Any]:
    """The plain types a (possibly ``pulumi.Input``-wrapped, optional) annotation allows."""
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        found: list[Any] = []
        for arg in typing.get_args(tp):
            for plain in _strip_input(arg):
                if plain not in found:
                    found.append(plain)
        return found
    if tp is type(None) or origin is collections.abc.Awaitable or origin is pulumi.Output:
        return []
    if isinstance(tp, typing.ForwardRef) and tp.__forward_arg__.startswith("Output["):
        return []  # the ``Output`` alternative of ``pulumi.Input``, left unevaluated
    return [tp]


class _Types:
    """Object types met while converting (``#/types/qoder:index:<Name>``)."""

    def __init__(self) -> None:
        self.specs: dict[str, JSONSpec] = {}

    def ref(self, cls: type[Any]) -> JSONSpec:
        token = f"{PACKAGE}:index:{cls.__name__.removesuffix('Args')}"
        if token not in self.specs:
            self.specs[token] = {}  # placeholder: recursion-safe
            self.specs[token] = self.object_spec(cls)
        return {"$ref": f"#/types/{token}"}

    def object_spec(self, cls: type[Any]) -> JSONSpec:
        hints = _hints(cls)
        props: dict[str, JSONSpec] = {}
        required: list[str] = []
        for f in dataclasses.fields(cls):
            spec = self.spec(hints[f.name])
            if not f.init and isinstance(f.default, str):
                # A discriminator (``type``): a constant the typed SDKs fill in themselves; YAML
                # programs spell it out (check names it when missing).
                spec = {"type": "string", "const": f.default, "default": f.default}
            elif f.default is _MISSING and f.default_factory is _MISSING:
                required.append(f.name)
            props[f.name] = spec
        spec = {"type": "object", "properties": props}
        doc = inspect.getdoc(cls)
        if doc and doc != inspect.getdoc(type(cls)) and not doc.startswith(f"{cls.__name__}("):
            spec["description"] = doc
        if required:
            spec["required"] = required
        return spec

    def spec(self, tp: Any) -> JSONSpec:
        options = _strip_input(tp)
        if any(dataclasses.is_dataclass(o) for o in options):
            # A plain dict with the same fields is accepted too: the object type covers it.
            options = [o for o in options if typing.get_origin(o) not in (collections.abc.Mapping, dict)]
        specs: list[JSONSpec] = []
        for option in options:
            spec = self._one(option)
            if spec not in specs:
                specs.append(spec)
        if not specs:
            return dict(ANY)
        if len(specs) == 1:
            return specs[0]
        if ANY in specs:
            return dict(ANY)
        return {"oneOf": specs}

    def _one(self, tp: Any) -> JSONSpec:
        origin = typing.get_origin(tp)
        if tp is Any:
            return dict(ANY)
        if tp is str or origin is Literal:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self.ref(tp)
        if origin in (collections.abc.Sequence, list, tuple):
            (item,) = typing.get_args(tp)[:1] or (Any,)
            return {"type": "array", "items": self.spec(item)}
        if origin in (collections.abc.Mapping, dict):
            args = typing.get_args(tp)
            return {"type": "object", "additionalProperties": self.spec(args[1] if args else Any)}
        raise TypeError(f"no schema type for {tp!r}")


def _resource_spec(kind: Kind, types_: _Types) -> JSONSpec:
    arg_hints = _hints(kind.args)
    # ``name: pulumi.Output[X]`` on the dynamic resource class or its outputs base (ours, not the
    # SDK's bases): the output's type is X.
    out_hints = {
        k: typing.get_args(h)[0]
        for base in reversed(kind.resource.__mro__)
        if base.__module__.startswith("pulumi_qoder.")
        for k, h in _hints(base).items()
        if typing.get_origin(h) is pulumi.Output
    }
    inputs: dict[str, JSONSpec] = {}
    required_inputs: list[str] = []
    for f in dataclasses.fields(kind.args):
        if f.name not in kind.input_keys:
            continue  # a dynamic front end's own input (``profile``: explicit providers here)
        inputs[f.name] = types_.spec(arg_hints[f.name])
        if f.default is _MISSING and f.default_factory is _MISSING:
            required_inputs.append(f.name)
    outputs: dict[str, JSONSpec] = {}
    required: list[str] = []
    for key in (*kind.input_keys, *kind.computed_input_keys, *kind.output_keys):
        if key in inputs:
            outputs[key] = dict(inputs[key])
        elif key in out_hints:
            outputs[key] = types_.spec(out_hints[key])
        else:
            outputs[key] = dict(ANY)
        if key in out_hints and type(None) not in typing.get_args(out_hints[key]):
            required.append(key)  # declared non-optional on the resource class
    for key in kind.secret_keys:
        inputs[key] = {**inputs[key], "secret": True}
        outputs[key] = {**outputs[key], "secret": True}
    spec: JSONSpec = {
        "description": inspect.getdoc(kind.resource) or kind.name,
        "inputProperties": inputs,
        "requiredInputs": required_inputs,
        "properties": outputs,
        "required": [k for k in required if k not in kind.secret_keys],
    }
    return spec


def _functions(types_: _Types, deployment: Kind) -> dict[str, JSONSpec]:
    outputs = _resource_spec(deployment, types_)["properties"]
    run = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "deployment_id": {"type": "string"},
            "session_id": {"type": "string"},
            "created_at": {"type": "string"},
            "trigger_type": {"type": "string", "description": "schedule or manual"},
            "agent": ANY,
            "error": ANY,
        },
    }
    types_.specs[f"{PACKAGE}:index:DeploymentRun"] = run
    return {
        f"{PACKAGE}:index:getDeployment": {
            "description": "A deployment as the service has it now (no state involved).",
            "inputs": {"properties": {"id": {"type": "string"}}, "required": ["id"]},
            "outputs": {"properties": {"id": {"type": "string"}, **outputs}, "required": ["id"]},
        },
        f"{PACKAGE}:index:getDeploymentRuns": {
            "description": "The most recent runs of a deployment, newest first.",
            "inputs": {
                "properties": {
                    "deployment_id": {"type": "string"},
                    "trigger_type": {"type": "string", "description": "schedule or manual"},
                    "has_error": {"type": "boolean"},
                    "limit": {"type": "integer", "description": "At most this many (1-100, default 20)."},
                },
                "required": ["deployment_id"],
            },
            "outputs": {
                "properties": {
                    "runs": {"type": "array", "items": {"$ref": f"#/types/{PACKAGE}:index:DeploymentRun"}}
                },
                "required": ["runs"],
            },
        },
    }


FUNCTIONS = (f"{PACKAGE}:index:getDeployment", f"{PACKAGE}:index:getDeploymentRuns")


def build_schema(version: str) -> JSONSpec:
    """The whole package schema."""
    types_ = _Types()
    resources = {token: _resource_spec(kind, types_) for token, kind in KINDS.items()}
    functions = _functions(types_, KINDS[f"{PACKAGE}:index:Deployment"])
    return {
        "name": PACKAGE,
        "displayName": "Qoder Cloud Agents",
        "version": version,
        "description": "Qoder Cloud Agents scheduled deployments, agents, environments and vaults as code.",
        "license": "Apache-2.0",
        "repository": "https://github.com/pulumi-qoder/pulumi-qoder",
        "keywords": ["qoder", "agents", "category/cloud"],
        "config": {"variables": CONFIG},
        "provider": {
            "description": "The Qoder provider: one account and endpoint.",
            "inputProperties": CONFIG,
        },
        "resources": resources,
        "functions": functions,
        "types": dict(sorted(types_.specs.items())),
        "language": {"python": {"packageName": "pulumi_qoder_native"}},
    }
