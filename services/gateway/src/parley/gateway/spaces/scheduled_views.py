"""A scheduled Space as the public API shows it: scheduling owns it until it starts (ADR 20),
room keeps a copy under the same id. The copy brings what only room knows (the host's handle,
the live parts, its stream version, which the web client orders views by); scheduling's view
brings what it owns (the fields the host edits, the time, canceled, the reminders), fresher
than the copy, which follows scheduling's events a few milliseconds later.

Pure functions, from the contracts' views to the contracts' views.
"""

from __future__ import annotations

from typing import Any

from parley.contracts.api.room import SpaceSummary, SpaceView, StageMember
from parley.contracts.api.scheduling import ScheduledSpaceView

# What scheduling owns while a Space is scheduled, as both views name it.
_OWNED = ("title", "description", "topics", "scheduled_start", "reminder_count", "reminded")


def _state(scheduled: ScheduledSpaceView, fallback: str) -> str:
    # "started": room owns it, and room's copy says which state it is in now.
    return fallback if scheduled.state == "started" else scheduled.state


def with_schedule(view: SpaceView, scheduled: ScheduledSpaceView) -> SpaceView:
    """Room's copy with scheduling's fields over it (the copy's version: room's stream's)."""
    fields: dict[str, Any] = view.model_dump()
    fields |= {name: getattr(scheduled, name) for name in _OWNED}
    fields["state"] = _state(scheduled, view.state)
    # model_validate, not model_copy: the result is checked as any view room answers.
    return SpaceView.model_validate(fields)


def space_view_of(
    scheduled: ScheduledSpaceView, host: StageMember, viewer: str | None
) -> SpaceView:
    """The Space from scheduling's view alone (room's copy not there yet), as ``viewer`` sees
    it: version 0, older than any view room makes."""
    fields: dict[str, Any] = {name: getattr(scheduled, name) for name in _OWNED}
    return SpaceView.model_validate(
        {
            **fields,
            "id": scheduled.id,
            "state": _state(scheduled, "live"),
            "host": host,
            "settings": scheduled.settings,
            "share_url": scheduled.share_url,
            "version": 0,
            "my_role": "host" if viewer is not None and viewer == scheduled.host_id else "none",
        }
    )


def listed(summary: SpaceSummary, scheduled: ScheduledSpaceView | None) -> SpaceSummary:
    """A listed Space, with scheduling's fields and reminder count when it is a scheduled one."""
    fields: dict[str, Any] = summary.model_dump()
    if scheduled is not None:
        fields |= {
            name: getattr(scheduled, name)
            for name in ("title", "topics", "scheduled_start", "reminder_count", "reminded")
        }
        fields["state"] = _state(scheduled, summary.state)
    return SpaceSummary.model_validate(fields)
