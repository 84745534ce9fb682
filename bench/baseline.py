"""The old code, to measure side by side with this checkout: a ``git worktree`` of a baseline
commit with a virtualenv of its own (``uv sync --frozen`` from its lock file, offline first:
uv's cache has every wheel), kept between runs under ``/tmp/parley-bench-baseline/<commit>``.

The floor (``GET /api/v1/ping``, an authenticated no-op) came after the usual baseline; so
that both stacks have a floor to compare with, the commit that added it is applied to the
worktree (its route files only, not its tests), unless the baseline has it already. If it
does not apply, the baseline runs without a floor and says so.

    git worktree remove --force /tmp/parley-bench-baseline/<commit>   # to clean up
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import progress

ROOT = Path(__file__).resolve().parent.parent
WORKTREES = Path("/tmp/parley-bench-baseline")
DEFAULT = "8612e92"  # the commit before issue 14's work

# What the floor route is made of (contract, identity's handler and route, the gateway's
# endpoint and its registration): applied to a baseline without it.
FLOOR_FILES = (
    "libs/contracts/src/parley/contracts/api/identity.py",
    "services/identity/src/parley/identity/handlers/ping.py",
    "services/identity/src/parley/identity/entrypoints/routes.py",
    "services/gateway/src/parley/gateway/accounts/ping_controller.py",
    "services/gateway/src/parley/gateway/bootstrap.py",
)
FLOOR_MARKER = "services/identity/src/parley/identity/handlers/ping.py"


@dataclass(frozen=True)
class Baseline:
    commit: str  # full hash
    short: str
    subject: str
    python: str  # the worktree's interpreter: runs `parley up` of the old code
    has_floor: bool
    floor_note: str


def _git(*args: str, cwd: Path = ROOT, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def prepare(commit: str) -> Baseline:
    full = _git("rev-parse", "--verify", f"{commit}^{{commit}}")
    short = full[:7]
    subject = _git("log", "-1", "--format=%s", full)
    tree = WORKTREES / short
    if (tree / ".git").exists():
        progress(f"baseline {short}: reusing the worktree {tree}")
        _git("checkout", "--force", "--detach", full, cwd=tree)
        _git("clean", "-fdq", cwd=tree)  # leaves ignored files (.venv) alone
    else:
        progress(f"baseline {short}: git worktree add {tree}")
        tree.parent.mkdir(parents=True, exist_ok=True)
        _git("worktree", "prune")
        _git("worktree", "add", "--detach", str(tree), full)
    has_floor, note = _floor(full, tree)
    _sync(tree)
    python = tree / ".venv" / "bin" / "python"
    return Baseline(full, short, subject, str(python), has_floor, note)


def _floor(commit: str, tree: Path) -> tuple[bool, str]:
    has_it = subprocess.run(
        ["git", "cat-file", "-e", f"{commit}:{FLOOR_MARKER}"], cwd=ROOT, capture_output=True
    )
    if has_it.returncode == 0:
        return True, "the baseline has the ping route"
    added = _git("log", "--format=%H", "--diff-filter=A", "HEAD", "--", FLOOR_MARKER)
    if not added:
        return False, "no commit adds the ping route"
    floor_commit = added.splitlines()[-1]
    patch = _git("diff", f"{floor_commit}^", floor_commit, "--", *FLOOR_FILES) + "\n"
    done = subprocess.run(
        ["git", "apply", "--whitespace=nowarn"],
        cwd=tree,
        input=patch,
        text=True,
        capture_output=True,
        check=False,
    )
    if done.returncode:
        progress(f"  the ping route does not apply to the baseline: {done.stderr.strip()}")
        return False, f"the ping route ({floor_commit[:7]}) did not apply"
    progress(f"  applied the ping route of {floor_commit[:7]} to the baseline (floor only)")
    return True, f"the ping route of {floor_commit[:7]} applied (route files only)"


def _sync(tree: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT")
    }
    for extra in (["--offline"], []):
        done = subprocess.run(
            ["uv", "sync", "--frozen", "--quiet", *extra],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return
    raise RuntimeError(f"uv sync in {tree} failed:\n{done.stderr[-2000:]}")
