"""Old path of the error classes (now ``pulumi_qoder.wire.errors``)."""

from .wire.errors import ConfigurationError, QoderAPIError, QoderError, QoderTransportError

__all__ = ["ConfigurationError", "QoderAPIError", "QoderError", "QoderTransportError"]
