"""Read models of scheduled Spaces (tables + apply), rebuildable from the SCHEDULING stream."""
