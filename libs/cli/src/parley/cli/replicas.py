"""The processes ``parley up --replicas N`` runs for each service (pure: tested without them).

Every service runs N times. Each replica is a child of its own, named after the service when
N is 1 (``room``) and numbered otherwise (``room-1``, ``room-2``: its log file, its lines on
the terminal, its ``PARLEY_INSTANCE_ID``, under which it holds its projection leases). Replicas
of a service share its database and its queue groups; each projection runs in the replica
holding its lease, the others stand by (``parley.chassis.leases``).

- A gateway replica listens on a port of its own: the first on ``--port``, the next ones on
  the ports after it (``8080``, ``8081``, ...). Nothing balances between them: a client picks
  one, and moves to another when it fails.
- A replica may need a setting of its own (``Service.replica_setting``): the media relay's
  worker id, ``w1``, ``w2``, ... And a service whose replicas each keep a database of their own
  (``Service.database_per_replica``: a relay worker's projection of room's roles) gives the
  first replica the service's database and every other one a SQLite file named after its
  setting (``media_relay-w2.db``, the file the relay picks by itself for worker ``w2``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from parley.cli.layout import Layout
from parley.cli.registry import Probe, Service


class ReplicaError(ValueError):
    """``--replicas`` cannot be honoured as configured."""


@dataclass(frozen=True)
class Replica:
    service: Service
    number: int  # 1..count
    count: int

    @property
    def name(self) -> str:
        return self.service.name if self.count == 1 else f"{self.service.name}-{self.number}"

    @property
    def serves_http(self) -> bool:
        return self.service.probe is Probe.HTTP_READYZ

    def http_port(self, base_port: int) -> int:
        """Where this replica listens when it serves HTTP (the others are told ``base_port``,
        the public port)."""
        return base_port + self.number - 1 if self.serves_http else base_port

    def setting(self) -> tuple[str, str] | None:
        if self.service.replica_setting is None:
            return None
        variable, template = self.service.replica_setting
        return variable, template.format(n=self.number)

    def env(self) -> dict[str, str]:
        """What this replica is told on top of the service's environment (a lone replica keeps
        whatever the environment sets, e.g. its worker id)."""
        env = {"PARLEY_INSTANCE_ID": self.name}
        if self.count > 1 and (setting := self.setting()) is not None:
            env[setting[0]] = setting[1]
        return env

    def database_url(self, service_database_url: str, layout: Layout) -> str:
        if not self.service.database_per_replica or self.number == 1:
            return service_database_url
        setting = self.setting()
        suffix = setting[1] if setting is not None else str(self.number)
        return layout.sqlite_url(f"{self.service.name}-{suffix}")


def replicas_of(services: Iterable[Service], count: int) -> list[Replica]:
    """Every replica to run, service by service in start order."""
    if count < 1:
        raise ReplicaError("--replicas must be at least 1")
    return [Replica(service, n, count) for service in services for n in range(1, count + 1)]


def check_replicas(replicas: Iterable[Replica], env: Mapping[str, str]) -> None:
    """Refuse what cannot work: replicas that each need a database of their own while one
    database is configured for the service (they would write each other's rows)."""
    for replica in replicas:
        variable = replica.service.database_url_variable
        if replica.count > 1 and replica.service.database_per_replica and env.get(variable):
            raise ReplicaError(
                f"{replica.service.name}'s replicas each keep a database of their own, but "
                f"{variable} names one: unset it (a SQLite file per replica) or run one replica"
            )
