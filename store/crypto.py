"""Encryption at rest for secrets (bilibili cookies, refresh_token), keyed by the app secret."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DecryptionError(ValueError):
    """Ciphertext was made with another secret or has been tampered with."""


class Cipher:
    def __init__(self, secret: str, *, purpose: bytes = b"bilirec credentials v1") -> None:
        # A derived key, so the raw secret never serves two purposes.
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"bilirec", info=purpose).derive(
            secret.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def __repr__(self) -> str:
        return "Cipher(<secret>)"

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise DecryptionError(
                "stored credentials cannot be decrypted (was BILIREC_SECRET_KEY changed?)"
            ) from None
