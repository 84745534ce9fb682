"""Reactions: the command, the per-user rate limit and the per-Space aggregator."""
