"""Parse EMAIL_URL (smtp://user:pass@host:port) into Django email settings."""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SCHEMES = {
    "smtp": {},
    "smtp+tls": {"EMAIL_USE_TLS": True},
    "smtps": {"EMAIL_USE_SSL": True},
    "console": None,
    "locmem": None,
}


def parse_email_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(SCHEMES)}")
    if parts.scheme in ("console", "locmem"):
        return {"EMAIL_BACKEND": f"django.core.mail.backends.{parts.scheme}.EmailBackend"}
    config = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20,
    }
    config.update(SCHEMES[parts.scheme])
    return config
