"""The web client, served by the gateway next to the API it uses (ADR 14)."""
