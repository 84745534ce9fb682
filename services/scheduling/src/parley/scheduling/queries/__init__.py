"""Read helpers over the scheduled Spaces read model, used by handlers and policies."""
