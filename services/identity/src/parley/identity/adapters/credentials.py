"""Credential records in a private JetStream key-value bucket, never in the event stream.

A record is written under a fresh reference *before* the ``UserRegistered`` event that points
at it is appended; a registration that then loses the race for its handle leaves an orphan
record that nothing references, which is harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol
from uuid import uuid4

from nats.aio.client import Client as NATS
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from nats.js.kv import KeyValue

DEFAULT_BUCKET = "identity_credentials"


def new_credential_ref() -> str:
    return f"cred_{uuid4().hex}"


@dataclass(frozen=True)
class Credential:
    user_id: str
    password_hash: str

    def to_json(self) -> bytes:
        return json.dumps({"user_id": self.user_id, "password_hash": self.password_hash}).encode()

    @staticmethod
    def from_json(data: bytes) -> Credential:
        record = json.loads(data)
        return Credential(
            user_id=str(record["user_id"]), password_hash=str(record["password_hash"])
        )


class CredentialStore(Protocol):
    async def create(self, ref: str, credential: Credential) -> None: ...

    async def replace(self, ref: str, credential: Credential) -> None: ...

    async def get(self, ref: str) -> Credential | None: ...


class KvCredentialStore:
    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    @staticmethod
    async def open(nc: NATS, bucket: str = DEFAULT_BUCKET, replicas: int = 1) -> KvCredentialStore:
        js = nc.jetstream()
        try:
            kv = await js.key_value(bucket)
        except BucketNotFoundError:
            kv = await js.create_key_value(
                KeyValueConfig(
                    bucket=bucket,
                    description="identity: password hashes (private to the identity service)",
                    history=1,
                    storage=StorageType.FILE,
                    replicas=replicas,
                )
            )
        return KvCredentialStore(kv)

    async def create(self, ref: str, credential: Credential) -> None:
        await self._kv.create(ref, credential.to_json())

    async def replace(self, ref: str, credential: Credential) -> None:
        await self._kv.put(ref, credential.to_json())

    async def get(self, ref: str) -> Credential | None:
        try:
            entry = await self._kv.get(ref)
        except KeyNotFoundError:
            return None
        if entry.value is None:
            return None
        return Credential.from_json(entry.value)


class InMemoryCredentialStore:
    """For unit tests of code that needs a credential store but not NATS."""

    def __init__(self) -> None:
        self.records: dict[str, Credential] = {}

    async def create(self, ref: str, credential: Credential) -> None:
        if ref in self.records:
            raise KeyError(ref)
        self.records[ref] = credential

    async def replace(self, ref: str, credential: Credential) -> None:
        self.records[ref] = credential

    async def get(self, ref: str) -> Credential | None:
        return self.records.get(ref)
