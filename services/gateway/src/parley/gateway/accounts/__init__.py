"""Accounts and the social graph: HTTP in front of the identity service."""
