"""``python -m store.rotate``: after starting with a new BILIREC_SECRET_KEY and the previous
one as BILIREC_SECRET_KEY_OLD, re-encrypt every user's stored credentials and push targets
under the new key at once, so the old key can be dropped without waiting for each user's
next refresh."""

from __future__ import annotations

import sys

from settings import Settings, SettingsError
from store import Store


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"bilirec rotate: {exc}", file=sys.stderr)
        return 2
    store = Store.from_settings(settings)
    read, unreadable = store.credentials.reencrypt_all()
    print(f"credentials under the current key: {read}; unreadable with either key: {unreadable}")
    # Push targets hold secrets too (webhook keys); one that cannot be read is only lost
    # (the user sets it again), so it does not fail the rotation.
    pushed, lost = store.push.reencrypt_all()
    print(f"push targets under the current key: {pushed}; unreadable: {lost}")
    return 1 if unreadable else 0


if __name__ == "__main__":
    sys.exit(main())
