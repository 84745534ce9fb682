"""``parley asyncapi [--check] [--out DIR] [--service NAME]``: every service's AsyncAPI document.

FastStream documents a broker with its routers. A service builds its routers in its bootstrap
from live infrastructure (a connected broker, its database, KV buckets), so each installed
service with a chassis definition (``parley.<name>.bootstrap.definition``) is started in this
process, as it really runs, against a throw-away nats-server and SQLite files, and stopped once
documented. The gateway builds its broker without I/O (``build_gateway``): it is not started.

One file per service: ``docs/asyncapi/<service>.json`` (:mod:`parley.chassis.asyncapi`).
``--check`` writes nothing and exits 1 when a committed file differs from a fresh one.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from faststream.nats import NatsBroker

from parley.chassis.asyncapi import Json, render, service_document
from parley.chassis.embedded_nats import EmbeddedNats
from parley.chassis.logs import configure_logging
from parley.chassis.messaging import connect, ensure_stream
from parley.chassis.service import ServiceDefinition, start_service
from parley.chassis.settings import ServiceSettings
from parley.chassis.tokens import generate_key_pair
from parley.cli.registry import SERVICES, split_installed
from parley.contracts import streams
from parley.contracts.streams import StreamSpec

REGENERATE = "make asyncapi"
GATEWAY = "gateway"

# Settings whose value differs between replicas of a service, and the address parameter their
# value becomes wherever it shows (a relay worker's own negotiate subject, its consumer).
REPLICA_SETTINGS: dict[str, dict[str, str]] = {"media_relay": {"media_worker_id": "worker_id"}}

# The environment must not change the documents (a worker id or a URL from a developer's shell).
_IGNORED_ENVIRONMENT = ("PARLEY_", "NATS_URL", "DATABASE_URL")


@dataclass(frozen=True)
class _Place:
    """Where the services run while they are documented."""

    nats_url: str
    work_dir: Path
    keys: tuple[Path, Path]

    def settings(self, settings_type: type[ServiceSettings], name: str) -> ServiceSettings:
        per_replica: dict[str, Any] = {
            field: replica_token(parameter)
            for field, parameter in REPLICA_SETTINGS.get(name, {}).items()
        }
        with _plain_environment():
            return settings_type(
                **per_replica,
                service_name=name,
                nats_url=self.nats_url,
                data_dir=self.work_dir / name,  # its SQLite file
                token_private_key_file=self.keys[0],
                token_public_key_file=self.keys[1],
                log_json=False,
            )


def replica_token(parameter: str) -> str:
    """The value a per-replica setting is given while documented: found and replaced by
    ``{parameter}`` in the document."""
    return f"REPLICA_{parameter}"


def documented_services(names: Sequence[str] | None = None) -> list[str]:
    """The installed services (in ``parley up``'s order), or ``names`` if given."""
    installed, _ = split_installed(SERVICES)
    known = [service.name for service in installed]
    unknown = sorted(set(names or ()) - set(known))
    if unknown:
        raise LookupError(f"not an installed service: {', '.join(unknown)}")
    return [name for name in known if names is None or name in names]


async def generate(names: Sequence[str], work_dir: Path) -> dict[str, Json]:
    """Service name -> its document. Every stream is created first (as its owner would), so
    that services start one at a time whichever streams they read: the contexts' streams and
    any other a service lists (the relay's durable program feed, which a recorder reads)."""
    server = EmbeddedNats(work_dir / "nats").start()
    try:
        nc = await connect(server.url, name="asyncapi")
        try:
            for spec in _every_stream(documented_services()):
                await ensure_stream(nc, spec)
        finally:
            await nc.close()
        place = _Place(server.url, work_dir, generate_key_pair(work_dir / "keys"))
        return {name: await _document(name, place) for name in names}
    finally:
        server.stop()


def _every_stream(names: Sequence[str]) -> list[StreamSpec]:
    specs = {spec.name: spec for spec in streams.ALL}
    for name in names:
        definition = getattr(
            importlib.import_module(f"parley.{name}.bootstrap"), "definition", None
        )
        if isinstance(definition, ServiceDefinition):
            specs.update({spec.name: spec for spec in definition.streams})
    return list(specs.values())


async def _document(name: str, place: _Place) -> Json:
    bootstrap = importlib.import_module(f"parley.{name}.bootstrap")
    if name == GATEWAY:
        return service_document(name, _gateway_broker(bootstrap, place))
    definition = getattr(bootstrap, "definition", None)
    if not isinstance(definition, ServiceDefinition):
        raise LookupError(f"parley.{name}.bootstrap has no ServiceDefinition named definition")
    running = await start_service(definition, place.settings(definition.settings_type, name))
    try:
        owned = [spec for spec in definition.streams if spec.owner == name]
        tokens = {replica_token(p): p for p in REPLICA_SETTINGS.get(name, {}).values()}
        return service_document(
            name, running.infra.broker, owned_streams=owned, replica_tokens=tokens
        )
    finally:
        await running.stop()


def _gateway_broker(bootstrap: ModuleType, place: _Place) -> NatsBroker:
    """The gateway's broker with its subscribers, built as its entry point builds it (nothing
    connects before the app starts)."""
    settings_type: type[ServiceSettings] = importlib.import_module(
        "parley.gateway.settings"
    ).GatewaySettings
    settings: Any = place.settings(settings_type, GATEWAY)
    broker: NatsBroker = bootstrap.build_gateway(settings, bootstrap.make_deps(settings)).broker
    return broker


def rendered_files(names: Sequence[str] | None = None) -> dict[str, str]:
    """File name -> content, as committed under ``docs/asyncapi/``."""
    with tempfile.TemporaryDirectory(prefix="parley-asyncapi-") as work_dir:
        documents = asyncio.run(generate(documented_services(names), Path(work_dir)))
    return {f"{name}.json": render(document) for name, document in documents.items()}


def stale_files(output_dir: Path, files: dict[str, str], *, complete: bool = True) -> list[str]:
    """Names of the files under ``output_dir`` that differ from ``files`` (or are missing),
    and, when ``files`` are all the documents, of the ones no service generates any more."""
    stale = [
        name
        for name, content in files.items()
        if not (output_dir / name).is_file() or (output_dir / name).read_text() != content
    ]
    if complete:
        stale += sorted(p.name for p in output_dir.glob("*.json") if p.name not in files)
    return stale


@contextmanager
def _plain_environment() -> Iterator[None]:
    hidden = {
        key: value for key, value in os.environ.items() if key.startswith(_IGNORED_ENVIRONMENT)
    }
    for key in hidden:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(hidden)


def default_output_dir() -> Path:
    """``docs/asyncapi`` of the workspace the command runs in (found from the current dir)."""
    here = Path.cwd().resolve()
    for directory in (here, *here.parents):
        if (directory / "libs" / "contracts").is_dir():
            return directory / "docs" / "asyncapi"
    return here / "docs" / "asyncapi"


def add_asyncapi_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = commands.add_parser(
        "asyncapi",
        help="write the AsyncAPI documents of every service (docs/asyncapi/)",
        description=(
            "Start each installed service in this process against a throw-away nats-server "
            "and write the AsyncAPI 3.0 document of its subscribers and publishers, with the "
            "replies of its routes and the events it stores, to DIR/<service>.json."
        ),
    )
    command.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a file in DIR is not what would be written",
    )
    command.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="default: docs/asyncapi"
    )
    command.add_argument(
        "--service",
        action="append",
        metavar="NAME",
        help="only this service (repeatable); default: every installed one",
    )


def run_asyncapi_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    configure_logging("asyncapi", "ERROR", json=False)
    output_dir: Path = args.out or default_output_dir()
    try:
        files = rendered_files(args.service)
    except LookupError as error:
        print(f"parley asyncapi: {error}", file=sys.stderr)
        return 2
    stale = stale_files(output_dir, files, complete=args.service is None)
    if args.check:
        for name in stale:
            print(f"{output_dir / name} is out of date: run `{REGENERATE}`", file=out)
    else:
        output_dir.mkdir(parents=True, exist_ok=True)
        for name in stale:
            path = output_dir / name
            if name in files:
                path.write_text(files[name])
                print(f"wrote {path}", file=out)
            else:
                path.unlink()
                print(f"removed {path} (no such service)", file=out)
        stale = []
    if not stale:
        print(f"{output_dir}: {len(files)} documents, up to date", file=out)
    return 1 if stale else 0
