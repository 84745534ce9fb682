"""Live channels: WebSocket relays of room's live messages, fanned out per gateway process."""
