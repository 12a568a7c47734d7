#!/usr/bin/env bash
# make test: venv from the requirements files, a private Redis, then the whole suite, and
# (for a whole run, no pytest arguments) make compose-check: the images built and the
# demo stack run in Docker. BILIREC_SKIP_COMPOSE_CHECK=1 skips that loudly (never in CI).
# It never touches a Redis database it did not create: it starts its own redis-server on a
# free port; only where none can be had does it use database 15 (reserved for tests) of the
# Redis at 127.0.0.1:6379, emptying that database alone.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-$(command -v python3.11 || command -v python3)}
VENV=.venv
STAMP=$VENV/.installed
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ] || [ -n "$(find requirements*.txt -newer "$STAMP" 2>/dev/null)" ]; then
  "$VENV/bin/pip" install --disable-pip-version-check -q -r requirements.txt -r requirements-dev.txt
  touch "$STAMP"
fi

as_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_install() {
  if as_root; then
    echo "make test: installing $* (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >/dev/null 2>&1 \
      || echo "make test: could not install $*"
  fi
}
[ -x /usr/bin/chromium ] || apt_install chromium
# Without a CJK font the page's screenshots show boxes instead of Chinese.
fc-list :lang=zh 2>/dev/null | grep -q . || apt_install fonts-wqy-zenhei
# The cards' 👍/👎 buttons, in colour rather than empty boxes.
fc-list 2>/dev/null | grep -qi "color emoji" || apt_install fonts-noto-color-emoji
command -v docker-compose >/dev/null || apt_install docker-compose
command -v redis-server >/dev/null || redis-cli -p 6379 ping >/dev/null 2>&1 || apt_install redis-server

tmp=$(mktemp -d)
cleanup() {
  if [ -n "${redis_pid:-}" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
if command -v redis-server >/dev/null; then
  port=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$tmp" --daemonize no \
    >"$tmp/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do
    "$VENV/bin/python" -c "import redis,sys; redis.Redis(port=$port).ping()" 2>/dev/null && break
    sleep 0.1
  done
  export BILIREC_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
else
  export BILIREC_TEST_REDIS_URL="redis://127.0.0.1:6379/15"
fi
echo "make test: Redis for tests at $BILIREC_TEST_REDIS_URL"

"$VENV/bin/ruff" check .
# A whole run in two test processes (pytest-xdist): most tests wait on a worker, a browser
# or the simulator, so two share a 2-core machine well. Each has a database of its own on
# the private server (tests/conftest.py); on the shared Redis only database 15 is ours.
parallel=()
if [ "$#" = 0 ] && [ -n "${redis_pid:-}" ]; then parallel=(-n 2 --dist loadfile); fi
set +e
"$VENV/bin/python" -m pytest "${parallel[@]}" "$@"
code=$?
set -e
if [ "$code" = 5 ]; then echo "make test: no tests were collected"; exit 1; fi
[ "$#" = 0 ] || exit "$code"

if [ -n "${BILIREC_SKIP_COMPOSE_CHECK:-}" ]; then
  echo "SKIPPED compose-check: BILIREC_SKIP_COMPOSE_CHECK is set"
  if [ "${CI:-}" = true ]; then echo "make test: CI must run compose-check"; exit 1; fi
  exit "$code"
fi
compose=0
bash scripts/compose_check.sh || compose=$?
[ "$code" != 0 ] && exit "$code"
exit "$compose"
