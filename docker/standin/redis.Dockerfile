# Stand-in for `redis:7-alpine` where no registry can be reached (make compose-check):
# Debian bookworm's redis-server 7.0, run as in the official image: started as root, the
# entrypoint (docker-entrypoint.sh, on PATH as there) drops to user redis in /data;
# reachable from other containers (protected mode off, like the official build).
FROM bilirec-standin/bookworm:minbase
LABEL org.bilirec.standin="redis:7-alpine"
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       redis-server >/dev/null \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data && chown redis:redis /data
COPY redis-docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
