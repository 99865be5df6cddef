"""Old path of the API client (now ``pulumi_qoder.wire.client``). Importing it loads httpx."""

from .wire.client import JSON, QoderClient, RetryPolicy, client_for

__all__ = ["JSON", "QoderClient", "RetryPolicy", "client_for"]
