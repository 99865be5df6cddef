"""The API as the provider speaks it: ``connect.client_for`` (the client of a flavor, loading only
its SDK when a call is made), the Qoder client (``client``, on qca-sdk) and the Claude Managed
Agents client (``cma``, on anthropic), their shared retry rules (``retry``), errors (``errors``),
credentials (``config``), how the SDK is loaded (``sdk``) and ahead of time (``warm``)."""
