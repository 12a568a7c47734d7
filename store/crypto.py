"""Encryption at rest for secrets (bilibili cookies, refresh_token), keyed by the app secret.

During a key rotation the previous secret still decrypts (``old_secrets``); everything is
encrypted under the current one, and ``needs_rotation`` tells a reader which stored values
to write again.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE = b"bilirec credentials v1"


class DecryptionError(ValueError):
    """Ciphertext was made with another secret or has been tampered with."""


def _fernet(secret: str, purpose: bytes) -> Fernet:
    # A derived key, so the raw secret never serves two purposes.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"bilirec", info=purpose).derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


class Cipher:
    def __init__(
        self, secret: str, *, old_secrets: Sequence[str] = (), purpose: bytes = PURPOSE
    ) -> None:
        self._current = _fernet(secret, purpose)
        self._all = MultiFernet(
            [self._current, *(_fernet(s, purpose) for s in old_secrets if s)]
        )

    def __repr__(self) -> str:
        return "Cipher(<secret>)"

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._current.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._all.decrypt(token)
        except InvalidToken:
            raise DecryptionError(
                "stored credentials cannot be decrypted (was BILIREC_SECRET_KEY changed? "
                "During a rotation set the previous one as BILIREC_SECRET_KEY_OLD)"
            ) from None

    def needs_rotation(self, token: bytes) -> bool:
        """True when ``token`` was made under an old secret, not the current one."""
        try:
            self._current.decrypt(token)
        except InvalidToken:
            return True
        return False
