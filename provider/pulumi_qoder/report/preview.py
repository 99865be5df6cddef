"""The document `pulumi preview --json` prints: the engine's ``PreviewDigest``.

Shape as in pulumi/pulumi ``sdk/go/common/display/json.go`` (``PreviewDigest``, ``PreviewStep``)
and ``apitype.ResourceV3`` for ``oldState``/``newState``. Only the fields the report reads are
modelled; everything else is ignored so newer engines keep working.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["PreviewDigest", "PreviewFormatError", "PreviewStep", "ResourceState", "parse_preview"]


class PreviewFormatError(ValueError):
    """The input is not a `pulumi preview --json` document; the message says what is wrong."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class ResourceState(_Model):
    urn: str = ""
    type: str = ""
    id: str | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict)


class PreviewStep(_Model):
    op: str
    urn: str
    old_state: ResourceState | None = Field(default=None, alias="oldState")
    new_state: ResourceState | None = Field(default=None, alias="newState")
    diff_reasons: list[str] = Field(default_factory=list, alias="diffReasons")
    replace_reasons: list[str] = Field(default_factory=list, alias="replaceReasons")

    @property
    def resource_type(self) -> str:
        state = self.new_state or self.old_state
        if state is not None and state.type:
            return state.type
        # urn:pulumi:<stack>::<project>::<qualified type>::<name>
        parts = self.urn.split("::")
        return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


class PreviewDiagnostic(_Model):
    urn: str = ""
    message: str = ""
    severity: str = ""


class PreviewDigest(_Model):
    steps: list[PreviewStep] = Field(default_factory=list)
    diagnostics: list[PreviewDiagnostic] = Field(default_factory=list)
    change_summary: dict[str, int] = Field(default_factory=dict, alias="changeSummary")


def parse_preview(text: str) -> PreviewDigest:
    """Parse `pulumi preview --json` output; raise :class:`PreviewFormatError` with a clear reason."""
    if not text.strip():
        raise PreviewFormatError("the input is empty; pipe in the output of `pulumi preview --json`")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        first_line = text.strip().splitlines()[0]
        if first_line.startswith("{") and '"sequence"' in first_line:
            raise PreviewFormatError(
                "the input is a stream of engine events, not a preview digest; "
                "unset PULUMI_ENABLE_STREAMING_JSON_PREVIEW and run `pulumi preview --json` again"
            ) from exc
        raise PreviewFormatError(f"the input is not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(document, dict) or not (
        {"steps", "changeSummary", "diagnostics", "config"} & document.keys()
    ):
        raise PreviewFormatError(
            "the input is JSON but not `pulumi preview --json` output (no steps, changeSummary or diagnostics)"
        )
    try:
        return PreviewDigest.model_validate(document)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise PreviewFormatError(f"unexpected preview JSON at {where}: {problem['msg']}") from exc
