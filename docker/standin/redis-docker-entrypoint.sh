#!/bin/sh
# As the official image's docker-entrypoint.sh: options (or a config file) first mean
# redis-server; started as root, it hands /data to the redis user and drops to it.
# Compose's redis service runs its own start script as root first, then this.
# Listens on every interface with protected mode off (the compose network is the
# boundary, and compose's Redis requires a password), like the official build.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
if [ "$1" = redis-server ]; then
  shift
  if [ -f "${1:-}" ]; then  # a config file stays first
    conf=$1
    shift
    set -- redis-server "$conf" --bind 0.0.0.0 --protected-mode no "$@"
  else
    set -- redis-server --bind 0.0.0.0 --protected-mode no "$@"
  fi
fi
exec "$@"
