"""A scheduled Space's view: room's copy with scheduling's fields over it."""

from __future__ import annotations

from datetime import UTC, datetime

from parley.contracts.api.room import SpaceSummary, SpaceView, StageMember
from parley.contracts.api.scheduling import ScheduledSpaceView
from parley.contracts.events.room import SpaceSettings
from parley.gateway.spaces.scheduled_views import listed, space_view_of, with_schedule

OLD = datetime(2030, 1, 1, 12, tzinfo=UTC)
NEW = datetime(2030, 1, 2, 12, tzinfo=UTC)
HOST = StageMember(user_id="usr_host", handle="host", display_name="Hostess")


def scheduled(**changes: object) -> ScheduledSpaceView:
    fields: dict[str, object] = {
        "id": "sp_1",
        "host_id": "usr_host",
        "title": "New title",
        "description": "new",
        "topics": ["new"],
        "settings": SpaceSettings(recording=True),
        "state": "scheduled",
        "scheduled_start": NEW,
        "share_url": "https://p/spaces/sp_1",
        "reminder_count": 4,
        "reminded": True,
        "version": 900,
    }
    return ScheduledSpaceView.model_validate({**fields, **changes})


COPY = SpaceView(
    id="sp_1",
    title="Old title",
    description="old",
    topics=["old"],
    state="scheduled",
    host=HOST,
    settings=SpaceSettings(recording=True),
    share_url="https://p/spaces/sp_1",
    scheduled_start=OLD,
    version=42,
)


def test_schedulings_fields_over_rooms_copy_with_rooms_version() -> None:
    view = with_schedule(COPY, scheduled())

    assert (view.title, view.description, view.topics) == ("New title", "new", ["new"])
    assert view.scheduled_start == NEW
    assert (view.version, view.host, view.state) == (42, HOST, "scheduled")
    assert (view.reminder_count, view.reminded) == (4, True)


def test_canceled_by_scheduling_before_the_copy_heard() -> None:
    assert with_schedule(COPY, scheduled(state="canceled")).state == "canceled"


def test_started_is_whatever_room_says_now() -> None:
    live = COPY.model_copy(update={"state": "live"})

    assert with_schedule(live, scheduled(state="started")).state == "live"


def test_schedulings_view_alone_is_older_than_any_of_rooms() -> None:
    view = space_view_of(scheduled(), HOST, "usr_host")

    assert (view.id, view.state, view.title, view.host) == ("sp_1", "scheduled", "New title", HOST)
    assert view.my_role == "host"
    assert space_view_of(scheduled(), HOST, "usr_fan").my_role == "none"
    assert space_view_of(scheduled(), HOST, None).my_role == "none"
    assert (view.scheduled_start, view.version, view.settings.recording) == (NEW, 0, True)
    assert view.share_url == "https://p/spaces/sp_1"


def test_a_listed_space_carries_the_reminders() -> None:
    summary = SpaceSummary(
        id="sp_1",
        title="Old title",
        state="scheduled",
        host=HOST,
        scheduled_start=OLD,
        share_url="https://p/spaces/sp_1",
    )

    item = listed(summary, scheduled())
    plain = listed(summary.model_copy(update={"reminder_count": 2}), None)

    assert (item.title, item.scheduled_start, item.reminder_count, item.reminded) == (
        "New title",
        NEW,
        4,
        True,
    )
    assert (plain.title, plain.reminder_count, plain.reminded) == ("Old title", 2, False)
