"""The only NATS-facing code: routes, the policy and the timers' firings as FastStream
subscribers."""
