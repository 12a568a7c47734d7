#!/bin/sh
# Every container: make sure the shared secret exists (first start creates it in the
# `secret` volume; later starts reuse it), then run the service's Procfile command.
set -e
if [ -n "${BILIREC_SECRET_KEY_FILE:-}" ] && [ -z "${BILIREC_SECRET_KEY:-}" ]; then
  python -m launcher.secret_file "$BILIREC_SECRET_KEY_FILE"
fi
exec "$@"
