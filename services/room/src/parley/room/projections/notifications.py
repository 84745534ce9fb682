"""``room_notifications``: inbox rows made from room events.

| event | recipient | kind |
|---|---|---|
| SpeakerRequested | the host and the current co-hosts | ``speaker_request`` |
| StageInvitationSent | the invitee | ``stage_invitation`` (``data.role``) |
| SpeakerPromoted via a request | the new speaker | ``request_accepted`` |
| SpeakerRequestDeclined | the requester | ``request_declined`` |
| SpaceStarted | every follower of the host | ``followed_went_live`` |
| SpaceStarted (scheduled) | everyone reminded (not as a follower too) | ``scheduled_live`` |
| ParticipantRemoved | the removed user | ``removed`` |
| ScheduledStartCame (its time came) | the host and everyone reminded | ``reminder`` |
| HostReminderCame | the host | ``scheduled_starts_soon`` (``data.before_s``) |
| SpaceCanceled, reason ``auto`` | everyone reminded | ``scheduled_canceled`` |
| RecordingReadyNoted | the host and everyone who was on stage | ``recording_ready`` |

Who is reminded of a scheduled Space is ``room_reminders`` (scheduling's reminders), read as the
event is applied, as the followers are from ``room_identity``: to rebuild both, rebuild those
first and let them catch up. The policy that notes a Space's time waits for ``room_reminders``
first, so a reminder set just before counts.

A row's id is derived from the event id and the recipient, so an event applied again (a
rebuild) gives the same rows. New rows are handed to ``on_created`` after the transaction
commits (the live push), never for a transaction that rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.chassis.event_store import StoredEvent
from parley.contracts.api.room import NotificationKind
from parley.contracts.events.room import (
    CohostAdded,
    HostReminderCame,
    MovedToAudience,
    ParticipantRemoved,
    RecordingReadyNoted,
    ScheduledStartCame,
    SpaceCanceled,
    SpaceCreated,
    SpaceStarted,
    SpaceUpdated,
    SpeakerPromoted,
    SpeakerRequestDeclined,
    SpeakerRequested,
    StageInvitationSent,
)
from parley.room.clock import utc
from parley.room.projections.after_commit import after_commit
from parley.room.projections.subjects import room_events
from parley.room.projections.tables import follows, notifications, notify_cohosts, notify_spaces
from parley.room.projections.upserts import insert_ignoring_existing, put
from parley.room.queries.reminders import reminded_users


def notification_id(event_id: str, recipient_id: str) -> str:
    return f"ntf_{event_id.removeprefix('evt_')}_{recipient_id}"


@dataclass(frozen=True)
class NewNotifications:
    """What one event caused: the same notification for each recipient."""

    event_id: str
    seq: int
    kind: NotificationKind
    space_id: str
    actor_id: str | None
    data: dict[str, str]
    created_at: datetime
    recipients: Sequence[str]

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "id": notification_id(self.event_id, recipient),
                "recipient_id": recipient,
                "seq": self.seq,
                "kind": self.kind,
                "space_id": self.space_id,
                "actor_id": self.actor_id,
                "data": self.data,
                "created_at": self.created_at,
            }
            for recipient in self.recipients
        ]


Created = Callable[[NewNotifications], None]


class NotificationsProjection:
    name = "room_notifications"
    filter_subjects: Sequence[str] = room_events(
        SpaceCreated,
        SpaceUpdated,
        SpaceStarted,
        CohostAdded,
        MovedToAudience,
        ParticipantRemoved,
        SpeakerRequested,
        StageInvitationSent,
        SpeakerPromoted,
        SpeakerRequestDeclined,
        ScheduledStartCame,
        HostReminderCame,
        SpaceCanceled,
        RecordingReadyNoted,
    )
    tables: Sequence[Table] = (notifications, notify_spaces, notify_cohosts)

    def __init__(self, on_created: Created | None = None) -> None:
        self._on_created = on_created

    async def apply(self, session: AsyncSession, event: StoredEvent) -> None:
        match event.event:
            case SpaceCreated(space_id=space_id, host_id=host_id, title=title):
                await put(
                    session,
                    notify_spaces,
                    {"space_id": space_id},
                    {"host_id": host_id, "title": title},
                )
            case SpaceUpdated(space_id=space_id, title=str(title)):
                await session.execute(
                    update(notify_spaces)
                    .where(notify_spaces.c.space_id == space_id)
                    .values(title=title)
                )
            case CohostAdded(space_id=space_id, user_id=user_id):
                await insert_ignoring_existing(
                    session, notify_cohosts, [{"space_id": space_id, "user_id": user_id}]
                )
            case MovedToAudience(space_id=space_id, user_id=user_id):
                await _not_cohost(session, space_id, user_id)
            case ParticipantRemoved(space_id=space_id, user_id=user_id, by=by):
                await _not_cohost(session, space_id, user_id)
                await self._notify(session, event, "removed", space_id, by, [user_id])
            case SpeakerRequested(space_id=space_id, user_id=user_id):
                managers = await _host_and_cohosts(session, space_id)
                await self._notify(session, event, "speaker_request", space_id, user_id, managers)
            case StageInvitationSent(space_id=space_id, user_id=user_id, role=role, by=by):
                await self._notify(
                    session, event, "stage_invitation", space_id, by, [user_id], role=role
                )
            case SpeakerPromoted(space_id=space_id, user_id=user_id, by=by, via="request"):
                await self._notify(session, event, "request_accepted", space_id, by, [user_id])
            case SpeakerRequestDeclined(space_id=space_id, user_id=user_id, by=by):
                await self._notify(session, event, "request_declined", space_id, by, [user_id])
            case SpaceStarted(space_id=space_id, host_id=host_id):
                reminded = await reminded_users(session, space_id)
                await self._notify(session, event, "scheduled_live", space_id, host_id, reminded)
                told = set(reminded)
                followers = [
                    user for user in await _followers(session, host_id) if user not in told
                ]
                await self._notify(
                    session, event, "followed_went_live", space_id, host_id, followers
                )
            case ScheduledStartCame(space_id=space_id, host_id=host_id):
                recipients = [host_id, *await reminded_users(session, space_id)]
                await self._notify(session, event, "reminder", space_id, None, recipients)
            case HostReminderCame(space_id=space_id, host_id=host_id, before_s=before_s):
                await self._notify(
                    session,
                    event,
                    "scheduled_starts_soon",
                    space_id,
                    None,
                    [host_id],
                    before_s=str(before_s),
                )
            case SpaceCanceled(space_id=space_id, reason="auto"):
                reminded = await reminded_users(session, space_id)
                await self._notify(session, event, "scheduled_canceled", space_id, None, reminded)
            case RecordingReadyNoted(space_id=space_id, host_id=host_id, stage=stage):
                await self._notify(
                    session, event, "recording_ready", space_id, None, [host_id, *stage]
                )
            case _:
                pass

    async def _notify(
        self,
        session: AsyncSession,
        event: StoredEvent,
        kind: NotificationKind,
        space_id: str,
        actor_id: str | None,
        recipients: Sequence[str],
        **extra: str,
    ) -> None:
        recipients = [recipient for recipient in dict.fromkeys(recipients) if recipient != actor_id]
        if not recipients:
            return
        title = await session.scalar(
            select(notify_spaces.c.title).where(notify_spaces.c.space_id == space_id)
        )
        created = NewNotifications(
            event_id=event.envelope.event_id,
            seq=event.stream_seq,
            kind=kind,
            space_id=space_id,
            actor_id=actor_id,
            data={"title": str(title or ""), **extra},
            created_at=utc(event.envelope.occurred_at),
            recipients=recipients,
        )
        await insert_ignoring_existing(session, notifications, created.rows())
        if self._on_created is not None:
            deliver = self._on_created
            after_commit(session, lambda: deliver(created))


async def _not_cohost(session: AsyncSession, space_id: str, user_id: str) -> None:
    await session.execute(
        delete(notify_cohosts).where(
            notify_cohosts.c.space_id == space_id, notify_cohosts.c.user_id == user_id
        )
    )


async def _host_and_cohosts(session: AsyncSession, space_id: str) -> list[str]:
    host = await session.scalar(
        select(notify_spaces.c.host_id).where(notify_spaces.c.space_id == space_id)
    )
    cohosts = await session.scalars(
        select(notify_cohosts.c.user_id)
        .where(notify_cohosts.c.space_id == space_id)
        .order_by(notify_cohosts.c.user_id)
    )
    return ([str(host)] if host else []) + [str(user) for user in cohosts]


async def _followers(session: AsyncSession, user_id: str) -> list[str]:
    followers = await session.scalars(
        select(follows.c.follower_id)
        .where(follows.c.followee_id == user_id)
        .order_by(follows.c.follower_id)
    )
    return [str(follower) for follower in followers]
