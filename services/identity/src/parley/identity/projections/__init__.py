"""Identity's read models (rebuildable from the IDENTITY stream) and the reads over them."""
