"""Reactions of identity to other contexts' events."""
