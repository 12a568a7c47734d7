"""In-repo bilibili simulator: speaks the response shapes of
docs/bilibili-api.md for tests and the offline demo.

Entry points: ``create_app`` (Flask factory), ``SimState`` (shared state),
``server.start_in_thread`` and ``python -m simulator``.
"""

from .app import create_app
from .state import SimState

__all__ = ["SimState", "create_app"]
