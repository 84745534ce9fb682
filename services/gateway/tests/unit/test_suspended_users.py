from __future__ import annotations

from parley.gateway.suspensions import SuspendedUsers


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_events_suspend_and_reinstate():
    users = SuspendedUsers(clock=Clock())

    users.apply_event("usr_1", suspended=True)
    assert "usr_1" in users
    users.apply_event("usr_1", suspended=False)
    assert "usr_1" not in users


def test_the_full_list_replaces_the_set_and_marks_it_loaded():
    users = SuspendedUsers(clock=Clock())
    assert not users.loaded

    users.replace_all(["usr_1", "usr_2"])

    assert users.loaded
    assert "usr_2" in users
    assert len(users) == 2


def test_recent_events_win_over_a_list_that_may_lag_behind_them():
    clock = Clock()
    users = SuspendedUsers(event_grace_s=120, clock=clock)
    users.apply_event("usr_new", suspended=True)
    users.apply_event("usr_back", suspended=False)

    clock.now += 1
    users.replace_all(["usr_back", "usr_old"])  # a projection not yet at those events

    assert "usr_new" in users
    assert "usr_back" not in users
    assert "usr_old" in users


def test_old_events_give_way_to_the_list():
    clock = Clock()
    users = SuspendedUsers(event_grace_s=120, clock=clock)
    users.apply_event("usr_1", suspended=True)

    clock.now += 121
    users.replace_all([])  # reinstated meanwhile, while we were disconnected

    assert "usr_1" not in users


def test_watchers_hear_each_new_suspension_once():
    users = SuspendedUsers(clock=Clock())
    heard: list[str] = []
    users.on_suspension(heard.append)

    users.apply_event("usr_1", suspended=True)
    users.apply_event("usr_1", suspended=True)  # a redelivery: nothing new
    users.replace_all(["usr_1", "usr_2"])  # usr_2 only from the list (an event was missed)
    users.replace_all(["usr_1", "usr_2"])
    users.apply_event("usr_2", suspended=False)
    users.apply_event("usr_2", suspended=True)

    assert heard == ["usr_1", "usr_2", "usr_2"]


def test_a_failing_watcher_does_not_silence_the_others():
    users = SuspendedUsers(clock=Clock())
    heard: list[str] = []

    def broken(user_id: str) -> None:
        raise RuntimeError("bug")

    users.on_suspension(broken)
    users.on_suspension(heard.append)

    users.apply_event("usr_1", suspended=True)

    assert heard == ["usr_1"]
    assert "usr_1" in users
