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


def test_old_secret_still_decrypts_and_asks_for_rotation():
    old = Cipher("a" * 40).encrypt(b"x")
    rotating = Cipher("b" * 40, old_secrets=["a" * 40])
    assert rotating.decrypt(old) == b"x" and rotating.needs_rotation(old)
    fresh = rotating.encrypt(b"y")
    assert not rotating.needs_rotation(fresh)
    assert Cipher("b" * 40).decrypt(fresh) == b"y"
    with pytest.raises(DecryptionError):
        Cipher("a" * 40).decrypt(fresh)
    with pytest.raises(DecryptionError, match="BILIREC_SECRET_KEY_OLD"):
        Cipher("c" * 40, old_secrets=["d" * 40]).decrypt(old)
