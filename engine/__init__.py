"""Plain-Python parts of the import engine: the declarative schema of a type.

Nothing here touches the ORM; the models in ``models/`` use these descriptions
to map, parse and report rows.
"""

from .schema import Column, Schema
