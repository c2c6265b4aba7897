"""Feed tokens: 256 random bits in a link, only their SHA-256 stored."""

from __future__ import annotations

import hashlib
import re
import secrets

__all__ = ["TOKEN_PATTERN", "new_token", "token_hash"]

TOKEN_BYTES = 32  # 256 bits, well over the 128 a guess must face
# token_urlsafe(32) is 43 characters (a pattern, not a secret)
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"  # noqa: S105
_TOKEN = re.compile(TOKEN_PATTERN)


def new_token() -> str:
    """Return a fresh URL-safe token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> bytes:
    """Return what is stored for ``token``.

    A plain SHA-256 suffices: the token is random and long, so there is nothing to
    brute-force that a slow hash would protect (unlike a password).
    """
    return hashlib.sha256(token.encode("ascii", "replace")).digest()


def looks_like_token(text: str) -> bool:
    """Return whether ``text`` has a token's shape (anything else is not looked up)."""
    return _TOKEN.fullmatch(text) is not None
