"""The account rules of product spec §1, as small pure functions.

Lengths count Unicode code points after stripping surrounding whitespace.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from parley.identity.domain.errors import InvalidInput

HANDLE_MIN, HANDLE_MAX = 3, 15
DISPLAY_NAME_MIN, DISPLAY_NAME_MAX = 1, 50
PASSWORD_MIN = 8
BIO_MAX = 160  # as on X; the contract allows up to 2000 on the wire, the rule is stricter

_HANDLE = re.compile(r"[A-Za-z0-9_]+", re.ASCII)
_USER_ID_HEX = 20


def is_valid_handle(handle: str) -> bool:
    return HANDLE_MIN <= len(handle) <= HANDLE_MAX and _HANDLE.fullmatch(handle) is not None


def check_handle(handle: str) -> str:
    if not is_valid_handle(handle):
        raise InvalidInput(
            "invalid-handle",
            f"a handle is {HANDLE_MIN}-{HANDLE_MAX} characters of letters, digits and _",
        )
    return handle


def handle_key(handle: str) -> str:
    """Handles are unique regardless of case: this is the form that is compared."""
    return handle.lower()


def user_id_for(handle: str) -> str:
    """The user id a handle maps to. Deterministic, so that claiming a handle and creating the
    account are one append to a stream that must still be empty (no separate index to race)."""
    digest = hashlib.sha256(handle_key(handle).encode()).hexdigest()
    return f"usr_{digest[:_USER_ID_HEX]}"


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def check_display_name(display_name: str) -> str:
    name = display_name.strip()
    if not DISPLAY_NAME_MIN <= len(name) <= DISPLAY_NAME_MAX:
        raise InvalidInput(
            "invalid-display-name",
            f"a display name is {DISPLAY_NAME_MIN}-{DISPLAY_NAME_MAX} characters",
        )
    if _has_control_characters(name):
        raise InvalidInput("invalid-display-name", "a display name cannot hold control characters")
    return name


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(
            "password-too-short", f"a password has at least {PASSWORD_MIN} characters"
        )
    return password


def check_bio(bio: str) -> str:
    text = bio.strip()
    if len(text) > BIO_MAX:
        raise InvalidInput("bio-too-long", f"a bio has at most {BIO_MAX} characters")
    return text
