"""The provider's lifecycle core, free of Pulumi: plain values in, plain values out.

Front ends (``pulumi_qoder.dynamic`` today, a native provider later) convert their own value
representations to the plain data of :mod:`.values` and call :class:`.lifecycle.Lifecycle`.
"""
