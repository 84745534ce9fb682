"""Domain events of every bounded context. Importing this package registers them all."""

from parley.contracts.events import identity, media, room

__all__ = ["identity", "media", "room"]
