"""One backend per kind of object, each over the generic ``collection.Collection``."""
