"""Read helpers over the recordings projection."""
