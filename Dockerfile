# Two images from one file: `app` (web, worker-sync, beat, the demo's simulator: no
# TensorFlow) and `ml` (worker-ml: TensorFlow). The command comes from the Procfile.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# A writable home (gunicorn keeps its control socket there); the code in /app stays
# read-only. The `secret` volume takes /secret's owner when compose first creates it.
RUN useradd --system --uid 10001 --create-home --home-dir /home/bilirec bilirec \
    && mkdir /secret && chown bilirec /secret && chmod 700 /secret
COPY requirements-web.txt ./
RUN pip install --no-cache-dir -r requirements-web.txt

FROM base AS app
COPY . .
USER bilirec
ENTRYPOINT ["/app/docker/entrypoint.sh"]

# Last, so a plain `docker build .` gives the image that runs everything.
FROM base AS ml
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
USER bilirec
ENTRYPOINT ["/app/docker/entrypoint.sh"]
