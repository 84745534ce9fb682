"""The service chassis: everything every Parley service reuses, nothing service-specific."""
