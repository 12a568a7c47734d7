"""``python -m simulator --host 127.0.0.1 --port 0 [--seed N] [--users 5] [--videos 6000]``

Also ``--qr-ttl 180`` (QR key lifetime) and ``--quiet``.

Prints exactly one line ``simulator listening on http://HOST:PORT`` (flushed)
once the socket is bound, so a parent process can read the URL; then serves
until interrupted. Request logs go to stderr with credentials redacted.
"""

from __future__ import annotations

import argparse
import sys

from .app import create_app
from .server import base_url, make


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--qr-ttl", type=float, default=180.0, help="QR key lifetime, seconds")
    parser.add_argument("--users", type=int, default=5, help="simulated accounts (mids 10001…)")
    parser.add_argument("--videos", type=int, default=6000, help="videos in the base catalogue")
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    parser.add_argument("--public-url", default="",
                        help="where a browser reaches this simulator (cover URLs), "
                             "if not the address it is asked at")
    args = parser.parse_args(argv)

    app = create_app(seed=args.seed, qr_ttl_s=args.qr_ttl, n_users=args.users,
                     n_videos=args.videos, public_url=args.public_url)
    server = make(app, args.host, args.port, quiet=args.quiet)
    print(f"simulator listening on {base_url(server, args.host)}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
