"""One package per kind of object: ``deployment``, ``agent``, ``environment``, ``vault``,
``vault_credential``.

Each kind's ``resource.py`` declares its outputs' types on a base class (``_DeploymentOutputs``,
...), not on the resource class: the Pulumi SDK evaluates a resource class's *own* annotations
again (``get_type_hints``) for every resource whose outputs it resolves, 0.76 ms per deployment
per command with all 24 there, 0.09 ms with only the int-typed ones. Those stay on the resource
class: from them the SDK learns to turn protobuf's doubles back into ints. Type checkers and the
native schema (``native/schema.py``) read the whole MRO. Those modules also do without ``from
__future__ import annotations``: evaluated annotations halve what is left.
"""
