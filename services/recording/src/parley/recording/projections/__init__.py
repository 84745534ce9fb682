"""Read models of the recording database, rebuildable from the RECORDING stream."""
