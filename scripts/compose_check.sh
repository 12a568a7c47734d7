#!/usr/bin/env bash
# make compose-check: builds the images and runs the demo stack exactly as README tells
# users to (docker-compose.yml + docker-compose.demo.yml), waits until every service is
# healthy, logs a simulated user in through the JSON API and waits for picks, restarts
# everything and checks the user is still logged in with the same picks, then tears it
# down (down -v). Prints timings, image sizes and each service's memory. On the way it
# proves that a setting of the env file (as a user's .env) reaches every service, and
# that Redis answers nobody without the password generated into the `secret` volume.
#
# Where Docker cannot be had it prints a loud `SKIPPED compose-check: <why>` line; under
# CI (CI=true) as root a skip is a failure. Images and layers are cached in
# ${BILIREC_DOCKER_CACHE:-~/.cache/bilirec/docker}, outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${BILIREC_DOCKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bilirec/docker}
PROJECT=${BILIREC_CHECK_PROJECT:-bilirec-check}
# The demo's files, as in `make compose-demo`; only the project name is the check's own.
COMPOSE=(docker-compose -p "$PROJECT" -f docker-compose.yml -f docker-compose.demo.yml)
STACK=(redis web worker-sync worker-push worker-ml beat)  # the real stack: Redis and the Procfile
SERVICES=(simulator "${STACK[@]}")
# docker-compose 1.29 builds through the Docker API (classic builder): no buildx needed.
export COMPOSE_DOCKER_CLI_BUILD=0 DOCKER_BUILDKIT=0

skip() {
  echo "SKIPPED compose-check: $*"
  if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
    echo "compose-check: FAILED: under CI as root Docker must run here"
    exit 1
  fi
  exit 0
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

started=$(now)
mkdir -p "$CACHE" 2>/dev/null || skip "cannot create the cache folder $CACHE"
# One check at a time per machine: they share the daemon, the cache and the project name.
exec 9>"$CACHE/lock"
flock 9

source scripts/compose_check_daemon.sh
work=$(mktemp -d)
# The check's own .env (the user's is left alone): the line .env.example starts with,
# and one setting away from its default, which every service must then see.
CHECK_SETTING=BILIREC_FOLLOWING_REQUESTS_PER_DAY CHECK_VALUE=7
printf 'BILIREC_ENV_FILE=%s\n%s=%s\n' "$work/check.env" "$CHECK_SETTING" "$CHECK_VALUE" \
  >"$work/check.env"
COMPOSE+=(--env-file "$work/check.env")
up=""
cleanup() {
  code=$?
  if [ -n "$up" ]; then
    if [ "$code" != 0 ]; then
      echo "compose-check: the last log lines of each service:"
      "${COMPOSE[@]}" logs --no-color --tail 30 2>&1 | tail -n 200 || true
    fi
    "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  stop_docker
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT

command -v docker >/dev/null || [ "$(id -u)" = 0 ] || skip "no docker client, and not root to install one"
find_or_start_docker || skip "no Docker daemon answers and none could be started (needs root and docker.io)"
command -v docker-compose >/dev/null || skip "docker-compose is not installed"

t=$(now)
build_standins || { echo "compose-check: FAILED: could not build the stand-in base images"; exit 1; }
echo "standins_s: $(since "$t")"

t=$(now)
if ! "${COMPOSE[@]}" build >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log"
  echo "compose-check: FAILED: docker-compose build"
  exit 1
fi
echo "build_s: $(since "$t")"

export BILIREC_PUBLISH=127.0.0.1 BILIREC_PUBLISH_PORT BILIREC_SIM_PUBLISH_PORT
BILIREC_PUBLISH_PORT=$(free_port)
BILIREC_SIM_PUBLISH_PORT=$(free_port)
base="http://127.0.0.1:$BILIREC_PUBLISH_PORT"

# Every service reports healthy (each has a healthcheck), within $1 seconds; prints when
# each one first did.
wait_healthy() {
  local start deadline service id state pending
  start=$(date +%s)
  deadline=$((start + $1))
  declare -A healthy=()
  while :; do
    pending=""
    for service in "${SERVICES[@]}"; do
      [ -n "${healthy[$service]:-}" ] && continue
      id=$("${COMPOSE[@]}" ps -q "$service" 2>/dev/null || true)
      state=$([ -n "$id" ] && docker inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' "$id" 2>/dev/null || echo missing)
      if [ "$state" = running/healthy ]; then
        healthy[$service]=$(( $(date +%s) - start ))
      else
        pending="$pending $service=$state"
      fi
    done
    if [ -z "$pending" ]; then
      echo "healthy_after_s:$(for s in "${SERVICES[@]}"; do printf ' %s=%s' "$s" "${healthy[$s]}"; done)"
      return 0
    fi
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "compose-check: FAILED: not healthy after $1 s:$pending"
      return 1
    fi
    sleep 1
  done
}

t=$(now)
up=1
"${COMPOSE[@]}" up --detach --no-build >"$work/up.log" 2>&1 || { cat "$work/up.log"; exit 1; }
wait_healthy 240
echo "up_to_healthy_s: $(since "$t")"

python3 scripts/compose_check_api.py login "$base" "$work/cookies"

# .env reaches every service: each one's own settings object sees the non-default value.
attr=$(printf '%s' "${CHECK_SETTING#BILIREC_}" | tr 'A-Z' 'a-z')
for service in "${STACK[@]:1}"; do
  got=$("${COMPOSE[@]}" exec -T "$service" python -c \
    "from settings import Settings; print(Settings.from_env().$attr)" 2>&1 | tr -d '\r' | tail -n 1 || true)
  [ "$got" = "$CHECK_VALUE" ] || { echo "compose-check: FAILED: $service sees $CHECK_SETTING=$got, not $CHECK_VALUE from the env file"; exit 1; }
done
echo "env_file_setting: $CHECK_SETTING=$CHECK_VALUE seen by ${STACK[*]:1}"

# Redis: without the password, no answer to another container on the network nor to a
# client inside Redis's own container; with it, the memory cap and noeviction.
redis_id=$("${COMPOSE[@]}" ps -q redis)
nopass=$("${COMPOSE[@]}" exec -T web python -c \
  "import redis; r = redis.Redis(host='redis'); print(r.get('x'))" 2>&1 | tail -n 1 || true)
case "$nopass" in
  *AuthenticationError*|*NOAUTH*|*"Authentication required"*) ;;
  *) echo "compose-check: FAILED: Redis answered a client without the password: $nopass"; exit 1 ;;
esac
local_nopass=$(docker exec "$redis_id" redis-cli get x 2>&1 || true)
case "$local_nopass" in
  *NOAUTH*) ;;
  *) echo "compose-check: FAILED: Redis answered redis-cli without the password: $local_nopass"; exit 1 ;;
esac
policy=$(docker exec "$redis_id" sh -c 'REDISCLI_AUTH="$(cat /secret/redis-password)" redis-cli config get maxmemory-policy | tail -n 1' || true)
maxmemory=$(docker exec "$redis_id" sh -c 'REDISCLI_AUTH="$(cat /secret/redis-password)" redis-cli config get maxmemory | tail -n 1' || true)
[ "$policy" = noeviction ] && [ "${maxmemory:-0}" -gt 0 ] \
  || { echo "compose-check: FAILED: Redis maxmemory=$maxmemory policy=$policy"; exit 1; }
echo "redis: password required (another container: refused; redis-cli: NOAUTH), maxmemory $((maxmemory / 1048576)) MiB, $policy"
docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' \
  $("${COMPOSE[@]}" ps -q) | sed -E "s/^${PROJECT}_([a-z-]+)_[0-9]+ ([^ ]+) .*/rss \1: \2/"

# A crash, a permission problem or a logged error in any service fails the check; the
# moments while services stop for the restart are left out (Redis may go first).
check_logs() {  # $1: only lines logged since this time (docker logs --since), or ""
  local id
  for id in $("${COMPOSE[@]}" ps -q); do
    docker logs ${1:+--since "$1"} "$id" 2>&1 | sed "s|^|$(docker inspect -f '{{.Name}}' "$id") |"
  done | grep -E 'Traceback|Permission denied|\[ERROR\]|: (ERROR|CRITICAL)/' >"$work/errors" || return 0
  echo "compose-check: FAILED: errors in the services' logs:"
  head -n 40 "$work/errors"
  return 1
}
check_logs ""

# Restart our stack; the simulator stands for bilibili, which does not restart with it
# (it keeps its login sessions in memory only).
t=$(now)
"${COMPOSE[@]}" restart "${STACK[@]}" >"$work/restart.log" 2>&1 \
  || { cat "$work/restart.log"; exit 1; }
restarted_at=$(date -u +%Y-%m-%dT%H:%M:%S)
wait_healthy 300
echo "restart_to_healthy_s: $(since "$t")"
python3 scripts/compose_check_api.py verify "$base" "$work/cookies"
check_logs "$restarted_at"

docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
  | grep -E '^(bilibili-recommender|python|redis):' | sed 's/^/image_size /'
t=$(now)
"${COMPOSE[@]}" down -v --remove-orphans >"$work/down.log" 2>&1 || { cat "$work/down.log"; exit 1; }
up=""
echo "down_s: $(since "$t")"
echo "compose-check: OK in $(since "$started") s"
