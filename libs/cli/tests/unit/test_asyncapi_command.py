"""``parley asyncapi``: which files it writes, checks and removes (documents faked here; the
real ones are generated in tests/integration/test_asyncapi.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from parley.cli import asyncapi
from parley.cli.main import build_parser

FILES = {"identity.json": '{"asyncapi": "3.0.0"}\n', "room.json": '{"asyncapi": "3.0.0"}\n'}


@pytest.fixture(autouse=True)
def fake_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    def rendered_files(names: list[str] | None = None) -> dict[str, str]:
        return {name: text for name, text in FILES.items() if not names or name[:-5] in names}

    monkeypatch.setattr(asyncapi, "rendered_files", rendered_files)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    args = build_parser({}).parse_args(["asyncapi", *argv])
    return asyncapi.run_asyncapi_command(args, out=out), out.getvalue()


def test_it_writes_one_document_per_service_and_then_they_are_current(tmp_path: Path) -> None:
    code, printed = run("--out", str(tmp_path))

    assert code == 0
    assert {path.name: path.read_text() for path in tmp_path.iterdir()} == FILES
    assert "2 documents, up to date" in printed
    assert run("--check", "--out", str(tmp_path))[0] == 0


def test_check_names_each_stale_or_missing_document_and_how_to_fix_it(tmp_path: Path) -> None:
    (tmp_path / "identity.json").write_text("{}\n")

    code, printed = run("--check", "--out", str(tmp_path))

    assert code == 1
    assert f"{tmp_path / 'identity.json'} is out of date: run `make asyncapi`" in printed
    assert f"{tmp_path / 'room.json'} is out of date" in printed
    assert (tmp_path / "identity.json").read_text() == "{}\n"  # --check writes nothing


def test_a_document_of_no_service_is_stale_and_removed(tmp_path: Path) -> None:
    run("--out", str(tmp_path))
    (tmp_path / "gone.json").write_text("{}\n")
    (tmp_path / "README.md").write_text("kept\n")

    assert run("--check", "--out", str(tmp_path))[0] == 1
    assert run("--out", str(tmp_path))[0] == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "README.md",
        "identity.json",
        "room.json",
    ]


def test_one_service_only_leaves_the_others_alone(tmp_path: Path) -> None:
    (tmp_path / "gateway.json").write_text("{}\n")

    assert run("--service", "room", "--out", str(tmp_path))[0] == 0
    assert run("--service", "room", "--check", "--out", str(tmp_path))[0] == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["gateway.json", "room.json"]


def test_the_default_place_is_docs_asyncapi_of_the_workspace(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workspace = Path(__file__).resolve().parents[4]
    monkeypatch.chdir(workspace / "libs" / "cli")

    assert asyncapi.default_output_dir() == workspace / "docs" / "asyncapi"


def test_an_unknown_service_is_refused() -> None:
    with pytest.raises(LookupError, match="nope"):
        asyncapi.documented_services(["identity", "nope"])
