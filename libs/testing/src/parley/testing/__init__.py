"""Test fixtures shared by every Parley package (registered as the ``parley`` pytest plugin)."""
