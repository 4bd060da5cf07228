# Two commands: `make run` (embedded demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pmo
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14

.PHONY: install run test lint format check messages clean-var stop-workers

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --print-accounts
	$(MAKE) --no-print-directory stop-workers
	mkdir -p var/log
	$(VENV)/bin/celery -A pmo worker --loglevel=INFO --concurrency=1 \
	    --pidfile=var/celery-worker.pid --logfile=var/log/celery-worker.log --detach
	$(VENV)/bin/celery -A pmo beat --loglevel=INFO --pidfile=var/celery-beat.pid \
	    --logfile=var/log/celery-beat.log --detach
	@echo "Celery worker and beat run in the background (logs in var/log/)."
	$(PY) manage.py runserver 127.0.0.1:8000

stop-workers:
	-@for p in var/celery-worker.pid var/celery-beat.pid; do \
	    [ -f $$p ] && kill $$(cat $$p) 2>/dev/null; rm -f $$p; done; true

test: install
	@DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
	    $(PY) scripts/check_services.py
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
	    $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --ignore=var \
	    --ignore=tests --ignore=scripts --ignore=benchmarks
	$(PY) manage.py compilemessages --ignore=.venv
