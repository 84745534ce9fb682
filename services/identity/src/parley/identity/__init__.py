"""Parley identity: accounts, profiles, the follow/block graph and suspensions."""
