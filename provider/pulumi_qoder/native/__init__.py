"""The native ``qoder`` provider (``pulumi-resource-qoder``): the same core lifecycle as the
dynamic resources, served over the engine's provider protocol to programs in any language.

Modules: ``kinds`` (the resource table), ``schema`` (generated from the typed args),
``values`` (engine values <-> plain data), ``diff`` (property-level diff), ``provider`` (the
front end), ``__main__`` (the plugin entry point). See docs/native.md.
"""
