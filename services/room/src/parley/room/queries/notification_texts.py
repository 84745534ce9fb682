"""The human-readable line of each notification kind, composed when it is read or pushed:
the actor's current handle, the Space's title as it was when the event happened."""

from __future__ import annotations

from collections.abc import Mapping

from parley.contracts.api.room import NotificationKind


def describe(kind: NotificationKind, actor_handle: str | None, data: Mapping[str, str]) -> str:
    who = f"@{actor_handle}" if actor_handle else "Someone"
    space = f"“{data['title']}”" if data.get("title") else "a Space"
    match kind:
        case "speaker_request":
            return f"{who} asked to speak in {space}"
        case "stage_invitation":
            role = "co-host" if data.get("role") == "cohost" else "speak"
            return f"{who} invited you to {role} in {space}"
        case "request_accepted":
            return f"{who} accepted your request to speak in {space}"
        case "request_declined":
            return f"Your request to speak in {space} was declined"
        case "followed_went_live":
            return f"{who} is live: {space}"
        case "removed":
            return f"You were removed from {space}"
        case "reminder":
            return f"{space} is starting"
        case "scheduled_starts_soon":
            return f"{space} starts in {_duration(data.get('before_s', ''))}"
        case "scheduled_live":
            return f"{space} is live now"
        case "scheduled_canceled":
            return f"{space} was canceled: it did not start in time"
        case "recording_ready":
            return f"The recording of {space} is ready"


def _duration(seconds: str) -> str:
    """``86400`` -> "24 hours", ``3600`` -> "1 hour", ``900`` -> "15 minutes"."""
    total = int(seconds) if seconds.isdigit() else 0
    hours, rest = divmod(total, 3600)
    if hours and not rest:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(total / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
