"""Reads of the projections, for the engine and the handlers."""
