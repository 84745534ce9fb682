"""The only NATS-facing code: routes, reactions (policies) and the expiry timers' firings."""
