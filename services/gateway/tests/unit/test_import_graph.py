"""The gateway's modules import each other without a cycle; the guards are a leaf; only the entry
point imports the composition root.

The graph is read from the source with ``ast`` (every import statement, those under
``TYPE_CHECKING`` and inside functions included), and importing a module counts as importing
each package above it, as it does in Python.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = "parley.gateway"
SOURCE = Path(__file__).parents[2] / "src" / "parley" / "gateway"


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((ROOT, *parts))


MODULES = {module_name(path): path for path in SOURCE.rglob("*.py")}


def imported_names(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def with_parents(name: str) -> Iterator[str]:
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        yield ".".join(parts[:end])


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = {
            target
            for imported in imported_names(name, path)
            for target in with_parents(imported)
            if target in MODULES and target != name
        }
        # A module's own packages are imported before it: not an edge of its own making.
        edges[name] = targets - set(with_parents(name))
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it; ``None`` if there is none."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for target in sorted(edges[node]):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done and (cycle := visit(target)):
                return cycle
        on_path.discard(path.pop())
        done.add(node)
        return None

    for start in sorted(edges):
        if start not in done and (cycle := visit(start)):
            return cycle
    return None


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in edges[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def test_the_graph_is_read():
    edges = graph()

    assert len(edges) > 40
    assert f"{ROOT}.guards" in edges[f"{ROOT}.bootstrap"]
    assert f"{ROOT}.auth" in edges[f"{ROOT}.guards"]


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_module_of_the_gateway_imports_itself_back():
    assert find_cycle(graph()) is None


def test_the_guards_reach_nothing_of_the_wiring():
    wiring = {f"{ROOT}.bootstrap", f"{ROOT}.dependencies", f"{ROOT}.__main__"}

    assert not reachable(graph(), f"{ROOT}.guards") & wiring


def test_only_the_entry_point_imports_the_composition_root():
    importers = {name for name, targets in graph().items() if f"{ROOT}.bootstrap" in targets}

    assert importers == {f"{ROOT}.__main__"}
