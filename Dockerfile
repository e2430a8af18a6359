# Lingli production image.
#
#   docker build -t lingli .
#
# Migrations run ONCE, from one container, before any worker starts (never from several
# workers at start-up), with the same environment as the server:
#
#   docker run --rm -e DATABASE_URL=postgres://… -e JWT_SECRET=… lingli lingli migrate
#   docker run -d -p 8000:8000 -e DATABASE_URL=postgres://… -e BROADCAST_URL=redis://… -e JWT_SECRET=… lingli
#
# LINGLI_ENV=production: the server refuses to start without a JWT_SECRET of at least
# 32 bytes and a PostgreSQL DATABASE_URL, or with the local file store but no PUBLIC_URL
# (its signed URLs must name the address clients use), or without SMS_GATEWAY_URL (phones are proven by SMS).
# GraphiQL and introspection are off.
# Files: STORAGE_URL=s3://bucket?endpoint=…&region=… for several hosts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --create-home --uid 10001 --user-group lingli

WORKDIR /src

# Dependencies first, from the runtime lock file (the versions `make test` ran against, each
# checked against its hash), so this layer is reused while only code changes.
COPY requirements/run.txt /tmp/requirements.txt
RUN pip install --require-hashes -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself (what .dockerignore leaves in): app, settings, migrations, the `lingli` command.
COPY . .
RUN pip install --no-deps . \
    && cd / && rm -rf /src

WORKDIR /app
# The local file store (STORAGE_URL=local) writes under ./data: mount a volume there, or use S3.
RUN mkdir -p /app/data && chown lingli:lingli /app/data
VOLUME ["/app/data"]
USER lingli

ENV LINGLI_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WEB_CONCURRENCY=4

EXPOSE 8000

# No curl in the slim image: ask /healthz with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', timeout=4)"]

# `lingli serve`: uvicorn with WEB_CONCURRENCY worker processes on HOST:PORT.
CMD ["lingli", "serve"]
