"""The processes below a pid, read from Linux ``/proc`` (elsewhere: none are found). ``parley
up`` checks after stopping that it left nothing behind; the tests check the same from outside."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def parse_stat(text: str) -> tuple[str, int]:
    """(state, parent pid) from ``/proc/<pid>/stat``; the command name in ``(...)`` may itself
    contain spaces and parentheses, so split after its last ``)``."""
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, IndexError, ValueError):
        return None


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir(PROC) if PROC.is_dir() else []:
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children.setdefault(stat[1], []).append(int(entry))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, already dead but not yet reaped, does not count)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"
