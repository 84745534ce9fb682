"""The audience's pure pieces: the net changes of a window, the ``audience.changed`` message,
the listing's cursor and how a page is put together from its two parts."""

from __future__ import annotations

import base64

import pytest

from parley.chassis.errors import InvalidInput
from parley.contracts.live import LiveMessage
from parley.room.audience import AudienceChanges, audience_changed
from parley.room.entrypoints.audience_publisher import AudiencePublisher
from parley.room.projections.participants import BatchCounts
from parley.room.queries.listeners import Position, Row, assemble, cursor_for, position_of
from parley.room.views import UserCard


def changes(*steps: str) -> AudienceChanges:
    """``+ann`` came, ``-ann`` went, in order."""
    window = AudienceChanges()
    for step in steps:
        (window.came if step[0] == "+" else window.went)(step[1:])
    return window


def test_a_window_keeps_its_changes_in_order() -> None:
    window = changes("+ann", "+bob", "-cat", "+dan", "-eve")
    assert list(window.joined) == ["ann", "bob", "dan"]
    assert list(window.left) == ["cat", "eve"]


def test_someone_who_came_and_went_meanwhile_is_not_announced() -> None:
    window = changes("+ann", "+bob", "-ann")
    assert (list(window.joined), list(window.left)) == (["bob"], [])


def test_someone_who_went_and_came_back_meanwhile_is_not_announced() -> None:
    window = changes("-ann", "+ann")
    assert not window
    assert changes("-ann", "+ann", "-ann").left == {"ann": None}


def test_windows_add_up_as_if_their_changes_came_one_by_one() -> None:
    steps = ["+ann", "+bob", "-cat", "-ann", "+cat", "+dan", "-bob", "+eve", "-dan", "+ann"]
    assert (set(changes(*steps).joined), set(changes(*steps).left)) == ({"eve", "ann"}, set())
    for split in range(len(steps) + 1):
        gathered = changes(*steps[:split])
        gathered.add(changes(*steps[split:]))
        whole = changes(*steps)
        # The same people (one who came, went and came again may sit elsewhere in the order).
        assert (set(gathered.joined), set(gathered.left)) == (set(whole.joined), set(whole.left))


def test_the_end_drops_everything_gathered_and_whatever_comes_after() -> None:
    window = changes("+ann", "-bob")
    ended = AudienceChanges()
    ended.end()
    window.add(ended)
    window.add(changes("+cat"))
    assert not window
    assert window.ended


def test_the_message_describes_the_first_joiners_and_counts_the_rest() -> None:
    window = changes(*(f"+usr_{n}" for n in range(50)), *(f"-usr_old{n}" for n in range(7)))
    cards = {"usr_0": UserCard("ann", "Ann"), "usr_1": UserCard("bob")}
    message = audience_changed("sp_1", window, 4_321, cards, joined_shown=3, left_shown=5)

    assert (message.type, message.space_id) == ("audience.changed", "sp_1")
    assert message.data == {
        "joined": [
            {"user_id": "usr_0", "handle": "ann", "display_name": "Ann", "avatar_url": None},
            {"user_id": "usr_1", "handle": "bob", "display_name": "", "avatar_url": None},
            {"user_id": "usr_2", "handle": "", "display_name": "", "avatar_url": None},
        ],
        "joined_total": 50,
        "left": [f"usr_old{n}" for n in range(5)],
        "left_total": 7,
        "count": 4_321,
    }


def row(user_id: str, seq: int) -> Row:
    return Row(user_id, seq, user_id.removeprefix("usr_"), "")


def test_a_page_takes_followed_people_first_then_the_others() -> None:
    items, following = assemble([row("usr_f1", 9)], [row("usr_o1", 2), row("usr_o2", 5)], 5)
    assert [(item.user_id, item.followed) for item in items] == [
        ("usr_f1", True),
        ("usr_o1", False),
        ("usr_o2", False),
    ]
    assert following is None


def test_a_full_page_of_followed_people_goes_on_in_that_part() -> None:
    followed = [row("usr_f1", 3), row("usr_f2", 8), row("usr_f3", 12)]
    items, following = assemble(followed, None, 2)
    assert [item.user_id for item in items] == ["usr_f1", "usr_f2"]
    assert following == Position("followed", 8)


def test_a_page_filled_exactly_by_followed_people_goes_on_with_the_others() -> None:
    items, following = assemble([row("usr_f1", 3), row("usr_f2", 8)], [row("usr_o1", 1)], 2)
    assert [item.user_id for item in items] == ["usr_f1", "usr_f2"]
    assert following == Position("others", 0)  # the others from the start


def test_a_page_ending_among_the_others_goes_on_after_the_last_shown() -> None:
    others = [row("usr_o1", 4), row("usr_o2", 6), row("usr_o3", 7)]
    items, following = assemble([row("usr_f1", 9)], others, 3)
    assert [item.user_id for item in items] == ["usr_f1", "usr_o1", "usr_o2"]
    assert following == Position("others", 6)


def test_the_cursor_names_a_position_and_is_opaque() -> None:
    for position in (Position("followed", 0), Position("followed", 77), Position("others", 123)):
        cursor = cursor_for(position)
        assert not {":", "="} & set(cursor)
        assert position_of(cursor) == position
    assert position_of(None) == position_of("") == Position("followed", 0)


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "%%%",
        encoded("x:12"),
        encoded("o:-1"),
        encoded("o:+1"),
        encoded("o: 1"),
        encoded("o:1.5"),
        encoded("o:²"),
        encoded("o"),
        encoded("o:"),
        encoded("o:1:2"),
        base64.urlsafe_b64encode(b"\xff\xfe:1").decode(),
    ],
)
def test_a_cursor_this_list_did_not_give_is_a_422(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        position_of(cursor)
    assert (refused.value.status, refused.value.type) == (422, "invalid-cursor")


class Channel:
    """The live channel, as the publisher uses it: what it was given to send."""

    def __init__(self) -> None:
        self.sent: list[LiveMessage] = []

    async def to_space(self, space_id: str, message: LiveMessage) -> None:
        self.sent.append(message)


async def test_the_end_drops_what_a_space_gathered_and_the_count_still_goes() -> None:
    channel = Channel()
    publisher = AudiencePublisher(channel, None, interval_s=60)  # type: ignore[arg-type]
    publisher.changed("sp_1", 2, changes("-usr_gone"))
    await publisher.flush_due()  # the first goes at once
    publisher.changed("sp_1", 3, changes("+usr_late"))  # waits for the interval
    ended = AudienceChanges()
    ended.end()
    publisher.changed("sp_1", 0, ended)
    publisher._sent["sp_1"] = (float("-inf"), 2)  # the interval is over; 2 was last sent
    await publisher.flush_due()
    assert [(m.type, m.data.get("count")) for m in channel.sent] == [
        ("audience.changed", 2),
        ("listeners.count", 2),
        ("listeners.count", 0),
    ]  # nothing about usr_late: the end came before anyone was told


async def test_a_count_back_where_it_was_and_no_change_say_nothing() -> None:
    channel = Channel()
    publisher = AudiencePublisher(channel, None, interval_s=60)  # type: ignore[arg-type]
    publisher.changed("sp_1", 3, changes("-usr_a"))
    await publisher.flush_due()
    publisher.changed("sp_1", 2, changes("-usr_b"))
    publisher.changed("sp_1", 3, changes("+usr_b"))  # back before anyone was told
    publisher._sent["sp_1"] = (float("-inf"), 3)  # the interval is over; 3 was last sent
    await publisher.flush_due()
    assert [m.type for m in channel.sent] == ["audience.changed", "listeners.count"]


def test_a_batch_announces_each_written_count_with_its_changes_the_end_included() -> None:
    batch = BatchCounts(written={"sp_live": 2, "sp_ended": 0, "sp_quiet": 5})
    batch.audience("sp_live").came("usr_a")
    batch.audience("sp_ended").came("usr_b")
    batch.audience("sp_ended").end()
    told: dict[str, tuple[int, AudienceChanges]] = {}
    batch.announce(lambda space_id, count, changes: told.update({space_id: (count, changes)}))
    assert {space: count for space, (count, _) in told.items()} == {
        "sp_live": 2,
        "sp_ended": 0,
        "sp_quiet": 5,
    }
    assert list(told["sp_live"][1].joined) == ["usr_a"]
    assert told["sp_ended"][1].ended
    assert not told["sp_ended"][1].joined
    assert not told["sp_quiet"][1]
