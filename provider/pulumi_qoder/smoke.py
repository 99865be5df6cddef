"""A trivial dynamic resource that proves the engine toolchain end to end.

It talks to no API: create/update/delete only shape its outputs. The engine smoke test and
`make engine-smoke` use it to check that the engine, the dynamic-provider shim and the Python
language host work on this machine before anything depends on the Qoder provider.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi
import pulumi.dynamic as dynamic

__all__ = ["Note", "NoteProvider"]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class NoteProvider(dynamic.ResourceProvider):
    """Stores a text; its id is derived from the first text, its `digest` output from the current one."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        text = str(props["text"])
        return dynamic.CreateResult(id_=f"note-{_digest(text)}", outs={"text": text, "digest": _digest(text)})

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        text = str(news["text"])
        return dynamic.UpdateResult(outs={"text": text, "digest": _digest(text)})

    def read(self, id_: str, props: dict[str, Any]) -> dynamic.ReadResult:
        return dynamic.ReadResult(id_=id_, outs=props)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class Note(dynamic.Resource, module="smoke", name="Note"):
    """`Note("n", text="hello")`: a resource with one input and a computed `digest` output."""

    text: pulumi.Output[str]
    digest: pulumi.Output[str]

    def __init__(
        self, resource_name: str, text: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ):
        super().__init__(NoteProvider(), resource_name, {"text": text, "digest": None}, opts)
