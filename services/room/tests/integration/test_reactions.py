"""``react``: who may react where, the per-user rate limit, and a storm of reactions reaching
clients as a few aggregated batches whose counts add up to the accepted reactions."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter

import pytest
from nats.aio.msg import Msg

from parley.chassis.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ServiceUnavailable,
    Unauthorized,
)
from parley.chassis.event_store import EventMetadata, envelope_for, message_headers
from parley.contracts.events.room import (
    ParticipantLeft,
    ParticipantRemoved,
    SpaceEnded,
    membership_id,
)
from parley.contracts.live import REACTION_EMOJI
from parley.contracts.subjects import event_subject
from parley.room.handlers.reaction_gate import ReactionGate
from parley.room.projections.participants import ParticipantsProjection

from .conftest import Room, RoomStarter

SPACE = "sp_react"
HOST = "usr_host"


async def react(room: Room, actor: str | None, emoji: str = "🔥") -> str:
    answer = await room.command("react", {"space_id": SPACE, "emoji": emoji}, actor=actor)
    assert answer["accepted"] is True
    return str(answer["emoji"])


async def rejected(room: Room, actor: str | None, emoji: str = "🔥") -> DomainError:
    with pytest.raises(DomainError) as error:
        await react(room, actor, emoji)
    return error.value


async def test_who_may_react(room: Room) -> None:
    await room.space(SPACE, HOST)
    await room.join(SPACE, "usr_ann", "usr_ben")
    await room.promote(SPACE, "usr_guest")  # invited from outside: on stage, no stay
    await room.space("sp_not_yet", HOST, live=False)
    await room.settle()
    raw: list[dict[str, str]] = []

    async def collect(msg: Msg) -> None:
        raw.append(json.loads(msg.data))

    await room.nc.subscribe(f"reactions.{SPACE}", cb=collect)
    await room.nc.flush()

    assert await react(room, "usr_ann") == "🔥"
    assert await react(room, HOST, "👏") == "👏"
    assert await react(room, "usr_guest", "🤔") == "🤔"
    assert await react(room, "usr_ben", "❤") == "❤️"  # without the variation selector

    bad_emoji = await rejected(room, "usr_ann", "🍕")
    assert (type(bad_emoji), bad_emoji.type) == (InvalidInput, "unknown-emoji")
    anonymous = await rejected(room, None)
    assert (type(anonymous), anonymous.type) == (Unauthorized, "unauthenticated")
    stranger = await rejected(room, "usr_stranger")
    assert (type(stranger), stranger.type) == (Forbidden, "not-in-space")
    with pytest.raises(NotFound) as unknown:
        await room.command("react", {"space_id": "sp_nope", "emoji": "🔥"}, actor="usr_ann")
    assert unknown.value.type == "space-not-found"
    with pytest.raises(Conflict) as not_live:
        await room.command("react", {"space_id": "sp_not_yet", "emoji": "🔥"}, actor=HOST)
    assert not_live.value.type == "space-not-live"

    await room.leave(SPACE, "usr_ann")
    await room.append(SPACE, ParticipantRemoved(space_id=SPACE, user_id="usr_guest", by=HOST))
    await room.settle()
    assert (await rejected(room, "usr_ann")).type == "not-in-space"
    assert (await rejected(room, "usr_guest")).type == "not-in-space"

    await room.append(SPACE, SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended"))
    await room.settle()
    ended = await rejected(room, "usr_ben")
    assert (type(ended), ended.type) == (Conflict, "space-not-live")
    assert (await rejected(room, HOST)).type == "space-not-live"

    assert raw == [  # what the aggregator gets, in order
        {"emoji": "🔥", "user_id": "usr_ann"},
        {"emoji": "👏", "user_id": HOST},
        {"emoji": "🤔", "user_id": "usr_guest"},
        {"emoji": "❤️", "user_id": "usr_ben"},
    ]


async def test_each_user_is_rate_limited(start_room: RoomStarter) -> None:
    # A slow refill (one token in 10 s), so a loaded machine cannot blur the count; the
    # refill itself is tested on the buckets with a clock (unit/test_read_model_pieces).
    async with start_room(reaction_rate_per_s=0.1, reaction_burst=10) as room:
        await room.space(SPACE, HOST)
        await room.join(SPACE, "usr_ann", "usr_ben")
        await room.settle()

        outcomes = await asyncio.gather(
            *(react(room, "usr_ann") for _ in range(15)), return_exceptions=True
        )
        limited = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
        assert len(limited) == 5  # a burst of 10 passes
        assert all(isinstance(error, RateLimited) for error in limited)
        assert {error.type for error in limited if isinstance(error, DomainError)} == {
            "reaction-rate-limited"
        }
        assert "try again in" in str(limited[0])
        assert await react(room, "usr_ben") == "🔥"  # the limit is per user


async def test_a_remembered_presence_ends_with_its_space(start_room: RoomStarter) -> None:
    # Presence is remembered for a minute here: only the ending itself can stop the reactions.
    settings = {
        "reaction_presence_cache_s": 60.0,
        "reaction_rate_per_s": 1000,
        "reaction_burst": 1000,
    }
    async with start_room(**settings) as room:
        await room.space(SPACE, HOST)
        await room.join(SPACE, "usr_ann")
        await room.settle()
        assert await react(room, "usr_ann") == "🔥"  # now remembered as present

        await room.append(SPACE, SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended"))

        deadline = asyncio.get_running_loop().time() + 5
        refusal: DomainError | None = None
        while refusal is None:
            try:
                await react(room, "usr_ann")
            except DomainError as error:
                refusal = error
            assert asyncio.get_running_loop().time() < deadline, "still accepted after the end"
            await asyncio.sleep(0.02)
        assert (type(refusal), refusal.type) == (Conflict, "space-not-live")


REMEMBER_PRESENCE = {  # for a minute: only hearing of the departure can stop the reactions
    "reaction_presence_cache_s": 60.0,
    "reaction_rate_per_s": 1000,
    "reaction_burst": 1000,
}


async def test_a_listener_who_leaves_or_is_removed_is_refused_at_once(
    start_room: RoomStarter,
) -> None:
    async with start_room(**REMEMBER_PRESENCE) as room:
        host, ann, ben, cat = await room.register("host", "ann", "ben", "cat")
        space_id = await room.live_space(host)
        ref = {"space_id": space_id}
        for listener in (ann, ben, cat):
            await room.command("join_space", ref, listener)
        await room.settle()  # the catalog shows the Space live
        for listener in (ann, ben, cat):
            await room.command("react", {**ref, "emoji": "🔥"}, listener)  # now remembered

        await room.command("leave_space", ref, ann)
        await room.command("remove_participant", {**ref, "user_id": ben, "block": True}, host)

        for gone in (ann, ben):  # right after the answer, no waiting
            with pytest.raises(Forbidden) as refused:
                await room.command("react", {**ref, "emoji": "🔥"}, gone)
            assert refused.value.type == "not-in-space"
        await room.command("react", {**ref, "emoji": "🔥"}, cat)  # the others stay remembered


async def test_a_removed_stage_guest_is_refused(start_room: RoomStarter) -> None:
    # Invited from outside, the guest has no stay to close: only the removal itself says so.
    async with start_room(**REMEMBER_PRESENCE) as room:
        await room.space(SPACE, HOST)
        await room.promote(SPACE, "usr_guest")
        await room.settle()
        assert await react(room, "usr_guest") == "🔥"  # now remembered as present

        await room.append(SPACE, ParticipantRemoved(space_id=SPACE, user_id="usr_guest", by=HOST))
        await room.settle()
        assert (await rejected(room, "usr_guest")).type == "not-in-space"


async def test_every_replica_forgets_a_departure(start_room: RoomStarter) -> None:
    # Each replica remembers presences of its own: every one of them must hear the departure.
    # Reactions go to either replica (one queue group), so 20 of them reach both but for a
    # chance of one in half a million.
    leases = {"lease_ttl_s": 1.0, "lease_renew_s": 0.2}
    async with (
        start_room(instance_id="room-1", **leases, **REMEMBER_PRESENCE) as one,
        start_room(instance_id="room-2", **leases, **REMEMBER_PRESENCE) as two,
    ):
        host, ann = await one.register("host", "ann")
        space_id = await one.live_space(host)
        reaction = {"space_id": space_id, "emoji": "🔥"}
        await one.command("join_space", {"space_id": space_id}, ann)
        await one.settle()  # the catalog shows the Space live (one database for both)
        for _ in range(20):
            await one.command("react", reaction, ann)

        await two.command("leave_space", {"space_id": space_id}, ann)

        outcomes = await asyncio.gather(
            *(one.command("react", reaction, ann) for _ in range(20)), return_exceptions=True
        )
        assert all(isinstance(outcome, Forbidden) for outcome in outcomes), outcomes


async def test_a_presence_found_just_after_a_departure_is_not_remembered(room: Room) -> None:
    # The departure is heard before the read model shows it (it may even be applied by another
    # replica): a presence read in between is stale, and must not be remembered for a minute.
    gate = ReactionGate(presence_ttl_s=60.0)
    await room.space(SPACE, HOST)
    await room.join(SPACE, "usr_ann")
    await room.settle()

    gate.departed(SPACE, "usr_ann")  # heard; the read model still shows her
    await gate.admit(room.sessions, SPACE, "usr_ann")
    await room.leave(SPACE, "usr_ann")  # this gate hears nothing: only the read model changes
    await room.settle()

    with pytest.raises(Forbidden) as refused:
        await gate.admit(room.sessions, SPACE, "usr_ann")
    assert refused.value.type == "not-in-space"


async def test_only_the_stream_answers_the_publisher_of_an_ending(room: Room) -> None:
    # An event is stored by a request: the publisher reads the first answer as the stream's
    # ack, so the replicas watching endings (who get the request too) must stay silent.
    answers: list[bytes] = []

    async def collect(msg: Msg) -> None:
        answers.append(msg.data)

    inbox = room.nc.new_inbox()
    await room.nc.subscribe(inbox, cb=collect)
    ann_left = ParticipantLeft(space_id=SPACE, user_id="usr_ann")
    removed = ParticipantRemoved(space_id=SPACE, user_id="usr_ben", by=HOST)
    ended = SpaceEnded(space_id=SPACE, by=HOST, reason="host_ended")
    for aggregate_id, event in (
        (membership_id(SPACE, "usr_ann"), ann_left),
        (SPACE, removed),
        (SPACE, ended),
    ):
        envelope = envelope_for(event, aggregate_id, EventMetadata(correlation_id="cor_test"))
        subject = event_subject("room", aggregate_id, envelope.event_type)
        body = envelope.model_dump_json().encode()
        await room.nc.publish(subject, body, reply=inbox, headers=message_headers(envelope))
    await room.nc.flush()
    await room.eventually(lambda: asyncio.sleep(0, len(answers) >= 3))
    await asyncio.sleep(0.3)  # time for any other answer to arrive
    assert [json.loads(answer)["stream"] for answer in answers] == ["ROOM"] * 3


async def test_a_storm_arrives_as_a_few_batches(start_room: RoomStarter) -> None:
    async with start_room(reaction_presence_cache_s=1.0) as room:
        users = [f"usr_{n:02}" for n in range(50)]
        await room.space(SPACE, HOST)
        await room.join(SPACE, *users)
        await room.settle()
        live = await room.listen(f"live.space.{SPACE}")
        shuffled = random.Random(7)

        overloaded = unknown = 0

        async def one(user: str) -> str | None:
            nonlocal overloaded, unknown
            emoji = shuffled.choice(REACTION_EMOJI)
            try:
                return await react(room, user, emoji)
            except RateLimited:
                return None
            except ServiceUnavailable as refusal:  # too busy to start it: nothing applied
                if refusal.type != "overloaded":
                    raise
                overloaded += 1
                return None
            except OutcomeUnknown:  # an attempt timed out, and no answer came after it
                unknown += 1
                return None

        # 2,000 reactions from 50 users within a second: 10 waves of 200, 0.1 s apart.
        loop = asyncio.get_running_loop()
        started = loop.time()
        waves = []
        for wave in range(10):
            waves.append(asyncio.gather(*(one(users[n % 50]) for n in range(200))))
            if wave < 9:
                await asyncio.sleep(0.1)
        results = [emoji for wave in await asyncio.gather(*waves) for emoji in wave]
        storm_s = loop.time() - started
        accepted = Counter(emoji for emoji in results if emoji is not None)
        # The last window closes once the aggregator has taken in every reaction (FastStream
        # hands them over one by one: on a loaded machine it may trail the replies a little).
        deadline = loop.time() + 5
        while sum(b.data["total"] for b in live.of_type("reactions")) < accepted.total():
            assert loop.time() < deadline, "the batches never added up to the reactions"
            await asyncio.sleep(0.05)
        batches = live.of_type("reactions")
        # The burst of each user (10), and more as their buckets refill (5/s) while the storm
        # lasts: all 2,000 only if this machine stretched the storm past 6 s.
        refilled = 50 * (10 + 5 * storm_s)
        # (a reaction refused as overloaded on a busy machine took no token)
        assert accepted.total() + overloaded + unknown >= 50 * 10
        assert accepted.total() <= min(2000, refilled)
        # About 1 s of storm: one batch per 250 ms window it touched, 5 (6 across window
        # edges); more only if this machine stretched the storm.
        most = max(6, int(storm_s / 0.25) + 2)
        assert 1 <= len(batches) <= most, (storm_s, [batch.data["total"] for batch in batches])
        # every accepted reaction is in a batch; one whose outcome its caller never learnt (a
        # busy machine) may be too; nothing refused is
        batched = sum(batch.data["total"] for batch in batches)
        assert accepted.total() <= batched <= accepted.total() + unknown
        delivered: Counter[str] = Counter()
        for batch in batches:
            assert batch.data["window_ms"] == 250
            assert sum(batch.data["counts"].values()) == batch.data["total"]
            delivered.update(batch.data["counts"])
        assert not accepted - delivered  # each accepted reaction delivered
        assert (delivered - accepted).total() == batched - accepted.total()

        stats = await room.query("get_space_analytics", {"space_id": SPACE}, actor=HOST)
        assert stats["reactions"] == batched


async def test_a_reaction_right_after_a_join_is_accepted_while_the_read_model_lags(
    start_room: RoomStarter,
) -> None:
    """Read-your-writes when the participants projection is behind (it changes hands when a
    replica dies): the join is in the membership's own events, and the gate asks them."""
    async with start_room() as room:
        await room.space(SPACE, HOST)
        await room.settle()
        (participants,) = (
            r for r in room.running.runners if r.projection.name == ParticipantsProjection.name
        )
        await participants.stop()  # the read model will not show the join

        await room.join(SPACE, "usr_late")
        assert await react(room, "usr_late") == "🔥"
        with pytest.raises(Forbidden):
            await react(room, "usr_never_joined")
