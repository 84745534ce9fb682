"""Parley's media relay: WebRTC audio for every Space, mixed once, encoded once, enforced."""
