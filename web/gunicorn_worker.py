"""gunicorn's threaded worker, accepting a connection only while one of its threads is free.

The stock worker accepts whenever its listener is readable, so one worker can take every
connection of a burst (a browser's, a load test's 16) while the other sits idle: one
interpreter, one GIL, half the machine. Here a worker whose threads are all busy leaves the
new connection in the backlog for a worker that can serve it now. Connections it already
holds are served as before.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - gunicorn's signature
        self._busy = 0
        super().__init__(*args, **kwargs)

    # The stock run loop accepts while ``nr_conns < worker_connections``: the limit it reads
    # drops to what is held once every thread is busy.
    @property
    def worker_connections(self) -> int:
        if self._busy >= self.cfg.threads:
            return self.nr_conns
        return self.cfg.worker_connections

    @worker_connections.setter
    def worker_connections(self, _value: int) -> None:
        """Set once by the stock constructor; the property above reads the config instead."""

    def enqueue_req(self, conn) -> None:  # noqa: ANN001 - gunicorn's TConn
        self._busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:  # noqa: ANN001 - gunicorn's TConn, Future
        self._busy -= 1
        super().finish_request(conn, fs)
