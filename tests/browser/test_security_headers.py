"""Every page carries a Content-Security-Policy that forbids inline script, and needs none.

Uses Django's test client (no browser, so no ``browser`` marker). The browser tests beside
this file catch violations at run time; this one reads the header and the HTML of the main
pages directly, including error pages and forms with errors.
"""

from html.parser import HTMLParser

import pytest

from tests.factories import ProgramFactory

UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"}
# <script> types a browser treats as data, never runs (json_script writes the first).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives.setdefault(tokens[0].lower(), tokens[1:])
    return directives


class ScriptFinder(HTMLParser):
    """Collects what a strict script-src would block: inline code, handlers, js: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.external_scripts: list[str] = []
        self._open_script: dict | None = None
        self._script_text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> inline event handler")
            url = (value or "").strip().lower()
            if name in URL_ATTRIBUTES and url.startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> javascript: URL")
        if tag == "script":
            self._open_script = attributes
            self._script_text = ""

    def handle_data(self, data):
        if self._open_script is not None:
            self._script_text += data

    def handle_endtag(self, tag):
        if tag != "script" or self._open_script is None:
            return
        attributes, code = self._open_script, self._script_text.strip()
        self._open_script = None
        script_type = (attributes.get("type") or "").strip().lower()
        if script_type in DATA_SCRIPT_TYPES:
            return
        if attributes.get("src"):
            self.external_scripts.append(attributes["src"])
            if code:
                self.problems.append(f"<script src={attributes['src']!r}> also has inline code")
        else:
            self.problems.append(f"inline <script>: {code[:80]!r}")


@pytest.fixture
def pages(project, other_project, portfolio, pm):
    program = ProgramFactory(code="PG-CX", name="Customer experience", portfolio=portfolio)
    project.program = program
    project.save()
    code = project.code
    return {
        "project list": ("/projects/", 200),
        "project list, filtered": ("/projects/?q=portal&health=green&sort=-name", 200),
        "my projects": ("/projects/mine/", 200),
        "my work": ("/my-work/", 200),
        "project detail": (f"/projects/{code}/", 200),
        "project edit": (f"/projects/{code}/edit/", 200),
        "project health": (f"/projects/{code}/health/", 200),
        "project team": (f"/projects/{code}/team/", 200),
        "new project": ("/projects/new/", 200),
        "portfolio list": ("/portfolios/", 200),
        "portfolio detail": (f"/portfolios/{portfolio.code}/", 200),
        "program detail": (f"/programs/{program.code}/", 200),
        "profile": ("/accounts/profile/", 200),
        "other pm's project edit (403 page)": (f"/projects/{other_project.code}/edit/", 403),
        "missing project (404 page)": ("/projects/PRJ-9999/", 404),
    }


def assert_strict_csp(response, label):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{label}: no Content-Security-Policy header"
    directives = parse_csp(header)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, f"{label}: the policy limits no script source: {header}"
    unsafe = UNSAFE_SCRIPT_SOURCES & set(script_src)
    assert not unsafe, f"{label}: script-src allows {sorted(unsafe)}: {header}"
    assert directives.get("object-src") == ["'none'"], f"{label}: plugins allowed: {header}"


def assert_no_inline_script(response, label):
    finder = ScriptFinder()
    finder.feed(response.content.decode(response.charset or "utf-8"))
    finder.close()
    assert not finder.problems, f"{label}: " + "; ".join(finder.problems)
    return finder


def test_main_pages_send_a_strict_csp_and_contain_no_inline_script(login, pm, pages):
    client = login(pm)
    for label, (url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, f"{label}: {url} answered {response.status_code}"
        assert_strict_csp(response, label)
        finder = assert_no_inline_script(response, label)
        if status == 200:
            assert any(src.endswith("js/app.js") for src in finder.external_scripts), (
                f"{label}: the page behaviour script is missing"
            )


def test_pages_with_form_errors_and_stale_saves_contain_no_inline_script(login, pm, project):
    client = login(pm)
    invalid = client.post("/projects/new/", {"name": "", "planned_start": "2026-06-01"})
    assert invalid.status_code == 400
    stale = client.post(
        f"/projects/{project.code}/edit/",
        {
            "name": project.name,
            "portfolio": project.portfolio_id,
            "project_manager": pm.pk,
            "stage": project.stage,
            "status": project.status,
            "health": project.health,
            "priority": project.priority,
            "planned_start": "2026-01-05",
            "planned_finish": "2026-12-18",
            "currency": "CNY",
            "version": project.version + 5,
        },
    )
    assert stale.status_code == 409
    for label, response in [("form with errors", invalid), ("stale save", stale)]:
        assert_strict_csp(response, label)
        assert_no_inline_script(response, label)


def test_signed_out_pages_send_a_strict_csp_and_contain_no_inline_script(client, db):
    for url in ["/accounts/login/", "/accounts/password/reset/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response, url)
        assert_no_inline_script(response, url)
    redirect = client.get("/projects/")
    assert redirect.status_code == 302
    assert_strict_csp(redirect, "redirect to sign in")


def test_script_finder_flags_inline_code_handlers_and_js_urls():
    html = (
        '<script src="/static/js/app.js"></script>'
        '<script id="data" type="application/json">{"a": 1}</script>'
        "<script>alert(1)</script>"
        '<button onclick="go()">x</button>'
        '<a href="javascript:void(0)">y</a>'
    )
    finder = ScriptFinder()
    finder.feed(html)

    assert finder.external_scripts == ["/static/js/app.js"]
    assert finder.problems == [
        "inline <script>: 'alert(1)'",
        "<button onclick=...> inline event handler",
        "<a href='javascript:void(0)'> javascript: URL",
    ]
