"""Reads over identity's read models, shaped as the contract's views (used by the query
handlers and by commands answering with what their caller now sees)."""
