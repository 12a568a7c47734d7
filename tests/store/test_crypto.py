import pytest

from store.crypto import Cipher, DecryptionError


def test_round_trip():
    cipher = Cipher("a" * 40)
    assert cipher.decrypt(cipher.encrypt(b"SESSDATA=abc")) == b"SESSDATA=abc"


def test_other_secret_cannot_decrypt():
    token = Cipher("a" * 40).encrypt(b"x")
    with pytest.raises(DecryptionError, match="BILIREC_SECRET_KEY"):
        Cipher("b" * 40).decrypt(token)


def test_ciphertext_does_not_contain_plaintext():
    assert b"SESSDATA" not in Cipher("a" * 40).encrypt(b"SESSDATA=abc")
