"""The ``Idempotency-Key`` request header (IETF draft "The Idempotency-Key HTTP Header Field").

A client sends a unique key with a command (``POST``, ``PUT``, ``PATCH``, ``DELETE``) and the
same key again when it retries, e.g. after a ``504 outcome-unknown`` or a lost connection: the
service answers the retry with the first attempt's outcome, never a second effect
(:mod:`parley.chassis.idempotency`). A key used again with a different request is refused
(422 ``idempotency-key-reused``), one still being applied answers 409 ``command-in-progress``.
The draft's form is a structured-field string (``"a-key"``); a bare token is accepted too.
"""

from __future__ import annotations

import re

from parley.gateway.problems import Problem

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
MAX_KEY_CHARS = 255
_KEY = re.compile(rf"[!#-~]{{1,{MAX_KEY_CHARS}}}")  # visible ASCII, no quote or space


def idempotency_key(header: str | None) -> str | None:
    """The key a client sent, or None; a malformed one is a 400 ``invalid-idempotency-key``."""
    if header is None:
        return None
    key = header.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not _KEY.fullmatch(key):
        raise Problem(
            400,
            "invalid-idempotency-key",
            "Invalid Idempotency-Key",
            f"Idempotency-Key must be 1 to {MAX_KEY_CHARS} visible ASCII characters"
            ' (a string such as "8e03978e-40d5-43e8-bc93-6894a57f9324")',
        )
    return key
