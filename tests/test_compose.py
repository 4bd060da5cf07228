"""docker-compose.yml, Dockerfile and pmo/settings.py agree with each other.

Docker cannot run in CI, so these tests read the files: every variable handed to the
application containers must be one that settings.py reads (a typo would otherwise be
silently ignored and the setting left at its default), the services the app needs are all
there with health checks, and the image runs gunicorn on pmo.wsgi as a non-root user.
No database is needed.
"""

import ast
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS = ROOT / "pmo" / "settings.py"

APP_SERVICES = ("web", "worker", "beat")
REQUIRED_SERVICES = ("web", "worker", "beat", "db", "redis", "mail")
ESSENTIAL_VARIABLES = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}

# env("NAME", ...), env_bool("NAME", ...), env_list("NAME", ...)
ENV_CALL = re.compile(r"""\benv(?:_bool|_list)?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


# --- helpers ------------------------------------------------------------------------------


def settings_variable_names(*sources: str) -> set[str]:
    names: set[str] = set()
    for source in sources:
        names.update(ENV_CALL.findall(source))
    return names


def known_variable_names() -> set[str]:
    """Every variable pmo/settings.py (and the modules next to it) reads through env()."""
    return settings_variable_names(*(p.read_text() for p in sorted((ROOT / "pmo").glob("*.py"))))


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def service_environment(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):  # the KEY=value list form
        environment = dict(
            item.split("=", 1) if "=" in item else (item, "") for item in environment
        )
    return {str(k): "" if v is None else str(v) for k, v in environment.items()}


def interpolate(value: str) -> str:
    """Resolve ${...} the way compose would with nothing set: defaults win, else a stand-in."""

    def replace(match: re.Match) -> str:
        operator, argument = match.group(2), match.group(3)
        if operator in (":-", "-"):
            return argument
        return "placeholder"

    return INTERPOLATION.sub(replace, value)


def unknown_variables(environment: dict[str, str], known: set[str]) -> set[str]:
    return set(environment) - known


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuations joined."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    return instructions


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    return instructions[starts[-1] :]


def healthcheck_command(service: dict) -> str:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return test
    return " ".join(test[1:]) if test[0] in ("CMD", "CMD-SHELL") else ""


# --- the helpers can fail -----------------------------------------------------------------


def test_a_misspelt_variable_is_reported():
    known = settings_variable_names('X = env("DATABASE_URL")\nY = env_bool("DEBUG", True)')
    assert known == {"DATABASE_URL", "DEBUG"}
    assert unknown_variables({"DATABASE_URL": "x", "DEBUGG": "0"}, known) == {"DEBUGG"}


def test_interpolation_uses_defaults_and_stand_ins():
    assert interpolate("${EMAIL_URL:-smtp://mail:1025}") == "smtp://mail:1025"
    assert interpolate("postgres://pmo:${PW:?set PW}@db:5432/pmo") == (
        "postgres://pmo:placeholder@db:5432/pmo"
    )


# --- settings.py --------------------------------------------------------------------------


def test_settings_read_the_environment_only_through_env():
    """Otherwise a variable could be read without the compose check knowing about it."""
    tree = ast.parse(SETTINGS.read_text())
    env_function = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "env"
    )
    inside_env = range(env_function.lineno, env_function.end_lineno + 1)
    elsewhere = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("environ", "getenv")
        and node.lineno not in inside_env
    ]
    assert elsewhere == [], f"settings.py reads os.environ outside env() on lines {elsewhere}"


def test_settings_read_the_variables_compose_relies_on():
    assert known_variable_names() >= ESSENTIAL_VARIABLES | {"EMAIL_URL", "LOG_LEVEL"}


# --- docker-compose.yml -------------------------------------------------------------------


def test_required_services_exist_with_health_checks():
    services = load_compose()["services"]
    for name in REQUIRED_SERVICES:
        assert name in services, f"service {name!r} is missing"
        healthcheck = services[name].get("healthcheck")
        assert healthcheck and healthcheck.get("test"), f"service {name!r} has no healthcheck"
        assert not healthcheck.get("disable"), f"service {name!r} disables its healthcheck"


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("web", ("http://127.0.0.1:8000/healthz",)),
        ("worker", ("celery -A pmo inspect ping",)),
        ("db", ("pg_isready",)),
        ("redis", ("redis-cli", "ping")),
    ],
)
def test_health_checks_probe_the_right_thing(service, expected):
    command = healthcheck_command(load_compose()["services"][service])
    for fragment in expected:
        assert fragment in command, f"{service} healthcheck should contain {fragment!r}"


def test_health_check_python_snippets_compile():
    for name, service in load_compose()["services"].items():
        test = service.get("healthcheck", {}).get("test")
        if isinstance(test, list) and test[:3] == ["CMD", "python", "-c"]:
            compile(test[3], f"<{name} healthcheck>", "exec")


def test_app_services_only_get_variables_that_settings_read():
    known = known_variable_names()
    services = load_compose()["services"]
    for name in APP_SERVICES:
        unknown = unknown_variables(service_environment(services[name]), known)
        assert not unknown, f"{name} is given variables settings.py never reads: {sorted(unknown)}"


def test_app_services_get_the_essential_variables():
    services = load_compose()["services"]
    for name in APP_SERVICES:
        missing = ESSENTIAL_VARIABLES - set(service_environment(services[name]))
        assert not missing, f"{name} lacks {sorted(missing)}"


def test_app_services_share_one_environment():
    services = load_compose()["services"]
    environments = [service_environment(services[name]) for name in APP_SERVICES]
    assert all(environment == environments[0] for environment in environments)


@pytest.mark.parametrize(
    ("variable", "scheme", "host"),
    [
        ("DATABASE_URL", "postgres", "db"),
        ("REDIS_URL", "redis", "redis"),
        ("EMAIL_URL", "smtp", "mail"),
    ],
)
def test_urls_point_at_the_compose_services(variable, scheme, host):
    for name in APP_SERVICES:
        url = urlsplit(interpolate(service_environment(load_compose()["services"][name])[variable]))
        assert url.scheme == scheme, f"{name}: {variable} scheme"
        assert url.hostname == host, f"{name}: {variable} should point at the {host!r} service"


def test_secret_key_is_never_a_literal():
    for name in APP_SERVICES:
        value = service_environment(load_compose()["services"][name])["SECRET_KEY"]
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", value), (
            f"{name}: SECRET_KEY must be ${{SECRET_KEY:?...}}, not {value!r}"
        )


def test_database_password_is_never_a_literal():
    services = load_compose()["services"]
    password = service_environment(services["db"])["POSTGRES_PASSWORD"]
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", password)
    for name in APP_SERVICES:
        database_url = interpolate(service_environment(services[name])["DATABASE_URL"])
        assert urlsplit(database_url).password == "placeholder", f"{name}: password is a literal"


def test_app_services_wait_for_healthy_dependencies_and_migrations():
    services = load_compose()["services"]
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name


def test_migrate_runs_once_before_the_app():
    migrate = load_compose()["services"]["migrate"]
    assert shlex.join(migrate["command"]) == "python manage.py migrate --noinput"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate.get("restart") == "no"
    assert service_environment(migrate) == service_environment(load_compose()["services"]["web"])


def test_commands_run_the_right_processes():
    services = load_compose()["services"]
    web = shlex.join(services["web"]["command"])
    assert web.startswith("gunicorn ") and "pmo.wsgi:application" in web
    assert shlex.join(services["worker"]["command"]).startswith("celery -A pmo worker")
    assert shlex.join(services["beat"]["command"]).startswith("celery -A pmo beat")


def test_images_and_builds_are_sane():
    services = load_compose()["services"]
    app_images = set()
    for name, service in services.items():
        if "build" in service:
            build = service["build"]
            context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile")
            assert (context / (dockerfile or "Dockerfile")).is_file(), name
            app_images.add(service.get("image"))
        else:
            image = service.get("image", "")
            repository, _, tag = image.rpartition(":")
            assert repository and tag and tag != "latest", f"{name}: pin a tag, not {image!r}"
    for name in ("migrate", *APP_SERVICES):
        assert "build" in services[name], f"{name} should run the application image"
    # One image name for every application service, so that compose builds it once.
    assert len(app_images) == 1 and None not in app_images
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["mail"]["image"].startswith("axllent/mailpit:")


def test_named_volumes_are_declared():
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    used = {
        volume.split(":", 1)[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used <= declared
    assert any(
        v.endswith(":/var/lib/postgresql/data") for v in compose["services"]["db"]["volumes"]
    )


def test_deployment_docs_describe_every_variable():
    docs = (ROOT / "docs" / "deployment.md").read_text()
    undocumented = sorted(name for name in known_variable_names() if f"`{name}`" not in docs)
    assert not undocumented, f"add these to the table in docs/deployment.md: {undocumented}"


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_runs_gunicorn_on_pmo_wsgi():
    instructions = final_stage(dockerfile_instructions(DOCKERFILE.read_text()))
    commands = [args for keyword, args in instructions if keyword in ("CMD", "ENTRYPOINT")]
    assert commands, "the final stage has no CMD"
    assert "gunicorn" in commands[-1] and "pmo.wsgi:application" in commands[-1]


def test_dockerfile_base_install_static_and_user():
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    bases = [args.split()[0] for keyword, args in instructions if keyword == "FROM"]
    assert bases and all(base == "python:3.11-slim" for base in bases), bases
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "pip install -c requirements/constraints.txt ." in runs
    final = final_stage(instructions)
    final_runs = " ".join(args for keyword, args in final if keyword == "RUN")
    assert "manage.py collectstatic --noinput" in final_runs
    users = [args for keyword, args in final if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "run as a non-root user"


def test_dockerfile_keeps_no_secret_key():
    """The build-time key only lives in the collectstatic RUN, never in ENV or ARG."""
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    for keyword, args in instructions:
        if keyword in ("ENV", "ARG"):
            assert "SECRET_KEY" not in args, f"{keyword} {args}"
    build_key = re.search(r'SECRET_KEY="([^"]+)"', DOCKERFILE.read_text())
    assert build_key and len(build_key.group(1)) >= 50, "settings refuse keys under 50 chars"


def test_dockerignore_keeps_local_state_and_secrets_out():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", ".env", "var", "staticfiles"} <= ignored
