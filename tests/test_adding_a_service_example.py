"""The worked example of ``docs/adding-a-service.md`` runs: its blocks are written out as the
files they name (the ``bookmarks`` service, and the contract modules it adds), and the
example's own tests run against them in a pytest process of their own, so that nothing the
example registers (its events, its stream) leaks into this one."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-service.md"

_BLOCK = re.compile(r"^```(?P<lang>\w+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
_FILE = re.compile(r"# (?P<add>add to )?(?P<path>(?:services|libs)/[\w/.-]+)\n")
_CONTRACTS = "libs/contracts/src/"


@dataclass(frozen=True)
class Block:
    path: str
    code: str
    addition: bool  # a piece added to an existing file, not a whole new one


def example_blocks(text: str) -> list[Block]:
    """The blocks that start with the file they are: ``# <path>`` or ``# add to <path>``."""
    example = text.split("## Worked example", 1)[1]
    blocks = []
    for match in _BLOCK.finditer(example):
        head = _FILE.match(match["body"])
        if head:
            blocks.append(Block(head["path"], match["body"], addition=bool(head["add"])))
    return blocks


def module_name(path: str) -> str:
    return path.removeprefix(_CONTRACTS).removesuffix(".py").replace("/", ".")


_CONFTEST = '''\
"""Makes the worked example importable as if it were in the repository: the service's
``src`` on the path, the contract modules it adds registered, the stream it adds declared."""

import importlib
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "services" / "bookmarks" / "src"))

for name, path in {contracts!r}:
    spec = importlib.util.spec_from_file_location(name, HERE / path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, leaf = name.rpartition(".")
    setattr(importlib.import_module(parent), leaf, module)

for name, code in {additions!r}:
    exec(compile(code, name, "exec"), vars(importlib.import_module(name)))
'''

_PYTEST_INI = """\
[pytest]
addopts = --import-mode=importlib -p no:cacheprovider
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
timeout = 120
"""


def write_example(blocks: list[Block], where: Path) -> None:
    contracts: list[tuple[str, str]] = []
    additions: list[tuple[str, str]] = []
    for block in blocks:
        if block.addition:
            assert block.path.startswith(_CONTRACTS), f"cannot add to {block.path}"
            additions.append((module_name(block.path), block.code))
            continue
        target = where / block.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code)
        if block.path.startswith(_CONTRACTS):
            contracts.append((module_name(block.path), block.path))
    (where / "conftest.py").write_text(_CONFTEST.format(contracts=contracts, additions=additions))
    (where / "pytest.ini").write_text(_PYTEST_INI)


def test_the_example_names_every_part_of_the_shape() -> None:
    paths = {block.path for block in example_blocks(DOC.read_text())}
    package = "services/bookmarks/src/parley/bookmarks"
    for part in ("domain", "handlers", "policies", "projections", "queries", "entrypoints"):
        assert f"{package}/{part}/__init__.py" in paths, part
    for module in ("__main__.py", "bootstrap.py", "settings.py", "migrations/env.py"):
        assert f"{package}/{module}" in paths, module
    assert any(path.startswith("services/bookmarks/tests/unit/") for path in paths)
    assert any(path.startswith("services/bookmarks/tests/integration/") for path in paths)


def test_the_worked_example_runs(tmp_path: Path) -> None:
    write_example(example_blocks(DOC.read_text()), tmp_path)
    tests = tmp_path / "services" / "bookmarks" / "tests"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(tests),
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(tmp_path),
            "-q",
            "-p",
            "no:randomly",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, f"the worked example fails:\n{run.stdout}\n{run.stderr}"
    assert " passed" in run.stdout
