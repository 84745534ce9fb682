"""The only NATS-facing code: routes, reactions, and the capture supervisor."""
