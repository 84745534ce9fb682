"""Where ``parley up`` keeps its state: one data directory (``./.parley`` by default)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    root: Path  # absolute, so children never depend on their working directory

    @classmethod
    def at(cls, data_dir: Path) -> Layout:
        return cls(data_dir.expanduser().resolve())

    @property
    def nats_dir(self) -> Path:
        return self.root / "nats"

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def lock_file(self) -> Path:
        return self.root / "up.lock"

    def log_file(self, name: str) -> Path:
        return self.logs_dir / f"{name}.log"

    def sqlite_url(self, service_name: str) -> str:
        """The chassis' default database: ``<data dir>/<service>.db``."""
        return f"sqlite+aiosqlite:///{self.root / f'{service_name}.db'}"

    def create(self) -> None:
        for directory in (self.root, self.nats_dir, self.keys_dir, self.logs_dir):
            directory.mkdir(parents=True, exist_ok=True)
