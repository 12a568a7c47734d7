# Stand-in for `python:3.11-slim` where no registry can be reached (make compose-check):
# Debian bookworm's python3 (3.11) with a venv first on PATH, so `python` and `pip` work
# as in the official image. It trusts the build host's local CA certificates, since
# package downloads may pass a TLS-intercepting proxy; the project's Dockerfile stays clean.
FROM bilirec-standin/bookworm:minbase
LABEL org.bilirec.standin="python:3.11-slim"
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       python3 python3-venv ca-certificates >/dev/null \
    && update-ca-certificates >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/python
ENV PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
