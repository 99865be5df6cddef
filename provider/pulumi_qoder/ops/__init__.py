"""Day-2 operations on live Qoder objects: the operator CLI's commands and the stack-code lookups.

``api`` is the only module here that touches the provider's client and credential resolution.
"""
