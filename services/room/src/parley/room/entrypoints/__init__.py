"""How room meets NATS, all of it FastStream subscribers and publishers (or consumers run by
the chassis): the routes of its contract, its policies' consumers, the live channel and what
publishes on it, and the host-grace timer's clock."""
