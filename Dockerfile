# syntax=docker/dockerfile:1
# The unmentor image: one image for the web workers, the scheduler and the migrations
# (compose.yaml picks the command). Build: docker build -t unmentor .

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
# A virtualenv copied whole into the final stage: no compiler or pip cache left behind. The
# locked versions first (README, Dependencies), a layer that changes only with the lock.
COPY requirements/run.lock ./requirements/run.lock
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements/run.lock
COPY pyproject.toml README.md ./
COPY unmentor ./unmentor
COPY scheduler ./scheduler
COPY viz ./viz
RUN /opt/venv/bin/pip install --no-deps .

FROM python:3.11-slim
# PROMETHEUS_MULTIPROC_DIR: several web workers add their request metrics up through files
# there (unmentor/operations/metrics.py); `unmentor serve` empties it at start.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UNMENTOR_CONFIG=/app/config.toml \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    MPLCONFIGDIR=/tmp/matplotlib
# Not root: a fixed uid, so that a volume's owner is predictable.
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home unmentor \
    && mkdir -p /tmp/prometheus /tmp/matplotlib && chown unmentor:unmentor /tmp/prometheus /tmp/matplotlib
COPY --from=build /opt/venv /opt/venv
# Defaults only: every setting is overridden by an UNMENTOR_* environment variable.
COPY config.toml /app/config.toml
USER unmentor
# The SQLite default (sqlite:///unmentor.db) and mail_dir land in the volume.
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
# Alive, not ready: /readyz (database, migrations, scheduler) is for the load balancer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Web workers only: exactly one `unmentor scheduler` runs elsewhere (compose.yaml).
CMD ["unmentor", "serve", "--host", "0.0.0.0", "--port", "8000", "--no-scheduler", "--workers", "2"]
