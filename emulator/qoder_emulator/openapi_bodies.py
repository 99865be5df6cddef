"""JSON Schemas of request bodies, for ``/openapi.json`` only: validation is in ``validation.py``."""

from __future__ import annotations

from typing import Any

_STR: dict[str, Any] = {"type": "string"}
_METADATA: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string", "maxLength": 512}}
_TEXT_BLOCK: dict[str, Any] = {
    "type": "object",
    "required": ["type", "text"],
    "properties": {"type": {"enum": ["text"]}, "text": {"type": "string", "minLength": 1}},
}
_EVENT: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "required": ["type", "content"],
            "properties": {
                "type": {"enum": ["user.message"]},
                "content": {
                    "oneOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": _TEXT_BLOCK}]
                },
            },
        },
        {
            "type": "object",
            "required": ["type", "content"],
            "properties": {
                "type": {"enum": ["system.message"]},
                "content": {"type": "array", "items": _TEXT_BLOCK},
            },
        },
        {
            "type": "object",
            "required": ["type", "description", "rubric"],
            "properties": {
                "type": {"enum": ["user.define_outcome"]},
                "description": _STR,
                "rubric": {"type": "object", "properties": {"type": {"enum": ["text"]}, "content": _STR}},
                "max_iterations": {"type": ["integer", "null"], "minimum": 1, "maximum": 20},
            },
        },
    ]
}
_RESOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["github_repository", "file", "memory_store"]},
        "url": _STR,
        "authorization_token": _STR,
        "mount_path": _STR,
        "file_id": _STR,
        "memory_store_id": _STR,
        "access": {"enum": ["read_write", "read_only"]},
    },
}
_SCHEDULE: dict[str, Any] = {
    "type": ["object", "null"],
    "required": ["type", "expression", "timezone"],
    "properties": {"type": {"enum": ["cron"]}, "expression": _STR, "timezone": _STR},
}
_AGENT_REF: dict[str, Any] = {
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "required": ["type", "id"],
            "properties": {
                "type": {"enum": ["agent"]},
                "id": _STR,
                "version": {"type": "integer", "minimum": 1},
            },
        },
    ]
}
_DEPLOYMENT_PROPS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": 256},
    "description": {"type": ["string", "null"]},
    "agent": _AGENT_REF,
    "environment_id": _STR,
    "schedule": _SCHEDULE,
    "initial_events": {"type": "array", "minItems": 1, "maxItems": 50, "items": _EVENT},
    "resources": {"type": ["array", "null"], "items": _RESOURCE},
    "vault_ids": {"type": ["array", "null"], "maxItems": 50, "items": _STR},
    "metadata": {"type": "object"},
    "environment_variables": {"type": ["string", "null"]},
}

DEPLOYMENT_CREATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "agent", "environment_id", "initial_events"],
    "properties": _DEPLOYMENT_PROPS,
}
DEPLOYMENT_UPDATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": _DEPLOYMENT_PROPS,
}
_AGENT_PROPS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": 256},
    "model": {"oneOf": [_STR, {"type": "object", "properties": {"id": _STR}}]},
    "system": _STR,
    "description": _STR,
    "tools": {"type": "array"},
    "mcp_servers": {"type": "array"},
    "skills": {"type": "array"},
    "metadata": _METADATA,
}
AGENT_CREATE: dict[str, Any] = {
    "type": "object",
    "required": ["name", "model"],
    "additionalProperties": False,
    "properties": _AGENT_PROPS,
}
AGENT_UPDATE: dict[str, Any] = {
    "type": "object",
    "required": ["version"],
    "additionalProperties": False,
    "properties": {**_AGENT_PROPS, "version": {"type": "integer", "minimum": 1}},
}
_ENV_PROPS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1},
    "description": _STR,
    "metadata": _METADATA,
    "config": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"enum": ["cloud"]},
            "networking": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["unrestricted", "limited"]},
                    "allowed_hosts": {"type": "array", "items": _STR},
                },
            },
        },
    },
}
ENVIRONMENT_CREATE: dict[str, Any] = {
    "type": "object",
    "required": ["name", "config"],
    "additionalProperties": False,
    "properties": _ENV_PROPS,
}
ENVIRONMENT_UPDATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": _ENV_PROPS,
}
VAULT_CREATE: dict[str, Any] = {
    "type": "object",
    "required": ["display_name"],
    "additionalProperties": False,
    "properties": {
        "display_name": {"type": "string", "minLength": 1, "maxLength": 255},
        "metadata": _METADATA,
        "credentials": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["mcp_server_url", "type", "access_token"],
                "properties": {
                    "mcp_server_url": _STR,
                    "access_token": _STR,
                    "type": {"enum": ["static_bearer"]},
                    "protocol": {"enum": ["sse", "streamable_http"]},
                },
            },
        },
    },
}
_CREDENTIAL_AUTH: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["static_bearer", "mcp_oauth", "environment_variable"]},
        "token": _STR,
        "access_token": _STR,
        "mcp_server_url": _STR,
        "protocol": {"enum": ["sse", "streamable_http"]},
        "expires_at": {"type": ["string", "null"]},
        "refresh": {"type": "object"},
        "secret_name": _STR,
        "secret_value": _STR,
        "networking": {"type": "object"},
        "injection_location": {"type": "object"},
    },
}
CREDENTIAL_CREATE: dict[str, Any] = {
    "type": "object",
    "required": ["auth"],
    "additionalProperties": False,
    "properties": {
        "auth": _CREDENTIAL_AUTH,
        "display_name": {"type": ["string", "null"], "maxLength": 255},
        "metadata": _METADATA,
    },
}
CREDENTIAL_UPDATE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "auth": _CREDENTIAL_AUTH,
        "display_name": {"type": ["string", "null"], "maxLength": 255},
        "metadata": {"type": "object"},
    },
}
EMPTY: dict[str, Any] = {"type": "object", "additionalProperties": False}


def body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}
