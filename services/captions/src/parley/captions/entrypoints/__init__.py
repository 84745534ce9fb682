"""The only NATS-facing code: the routes, and the captioning of live Spaces' speaker feeds."""
