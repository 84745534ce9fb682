"""Parley's public HTTP API: authenticates callers and turns requests into NATS commands and
queries. Stateless apart from caches that events keep up to date (suspended accounts)."""
