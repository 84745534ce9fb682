"""Discovery: the catalog of Spaces, trending, topic, search and following filters."""
