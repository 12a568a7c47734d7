# Sourced by scripts/compose_check.sh: a Docker daemon to talk to, and the stand-in base
# images where no registry can be reached. Everything cached lives in $CACHE, outside the
# clone, so it is built once per machine.

STANDIN_ROOT=bilirec-standin/bookworm:minbase
started_dockerd=""

docker_answers() { timeout 20 docker info >/dev/null 2>&1; }

# Use the Docker the shell already talks to; else start a private dockerd (as root) with
# its own data root, exec root, pidfile and socket. Sets DOCKER_HOST when private.
find_or_start_docker() {
  if command -v docker >/dev/null && docker_answers; then
    echo "compose-check: using the running Docker daemon"
    return 0
  fi
  local run=/run/bilirec-docker
  export DOCKER_HOST="unix://$run/docker.sock"
  if docker_answers; then
    echo "compose-check: using the private dockerd at $DOCKER_HOST (left running earlier)"
    return 0
  fi
  [ "$(id -u)" = 0 ] || { unset DOCKER_HOST; return 1; }
  if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null \
     || ! command -v debootstrap >/dev/null; then
    echo "compose-check: installing docker.io docker-compose debootstrap (apt-get)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        docker.io docker-compose debootstrap; } >"$CACHE/apt.log" 2>&1 || return 1
  fi
  mkdir -p "$run" "$CACHE/data"
  dockerd --data-root "$CACHE/data" --exec-root "$run/exec" --pidfile "$run/dockerd.pid" \
    --host "$DOCKER_HOST" >"$CACHE/dockerd.log" 2>&1 &
  started_dockerd=$!
  for _ in $(seq 120); do
    docker_answers && { echo "compose-check: started a private dockerd (pid $started_dockerd, data in $CACHE/data)"; return 0; }
    kill -0 "$started_dockerd" 2>/dev/null || break
    sleep 0.5
  done
  echo "compose-check: dockerd did not answer; the end of $CACHE/dockerd.log:"
  tail -n 20 "$CACHE/dockerd.log" || true
  stop_docker
  return 1
}

stop_docker() {
  [ -n "$started_dockerd" ] || return 0
  kill "$started_dockerd" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$started_dockerd" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$started_dockerd" 2>/dev/null || true
  wait "$started_dockerd" 2>/dev/null || true
  started_dockerd=""
}

is_standin() {  # $1: an image name; true when it is one of ours
  [ -n "$(docker image inspect -f '{{index .Config.Labels "org.bilirec.standin"}}' "$1" 2>/dev/null)" ]
}

# python:3.11-slim and redis:7-alpine: a real image already there is used as is; else a
# stand-in is built (again only when its Dockerfile changed: Docker's layer cache).
build_standins() {
  local need=""
  for image in python:3.11-slim redis:7-alpine; do
    if ! docker image inspect "$image" >/dev/null 2>&1 || is_standin "$image"; then
      need="$need $image"
    fi
  done
  [ -n "$need" ] || return 0
  if ! docker image inspect "$STANDIN_ROOT" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null || { echo "compose-check: debootstrap is missing"; return 1; }
    local rootfs="$CACHE/rootfs.$$"
    echo "compose-check: debootstrap bookworm for the stand-in images (once per machine)"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" \
      http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -n 20 "$CACHE/debootstrap.log"; rm -rf "$rootfs"; return 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import - "$STANDIN_ROOT" >/dev/null
    rm -rf "$rootfs"
  fi
  local ctx
  ctx=$(mktemp -d)
  cp docker/standin/* "$ctx/"
  mkdir -p "$ctx/ca-certificates"
  cp -r /usr/local/share/ca-certificates/. "$ctx/ca-certificates/" 2>/dev/null || true
  local ok=0
  for image in $need; do
    echo "compose-check: stand-in $image"
    docker build -q -t "$image" -f "$ctx/${image%%:*}.Dockerfile" "$ctx" >"$CACHE/standin.log" 2>&1 \
      || { tail -n 20 "$CACHE/standin.log"; ok=1; }
  done
  rm -rf "$ctx"
  return $ok
}
