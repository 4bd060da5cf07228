"""Playwright (sync API) against pytest-django's ``live_server``, in Debian's Chromium.

Every page a test opens fails the test on a console error, an uncaught page error or a
sub-resource (CSS, JS, image) answering 4xx/5xx: a Content-Security-Policy violation by an
inline script shows up as a console error, so it fails here too. Documents that answer
4xx on purpose (a form with errors is a 400, a stale save a 409, a refusal a 403) are
allowed; their status is checked by the tests themselves.

On failure each open page is saved to ``test-artifacts/`` (gitignored).
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [  # as in scripts/screenshots.py and DESIGN.md section 8
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
# How Chromium reports a document that answered with an error status.
FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium "
            "(apt-get install chromium). `playwright install` is not used here.",
            pytrace=False,
        )
    # Playwright's sync API runs an event loop in the main thread; Django refuses ORM calls
    # from a thread with a running loop unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
            # While Playwright's loop runs in this thread, Django keeps the thread's database
            # connections in a separate (context-local) slot: close them before the loop
            # stops, or they outlive the session and block dropping the test database.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class PageProblems:
    """Console errors, page errors and failed sub-resources seen by one page."""

    def __init__(self, page, label):
        self.label = label
        self.errors: list[str] = []
        self.error_documents: set[str] = set()
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("response", self.on_response)
        page.on("requestfailed", self.on_request_failed)

    def on_request_failed(self, request):
        # A navigation cancels what the previous page still had in flight (the favicon,
        # say): Chromium reports that as ERR_ABORTED, which is not a fault of the page.
        if "ERR_ABORTED" in (request.failure or ""):
            return
        self.errors.append(f"request failed: {request.url} ({request.failure})")

    def on_response(self, response):
        if response.status < 400:
            return
        is_htmx = response.request.headers.get("hx-request") == "true"
        if response.request.resource_type == "document" or (
            # htmx swaps a 400 (form errors) or 409 (stale save) partial on purpose.
            is_htmx and response.status in (400, 409)
        ):
            self.error_documents.add(response.url)
        else:
            self.errors.append(
                f"{response.status} for {response.request.resource_type} {response.url}"
            )

    def on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if FAILED_LOAD.match(message.text) and url in self.error_documents:
            return  # the test asserts the document's status itself
        self.errors.append(f"console error: {message.text} (at {url})")


@pytest.fixture
def new_page(browser, live_server, request):
    """Open a page in a fresh browser context (own cookies), watched for errors."""
    opened = []

    def _new_page(label="page"):
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        page = context.new_page()
        opened.append((page, PageProblems(page, label)))
        return page

    yield _new_page

    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    problems = []
    for page, watcher in opened:
        if failed and not page.is_closed():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", f"{request.node.name}-{watcher.label}")
            with contextlib.suppress(PlaywrightError):  # a crashed page has no picture
                page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
        problems += [f"[{watcher.label}] {error}" for error in watcher.errors]
        page.context.close()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    return new_page("page")


@pytest.fixture
def login_as():
    """Sign in through the real login form, as a person would."""

    def _login_as(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
        return page

    return _login_as


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screenshots/ for looking at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _screenshot(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot
