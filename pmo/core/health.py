"""Reachability checks for /healthz: the database and the Celery broker."""

from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" to a health probe
        return False, exc.__class__.__name__
    return True, connection.vendor


def check_broker(timeout: float = 2.0) -> tuple[bool, str]:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        ok = folder.is_dir() and folder.exists()
        return ok, "filesystem" if ok else "filesystem folder missing"
    try:
        with Connection(url, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # kombu raises transport-specific errors
        return False, exc.__class__.__name__
    return True, url.split("://", 1)[0]
