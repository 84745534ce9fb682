"""What viewers see (SpaceView, MyRole) and which live messages each event sends: pure."""

from __future__ import annotations

from room_unit_spaces import (
    COHOST,
    HOST,
    LISTENER,
    LISTENER_2,
    NEWCOMER,
    NOW,
    SPACE,
    SPEAKER,
    cohost,
    created,
    invited,
    pinned,
    requested,
    space,
    speaker,
    started,
)

from parley.contracts.events.room import (
    HostDisconnected,
    ListenerJoined,
    ParticipantRemoved,
    SpaceEnded,
    SpeakerMuted,
    SpeakerPromoted,
    SpeakerUnmuted,
    StageInvitationSent,
)
from parley.contracts.live import space_subject, user_subject
from parley.room.live_messages import blocked_speaker_warning, space_messages, stage_newcomer
from parley.room.views import UserCard, Viewer, render_my_role, render_space

USERS = {
    HOST: UserCard("hosty", "Host Y"),
    COHOST: UserCard("co", "Co Host"),
    SPEAKER: UserCard("talker"),
    LISTENER: UserCard("ears"),
}
BUSY = (
    *started(recording=True),
    cohost(COHOST),
    speaker(SPEAKER),
    SpeakerUnmuted(space_id=SPACE, user_id=SPEAKER),
    requested(LISTENER),
    invited(NEWCOMER, "cohost"),
    pinned("pin_1", SPEAKER),
)


def view_as(viewer: Viewer, *events: object) -> dict[str, object]:
    state = space(*(events or BUSY))  # type: ignore[arg-type]
    rendered = render_space(
        state,
        42,
        viewer=viewer,
        users=USERS,
        listener_count=7,
        public_url="https://parley.example/",
    )
    return rendered.model_dump(mode="json")


def test_the_host_sees_the_stage_the_queue_and_the_invitations() -> None:
    view = view_as(Viewer(HOST, joined=True))
    assert (view["id"], view["state"], view["version"], view["listener_count"]) == (
        SPACE,
        "live",
        42,
        7,
    )
    assert view["share_url"] == f"https://parley.example/spaces/{SPACE}"
    assert view["host"] == {
        "user_id": HOST,
        "handle": "hosty",
        "display_name": "Host Y",
        "muted": True,
        "speaking": False,
    }
    assert [member["handle"] for member in view["cohosts"]] == ["co"]  # type: ignore[attr-defined]
    assert [(m["handle"], m["muted"]) for m in view["speakers"]] == [("talker", False)]  # type: ignore[attr-defined]
    assert view["speaker_requests"] == [{"user_id": LISTENER, "handle": "ears", "display_name": ""}]
    assert view["invitations"] == [{"user_id": NEWCOMER, "role": "cohost"}]
    assert view["pins"] == [
        {"pin_id": "pin_1", "url": "https://example.org/post", "text": "", "pinned_by": SPEAKER}
    ]
    assert (view["my_role"], view["recording_state"], view["started_at"]) == (
        "host",
        "recording",
        NOW.isoformat().replace("+00:00", "Z"),
    )


def test_a_listener_sees_their_own_request_and_invitation_but_not_the_queue() -> None:
    view = view_as(Viewer(LISTENER, joined=True))
    assert (view["my_role"], view["my_speaker_request"], view["speaker_requests"]) == (
        "listener",
        "pending",
        [],
    )
    invitee = view_as(Viewer(NEWCOMER))
    assert (invitee["my_role"], invitee["my_invitation"], invitee["invitations"]) == (
        "none",
        "cohost",
        [],
    )
    anonymous = view_as(Viewer())
    assert (anonymous["my_role"], anonymous["my_speaker_request"]) == ("none", "none")


def test_roles_removed_and_ended_spaces() -> None:
    removal = ParticipantRemoved(space_id=SPACE, user_id=LISTENER_2, by=HOST)
    assert view_as(Viewer(LISTENER_2), *BUSY, removal)["my_role"] == "removed"
    ended = SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended", ended_at=NOW)
    view = view_as(Viewer(HOST), *BUSY, ended)
    assert (view["state"], view["recording_state"]) == ("ended", "processing")
    assert view_as(Viewer(HOST), *created())["recording_state"] == "off"


def test_my_role_is_role_state_and_mic() -> None:
    state = space(*BUSY)
    role = render_my_role(state, Viewer(SPEAKER, joined=True))
    assert (role.role, role.state, role.muted) == ("speaker", "live", False)
    assert render_my_role(state, Viewer(LISTENER, joined=False)).role == "none"


def messages(event: object, *events: object) -> list[tuple[str, str, dict[str, object]]]:
    state = space(*(events or BUSY))  # type: ignore[arg-type]
    return [
        (subject, message.type, message.data)
        for subject, message in space_messages(event, state, 9, USERS)  # type: ignore[arg-type]
    ]


def test_stage_changes_carry_the_whole_stage() -> None:
    promoted = SpeakerPromoted(space_id=SPACE, user_id=LISTENER, by=HOST, via="request")
    sent = messages(promoted, *BUSY, promoted)
    assert [(subject, kind) for subject, kind, _ in sent] == [
        (space_subject(SPACE), "stage.changed"),
        (space_subject(SPACE), "speaker.request"),
    ]
    stage = sent[0][2]
    assert set(stage) == {"host", "cohosts", "speakers", "version"}
    assert [member["user_id"] for member in stage["speakers"]] == [SPEAKER, LISTENER]  # type: ignore[attr-defined]
    assert sent[1][2] == {"requests": [], "version": 9}


def test_mic_pins_settings_and_end_messages() -> None:
    muted = SpeakerMuted(space_id=SPACE, user_id=SPEAKER, by=HOST)
    assert messages(muted, *BUSY, muted) == [
        (space_subject(SPACE), "mic.changed", {"user_id": SPEAKER, "muted": True, "version": 9})
    ]
    (pins,) = messages(pinned("pin_2", HOST))
    assert pins[1] == "pins.changed"
    away = HostDisconnected(space_id=SPACE, grace_deadline=NOW.isoformat())
    ((_, kind, data),) = messages(away, *BUSY, away)
    assert (kind, data["host_connected"], data["state"]) == ("space.updated", False, "live")
    ended = SpaceEnded(space_id=SPACE, by=None, reason="host_timeout", ended_at=NOW)
    assert messages(ended, *BUSY, ended) == [
        (
            space_subject(SPACE),
            "space.ended",
            {"reason": "host_timeout", "recording_state": "processing", "version": 9},
        )
    ]
    invitation = StageInvitationSent(space_id=SPACE, user_id=LISTENER, role="speaker", by=HOST)
    assert messages(invitation) == []  # notifications, not the live Space, tell the invitee


def test_everyone_watching_sees_rec_while_a_recorded_space_is_live() -> None:
    going_live = started(recording=True)
    sent = messages(going_live[-1], *going_live)
    updated = [data for _, kind, data in sent if kind == "space.updated"]
    assert [data["recording_state"] for data in updated] == ["recording"]
    assert messages(going_live[-1], *started())[-1][2]["recording_state"] == "off"
    ended = SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended", ended_at=NOW)
    ((_, kind, data),) = messages(ended, *going_live, ended)
    assert (kind, data["recording_state"]) == ("space.ended", "processing")


def test_a_removal_tells_the_removed_user() -> None:
    removal = ParticipantRemoved(space_id=SPACE, user_id=SPEAKER, by=COHOST)
    sent = messages(removal, *BUSY, removal)
    assert (user_subject(SPEAKER), "you.removed", {"space_id": SPACE, "by": COHOST}) in sent
    assert any(kind == "stage.changed" for _, kind, _ in sent)


def test_who_arrives_on_stage_and_the_warning() -> None:
    promoted = SpeakerPromoted(space_id=SPACE, user_id=LISTENER, by=HOST, via="request")
    assert stage_newcomer(promoted) == LISTENER
    assert stage_newcomer(ListenerJoined(space_id=SPACE, user_id=LISTENER)) is None
    subject, message = blocked_speaker_warning(SPACE, NEWCOMER, LISTENER, USERS)
    assert (subject, message.type, message.space_id) == (
        user_subject(NEWCOMER),
        "blocked.speaker.warning",
        SPACE,
    )
    assert message.data == {"user_id": LISTENER, "handle": "ears"}
