"""Every service ``parley up`` can run, in start order. Adding a service is one line in
``SERVICES``; a service whose package is not installed (yet) is skipped, so the list can name
services before they exist."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from importlib.machinery import ModuleSpec
from pathlib import Path


class Probe(Enum):
    """How ``parley up`` learns that a service is ready."""

    NATS_HEALTH = "nats"  # answers the request ``parley.health.<name>`` with ``"ready": true``
    HTTP_READYZ = "http"  # ``GET /readyz`` on the public HTTP port answers 200


@dataclass(frozen=True)
class Service:
    name: str
    probe: Probe = Probe.NATS_HEALTH
    signs_tokens: bool = False  # only such services are given the token private key
    has_database: bool = True  # False for stateless services (no DATABASE_URL for them)
    # A setting each replica gets a value of its own for: (variable, template of the replica's
    # number n), e.g. ("PARLEY_MEDIA_WORKER_ID", "w{n}").
    replica_setting: tuple[str, str] | None = None
    # Each replica keeps a database of its own (the relay's workers), not one shared by all.
    database_per_replica: bool = False

    @property
    def module(self) -> str:
        return f"parley.{self.name}"

    @property
    def database_url_variable(self) -> str:
        return f"PARLEY_{self.name.upper()}_DATABASE_URL"


SERVICES: tuple[Service, ...] = (
    Service("identity", signs_tokens=True),
    Service("room"),
    Service("scheduling"),
    Service(
        "media_relay",
        replica_setting=("PARLEY_MEDIA_WORKER_ID", "w{n}"),
        database_per_replica=True,
    ),
    Service("recording"),
    Service("clipping"),
    Service("captions"),
    Service("moderation"),
    Service("gateway", probe=Probe.HTTP_READYZ, has_database=False),
)

SpecFinder = Callable[[str], ModuleSpec | None]


def is_installed(service: Service, find_spec: SpecFinder = importlib.util.find_spec) -> bool:
    """True when ``python -m parley.<name>`` can run. Looks for ``__main__.py`` without importing
    the service, so a half-written package never breaks ``parley up`` for the others."""
    try:
        spec = find_spec(service.module)
    except ImportError:
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    return any((Path(place) / "__main__.py").is_file() for place in spec.submodule_search_locations)


def split_installed(
    services: Iterable[Service], find_spec: SpecFinder = importlib.util.find_spec
) -> tuple[list[Service], list[Service]]:
    """(services to run, services skipped because they are not installed), order kept."""
    present: list[Service] = []
    missing: list[Service] = []
    for service in services:
        (present if is_installed(service, find_spec) else missing).append(service)
    return present, missing
