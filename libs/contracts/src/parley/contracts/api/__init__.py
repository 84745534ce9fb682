"""Command and query payloads exchanged over NATS request/reply between the gateway and the
services (``cmd.<context>.<name>`` / ``qry.<context>.<name>``). Each module is one context."""
