# Lapor Pungli — production image: uvicorn serving config.asgi:application (HTTP + websockets).
#
#   docker build -t laporpungli .
#   docker run --rm -e SECRET_KEY=... -e DATABASE_URL=postgres://... -e REDIS_URL=redis://... \
#       -e ALLOWED_HOSTS=lapor.example.go.id -v laporpungli-data:/data laporpungli python manage.py migrate
#   docker run -d -p 8000:8000 (same -e/-v) -e WEB_CONCURRENCY=2 laporpungli
#
# Behind a reverse proxy, name it so its X-Forwarded-For/-Proto are believed (and nobody
# else's): an address or network, e.g. -e PORTAL_TRUSTED_PROXIES=10.0.0.2 (empty: none).
# SECRET_KEY must be set and kept: receipts are keyed hashes derived from it. More than one
# worker (WEB_CONCURRENCY > 1) needs REDIS_URL (the in-memory channel layer is single-process).
# Background jobs run as their own containers from the same image: compose.yaml runs the whole
# topology (release job, web, outbox publisher, clocks, notifier), as the Procfile does locally.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt
# The routing hot path compiled (routing/native.py) with build-only tools kept out of /opt/venv.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements-native.txt /tmp/requirements-native.txt
RUN /opt/venv/bin/pip install --target /opt/native-tools -r /tmp/requirements-native.txt
WORKDIR /app
COPY . .
RUN PYTHONPATH=/opt/native-tools /opt/venv/bin/python -c "from routing import native; native.build()"
# manage.py creates files private to root (config.filemodes); the app's group reads the code and
# the collected static files, nobody else does.
RUN rm -rf .venv var tests .ci \
    && SECRET_KEY=build-only-not-secret /opt/venv/bin/python manage.py collectstatic --noinput \
    && chmod -R u=rwX,g=rX,o= /app

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings.base \
    MEDIA_ROOT=/data/media \
    PORTAL_TRUSTED_PROXIES="" \
    WEB_CONCURRENCY=1
RUN adduser --system --group --home /app --no-create-home app \
    && mkdir -p /data/media /app /run/portal-metrics \
    && chown -R app:app /data /run/portal-metrics \
    && chmod 0700 /data /data/media
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:app /app /app
WORKDIR /app
USER app
VOLUME ["/data"]
EXPOSE 8000
# Plain http from inside the container (/healthz is exempt from the https redirect), naming the
# first of ALLOWED_HOSTS as its host, as the proxy would (any other host is refused with 400).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h if h not in ('', '*') else 'localhost'}), timeout=4)"]
# No access log (it records client addresses), websocket compression off (memory per socket),
# uvicorn's own proxy headers off: the app believes X-Forwarded-* from PORTAL_TRUSTED_PROXIES only.
# --log-level warning: uvicorn logs each websocket handshake with the client address at INFO.
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--no-access-log", "--log-level", "warning", "--ws-per-message-deflate", "false", \
     "--no-proxy-headers", "--lifespan", "on", "--no-server-header", \
     "--timeout-graceful-shutdown", "3"]
