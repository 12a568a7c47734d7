# One image for every service of docker-compose.yml; the command comes from the Procfile.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.txt requirements-web.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --system --uid 10001 --home /app bilirec \
    && mkdir -p /secret /app/state && chown bilirec /secret /app/state
USER bilirec

ENTRYPOINT ["/app/docker/entrypoint.sh"]
