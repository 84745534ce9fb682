"""Parley's room service: the Space lifecycle, the stage, listeners, reactions, pins,
discovery and notifications (spec §2-5, §11)."""
