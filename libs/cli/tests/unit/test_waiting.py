import io
from pathlib import Path

from parley.cli.readiness import Probe
from parley.cli.terminal import Terminal
from parley.cli.waiting import ReadinessWatch


async def ready() -> bool:
    return True


async def never() -> bool:
    return False


class Screen:
    def __init__(self) -> None:
        self.out, self.err = io.StringIO(), io.StringIO()
        self.terminal = Terminal(out=self.out, err=self.err)


def watch(tmp_path: Path, screen: Screen, probes: dict[str, Probe]) -> ReadinessWatch:
    return ReadinessWatch(screen.terminal, probes, 0.3, lambda name: tmp_path / f"{name}.log")


async def test_one_line_per_service_as_it_gets_ready(tmp_path: Path) -> None:
    screen = Screen()

    assert await watch(tmp_path, screen, {"identity": ready, "gateway": ready}).all_ready() == []

    assert "identity ready in" in screen.out.getvalue()
    assert "gateway ready in" in screen.out.getvalue()


async def test_a_late_service_is_named_with_its_log(tmp_path: Path) -> None:
    (tmp_path / "room.log").write_text("starting\nmigration failed: no such table\n")
    screen = Screen()

    assert await watch(tmp_path, screen, {"identity": ready, "room": never}).all_ready() == ["room"]

    assert "room NOT READY after 0.3s" in screen.err.getvalue()
    assert "!!   migration failed: no such table" in screen.err.getvalue()
    assert "identity" not in screen.err.getvalue()


async def test_ready_again_after_a_restart(tmp_path: Path) -> None:
    screen = Screen()

    await watch(tmp_path, screen, {"identity": ready}).ready_again("identity")

    assert "identity is ready again" in screen.out.getvalue()
