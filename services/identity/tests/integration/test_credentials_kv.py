"""Credential records in the JetStream key-value bucket (the session's nats-server)."""

from __future__ import annotations

import uuid

import pytest
from nats.aio.client import Client as NATS
from nats.js.errors import KeyWrongLastSequenceError

from parley.identity.adapters.credentials import Credential, KvCredentialStore, new_credential_ref


async def test_create_get_replace_and_missing(nc: NATS) -> None:
    bucket = f"creds_{uuid.uuid4().hex[:8]}"
    store = await KvCredentialStore.open(nc, bucket)
    reopened = await KvCredentialStore.open(nc, bucket)  # opening again finds the bucket
    ref = new_credential_ref()
    await store.create(ref, Credential("usr_1", "$argon2id$first"))
    assert await reopened.get(ref) == Credential("usr_1", "$argon2id$first")
    await store.replace(ref, Credential("usr_1", "$argon2id$second"))
    assert await store.get(ref) == Credential("usr_1", "$argon2id$second")
    assert await store.get(new_credential_ref()) is None

    with pytest.raises(KeyWrongLastSequenceError):  # a ref is written once, never reused
        await store.create(ref, Credential("usr_2", "$argon2id$other"))
    assert (await store.get(ref)) == Credential("usr_1", "$argon2id$second")

    js = nc.jetstream()
    info = await js.stream_info(f"KV_{bucket}")
    assert info.config.storage == "file"
    await js.delete_key_value(bucket)
