"""Say clearly which service the test suite needs and cannot reach, before pytest starts."""

import os
import sys
from urllib.parse import urlsplit

import psycopg
import redis


def check_postgres(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return f"DATABASE_URL must point at PostgreSQL for the tests (got {parts.scheme}://)."
    # Connect to the maintenance database: the test database is created by pytest-django.
    try:
        psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        return (
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432}: {exc}".strip()
        )
    return None


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {url}: {exc}"
    return None


def main() -> int:
    problems = [
        p
        for p in (
            check_postgres(os.environ["DATABASE_URL"]),
            check_redis(os.environ["REDIS_URL"]),
        )
        if p
    ]
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    if problems:
        print(
            "Start the services (see README.md, 'Running the tests') or point DATABASE_URL / "
            "REDIS_URL at running ones.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
