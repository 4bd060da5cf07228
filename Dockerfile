# syntax=docker/dockerfile:1
# Production image for the PMO application: one image, three roles (web, worker, beat).
# The default command serves the site with gunicorn; docker-compose.yml runs the same image
# as the Celery worker, Celery beat and the one-shot `migrate` job.

# --- Build stage: resolve and install the dependencies into a virtualenv ------------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first, from pyproject.toml alone, so that this layer is reused while only the
# code changes. The constraints file pins every transitive dependency to what CI tested.
COPY pyproject.toml ./
COPY requirements/constraints.txt requirements/
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -c requirements/constraints.txt -r /tmp/requirements.txt

# Then the project itself. The wheel only carries .py files, and settings.py finds
# templates/, static/ and locale/ next to the source tree (BASE_DIR), so the app runs from
# /app below: the installed copy of the project is dropped so that the image holds exactly
# one copy of the code.
COPY . .
RUN pip install -c requirements/constraints.txt . \
    && pip uninstall --yes pmo-app

# --- Runtime stage --------------------------------------------------------------------------
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=pmo.settings

RUN groupadd --system --gid 10001 pmo \
    && useradd --system --uid 10001 --gid pmo --home-dir /home/pmo --create-home \
       --shell /usr/sbin/nologin pmo

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .

# Static files are collected into the image and served by WhiteNoise (compressed, with a
# manifest because DEBUG is off). settings.py refuses to start with DEBUG=0 and no real
# SECRET_KEY, so a throw-away key is given to this one command only: it is not an ENV or
# ARG, so it is not stored in the image. Containers get their own key at run time.
# var/ is the only place the app writes to (settings.py creates it on import).
RUN DEBUG=0 \
    SECRET_KEY="collectstatic-only-build-time-key-not-used-at-run-time-0123456789" \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /app \
    && mkdir -p /app/var \
    && chown -R pmo:pmo /app/var

USER pmo:pmo
EXPOSE 8000

CMD ["gunicorn", "--config", "/app/docker/gunicorn.conf.py", "pmo.wsgi:application"]
