"""The contract between ``pulumi preview`` and the API: the provider's preview-time check and the
emulator must reach the same verdict on the same input, and name the same field.

How one row runs
----------------
1. The row's ``inputs`` are laid over its resource's valid base inputs (``DROP`` removes a base
   key; the strings ``AGENT``, ``ENVIRONMENT`` and ``VAULT`` become the ids of real objects made
   first on the emulator).
2. The provider's ``check_inputs`` runs on them exactly as ``pulumi preview`` runs it. Verdict:
   accepted, or the property path of its failure(s).
3. The provider's own mapping (``create_body``) turns the checked inputs into the wire body: for
   an accepted row, exactly what ``pulumi up`` sends. A rejected body field is never mapped for
   real (preview stops first), so it goes into the body as the program wrote it: the question
   for that row is whether the API refuses the same value. So such rows spell out the constants
   the mapping would add (``"type": "cron"`` in a schedule, ``"type": "agent"`` in a pinned
   agent, a credential's ``type``). A property the resource does not have goes in as written,
   a required property the row leaves out stays out.
4. The body is POSTed over real HTTP to a real emulator on loopback (one per test module), to the
   resource's collection (a vault credential's path takes the row's ``vault_id``). Verdict:
   accepted (2xx), or the error envelope's ``param`` (any 4xx: a missing referenced object is a
   404 naming its field; a 404 on the path names the path parameter).
5. A provider path that names a field under another name on the wire (``cas_config.max_retries``
   is sent as ``metadata.cas_config.config.max_retries``) is translated before comparing.

Adding a row
------------
Add a ``Case`` to the resource's table in ``cases_<kind>.py``::

    Case("schedule.timezone: not an IANA name", {"schedule": {...}}, rejects="schedule.timezone")
    Case("memory_store_id: any non-empty string", {"resources": [...]})      # both accept

``rejects`` is where both sides must reject (omit it: both must accept). When the two sides
disagree on purpose, say what each does today and why, with ``differs=Differs(provider=...,
emulator=..., why=...)`` (``ACCEPTS`` for an acceptance). When the emulator is wrong by the API
fact sheet or the official SDK's types, the row is ``Differs(..., emulator_bug=True)``: the
provider's verdict is the right one, and the row fails as soon as the emulator is fixed, so the
marker cannot outlive the bug. No row is ever skipped or xfailed.

A rejection must name exactly one path: write each invalid row with a single broken rule.

Adding a resource: its entry points and valid base inputs go in ``kinds.py`` (the only module
that knows where the provider keeps them), its table in ``cases_<kind>.py``, both in ``cases.py``.

Print the whole table with its live verdicts (markdown): ``python -m tests.contract``.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

from qoder_emulator.testing import running_emulator

__all__ = [
    "ACCEPTS",
    "AGENT",
    "DROP",
    "ENVIRONMENT",
    "VAULT",
    "Case",
    "Differs",
    "Kind",
    "Outcome",
    "contract_refs",
    "run_case",
]

ACCEPTS: Final = None
"""A verdict: the input is accepted."""
AGENT: Final = "<agent id>"
ENVIRONMENT: Final = "<environment id>"
VAULT: Final = "<vault id>"

Verdict = str | None  # None: accepted; else the property path / ``param`` named by the rejection


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP: Final = _Drop()
"""An ``inputs`` value removing the key from the base inputs (a missing required property)."""


@dataclass(frozen=True)
class Differs:
    """An expected difference: what each side does today, and why. Still asserted exactly."""

    provider: Verdict
    emulator: Verdict
    why: str
    emulator_bug: bool = False
    """The emulator is wrong by the fact sheet / SDK types (the provider's verdict is right)."""


@dataclass(frozen=True)
class Case:
    rule: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    rejects: Verdict = ACCEPTS
    differs: Differs | None = None


@dataclass(frozen=True)
class Kind:
    """One resource: its provider entry points and what the harness needs to know about it."""

    name: str
    collection: str
    """The path POSTed to; ``{input}`` placeholders take the row's inputs (path parameters)."""
    base: Mapping[str, Any]
    check: Callable[[Mapping[str, Any]], tuple[dict[str, Any], list[Any]]]
    create_body: Callable[[Mapping[str, Any]], dict[str, Any]]
    input_keys: tuple[str, ...]
    required: tuple[str, ...]
    unique_key: str | None = None
    """An input the service keeps unique (deployment names): made unique per row."""
    provider_only: tuple[str, ...] = ("adopt_id",)
    """Inputs that are not body fields (they steer the provider, or fill the path)."""
    path_params: tuple[str, ...] = ()
    """Inputs in ``collection``: a 404 without a ``param`` names the (first) one."""
    wire_paths: Mapping[str, str] = field(default_factory=dict)
    """Provider path prefix -> wire path prefix, for inputs sent under another name."""

    def to_wire_path(self, path: Verdict) -> Verdict:
        if path is None:
            return None
        for prefix, wire in sorted(self.wire_paths.items(), key=lambda kv: -len(kv[0])):
            if path == prefix or path.startswith((prefix + ".", prefix + "[")):
                return wire + path[len(prefix) :]
        return path


@dataclass
class Outcome:
    kind: Kind
    case: Case
    provider: Verdict
    provider_reasons: list[str]
    emulator: Verdict
    emulator_status: int
    emulator_message: str
    body: dict[str, Any]

    @property
    def provider_on_wire(self) -> Verdict:
        return self.kind.to_wire_path(self.provider)

    def problem(self) -> str | None:
        """Why this row does not hold, or None."""
        seen = f"provider: {_show(self.provider)} {self.provider_reasons}; emulator: {self.emulator_status} {_show(self.emulator)} {self.emulator_message!r}"
        d = self.case.differs
        if d is None:
            if self.provider_on_wire == self.emulator == self.kind.to_wire_path(self.case.rejects):
                return None
            return f"expected both to {_expect(self.case.rejects)}; {seen}"
        if d.provider == d.emulator:
            return f"an expected difference must differ (both {_show(d.provider)}): make it an agreed row"
        if (self.provider, self.emulator) == (d.provider, d.emulator):
            return None
        if d.emulator_bug and self.emulator == self.kind.to_wire_path(d.provider):
            return f"the emulator bug is fixed (it now says {_show(self.emulator)}): make this an agreed row; {seen}"
        return f"reality changed: expected provider {_show(d.provider)}, emulator {_show(d.emulator)} ({d.why}); {seen}"

    @property
    def status(self) -> str:
        d = self.case.differs
        if d is None:
            return "agreed"
        return "EMULATOR BUG" if d.emulator_bug else "expected difference"


def _show(verdict: Verdict) -> str:
    return "accepts" if verdict is None else f"rejects {verdict}"


def _expect(verdict: Verdict) -> str:
    return "accept" if verdict is None else f"reject {verdict}"


# ------------------------------------------------------------------------------------------------
# Running a row
# ------------------------------------------------------------------------------------------------


def _substitute(value: Any, refs: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return refs.get(value, value)
    if isinstance(value, Mapping):
        return {k: _substitute(v, refs) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_substitute(v, refs) for v in value]
    return value


def row_inputs(kind: Kind, case: Case, refs: Mapping[str, str], serial: int) -> dict[str, Any]:
    inputs: dict[str, Any] = copy.deepcopy(dict(kind.base))
    if kind.unique_key is not None:
        inputs[kind.unique_key] = f"{inputs[kind.unique_key]}-{serial}"
    for key, value in case.inputs.items():
        if value is DROP:
            inputs.pop(key, None)
        else:
            inputs[key] = copy.deepcopy(value)
    return dict(_substitute(inputs, refs))


def wire_body(
    kind: Kind,
    inputs: Mapping[str, Any],
    checked: Mapping[str, Any],
    rejected: Sequence[str],
    base_checked: Mapping[str, Any],
) -> dict[str, Any]:
    """The provider's mapping of the checked inputs, except: a body field the check rejected (at
    any depth) as the row wrote it, properties the resource does not have as written, and
    required properties the row leaves out left out."""
    fields = [k for k in kind.input_keys if k not in kind.provider_only]
    as_written = {re.split(r"[.\[]", p, maxsplit=1)[0] for p in rejected} & set(fields) & set(inputs)
    # The mapping is defined on checked values only: rejected or missing required ones are mapped
    # from the valid base, then replaced or removed below.
    mappable = {k: v for k, v in checked.items() if k not in as_written}
    mappable.update({k: base_checked[k] for k in kind.required if k not in mappable})
    try:
        body = dict(kind.create_body(mappable))
    except (KeyError, TypeError, AttributeError) as exc:  # a table error, not a verdict
        raise AssertionError(f"{kind.name} create_body cannot map {mappable!r}: {exc!r}") from exc
    for key in kind.required:
        if key not in inputs:
            body.pop(key, None)
    for key in as_written:
        body[key] = inputs[key]
    for key, value in inputs.items():
        if key not in kind.input_keys:
            body[key] = value
    return body


def emulator_verdict(kind: Kind, response: httpx.Response) -> tuple[Verdict, str]:
    if response.is_success:
        return ACCEPTS, ""
    if response.status_code >= 500:
        raise AssertionError(f"emulator answered {response.status_code}: {response.text[:300]}")
    error = response.json().get("error") or {}
    param = str(error.get("param") or "")
    if not param and response.status_code == 404 and kind.path_params:
        param = kind.path_params[0]  # the object the URL names does not exist
    return param, str(error.get("message", ""))


def provider_verdict(failures: Sequence[Any]) -> Verdict:
    paths = sorted({f.property for f in failures})
    return ", ".join(paths) if paths else ACCEPTS


def run_case(kind: Kind, case: Case, api: httpx.Client, refs: Mapping[str, str], serial: int) -> Outcome:
    inputs = row_inputs(kind, case, refs, serial)
    checked, failures = kind.check(inputs)
    base_checked, base_failures = kind.check(row_inputs(kind, Case("base"), refs, serial))
    assert not base_failures, f"{kind.name}: the base inputs must be valid: {base_failures}"
    body = wire_body(kind, inputs, checked, [f.property for f in failures], base_checked)
    path = kind.collection.format(**{k: inputs.get(k, "") for k in kind.path_params})
    response = api.post(f"/{path}", json=body)
    emulator, message = emulator_verdict(kind, response)
    return Outcome(
        kind=kind,
        case=case,
        provider=provider_verdict(failures),
        provider_reasons=[f.reason for f in failures],
        emulator=emulator,
        emulator_status=response.status_code,
        emulator_message=message,
        body=body,
    )


# ------------------------------------------------------------------------------------------------
# The emulator and the objects rows refer to
# ------------------------------------------------------------------------------------------------


def _create(api: httpx.Client, collection: str, body: Mapping[str, Any]) -> str:
    response = api.post(f"/{collection}", json=dict(body))
    assert response.is_success, f"POST /{collection}: {response.status_code} {response.text}"
    return str(response.json()["id"])


def contract_refs(api: httpx.Client) -> dict[str, str]:
    """An agent, an environment and a vault the deployment rows refer to."""
    return {
        AGENT: _create(api, "agents", {"name": "contract-agent", "model": "ultimate"}),
        ENVIRONMENT: _create(api, "environments", {"name": "contract-env", "config": {"type": "cloud"}}),
        VAULT: _create(api, "vaults", {"display_name": "contract-vault"}),
    }


@contextmanager
def contract_api() -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """A fresh emulator (in memory, manual clock) and a client on it, with the referenced objects."""
    with running_emulator(tokens=("contract-token",), clock="manual") as emu, emu.api() as api:
        yield api, contract_refs(api)


# ------------------------------------------------------------------------------------------------
# The table as markdown (for the closing note): python -m tests.contract
# ------------------------------------------------------------------------------------------------


def _cell(verdict: Verdict, status: int | None = None) -> str:
    if verdict is None:
        return "accepts"
    code = f"{status} " if status is not None else ""
    return f"{code}`{verdict or '(no param)'}`"


def render(outcomes: Sequence[Outcome]) -> str:
    lines = [
        "| resource | rule | provider check | emulator | result |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        d = o.case.differs
        result = o.status if d is None else f"{o.status}: {d.why}"
        if o.problem() is not None:
            result = f"**FAILS** ({result})"
        lines.append(
            f"| {o.kind.name} | {o.case.rule} | {_cell(o.provider)} | "
            f"{_cell(o.emulator, o.emulator_status)} | {result} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run every table on a fresh emulator and print it as markdown."""
    from .cases import TABLES

    with contract_api() as (api, refs):
        outcomes = [
            run_case(kind, case, api, refs, serial)
            for kind, cases in TABLES
            for serial, case in enumerate(cases)
        ]
    sys.stdout.write(render(outcomes) + "\n")
