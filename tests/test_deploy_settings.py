"""Production settings pass Django's deployment checklist, and refuse to run without a key.

Each case runs manage.py in a fresh process, because settings are read once at import. The
environment is cleared of every variable settings.py reads, so that what the developer or CI
has set cannot change the outcome. No database is needed: without DATABASE_URL settings
fall back to SQLite, which `check` does not open.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from pmo.settings import _DEV_SECRET_KEY as DEV_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pmo" / "settings.py"
ENV_CALL = re.compile(r"""\benv(?:_bool|_list)?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")


def clean_environment(**overrides: str) -> dict[str, str]:
    read_by_settings = set(ENV_CALL.findall(SETTINGS.read_text()))
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in read_by_settings and not key.startswith(("DJANGO_", "PYTEST_"))
    }
    environment["DJANGO_SETTINGS_MODULE"] = "pmo.settings"
    environment.update(overrides)
    return environment


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "ALLOWED_HOSTS": "pmo.example.org",
        **extra,
    }


def test_the_production_key_is_long_enough():
    assert len(production()["SECRET_KEY"]) == 64


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({}, id="settings-defaults"),
        pytest.param(
            {
                "SECURE_PROXY_SSL_HEADER": "1",
                "SECURE_SSL_REDIRECT": "1",
                "SESSION_COOKIE_SECURE": "1",
                "CSRF_COOKIE_SECURE": "1",
                "CSRF_TRUSTED_ORIGINS": "https://pmo.example.org",
                "REDIS_URL": "redis://redis:6379/0",
                "EMAIL_URL": "smtp://mail:1025",
            },
            id="behind-tls-proxy-as-documented",
        ),
    ],
)
def test_check_deploy_passes_with_no_warnings(extra):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production(**extra))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNINGS:" not in output and "ERRORS:" not in output, output


def test_check_deploy_would_catch_an_insecure_setting():
    """The check is live: turning a protection off is reported and fails the command."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production(SESSION_COOKIE_SECURE="0")
    )
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param(DEV_SECRET_KEY, id="development-key"),
        pytest.param("x" * 49, id="too-short"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    environment = production()
    del environment["SECRET_KEY"]
    if secret_key is not None:
        environment["SECRET_KEY"] = secret_key
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_no_environment_is_the_embedded_development_setup():
    """`make run` needs nothing set: debug on, the development key, SQLite."""
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECRET_KEY, s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        DEV_SECRET_KEY,
        "django.db.backends.sqlite3",
        "filesystem://",
    ]
