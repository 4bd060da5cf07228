"""Every URL pattern, every role: anonymous users go to login, each role gets 200 or 403/404.

The table is checked against the URL configuration, so a new route without a row here
fails ``test_every_route_is_in_the_table``.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import MembershipFactory, ProgramFactory
from tests.projects.factories_schedule import ROUTE_CALENDAR, ROUTE_TASK

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]

# route name -> (kwargs builder, {persona: expected status for GET})
ALLOW_ALL = dict.fromkeys(PERSONAS, 200)
PMO_ONLY = {p: 200 if p == "pmo_staff" else 403 for p in PERSONAS}
SCHEDULE_EDITORS = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "pm": 200, "outsider": 404}

ROUTES = {
    "home": ({}, dict.fromkeys(PERSONAS, 302)),
    "profile": ({}, ALLOW_ALL),
    "password_change": ({}, ALLOW_ALL),
    "password_change_done": ({}, ALLOW_ALL),
    "projects:portfolio_list": ({}, ALLOW_ALL),
    "projects:portfolio_create": ({}, PMO_ONLY),
    "projects:portfolio_detail": (
        {"code": "DIGITAL"},
        {**ALLOW_ALL, "outsider": 404},
    ),
    "projects:portfolio_edit": ({"code": "DIGITAL"}, PMO_ONLY),
    "projects:program_create": ({}, PMO_ONLY),
    "projects:program_detail": ({"code": "CX"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:program_edit": ({"code": "CX"}, PMO_ONLY),
    "projects:project_list": ({}, ALLOW_ALL),
    "projects:my_projects": ({}, ALLOW_ALL),
    "projects:my_work": ({}, ALLOW_ALL),
    "projects:project_create": (
        {},
        {p: 200 if p in ("pmo_staff", "pm", "other_pm") else 403 for p in PERSONAS},
    ),
    "projects:project_detail": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:project_edit": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:project_health": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:project_team": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    # Milestones. The shared scene has no milestone, so routes that name one use a pk that
    # does not exist: each role gets the refusal it would get before the milestone is looked
    # up (403/404), or 404 for the missing milestone. The full matrix with a real milestone
    # is in tests/projects/test_milestones_permissions.py.
    "projects:milestones": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:my_milestones": ({}, ALLOW_ALL),
    "projects:milestone_create": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:milestone_detail": ({"code": "PRJ-0042", "pk": 999999}, dict.fromkeys(PERSONAS, 404)),
    "projects:milestone_edit": (
        {"code": "PRJ-0042", "pk": 999999},
        {
            "pmo_staff": 404,
            "pm": 404,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:milestone_quick_update": (
        {"code": "PRJ-0042", "pk": 999999},
        dict.fromkeys(PERSONAS, 404),
    ),
    "projects:milestone_row": ({"code": "PRJ-0042", "pk": 999999}, dict.fromkeys(PERSONAS, 404)),
    # Stage gates, status reports and the methodology library. The shared scene has no
    # review, report or document, so routes that name one use an id that does not exist: each
    # role gets the refusal it would get before the object is looked up (403/404), or 404 for
    # the missing object. The matrices with real objects are in tests/projects/test_gates_*.py,
    # test_reports_*.py and test_methodology_*.py.
    "projects:gate_criteria": ({}, PMO_ONLY),
    "projects:gate_criterion_create": ({}, PMO_ONLY),
    "projects:gate_criterion_edit": ({"pk": 999999}, {**PMO_ONLY, "pmo_staff": 404}),
    "projects:gates": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:gate_review": ({"code": "PRJ-0042", "pk": 999999}, dict.fromkeys(PERSONAS, 404)),
    "projects:reports": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:report_create": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:report_detail": ({"code": "PRJ-0042", "pk": 999999}, dict.fromkeys(PERSONAS, 404)),
    "projects:report_edit": (
        {"code": "PRJ-0042", "pk": 999999},
        {
            "pmo_staff": 404,
            "pm": 404,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:methodology": ({}, ALLOW_ALL),
    "projects:methodology_create": ({}, PMO_ONLY),
    "projects:methodology_doc": ({"slug": "no-such-page"}, dict.fromkeys(PERSONAS, 404)),
    "projects:methodology_edit": ({"slug": "no-such-page"}, {**PMO_ONLY, "pmo_staff": 404}),
    "projects:methodology_attachment": (
        {"slug": "no-such-page"},
        dict.fromkeys(PERSONAS, 404),
    ),
    # Charter and scope. The shared scene has no objective, revision, scope item, deliverable
    # or change request, so routes that name one use an id that does not exist (403/404 as
    # above). The matrices with real rows are in tests/projects/test_charter_permissions.py.
    "projects:charter": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:charter_edit": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:objective_create": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:objective_edit": (
        {"code": "PRJ-0042", "pk": 999999},
        {
            "pmo_staff": 404,
            "pm": 404,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:charter_revision": (
        {"code": "PRJ-0042", "number": 999},
        dict.fromkeys(PERSONAS, 404),
    ),
    "projects:scope": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:scope_item_create": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:scope_item_edit": (
        {"code": "PRJ-0042", "pk": 999999},
        {
            "pmo_staff": 404,
            "pm": 404,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:deliverable_create": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:deliverable_edit": (
        {"code": "PRJ-0042", "pk": 999999},
        {
            "pmo_staff": 404,
            "pm": 404,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:change_requests": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:change_request_create": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:change_request_detail": (
        {"code": "PRJ-0042", "number": 999},
        dict.fromkeys(PERSONAS, 404),
    ),
    # Budget. The shared scene has no budget line, so routes that name one use an id that
    # does not exist (403/404 as above). The matrix with a real line is in
    # tests/projects/test_budget_views.py (test_route_matrix_with_a_real_line).
    "projects:budget": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:budget_line_create": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:budget_line": ({"code": "PRJ-0042", "pk": 999999}, dict.fromkeys(PERSONAS, 404)),
    "projects:budget_line_edit": (
        {"code": "PRJ-0042", "pk": 999999},
        {
            "pmo_staff": 404,
            "pm": 404,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:budget_line_amounts": (
        {"code": "PRJ-0042", "pk": 999999},
        {
            "pmo_staff": 404,
            "pm": 404,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    # Schedule import and export, milestone calendar feeds.
    "projects:schedule_export_csv": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:schedule_export_mspdi": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:schedule_import": (
        {"code": "PRJ-0042"},
        {
            "pmo_staff": 200,
            "pm": 200,
            "other_pm": 403,
            "executive": 403,
            "resource_manager": 403,
            "member": 403,
            "outsider": 404,
        },
    ),
    "projects:milestones_ical": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:milestone_feeds": ({}, ALLOW_ALL),
    # Schedule, baselines and working calendars. Task and calendar ids come from the scene
    # when the URL is built (LazyId), so every role meets a real task and calendar.
    "projects:schedule": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:task_create": ({"code": "PRJ-0042"}, SCHEDULE_EDITORS),
    "projects:task_detail": (
        {"code": "PRJ-0042", "pk": ROUTE_TASK},
        {**ALLOW_ALL, "outsider": 404},
    ),
    "projects:task_edit": ({"code": "PRJ-0042", "pk": ROUTE_TASK}, SCHEDULE_EDITORS),
    "projects:baselines": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:baseline_compare": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:calendars": ({}, ALLOW_ALL),
    "projects:calendar_create": ({}, PMO_ONLY),
    "projects:calendar_edit": ({"pk": ROUTE_CALENDAR}, PMO_ONLY),
    # Charts: read-only, for everyone who may see the project or the portfolio.
    "projects:gantt": ({"code": "PRJ-0042"}, {**ALLOW_ALL, "outsider": 404}),
    "projects:portfolio_timeline": ({"code": "DIGITAL"}, {**ALLOW_ALL, "outsider": 404}),
}

# Routes that are not pages a role opens with GET: public, POST-only or third-party.
NOT_IN_TABLE = {
    "login",
    "logout",
    "healthz",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "projects:membership_change",
    "projects:milestone_delete",
    "projects:gate_criterion_action",
    "projects:gate_open",
    "projects:gate_item_record",
    "projects:gate_decide",
    "projects:report_submit",
    "projects:methodology_publish",
    "projects:charter_submit",
    "projects:charter_decide",
    "projects:objective_delete",
    "projects:scope_item_delete",
    "projects:scope_item_move",
    "projects:deliverable_decide",
    "projects:deliverable_resubmit",
    "projects:change_request_decide",
    "projects:change_request_withdraw",
    "projects:budget_line_remove",
    "projects:schedule_import_confirm",
    "projects:task_delete",
    "projects:task_progress",
    "projects:dependency_add",
    "projects:dependency_remove",
    "projects:holiday_add",
    "projects:holiday_delete",
    # Public by token, not by login: tests/projects/test_schedule_io_feeds.py covers it
    # (good token 200 without login, wrong or revoked token 404).
    "projects:my_milestones_ical",
}


def _area_tables():
    """Apps with many routes keep their rows beside their tests: ``tests/<app>/routes_*.py``
    modules define ``ROUTES`` and ``NOT_IN_TABLE`` that are merged into the tables above."""
    import importlib
    import pathlib

    here = pathlib.Path(__file__).parent
    for path in sorted(here.glob("*/routes_*.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        ROUTES.update(module.ROUTES)
        NOT_IN_TABLE.update(getattr(module, "NOT_IN_TABLE", set()))


_area_tables()


def _route_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _route_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_route_is_in_the_table():
    missing = set(_route_names()) - set(ROUTES) - NOT_IN_TABLE
    assert not missing, f"Add these routes to the permission table: {sorted(missing)}"


@pytest.fixture
def world(project, other_project, request):
    """The shared scene: project PRJ-0042 (pm, member on team), PRJ-0043 (other_pm), program CX."""
    ProgramFactory(code="CX", portfolio=project.portfolio, manager=project.project_manager)
    # A risk (PRJ-0042-R01, owned by pm), an issue (PRJ-0042-I01) and a workshop in the
    # project's register, so risk routes are checked against real rows.
    from tests.risks.factories import IssueFactory, RiskFactory, SessionFactory

    RiskFactory(project=project, owner=project.project_manager)
    IssueFactory(project=project, owner=project.project_manager)
    SessionFactory(project=project, facilitator=project.project_manager)
    personas = {name: request.getfixturevalue(name) for name in PERSONAS}
    # The outsider works on a project in another portfolio only.
    MembershipFactory(user=personas["outsider"])
    return personas


def _kwargs(kwargs):
    """Kwargs are a dict, or a function of no arguments that looks rows up (pks)."""
    return kwargs() if callable(kwargs) else kwargs


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_anonymous_is_sent_to_login(client, world, route):
    kwargs, _expected = ROUTES[route]
    url = reverse(route, kwargs=_kwargs(kwargs))
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("route", "persona"),
    [(route, persona) for route in sorted(ROUTES) for persona in PERSONAS],
)
def test_role_gets_expected_status(client, world, route, persona):
    kwargs, expected = ROUTES[route]
    client.force_login(world[persona])
    response = client.get(reverse(route, kwargs=_kwargs(kwargs)))
    assert response.status_code == expected[persona], (route, persona)


def test_healthz_is_public(client, db):
    assert client.get(reverse("healthz")).status_code in (200, 503)


def test_login_page_is_public(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
