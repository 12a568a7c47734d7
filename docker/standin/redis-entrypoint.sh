#!/bin/sh
# `redis-server --flag value …` as the official image takes it: no config file, listening
# on every interface with protected mode off (the compose network is the boundary).
set -e
if [ "${1:-}" = redis-server ]; then
  shift
  case "${1:-}" in
    ""|-*) set -- redis-server --bind "0.0.0.0" --protected-mode no "$@" ;;
    *) set -- redis-server "$@" ;;  # a config file first: leave it alone
  esac
fi
exec "$@"
