# Lapor Pungli — production image: uvicorn serving config.asgi:application (HTTP + websockets).
#
#   docker build -t laporpungli .
#   docker run --rm -e SECRET_KEY=... -e DATABASE_URL=postgres://... -e REDIS_URL=redis://... \
#       -e ALLOWED_HOSTS=lapor.example.go.id -v laporpungli-data:/data laporpungli python manage.py migrate
#   docker run -d -p 8000:8000 (same -e/-v) -e WEB_CONCURRENCY=2 laporpungli
#
# SECRET_KEY must be set and kept: receipts are keyed hashes derived from it. More than one
# worker (WEB_CONCURRENCY > 1) needs REDIS_URL (the in-memory channel layer is single-process).
# Background jobs run as their own containers from the same image (see README, "Production").

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt
WORKDIR /app
COPY . .
RUN rm -rf .venv var tests .ci \
    && SECRET_KEY=build-only-not-secret /opt/venv/bin/python manage.py collectstatic --noinput

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    MEDIA_ROOT=/data/media \
    WEB_CONCURRENCY=1
RUN adduser --system --group --home /app --no-create-home app \
    && mkdir -p /data/media /app \
    && chown -R app:app /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:app /app /app
WORKDIR /app
USER app
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# No access log (it records client addresses), websocket compression off (memory per socket),
# the real client address taken from the reverse proxy's headers for rate limits only.
# --log-level warning: uvicorn logs each websocket handshake with the client address at INFO.
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--no-access-log", "--log-level", "warning", "--ws-per-message-deflate", "false", \
     "--proxy-headers", "--lifespan", "on", "--no-server-header"]
