"""Identity's read models, rebuildable from the IDENTITY stream (reads over them: ``queries``)."""
