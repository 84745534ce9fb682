"""Signed access tokens (JWT, EdDSA): identity signs with its private key, the gateway verifies
with the public key only. Keys are PEM files named by settings; ``parley up`` generates a pair."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHM = "EdDSA"
ISSUER = "parley-identity"
AUDIENCE = "parley"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    handle: str
    moderator: bool
    issued_at: int
    expires_at: int
    token_id: str


def generate_key_pair(directory: Path) -> tuple[Path, Path]:
    """Write ``token_private.pem``/``token_public.pem`` into ``directory`` unless present."""
    private_path, public_path = directory / "token_private.pem", directory / "token_public.pem"
    if private_path.exists() and public_path.exists():
        return private_path, public_path
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public_path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path


class TokenSigner:
    def __init__(self, private_key_pem: bytes, ttl_s: int = 3600) -> None:
        self._key = serialization.load_pem_private_key(private_key_pem, password=None)
        self.ttl_s = ttl_s

    def issue(self, user_id: str, handle: str, *, moderator: bool = False) -> str:
        now = int(time.time())
        claims = {
            "sub": user_id,
            "handle": handle,
            "mod": moderator,
            "iat": now,
            "exp": now + self.ttl_s,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "jti": uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)  # type: ignore[arg-type]


class TokenVerifier:
    def __init__(self, public_key_pem: bytes) -> None:
        self._key = serialization.load_pem_public_key(public_key_pem)

    def verify(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,  # type: ignore[arg-type]
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iat"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        return AccessClaims(
            user_id=str(claims["sub"]),
            handle=str(claims.get("handle", "")),
            moderator=bool(claims.get("mod", False)),
            issued_at=int(claims["iat"]),
            expires_at=int(claims["exp"]),
            token_id=str(claims.get("jti", "")),
        )
