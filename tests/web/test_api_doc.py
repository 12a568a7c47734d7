"""docs/api.md's route table lists exactly the routes the Flask app registers (static
files aside), each with its method, and every row fills all six columns."""

from __future__ import annotations

import re
from pathlib import Path

from settings import Settings
from web import create_app

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
ROW = re.compile(r"^\|\s*([A-Z]+)\s*\|\s*`([^`]+)`\s*\|")


def documented() -> list[tuple[str, str]]:
    rows = []
    for line in API_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match and match[1] in METHODS:
            # Six columns: method, path, auth, body, answers, errors ("\|" is not a bar).
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            assert len(cells) == 6, f"row needs six cells: {line}"
            rows.append((match[1], match[2]))
    return rows


def registered() -> set[tuple[str, str]]:
    # No request is made: building the app opens no connection (the Redis URL is unused).
    app = create_app(Settings(secret_key="x" * 40, redis_url="redis://127.0.0.1:1/0",
                              demo=True))
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method, re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)))
    return routes


def test_the_table_lists_every_registered_route_and_nothing_else() -> None:
    rows = documented()
    assert len(rows) == len(set(rows)), "a route is listed twice"
    app_routes = registered()
    assert len(app_routes) >= 20
    assert sorted(app_routes - set(rows)) == [], "registered but not in docs/api.md"
    assert sorted(set(rows) - app_routes) == [], "in docs/api.md but not registered"
