"""Old path of credential resolution (now ``pulumi_qoder.wire.config``)."""

from .wire.config import DEFAULT_BASE_URL, Credentials, resolve_credentials

__all__ = ["DEFAULT_BASE_URL", "Credentials", "resolve_credentials"]
