"""/healthz: what load balancers and docker-compose probe, anonymously."""

import time

import pytest
from django.db import OperationalError
from django.urls import reverse

from pmo.core import health

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def filesystem_broker(settings, tmp_path):
    queue = tmp_path / "queue"
    queue.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "processed_folder": str(tmp_path / "processed"),
    }
    return queue


class BrokenConnection:
    """Stands in for django.db.connection when the database is down."""

    vendor = "postgresql"

    def cursor(self):
        raise OperationalError("connection to server at 127.0.0.1 failed")


def test_healthz_anonymous_ok_with_database_and_broker(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "detail": "postgresql"}
    assert body["broker"]["ok"] is True
    assert body["broker"]["detail"] == "redis"


def test_healthz_broker_unreachable_gives_503_quickly(client, settings):
    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS

    started = time.monotonic()
    response = client.get(reverse("healthz"))
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["broker"]["detail"]
    assert body["database"]["ok"] is True
    assert elapsed < 10, "a probe must answer within the load balancer's timeout"


def test_healthz_database_down_gives_503(client, monkeypatch):
    # The view imports check_database by name, so break what it uses: the connection.
    monkeypatch.setattr(health, "connection", BrokenConnection())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["broker"]["ok"] is True


def test_healthz_filesystem_broker_ok_when_folder_exists(client, filesystem_broker):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["broker"] == {"ok": True, "detail": "filesystem"}


def test_healthz_filesystem_broker_folder_missing_gives_503(client, filesystem_broker):
    filesystem_broker.rmdir()

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "detail": "filesystem folder missing"}


def test_healthz_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_does_not_redirect_logged_in_users_either(client, member):
    client.force_login(member)

    assert client.get(reverse("healthz")).status_code == 200


def test_check_database_reports_vendor():
    assert health.check_database() == (True, "postgresql")
