"""Gunicorn settings for the container image (see Dockerfile and docs/deployment.md).

Worker processes are not configured from the environment: docker-compose.yml only passes
variables that pmo/settings.py reads. Override by changing the ``command`` of ``web``, e.g.
``gunicorn --config /app/docker/gunicorn.conf.py --workers 8 pmo.wsgi:application``.
"""

import os

wsgi_app = "pmo.wsgi:application"
bind = "0.0.0.0:8000"

# (2 x CPUs) + 1 is gunicorn's rule of thumb; capped so that a large host does not open
# more database connections than PostgreSQL's default max_connections allows.
workers = min(2 * len(os.sched_getaffinity(0)) + 1, 9)
threads = 1
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow forever.
max_requests = 1000
max_requests_jitter = 100

# /tmp may be a slow overlay file system in containers; heartbeat files go to memory.
worker_tmp_dir = "/dev/shm"

# Logs go to the container's stdout/stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
