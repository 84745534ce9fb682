"""Spaces: HTTP in front of the room service (lifecycle, audience, stage, interaction)."""
