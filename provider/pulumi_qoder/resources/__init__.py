"""One package per kind of object: ``deployment``, ``agent``, ``environment``, ``vault``."""
